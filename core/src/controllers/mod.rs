//! The workload controllers, split like upstream's pkg/controller.

pub mod controller_utils;
pub mod deployment;
pub mod gc;
pub mod namespace;
pub mod replicaset;
