//! CronJob (batch/v1): stored and listed; its controller comes with the batch issue.

use super::{Allocators, DecodeError, GraphPlace, KindDef, View};
use crate::kubectl::describe::{generic, Writer};
use crate::validation::field::FieldError;
pub use k8s_openapi::api::batch::v1::CronJob;
use serde_json::Value;

impl KindDef for CronJob {
    const PLURAL: &'static str = "cronjobs";
    const SHORT_NAMES: &'static [&'static str] = &["cj"];
    const NAMESPACED: bool = true;
    const STATUS_SUBRESOURCE: bool = true;
    const GENERATION: bool = true;
    const GRAPH: Option<GraphPlace> = None;
    const DEPRECATED: Option<&'static str> = None;
    crate::plain_deletion!();

    fn decode(value: &Value) -> Result<Self, DecodeError> {
        crate::api::decode::shell(value, |metadata, spec| Self {
            metadata,
            spec: spec.unwrap_or_default(),
            status: None,
        })
    }
    fn keep_status(&mut self, live: &Self) {
        self.status.clone_from(&live.status);
    }
    fn set_defaults(&mut self) {
        if let Some(s) = &mut self.spec.job_template.spec {
            crate::api::defaults::template(&mut s.template);
        }
    }
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
        self.spec.job_template.spec.as_ref().map(|s| &s.template)
    }
    fn pod_template_mut(&mut self) -> Option<&mut k8s_openapi::api::core::v1::PodTemplateSpec> {
        self.spec.job_template.spec.as_mut().map(|s| &mut s.template)
    }
    fn selector(&self) -> Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector> {
        None
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
