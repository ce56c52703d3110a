//! ReplicaSet (apps/v1): defaults (pkg/apis/apps/v1/defaults.go), ValidateReplicaSetSpec
//! (pkg/apis/apps/validation/validation.go), printing as kubectl does.

use super::{Allocators, DecodeError, GraphLook, GraphPlace, KindDef, View};
use crate::api::decode::shell;
use crate::api::defaults;
use crate::kubectl::describe::*;
use crate::kubectl::table::{age, containers_images, selector_string};
use crate::validation::field::FieldError;
use crate::validation::{immutable_selector, non_negative, selector_and_template};
pub use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde_json::Value;

impl KindDef for ReplicaSet {
    const PLURAL: &'static str = "replicasets";
    const SHORT_NAMES: &'static [&'static str] = &["rs"];
    const NAMESPACED: bool = true;
    const STATUS_SUBRESOURCE: bool = true;
    const GENERATION: bool = true;
    const GRAPH: Option<GraphPlace> = Some(GraphPlace { column: 1, badge: "REPLICASET" });
    const DEPRECATED: Option<&'static str> = None;
    crate::plain_deletion!();

    fn decode(value: &Value) -> Result<Self, DecodeError> {
        let mut rs: ReplicaSet =
            shell(value, |metadata, spec| ReplicaSet { metadata, spec: spec.unwrap_or_default(), status: None })?;
        if !crate::api::selector::given_in(value) {
            rs.spec.selector = crate::api::selector::unset();
        }
        Ok(rs)
    }

    fn keep_status(&mut self, live: &Self) {
        self.status.clone_from(&live.status);
    }

    fn set_defaults(&mut self) {
        self.spec.replicas.get_or_insert(1);
        if let Some(t) = &mut self.spec.template {
            defaults::template(t);
        }
    }

    fn prepare_for_create(&mut self) {
        self.status = None;
    }

    fn allocate(&mut self, _alloc: &mut Allocators) {}

    fn validate(&self) -> Vec<FieldError> {
        replica_set_spec(self)
    }

    fn validate_update(&self, old: &Self) -> Vec<FieldError> {
        let mut errs = replica_set_spec(self);
        errs.extend(immutable_selector(&self.spec.selector, &old.spec.selector));
        errs
    }

    fn bumps_generation(&self, old: &Self, _main_resource: bool) -> bool {
        self.spec != old.spec
    }

    fn pod_template(&self) -> Option<&PodTemplateSpec> {
        self.spec.template.as_ref()
    }
    fn pod_template_mut(&mut self) -> Option<&mut PodTemplateSpec> {
        self.spec.template.as_mut()
    }
    fn selector(&self) -> Option<&LabelSelector> {
        Some(&self.spec.selector)
    }
    fn replicas(&self) -> Option<i32> {
        Some(self.spec.replicas.unwrap_or(1))
    }
    fn set_replicas(&mut self, replicas: i32) -> bool {
        self.spec.replicas = Some(replicas);
        true
    }

    fn columns(wide: bool) -> Vec<&'static str> {
        let mut c = vec!["NAME", "DESIRED", "CURRENT", "READY", "AGE"];
        if wide {
            c.extend(["CONTAINERS", "IMAGES", "SELECTOR"]);
        }
        c
    }

    fn row(&self, v: &View, wide: bool) -> Vec<String> {
        let s = self.status.clone().unwrap_or_default();
        let mut c = vec![
            self.metadata.name.clone().unwrap_or_default(),
            self.spec.replicas.unwrap_or(1).to_string(),
            s.replicas.to_string(),
            s.ready_replicas.unwrap_or(0).to_string(),
            age(&self.metadata, v),
        ];
        if wide {
            let (cn, im) = containers_images(self.spec.template.as_ref());
            c.extend([cn, im, selector_string(&self.spec.selector)]);
        }
        c
    }

    fn describe(&self, v: &View, w: &mut Writer) {
        let rs = self;
        header(w, &self.metadata);
        w.line(0, format!("Selector:\t{}", selector_text(&rs.spec.selector)));
        map_lines(w, 0, "Labels", rs.metadata.labels.as_ref(), "=", &[]);
        map_lines(w, 0, "Annotations", rs.metadata.annotations.as_ref(), ": ", &[]);
        if let Some(r) = self.metadata.owner_references.iter().flatten().find(|r| r.controller == Some(true)) {
            w.line(0, format!("Controlled By:\t{}/{}", r.kind, r.name));
        }
        let s = rs.status.clone().unwrap_or_default();
        w.line(0, format!("Replicas:\t{} current / {} desired", s.replicas, rs.spec.replicas.unwrap_or(1)));
        let (mut running, mut waiting, mut succeeded, mut failed) = (0, 0, 0, 0);
        for p in v.store.owned_by(self.metadata.uid.as_deref().unwrap_or("")).filter_map(|o| o.as_pod()) {
            match crate::api::pod::phase(p) {
                "Running" => running += 1,
                "Succeeded" => succeeded += 1,
                "Failed" => failed += 1,
                _ => waiting += 1,
            }
        }
        w.line(
            0,
            format!("Pods Status:\t{running} Running / {waiting} Waiting / {succeeded} Succeeded / {failed} Failed"),
        );
        pod_template(w, rs.spec.template.as_ref());
        events(v, &self.metadata, w);
    }

    fn graph(&self, _v: &View) -> GraphLook {
        let s = self.status.clone().unwrap_or_default();
        let want = self.spec.replicas.unwrap_or(1);
        let rev =
            self.metadata.annotations.as_ref().and_then(|a| a.get(crate::controllers::deployment::util::REVISION));
        let mut details = vec![format!("{}/{} ready", s.ready_replicas.unwrap_or(0), want)];
        if let Some(rev) = rev {
            details.push(format!("revision {rev}"));
        }
        details.push(crate::api::pod::template_images(self.spec.template.as_ref()));
        GraphLook {
            details,
            ready: Some(s.ready_replicas.unwrap_or(0) >= want),
            history: self.spec.replicas == Some(0) && s.replicas == 0,
            ..Default::default()
        }
    }
}

/// ValidateReplicaSetSpec.
fn replica_set_spec(rs: &ReplicaSet) -> Vec<FieldError> {
    let spec = &rs.spec;
    let mut errs = Vec::new();
    non_negative(&mut errs, "spec.replicas", spec.replicas.map(i64::from));
    non_negative(&mut errs, "spec.minReadySeconds", spec.min_ready_seconds.map(i64::from));
    // Upstream reuses the Deployment wording for ReplicaSets.
    errs.extend(selector_and_template(&spec.selector, spec.template.as_ref(), "deployment", "ReplicaSet"));
    errs
}
