//! StorageClass (storage.k8s.io/v1): SetDefaults_StorageClass, kubectl's printStorageClass;
//! the provisioner and the binder read it.

use super::{Allocators, DecodeError, GraphPlace, KindDef, View};
use crate::kubectl::describe::{generic, Writer};
use crate::validation::field::FieldError;
pub use k8s_openapi::api::storage::v1::StorageClass;
use serde_json::Value;

impl KindDef for StorageClass {
    const PLURAL: &'static str = "storageclasses";
    const SHORT_NAMES: &'static [&'static str] = &["sc"];
    const NAMESPACED: bool = false;
    const STATUS_SUBRESOURCE: bool = false;
    const GENERATION: bool = false;
    const GRAPH: Option<GraphPlace> = None;
    const DEPRECATED: Option<&'static str> = None;
    crate::plain_deletion!();

    fn decode(value: &Value) -> Result<Self, DecodeError> {
        crate::api::decode::typed(value)
    }
    fn keep_status(&mut self, _live: &Self) {}
    /// SetDefaults_StorageClass.
    fn set_defaults(&mut self) {
        self.reclaim_policy.get_or_insert_with(|| "Delete".into());
        self.volume_binding_mode.get_or_insert_with(|| "Immediate".into());
    }
    fn prepare_for_create(&mut self) {}
    fn allocate(&mut self, _alloc: &mut Allocators) {}
    /// ValidateStorageClass's provisioner and reclaim rules, and the capacity knob.
    fn validate(&self) -> Vec<FieldError> {
        let mut errs = Vec::new();
        if self.provisioner.is_empty() {
            errs.push(FieldError::required("provisioner", ""));
        }
        if let Some(p) = self.reclaim_policy.as_deref().filter(|p| !["Delete", "Retain"].contains(p)) {
            errs.push(FieldError::not_supported("reclaimPolicy", p, &["Delete", "Retain"]));
        }
        if let Some(m) =
            self.volume_binding_mode.as_deref().filter(|m| !["Immediate", "WaitForFirstConsumer"].contains(m))
        {
            errs.push(FieldError::not_supported("volumeBindingMode", m, &["Immediate", "WaitForFirstConsumer"]));
        }
        let knob = crate::cluster::provisioner::CAPACITY_KNOB;
        if let Some(v) = self.metadata.annotations.as_ref().and_then(|a| a.get(knob)) {
            if crate::api::quantity::parse_milli(v).is_none_or(|q| q < 0) {
                errs.push(FieldError::invalid(
                    format!("metadata.annotations[{knob}]"),
                    v.as_str(),
                    "must be a storage quantity such as 500Gi (the total this class can provision)",
                ));
            }
        }
        errs
    }
    fn validate_update(&self, _old: &Self) -> Vec<FieldError> {
        self.validate()
    }
    fn bumps_generation(&self, _old: &Self, _main_resource: bool) -> bool {
        false
    }
    crate::no_workload!();
    fn columns(_wide: bool) -> Vec<&'static str> {
        vec!["NAME", "PROVISIONER", "RECLAIMPOLICY", "VOLUMEBINDINGMODE", "ALLOWVOLUMEEXPANSION", "AGE"]
    }
    fn row(&self, v: &View, _wide: bool) -> Vec<String> {
        let mut name = self.metadata.name.clone().unwrap_or_default();
        if is_default(self) {
            name.push_str(" (default)");
        }
        vec![
            name,
            self.provisioner.clone(),
            self.reclaim_policy.clone().unwrap_or_else(|| "Delete".into()),
            self.volume_binding_mode.clone().unwrap_or_else(|| "Immediate".into()),
            self.allow_volume_expansion.unwrap_or(false).to_string(),
            crate::kubectl::table::age(&self.metadata, v),
        ]
    }

    fn describe(&self, v: &View, w: &mut Writer) {
        generic(v, &self.metadata, w);
    }

    crate::not_drawn!();
}

/// IsDefaultAnnotation: `storageclass.kubernetes.io/is-default-class: "true"` (or the beta key).
pub fn is_default(sc: &StorageClass) -> bool {
    let a = sc.metadata.annotations.as_ref();
    ["storageclass.kubernetes.io/is-default-class", "storageclass.beta.kubernetes.io/is-default-class"]
        .iter()
        .any(|k| a.and_then(|a| a.get(*k)).map(String::as_str) == Some("true"))
}
