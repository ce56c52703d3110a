//! Event (v1, core): written by the cluster's components only (the event recorder in
//! `sim::events`); kubectl's printEvent.

use super::{Allocators, DecodeError, GraphPlace, KindDef, View};
use crate::kubectl::describe::{generic, Writer};
use crate::kubectl::table::human_duration;
use crate::validation::field::FieldError;
pub use k8s_openapi::api::core::v1::Event;
use serde_json::Value;

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
            let age = |t: Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::Time>| {
                t.map(|t| human_duration(v.now_ms - v.store.clock.ms_of(t))).unwrap_or("<unknown>".into())
            };
            let message = c.pop().unwrap_or_default();
            let source = e.source.as_ref().map(|s| match &s.host {
                Some(h) if !h.is_empty() => format!("{}, {h}", s.component.clone().unwrap_or_default()),
                _ => s.component.clone().unwrap_or_default(),
            });
            c.extend([
                e.involved_object.field_path.clone().unwrap_or_default(),
                source.unwrap_or_default(),
                message,
                age(e.first_timestamp.as_ref()),
                e.count.unwrap_or(1).max(1).to_string(),
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
