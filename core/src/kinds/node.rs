//! Node (v1): a created Node keeps the status a kubelet's registration sends (capacity,
//! allocatable); the rest of status is the simulated kubelet's. Validation of taints
//! (pkg/apis/core/validation/validation.go, ValidateNodeSpec), kubectl's printNode.

use super::{Allocators, DecodeError, GraphLook, GraphPlace, KindDef, View};
use crate::api::decode::{join_path, shell, typed};
use crate::kubectl::describe::{generic, Writer};
use crate::kubectl::table::age;
use crate::validation::field::FieldError;
pub use k8s_openapi::api::core::v1::Node;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use serde_json::Value;
use std::collections::BTreeMap;

/// The status fields of a created Node that are kept.
pub const KEPT_STATUS: [&str; 2] = ["capacity", "allocatable"];

impl KindDef for Node {
    const PLURAL: &'static str = "nodes";
    const SHORT_NAMES: &'static [&'static str] = &["no"];
    const NAMESPACED: bool = false;
    const STATUS_SUBRESOURCE: bool = true;
    const GENERATION: bool = false;
    const GRAPH: Option<GraphPlace> = Some(GraphPlace { column: 5, badge: "NODE" });
    const DEPRECATED: Option<&'static str> = None;
    crate::plain_deletion!();

    fn decode(value: &Value) -> Result<Self, DecodeError> {
        let quantities = |field: &str| -> Result<Option<BTreeMap<String, Quantity>>, DecodeError> {
            match value.get("status").and_then(|st| st.get(field)) {
                Some(v) => typed(v).map_err(|(path, msg)| (join_path(&format!("status.{field}"), &path), msg)),
                None => Ok(None),
            }
        };
        let (capacity, allocatable) = (quantities("capacity")?, quantities("allocatable")?);
        let status = (capacity.is_some() || allocatable.is_some()).then(|| k8s_openapi::api::core::v1::NodeStatus {
            capacity,
            allocatable,
            ..Default::default()
        });
        shell(value, |metadata, spec| Node { metadata, spec, status })
    }

    fn keep_status(&mut self, live: &Self) {
        self.status.clone_from(&live.status);
    }

    fn set_defaults(&mut self) {}

    fn prepare_for_create(&mut self) {}

    fn allocate(&mut self, _alloc: &mut Allocators) {}

    fn validate(&self) -> Vec<FieldError> {
        let mut errs = Vec::new();
        for (i, t) in self.spec.iter().flat_map(|s| s.taints.iter().flatten()).enumerate() {
            if !["NoSchedule", "PreferNoSchedule", "NoExecute"].contains(&t.effect.as_str()) {
                errs.push(FieldError::not_supported(
                    format!("spec.taints[{i}].effect"),
                    t.effect.as_str(),
                    &["NoSchedule", "PreferNoSchedule", "NoExecute"],
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

    fn columns(wide: bool) -> Vec<&'static str> {
        let mut c = vec!["NAME", "STATUS", "ROLES", "AGE", "VERSION"];
        if wide {
            c.extend(["INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"]);
        }
        c
    }

    /// printNode.
    fn row(&self, v: &View, wide: bool) -> Vec<String> {
        let n = self;
        let ready = n
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .and_then(|c| c.iter().find(|c| c.type_ == "Ready"))
            .map(|c| c.status == "True");
        let mut status = match ready {
            Some(true) => "Ready".to_string(),
            Some(false) => "NotReady".to_string(),
            None => "Unknown".to_string(),
        };
        if n.spec.as_ref().and_then(|s| s.unschedulable) == Some(true) {
            status.push_str(",SchedulingDisabled");
        }
        let mut roles: Vec<String> = n
            .metadata
            .labels
            .iter()
            .flatten()
            .filter_map(|(k, v)| {
                k.strip_prefix("node-role.kubernetes.io/")
                    .filter(|r| !r.is_empty())
                    .map(str::to_string)
                    .or_else(|| (k == "kubernetes.io/role" && !v.is_empty()).then(|| v.clone()))
            })
            .collect();
        crate::sort::sort(&mut roles);
        let info = n.status.as_ref().and_then(|s| s.node_info.clone()).unwrap_or_default();
        let mut c = vec![
            n.metadata.name.clone().unwrap_or_default(),
            status,
            if roles.is_empty() { "<none>".into() } else { roles.join(",") },
            age(&n.metadata, v),
            info.kubelet_version.clone(),
        ];
        if wide {
            let addr = |t: &str| {
                n.status
                    .as_ref()
                    .and_then(|s| s.addresses.as_ref())
                    .and_then(|a| a.iter().find(|a| a.type_ == t))
                    .map(|a| a.address.clone())
                    .unwrap_or("<none>".into())
            };
            let or_unknown = |s: String| {
                if s.is_empty() {
                    "<unknown>".to_string()
                } else {
                    s
                }
            };
            c.extend([
                addr("InternalIP"),
                addr("ExternalIP"),
                or_unknown(info.os_image),
                or_unknown(info.kernel_version),
                or_unknown(info.container_runtime_version),
            ]);
        }
        c
    }

    fn describe(&self, v: &View, w: &mut Writer) {
        generic(v, &self.metadata, w);
    }

    fn graph(&self, v: &View) -> GraphLook {
        let ready = crate::cluster::nodes::node_ready(self);
        let mut details = Vec::new();
        if let Some(z) = self.metadata.labels.as_ref().and_then(|l| l.get("topology.kubernetes.io/zone")) {
            details.push(z.clone());
        }
        let pods = v.store.pods_on_node(self.metadata.name.as_deref().unwrap_or("")).count();
        details.push(format!("{pods} pod{}", if pods == 1 { "" } else { "s" }));
        GraphLook {
            details,
            status: Some(if ready { "Ready".into() } else { "NotReady".into() }),
            ready: Some(ready),
            ..Default::default()
        }
    }
}
