//! What every simulated control-plane component implements: which keys a watch event
//! concerns, and a level-triggered sync of one key.

use crate::api::Object;
use crate::sim::events::Recorder;
use crate::store::{Store, WatchEvent};

pub trait Controller {
    /// The actor name that appears in the trace and as the event source.
    fn name(&self) -> &'static str;
    /// Pushes the keys this watch event makes dirty. May update the controller's caches.
    fn keys_for(&mut self, ev: &WatchEvent, store: &Store, out: &mut Vec<String>);
    /// Converges `key` toward its desired state, reading the store afresh.
    fn sync(&mut self, key: &str, ctx: &mut Ctx) -> Result<(), String>;
}

/// What a sync may touch: the store, the event recorder, and its own delayed requeues.
pub struct Ctx<'a> {
    pub store: &'a mut Store,
    pub recorder: &'a mut Recorder,
    pub actor: &'static str,
    /// (delay in ms, key) to enqueue again later.
    pub after: Vec<(i64, String)>,
}

impl Ctx<'_> {
    pub fn requeue_after(&mut self, delay_ms: i64, key: impl Into<String>) {
        self.after.push((delay_ms.max(0), key.into()));
    }

    pub fn event(&mut self, about: &Object, type_: &str, reason: &str, message: impl Into<String>) {
        self.recorder.record(self.store, self.actor, about, type_, reason, message.into());
    }

    pub fn now_ms(&self) -> i64 {
        self.store.clock.now_ms
    }
}

/// `namespace/name`, the key controllers queue.
pub fn key_of(obj: &Object) -> String {
    if obj.namespace().is_empty() {
        obj.name().to_string()
    } else {
        format!("{}/{}", obj.namespace(), obj.name())
    }
}

pub fn split_key(key: &str) -> (&str, &str) {
    key.split_once('/').unwrap_or(("", key))
}
