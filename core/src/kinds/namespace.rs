//! Namespace (v1): the strategy's PrepareForCreate adds the namespace controller's
//! `kubernetes` finalizer and phase Active; kubectl prints its STATUS.

use super::{Allocators, DecodeError, GraphPlace, KindDef, View};
use crate::api::decode::shell;
use crate::kubectl::describe::{generic, Writer};
use crate::kubectl::table::age;
use crate::validation::field::FieldError;
pub use k8s_openapi::api::core::v1::Namespace;
use serde_json::Value;

impl KindDef for Namespace {
    const PLURAL: &'static str = "namespaces";
    const SHORT_NAMES: &'static [&'static str] = &["ns"];
    const NAMESPACED: bool = false;
    const STATUS_SUBRESOURCE: bool = true;
    const GENERATION: bool = false;
    const GRAPH: Option<GraphPlace> = None;
    const DEPRECATED: Option<&'static str> = None;
    const EXPIRES: bool = false;

    fn delete_grace(&self, _requested: Option<i64>) -> i64 {
        0
    }
    /// The namespace controller's `kubernetes` spec finalizer holds deletion until the
    /// namespace is empty.
    fn deletion_held(&self) -> bool {
        finalizers(self).is_some_and(|f| !f.is_empty())
    }
    /// The namespace registry's Delete: phase Terminating.
    fn begin_deletion(&mut self) {
        self.status.get_or_insert_with(Default::default).phase = Some("Terminating".into());
    }

    fn decode(value: &Value) -> Result<Self, DecodeError> {
        shell(value, |metadata, spec| Namespace { metadata, spec, status: None })
    }

    fn keep_status(&mut self, live: &Self) {
        self.status.clone_from(&live.status);
    }

    fn set_defaults(&mut self) {}

    fn prepare_for_create(&mut self) {
        let fins = self.spec.get_or_insert_with(Default::default).finalizers.get_or_insert_with(Vec::new);
        if !fins.iter().any(|f| f == "kubernetes") {
            fins.push("kubernetes".into());
        }
        self.status.get_or_insert_with(Default::default).phase = Some("Active".into());
    }

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

    fn columns(_wide: bool) -> Vec<&'static str> {
        vec!["NAME", "STATUS", "AGE"]
    }

    fn row(&self, v: &View, _wide: bool) -> Vec<String> {
        vec![
            self.metadata.name.clone().unwrap_or_default(),
            self.status.as_ref().and_then(|s| s.phase.clone()).unwrap_or_default(),
            age(&self.metadata, v),
        ]
    }

    fn describe(&self, v: &View, w: &mut Writer) {
        generic(v, &self.metadata, w);
    }

    crate::not_drawn!();
}

/// The namespace's spec.finalizers (the namespace controller's `kubernetes`).
pub fn finalizers(ns: &Namespace) -> Option<&Vec<String>> {
    ns.spec.as_ref().and_then(|s| s.finalizers.as_ref())
}
