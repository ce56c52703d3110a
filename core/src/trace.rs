//! The trace: one record per API write. The CLI's `--trace` JSON lines, the event log and
//! the scenario tests are all views of it.

use crate::api::time::Clock;
use crate::api::Object;
use serde_json::{json, Value};
use std::rc::Rc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verb {
    Create,
    Update,
    Delete,
}

impl Verb {
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Create => "create",
            Verb::Update => "update",
            Verb::Delete => "delete",
        }
    }
}

/// One API write: the object after it (before it, for a delete).
#[derive(Clone, Debug)]
pub struct TraceRecord {
    pub ms: i64,
    pub actor: &'static str,
    pub verb: Verb,
    pub object: Rc<Object>,
    /// The controller sync that made the write (None for kubectl and the cluster's setup).
    pub sync: Option<u64>,
    /// Why, in the writer's words, where it decided something.
    pub why: Option<Rc<str>>,
}

impl TraceRecord {
    pub fn to_json(&self, clock: &Clock) -> Value {
        json!({
            "ms": self.ms,
            "time": clock.rfc3339(self.ms),
            "actor": self.actor,
            "verb": self.verb.as_str(),
            "kind": self.object.kind().name(),
            "namespace": self.object.namespace(),
            "name": self.object.name(),
            "resourceVersion": self.object.meta().resource_version.as_deref().unwrap_or(""),
            "sync": self.sync,
            "why": self.why.as_deref(),
            "object": self.object.to_json(),
        })
    }
}
