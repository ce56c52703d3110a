//! Deployment (apps/v1): defaults from pkg/apis/apps/v1/defaults.go, validation from
//! pkg/apis/apps/validation/validation.go (ValidateDeploymentSpec, ValidateDeploymentStrategy),
//! the strategy from pkg/registry/apps/deployment/strategy.go, printing from kubectl.

use super::{Allocators, DecodeError, GraphLook, GraphPlace, KindDef, View};
use crate::api::decode::shell;
use crate::api::defaults;
use crate::api::intstr::parse_percent;
use crate::kubectl::describe::*;
use crate::kubectl::table::{age, containers_images, selector_string};
use crate::validation::field::FieldError;
use crate::validation::{immutable_selector, non_negative, selector_and_template, to_value};
pub use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::apps::v1::{DeploymentStrategy, RollingUpdateDeployment};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde_json::Value;

impl KindDef for Deployment {
    const PLURAL: &'static str = "deployments";
    const SHORT_NAMES: &'static [&'static str] = &["deploy"];
    const NAMESPACED: bool = true;
    const STATUS_SUBRESOURCE: bool = true;
    const GENERATION: bool = true;
    const GRAPH: Option<GraphPlace> = Some(GraphPlace { column: 0, badge: "DEPLOYMENT" });
    const DEPRECATED: Option<&'static str> = None;
    crate::plain_deletion!();

    fn decode(value: &Value) -> Result<Self, DecodeError> {
        let mut d: Deployment =
            shell(value, |metadata, spec| Deployment { metadata, spec: spec.unwrap_or_default(), status: None })?;
        if !crate::api::selector::given_in(value) {
            d.spec.selector = crate::api::selector::unset();
        }
        Ok(d)
    }

    fn keep_status(&mut self, live: &Self) {
        self.status.clone_from(&live.status);
    }

    /// SetDefaults_Deployment.
    fn set_defaults(&mut self) {
        let s = &mut self.spec;
        s.replicas.get_or_insert(1);
        let strategy = s.strategy.get_or_insert_with(DeploymentStrategy::default);
        let t = strategy.type_.get_or_insert_with(|| "RollingUpdate".into());
        if t == "RollingUpdate" {
            let ru = strategy.rolling_update.get_or_insert_with(RollingUpdateDeployment::default);
            ru.max_unavailable.get_or_insert_with(|| IntOrString::String("25%".into()));
            ru.max_surge.get_or_insert_with(|| IntOrString::String("25%".into()));
        }
        s.revision_history_limit.get_or_insert(10);
        s.progress_deadline_seconds.get_or_insert(600);
        defaults::template(&mut s.template);
    }

    fn prepare_for_create(&mut self) {
        self.status = None;
    }

    fn allocate(&mut self, _alloc: &mut Allocators) {}

    fn validate(&self) -> Vec<FieldError> {
        deployment_spec(self)
    }

    fn validate_update(&self, old: &Self) -> Vec<FieldError> {
        let mut errs = deployment_spec(self);
        errs.extend(immutable_selector(&self.spec.selector, &old.spec.selector));
        errs
    }

    /// The deployment strategy bumps generation on spec changes, and on annotation
    /// changes through the main resource (rollout undo and change-cause are annotations;
    /// the controller's revision annotations go through status and do not count).
    fn bumps_generation(&self, old: &Self, main_resource: bool) -> bool {
        self.spec != old.spec || (main_resource && self.metadata.annotations != old.metadata.annotations)
    }

    fn pod_template(&self) -> Option<&PodTemplateSpec> {
        Some(&self.spec.template)
    }
    fn pod_template_mut(&mut self) -> Option<&mut PodTemplateSpec> {
        Some(&mut self.spec.template)
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
        let mut c = vec!["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"];
        if wide {
            c.extend(["CONTAINERS", "IMAGES", "SELECTOR"]);
        }
        c
    }

    fn row(&self, v: &View, wide: bool) -> Vec<String> {
        let s = self.status.clone().unwrap_or_default();
        let mut c = vec![
            self.metadata.name.clone().unwrap_or_default(),
            format!("{}/{}", s.ready_replicas.unwrap_or(0), self.spec.replicas.unwrap_or(1)),
            s.updated_replicas.unwrap_or(0).to_string(),
            s.available_replicas.unwrap_or(0).to_string(),
            age(&self.metadata, v),
        ];
        if wide {
            let (cn, im) = containers_images(Some(&self.spec.template));
            c.extend([cn, im, selector_string(&self.spec.selector)]);
        }
        c
    }

    fn describe(&self, v: &View, w: &mut Writer) {
        let d = self;
        header(w, &self.metadata);
        w.line(0, format!("CreationTimestamp:\t{}", rfc1123z(d.metadata.creation_timestamp.as_ref())));
        map_lines(w, 0, "Labels", d.metadata.labels.as_ref(), "=", &[]);
        map_lines(w, 0, "Annotations", d.metadata.annotations.as_ref(), ": ", &[crate::kubectl::apply::LAST_APPLIED]);
        w.line(0, format!("Selector:\t{}", selector_text(&d.spec.selector)));
        let s = d.status.clone().unwrap_or_default();
        w.line(
            0,
            format!(
                "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable",
                d.spec.replicas.unwrap_or(1),
                s.updated_replicas.unwrap_or(0),
                s.replicas.unwrap_or(0),
                s.available_replicas.unwrap_or(0),
                s.unavailable_replicas.unwrap_or(0)
            ),
        );
        let strategy = d.spec.strategy.clone().unwrap_or_default();
        w.line(0, format!("StrategyType:\t{}", strategy.type_.clone().unwrap_or_default()));
        w.line(0, format!("MinReadySeconds:\t{}", d.spec.min_ready_seconds.unwrap_or(0)));
        if let Some(ru) = &strategy.rolling_update {
            let v = |x: &Option<k8s_openapi::apimachinery::pkg::util::intstr::IntOrString>| {
                x.as_ref().map(crate::api::intstr::display).unwrap_or_default()
            };
            w.line(
                0,
                format!(
                    "RollingUpdateStrategy:\t{} max unavailable, {} max surge",
                    v(&ru.max_unavailable),
                    v(&ru.max_surge)
                ),
            );
        }
        pod_template(w, Some(&d.spec.template));
        if let Some(conds) = s.conditions.as_ref().filter(|c| !c.is_empty()) {
            w.line(0, "Conditions:");
            w.line(1, "Type\tStatus\tReason");
            w.line(1, "----\t------\t------");
            for c in conds {
                w.line(
                    1,
                    format!(
                        "{} \t{}\t{}",
                        c.type_.clone().unwrap_or_default(),
                        c.status.clone().unwrap_or_default(),
                        c.reason.clone().unwrap_or_default()
                    ),
                );
            }
        }
        let uid = self.metadata.uid.as_deref().unwrap_or("");
        let mut rss: Vec<k8s_openapi::api::apps::v1::ReplicaSet> = v
            .store
            .owned_by(uid)
            .filter(|o| o.controller_ref().is_some_and(|r| r.uid == uid))
            .filter_map(|o| o.as_replica_set().cloned())
            .collect();
        crate::sort::sort_by(&mut rss, crate::controllers::deployment::util::by_creation);
        if !rss.is_empty() {
            let new = crate::controllers::deployment::util::find_new_rs(d, &rss);
            let fmt_rs = |rs: &k8s_openapi::api::apps::v1::ReplicaSet| {
                format!(
                    "{} ({}/{} replicas created)",
                    rs.metadata.name.clone().unwrap_or_default(),
                    rs.status.as_ref().map(|s| s.replicas).unwrap_or(0),
                    rs.spec.replicas.unwrap_or(1)
                )
            };
            let old: Vec<String> = rss
                .iter()
                .enumerate()
                .filter(|(i, rs)| Some(*i) != new && rs.spec.replicas.unwrap_or(1) > 0)
                .map(|(_, rs)| fmt_rs(rs))
                .collect();
            w.line(0, format!("OldReplicaSets:\t{}", if old.is_empty() { "<none>".into() } else { old.join(", ") }));
            w.line(0, format!("NewReplicaSet:\t{}", new.map(|i| fmt_rs(&rss[i])).unwrap_or("<none>".into())));
        }
        events(v, &self.metadata, w);
    }

    fn graph(&self, _v: &View) -> GraphLook {
        let s = self.status.clone().unwrap_or_default();
        let want = self.spec.replicas.unwrap_or(1);
        GraphLook {
            details: vec![
                format!("{}/{} ready", s.ready_replicas.unwrap_or(0), want),
                crate::api::pod::template_images(Some(&self.spec.template)),
            ],
            ready: Some(s.available_replicas.unwrap_or(0) >= want && s.updated_replicas.unwrap_or(0) >= want),
            ..Default::default()
        }
    }
}

