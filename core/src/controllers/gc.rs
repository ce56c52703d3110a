//! The garbage collector (pkg/controller/garbagecollector): deletes dependents whose
//! owners are gone (background), deletes dependents before their owner (foreground,
//! `foregroundDeletion` finalizer), or strips ownerReferences (`orphan` finalizer).

use crate::api::{Kind, ObjKey, Object};
use crate::sim::controller::{Controller, Ctx};
use crate::store::{
    ApiError, DeleteOptions, Propagation, Store, WatchEvent, WatchType, FINALIZER_FOREGROUND, FINALIZER_ORPHAN,
};
use std::rc::Rc;

#[derive(Default)]
pub struct GarbageCollector;

fn gc_key(o: &Object) -> ObjKey {
    o.key()
}

fn has_finalizer(o: &Object, f: &str) -> bool {
    o.meta().finalizers.iter().flatten().any(|x| x == f)
}

impl Controller for GarbageCollector {
    fn name(&self) -> &'static str {
        "garbage-collector"
    }
    /// Every kind (the graph builder monitors all; Events are skipped in keys_for).
    fn watches(&self) -> &'static [Kind] {
        Kind::ALL
    }
    fn owns(&self) -> &'static [Kind] {
        Kind::ALL
    }

    fn keys_for(&mut self, ev: &WatchEvent, store: &Store, out: &mut Vec<ObjKey>) {
        let o = &ev.object;
        if o.kind() == Kind::Event {
            return;
        }
        match ev.kind {
            WatchType::Deleted => {
                out.extend(store.owned_by(o.uid()).map(|d| gc_key(d)));
                for r in o.meta().owner_references.iter().flatten() {
                    if let Some(owner) = store.get_by_uid(&r.uid) {
                        if owner.is_deleting() && has_finalizer(owner, FINALIZER_FOREGROUND) {
                            out.push(gc_key(owner));
                        }
                    }
                }
            }
            _ => {
                if o.is_deleting() && (has_finalizer(o, FINALIZER_ORPHAN) || has_finalizer(o, FINALIZER_FOREGROUND)) {
                    out.push(gc_key(o));
                }
                let dangling = o.meta().owner_references.iter().flatten().any(|r| store.get_by_uid(&r.uid).is_none());
                if dangling {
                    out.push(gc_key(o));
                }
            }
        }
    }

    fn sync(&mut self, key: &ObjKey, ctx: &mut Ctx) -> Result<(), String> {
        let Some(obj) = ctx.store.get(key).cloned() else {
            return Ok(());
        };
        if obj.is_deleting() {
            if has_finalizer(&obj, FINALIZER_ORPHAN) {
                return orphan_dependents(ctx, &obj);
            }
            if has_finalizer(&obj, FINALIZER_FOREGROUND) {
                return delete_blocking_dependents(ctx, &obj);
            }
            return Ok(());
        }
        attempt_to_delete(ctx, &obj)
    }
}

fn remove_finalizer(ctx: &mut Ctx, obj: &Object, f: &str) -> Result<(), String> {
    let mut copy = obj.clone();
    if let Some(fs) = &mut copy.meta_mut().finalizers {
        fs.retain(|x| x != f);
        if fs.is_empty() {
            copy.meta_mut().finalizers = None;
        }
    }
    ctx.store.update(copy, ctx.actor).map(|_| ()).map_err(|e| e.to_string())
}

fn dependents(ctx: &Ctx, uid: &str) -> Vec<Rc<Object>> {
    ctx.store.owned_by(uid).cloned().collect()
}

/// orphanDependents, then drop the orphan finalizer.
fn orphan_dependents(ctx: &mut Ctx, owner: &Object) -> Result<(), String> {
    for dep in dependents(ctx, owner.uid()) {
        let mut copy = (*dep).clone();
        if let Some(refs) = &mut copy.meta_mut().owner_references {
            refs.retain(|r| r.uid != owner.uid());
            if refs.is_empty() {
                copy.meta_mut().owner_references = None;
            }
        }
        ctx.store.update(copy, ctx.actor).map_err(|e| e.to_string())?;
    }
    remove_finalizer(ctx, owner, FINALIZER_ORPHAN)
}

/// processDeletingDependentsItem: delete dependents that block the owner; once none
/// remain, drop the foregroundDeletion finalizer.
fn delete_blocking_dependents(ctx: &mut Ctx, owner: &Object) -> Result<(), String> {
    let blocking: Vec<Rc<Object>> = dependents(ctx, owner.uid())
        .into_iter()
        .filter(|d| {
            d.meta()
                .owner_references
                .iter()
                .flatten()
                .any(|r| r.uid == owner.uid() && r.block_owner_deletion == Some(true))
        })
        .collect();
    if blocking.is_empty() {
        return remove_finalizer(ctx, owner, FINALIZER_FOREGROUND);
    }
    for dep in blocking.iter().filter(|d| !d.is_deleting()) {
        let has_deps = ctx.store.owned_by(dep.uid()).next().is_some();
        let propagation = if has_deps { Propagation::Foreground } else { Propagation::Background };
        delete(ctx, dep, propagation)?;
    }
    Ok(())
}

fn delete(ctx: &mut Ctx, obj: &Object, propagation: Propagation) -> Result<(), String> {
    let opts = DeleteOptions { grace_period_seconds: None, propagation: Some(propagation) };
    match ctx.store.delete(&obj.key(), opts, ctx.actor) {
        Ok(_) | Err(ApiError::NotFound { .. }) => Ok(()),
        Err(e) => Err(e.to_string()),
    }
}

/// attemptToDeleteItem: an object whose owners are all gone (or waiting for their
/// dependents to go) is deleted; solid owners keep it.
fn attempt_to_delete(ctx: &mut Ctx, obj: &Object) -> Result<(), String> {
    let refs = obj.meta().owner_references.clone().unwrap_or_default();
    if refs.is_empty() {
        return Ok(());
    }
    let (mut solid, mut dangling, mut waiting) = (Vec::new(), Vec::new(), Vec::new());
    for r in &refs {
        match ctx.store.get_by_uid(&r.uid) {
            None => dangling.push(r.uid.clone()),
            Some(o) if o.kind().name() != r.kind => dangling.push(r.uid.clone()),
            Some(o) if o.is_deleting() && has_finalizer(o, FINALIZER_FOREGROUND) => waiting.push(r.uid.clone()),
            Some(_) => solid.push(r.uid.clone()),
        }
    }
    if !solid.is_empty() {
        if dangling.is_empty() && waiting.is_empty() {
            return Ok(());
        }
        // Keep the object, forget the owners that are gone.
        let mut copy = obj.clone();
        if let Some(rs) = &mut copy.meta_mut().owner_references {
            rs.retain(|r| !dangling.contains(&r.uid) && !waiting.contains(&r.uid));
        }
        return ctx.store.update(copy, ctx.actor).map(|_| ()).map_err(|e| e.to_string());
    }
    let has_deps = ctx.store.owned_by(obj.uid()).next().is_some();
    let propagation = if !waiting.is_empty() && has_deps {
        Propagation::Foreground
    } else if has_finalizer(obj, FINALIZER_ORPHAN) {
        Propagation::Orphan
    } else {
        Propagation::Background
    };
    delete(ctx, obj, propagation)
}
