//! The ReplicaSet controller (pkg/controller/replicaset/replica_set.go,
//! replica_set_utils.go): create or delete pods until the active ones match
//! spec.replicas, then report the counts in status.

use super::controller_utils::{pod_from_template, sort_for_deletion};
use crate::api::pod;
use crate::api::selector::Selector;
use crate::api::{Kind, ObjKey, Object};
use crate::kinds::pod::Pod;
use crate::sim::controller::{key_of, Controller, Ctx};
use crate::store::{DeleteOptions, Store, WatchEvent};
use k8s_openapi::api::apps::v1::{ReplicaSet, ReplicaSetCondition, ReplicaSetStatus};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;
use std::rc::Rc;

/// Upstream's burstReplicas: at most this many creates or deletes per sync.
pub const BURST_REPLICAS: usize = 500;

#[derive(Default)]
pub struct ReplicaSetController {
    /// Per ReplicaSet, the counts its status reports, kept from watch events.
    tallies: HashMap<ObjKey, Tally>,
}

/// What a ReplicaSet's status counts of the pods it controls, kept up to date from
/// watch events, so that a sync which only reports counts or creates pods does not
/// walk every pod (upstream lists them from the informer cache each time; the counts
/// are the same). A full sync builds it; anything a count cannot follow drops it, so
/// the next sync is a full one: a spec change, a controlled pod the selector no longer
/// matches, an orphan to adopt, a restart.
#[derive(Clone, Debug, Default, PartialEq)]
struct Tally {
    uid: String,
    template_labels: BTreeMap<String, String>,
    active: i32,
    fully_labeled: i32,
    ready: i32,
    /// Ready pods by the second they became ready (None: no transition time).
    ready_since: BTreeMap<Option<i64>, i32>,
}

impl Tally {
    fn new(rs_obj: &Object, rs: &ReplicaSet) -> Self {
        let template_labels =
            rs.spec.template.as_ref().and_then(|t| t.metadata.as_ref()).and_then(|m| m.labels.clone());
        Tally {
            uid: rs_obj.uid().to_string(),
            template_labels: template_labels.unwrap_or_default(),
            ..Default::default()
        }
    }

    /// Adds (sign 1) or takes away (-1) a pod's part in the counts.
    fn count(&mut self, p: &Pod, sign: i32) {
        if !pod::is_active(p) {
            return;
        }
        self.active += sign;
        let labels = p.metadata.labels.as_ref();
        if self.template_labels.iter().all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v)) {
            self.fully_labeled += sign;
        }
        if pod::is_ready(p) {
            self.ready += sign;
            let since = pod::ready_since(p).map(|t| t.0.as_second());
            let n = self.ready_since.entry(since).or_default();
            *n += sign;
            if *n == 0 {
                self.ready_since.remove(&since);
            }
        }
    }

    fn counts(&self, min_ready: i32, now: &Time) -> Counts {
        let available = if min_ready <= 0 {
            self.ready
        } else {
            let until = now.0.as_second() - i64::from(min_ready);
            self.ready_since.range(Some(i64::MIN)..=Some(until)).map(|(_, n)| n).sum()
        };
        Counts { replicas: self.active, fully_labeled: self.fully_labeled, ready: self.ready, available }
    }
}

/// The pod counts a ReplicaSet's status reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counts {
    pub replicas: i32,
    pub fully_labeled: i32,
    pub ready: i32,
    pub available: i32,
}

fn controlled_by<'a>(o: &'a Object, uid: &str) -> Option<&'a Pod> {
    o.as_pod().filter(|_| o.controller_ref().is_some_and(|r| r.uid == uid))
}

