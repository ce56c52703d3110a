//! PersistentVolumeClaim (v1): SetDefaults_PersistentVolumeClaim, the DefaultStorageClass
//! admission plugin, kubectl's printPersistentVolumeClaim and describe; status is the binder's.

use super::{Allocators, DecodeError, GraphLook, GraphPlace, KindDef, View};
use crate::graph::EdgeKind;
use crate::kubectl::describe::{events, map_lines, Writer};
use crate::validation::field::FieldError;
pub use k8s_openapi::api::core::v1::PersistentVolumeClaim;
use serde_json::Value;

impl KindDef for PersistentVolumeClaim {
    const PLURAL: &'static str = "persistentvolumeclaims";
    const SHORT_NAMES: &'static [&'static str] = &["pvc"];
    const NAMESPACED: bool = true;
    const STATUS_SUBRESOURCE: bool = true;
    const GENERATION: bool = false;
    const GRAPH: Option<GraphPlace> = Some(GraphPlace { column: 3, badge: "PVC" });
    const DEPRECATED: Option<&'static str> = None;
    crate::plain_deletion!();

    fn decode(value: &Value) -> Result<Self, DecodeError> {
        crate::api::decode::shell(value, |metadata, spec| Self { metadata, spec, status: None })
    }
    fn keep_status(&mut self, live: &Self) {
        self.status.clone_from(&live.status);
    }
    /// SetDefaults_PersistentVolumeClaim and its spec.
    fn set_defaults(&mut self) {
        self.spec.get_or_insert_with(Default::default).volume_mode.get_or_insert_with(|| "Filesystem".into());
    }
    /// The strategy's PrepareForCreate: status starts Pending.
    fn prepare_for_create(&mut self) {
        self.status = Some(k8s_openapi::api::core::v1::PersistentVolumeClaimStatus {
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
            "STATUS",
            "VOLUME",
            "CAPACITY",
            "ACCESS MODES",
            "STORAGECLASS",
            "VOLUMEATTRIBUTESCLASS",
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
        let mut phase = st.phase.clone().unwrap_or_default();
        if self.metadata.deletion_timestamp.is_some() {
            phase = "Terminating".into();
        }
        let volume = spec.volume_name.clone().unwrap_or_default();
        let (capacity, modes) = if volume.is_empty() {
            (String::new(), String::new())
        } else {
            let cap = st.capacity.as_ref().and_then(|c| c.get("storage")).map(|q| q.0.clone()).unwrap_or_default();
            (cap, access_modes(st.access_modes.as_deref().unwrap_or(&[])))
        };
        let mut c = vec![
            self.metadata.name.clone().unwrap_or_default(),
            phase,
            volume,
            capacity,
            modes,
            spec.storage_class_name.clone().unwrap_or_default(),
            spec.volume_attributes_class_name.clone().filter(|s| !s.is_empty()).unwrap_or_else(|| "<unset>".into()),
            crate::kubectl::table::age(&self.metadata, v),
        ];
        if wide {
            c.push(spec.volume_mode.clone().unwrap_or_else(|| "<unset>".into()));
        }
        c
    }

    /// kubectl's describePersistentVolumeClaim.
    fn describe(&self, v: &View, w: &mut Writer) {
        let spec = self.spec.clone().unwrap_or_default();
        let st = self.status.clone().unwrap_or_default();
        w.line(0, format!("Name:\t{}", self.metadata.name.clone().unwrap_or_default()));
        w.line(0, format!("Namespace:\t{}", self.metadata.namespace.clone().unwrap_or_default()));
        w.line(0, format!("StorageClass:\t{}", spec.storage_class_name.clone().unwrap_or_default()));
        let phase = if self.metadata.deletion_timestamp.is_some() {
            format!("Terminating (lasts {})", crate::kubectl::table::age(&self.metadata, v))
        } else {
            st.phase.clone().unwrap_or_default()
        };
        w.line(0, format!("Status:\t{phase}"));
        w.line(0, format!("Volume:\t{}", spec.volume_name.clone().unwrap_or_default()));
        map_lines(w, 0, "Labels", self.metadata.labels.as_ref(), "=", &[]);
        map_lines(
            w,
            0,
            "Annotations",
            self.metadata.annotations.as_ref(),
            ": ",
            &[crate::kubectl::apply::LAST_APPLIED],
        );
        let finalizers = self.metadata.finalizers.clone().unwrap_or_default();
        w.line(0, format!("Finalizers:\t[{}]", finalizers.join(" ")));
        let (capacity, modes) = if spec.volume_name.as_deref().unwrap_or("").is_empty() {
            (String::new(), String::new())
        } else {
            let cap = st.capacity.as_ref().and_then(|c| c.get("storage")).map(|q| q.0.clone()).unwrap_or_default();
            (cap, access_modes(st.access_modes.as_deref().unwrap_or(&[])))
        };
        w.line(0, format!("Capacity:\t{capacity}"));
        w.line(0, format!("Access Modes:\t{modes}"));
        w.line(0, format!("VolumeMode:\t{}", spec.volume_mode.clone().unwrap_or_default()));
        let name = self.metadata.name.as_deref().unwrap_or("");
        let users: Vec<String> = v
            .store
            .list(crate::api::Kind::Pod, self.metadata.namespace.as_deref())
            .filter(|o| {
                o.as_pod().and_then(|p| p.spec.as_ref()).and_then(|s| s.volumes.as_ref()).is_some_and(|vs| {
                    vs.iter().any(|vol| vol.persistent_volume_claim.as_ref().is_some_and(|c| c.claim_name == name))
                })
            })
            .map(|o| o.name().to_string())
            .collect();
        w.line(0, format!("Used By:\t{}", if users.is_empty() { "<none>".to_string() } else { users.join("\n\t") }));
        events(v, &self.metadata, w);
    }

    fn graph(&self, _v: &View) -> GraphLook {
        let spec = self.spec.clone().unwrap_or_default();
        let size = requested_storage(Some(&spec)).unwrap_or_default().to_string();
        let class = spec.storage_class_name.clone().unwrap_or_default();
        let phase = self.status.as_ref().and_then(|s| s.phase.clone()).unwrap_or_else(|| "Pending".into());
        let volume = spec.volume_name.clone().filter(|v| !v.is_empty());
        GraphLook {
            details: vec![if class.is_empty() { size } else { format!("{size} {class}") }],
            status: Some(phase.clone()),
            ready: Some(phase == "Bound"),
            links: volume
                .map(|v| (crate::api::ObjKey::new(super::Kind::PersistentVolume, "", &v), EdgeKind::BoundTo))
                .into_iter()
                .collect(),
            ..Default::default()
        }
    }
}

/// GetAccessModesAsString: RWO, ROX, RWX, RWOP, comma-separated.
pub fn access_modes(modes: &[String]) -> String {
    modes
        .iter()
        .map(|m| match m.as_str() {
            "ReadWriteOnce" => "RWO",
            "ReadOnlyMany" => "ROX",
            "ReadWriteMany" => "RWX",
            "ReadWriteOncePod" => "RWOP",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// The storage a claim spec asks for (`resources.requests.storage`), as written.
pub fn requested_storage(spec: Option<&k8s_openapi::api::core::v1::PersistentVolumeClaimSpec>) -> Option<&str> {
    spec?.resources.as_ref()?.requests.as_ref()?.get("storage").map(|q| q.0.as_str())
}
