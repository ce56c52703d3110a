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
    pub message: String,
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
    pub fn to_api(&self) -> k8s_openapi::api::core::v1::Event {
        let io = &self.involved_object;
        let kind = io.key.kind;
        k8s_openapi::api::core::v1::Event {
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
            message: Some(self.message.clone()),
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

impl k8s_openapi::Resource for Event {
    const API_VERSION: &'static str = <k8s_openapi::api::core::v1::Event as k8s_openapi::Resource>::API_VERSION;
    const GROUP: &'static str = <k8s_openapi::api::core::v1::Event as k8s_openapi::Resource>::GROUP;
    const KIND: &'static str = <k8s_openapi::api::core::v1::Event as k8s_openapi::Resource>::KIND;
    const VERSION: &'static str = <k8s_openapi::api::core::v1::Event as k8s_openapi::Resource>::VERSION;
    const URL_PATH_SEGMENT: &'static str =
        <k8s_openapi::api::core::v1::Event as k8s_openapi::Resource>::URL_PATH_SEGMENT;
    type Scope = k8s_openapi::NamespaceResourceScope;
}

impl k8s_openapi::Metadata for Event {
    type Ty = ObjectMeta;
    fn metadata(&self) -> &ObjectMeta {
        &self.metadata
    }
    fn metadata_mut(&mut self) -> &mut ObjectMeta {
        &mut self.metadata
    }
}

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
