//! Pod and claim writes with their events (pkg/controller/statefulset/stateful_pod_control.go):
//! claims before the pod, the retention policy's owner references on claims.

use super::utils::*;
use crate::api::{Kind, Object};
use crate::kinds::pod::Pod;
use crate::kinds::statefulset::StatefulSet;
use crate::sim::controller::Ctx;
use crate::store::{ApiError, DeleteOptions};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;
use std::rc::Rc;

/// recordPodEvent.
fn pod_event(ctx: &mut Ctx, set_obj: &Object, verb: &str, pod: &str, err: Option<&str>) {
    let set = set_obj.name();
    let (ok, failed) = (
        format!("{verb} Pod {pod} in StatefulSet {set} successful"),
        format!("{verb} Pod {pod} in StatefulSet {set} failed error: "),
    );
    record(ctx, set_obj, verb, ok, failed, err);
}

/// recordClaimEvent (its success says "success", as upstream's does).
fn claim_event(ctx: &mut Ctx, set_obj: &Object, verb: &str, claim: &str, pod: &str, err: Option<&str>) {
    let set = set_obj.name();
    let ok = format!("{verb} Claim {claim} Pod {pod} in StatefulSet {set} success");
    let failed = format!("{verb} Claim {claim} for Pod {pod} in StatefulSet {set} failed error: ");
    record(ctx, set_obj, verb, ok, failed, err);
}

/// Successful<Verb> (Normal) or Failed<Verb> (Warning) about the set.
fn record(ctx: &mut Ctx, set_obj: &Object, verb: &str, ok: String, failed: String, err: Option<&str>) {
    let title = format!("{}{}", verb[..1].to_uppercase(), &verb[1..]);
    match err {
        None => ctx.event(set_obj, "Normal", reason("Successful", &title), ok),
        Some(e) => ctx.event(set_obj, "Warning", reason("Failed", &title), format!("{failed}{e}")),
    }
}

/// The event reasons are fixed strings (the recorder keeps `&'static str`).
fn reason(outcome: &str, verb: &str) -> &'static str {
    match (outcome, verb) {
        ("Successful", "Create") => "SuccessfulCreate",
        ("Successful", "Delete") => "SuccessfulDelete",
        ("Successful", "Update") => "SuccessfulUpdate",
        ("Failed", "Create") => "FailedCreate",
        ("Failed", "Delete") => "FailedDelete",
        _ => "FailedUpdate",
    }
}

/// createPersistentVolumeClaims: each missing claim is created; one being deleted is an error.
pub fn create_claims(ctx: &mut Ctx, set_obj: &Object, set: &StatefulSet, pod: &Pod) -> Result<(), String> {
    let pod_name = pod.metadata.name.clone().unwrap_or_default();
    let mut errs = Vec::new();
    for (_, claim) in claims_for(set, ordinal(pod)) {
        let name = claim.metadata.name.clone().unwrap_or_default();
        match ctx.store.get_named(Kind::PersistentVolumeClaim, set_obj.namespace(), &name) {
            None => {
                ctx.because(format!("creating claim {name} for {pod_name}: claims are created before their pod"));
                match ctx.store.create(Object::PersistentVolumeClaim(Box::new(claim)), ctx.actor) {
                    Ok(_) => claim_event(ctx, set_obj, "create", &name, &pod_name, None),
                    Err(e) => {
                        let already = matches!(e, ApiError::AlreadyExists { .. });
                        errs.push(format!("failed to create PVC {name}: {e}"));
                        if !already {
                            claim_event(ctx, set_obj, "create", &name, &pod_name, Some(&e.to_string()));
                        }
                    }
                }
            }
            Some(existing) if existing.is_deleting() => errs.push(format!("pvc {name} is being deleted")),
            Some(_) => {}
        }
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(errs.join(", "))
    }
}

