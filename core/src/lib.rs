//! kubeloop's reconcile core: a deterministic simulation of the Kubernetes workload
//! controllers over a simulated API server, scheduler and kubelet. Pure Rust; builds for
//! wasm32-unknown-unknown and natively.

pub mod api;
pub mod cluster;
pub mod controllers;
pub mod examples;
pub mod graph;
pub mod kinds;
pub mod kubectl;
pub mod manifest;
pub mod script;
pub mod session;
pub mod sim;
pub mod sort;
pub mod store;
pub mod trace;
pub mod validation;
