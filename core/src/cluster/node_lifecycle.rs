//! What happens to pods when their node goes away or turns hostile: the pod garbage
//! collector (pkg/controller/podgc) force-deletes pods bound to a node that no longer
//! exists after a 40 s quarantine, and the taint eviction controller
//! (pkg/controller/tainteviction) deletes pods that do not tolerate a NoExecute taint.

use super::scheduler::tolerates;
use crate::api::ObjKey;
use crate::api::{pod, Kind};
use crate::sim::controller::{Controller, Ctx};
use crate::store::{ApiError, DeleteOptions, Store, WatchEvent, WatchType};
use rustc_hash::FxHashMap as HashMap;

const QUARANTINE_MS: i64 = 40_000;

#[derive(Default)]
pub struct PodGarbageCollector {
    /// Deleted nodes and when their pods may be collected.
    gone: HashMap<String, i64>,
}

impl Controller for PodGarbageCollector {
    fn name(&self) -> &'static str {
        "pod-garbage-collector"
    }
    /// Nodes going away, and pods bound to a node that is gone (gcOrphaned: what a
    /// restarted collector finds again from the store).
    fn watches(&self) -> &'static [Kind] {
        &[Kind::Node, Kind::Pod]
    }
    fn owns(&self) -> &'static [Kind] {
        &[Kind::Pod]
    }

    fn keys_for(&mut self, ev: &WatchEvent, store: &Store, out: &mut Vec<ObjKey>) {
        match ev.object.kind() {
            Kind::Node if ev.kind == WatchType::Deleted => out.push(ev.object.key()),
            Kind::Pod if ev.kind == WatchType::Added => {
                let node = ev.object.as_pod().map(pod::node_name).unwrap_or("");
                if !node.is_empty() && store.get_named(Kind::Node, "", node).is_none() {
                    out.push(ObjKey::new(Kind::Node, "", node));
                }
            }
            _ => {}
        }
    }

    fn sync(&mut self, key: &ObjKey, ctx: &mut Ctx) -> Result<(), String> {
        let node = &*key.name;
        if ctx.store.get(key).is_some() {
            self.gone.remove(node);
            return Ok(());
        }
        let now = ctx.now_ms();
        let due = *self.gone.entry(node.to_string()).or_insert(now + QUARANTINE_MS);
        if now < due {
            ctx.requeue_after(due - now, key.clone());
            return Ok(());
        }
        self.gone.remove(node);
        let pods: Vec<_> = ctx.store.pods_on_node(node).map(|p| p.key()).collect();
        for key in pods {
            match ctx.store.delete(&key, DeleteOptions { grace_period_seconds: Some(0), propagation: None }, ctx.actor)
            {
                Ok(_) | Err(ApiError::NotFound { .. }) => {}
                Err(e) => return Err(e.to_string()),
            }
        }
        Ok(())
    }
}

#[derive(Default)]
pub struct TaintEvictionController;

impl Controller for TaintEvictionController {
    fn name(&self) -> &'static str {
        "taint-eviction-controller"
    }
    fn watches(&self) -> &'static [Kind] {
        &[Kind::Node, Kind::Pod]
    }
    fn owns(&self) -> &'static [Kind] {
        &[Kind::Pod]
    }

    fn keys_for(&mut self, ev: &WatchEvent, _store: &Store, out: &mut Vec<ObjKey>) {
        let o = &ev.object;
        match (o.kind(), ev.kind) {
            (Kind::Node, WatchType::Added | WatchType::Modified) => out.push(o.key()),
            (Kind::Pod, WatchType::Added | WatchType::Modified) => {
                let node = o.as_pod().map(pod::node_name).unwrap_or("");
                let newly_bound = ev.old.as_ref().and_then(|p| p.as_pod()).is_none_or(|p| pod::node_name(p).is_empty());
                if !node.is_empty() && newly_bound {
                    out.push(ObjKey::new(Kind::Node, "", node));
                }
            }
            _ => {}
        }
    }

    fn sync(&mut self, key: &ObjKey, ctx: &mut Ctx) -> Result<(), String> {
        let node = &*key.name;
        let Some(n) = ctx.store.get(key).and_then(|o| o.as_node().cloned()) else {
            return Ok(());
        };
        let taints: Vec<_> = n
            .spec
            .iter()
            .flat_map(|s| s.taints.iter().flatten())
            .filter(|t| t.effect == "NoExecute")
            .cloned()
            .collect();
        if taints.is_empty() {
            return Ok(());
        }
        let now = ctx.now_ms();
        let pods: Vec<_> = ctx.store.pods_on_node(node).filter(|p| !p.is_deleting()).cloned().collect();
        let mut next: Option<i64> = None;
        for obj in pods {
            let Some(p) = obj.as_pod() else { continue };
            let tolerations = p.spec.as_ref().and_then(|s| s.tolerations.as_ref());
            // The shortest tolerationSeconds among matching tolerations bounds the stay.
            let mut evict_at: Option<i64> = None;
            for t in &taints {
                if !tolerates(tolerations, t) {
                    evict_at = Some(now);
                    break;
                }
                let added = t.time_added.as_ref().map(|ta| ctx.store.clock.ms_of(ta)).unwrap_or(now);
                let secs = tolerations
                    .into_iter()
                    .flatten()
                    .filter(|tol| tolerates(Some(&vec![(*tol).clone()]), t))
                    .filter_map(|tol| tol.toleration_seconds)
                    .min();
                if let Some(secs) = secs {
                    let at = added.saturating_add(secs.max(0).saturating_mul(1000));
                    evict_at = Some(evict_at.map_or(at, |e| e.min(at)));
                }
            }
            match evict_at {
                Some(at) if at <= now => {
                    ctx.event(
                        &obj,
                        "Normal",
                        "TaintManagerEviction",
                        format!("Marking for deletion Pod {}/{}", obj.namespace(), obj.name()),
                    );
                    match ctx.store.delete(&obj.key(), DeleteOptions::default(), ctx.actor) {
                        Ok(_) | Err(ApiError::NotFound { .. }) => {}
                        Err(e) => return Err(e.to_string()),
                    }
                }
                Some(at) => next = Some(next.map_or(at, |n| n.min(at))),
                None => {}
            }
        }
        if let Some(at) = next {
            ctx.requeue_after(at - now, key.clone());
        }
        Ok(())
    }
}
