//! The engine loop. `drain` runs every workqueue at the current instant until nothing is
//! dirty; time then jumps to the next timed event. Nothing reads the wall clock, and
//! controllers are served round-robin in a fixed order, so a run is reproducible.

use crate::api::time::Clock;
use crate::sim::controller::{Controller, Ctx};
use crate::sim::events::Recorder;
use crate::sim::timers::Timers;
use crate::sim::workqueue::WorkQueue;
use crate::store::Store;
use std::fmt;

/// Upstream controllers drop a key after this many consecutive failures (maxRetries).
const MAX_RETRIES: u32 = 15;

#[derive(Debug, Clone, PartialEq)]
pub enum EngineError {
    /// More syncs at one virtual instant than the bound allows: a runaway loop.
    WorkLimit { syncs: usize, at_ms: i64 },
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EngineError::WorkLimit { syncs, at_ms } => write!(
                f,
                "kubeloop stopped: {syncs} reconciles at virtual time {at_ms} ms without settling (limit reached)"
            ),
        }
    }
}

/// A sync that returned an error, kept for inspection.
#[derive(Debug, Clone)]
pub struct SyncError {
    pub ms: i64,
    pub controller: &'static str,
    pub key: String,
    pub message: String,
}

pub struct Engine {
    pub store: Store,
    controllers: Vec<Box<dyn Controller>>,
    queues: Vec<WorkQueue>,
    timers: Timers,
    recorder: Recorder,
    /// Bound on syncs within one virtual instant.
    pub max_syncs_per_instant: usize,
    pub sync_errors: Vec<SyncError>,
    /// Total syncs run, for benchmarks.
    pub syncs: u64,
}

impl Engine {
    pub fn new(clock: Clock, seed: u64, controllers: Vec<Box<dyn Controller>>) -> Self {
        let queues = controllers.iter().map(|_| WorkQueue::default()).collect();
        Engine {
            store: Store::new(clock, seed),
            controllers,
            queues,
            timers: Timers::default(),
            recorder: Recorder::default(),
            max_syncs_per_instant: 2_000_000,
            sync_errors: Vec::new(),
            syncs: 0,
        }
    }

    pub fn now_ms(&self) -> i64 {
        self.store.clock.now_ms
    }

    /// When the next timed event is due, if any.
    pub fn next_event_ms(&mut self) -> Option<i64> {
        self.timers.next_at()
    }

    /// True when a workqueue holds a key or a watch event awaits dispatch.
    pub fn has_work(&self) -> bool {
        self.store.has_pending_watch() || self.queues.iter().any(|q| !q.is_empty())
    }

    fn dispatch_watch(&mut self) {
        let events = self.store.drain_watch();
        let mut keys = Vec::new();
        for ev in &events {
            for (i, c) in self.controllers.iter_mut().enumerate() {
                keys.clear();
                c.keys_for(ev, &self.store, &mut keys);
                for k in keys.drain(..) {
                    self.queues[i].add(k);
                }
            }
        }
    }

    fn sync_one(&mut self, i: usize, key: String) {
        self.timers.cancel(i, &key);
        let actor = self.controllers[i].name();
        let mut ctx = Ctx { store: &mut self.store, recorder: &mut self.recorder, actor, after: Vec::new() };
        let result = self.controllers[i].sync(&key, &mut ctx);
        let after = std::mem::take(&mut ctx.after);
        let now = self.store.clock.now_ms;
        for (delay, k) in after {
            if delay == 0 {
                self.queues[i].add(k);
            } else {
                self.timers.add(now + delay, i, k);
            }
        }
        self.syncs += 1;
        match result {
            Ok(()) => self.queues[i].forget(&key),
            Err(message) => {
                self.sync_errors.push(SyncError { ms: now, controller: actor, key: key.clone(), message });
                if self.queues[i].failures(&key) >= MAX_RETRIES {
                    self.queues[i].forget(&key);
                } else {
                    let delay = self.queues[i].rate_limited_delay(&key, now);
                    self.timers.add(now + delay, i, key);
                }
            }
        }
    }

    /// Runs every controller until no key is dirty at the current instant. Each pass gives
    /// every controller, in a fixed order, the keys queued when its turn came: a burst of
    /// pod updates reaches the ReplicaSet controller as one sync, as informer batching does.
    pub fn drain(&mut self) -> Result<(), EngineError> {
        let mut syncs = 0usize;
        loop {
            self.dispatch_watch();
            let mut did = false;
            for i in 0..self.controllers.len() {
                for _ in 0..self.queues[i].len() {
                    let Some(key) = self.queues[i].pop() else { break };
                    self.sync_one(i, key);
                    self.dispatch_watch();
                    did = true;
                    syncs += 1;
                }
                if syncs > self.max_syncs_per_instant {
                    return Err(EngineError::WorkLimit { syncs, at_ms: self.now_ms() });
                }
            }
            if !did {
                return Ok(());
            }
        }
    }

    fn fire_due(&mut self, at_ms: i64) {
        self.store.clock.now_ms = at_ms;
        for t in self.timers.pop_due(at_ms) {
            self.queues[t.controller].add(t.key);
        }
    }

    /// Jumps to the next timed event and runs it; false when none is pending.
    pub fn step(&mut self) -> Result<bool, EngineError> {
        self.drain()?;
        let Some(at) = self.timers.next_at() else {
            return Ok(false);
        };
        self.fire_due(at.max(self.now_ms()));
        self.drain()?;
        Ok(true)
    }

    /// Runs the cluster forward by `ms` of virtual time.
    pub fn advance(&mut self, ms: i64) -> Result<(), EngineError> {
        let target = self.now_ms().saturating_add(ms.max(0));
        self.drain()?;
        while let Some(at) = self.timers.next_at().filter(|at| *at <= target) {
            self.fire_due(at.max(self.now_ms()));
            self.drain()?;
        }
        self.store.clock.now_ms = target;
        Ok(())
    }

    /// Runs until nothing is pending, for at most `max_ms`. Returns true if it settled.
    pub fn settle(&mut self, max_ms: i64) -> Result<bool, EngineError> {
        let deadline = self.now_ms().saturating_add(max_ms.max(0));
        self.drain()?;
        loop {
            match self.timers.next_at() {
                None => return Ok(true),
                Some(at) if at > deadline => {
                    self.store.clock.now_ms = deadline;
                    return Ok(false);
                }
                Some(at) => {
                    self.fire_due(at.max(self.now_ms()));
                    self.drain()?;
                }
            }
        }
    }
}
