//! The PersistentVolume controller's binder (pkg/controller/volume/persistentvolume/pv_controller.go,
//! index.go findMatchingVolume): an unbound claim gets the smallest matching available
//! volume, or is handed to its class's provisioner, or waits for its first consumer;
//! volumes follow their claims through Available, Bound and Released.

use crate::api::quantity::parse_milli;
use crate::api::{Kind, ObjKey, Object};
use crate::kinds::persistentvolume::PersistentVolume;
use crate::kinds::persistentvolumeclaim::PersistentVolumeClaim;
use crate::kinds::storageclass::StorageClass;
use crate::sim::controller::{key_of, Controller, Ctx};
use crate::store::{Store, WatchEvent};
use k8s_openapi::api::core::v1::{ObjectReference, PersistentVolumeClaimStatus, PersistentVolumeStatus};
use std::rc::Rc;

/// The controller's event source, as `kubectl describe pvc` shows it.
pub const NAME: &str = "persistentvolume-controller";
pub const SELECTED_NODE: &str = "volume.kubernetes.io/selected-node";
pub const STORAGE_PROVISIONER: &str = "volume.kubernetes.io/storage-provisioner";
const BETA_STORAGE_PROVISIONER: &str = "volume.beta.kubernetes.io/storage-provisioner";
const BIND_COMPLETED: &str = "pv.kubernetes.io/bind-completed";
const BOUND_BY_CONTROLLER: &str = "pv.kubernetes.io/bound-by-controller";
pub const PROVISIONED_BY: &str = "pv.kubernetes.io/provisioned-by";

#[derive(Default)]
pub struct PersistentVolumeController;

impl Controller for PersistentVolumeController {
    fn name(&self) -> &'static str {
        NAME
    }
    fn watches(&self) -> &'static [Kind] {
        &[Kind::PersistentVolumeClaim, Kind::PersistentVolume, Kind::StorageClass]
    }
    fn owns(&self) -> &'static [Kind] {
        &[Kind::PersistentVolumeClaim, Kind::PersistentVolume, Kind::Event]
    }

    fn keys_for(&mut self, ev: &WatchEvent, store: &Store, out: &mut Vec<ObjKey>) {
        match ev.object.kind() {
            Kind::PersistentVolumeClaim => {
                out.push(key_of(&ev.object));
                // deleteClaim: the volume it was bound to is released.
                if let Some(v) = ev.object.as_pvc().map(volume_name).filter(|v| !v.is_empty()) {
                    out.push(ObjKey::new(Kind::PersistentVolume, "", v));
                }
            }
            Kind::PersistentVolume => {
                out.push(key_of(&ev.object));
                let claim_ref = ev.object.as_pv().and_then(|v| v.spec.as_ref()).and_then(|s| s.claim_ref.as_ref());
                match claim_ref {
                    // A volume made or bound for a claim concerns that claim.
                    Some(r) => {
                        let (ns, name) = (r.namespace.as_deref().unwrap_or(""), r.name.as_deref().unwrap_or(""));
                        out.push(ObjKey::new(Kind::PersistentVolumeClaim, ns, name));
                    }
                    // A free volume may suit any claim still waiting (upstream finds it on
                    // its periodic resync).
                    None if ev.kind != crate::store::WatchType::Deleted => out.extend(unbound_claims(store)),
                    None => {}
                }
            }
            // A new class may let waiting claims provision.
            Kind::StorageClass => out.extend(unbound_claims(store)),
            _ => {}
        }
    }

    fn sync(&mut self, key: &ObjKey, ctx: &mut Ctx) -> Result<(), String> {
        let Some(obj) = ctx.store.get(key).cloned() else { return Ok(()) };
        match key.kind {
            Kind::PersistentVolumeClaim => sync_claim(ctx, &obj),
            Kind::PersistentVolume => sync_volume(ctx, &obj),
            _ => Ok(()),
        }
    }
}

fn unbound_claims(store: &Store) -> Vec<ObjKey> {
    store
        .list(Kind::PersistentVolumeClaim, None)
        .filter(|o| o.as_pvc().is_some_and(|c| volume_name(c).is_empty()))
        .map(|o| key_of(o))
        .collect()
}

fn volume_name(c: &PersistentVolumeClaim) -> &str {
    c.spec.as_ref().and_then(|s| s.volume_name.as_deref()).unwrap_or("")
}

pub fn claim_class(c: &PersistentVolumeClaim) -> &str {
    c.spec.as_ref().and_then(|s| s.storage_class_name.as_deref()).unwrap_or("")
}

