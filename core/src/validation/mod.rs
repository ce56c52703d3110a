//! API-server validation for the kinds users write, with upstream messages and field
//! paths (pkg/apis/apps/validation/validation.go, pkg/apis/core/validation/validation.go,
//! pkg/registry/apps/deployment/strategy.go). Runs after defaulting, as upstream does.

pub mod field;
pub mod names;

use crate::api::selector::Selector;
use crate::api::Object;
use field::FieldError;
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use serde_json::json;
use std::collections::BTreeMap;

/// Validates an object about to be created: metadata, then the kind's own rules.
pub fn validate_create(obj: &Object) -> Vec<FieldError> {
    let mut errs = validate_meta(obj.meta(), obj.kind().namespaced());
    errs.extend(obj.validate_kind());
    errs
}

/// Validates an update of `old` to `new`.
pub fn validate_update(new: &Object, old: &Object) -> Vec<FieldError> {
    let mut errs = labels_and_annotations(new.meta());
    errs.extend(new.validate_kind_update(old));
    errs
}

/// ValidateImmutableField for a workload's selector.
pub fn immutable_selector(new: &LabelSelector, old: &LabelSelector) -> Vec<FieldError> {
    if new == old {
        return vec![];
    }
    vec![FieldError::invalid("spec.selector", to_value(new), "field is immutable")]
}

pub fn to_value<T: serde::Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

fn validate_meta(meta: &ObjectMeta, namespaced: bool) -> Vec<FieldError> {
    let mut errs = Vec::new();
    match meta.name.as_deref() {
        None | Some("") if meta.generate_name.as_deref().is_none_or(str::is_empty) => {
            errs.push(FieldError::required("metadata.name", "name or generateName is required"))
        }
        None | Some("") => {}
        Some(name) => {
            for m in names::dns1123_subdomain(name) {
                errs.push(FieldError::invalid("metadata.name", name, m));
            }
        }
    }
    if namespaced {
        if let Some(ns) = meta.namespace.as_deref() {
            for m in names::dns1123_label(ns) {
                errs.push(FieldError::invalid("metadata.namespace", ns, m));
            }
        }
    }
    errs.extend(labels_and_annotations(meta));
    errs
}

fn labels_and_annotations(meta: &ObjectMeta) -> Vec<FieldError> {
    let mut errs = validate_labels(meta.labels.as_ref(), "metadata.labels");
    for k in meta.annotations.iter().flatten().map(|(k, _)| k) {
        for m in names::qualified_name(&k.to_ascii_lowercase()) {
            errs.push(FieldError::invalid("metadata.annotations", k.as_str(), m));
        }
    }
    errs
}

/// The `sim.kubeloop.dev/` annotations that drive the kubelet simulation: a misspelled
/// knob or a bad value is an error, not a silent default.
pub const SIM_KNOBS: &[&str] = &[
    "pull-seconds",
    "start-seconds",
    "ready",
    "image-pull",
    "crash-after-seconds",
    "run-seconds",
    "exit-code",
    "shutdown-seconds",
    "init-seconds",
];

pub fn sim_knobs(annotations: Option<&BTreeMap<String, String>>, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (k, v) in annotations.into_iter().flatten() {
        let Some(knob) = k.strip_prefix("sim.kubeloop.dev/") else { continue };
        let p = format!("{path}[{k}]");
        let problem = match knob {
            "ready" if v != "never" => Some("must be \"never\" (readiness never passes)".to_string()),
            "image-pull" if v != "fail" => Some("must be \"fail\" (every pull fails)".to_string()),
            "exit-code" if v.trim().parse::<u8>().is_err() => Some("must be an exit code from 0 to 255".to_string()),
            k if k.ends_with("-seconds") && SIM_KNOBS.contains(&k) => {
                let ok = v.trim().parse::<f64>().is_ok_and(|f| f.is_finite() && (0.0..=31_536_000.0).contains(&f));
                (!ok).then(|| "must be a number of seconds from 0 to 31536000".to_string())
            }
            k if !SIM_KNOBS.contains(&k) => Some(format!("unknown simulation knob; known: {}", SIM_KNOBS.join(", "))),
            _ => None,
        };
        if let Some(m) = problem {
            errs.push(FieldError::invalid(p, v.as_str(), m));
        }
    }
    errs
}

pub fn validate_labels(labels: Option<&BTreeMap<String, String>>, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (k, v) in labels.into_iter().flatten() {
        for m in names::qualified_name(k) {
            errs.push(FieldError::invalid(path, k.as_str(), m));
        }
        for m in names::label_value(v) {
            errs.push(FieldError::invalid(path, v.as_str(), m));
        }
    }
    errs
}

pub fn non_negative(errs: &mut Vec<FieldError>, path: &str, v: Option<i64>) {
    if let Some(v) = v.filter(|v| *v < 0) {
        errs.push(FieldError::invalid(path, v, "must be greater than or equal to 0"));
    }
}

