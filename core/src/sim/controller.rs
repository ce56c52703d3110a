//! What every simulated control-plane component implements: its name as upstream logs
//! it, the kinds it watches and owns, which keys a watch event concerns, and a
//! level-triggered sync of one key.

use crate::api::{Kind, ObjKey, Object};
use crate::sim::events::Recorder;
use crate::store::{Store, WatchEvent};

pub trait Controller {
    /// The stable name (`deployment-controller`, `kubelet`, ...): the trace actor, the
    /// event source, and how the app finds the controller's queue.
    fn name(&self) -> &'static str;
    /// The kinds whose watch events reach `keys_for`; no other event does.
    fn watches(&self) -> &'static [Kind];
    /// The kinds it creates or writes (documentation for the app's registry view).
    fn owns(&self) -> &'static [Kind];
    /// Pushes the keys this watch event makes dirty. May update the controller's caches.
    fn keys_for(&mut self, ev: &WatchEvent, store: &Store, out: &mut Vec<ObjKey>);
    /// Converges `key` toward its desired state, reading the store afresh.
    fn sync(&mut self, key: &ObjKey, ctx: &mut Ctx) -> Result<(), String>;
}

/// Builds a controller with empty memory: at start, and when the controller manager
/// restarts.
pub type Constructor = fn() -> Box<dyn Controller>;

/// What a sync may touch: the store, the event recorder, and its own delayed requeues.
pub struct Ctx<'a> {
    pub store: &'a mut Store,
    pub recorder: &'a mut Recorder,
    pub actor: &'static str,
    /// (delay in ms, key) to enqueue again later.
    pub after: Vec<(i64, ObjKey)>,
}

impl Ctx<'_> {
    pub fn requeue_after(&mut self, delay_ms: i64, key: ObjKey) {
        self.after.push((delay_ms.max(0), key));
    }

    pub fn event(&mut self, about: &Object, type_: &'static str, reason: &'static str, message: impl Into<String>) {
        self.recorder.record(self.store, self.actor, about, type_, reason, message.into());
    }

    /// Gives the next write this sync makes a one-line reason.
    pub fn because(&mut self, why: impl Into<String>) {
        self.store.because(why);
    }

    /// Records a decision that wrote nothing ("not scaling down ...").
    pub fn note(&mut self, why: impl Into<String>) {
        let actor = self.actor;
        self.store.note(actor, why.into());
    }

    pub fn now_ms(&self) -> i64 {
        self.store.clock.now_ms
    }
}

/// The typed key of an object.
pub fn key_of(obj: &Object) -> ObjKey {
    obj.key()
}
