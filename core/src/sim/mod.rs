//! Virtual time, the timed event queue, workqueues, the event recorder and the engine loop.

pub mod controller;
pub mod engine;
pub mod events;
pub mod rng;
pub mod timers;
pub mod workqueue;
