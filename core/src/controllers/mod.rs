//! The workload controllers, split like upstream's pkg/controller.

pub mod controller_utils;
pub mod deployment;
pub mod endpoints;
pub mod endpoints_util;
pub mod endpointslice;
pub mod gc;
pub mod history;
pub mod namespace;
pub mod persistentvolume;
pub mod replicaset;
pub mod statefulset;
