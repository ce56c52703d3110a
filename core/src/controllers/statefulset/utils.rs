//! Identity, storage and revision helpers (pkg/controller/statefulset/stateful_set_utils.go).

use crate::api::pod;
use crate::api::Object;
use crate::kinds::pod::Pod;
use crate::kinds::statefulset::StatefulSet;
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, PersistentVolumeClaimVolumeSource, PodTemplateSpec, Volume};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use serde_json::{json, Value};

/// apps.StatefulSetPodNameLabel.
pub const POD_NAME_LABEL: &str = "statefulset.kubernetes.io/pod-name";
/// apps.PodIndexLabel (PodIndexLabel, GA since 1.32).
pub const POD_INDEX_LABEL: &str = "apps.kubernetes.io/pod-index";
/// apps.StatefulSetRevisionLabel: the pod's revision, by the revision's name.
pub const REVISION_LABEL: &str = "controller-revision-hash";

/// getParentNameAndOrdinal: `<parent>-<ordinal>`, the ordinal -1 when the name has none.
pub fn parent_and_ordinal(name: &str) -> (&str, i64) {
    let Some((parent, digits)) = name.rsplit_once('-') else {
        return ("", -1);
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return ("", -1);
    }
    // strconv.ParseInt(_, 10, 32): an ordinal past int32 leaves -1.
    (parent, digits.parse::<i32>().map(i64::from).unwrap_or(-1))
}

pub fn ordinal(p: &Pod) -> i64 {
    parent_and_ordinal(p.metadata.name.as_deref().unwrap_or("")).1
}

/// getStartOrdinal: spec.ordinals.start, 0 without it.
pub fn start_ordinal(set: &StatefulSet) -> i64 {
    set.spec.ordinals.as_ref().and_then(|o| o.start).map(i64::from).unwrap_or(0)
}

/// getEndOrdinal: the last ordinal in range (start - 1 when replicas is 0).
pub fn end_ordinal(set: &StatefulSet) -> i64 {
    start_ordinal(set) + i64::from(set.spec.replicas.unwrap_or(1)) - 1
}

/// podInOrdinalRange.
pub fn in_ordinal_range(p: &Pod, set: &StatefulSet) -> bool {
    let o = ordinal(p);
    o >= start_ordinal(set) && o <= end_ordinal(set)
}

pub fn pod_name(set: &StatefulSet, ordinal: i64) -> String {
    format!("{}-{ordinal}", set.metadata.name.as_deref().unwrap_or(""))
}

/// getPersistentVolumeClaimName: `<template>-<set>-<ordinal>`.
pub fn claim_name(set: &StatefulSet, template: &PersistentVolumeClaim, ordinal: i64) -> String {
    format!(
        "{}-{}-{ordinal}",
        template.metadata.name.as_deref().unwrap_or(""),
        set.metadata.name.as_deref().unwrap_or("")
    )
}

/// isMemberOf: pods named after the set are the only ones it may adopt.
pub fn is_member_of(set: &StatefulSet, o: &Object) -> bool {
    parent_and_ordinal(o.name()).0 == set.metadata.name.as_deref().unwrap_or("")
}

/// `digits` is how `ord` prints (no sign, no leading zeros): `<parent>-<digits>` is then
/// the name getPodName gives, compared without building it.
fn canonical(name: &str, ord: i64) -> bool {
    let digits = name.rsplit_once('-').map_or("", |(_, d)| d);
    ord >= 0 && (digits == "0" || !digits.starts_with('0'))
}

/// identityMatches.
pub fn identity_matches(set: &StatefulSet, p: &Pod) -> bool {
    let name = p.metadata.name.as_deref().unwrap_or("");
    let (parent, ord) = parent_and_ordinal(name);
    ord >= 0
        && parent == set.metadata.name.as_deref().unwrap_or("")
        && canonical(name, ord)
        && p.metadata.namespace == set.metadata.namespace
        && p.metadata.labels.as_ref().and_then(|l| l.get(POD_NAME_LABEL)).map(String::as_str) == Some(name)
}

/// storageMatches: every claim template has its volume, naming this ordinal's claim.
pub fn storage_matches(set: &StatefulSet, p: &Pod) -> bool {
    let ord = ordinal(p);
    if ord < 0 {
        return false;
    }
    let volumes = p.spec.as_ref().and_then(|s| s.volumes.as_ref());
    set.spec.volume_claim_templates.iter().flatten().all(|claim| {
        let name = claim.metadata.name.as_deref().unwrap_or("");
        volumes
            .into_iter()
            .flatten()
            .find(|v| v.name == name)
            .and_then(|v| v.persistent_volume_claim.as_ref())
            .map(|c| c.claim_name.as_str())
            == Some(claim_name(set, claim, ord).as_str())
    })
}

/// The names of this ordinal's claims, without building the claims.
pub fn claim_names(set: &StatefulSet, ord: i64) -> impl Iterator<Item = String> + '_ {
    set.spec.volume_claim_templates.iter().flatten().map(move |t| claim_name(set, t, ord))
}

/// getPersistentVolumeClaims: this ordinal's claims, in template order, labelled with
/// the set's matchLabels over the template's own.
pub fn claims_for(set: &StatefulSet, ord: i64) -> Vec<(String, PersistentVolumeClaim)> {
    let match_labels = set.spec.selector.match_labels.clone().unwrap_or_default();
    set.spec
        .volume_claim_templates
        .iter()
        .flatten()
        .map(|t| {
            let mut claim = t.clone();
            claim.metadata.name = Some(claim_name(set, t, ord));
            claim.metadata.namespace.clone_from(&set.metadata.namespace);
            let labels = claim.metadata.labels.get_or_insert_with(Default::default);
            labels.extend(match_labels.clone());
            if labels.is_empty() {
                claim.metadata.labels = None;
            }
            // A template's status is not the claim's.
            claim.status = None;
            (t.metadata.name.clone().unwrap_or_default(), claim)
        })
        .collect()
}

