//! Hooks that connect the app to the browser: time and storage.

pub mod use_local_storage;
pub mod use_ticker;
