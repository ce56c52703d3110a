//! PersistentVolume (v1): SetDefaults_PersistentVolume, kubectl's printPersistentVolume;
//! status is the binder's.

use super::{Allocators, DecodeError, GraphLook, GraphPlace, KindDef, View};
use crate::kubectl::describe::{events, map_lines, Writer};
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

    /// kubectl's describePersistentVolume (for the CSI and host-path sources kubeloop's
    /// volumes have; other sources show their type only).
    fn describe(&self, v: &View, w: &mut Writer) {
        let spec = self.spec.clone().unwrap_or_default();
        let st = self.status.clone().unwrap_or_default();
        w.line(0, format!("Name:\t{}", self.metadata.name.clone().unwrap_or_default()));
        map_lines(w, 0, "Labels", self.metadata.labels.as_ref(), "=", &[]);
        map_lines(
            w,
            0,
            "Annotations",
            self.metadata.annotations.as_ref(),
            ": ",
            &[crate::kubectl::apply::LAST_APPLIED],
        );
        w.line(0, format!("Finalizers:\t[{}]", self.metadata.finalizers.clone().unwrap_or_default().join(" ")));
        w.line(0, format!("StorageClass:\t{}", spec.storage_class_name.clone().unwrap_or_default()));
        let phase = if self.metadata.deletion_timestamp.is_some() {
            format!("Terminating (lasts {})", crate::kubectl::table::age(&self.metadata, v))
        } else {
            st.phase.clone().unwrap_or_default()
        };
        w.line(0, format!("Status:\t{phase}"));
        let claim = spec
            .claim_ref
            .as_ref()
            .map(|r| format!("{}/{}", r.namespace.clone().unwrap_or_default(), r.name.clone().unwrap_or_default()))
            .unwrap_or_default();
        w.line(0, format!("Claim:\t{claim}"));
        w.line(0, format!("Reclaim Policy:\t{}", spec.persistent_volume_reclaim_policy.clone().unwrap_or_default()));
        w.line(
            0,
            format!(
                "Access Modes:\t{}",
                super::persistentvolumeclaim::access_modes(spec.access_modes.as_deref().unwrap_or(&[]))
            ),
        );
        w.line(0, format!("VolumeMode:\t{}", spec.volume_mode.clone().unwrap_or_default()));
        let capacity = spec.capacity.as_ref().and_then(|c| c.get("storage")).map(|q| q.0.clone()).unwrap_or_default();
        w.line(0, format!("Capacity:\t{capacity}"));
        let terms = spec.node_affinity.as_ref().and_then(|a| a.required.as_ref()).map(|r| &r.node_selector_terms);
        match terms {
            None => w.line(0, "Node Affinity:\t<none>"),
            Some(terms) => {
                w.line(0, "Node Affinity:\t");
                w.line(1, "Required Terms:\t");
                for (i, t) in terms.iter().enumerate() {
                    let exprs: Vec<String> = t
                        .match_expressions
                        .iter()
                        .flatten()
                        .map(|e| {
                            let values = e.values.clone().unwrap_or_default().join(", ");
                            format!("{} {} [{values}]", e.key, e.operator.to_ascii_lowercase())
                        })
                        .collect();
                    w.line(2, format!("Term {i}:\t{}", exprs.join(", ")));
                }
            }
        }
        w.line(0, format!("Message:\t{}", st.message.clone().unwrap_or_default()));
        w.line(0, "Source:");
        if let Some(csi) = &spec.csi {
            w.line(2, "Type:\tCSI (a Container Storage Interface (CSI) volume source)");
            w.line(2, format!("Driver:\t{}", csi.driver));
            w.line(2, format!("FSType:\t{}", csi.fs_type.clone().unwrap_or_default()));
            w.line(2, format!("VolumeHandle:\t{}", csi.volume_handle));
            w.line(2, format!("ReadOnly:\t{}", csi.read_only.unwrap_or(false)));
            map_lines(w, 2, "VolumeAttributes", csi.volume_attributes.as_ref(), "=", &[]);
        } else if let Some(h) = &spec.host_path {
            w.line(2, "Type:\tHostPath (bare host directory volume)");
            w.line(2, format!("Path:\t{}", h.path));
            w.line(2, format!("HostPathType:\t{}", h.type_.clone().unwrap_or_default()));
        }
        events(v, &self.metadata, w);
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
