//! PersistentVolumeClaim (v1): stored and listed; status is the binder's.

use super::{Allocators, DecodeError, GraphPlace, KindDef, View};
use crate::kubectl::describe::{generic, Writer};
use crate::validation::field::FieldError;
pub use k8s_openapi::api::core::v1::PersistentVolumeClaim;
use serde_json::Value;

impl KindDef for PersistentVolumeClaim {
    const PLURAL: &'static str = "persistentvolumeclaims";
    const SHORT_NAMES: &'static [&'static str] = &["pvc"];
    const NAMESPACED: bool = true;
    const STATUS_SUBRESOURCE: bool = true;
    const GENERATION: bool = false;
    const GRAPH: Option<GraphPlace> = None;
    const DEPRECATED: Option<&'static str> = None;
    crate::plain_deletion!();

    fn decode(value: &Value) -> Result<Self, DecodeError> {
        crate::api::decode::shell(value, |metadata, spec| Self { metadata, spec, status: None })
    }
    fn keep_status(&mut self, live: &Self) {
        self.status.clone_from(&live.status);
    }
    fn set_defaults(&mut self) {}
    fn prepare_for_create(&mut self) {}
    fn allocate(&mut self, _alloc: &mut Allocators) {}
    fn validate(&self) -> Vec<FieldError> {
        Vec::new()
    }
    fn validate_update(&self, _old: &Self) -> Vec<FieldError> {
        self.validate()
    }
    fn bumps_generation(&self, _old: &Self, _main_resource: bool) -> bool {
        false
    }
    crate::no_workload!();
    crate::name_age_table!();

    fn describe(&self, v: &View, w: &mut Writer) {
        generic(v, &self.metadata, w);
    }

    crate::not_drawn!();
}