/// The selector and template rules of a workload: `what` as the empty-selector message
/// names it (`deployment` for ReplicaSets too, as upstream words it), `kind` as the
/// template rules do (`ReplicaSet`, `StatefulSet`).
pub fn selector_and_template(
    sel: &LabelSelector,
    template: Option<&PodTemplateSpec>,
    what: &str,
    kind: &str,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    // A nil selector is Required, and selects nothing (LabelSelectorAsSelector(nil)).
    let unset = crate::api::selector::is_unset(sel);
    let empty = sel.match_labels.as_ref().is_none_or(BTreeMap::is_empty)
        && sel.match_expressions.as_ref().is_none_or(Vec::is_empty);
    if unset {
        errs.push(FieldError::required("spec.selector", ""));
    } else if empty {
        errs.push(FieldError::invalid("spec.selector", to_value(sel), format!("empty selector is invalid for {what}")));
    }
    errs.extend(validate_labels(sel.match_labels.as_ref(), "spec.selector.matchLabels"));
    for (i, e) in sel.match_expressions.iter().flatten().enumerate() {
        let p = format!("spec.selector.matchExpressions[{i}]");
        let has_values = e.values.as_ref().is_some_and(|v| !v.is_empty());
        match e.operator.as_str() {
            "In" | "NotIn" if !has_values => errs.push(FieldError::required(
                format!("{p}.values"),
                "must be specified when `operator` is 'In' or 'NotIn'",
            )),
            "Exists" | "DoesNotExist" if has_values => errs.push(FieldError::forbidden(
                format!("{p}.values"),
                "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            )),
            "In" | "NotIn" | "Exists" | "DoesNotExist" => {}
            op => errs.push(FieldError::invalid(format!("{p}.operator"), op, "not a valid selector operator")),
        }
        for m in names::qualified_name(&e.key) {
            errs.push(FieldError::invalid(format!("{p}.key"), e.key.as_str(), m));
        }
    }
    let Some(template) = template else {
        errs.push(FieldError::required("spec.template", ""));
        return errs;
    };
    let labels = template.metadata.as_ref().and_then(|m| m.labels.as_ref());
    match Selector::from_label_selector(sel) {
        Err(_) => errs.push(FieldError::invalid("spec.selector", to_value(sel), "invalid label selector")),
        Ok(s) if unset || (!empty && !s.matches(labels)) => errs.push(FieldError::invalid(
            "spec.template.metadata.labels",
            json!(labels.cloned().unwrap_or_default()),
            "`selector` does not match template `labels`",
        )),
        Ok(_) => {}
    }
    errs.extend(validate_labels(labels, "spec.template.labels"));
    let annotations = template.metadata.as_ref().and_then(|m| m.annotations.as_ref());
    errs.extend(sim_knobs(annotations, "spec.template.metadata.annotations"));
    errs.extend(pod_template_spec(template, kind));
    errs
}

/// The parts of ValidatePodSpec a workload template runs into, then the rules of a
/// `kind` template (ReplicaSet, StatefulSet): restartPolicy Always, no activeDeadlineSeconds.
pub fn pod_template_spec(template: &PodTemplateSpec, kind: &str) -> Vec<FieldError> {
    let base = "spec.template.spec";
    let Some(spec) = &template.spec else {
        return vec![FieldError::required(format!("{base}.containers"), "")];
    };
    let mut errs = pod_spec(spec, base);
    match spec.restart_policy.as_deref() {
        Some("Always") | None => {}
        Some(other) if ["OnFailure", "Never"].contains(&other) => {
            errs.push(FieldError::not_supported(format!("{base}.restartPolicy"), other, &["Always"]))
        }
        Some(_) => {}
    }
    if spec.active_deadline_seconds.is_some() {
        errs.push(FieldError::forbidden(
            format!("{base}.activeDeadlineSeconds"),
            format!("activeDeadlineSeconds in {kind} is not Supported"),
        ));
    }
    errs
}

/// ValidatePodSpec: containers, restart and DNS policy, and resource quantities.
pub fn pod_spec(spec: &k8s_openapi::api::core::v1::PodSpec, base: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if spec.containers.is_empty() {
        errs.push(FieldError::required(format!("{base}.containers"), ""));
    }
    let mut seen: Vec<&str> = Vec::new();
    for (i, c) in spec.containers.iter().enumerate() {
        let p = format!("{base}.containers[{i}]");
        if c.name.is_empty() {
            errs.push(FieldError::required(format!("{p}.name"), ""));
        } else {
            for m in names::dns1123_label(&c.name) {
                errs.push(FieldError::invalid(format!("{p}.name"), c.name.as_str(), m));
            }
        }
        if seen.contains(&c.name.as_str()) {
            errs.push(FieldError::duplicate(format!("{p}.name"), c.name.as_str()));
        }
        seen.push(&c.name);
        if c.image.as_deref().is_none_or(str::is_empty) {
            errs.push(FieldError::required(format!("{p}.image"), ""));
        }
        for (n, port) in c.ports.iter().flatten().enumerate() {
            if !(1..=65535).contains(&port.container_port) {
                errs.push(FieldError::invalid(
                    format!("{p}.ports[{n}].containerPort"),
                    port.container_port,
                    "must be between 1 and 65535, inclusive",
                ));
            }
        }
        errs.extend(resources(c.resources.as_ref(), &format!("{p}.resources")));
        if let Some(pp) = c.image_pull_policy.as_deref() {
            if !["Always", "IfNotPresent", "Never"].contains(&pp) {
                errs.push(FieldError::not_supported(
                    format!("{p}.imagePullPolicy"),
                    pp,
                    &["Always", "IfNotPresent", "Never"],
                ));
            }
        }
        if c.restart_policy.is_some() {
            errs.push(FieldError::forbidden(format!("{p}.restartPolicy"), "may not be set for non-init containers"));
        }
    }
    match spec.restart_policy.as_deref() {
        None | Some("Always") | Some("OnFailure") | Some("Never") => {}
        Some(other) => errs.push(FieldError::not_supported(
            format!("{base}.restartPolicy"),
            other,
            &["Always", "OnFailure", "Never"],
        )),
    }
    if let Some(dns) = spec.dns_policy.as_deref() {
        if !["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"].contains(&dns) {
            errs.push(FieldError::not_supported(
                format!("{base}.dnsPolicy"),
                dns,
                &["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"],
            ));
        }
    }
    for (n, t) in spec.tolerations.iter().flatten().enumerate() {
        if let Some(e) = t.effect.as_deref().filter(|e| !e.is_empty()) {
            if !["NoSchedule", "PreferNoSchedule", "NoExecute"].contains(&e) {
                errs.push(FieldError::not_supported(
                    format!("{base}.tolerations[{n}].effect"),
                    e,
                    &["NoSchedule", "PreferNoSchedule", "NoExecute"],
                ));
            }
        }
    }
    errs
}

/// Quantities parse, and requests stay within limits (ValidateResourceRequirements).
pub fn resources(r: Option<&k8s_openapi::api::core::v1::ResourceRequirements>, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let Some(r) = r else { return errs };
    let mut parsed: [BTreeMap<String, i128>; 2] = [BTreeMap::new(), BTreeMap::new()];
    for (n, (field, map)) in [("limits", &r.limits), ("requests", &r.requests)].into_iter().enumerate() {
        for (k, q) in map.iter().flatten() {
            match crate::api::quantity::parse_milli(&q.0) {
                Some(v) if v >= 0 => {
                    parsed[n].insert(k.clone(), v);
                }
                Some(_) => errs.push(FieldError::invalid(
                    format!("{path}.{field}[{k}]"),
                    q.0.as_str(),
                    "must be greater than or equal to 0",
                )),
                None => errs.push(FieldError::invalid(
                    format!("{path}.{field}[{k}]"),
                    q.0.as_str(),
                    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
                )),
            }
        }
    }
    for (k, req) in &parsed[1] {
        if parsed[0].get(k).is_some_and(|limit| req > limit) {
            let q = r.requests.as_ref().and_then(|m| m.get(k)).map(|q| q.0.clone()).unwrap_or_default();
            let l = r.limits.as_ref().and_then(|m| m.get(k)).map(|q| q.0.clone()).unwrap_or_default();
            errs.push(FieldError::invalid(
                format!("{path}.requests"),
                q,
                format!("must be less than or equal to {k} limit of {l}"),
            ));
        }
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest;

    fn errors(yaml: &str) -> Vec<String> {
        let mut obj = manifest::parse(yaml).unwrap().remove(0).object;
        obj.set_defaults();
        validate_create(&obj).iter().map(|e| e.to_string()).collect()
    }

    #[test]
    fn pod_spec_rules() {
        let errs = errors("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  restartPolicy: Sometimes\n  containers:\n  - {name: c, image: x, ports: [{containerPort: 99999}], resources: {requests: {cpu: '2'}, limits: {cpu: '1'}}}\n");
        assert_eq!(
            errs,
            vec![
                "spec.containers[0].ports[0].containerPort: Invalid value: 99999: must be between 1 and 65535, inclusive",
                "spec.containers[0].resources.requests: Invalid value: \"2\": must be less than or equal to cpu limit of 1",
                "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"",
            ]
        );
    }

    #[test]
    fn simulation_knobs_are_checked() {
        let errs = errors("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata:\n      labels: {a: b}\n      annotations: {sim.kubeloop.dev/pull-seconds: abc, sim.kubeloop.dev/ready: 'no', sim.kubeloop.dev/crash: '1'}\n    spec:\n      containers: [{name: c, image: x}]\n");
        assert_eq!(errs.len(), 3, "{errs:?}");
        assert!(errs.iter().any(|e| e == "spec.template.metadata.annotations[sim.kubeloop.dev/pull-seconds]: Invalid value: \"abc\": must be a number of seconds from 0 to 31536000"), "{errs:?}");
        assert!(errs.iter().any(|e| e.contains("unknown simulation knob")), "{errs:?}");
    }

    #[test]
    fn deployment_template_restart_policy_must_be_always() {
        let errs = errors("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec:\n      restartPolicy: Never\n      containers: [{name: c, image: x}]\n");
        assert_eq!(
            errs,
            vec!["spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""]
        );
    }
}
