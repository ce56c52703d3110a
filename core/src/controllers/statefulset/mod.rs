//! The StatefulSet controller (pkg/controller/statefulset/stateful_set.go): which sets a
//! pod event concerns, and the sync that claims the set's pods and hands them to the
//! update in control.rs.

pub mod control;
pub mod pod_control;
pub mod utils;

use crate::api::{Kind, ObjKey, Object};
use crate::sim::controller::{key_of, Controller, Ctx};
use crate::store::{Store, WatchEvent};
use std::rc::Rc;

pub const NAME: &str = "statefulset-controller";

#[derive(Default)]
pub struct StatefulSetController;

impl Controller for StatefulSetController {
    fn name(&self) -> &'static str {
        NAME
    }
    fn watches(&self) -> &'static [Kind] {
        &[Kind::StatefulSet, Kind::Pod]
    }
    fn owns(&self) -> &'static [Kind] {
        &[Kind::Pod, Kind::PersistentVolumeClaim, Kind::ControllerRevision]
    }

    /// addPod, updatePod, deletePod: the controlling set (old and new), or for an orphan
    /// every set whose selector matches it.
    fn keys_for(&mut self, ev: &WatchEvent, store: &Store, out: &mut Vec<ObjKey>) {
        match ev.object.kind() {
            Kind::StatefulSet => out.push(key_of(&ev.object)),
            Kind::Pod => {
                super::controller_utils::pod_event_keys(ev, store, Kind::StatefulSet, out);
            }
            _ => {}
        }
    }

    fn sync(&mut self, key: &ObjKey, ctx: &mut Ctx) -> Result<(), String> {
        let Some(set_obj) = ctx.store.get(key).cloned() else {
            return Ok(());
        };
        let Some(set) = set_obj.as_stateful_set() else {
            return Ok(());
        };
        let Ok(selector) = super::controller_utils::selector_of(ctx.store, key, &set.spec.selector) else {
            return Ok(());
        };
        let pods = claim_pods(ctx, &set_obj, &selector);
        control::update_stateful_set(ctx, &set_obj, &pods)?;
        // syncStatefulSet: with minReadySeconds, come back when the ready pods become available.
        let Some(set) = ctx.store.get(key).and_then(|o| o.as_stateful_set().cloned()) else {
            return Ok(());
        };
        let min_ready = set.spec.min_ready_seconds.unwrap_or(0);
        let available = set.status.as_ref().and_then(|s| s.available_replicas).unwrap_or(0);
        if min_ready > 0 && available != set.spec.replicas.unwrap_or(1) {
            ctx.requeue_after(i64::from(min_ready) * 1000, key.clone());
        }
        Ok(())
    }
}

/// getPodsForStatefulSet: the pods this set controls, releasing those whose labels no
/// longer match, and adopting matching orphans named after it (isMemberOf).
fn claim_pods(ctx: &mut Ctx, set_obj: &Rc<Object>, selector: &crate::api::selector::Selector) -> Vec<Rc<Object>> {
    let uid = set_obj.uid().to_string();
    let Some(set) = set_obj.as_stateful_set() else { return Vec::new() };
    let owned: Vec<Rc<Object>> = ctx
        .store
        .owned_by(&uid)
        .filter(|o| o.kind() == Kind::Pod && o.controller_ref().is_some_and(|r| r.uid == uid))
        .cloned()
        .collect();
    let mut kept = Vec::with_capacity(owned.len());
    for p in owned {
        if (selector.matches(p.labels()) && utils::is_member_of(set, &p)) || p.is_deleting() {
            kept.push(p);
            continue;
        }
        let mut released = (*p).clone();
        if let Some(refs) = &mut released.meta_mut().owner_references {
            refs.retain(|r| r.uid != uid);
        }
        ctx.because(format!(
            "releasing {}: its labels or name no longer make it a pod of {}",
            p.name(),
            set_obj.name()
        ));
        let _ = ctx.store.update(released, ctx.actor);
    }
    if set_obj.is_deleting() {
        return kept;
    }
    let orphans: Vec<Rc<Object>> = ctx
        .store
        .orphan_pods(set_obj.namespace())
        .filter(|p| !p.is_deleting() && selector.matches(p.labels()) && utils::is_member_of(set, p))
        .cloned()
        .collect();
    for p in orphans {
        let mut adopted = (*p).clone();
        adopted
            .meta_mut()
            .owner_references
            .get_or_insert_with(Vec::new)
            .push(super::controller_utils::controller_ref(set_obj));
        ctx.because(format!(
            "adopting {}: an orphan named after {} that its selector matches",
            p.name(),
            set_obj.name()
        ));
        if let Ok(stored) = ctx.store.update(adopted, ctx.actor) {
            kept.push(stored);
        }
    }
    kept
}