impl ReplicaSetController {
    /// Moves a pod event's change into the tally of the ReplicaSet controlling it.
    fn follow(&mut self, ev: &WatchEvent, store: &Store) {
        use crate::store::WatchType;
        let (before, after) = match ev.kind {
            WatchType::Added => (None, Some(&ev.object)),
            WatchType::Modified => (ev.old.as_ref(), Some(&ev.object)),
            WatchType::Deleted => (Some(&ev.object), None),
        };
        for o in before.iter().chain(after.iter()) {
            let Some(r) = o.controller_ref().filter(|r| r.kind == "ReplicaSet") else { continue };
            let key = ObjKey::new(Kind::ReplicaSet, o.namespace(), &r.name);
            let Some(tally) = self.tallies.get_mut(&key) else { continue };
            let before = before.and_then(|b| controlled_by(b, &tally.uid));
            let after = after.and_then(|a| controlled_by(a, &tally.uid));
            // A controlled pod the selector no longer matches is released by a full sync.
            let matches = |p: &Pod| store.selector(&key).is_some_and(|s| s.matches(p.metadata.labels.as_ref()));
            if after.is_some_and(|p| !matches(p) && p.metadata.deletion_timestamp.is_none()) {
                self.tallies.remove(&key);
                return;
            }
            if let Some(p) = before {
                tally.count(p, -1);
            }
            if let Some(p) = after {
                tally.count(p, 1);
            }
            // One ReplicaSet's tally per event: the old and new copies name the same one
            // unless the controller changed, and then each side was counted above.
            if before.is_some() && after.is_some() {
                return;
            }
        }
    }
}

