//! Event (v1, core): written by the cluster's components only (the event recorder in
//! `sim::events`); kubectl's printEvent.
//!
//! Not k8s-openapi's `Event`: a 10,000-replica rollout keeps 50,000 Events, and that
//! struct is a kilobyte before its fourteen strings. This one holds the fields the
//! recorder sets, with the repeated parts shared: the subject is the store's own key
//! and uid (`Rc`s), the type, reason and component are static. It
//! serialises to the API's shape through [`Event::to_api`].

use super::{Allocators, DecodeError, GraphPlace, KindDef, ObjKey, View};
use crate::kubectl::describe::{generic, Writer};
use crate::kubectl::table::human_duration;
use crate::validation::field::FieldError;
use k8s_openapi::api::core::v1::{EventSource, ObjectReference};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use serde_json::Value;
use std::rc::Rc;

#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub metadata: ObjectMeta,
    /// `involvedObject`.
    pub involved_object: Subject,
    pub reason: &'static str,
    /// Shared with the other Events that say the same ("Started container app").
    pub message: Rc<str>,
    /// `Normal` or `Warning`.
    pub type_: &'static str,
    /// `source.component`, also `reportingComponent` and `reportingInstance`.
    pub component: &'static str,
    pub first_timestamp: Time,
    pub last_timestamp: Time,
    pub count: i32,
}

/// The object an Event is about, as it was when the Event was made.
#[derive(Clone, Debug, PartialEq)]
pub struct Subject {
    /// Kind, namespace (empty when cluster-scoped) and name.
    pub key: ObjKey,
    pub uid: Rc<str>,
    pub resource_version: Option<u64>,
}

impl Event {
    /// The API's core/v1 Event, for output (`-o yaml`, `-o json`, jsonpath).
    pub fn to_api(&self) -> ApiEvent {
        let io = &self.involved_object;
        let kind = io.key.kind;
        ApiEvent {
            metadata: self.metadata.clone(),
            involved_object: ObjectReference {
                api_version: Some(kind.api_version().to_string()),
                kind: Some(kind.name().to_string()),
                name: Some(io.key.name.to_string()),
                namespace: (!io.key.namespace.is_empty()).then(|| io.key.namespace.to_string()),
                uid: Some(io.uid.to_string()),
                resource_version: io.resource_version.map(|rv| rv.to_string()),
                ..Default::default()
            },
            reason: Some(self.reason.to_string()),
            message: Some(self.message.to_string()),
            type_: Some(self.type_.to_string()),
            source: Some(EventSource { component: Some(self.component.to_string()), host: None }),
            first_timestamp: Some(self.first_timestamp.clone()),
            last_timestamp: Some(self.last_timestamp.clone()),
            count: Some(self.count),
            reporting_component: Some(self.component.to_string()),
            reporting_instance: Some(self.component.to_string()),
            ..Default::default()
        }
    }
}

impl serde::Serialize for Event {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_api().serialize(s)
    }
}

/// The API's own Event type: the names and output shape come from it.
type ApiEvent = k8s_openapi::api::core::v1::Event;

crate::stands_for!(Event, ApiEvent);

/// `kind/name` as kubectl's OBJECT column prints it: the kind lowercased, no group.
pub fn object_column(k: &ObjKey) -> String {
    format!("{}/{}", k.kind.name().to_ascii_lowercase(), k.name)
}