fn volume_class(v: &PersistentVolume) -> &str {
    v.spec.as_ref().and_then(|s| s.storage_class_name.as_deref()).unwrap_or("")
}

pub fn class<'a>(store: &'a Store, name: &str) -> Option<&'a StorageClass> {
    store.get_named(Kind::StorageClass, "", name).and_then(|o| o.as_storage_class())
}

/// The claim's requested storage, in milli-bytes.
pub fn requested(c: &PersistentVolumeClaim) -> i128 {
    crate::kinds::persistentvolumeclaim::requested_storage(c.spec.as_ref()).and_then(parse_milli).unwrap_or(0)
}

pub fn capacity(v: &PersistentVolume) -> i128 {
    v.spec
        .as_ref()
        .and_then(|s| s.capacity.as_ref())
        .and_then(|c| c.get("storage"))
        .and_then(|q| parse_milli(&q.0))
        .unwrap_or(0)
}

/// IsDelayBindingMode: the class waits for the first consumer.
pub fn delays_binding(store: &Store, c: &PersistentVolumeClaim) -> bool {
    class(store, claim_class(c)).and_then(|sc| sc.volume_binding_mode.as_deref()) == Some("WaitForFirstConsumer")
}

fn annotation<'a>(o: &'a Object, key: &str) -> Option<&'a str> {
    o.meta().annotations.as_ref().and_then(|a| a.get(key)).map(String::as_str)
}

/// IsVolumeBoundToClaim: the volume's claimRef names this claim (and its uid, if set).
fn bound_to(v: &PersistentVolume, claim: &Object) -> bool {
    v.spec.as_ref().and_then(|s| s.claim_ref.as_ref()).is_some_and(|r| {
        r.name.as_deref() == Some(claim.name())
            && r.namespace.as_deref() == Some(claim.namespace())
            && r.uid.as_deref().is_none_or(|u| u.is_empty() || u == claim.uid())
    })
}

/// findMatchingVolume without a node (the controller's path): the volume already bound
/// to the claim, else the smallest Available one of the claim's class with every access
/// mode asked for, room enough, the same volumeMode and labels the selector matches.
fn best_match(store: &Store, claim_obj: &Object, claim: &PersistentVolumeClaim, delay: bool) -> Option<Rc<Object>> {
    let no_spec = Default::default();
    let spec: &k8s_openapi::api::core::v1::PersistentVolumeClaimSpec = claim.spec.as_ref().unwrap_or(&no_spec);
    let want = requested(claim);
    let modes: &[String] = spec.access_modes.as_deref().unwrap_or(&[]);
    let selector = spec.selector.as_ref().and_then(|s| crate::api::selector::Selector::from_label_selector(s).ok());
    let mut best: Option<(i128, Rc<Object>)> = None;
    let no_spec = Default::default();
    for o in store.list(Kind::PersistentVolume, None) {
        let Some(v) = o.as_pv() else { continue };
        let vs: &k8s_openapi::api::core::v1::PersistentVolumeSpec = v.spec.as_ref().unwrap_or(&no_spec);
        let size = capacity(v);
        let has_modes = modes.iter().all(|m| vs.access_modes.iter().flatten().any(|x| x == m));
        if size < want || !has_modes || vs.volume_mode != spec.volume_mode || o.is_deleting() {
            continue;
        }
        if bound_to(v, claim_obj) {
            return Some(o.clone());
        }
        if delay {
            continue;
        }
        let available = v.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Available");
        if !available || vs.claim_ref.is_some() || volume_class(v) != claim_class(claim) {
            continue;
        }
        if selector.as_ref().is_some_and(|s| !s.matches(o.labels())) {
            continue;
        }
        if best.as_ref().is_none_or(|(b, _)| size < *b) {
            best = Some((size, o.clone()));
        }
    }
    best.map(|(_, o)| o)
}

