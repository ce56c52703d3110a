//! A simulated CSI external-provisioner (kubernetes-csi/external-provisioner, the
//! sig-storage-lib controller) for every StorageClass's provisioner: a claim handed to it
//! (`volume.kubernetes.io/storage-provisioner`) gets a volume `pvc-<claim uid>` of the
//! requested size, in the zone of the node chosen for it (WaitForFirstConsumer) or the
//! class's allowed topology; a released volume with reclaim Delete is deleted.
//! `sim.kubeloop.dev/capacity` on a class caps what it can provision.

use crate::api::quantity::parse_milli;
use crate::api::{Kind, ObjKey, Object};
use crate::controllers::persistentvolume::{self as pvc, PROVISIONED_BY, SELECTED_NODE, STORAGE_PROVISIONER};
use crate::kinds::persistentvolume::PersistentVolume;
use crate::sim::controller::{key_of, Controller, Ctx};
use crate::store::{Store, WatchEvent};
use k8s_openapi::api::core::v1::{
    CSIPersistentVolumeSource, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, ObjectReference,
    PersistentVolumeSpec, VolumeNodeAffinity,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use std::collections::BTreeMap;

pub const NAME: &str = "external-provisioner";
pub const CAPACITY_KNOB: &str = "sim.kubeloop.dev/capacity";
const ZONE: &str = "topology.kubernetes.io/zone";
/// Local volumes have no provisioner: their volumes are made by hand.
const NO_PROVISIONER: &str = "kubernetes.io/no-provisioner";

#[derive(Default)]
pub struct Provisioner;

impl Controller for Provisioner {
    fn name(&self) -> &'static str {
        NAME
    }
    fn watches(&self) -> &'static [Kind] {
        &[Kind::PersistentVolumeClaim, Kind::PersistentVolume]
    }
    fn owns(&self) -> &'static [Kind] {
        &[Kind::PersistentVolume, Kind::Event]
    }

    fn keys_for(&mut self, ev: &WatchEvent, store: &Store, out: &mut Vec<ObjKey>) {
        out.push(key_of(&ev.object));
        // A volume deleted frees capacity: claims that failed for want of it try again.
        if ev.object.kind() == Kind::PersistentVolume && ev.kind == crate::store::WatchType::Deleted {
            out.extend(
                store
                    .list(Kind::PersistentVolumeClaim, None)
                    .filter(|o| o.meta().annotations.as_ref().is_some_and(|a| a.contains_key(STORAGE_PROVISIONER)))
                    .map(|o| key_of(o)),
            );
        }
    }

    fn sync(&mut self, key: &ObjKey, ctx: &mut Ctx) -> Result<(), String> {
        let Some(obj) = ctx.store.get(key).cloned() else { return Ok(()) };
        match key.kind {
            Kind::PersistentVolumeClaim => provision(ctx, &obj),
            Kind::PersistentVolume => reclaim(ctx, &obj),
            _ => Ok(()),
        }
    }
}

/// The storage a class has handed out, in milli-bytes (volumes not being deleted).
fn provisioned(store: &Store, class: &str) -> i128 {
    store
        .list(Kind::PersistentVolume, None)
        .filter(|o| !o.is_deleting())
        .filter_map(|o| o.as_pv())
        .filter(|v| v.spec.as_ref().and_then(|s| s.storage_class_name.as_deref()) == Some(class))
        .map(pvc::capacity)
        .sum()
}

