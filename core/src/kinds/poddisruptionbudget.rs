//! PodDisruptionBudget (policy/v1): stored and listed; eviction reads it.

use super::{Allocators, DecodeError, GraphPlace, KindDef, View};
use crate::kubectl::describe::{generic, Writer};
use crate::validation::field::FieldError;
pub use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use serde_json::Value;

impl KindDef for PodDisruptionBudget {
    const PLURAL: &'static str = "poddisruptionbudgets";
    const SHORT_NAMES: &'static [&'static str] = &["pdb"];
    const NAMESPACED: bool = true;
    const STATUS_SUBRESOURCE: bool = true;
    const GENERATION: bool = true;
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
    fn bumps_generation(&self, old: &Self, _main_resource: bool) -> bool {
        self.spec != old.spec
    }
    fn pod_template(&self) -> Option<&k8s_openapi::api::core::v1::PodTemplateSpec> {
        None
    }
    fn pod_template_mut(&mut self) -> Option<&mut k8s_openapi::api::core::v1::PodTemplateSpec> {
        None
    }
    fn selector(&self) -> Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector> {
        self.spec.as_ref().and_then(|s| s.selector.as_ref())
    }
    fn replicas(&self) -> Option<i32> {
        None
    }
    fn set_replicas(&mut self, _replicas: i32) -> bool {
        false
    }
    crate::name_age_table!();

    fn describe(&self, v: &View, w: &mut Writer) {
        generic(v, &self.metadata, w);
    }

    crate::not_drawn!();
}
