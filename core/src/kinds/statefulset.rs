//! StatefulSet (apps/v1): defaults from pkg/apis/apps/v1/defaults.go (SetDefaults_StatefulSet),
//! validation from pkg/apis/apps/validation/validation.go (ValidateStatefulSetSpec,
//! ValidateStatefulSetUpdate), printing from kubectl's printStatefulSet and describe.

use super::{Allocators, DecodeError, GraphLook, GraphPlace, KindDef, View};
use crate::api::decode::shell;
use crate::api::defaults;
use crate::api::intstr::parse_percent;
use crate::kubectl::describe::*;
use crate::kubectl::table::{age, containers_images};
use crate::validation::field::FieldError;
use crate::validation::{names, non_negative, selector_and_template, to_value};
pub use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::apps::v1::{
    RollingUpdateStatefulSetStrategy, StatefulSetPersistentVolumeClaimRetentionPolicy, StatefulSetSpec,
    StatefulSetUpdateStrategy,
};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde_json::Value;

impl KindDef for StatefulSet {
    const PLURAL: &'static str = "statefulsets";
    const SHORT_NAMES: &'static [&'static str] = &["sts"];
    const NAMESPACED: bool = true;
    const STATUS_SUBRESOURCE: bool = true;
    const GENERATION: bool = true;
    const GRAPH: Option<GraphPlace> = Some(GraphPlace { column: 0, badge: "STATEFULSET" });
    const DEPRECATED: Option<&'static str> = None;
    crate::plain_deletion!();

    fn decode(value: &Value) -> Result<Self, DecodeError> {
        let mut s: StatefulSet =
            shell(value, |metadata, spec| StatefulSet { metadata, spec: spec.unwrap_or_default(), status: None })?;
        if !crate::api::selector::given_in(value) {
            s.spec.selector = crate::api::selector::unset();
        }
        Ok(s)
    }

    fn keep_status(&mut self, live: &Self) {
        self.status.clone_from(&live.status);
    }

    /// SetDefaults_StatefulSet. MaxUnavailableStatefulSet is off by default in 1.34, so
    /// `maxUnavailable` gets no default.
    fn set_defaults(&mut self) {
        let s = &mut self.spec;
        s.pod_management_policy.get_or_insert_with(|| "OrderedReady".into());
        let strategy = s.update_strategy.get_or_insert_with(StatefulSetUpdateStrategy::default);
        if strategy.type_.is_none() {
            strategy.type_ = Some("RollingUpdate".into());
            strategy.rolling_update.get_or_insert_with(RollingUpdateStatefulSetStrategy::default);
        }
        if strategy.type_.as_deref() == Some("RollingUpdate") {
            if let Some(ru) = &mut strategy.rolling_update {
                ru.partition.get_or_insert(0);
            }
        }
        let policy = s
            .persistent_volume_claim_retention_policy
            .get_or_insert_with(StatefulSetPersistentVolumeClaimRetentionPolicy::default);
        policy.when_deleted.get_or_insert_with(|| "Retain".into());
        policy.when_scaled.get_or_insert_with(|| "Retain".into());
        s.replicas.get_or_insert(1);
        s.revision_history_limit.get_or_insert(10);
        defaults::template(&mut s.template);
        // SetDefaults_PersistentVolumeClaimSpec on each claim template.
        for c in s.volume_claim_templates.iter_mut().flatten() {
            c.spec.get_or_insert_with(Default::default).volume_mode.get_or_insert_with(|| "Filesystem".into());
            c.status.get_or_insert_with(Default::default).phase.get_or_insert_with(|| "Pending".into());
        }
    }

    fn prepare_for_create(&mut self) {
        self.status = None;
    }

    fn allocate(&mut self, _alloc: &mut Allocators) {}

    fn validate(&self) -> Vec<FieldError> {
        let mut errs = name_is_label(self.metadata.name.as_deref());
        errs.extend(spec_rules(&self.spec));
        errs
    }

    /// ValidateStatefulSetUpdate: the spec rules, then only the listed fields may change.
    fn validate_update(&self, old: &Self) -> Vec<FieldError> {
        let mut errs = spec_rules(&self.spec);
        let mut same = self.spec.clone();
        same.replicas.clone_from(&old.spec.replicas);
        same.template.clone_from(&old.spec.template);
        same.update_strategy.clone_from(&old.spec.update_strategy);
        same.min_ready_seconds.clone_from(&old.spec.min_ready_seconds);
        same.ordinals.clone_from(&old.spec.ordinals);
        same.revision_history_limit.clone_from(&old.spec.revision_history_limit);
        same.persistent_volume_claim_retention_policy.clone_from(&old.spec.persistent_volume_claim_retention_policy);
        if same != old.spec {
            errs.push(FieldError::forbidden(
                "spec",
                "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
            ));
        }
        errs
    }

    fn bumps_generation(&self, old: &Self, _main_resource: bool) -> bool {
        self.spec != old.spec
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

    /// printStatefulSet.
    fn columns(wide: bool) -> Vec<&'static str> {
        let mut c = vec!["NAME", "READY", "AGE"];
        if wide {
            c.extend(["CONTAINERS", "IMAGES"]);
        }
        c
    }

    fn row(&self, v: &View, wide: bool) -> Vec<String> {
        let ready = self.status.as_ref().and_then(|s| s.ready_replicas).unwrap_or(0);
        let mut c = vec![
            self.metadata.name.clone().unwrap_or_default(),
            format!("{ready}/{}", self.spec.replicas.unwrap_or(1)),
            age(&self.metadata, v),
        ];
        if wide {
            let (cn, im) = containers_images(Some(&self.spec.template));
            c.extend([cn, im]);
        }
        c
    }

    /// kubectl's describeStatefulSet.
    fn describe(&self, v: &View, w: &mut Writer) {
        let s = &self.spec;
        header(w, &self.metadata);
        w.line(0, format!("CreationTimestamp:\t{}", rfc1123z(self.metadata.creation_timestamp.as_ref())));
        w.line(0, format!("Selector:\t{}", selector_text(&s.selector)));
        map_lines(w, 0, "Labels", self.metadata.labels.as_ref(), "=", &[]);
        map_lines(
            w,
            0,
            "Annotations",
            self.metadata.annotations.as_ref(),
            ": ",
            &[crate::kubectl::apply::LAST_APPLIED],
        );
        let st = self.status.clone().unwrap_or_default();
        w.line(0, format!("Replicas:\t{} desired | {} total", s.replicas.unwrap_or(1), st.replicas));
        let strategy = s.update_strategy.clone().unwrap_or_default();
        w.line(0, format!("Update Strategy:\t{}", strategy.type_.clone().unwrap_or_default()));
        if let Some(ru) = &strategy.rolling_update {
            w.line(1, format!("Partition:\t{}", ru.partition.unwrap_or(0)));
        }
        let (running, waiting, succeeded, failed) = pod_phases(v, self);
        w.line(
            0,
            format!("Pods Status:\t{running} Running / {waiting} Waiting / {succeeded} Succeeded / {failed} Failed"),
        );
        pod_template(w, Some(&s.template));
        match s.volume_claim_templates.as_ref().filter(|t| !t.is_empty()) {
            None => w.line(0, "Volume Claims:\t<none>"),
            Some(claims) => {
                w.line(0, "Volume Claims:");
                for c in claims {
                    let spec = c.spec.clone().unwrap_or_default();
                    w.line(1, format!("Name:\t{}", c.metadata.name.clone().unwrap_or_default()));
                    w.line(1, format!("StorageClass:\t{}", spec.storage_class_name.clone().unwrap_or_default()));
                    map_lines(w, 1, "Labels", c.metadata.labels.as_ref(), "=", &[]);
                    map_lines(w, 1, "Annotations", c.metadata.annotations.as_ref(), ": ", &[]);
                    let capacity = super::persistentvolumeclaim::requested_storage(Some(&spec)).unwrap_or("0");
                    w.line(1, format!("Capacity:\t{capacity}"));
                    w.line(1, format!("Access Modes:\t{}", spec.access_modes.clone().unwrap_or_default().join(", ")));
                }
            }
        }
        events(v, &self.metadata, w);
    }

    fn graph(&self, v: &View) -> GraphLook {
        let s = self.status.clone().unwrap_or_default();
        let want = self.spec.replicas.unwrap_or(1);
        let mut details = vec![
            format!("{}/{} ready", s.ready_replicas.unwrap_or(0), want),
            crate::api::pod::template_images(Some(&self.spec.template)),
        ];
        // The governing Service gives the pods their DNS names; without it they have none.
        let ns = self.metadata.namespace.as_deref().unwrap_or("default");
        if let Some(svc) = self.spec.service_name.as_deref().filter(|n| !n.is_empty()) {
            if v.store.get_named(super::Kind::Service, ns, svc).is_none() {
                details.push(format!("warning: no Service {svc}: pods get no DNS names"));
            }
        }
        GraphLook {
            details,
            ready: Some(
                s.ready_replicas.unwrap_or(0) >= want
                    && s.current_revision.is_some()
                    && s.current_revision == s.update_revision,
            ),
            ..Default::default()
        }
    }
}