impl Controller for ReplicaSetController {
    fn name(&self) -> &'static str {
        "replicaset-controller"
    }
    fn watches(&self) -> &'static [Kind] {
        &[Kind::ReplicaSet, Kind::Pod]
    }
    fn owns(&self) -> &'static [Kind] {
        &[Kind::Pod]
    }

    fn keys_for(&mut self, ev: &WatchEvent, store: &Store, out: &mut Vec<ObjKey>) {
        match ev.object.kind() {
            Kind::ReplicaSet => {
                let key = key_of(&ev.object);
                let spec_same = ev.old.as_ref().is_some_and(|old| {
                    old.uid() == ev.object.uid()
                        && old.meta().deletion_timestamp == ev.object.meta().deletion_timestamp
                        && old.as_replica_set().map(|r| &r.spec) == ev.object.as_replica_set().map(|r| &r.spec)
                });
                if !spec_same || ev.kind == crate::store::WatchType::Deleted {
                    self.tallies.remove(&key);
                }
                out.push(key);
            }
            Kind::Pod => {
                self.follow(ev, store);
                // An orphan wakes every ReplicaSet whose selector matches it (addPod).
                let from = super::controller_utils::pod_event_keys(ev, store, Kind::ReplicaSet, out);
                for k in &out[from..] {
                    self.tallies.remove(k);
                }
            }
            _ => {}
        }
    }

    fn sync(&mut self, key: &ObjKey, ctx: &mut Ctx) -> Result<(), String> {
        let Some(rs_obj) = ctx.store.get(key).cloned() else {
            return Ok(());
        };
        let Some(rs) = rs_obj.as_replica_set() else {
            return Ok(());
        };
        let Ok(selector) = super::controller_utils::selector_of(ctx.store, key, &rs.spec.selector) else {
            return Ok(());
        };
        let now = ctx.store.now();
        let min_ready = rs.spec.min_ready_seconds.unwrap_or(0);
        let want = rs.spec.replicas.unwrap_or(1).max(0);
        let tally = self.tallies.get(key).filter(|t| t.uid == rs_obj.uid() && !rs_obj.is_deleting());
        let (counts, manage_err) = match tally.cloned() {
            // A valid tally means nothing to claim or release (see Tally): its counts are
            // the status, and only a scale-down needs the pods themselves, to rank them.
            Some(t) => {
                debug_assert_eq!(t.counts(min_ready, &now), walk_counts(ctx.store, &rs_obj, rs, &selector, &now));
                let have = t.active.max(0) as usize;
                let err = if have <= want as usize {
                    create_pods(ctx, &rs_obj, rs, want as usize, have).err()
                } else {
                    let active: Vec<Rc<Object>> = ctx
                        .store
                        .owned_by(rs_obj.uid())
                        .filter(|o| controlled_by(o, rs_obj.uid()).is_some_and(pod::is_active))
                        .cloned()
                        .collect();
                    manage_replicas(ctx, &rs_obj, rs, &active).err()
                };
                (t.counts(min_ready, &now), err)
            }
            None => {
                let mut fresh = Tally::new(&rs_obj, rs);
                for p in ctx.store.owned_by(rs_obj.uid()).filter_map(|o| controlled_by(o, rs_obj.uid())) {
                    fresh.count(p, 1);
                }
                let owned = claim_pods(ctx, &rs_obj, &selector);
                let active: Vec<Rc<Object>> =
                    owned.into_iter().filter(|p| p.as_pod().is_some_and(pod::is_active)).collect();
                let mut manage_err = None;
                if rs_obj.is_deleting() {
                    self.tallies.remove(key);
                } else {
                    manage_err = manage_replicas(ctx, &rs_obj, rs, &active).err();
                    self.tallies.insert(key.clone(), fresh);
                }
                (count_pods(&rs_obj, rs, active.iter().filter_map(|p| p.as_pod()), &now), manage_err)
            }
        };
        let status = calculate_status(rs, counts, manage_err.as_deref(), &now);
        let updated = update_status(ctx, &rs_obj, status)?;
        if let Some(rs) = updated.as_replica_set() {
            let s = rs.status.as_ref();
            let (ready, available) =
                (s.and_then(|s| s.ready_replicas).unwrap_or(0), s.and_then(|s| s.available_replicas).unwrap_or(0));
            let replicas = rs.spec.replicas.unwrap_or(1);
            if manage_err.is_none() && min_ready > 0 && ready == replicas && available != replicas {
                ctx.requeue_after(i64::from(min_ready) * 1000, key.clone());
            }
        }
        match manage_err {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

/// Pods this ReplicaSet controls; those whose labels no longer match are released
/// (ClaimPods' orphaning half).
fn claim_pods(ctx: &mut Ctx, rs_obj: &Object, selector: &Selector) -> Vec<Rc<Object>> {
    let owned: Vec<Rc<Object>> = ctx
        .store
        .owned_by(rs_obj.uid())
        .filter(|p| p.kind() == Kind::Pod && p.controller_ref().is_some_and(|r| r.uid == rs_obj.uid()))
        .cloned()
        .collect();
    let mut kept = Vec::with_capacity(owned.len());
    for p in owned {
        if selector.matches(p.labels()) || p.is_deleting() {
            kept.push(p);
            continue;
        }
        let mut released = (*p).clone();
        if let Some(refs) = &mut released.meta_mut().owner_references {
            refs.retain(|r| r.uid != rs_obj.uid());
        }
        let _ = ctx.store.update(released, ctx.actor);
    }
    if rs_obj.is_deleting() {
        return kept;
    }
    // ClaimPods' adopting half: matching pods nobody controls become ours.
    let orphans: Vec<Rc<Object>> = ctx
        .store
        .orphan_pods(rs_obj.namespace())
        .filter(|p| !p.is_deleting() && selector.matches(p.labels()))
        .cloned()
        .collect();
    for p in orphans {
        let mut adopted = (*p).clone();
        adopted
            .meta_mut()
            .owner_references
            .get_or_insert_with(Vec::new)
            .push(super::controller_utils::controller_ref(rs_obj));
        if let Ok(stored) = ctx.store.update(adopted, ctx.actor) {
            kept.push(stored);
        }
    }
    kept
}

fn manage_replicas(ctx: &mut Ctx, rs_obj: &Object, rs: &ReplicaSet, active: &[Rc<Object>]) -> Result<(), String> {
    let want = rs.spec.replicas.unwrap_or(1).max(0) as usize;
    if active.len() < want {
        create_pods(ctx, rs_obj, rs, want, active.len())?;
    } else if active.len() > want {
        let diff = (active.len() - want).min(BURST_REPLICAS);
        let victims = pods_to_delete(active, &related_on_node(ctx.store, rs_obj), diff, &ctx.store.now());
        for key in victims {
            let Some(victim) = ctx.store.get(&key).cloned() else {
                continue;
            };
            ctx.because(format!(
                "deleting {} for {}: {want} desired, {} exist; ranked first for deletion (unscheduled, then not ready, then newest)",
                victim.name(),
                rs_obj.name(),
                active.len()
            ));
            match ctx.store.delete(&key, DeleteOptions::default(), ctx.actor) {
                Ok(_) => ctx.event(rs_obj, "Normal", "SuccessfulDelete", format!("Deleted pod: {}", victim.name())),
                Err(e) => {
                    let msg = format!("Error deleting: {e}");
                    ctx.event(rs_obj, "Warning", "FailedDelete", msg.clone());
                    return Err(msg);
                }
            }
        }
    }
    Ok(())
}

/// The scale-up half of manageReplicas: up to burstReplicas new pods from the template.
fn create_pods(ctx: &mut Ctx, rs_obj: &Object, rs: &ReplicaSet, want: usize, have: usize) -> Result<(), String> {
    if have >= want {
        return Ok(());
    }
    let diff = (want - have).min(BURST_REPLICAS);
    let Some(template) = rs.spec.template.as_ref() else {
        return Ok(());
    };
    // The pods of one burst share the first one's stored (defaulted) spec.
    let mut sibling: Option<Rc<Object>> = None;
    for n in 0..diff {
        let first = sibling.as_ref().and_then(|o| o.as_pod());
        let pod = pod_from_template(template, rs_obj, format!("{}-", rs_obj.name()), first);
        ctx.because(format!(
            "creating pod {} of {diff} for {}: {want} desired, {} exist (at most {BURST_REPLICAS} per sync)",
            n + 1,
            rs_obj.name(),
            have
        ));
        match ctx.store.create(Object::Pod(Box::new(pod)), ctx.actor) {
            Ok(created) => {
                sibling.get_or_insert(created.clone());
                ctx.event(rs_obj, "Normal", "SuccessfulCreate", format!("Created pod: {}", created.name()))
            }
            Err(e) => {
                let msg = format!("Error creating: {e}");
                ctx.event(rs_obj, "Warning", "FailedCreate", msg.clone());
                return Err(msg);
            }
        }
    }
    Ok(())
}

/// The counts of a full walk over the controlled pods, as the tally must have them.
fn walk_counts(store: &Store, rs_obj: &Object, rs: &ReplicaSet, selector: &Selector, now: &Time) -> Counts {
    let pods = store
        .owned_by(rs_obj.uid())
        .filter_map(|o| controlled_by(o, rs_obj.uid()))
        .filter(|p| selector.matches(p.metadata.labels.as_ref()) || p.metadata.deletion_timestamp.is_some())
        .filter(|p| pod::is_active(p));
    count_pods(rs_obj, rs, pods, now)
}

/// getIndirectlyRelatedPods, counted by node: the active pods of every ReplicaSet with
/// the same controller (only their node is read, so nothing is copied).
fn related_on_node<'a>(store: &'a Store, rs_obj: &'a Object) -> HashMap<&'a str, i32> {
    let siblings: Vec<&Rc<Object>> = match rs_obj.controller_ref() {
        Some(r) => store.owned_by(&r.uid).filter(|o| o.kind() == Kind::ReplicaSet).collect(),
        None => vec![],
    };
    let uids: Vec<&str> =
        if siblings.is_empty() { vec![rs_obj.uid()] } else { siblings.iter().map(|o| o.uid()).collect() };
    let mut on_node: HashMap<&str, i32> = HashMap::default();
    for uid in uids {
        for p in store.owned_by(uid).filter_map(|o| o.as_pod()).filter(|p| pod::is_active(p)) {
            *on_node.entry(pod::node_name(p)).or_default() += 1;
        }
    }
    on_node
}

/// getPodsToDelete: rank by how many related pods share the node, then by
/// ActivePodsWithRanks; the first `diff` go.
pub fn pods_to_delete(
    active: &[Rc<Object>],
    on_node: &HashMap<&str, i32>,
    diff: usize,
    now: &k8s_openapi::apimachinery::pkg::apis::meta::v1::Time,
) -> Vec<ObjKey> {
    let pods: Vec<(&Rc<Object>, &Pod)> = active.iter().filter_map(|o| o.as_pod().map(|p| (o, p))).collect();
    if diff >= pods.len() {
        return pods.iter().map(|(o, _)| o.key()).collect();
    }
    let mut ranked: Vec<(&Pod, i32)> =
        pods.iter().map(|(_, p)| (*p, on_node.get(pod::node_name(p)).copied().unwrap_or(0))).collect();
    sort_for_deletion(&mut ranked, now);
    ranked
        .iter()
        .take(diff)
        .map(|(p, _)| {
            ObjKey::new(
                Kind::Pod,
                p.metadata.namespace.as_deref().unwrap_or(""),
                p.metadata.name.as_deref().unwrap_or(""),
            )
        })
        .collect()
}

/// The counts calculateStatus takes from the active pods.
pub fn count_pods<'a>(rs_obj: &Object, rs: &ReplicaSet, active: impl Iterator<Item = &'a Pod>, now: &Time) -> Counts {
    let mut t = Tally::new(rs_obj, rs);
    for p in active {
        t.count(p, 1);
    }
    t.counts(rs.spec.min_ready_seconds.unwrap_or(0), now)
}

/// calculateStatus.
pub fn calculate_status(rs: &ReplicaSet, c: Counts, manage_err: Option<&str>, now: &Time) -> ReplicaSetStatus {
    let mut status = rs.status.clone().unwrap_or_default();
    let (count, fully, ready, available) = (c.replicas, c.fully_labeled, c.ready, c.available);
    let has_failure = status.conditions.iter().flatten().any(|c| c.type_.as_deref() == Some("ReplicaFailure"));
    match manage_err {
        Some(err) if !has_failure => {
            let diff = count - rs.spec.replicas.unwrap_or(1);
            let reason = if diff < 0 {
                "FailedCreate"
            } else if diff > 0 {
                "FailedDelete"
            } else {
                ""
            };
            status.conditions.get_or_insert_with(Vec::new).push(ReplicaSetCondition {
                type_: Some("ReplicaFailure".into()),
                status: Some("True".into()),
                reason: Some(reason.into()),
                message: Some(err.to_string()),
                last_transition_time: Some(now.clone()),
            });
        }
        None if has_failure => {
            if let Some(c) = &mut status.conditions {
                c.retain(|c| c.type_.as_deref() != Some("ReplicaFailure"));
            }
            if status.conditions.as_ref().is_some_and(Vec::is_empty) {
                status.conditions = None;
            }
        }
        _ => {}
    }
    status.replicas = count;
    // omitempty in the API: zero counts are not written.
    let nz = |v: i32| (v != 0).then_some(v);
    status.fully_labeled_replicas = nz(fully);
    status.ready_replicas = nz(ready);
    status.available_replicas = nz(available);
    status
}

/// updateReplicaSetStatus: writes only when something changed.
fn update_status(ctx: &mut Ctx, rs_obj: &Rc<Object>, mut status: ReplicaSetStatus) -> Result<Rc<Object>, String> {
    let Some(rs) = rs_obj.as_replica_set() else {
        return Ok(rs_obj.clone());
    };
    status.observed_generation = rs.metadata.generation;
    if rs.status.as_ref() == Some(&status) {
        return Ok(rs_obj.clone());
    }
    let mut copy = rs.clone();
    copy.status = Some(status);
    ctx.store.update(Object::ReplicaSet(Box::new(copy)), ctx.actor).map_err(|e| e.to_string())
}
