//! The engine loop and the controller registry. Each registered controller declares the
//! kinds it watches; a watch event reaches only those controllers. `drain` runs every
//! workqueue at the current instant until nothing is dirty; time then jumps to the next
//! timed event. Nothing reads the wall clock, and controllers are served round-robin in
//! registration order, so a run is reproducible. Each sync has an id that the store
//! stamps on every write it makes.

use crate::api::time::Clock;
use crate::api::{Kind, ObjKey};
use crate::sim::controller::{Constructor, Controller, Ctx};
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
    pub key: ObjKey,
    pub message: String,
}

/// One entry of the registry: how to build the controller, and whether it runs inside
/// kube-controller-manager (and so restarts with it) or is a component of its own
/// (scheduler, kubelet).
#[derive(Clone, Copy)]
pub struct Registration {
    pub make: Constructor,
    pub in_controller_manager: bool,
}

/// What the app shows of one controller's queue.
#[derive(Clone, Debug, PartialEq)]
pub struct QueueView {
    pub controller: &'static str,
    pub watches: &'static [Kind],
    pub owns: &'static [Kind],
    /// Keys waiting, in processing order.
    pub waiting: Vec<ObjKey>,
    /// The key being synced right now, if any.
    pub processing: Option<ObjKey>,
    /// Keys retried with back-off after failures: (key, failures).
    pub retrying: Vec<(ObjKey, u32)>,
    /// Timed requeues: (due ms, key), soonest first.
    pub timers: Vec<(i64, ObjKey)>,
    pub syncs: u64,
}

pub struct Engine {
    pub store: Store,
    registry: Vec<Registration>,
    controllers: Vec<Box<dyn Controller>>,
    /// For each kind, the controllers that watch it.
    routes: Vec<Vec<usize>>,
    queues: Vec<WorkQueue>,
    /// Syncs run, per controller.
    sync_counts: Vec<u64>,
    processing: Option<(usize, ObjKey)>,
    next_sync: u64,
    timers: Timers,
    recorder: Recorder,
    /// Bound on syncs within one virtual instant.
    pub max_syncs_per_instant: usize,
    pub sync_errors: Vec<SyncError>,
    /// Total syncs run, for benchmarks.
    pub syncs: u64,
}

impl Engine {
    pub fn new(clock: Clock, seed: u64, registry: Vec<Registration>) -> Self {
        let controllers: Vec<Box<dyn Controller>> = registry.iter().map(|r| (r.make)()).collect();
        let mut routes = vec![Vec::new(); Kind::ALL.len()];
        for (i, c) in controllers.iter().enumerate() {
            for k in c.watches() {
                routes[*k as usize].push(i);
            }
        }
        Engine {
            store: Store::new(clock, seed),
            registry,
            queues: controllers.iter().map(|_| WorkQueue::default()).collect(),
            sync_counts: vec![0; controllers.len()],
            controllers,
            routes,
            processing: None,
            next_sync: 0,
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

    /// The registered controllers' names, in registration order.
    pub fn controller_names(&self) -> Vec<&'static str> {
        self.controllers.iter().map(|c| c.name()).collect()
    }

    /// One controller's queue, timers and sync count, by its name.
    pub fn queue(&self, name: &str) -> Option<QueueView> {
        let i = self.controllers.iter().position(|c| c.name() == name)?;
        let c = &self.controllers[i];
        let mut retrying: Vec<(ObjKey, u32)> = self.queues[i].retrying().map(|(k, n)| (k.clone(), n)).collect();
        crate::sort::sort(&mut retrying);
        Some(QueueView {
            controller: c.name(),
            watches: c.watches(),
            owns: c.owns(),
            waiting: self.queues[i].waiting().cloned().collect(),
            processing: self.processing.as_ref().filter(|(p, _)| *p == i).map(|(_, k)| k.clone()),
            retrying,
            timers: self.timers.of_controller(i),
            syncs: self.sync_counts[i],
        })
    }

    /// Restarts kube-controller-manager: every controller in it loses its memory
    /// (queues, back-off, timers, expectations, caches) and is built afresh; it then
    /// re-lists what it watches from the store, as an informer's initial list does, and
    /// converges from that alone. The scheduler and the kubelet keep running.
    pub fn restart_controller_manager(&mut self) {
        for i in 0..self.controllers.len() {
            if !self.registry[i].in_controller_manager {
                continue;
            }
            self.recorder.forget(self.controllers[i].name());
            self.controllers[i] = (self.registry[i].make)();
            self.queues[i] = WorkQueue::default();
            self.sync_counts[i] = 0;
            self.timers.clear_controller(i);
            let mut keys = Vec::new();
            for kind in self.controllers[i].watches() {
                for o in self.store.list(*kind, None) {
                    let ev =
                        crate::store::WatchEvent { kind: crate::store::WatchType::Added, object: o.clone(), old: None };
                    self.controllers[i].keys_for(&ev, &self.store, &mut keys);
                }
            }
            for k in keys {
                self.queues[i].add(k);
            }
        }
    }

    fn dispatch_watch(&mut self) {
        let events = self.store.drain_watch();
        let mut keys = Vec::new();
        for ev in &events {
            for &i in &self.routes[ev.object.kind() as usize] {
                keys.clear();
                self.controllers[i].keys_for(ev, &self.store, &mut keys);
                for k in keys.drain(..) {
                    self.queues[i].add(k);
                }
            }
        }
    }

    fn sync_one(&mut self, i: usize, key: ObjKey) {
        self.timers.cancel(i, &key);
        let actor = self.controllers[i].name();
        self.next_sync += 1;
        self.store.sync = Some(self.next_sync);
        self.processing = Some((i, key.clone()));
        let mut ctx = Ctx { store: &mut self.store, recorder: &mut self.recorder, actor, after: Vec::new() };
        let result = self.controllers[i].sync(&key, &mut ctx);
        let after = std::mem::take(&mut ctx.after);
        self.store.sync = None;
        self.store.forget_reason();
        self.processing = None;
        self.sync_counts[i] += 1;
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