impl KindDef for Event {
    const PLURAL: &'static str = "events";
    const SHORT_NAMES: &'static [&'static str] = &["ev"];
    const NAMESPACED: bool = true;
    const STATUS_SUBRESOURCE: bool = false;
    const GENERATION: bool = false;
    const GRAPH: Option<GraphPlace> = None;
    const DEPRECATED: Option<&'static str> = None;
    /// The API server keeps Events for --event-ttl (1h); here the newest
    /// `Limits::max_events` are kept instead, and they do not count toward the object limit.
    const EXPIRES: bool = true;

    fn delete_grace(&self, _requested: Option<i64>) -> i64 {
        0
    }
    fn deletion_held(&self) -> bool {
        false
    }
    fn begin_deletion(&mut self) {}

    fn decode(_value: &Value) -> Result<Self, DecodeError> {
        crate::api::decode::cluster_written("Event")
    }
    fn keep_status(&mut self, _live: &Self) {}
    fn set_defaults(&mut self) {}
    fn prepare_for_create(&mut self) {}
    fn allocate(&mut self, _alloc: &mut Allocators) {}
    fn validate(&self) -> Vec<FieldError> {
        Vec::new()
    }
    fn validate_update(&self, _old: &Self) -> Vec<FieldError> {
        Vec::new()
    }
    fn bumps_generation(&self, _old: &Self, _main_resource: bool) -> bool {
        false
    }
    crate::no_workload!();

    fn columns(wide: bool) -> Vec<&'static str> {
        if wide {
            vec![
                "LAST SEEN",
                "TYPE",
                "REASON",
                "OBJECT",
                "SUBOBJECT",
                "SOURCE",
                "MESSAGE",
                "FIRST SEEN",
                "COUNT",
                "NAME",
            ]
        } else {
            vec!["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
        }
    }

    fn row(&self, v: &View, wide: bool) -> Vec<String> {
        let e = self;
        let mut c = crate::kubectl::get::event_columns(v.store, e, v.now_ms);
        if wide {
            let age = |t: &Time| human_duration(v.now_ms - v.store.clock.ms_of(t));
            let message = c.pop().unwrap_or_default();
            c.extend([
                String::new(),
                e.component.to_string(),
                message,
                age(&e.first_timestamp),
                e.count.max(1).to_string(),
                e.metadata.name.clone().unwrap_or_default(),
            ]);
        }
        c
    }

    fn describe(&self, v: &View, w: &mut Writer) {
        generic(v, &self.metadata, w);
    }

    crate::not_drawn!();
}

#[cfg(test)]
mod tests {
    use crate::api::time::{parse_rfc3339, Clock};
    use crate::api::Kind;
    use crate::sim::events::Recorder;
    use crate::store::Store;
    use serde_json::json;

    // What `kubectl get events -o json` shows of an Event: the API's core/v1 shape, with
    // the subject's reference filled in from the stored object.
    #[test]
    fn serialises_in_the_api_shape() {
        let mut s = Store::new(Clock::new(parse_rfc3339("2026-01-01T00:00:00Z").unwrap()), 1);
        let doc = |y: &str| crate::manifest::parse(y).unwrap().remove(0).object;
        s.create(doc("apiVersion: v1\nkind: Namespace\nmetadata: {name: default}\n"), "test").unwrap();
        let cm = s.create(doc("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\n"), "test").unwrap();
        Recorder::default().record(&mut s, "kubelet", &cm, "Warning", "BackOff", "back-off".into());
        let ev = s.list(Kind::Event, None).next().unwrap().to_json();
        let io = &ev["involvedObject"];
        assert_eq!(ev["apiVersion"], "v1");
        assert_eq!(ev["kind"], "Event");
        assert_eq!(
            (io["apiVersion"].clone(), io["kind"].clone(), io["name"].clone(), io["namespace"].clone()),
            (json!("v1"), json!("ConfigMap"), json!("web"), json!("default"))
        );
        assert_eq!(io["uid"], cm.uid());
        assert_eq!(io["resourceVersion"], json!(cm.meta().resource_version));
        assert_eq!(
            (ev["type"].clone(), ev["reason"].clone(), ev["message"].clone()),
            (json!("Warning"), json!("BackOff"), json!("back-off"))
        );
        assert_eq!(ev["source"], json!({"component": "kubelet"}));
        assert_eq!((ev["reportingComponent"].clone(), ev["count"].clone()), (json!("kubelet"), json!(1)));
        assert_eq!(ev["firstTimestamp"], "2026-01-01T00:00:00Z");
        assert_eq!(ev["lastTimestamp"], "2026-01-01T00:00:00Z");
        assert!(ev["metadata"]["name"].as_str().unwrap().starts_with("web."), "{ev}");
    }
}