fn provision(ctx: &mut Ctx, obj: &Object) -> Result<(), String> {
    let Some(claim) = obj.as_pvc() else { return Ok(()) };
    let annotations = claim.metadata.annotations.clone().unwrap_or_default();
    let Some(provisioner) = annotations.get(STORAGE_PROVISIONER).filter(|p| p.as_str() != NO_PROVISIONER) else {
        return Ok(());
    };
    let spec = claim.spec.clone().unwrap_or_default();
    if obj.is_deleting() || !spec.volume_name.as_deref().unwrap_or("").is_empty() {
        return Ok(());
    }
    let class_name = pvc::claim_class(claim).to_string();
    let Some(sc) = pvc::class(ctx.store, &class_name).cloned() else { return Ok(()) };
    let selected = annotations.get(SELECTED_NODE).cloned();
    if pvc::delays_binding(ctx.store, claim) && selected.is_none() {
        return Ok(());
    }
    let name = format!("pvc-{}", obj.uid());
    if ctx.store.get_named(Kind::PersistentVolume, "", &name).is_some() {
        return Ok(());
    }
    let claim_path = format!("{}/{}", obj.namespace(), obj.name());
    ctx.event(
        obj,
        "Normal",
        "Provisioning",
        format!("External provisioner is provisioning volume for claim {claim_path:?}"),
    );
    let want = pvc::requested(claim);
    let cap = sc.metadata.annotations.as_ref().and_then(|a| a.get(CAPACITY_KNOB)).cloned();
    if let Some(cap) = cap {
        let total = parse_milli(&cap).unwrap_or(0);
        let used = provisioned(ctx.store, &class_name);
        if used + want > total {
            let left = binary_quantity((total - used).max(0) / 1000);
            let asked = crate::kinds::persistentvolumeclaim::requested_storage(Some(&spec)).unwrap_or_default();
            let message = format!(
                "failed to provision volume with StorageClass {class_name:?}: rpc error: code = ResourceExhausted desc = insufficient capacity: {asked} requested, {left} of {cap} left ({CAPACITY_KNOB})"
            );
            ctx.note(format!("not provisioning for {claim_path}: {class_name} has {left} of {cap} left"));
            ctx.event(obj, "Warning", "ProvisioningFailed", message);
            return Ok(());
        }
    }
    let zone = match &selected {
        Some(node) => ctx.store.get_named(Kind::Node, "", node).and_then(|n| n.labels()?.get(ZONE).cloned()),
        None => allowed_zone(&sc).or_else(|| first_zone(ctx.store)),
    };
    let node_affinity = zone.clone().map(|z| VolumeNodeAffinity {
        required: Some(NodeSelector {
            node_selector_terms: vec![NodeSelectorTerm {
                match_expressions: Some(vec![NodeSelectorRequirement {
                    key: ZONE.into(),
                    operator: "In".into(),
                    values: Some(vec![z]),
                }]),
                ..Default::default()
            }],
        }),
    });
    let storage = spec.resources.as_ref().and_then(|r| r.requests.as_ref()).and_then(|r| r.get("storage")).cloned();
    let pv = PersistentVolume {
        metadata: ObjectMeta {
            name: Some(name.clone()),
            annotations: Some(BTreeMap::from([(PROVISIONED_BY.to_string(), provisioner.clone())])),
            ..Default::default()
        },
        spec: Some(PersistentVolumeSpec {
            access_modes: spec.access_modes.clone(),
            capacity: storage.map(|q| BTreeMap::from([("storage".to_string(), q)])),
            claim_ref: Some(ObjectReference {
                api_version: Some("v1".into()),
                kind: Some("PersistentVolumeClaim".into()),
                name: Some(obj.name().to_string()),
                namespace: Some(obj.namespace().to_string()),
                uid: Some(obj.uid().to_string()),
                resource_version: obj.meta().resource_version.clone(),
                ..Default::default()
            }),
            csi: Some(CSIPersistentVolumeSource {
                driver: provisioner.clone(),
                volume_handle: format!("vol-{}", &obj.uid().replace('-', "")[..17.min(obj.uid().len())]),
                fs_type: Some("ext4".into()),
                ..Default::default()
            }),
            node_affinity,
            persistent_volume_reclaim_policy: sc.reclaim_policy.clone().or_else(|| Some("Delete".into())),
            storage_class_name: Some(class_name.clone()),
            volume_mode: spec.volume_mode.clone(),
            ..Default::default()
        }),
        status: None,
    };
    let place = match (&selected, &zone) {
        (Some(node), Some(z)) => format!(" in {z}, the zone of {node} where its pod is scheduled"),
        (None, Some(z)) => format!(" in {z}"),
        _ => String::new(),
    };
    ctx.because(format!("provisioning {name} for {claim_path}: {class_name} uses {provisioner}{place}"));
    match ctx.store.create(Object::PersistentVolume(Box::new(pv)), ctx.actor) {
        Ok(_) => {
            ctx.event(obj, "Normal", "ProvisioningSucceeded", format!("Successfully provisioned volume {name}"));
            Ok(())
        }
        Err(e) => {
            ctx.event(
                obj,
                "Warning",
                "ProvisioningFailed",
                format!("failed to provision volume with StorageClass {class_name:?}: {e}"),
            );
            Err(e.to_string())
        }
    }
}

/// The first zone the class's allowedTopologies allow.
fn allowed_zone(sc: &crate::kinds::storageclass::StorageClass) -> Option<String> {
    sc.allowed_topologies
        .iter()
        .flatten()
        .flat_map(|t| t.match_label_expressions.iter().flatten())
        .find(|e| e.key == ZONE)
        .and_then(|e| e.values.first().cloned())
}

/// Without a node or a topology, the first zone a node is in (a driver picks one).
fn first_zone(store: &Store) -> Option<String> {
    store.list(Kind::Node, None).find_map(|n| n.labels()?.get(ZONE).cloned())
}

/// A released volume with reclaim Delete that this provisioner made is deleted.
fn reclaim(ctx: &mut Ctx, obj: &Object) -> Result<(), String> {
    let Some(v) = obj.as_pv() else { return Ok(()) };
    let released = v.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Released");
    let delete = v.spec.as_ref().and_then(|s| s.persistent_volume_reclaim_policy.as_deref()) == Some("Delete");
    let ours = obj.meta().annotations.as_ref().is_some_and(|a| a.contains_key(PROVISIONED_BY));
    if !(released && delete && ours) || obj.is_deleting() {
        return Ok(());
    }
    ctx.because(format!("deleting {}: released, and its reclaim policy is Delete", obj.name()));
    ctx.store.delete(&obj.key(), Default::default(), ctx.actor).map(|_| ()).map_err(|e| e.to_string())
}

/// Bytes as a quantity in the largest binary unit that divides them (`150Gi`).
fn binary_quantity(bytes: i128) -> String {
    for (unit, size) in [("Ti", 1i128 << 40), ("Gi", 1 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)] {
        if bytes != 0 && bytes % size == 0 {
            return format!("{}{unit}", bytes / size);
        }
    }
    bytes.to_string()
}
