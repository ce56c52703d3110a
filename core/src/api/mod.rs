//! The object model: stored kinds, selectors, int-or-percent values, quantities and the
//! small helpers controllers share.

pub mod decode;
pub mod decode_path;
pub mod defaults;
pub mod intstr;
pub mod pod;
pub mod quantity;
pub mod selector;
pub mod time;

pub use crate::kinds::{Kind, ObjKey, Object};