/// syncClaim.
fn sync_claim(ctx: &mut Ctx, obj: &Rc<Object>) -> Result<(), String> {
    let Some(claim) = obj.as_pvc() else { return Ok(()) };
    if obj.is_deleting() {
        return Ok(());
    }
    let name = obj.name().to_string();
    if !volume_name(claim).is_empty() {
        return sync_bound_claim(ctx, obj, claim);
    }
    let delay = delays_binding(ctx.store, claim) && annotation(obj, SELECTED_NODE).is_none();
    if let Some(v) = best_match(ctx.store, obj, claim, delay) {
        return bind(ctx, &v, obj, "the smallest available volume that matches its class, access modes and size");
    }
    let class_name = claim_class(claim).to_string();
    if class_name.is_empty() {
        ctx.note(format!("{name} waits: no volume matches and it names no StorageClass"));
        ctx.event(
            obj,
            "Normal",
            "FailedBinding",
            "no persistent volumes available for this claim and no storage class is set",
        );
        return Ok(());
    }
    let Some(sc) = class(ctx.store, &class_name).cloned() else {
        ctx.note(format!("{name} waits: StorageClass {class_name} does not exist"));
        ctx.event(
            obj,
            "Warning",
            "ProvisioningFailed",
            format!("storageclass.storage.k8s.io {class_name:?} not found"),
        );
        return Ok(());
    };
    if delay {
        ctx.note(format!("{name} waits for its first consumer: {class_name} is WaitForFirstConsumer"));
        ctx.event(obj, "Normal", "WaitForFirstConsumer", "waiting for first consumer to be created before binding");
        return Ok(());
    }
    // provisionClaim: hand the claim to the class's provisioner.
    if annotation(obj, STORAGE_PROVISIONER) != Some(sc.provisioner.as_str()) {
        let mut copy = claim.clone();
        let a = copy.metadata.annotations.get_or_insert_with(Default::default);
        a.insert(STORAGE_PROVISIONER.into(), sc.provisioner.clone());
        a.insert(BETA_STORAGE_PROVISIONER.into(), sc.provisioner.clone());
        ctx.because(format!("{name}: no volume matches; {class_name} provisions one with {}", sc.provisioner));
        ctx.store.update(Object::PersistentVolumeClaim(Box::new(copy)), ctx.actor).map_err(|e| e.to_string())?;
    }
    ctx.event(
        obj,
        "Normal",
        "ExternalProvisioning",
        format!(
            "Waiting for a volume to be created either by the external provisioner '{}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.",
            sc.provisioner
        ),
    );
    Ok(())
}

/// syncClaim for a claim that names its volume: finish the binding, or report it lost.
fn sync_bound_claim(ctx: &mut Ctx, obj: &Rc<Object>, claim: &PersistentVolumeClaim) -> Result<(), String> {
    let vname = volume_name(claim).to_string();
    let Some(v) = ctx.store.get_named(Kind::PersistentVolume, "", &vname).cloned() else {
        if claim.status.as_ref().and_then(|s| s.phase.as_deref()) != Some("Lost") {
            set_claim_phase(ctx, claim, "Lost")?;
            ctx.event(
                obj,
                "Warning",
                "ClaimLost",
                "Bound claim has lost its PersistentVolume. Data on the volume is lost!",
            );
        }
        return Ok(());
    };
    let pv = v.as_pv().cloned().unwrap_or_default();
    match pv.spec.as_ref().and_then(|s| s.claim_ref.as_ref()) {
        None => bind(ctx, &v, obj, "the volume the claim names"),
        Some(_) if bound_to(&pv, obj) => bind(ctx, &v, obj, "the volume the claim names"),
        Some(_) => {
            if claim.status.as_ref().and_then(|s| s.phase.as_deref()) != Some("Lost") {
                set_claim_phase(ctx, claim, "Lost")?;
                ctx.event(
                    obj,
                    "Warning",
                    "ClaimMisbound",
                    "Two claims are bound to the same volume, this one is bound incorrectly",
                );
            }
            Ok(())
        }
    }
}

fn set_claim_phase(ctx: &mut Ctx, claim: &PersistentVolumeClaim, phase: &str) -> Result<(), String> {
    let mut copy = claim.clone();
    copy.status.get_or_insert_with(Default::default).phase = Some(phase.into());
    ctx.store.update(Object::PersistentVolumeClaim(Box::new(copy)), ctx.actor).map(|_| ()).map_err(|e| e.to_string())
}