/// The controlled pods by phase, as describe counts them.
fn pod_phases(v: &View, set: &StatefulSet) -> (usize, usize, usize, usize) {
    let uid = set.metadata.uid.as_deref().unwrap_or("");
    let (mut running, mut waiting, mut succeeded, mut failed) = (0, 0, 0, 0);
    for p in v.store.owned_by(uid).filter_map(|o| o.as_pod()) {
        match crate::api::pod::phase(p) {
            "Running" => running += 1,
            "Succeeded" => succeeded += 1,
            "Failed" => failed += 1,
            _ => waiting += 1,
        }
    }
    (running, waiting, succeeded, failed)
}

/// ValidateStatefulSetName: the pods' names and hostnames come from it, so it is a DNS
/// label. (The metadata rules have already checked it as a subdomain; only what a
/// subdomain allows and a label does not is reported here.)
fn name_is_label(name: Option<&str>) -> Vec<FieldError> {
    let Some(name) = name.filter(|n| !n.is_empty() && names::dns1123_subdomain(n).is_empty()) else {
        return Vec::new();
    };
    names::dns1123_label(name).into_iter().map(|m| FieldError::invalid("metadata.name", name, m)).collect()
}

/// ValidateStatefulSetSpec.
fn spec_rules(spec: &StatefulSetSpec) -> Vec<FieldError> {
    let mut errs = Vec::new();
    match spec.pod_management_policy.as_deref() {
        None | Some("") => errs.push(FieldError::required("spec.podManagementPolicy", "")),
        Some("OrderedReady" | "Parallel") => {}
        Some(other) => {
            errs.push(FieldError::invalid("spec.podManagementPolicy", other, "must be 'OrderedReady' or 'Parallel'"))
        }
    }
    let strategy = spec.update_strategy.clone().unwrap_or_default();
    match strategy.type_.as_deref() {
        None | Some("") => errs.push(FieldError::required("spec.updateStrategy", "")),
        Some("OnDelete") => {
            if let Some(ru) = &strategy.rolling_update {
                errs.push(FieldError::invalid(
                    "spec.updateStrategy.rollingUpdate",
                    to_value(ru),
                    "only allowed for updateStrategy 'RollingUpdate'",
                ));
            }
        }
        Some("RollingUpdate") => {
            if let Some(ru) = &strategy.rolling_update {
                errs.extend(rolling_update(ru));
            }
        }
        Some(_) => errs.push(FieldError::invalid(
            "spec.updateStrategy",
            to_value(&strategy),
            "must be 'RollingUpdate' or 'OnDelete'",
        )),
    }
    if let Some(policy) = &spec.persistent_volume_claim_retention_policy {
        for (field, v) in [("whenDeleted", &policy.when_deleted), ("whenScaled", &policy.when_scaled)] {
            match v.as_deref() {
                Some("Retain" | "Delete") => {}
                other => errs.push(FieldError::not_supported(
                    format!("spec.persistentVolumeClaimRetentionPolicy.{field}"),
                    other.unwrap_or(""),
                    &["Delete", "Retain"],
                )),
            }
        }
    }
    non_negative(&mut errs, "spec.replicas", spec.replicas.map(i64::from));
    non_negative(&mut errs, "spec.minReadySeconds", spec.min_ready_seconds.map(i64::from));
    if let Some(o) = &spec.ordinals {
        non_negative(&mut errs, "spec.ordinals.start", o.start.map(i64::from));
    }
    errs.extend(selector_and_template(&spec.selector, Some(&spec.template), "statefulset", "StatefulSet"));
    errs
}

/// validateRollingUpdateStatefulSet.
fn rolling_update(ru: &RollingUpdateStatefulSetStrategy) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let p = "spec.updateStrategy.rollingUpdate";
    if let Some(mu) = &ru.max_unavailable {
        let path = format!("{p}.maxUnavailable");
        let value = match mu {
            IntOrString::Int(i) => Some(*i),
            IntOrString::String(s) => parse_percent(s),
        };
        match (mu, value) {
            (IntOrString::String(s), None) => errs.push(FieldError::invalid(
                &path,
                s.as_str(),
                "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
            )),
            (IntOrString::Int(i), _) if *i < 0 => {
                errs.push(FieldError::invalid(&path, *i, "must be greater than or equal to 0"))
            }
            _ => {}
        }
        if value == Some(0) {
            errs.push(FieldError::invalid(&path, to_value(mu), "cannot be 0"));
        }
        if matches!(mu, IntOrString::String(_)) && value.is_some_and(|v| v > 100) {
            errs.push(FieldError::invalid(&path, to_value(mu), "must not be greater than 100%"));
        }
    }
    non_negative(&mut errs, &format!("{p}.partition"), ru.partition.map(i64::from));
    errs
}
