//! The page's parts; each renders props and reports intent through callbacks.

pub mod controls;
pub mod editor;
pub mod events;
pub mod graph;
pub mod inspector;