/// bind: bindVolumeToClaim, the volume's phase, bindClaimToVolume, the claim's status.
fn bind(ctx: &mut Ctx, v_obj: &Rc<Object>, claim_obj: &Rc<Object>, chosen: &str) -> Result<(), String> {
    let (Some(v), Some(claim)) = (v_obj.as_pv(), claim_obj.as_pvc()) else { return Ok(()) };
    let (vname, cname) = (v_obj.name().to_string(), claim_obj.name().to_string());
    let mut pv = v.clone();
    let spec = pv.spec.get_or_insert_with(Default::default);
    if !bound_to(v, claim_obj) || spec.claim_ref.as_ref().and_then(|r| r.uid.as_deref()).is_none_or(str::is_empty) {
        if spec.claim_ref.is_none() {
            pv.metadata
                .annotations
                .get_or_insert_with(Default::default)
                .insert(BOUND_BY_CONTROLLER.into(), "yes".into());
        }
        spec.claim_ref = Some(ObjectReference {
            api_version: Some("v1".into()),
            kind: Some("PersistentVolumeClaim".into()),
            name: Some(cname.clone()),
            namespace: Some(claim_obj.namespace().to_string()),
            uid: Some(claim_obj.uid().to_string()),
            resource_version: claim_obj.meta().resource_version.clone(),
            ..Default::default()
        });
    }
    if pv != *v {
        ctx.because(format!("binding {vname} to claim {cname}: {chosen}"));
        ctx.store.update(Object::PersistentVolume(Box::new(pv.clone())), ctx.actor).map_err(|e| e.to_string())?;
    }
    let phase = |p: &PersistentVolume| p.status.as_ref().and_then(|s| s.phase.clone());
    let stored_pv = ctx.store.get_named(Kind::PersistentVolume, "", &vname).and_then(|o| o.as_pv().cloned());
    if let Some(mut pv) = stored_pv.filter(|p| phase(p).as_deref() != Some("Bound")) {
        pv.status = Some(PersistentVolumeStatus { phase: Some("Bound".into()), ..Default::default() });
        ctx.store.update(Object::PersistentVolume(Box::new(pv)), ctx.actor).map_err(|e| e.to_string())?;
    }
    let mut c = claim.clone();
    let cspec = c.spec.get_or_insert_with(Default::default);
    let a = c.metadata.annotations.get_or_insert_with(Default::default);
    if cspec.volume_name.as_deref().unwrap_or("").is_empty() {
        cspec.volume_name = Some(vname.clone());
        a.insert(BOUND_BY_CONTROLLER.into(), "yes".into());
    }
    a.insert(BIND_COMPLETED.into(), "yes".into());
    let vspec = v.spec.clone().unwrap_or_default();
    c.status = Some(PersistentVolumeClaimStatus {
        phase: Some("Bound".into()),
        access_modes: vspec.access_modes.clone(),
        capacity: vspec.capacity.clone(),
        ..claim.status.clone().unwrap_or_default()
    });
    if c != *claim {
        ctx.because(format!("binding claim {cname} to {vname}: {chosen}"));
        ctx.store.update(Object::PersistentVolumeClaim(Box::new(c)), ctx.actor).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// syncVolume: Available without a claim, Released once its claim is gone.
fn sync_volume(ctx: &mut Ctx, obj: &Rc<Object>) -> Result<(), String> {
    let Some(v) = obj.as_pv() else { return Ok(()) };
    if obj.is_deleting() {
        return Ok(());
    }
    let phase = v.status.as_ref().and_then(|s| s.phase.as_deref()).unwrap_or("");
    let claim_ref = v.spec.as_ref().and_then(|s| s.claim_ref.clone());
    let next = match &claim_ref {
        None => "Available",
        Some(r) => {
            let claim = ctx.store.get_named(
                Kind::PersistentVolumeClaim,
                r.namespace.as_deref().unwrap_or(""),
                r.name.as_deref().unwrap_or(""),
            );
            let uid = r.uid.as_deref().unwrap_or("");
            match claim {
                Some(c) if uid.is_empty() || c.uid() == uid => {
                    if c.as_pvc().is_some_and(|c| volume_name(c) == obj.name()) {
                        "Bound"
                    } else {
                        // Pre-bound to a claim that has not taken it yet: the claim's sync binds.
                        return Ok(());
                    }
                }
                _ if uid.is_empty() => return Ok(()),
                _ => "Released",
            }
        }
    };
    if phase == next || (phase == "Failed" && next == "Released") {
        return Ok(());
    }
    let mut pv = v.clone();
    pv.status = Some(PersistentVolumeStatus { phase: Some(next.into()), ..Default::default() });
    let why = match next {
        "Released" => {
            let policy =
                v.spec.as_ref().and_then(|s| s.persistent_volume_reclaim_policy.as_deref()).unwrap_or("Retain");
            format!("{} released: its claim is gone; reclaim policy {policy}", obj.name())
        }
        other => format!("{} is {other}", obj.name()),
    };
    ctx.because(why);
    ctx.store.update(Object::PersistentVolume(Box::new(pv)), ctx.actor).map(|_| ()).map_err(|e| e.to_string())
}