/// ValidateDeploymentSpec.
fn deployment_spec(d: &Deployment) -> Vec<FieldError> {
    let spec = &d.spec;
    let mut errs = Vec::new();
    non_negative(&mut errs, "spec.replicas", spec.replicas.map(i64::from));
    errs.extend(selector_and_template(&spec.selector, Some(&spec.template), "deployment", "ReplicaSet"));
    if let Some(s) = &spec.strategy {
        errs.extend(strategy(s));
    }
    non_negative(&mut errs, "spec.minReadySeconds", spec.min_ready_seconds.map(i64::from));
    non_negative(&mut errs, "spec.revisionHistoryLimit", spec.revision_history_limit.map(i64::from));
    if let Some(pds) = spec.progress_deadline_seconds {
        non_negative(&mut errs, "spec.progressDeadlineSeconds", Some(i64::from(pds)));
        if pds <= spec.min_ready_seconds.unwrap_or(0) {
            errs.push(FieldError::invalid("spec.progressDeadlineSeconds", pds, "must be greater than minReadySeconds"));
        }
    }
    errs
}

/// ValidateDeploymentStrategy and ValidateRollingUpdateDeployment.
fn strategy(s: &DeploymentStrategy) -> Vec<FieldError> {
    let mut errs = Vec::new();
    match s.type_.as_deref() {
        Some("Recreate") => {
            if s.rolling_update.is_some() {
                errs.push(FieldError::forbidden(
                    "spec.strategy.rollingUpdate",
                    "may not be specified when strategy `type` is 'Recreate'",
                ));
            }
        }
        Some("RollingUpdate") | None => {
            let Some(ru) = &s.rolling_update else {
                return errs;
            };
            let p = "spec.strategy.rollingUpdate";
            let mu = ru.max_unavailable.clone().unwrap_or(IntOrString::Int(0));
            let ms = ru.max_surge.clone().unwrap_or(IntOrString::Int(0));
            errs.extend(positive_int_or_percent(&mu, &format!("{p}.maxUnavailable")));
            errs.extend(positive_int_or_percent(&ms, &format!("{p}.maxSurge")));
            if int_or_percent_value(&mu) == 0 && int_or_percent_value(&ms) == 0 {
                errs.push(FieldError::invalid(
                    format!("{p}.maxUnavailable"),
                    to_value(&mu),
                    "may not be 0 when `maxSurge` is 0",
                ));
            }
            if let IntOrString::String(v) = &mu {
                if parse_percent(v).is_some_and(|pct| pct > 100) {
                    errs.push(FieldError::invalid(
                        format!("{p}.maxUnavailable"),
                        to_value(&mu),
                        "must not be greater than 100%",
                    ));
                }
            }
        }
        Some(_) => errs.push(FieldError::not_supported("spec.strategy", to_value(s), &["Recreate", "RollingUpdate"])),
    }
    errs
}

fn positive_int_or_percent(v: &IntOrString, path: &str) -> Vec<FieldError> {
    match v {
        IntOrString::String(s) if parse_percent(s).is_none() => vec![FieldError::invalid(
            path,
            s.as_str(),
            "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
        )],
        IntOrString::Int(i) if *i < 0 => vec![FieldError::invalid(path, *i, "must be greater than or equal to 0")],
        _ => vec![],
    }
}

fn int_or_percent_value(v: &IntOrString) -> i32 {
    match v {
        IntOrString::Int(i) => *i,
        IntOrString::String(s) => parse_percent(s).unwrap_or(0),
    }
}