/// CreateStatefulPod: the claims, then the pod, then the claims' retention owner references.
pub fn create_pod(ctx: &mut Ctx, set_obj: &Object, set: &StatefulSet, pod: Pod, why: String) -> Result<(), String> {
    let name = pod.metadata.name.clone().unwrap_or_default();
    if let Err(e) = create_claims(ctx, set_obj, set, &pod) {
        pod_event(ctx, set_obj, "create", &name, Some(&e));
        return Err(e);
    }
    ctx.because(why);
    match ctx.store.create(Object::Pod(Box::new(pod)), ctx.actor) {
        Ok(created) => {
            if let Some(p) = created.as_pod() {
                if let Err(e) = update_claims_for_retention(ctx, set_obj, set, p) {
                    pod_event(ctx, set_obj, "update", &name, Some(&e));
                    return Err(e);
                }
            }
            pod_event(ctx, set_obj, "create", &name, None);
            Ok(())
        }
        // An existing pod of that name is sunk: the next sync sees it.
        Err(e @ ApiError::AlreadyExists { .. }) => Err(e.to_string()),
        Err(e) => {
            pod_event(ctx, set_obj, "create", &name, Some(&e.to_string()));
            Err(e.to_string())
        }
    }
}

/// DeleteStatefulPod.
pub fn delete_pod(ctx: &mut Ctx, set_obj: &Object, pod: &Object, why: String) -> Result<(), String> {
    ctx.because(why);
    match ctx.store.delete(&pod.key(), DeleteOptions::default(), ctx.actor) {
        Ok(_) => {
            pod_event(ctx, set_obj, "delete", pod.name(), None);
            Ok(())
        }
        Err(ApiError::NotFound { .. }) => Ok(()),
        Err(e) => {
            pod_event(ctx, set_obj, "delete", pod.name(), Some(&e.to_string()));
            Err(e.to_string())
        }
    }
}

/// UpdateStatefulPod: identity, storage (creating missing claims) and retention put right.
pub fn update_pod(ctx: &mut Ctx, set_obj: &Object, set: &StatefulSet, pod_obj: &Rc<Object>) -> Result<(), String> {
    let Some(live) = pod_obj.as_pod() else { return Ok(()) };
    let mut pod = live.clone();
    let name = pod.metadata.name.clone().unwrap_or_default();
    if !identity_matches(set, &pod) {
        update_identity(set, &mut pod);
    }
    if !storage_matches(set, &pod) {
        update_storage(set, &mut pod);
        if let Err(e) = create_claims(ctx, set_obj, set, &pod) {
            pod_event(ctx, set_obj, "update", &name, Some(&e));
            return Err(e);
        }
    }
    update_claims_for_retention(ctx, set_obj, set, &pod)
        .inspect_err(|e| pod_event(ctx, set_obj, "update", &name, Some(e)))?;
    if pod == *live {
        return Ok(());
    }
    ctx.because(format!("updating {name}: its identity or storage no longer matches {}", set_obj.name()));
    match ctx.store.update(Object::Pod(Box::new(pod)), ctx.actor) {
        Ok(_) => {
            pod_event(ctx, set_obj, "update", &name, None);
            Ok(())
        }
        Err(e) => {
            pod_event(ctx, set_obj, "update", &name, Some(&e.to_string()));
            Err(e.to_string())
        }
    }
}

/// The retention policy's two choices, Retain or Delete each.
fn policy(set: &StatefulSet) -> (bool, bool) {
    let p = set.spec.persistent_volume_claim_retention_policy.clone().unwrap_or_default();
    (p.when_deleted.as_deref() == Some("Delete"), p.when_scaled.as_deref() == Some("Delete"))
}

fn has_owner(refs: &[OwnerReference], uid: &str) -> bool {
    refs.iter().any(|r| r.uid == uid)
}

/// claimOwnerMatchesSetAndPod and updateClaimOwnerRefForSetAndPod as one: the owner
/// references a claim should carry. whenDeleted=Delete: the set owns it; whenScaled=Delete:
/// the pod owns it once its ordinal is out of range (and the set no longer does).
fn wanted_owners(
    set_obj: &Object,
    set: &StatefulSet,
    pod: &Pod,
    uid: &str,
) -> (Option<OwnerReference>, Option<OwnerReference>) {
    let (when_deleted, when_scaled) = policy(set);
    let scaled_down = !in_ordinal_range(pod, set);
    let set_ref = OwnerReference {
        api_version: "apps/v1".into(),
        kind: "StatefulSet".into(),
        name: set_obj.name().to_string(),
        uid: set_obj.uid().to_string(),
        ..Default::default()
    };
    let pod_ref = OwnerReference {
        api_version: "v1".into(),
        kind: "Pod".into(),
        name: pod.metadata.name.clone().unwrap_or_default(),
        uid: uid.to_string(),
        ..Default::default()
    };
    let want_set = match (when_scaled, when_deleted) {
        (false, d) => d,
        (true, false) => false,
        (true, true) => !scaled_down,
    };
    let want_pod = when_scaled && scaled_down;
    (want_set.then_some(set_ref), want_pod.then_some(pod_ref))
}

