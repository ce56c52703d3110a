//! The Deployment controller (pkg/controller/deployment/deployment_controller.go):
//! owns ReplicaSets, one per pod template, and moves replicas between them.

pub mod progress;
pub mod recreate;
pub mod rolling;
pub mod sync;
pub mod util;

use super::controller_utils::{controller_ref, controllers_selecting};
use crate::api::selector::Selector;
use crate::api::{Kind, ObjKey, Object};
use crate::sim::controller::{key_of, Controller, Ctx};
use crate::store::{Store, WatchEvent};
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};

#[derive(Default)]
pub struct DeploymentController;

pub const NAME: &str = "deployment-controller";

impl Controller for DeploymentController {
    fn name(&self) -> &'static str {
        NAME
    }
    fn watches(&self) -> &'static [Kind] {
        &[Kind::Deployment, Kind::ReplicaSet, Kind::Pod]
    }
    fn owns(&self) -> &'static [Kind] {
        &[Kind::ReplicaSet]
    }

    fn keys_for(&mut self, ev: &WatchEvent, store: &Store, out: &mut Vec<ObjKey>) {
        let obj = &ev.object;
        match obj.kind() {
            Kind::Deployment => out.push(key_of(obj)),
            Kind::ReplicaSet => {
                for o in std::iter::once(obj).chain(ev.old.iter()) {
                    match o.controller_ref() {
                        Some(r) if r.kind == "Deployment" => {
                            out.push(ObjKey::new(Kind::Deployment, o.namespace(), &r.name))
                        }
                        Some(_) => {}
                        // An orphan may be adopted by any Deployment whose selector matches it.
                        None => controllers_selecting(store, Kind::Deployment, o, out),
                    }
                }
            }
            Kind::Pod if ev.kind == crate::store::WatchType::Deleted => {
                // Recreate waits for old pods to be gone (deletePod).
                let Some(r) = obj.controller_ref().filter(|r| r.kind == "ReplicaSet") else {
                    return;
                };
                let Some(rs) = store.get_named(Kind::ReplicaSet, obj.namespace(), &r.name) else {
                    return;
                };
                let Some(dr) = rs.controller_ref().filter(|r| r.kind == "Deployment") else {
                    return;
                };
                if let Some(d) = store.get_named(Kind::Deployment, obj.namespace(), &dr.name) {
                    if d.as_deployment().is_some_and(util::is_recreate) {
                        out.push(key_of(d));
                    }
                }
            }
            _ => {}
        }
    }

    fn sync(&mut self, key: &ObjKey, ctx: &mut Ctx) -> Result<(), String> {
        let Some(d) = ctx.store.get(key).and_then(|o| o.as_deployment().cloned()) else {
            return Ok(());
        };
        let selector = crate::controllers::controller_utils::selector_of(ctx.store, key, &d.spec.selector)?;
        sync_deployment(ctx, d, &selector)
    }
}

/// syncDeployment.
fn sync_deployment(ctx: &mut Ctx, mut d: Deployment, selector: &Selector) -> Result<(), String> {
    if selector.is_empty() {
        let obj = Object::Deployment(Box::new(d.clone()));
        ctx.event(
            &obj,
            "Warning",
            "SelectorRequired",
            "This deployment is selecting all pods. A non-empty selector is required.",
        );
        if d.status.as_ref().and_then(|s| s.observed_generation) < d.metadata.generation {
            d.status.get_or_insert_with(Default::default).observed_generation = d.metadata.generation;
            write_status(ctx, &d)?;
        }
        return Ok(());
    }
    let rss = replica_sets_for(ctx, &d, selector)?;
    if d.metadata.deletion_timestamp.is_some() {
        return sync::sync_status_only(ctx, &mut d, rss);
    }
    progress::check_paused_conditions(ctx, &mut d)?;
    if d.spec.paused == Some(true) {
        return sync::sync(ctx, &mut d, rss);
    }
    if sync::is_scaling_event(ctx, &mut d, rss.clone())? {
        return sync::sync(ctx, &mut d, rss);
    }
    if util::is_recreate(&d) {
        recreate::rollout_recreate(ctx, &mut d, rss)
    } else {
        rolling::rollout_rolling(ctx, &mut d, rss)
    }
}

/// getReplicaSetsForDeployment: owned ReplicaSets, adopting matching orphans and
/// releasing owned ones that no longer match (ClaimReplicaSets).
fn replica_sets_for(ctx: &mut Ctx, d: &Deployment, selector: &Selector) -> Result<Vec<ReplicaSet>, String> {
    let uid = d.metadata.uid.clone().unwrap_or_default();
    let ns = d.metadata.namespace.clone().unwrap_or_default();
    let candidates: Vec<ReplicaSet> =
        ctx.store.list(Kind::ReplicaSet, Some(&ns)).filter_map(|o| o.as_replica_set().cloned()).collect();
    let owner = Object::Deployment(Box::new(d.clone()));
    let mut out = Vec::new();
    for mut rs in candidates {
        let cref = rs.metadata.owner_references.iter().flatten().find(|r| r.controller == Some(true)).cloned();
        let matches = selector.matches(rs.metadata.labels.as_ref());
        match cref {
            Some(r) if r.uid == uid => {
                if matches || d.metadata.deletion_timestamp.is_some() {
                    out.push(rs);
                } else if let Some(refs) = &mut rs.metadata.owner_references {
                    refs.retain(|r| r.uid != uid);
                    ctx.store.update(Object::ReplicaSet(Box::new(rs)), ctx.actor).map_err(|e| e.to_string())?;
                }
            }
            None if matches && d.metadata.deletion_timestamp.is_none() && rs.metadata.deletion_timestamp.is_none() => {
                rs.metadata.owner_references.get_or_insert_with(Vec::new).push(controller_ref(&owner));
                let adopted =
                    ctx.store.update(Object::ReplicaSet(Box::new(rs)), ctx.actor).map_err(|e| e.to_string())?;
                out.extend(adopted.as_replica_set().cloned());
            }
            _ => {}
        }
    }
    Ok(out)
}

/// Writes the Deployment (status and controller annotations) and returns what was stored.
pub(crate) fn write_status(ctx: &mut Ctx, d: &Deployment) -> Result<Deployment, String> {
    let stored = ctx.store.update(Object::Deployment(Box::new(d.clone())), ctx.actor).map_err(|e| e.to_string())?;
    Ok(stored.as_deployment().cloned().unwrap_or_else(|| d.clone()))
}

pub(crate) fn write_rs(ctx: &mut Ctx, rs: ReplicaSet) -> Result<ReplicaSet, String> {
    let stored = ctx.store.update(Object::ReplicaSet(Box::new(rs.clone())), ctx.actor).map_err(|e| e.to_string())?;
    Ok(stored.as_replica_set().cloned().unwrap_or(rs))
}

pub(crate) fn event(ctx: &mut Ctx, d: &Deployment, type_: &'static str, reason: &'static str, message: String) {
    let obj = ctx
        .store
        .get_named(
            Kind::Deployment,
            d.metadata.namespace.as_deref().unwrap_or(""),
            d.metadata.name.as_deref().unwrap_or(""),
        )
        .cloned();
    match obj {
        Some(o) => ctx.event(&o, type_, reason, message),
        None => ctx.event(&Object::Deployment(Box::new(d.clone())), type_, reason, message),
    }
}
