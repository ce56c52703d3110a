//! PersistentVolume (v1): SetDefaults_PersistentVolume, kubectl's printPersistentVolume;
//! status is the binder's.

use super::{Allocators, DecodeError, GraphLook, GraphPlace, KindDef, View};
use crate::kubectl::describe::{generic, Writer};
use crate::validation::field::FieldError;
pub use k8s_openapi::api::core::v1::PersistentVolume;
use serde_json::Value;

impl KindDef for PersistentVolume {
    const PLURAL: &'static str = "persistentvolumes";
    const SHORT_NAMES: &'static [&'static str] = &["pv"];
    const NAMESPACED: bool = false;
    const STATUS_SUBRESOURCE: bool = true;
    const GENERATION: bool = false;
    const GRAPH: Option<GraphPlace> = Some(GraphPlace { column: 4, badge: "PV" });
    const DEPRECATED: Option<&'static str> = None;
    crate::plain_deletion!();

    fn decode(value: &Value) -> Result<Self, DecodeError> {
        crate::api::decode::shell(value, |metadata, spec| Self { metadata, spec, status: None })
    }
    fn keep_status(&mut self, live: &Self) {
        self.status.clone_from(&live.status);
    }
    /// SetDefaults_PersistentVolume: reclaim Retain, volumeMode Filesystem.
    fn set_defaults(&mut self) {
        let spec = self.spec.get_or_insert_with(Default::default);
        spec.persistent_volume_reclaim_policy.get_or_insert_with(|| "Retain".into());
        spec.volume_mode.get_or_insert_with(|| "Filesystem".into());
    }
    /// The strategy's PrepareForCreate: a new volume is Pending until the binder looks.
    fn prepare_for_create(&mut self) {
        self.status = Some(k8s_openapi::api::core::v1::PersistentVolumeStatus {
            phase: Some("Pending".into()),
            ..Default::default()
        });
    }
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
    fn columns(wide: bool) -> Vec<&'static str> {
        let mut c = vec![
            "NAME",
            "CAPACITY",
            "ACCESS MODES",
            "RECLAIM POLICY",
            "STATUS",
            "CLAIM",
            "STORAGECLASS",
            "VOLUMEATTRIBUTESCLASS",
            "REASON",
            "AGE",
        ];
        if wide {
            c.push("VOLUMEMODE");
        }
        c
    }
    fn row(&self, v: &View, wide: bool) -> Vec<String> {
        let spec = self.spec.clone().unwrap_or_default();
        let st = self.status.clone().unwrap_or_default();
        let claim = spec
            .claim_ref
            .as_ref()
            .map(|r| format!("{}/{}", r.namespace.clone().unwrap_or_default(), r.name.clone().unwrap_or_default()))
            .unwrap_or_default();
        let mut phase = st.phase.clone().unwrap_or_default();
        if self.metadata.deletion_timestamp.is_some() {
            phase = "Terminating".into();
        }
        let mut c = vec![
            self.metadata.name.clone().unwrap_or_default(),
            spec.capacity.as_ref().and_then(|c| c.get("storage")).map(|q| q.0.clone()).unwrap_or_else(|| "0".into()),
            super::persistentvolumeclaim::access_modes(spec.access_modes.as_deref().unwrap_or(&[])),
            spec.persistent_volume_reclaim_policy.clone().unwrap_or_default(),
            phase,
            claim,
            spec.storage_class_name.clone().unwrap_or_default(),
            spec.volume_attributes_class_name.clone().filter(|s| !s.is_empty()).unwrap_or_else(|| "<unset>".into()),
            st.reason.clone().unwrap_or_default(),
            crate::kubectl::table::age(&self.metadata, v),
        ];
        if wide {
            c.push(spec.volume_mode.clone().unwrap_or_else(|| "<unset>".into()));
        }
        c
    }

    fn describe(&self, v: &View, w: &mut Writer) {
        generic(v, &self.metadata, w);
    }

    fn graph(&self, _v: &View) -> GraphLook {
        let spec = self.spec.clone().unwrap_or_default();
        let size = spec.capacity.as_ref().and_then(|c| c.get("storage")).map(|q| q.0.clone()).unwrap_or_default();
        let zone = spec
            .node_affinity
            .as_ref()
            .and_then(|a| a.required.as_ref())
            .and_then(|r| r.node_selector_terms.first())
            .and_then(|t| t.match_expressions.as_ref()?.iter().find(|e| e.key == "topology.kubernetes.io/zone"))
            .and_then(|e| e.values.as_ref()?.first().cloned());
        let phase = self.status.as_ref().and_then(|s| s.phase.clone()).unwrap_or_default();
        let mut details = vec![size];
        details.extend(zone);
        GraphLook { details, status: Some(phase.clone()), ready: Some(phase == "Bound"), ..Default::default() }
    }
}