/// UpdatePodClaimForRetentionPolicy: each existing claim of the pod gets the owner
/// references its policy asks for; missing claims are picked up on a later sync.
pub fn update_claims_for_retention(
    ctx: &mut Ctx,
    set_obj: &Object,
    set: &StatefulSet,
    pod: &Pod,
) -> Result<(), String> {
    let pod_name = pod.metadata.name.clone().unwrap_or_default();
    let Some(pod_uid) = pod.metadata.uid.clone() else { return Ok(()) };
    for name in claim_names(set, ordinal(pod)) {
        let Some(live) = ctx.store.get_named(Kind::PersistentVolumeClaim, set_obj.namespace(), &name).cloned() else {
            continue;
        };
        let Some(pvc) = live.as_pvc() else { continue };
        let refs = pvc.metadata.owner_references.clone().unwrap_or_default();
        if refs.iter().any(|r| r.controller == Some(true) && r.uid != set_obj.uid() && r.uid != pod_uid) {
            ctx.event(
                set_obj,
                "Warning",
                "ConflictingController",
                format!("PersistentVolumeClaim {name} has a conflicting OwnerReference that acts as a manging controller, the retention policy is ignored for this claim"),
            );
        }
        let (want_set, want_pod) = wanted_owners(set_obj, set, pod, &pod_uid);
        let mut next = refs.clone();
        for (uid, wanted) in [(set_obj.uid(), want_set), (pod_uid.as_str(), want_pod)] {
            match wanted {
                Some(r) if !has_owner(&next, uid) => next.push(r),
                None => next.retain(|r| r.uid != uid),
                _ => {}
            }
        }
        if next == refs {
            continue;
        }
        let mut copy = pvc.clone();
        copy.metadata.owner_references = (!next.is_empty()).then_some(next);
        let (d, s) = policy(set);
        ctx.because(format!(
            "setting the owners of {name} for {pod_name}: persistentVolumeClaimRetentionPolicy whenDeleted={}, whenScaled={}",
            if d { "Delete" } else { "Retain" },
            if s { "Delete" } else { "Retain" }
        ));
        ctx.store
            .update(Object::PersistentVolumeClaim(Box::new(copy)), ctx.actor)
            .map_err(|e| format!("could not update claim {name} for delete policy ownerRefs: {e}"))?;
    }
    Ok(())
}

/// ClaimsMatchRetentionPolicy: every existing claim carries the owners its policy asks for.
pub fn claims_match_retention(ctx: &Ctx, set_obj: &Object, set: &StatefulSet, pod: &Pod) -> bool {
    let Some(pod_uid) = pod.metadata.uid.as_deref() else { return true };
    claim_names(set, ordinal(pod)).all(|name| {
        let Some(live) = ctx.store.get_named(Kind::PersistentVolumeClaim, set_obj.namespace(), &name) else {
            return true;
        };
        let refs = live.meta().owner_references.clone().unwrap_or_default();
        let (want_set, want_pod) = wanted_owners(set_obj, set, pod, pod_uid);
        has_owner(&refs, set_obj.uid()) == want_set.is_some() && has_owner(&refs, pod_uid) == want_pod.is_some()
    })
}

/// PodClaimIsStale: under whenScaled=Delete, a claim still owned by an earlier pod of this
/// name waits for the garbage collector before the pod is created again.
pub fn claim_is_stale(ctx: &Ctx, set_obj: &Object, set: &StatefulSet, pod: &Pod) -> Option<String> {
    if !policy(set).1 {
        return None;
    }
    let pod_name = pod.metadata.name.as_deref().unwrap_or("");
    let pod_uid = pod.metadata.uid.as_deref().unwrap_or("");
    claim_names(set, ordinal(pod)).find_map(|name| {
        let live = ctx.store.get_named(Kind::PersistentVolumeClaim, set_obj.namespace(), &name)?;
        let stale = live
            .meta()
            .owner_references
            .iter()
            .flatten()
            .any(|r| r.kind == "Pod" && r.name == pod_name && r.uid != pod_uid);
        stale.then_some(name)
    })
}
