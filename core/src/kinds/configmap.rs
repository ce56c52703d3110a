//! ConfigMap (v1): data only; kubectl prints its DATA count.

use super::{Allocators, DecodeError, GraphPlace, KindDef, View};
use crate::kubectl::describe::{generic, Writer};
use crate::kubectl::table::age;
use crate::validation::field::FieldError;
pub use k8s_openapi::api::core::v1::ConfigMap;
use serde_json::Value;

impl KindDef for ConfigMap {
    const PLURAL: &'static str = "configmaps";
    const SHORT_NAMES: &'static [&'static str] = &["cm"];
    const NAMESPACED: bool = true;
    const STATUS_SUBRESOURCE: bool = false;
    const GENERATION: bool = false;
    const GRAPH: Option<GraphPlace> = None;
    const DEPRECATED: Option<&'static str> = None;
    crate::plain_deletion!();

    fn decode(value: &Value) -> Result<Self, DecodeError> {
        crate::api::decode::typed(value)
    }
    fn keep_status(&mut self, _live: &Self) {}
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

    fn columns(_wide: bool) -> Vec<&'static str> {
        vec!["NAME", "DATA", "AGE"]
    }
    fn row(&self, v: &View, _wide: bool) -> Vec<String> {
        let data = self.data.as_ref().map_or(0, |d| d.len()) + self.binary_data.as_ref().map_or(0, |d| d.len());
        vec![self.metadata.name.clone().unwrap_or_default(), data.to_string(), age(&self.metadata, v)]
    }

    fn describe(&self, v: &View, w: &mut Writer) {
        generic(v, &self.metadata, w);
    }

    crate::not_drawn!();
}