/// updateIdentity: name, namespace, and the pod-name and pod-index labels.
pub fn update_identity(set: &StatefulSet, p: &mut Pod) {
    let ord = ordinal(p);
    let name = pod_name(set, ord);
    p.metadata.name = Some(name.clone());
    p.metadata.namespace.clone_from(&set.metadata.namespace);
    let labels = p.metadata.labels.get_or_insert_with(Default::default);
    labels.insert(POD_NAME_LABEL.into(), name);
    labels.insert(POD_INDEX_LABEL.into(), ord.to_string());
}

/// updateStorage: a volume per claim template naming this ordinal's claim, then the
/// template's other volumes.
pub fn update_storage(set: &StatefulSet, p: &mut Pod) {
    let claims = claims_for(set, ordinal(p));
    if claims.is_empty() {
        return;
    }
    let spec = p.spec_mut();
    let current = spec.volumes.take().unwrap_or_default();
    let mut volumes: Vec<Volume> = claims
        .iter()
        .map(|(name, claim)| Volume {
            name: name.clone(),
            persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
                claim_name: claim.metadata.name.clone().unwrap_or_default(),
                read_only: Some(false),
            }),
            ..Default::default()
        })
        .collect();
    volumes.extend(current.into_iter().filter(|v| !claims.iter().any(|(n, _)| *n == v.name)));
    spec.volumes = Some(volumes);
}

/// newStatefulSetPod: the template's pod with its identity (hostname and subdomain set
/// once, at creation) and storage.
pub fn new_pod(set_obj: &Object, set: &StatefulSet, template: &PodTemplateSpec, ord: i64) -> Pod {
    let mut p = crate::controllers::controller_utils::pod_from_template(
        template,
        set_obj,
        format!("{}-", set.metadata.name.as_deref().unwrap_or("")),
        None,
    );
    p.metadata.name = Some(pod_name(set, ord));
    update_identity(set, &mut p);
    let name = p.metadata.name.clone();
    let spec = p.spec_mut();
    spec.hostname = name;
    spec.subdomain.clone_from(&set.spec.service_name);
    update_storage(set, &mut p);
    p
}

pub fn set_revision(p: &mut Pod, revision: &str) {
    p.metadata.labels.get_or_insert_with(Default::default).insert(REVISION_LABEL.into(), revision.into());
}

/// getPodRevision.
pub fn pod_revision(p: &Pod) -> &str {
    p.metadata.labels.as_ref().and_then(|l| l.get(REVISION_LABEL)).map(String::as_str).unwrap_or("")
}

/// getPatch: the template alone, replacing the live one when applied.
pub fn revision_data(set: &StatefulSet) -> Value {
    let mut template = serde_json::to_value(&set.spec.template).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut template {
        m.insert("$patch".into(), json!("replace"));
    }
    json!({"spec": {"template": template}})
}

/// ApplyRevision: the set with the revision's template.
pub fn apply_revision(set: &StatefulSet, data: Option<&Value>) -> StatefulSet {
    let mut out = set.clone();
    let template = data.and_then(|d| d.get("spec")).and_then(|s| s.get("template")).cloned();
    if let Some(Value::Object(mut t)) = template {
        t.remove("$patch");
        // Decoded from a borrowed Value, as manifests are: one decoder in the bundle.
        if let Ok(parsed) = <PodTemplateSpec as serde::Deserialize>::deserialize(&Value::Object(t)) {
            out.spec.template = parsed;
        }
    }
    out
}

pub fn is_created(p: &Pod) -> bool {
    p.status.as_ref().and_then(|s| s.phase.as_deref()).is_some_and(|ph| !ph.is_empty())
}

pub fn is_failed(p: &Pod) -> bool {
    pod::phase(p) == "Failed"
}

pub fn is_succeeded(p: &Pod) -> bool {
    pod::phase(p) == "Succeeded"
}

pub fn is_pending(p: &Pod) -> bool {
    pod::phase(p) == "Pending"
}

pub fn is_terminating(p: &Pod) -> bool {
    p.metadata.deletion_timestamp.is_some()
}

/// isRunningAndReady.
pub fn is_running_and_ready(p: &Pod) -> bool {
    pod::phase(p) == "Running" && pod::is_ready(p)
}

/// isRunningAndAvailable.
pub fn is_running_and_available(p: &Pod, min_ready_seconds: i32, now: &Time) -> bool {
    pod::is_available(p, min_ready_seconds, now)
}

/// isUnavailable (1.33+, replacing isHealthy in the update): not available for
/// minReadySeconds, or terminating.
pub fn is_unavailable(p: &Pod, min_ready_seconds: i32, now: &Time) -> bool {
    !is_running_and_available(p, min_ready_seconds, now) || is_terminating(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// TestGetParentNameAndOrdinal's cases.
    #[test]
    fn parent_and_ordinal_from_names() {
        assert_eq!(parent_and_ordinal("web-0"), ("web", 0));
        assert_eq!(parent_and_ordinal("my-web-12"), ("my-web", 12));
        assert_eq!(parent_and_ordinal("web"), ("", -1));
        assert_eq!(parent_and_ordinal("web-x"), ("", -1));
        assert_eq!(parent_and_ordinal("web-"), ("", -1));
        assert_eq!(parent_and_ordinal("web-99999999999"), ("web", -1));
    }
}
