//! The StatefulSet update (pkg/controller/statefulset/stateful_set_control.go): revisions,
//! then the replicas in ordinal order, the condemned from the highest ordinal down, then
//! the rolling update from the highest ordinal; status, and the revision history limit.

use super::pod_control::*;
use super::utils::*;
use crate::api::{Kind, Object};
use crate::controllers::history;
use crate::kinds::pod::Pod;
use crate::kinds::statefulset::StatefulSet;
use crate::sim::controller::Ctx;
use k8s_openapi::api::apps::v1::StatefulSetStatus;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use std::rc::Rc;

/// A replica slot: the stored pod, or the ordinal of the pod to create (made only when
/// it is created: a set may ask for far more pods than a sync reaches).
enum Slot {
    Live(Rc<Object>),
    Missing(i64),
}

impl Slot {
    fn pod(&self) -> Option<&Pod> {
        match self {
            Slot::Live(o) => o.as_pod(),
            Slot::Missing(_) => None,
        }
    }
    fn name(&self, set: &StatefulSet) -> String {
        match self {
            Slot::Live(o) => o.name().to_string(),
            Slot::Missing(ord) => pod_name(set, *ord),
        }
    }
}

/// What the revisions step decided: the current and update revisions by name with their sets.
struct Revisions {
    current: Rc<Object>,
    update: Rc<Object>,
    collision_count: i32,
}

/// UpdateStatefulSet: returns the status it wrote (or would have).
pub fn update_stateful_set(ctx: &mut Ctx, set_obj: &Rc<Object>, pods: &[Rc<Object>]) -> Result<(), String> {
    let Some(set) = set_obj.as_stateful_set() else { return Ok(()) };
    let mut revisions: Vec<Rc<Object>> =
        ctx.store.owned_by(set_obj.uid()).filter(|o| o.kind() == Kind::ControllerRevision).cloned().collect();
    history::sort_revisions(&mut revisions);
    let revs = revisions_for(ctx, set_obj, set, &revisions)?;
    let (status, failure) = update_pods(ctx, set_obj, set, &revs, pods);
    write_status(ctx, set_obj, set, status)?;
    truncate_history(ctx, set, pods, &revisions, &revs)?;
    failure.map_or(Ok(()), Err)
}

/// getStatefulSetRevisions.
fn revisions_for(
    ctx: &mut Ctx,
    set_obj: &Object,
    set: &StatefulSet,
    revisions: &[Rc<Object>],
) -> Result<Revisions, String> {
    let mut collision_count = set.status.as_ref().and_then(|s| s.collision_count).unwrap_or(0);
    let labels = set.spec.template.metadata.as_ref().and_then(|m| m.labels.as_ref());
    let candidate = history::new_revision(
        set_obj,
        labels,
        revision_data(set),
        history::next_revision(revisions),
        Some(collision_count),
    );
    let equal: Vec<&Rc<Object>> = revisions
        .iter()
        .filter(|o| o.as_controller_revision().is_some_and(|r| history::equal_revision(r, &candidate)))
        .collect();
    let last = revisions.last();
    let update = match (equal.last(), last) {
        (Some(e), Some(l)) if Rc::ptr_eq(e, l) => l.clone(),
        (Some(e), _) => {
            ctx.because(format!(
                "rolling {} back to revision {}: its template equals the spec's again; it becomes revision {}",
                set_obj.name(),
                e.name(),
                candidate.revision.unwrap_or(0)
            ));
            history::bump_revision(ctx.store, ctx.actor, e, candidate.revision.unwrap_or(0))
                .map_err(|e| e.to_string())?
        }
        (None, _) => {
            ctx.because(format!(
                "recording revision {} of {}: the pod template changed",
                candidate.revision.unwrap_or(0),
                set_obj.name()
            ));
            history::create_revision(ctx.store, ctx.actor, set_obj, &candidate, &mut collision_count)
                .map_err(|e| e.to_string())?
        }
    };
    let current_name = set.status.as_ref().and_then(|s| s.current_revision.clone()).unwrap_or_default();
    let current = revisions.iter().find(|r| r.name() == current_name).cloned().unwrap_or_else(|| update.clone());
    Ok(Revisions { current, update, collision_count })
}

fn revision_set(set: &StatefulSet, rev: &Object) -> StatefulSet {
    apply_revision(set, rev.as_controller_revision().map(|r| &r.data.0))
}

/// newVersionedStatefulSetPod: below the partition (or, without a rollingUpdate, below
/// currentReplicas) a new pod is made at the current revision, otherwise at the update one.
fn versioned_pod(set_obj: &Object, current: &StatefulSet, update: &StatefulSet, revs: &Revisions, ord: i64) -> Pod {
    let strategy = current.spec.update_strategy.clone().unwrap_or_default();
    let rolling = strategy.type_.as_deref() == Some("RollingUpdate");
    // Upstream's condition, with its precedence: (RollingUpdate && no rollingUpdate && ord <
    // currentReplicas) || (rollingUpdate && ord < partition).
    let start = start_ordinal(current);
    let at_current = match &strategy.rolling_update {
        None => {
            rolling && ord < start + i64::from(current.status.as_ref().and_then(|s| s.current_replicas).unwrap_or(0))
        }
        Some(ru) => ord < start + i64::from(ru.partition.unwrap_or(0)),
    };
    let (from, rev) = if at_current { (current, &revs.current) } else { (update, &revs.update) };
    let mut p = new_pod(set_obj, from, &from.spec.template, ord);
    set_revision(&mut p, rev.name());
    p
}

/// The counts of status from the pods (computeReplicaStatus over every list).
fn count(status: &mut StatefulSetStatus, min_ready: i32, revs: &Revisions, pods: &[&Pod], now: &Time) {
    let (mut replicas, mut ready, mut available, mut current, mut updated) = (0, 0, 0, 0, 0);
    for p in pods {
        if is_created(p) {
            replicas += 1;
        }
        if is_running_and_ready(p) {
            ready += 1;
            if is_running_and_available(p, min_ready, now) {
                available += 1;
            }
        }
        if is_created(p) && !is_terminating(p) {
            let r = pod_revision(p);
            if r == revs.current.name() {
                current += 1;
            }
            if r == revs.update.name() {
                updated += 1;
            }
        }
    }
    status.replicas = replicas;
    status.ready_replicas = Some(ready);
    status.available_replicas = Some(available);
    status.current_replicas = Some(current);
    status.updated_replicas = Some(updated);
}

/// The status to write, and the error that stopped the update, if one did.
type Outcome = (StatefulSetStatus, Option<String>);

/// updateStatefulSet.
fn update_pods(ctx: &mut Ctx, set_obj: &Object, set: &StatefulSet, revs: &Revisions, pods: &[Rc<Object>]) -> Outcome {
    let current_set = revision_set(set, &revs.current);
    let update_set = revision_set(set, &revs.update);
    let now = ctx.store.now();
    let min_ready = set.spec.min_ready_seconds.unwrap_or(0);
    let mut status = StatefulSetStatus {
        observed_generation: set.metadata.generation,
        current_revision: Some(revs.current.name().to_string()),
        update_revision: Some(revs.update.name().to_string()),
        collision_count: Some(revs.collision_count),
        ..Default::default()
    };
    let all: Vec<&Pod> = pods.iter().filter_map(|o| o.as_pod()).collect();
    count(&mut status, min_ready, revs, &all, &now);

    let start = start_ordinal(set);
    // Ordinals past the object limit can never be created: slots stop there, so a set
    // asking for a billion replicas costs what the cluster can hold.
    let replica_count = (set.spec.replicas.unwrap_or(1).max(0) as usize).min(ctx.store.limits.max_objects);
    let mut slots: Vec<Option<Slot>> = (0..replica_count).map(|_| None).collect();
    let mut condemned: Vec<Rc<Object>> = Vec::new();
    for o in pods {
        let Some(p) = o.as_pod() else { continue };
        if in_ordinal_range(p, set) {
            if let Some(slot) = slots.get_mut((ordinal(p) - start) as usize) {
                *slot = Some(Slot::Live(o.clone()));
            }
        } else if ordinal(p) >= 0 {
            condemned.push(o.clone());
        }
    }
    let replicas: Vec<Slot> =
        slots.into_iter().enumerate().map(|(i, s)| s.unwrap_or(Slot::Missing(start + i as i64))).collect();
    // descendingOrdinal.
    condemned.sort_by_key(|o| std::cmp::Reverse(o.as_pod().map(ordinal).unwrap_or(-1)));

    // The first unavailable pod: the replicas first, then the condemned from the lowest ordinal.
    let unavailable = |p: &Pod| is_unavailable(p, min_ready, &now);
    let first_unhealthy: Option<String> =
        replicas.iter().find(|s| s.pod().is_none_or(unavailable)).map(|s| s.name(set)).or_else(|| {
            condemned.iter().rev().find(|o| o.as_pod().is_some_and(unavailable)).map(|o| o.name().to_string())
        });

    let recount = |status: &mut StatefulSetStatus, replicas: &[Slot], condemned: &[Rc<Object>]| {
        let mut all: Vec<&Pod> = replicas.iter().filter_map(Slot::pod).collect();
        all.extend(condemned.iter().filter_map(|o| o.as_pod()));
        count(status, min_ready, revs, &all, &now);
    };

    if set_obj.is_deleting() {
        return (status, None);
    }
    let monotonic = set.spec.pod_management_policy.as_deref() != Some("Parallel");

    // The replicas, in ordinal order; OrderedReady stops at the first that blocks.
    let mut failure: Option<String> = None;
    for i in 0..replicas.len() {
        let sets = (set, &current_set, &update_set);
        let step = process_replica(ctx, set_obj, sets, revs, monotonic, &replicas, i, min_ready, &now);
        match step {
            Ok(false) => {}
            Ok(true) if monotonic => {
                recount(&mut status, &replicas, &condemned);
                return (status, None);
            }
            Ok(true) => {}
            Err(e) => {
                // slowStartBatch stops at a failed batch; one at a time here.
                failure = Some(e);
                break;
            }
        }
    }
    if let Some(e) = failure {
        recount(&mut status, &replicas, &condemned);
        return (status, Some(e));
    }

    // Claims of condemned pods take the owners their retention policy asks for.
    for o in &condemned {
        let Some(p) = o.as_pod() else { continue };
        if !claims_match_retention(ctx, set_obj, &update_set, p) {
            if let Err(e) = update_claims_for_retention(ctx, set_obj, &update_set, p) {
                recount(&mut status, &replicas, &condemned);
                return (status, Some(e));
            }
        }
    }

    // Scale down from the highest ordinal; OrderedReady one at a time, waiting for each.
    for i in 0..condemned.len() {
        let o = condemned[i].clone();
        let Some(p) = o.as_pod() else { continue };
        let name = o.name();
        if is_terminating(p) {
            if monotonic {
                ctx.note(format!(
                    "waiting for {name} to terminate before scaling {} down further (OrderedReady)",
                    set_obj.name()
                ));
                recount(&mut status, &replicas, &condemned);
                return (status, None);
            }
            continue;
        }
        let is_first = first_unhealthy.as_deref() == Some(name);
        if monotonic && !is_running_and_ready(p) && !is_first {
            ctx.note(format!(
                "not deleting {name}: {} is unhealthy and goes first (OrderedReady scale-down waits for Running and Ready)",
                first_unhealthy.as_deref().unwrap_or("")
            ));
            recount(&mut status, &replicas, &condemned);
            return (status, None);
        }
        if monotonic && !is_running_and_available(p, min_ready, &now) && !is_first {
            ctx.note(format!("not deleting {name}: it is not available for minReadySeconds {min_ready} yet"));
            recount(&mut status, &replicas, &condemned);
            return (status, None);
        }
        let why = format!(
            "deleting {name}: ordinal {} is outside {}..{} (replicas {}), highest first",
            ordinal(p),
            start,
            end_ordinal(set),
            set.spec.replicas.unwrap_or(1)
        );
        let r = delete_pod(ctx, set_obj, &o, why);
        if monotonic || r.is_err() {
            recount(&mut status, &replicas, &condemned);
            return (status, r.err());
        }
    }
    recount(&mut status, &replicas, &condemned);

    let strategy = set.spec.update_strategy.clone().unwrap_or_default();
    if strategy.type_.as_deref() == Some("OnDelete") {
        return (status, None);
    }
    // The rolling update: from the highest ordinal down to the partition, one pod at a time.
    let partition = strategy.rolling_update.as_ref().and_then(|r| r.partition).unwrap_or(0).max(0) as usize;
    for target in (partition..replicas.len()).rev() {
        let Slot::Live(o) = &replicas[target] else { continue };
        let Some(p) = o.as_pod() else { continue };
        if pod_revision(p) != revs.update.name() && !is_terminating(p) {
            let why = format!(
                "deleting {} for the update to {}: highest ordinal not at the update revision (partition {partition})",
                o.name(),
                revs.update.name()
            );
            let o = o.clone();
            let r = delete_pod(ctx, set_obj, &o, why);
            status.current_replicas = Some(status.current_replicas.unwrap_or(0) - 1);
            return (status, r.err());
        }
        if is_unavailable(p, min_ready, &now) {
            ctx.note(format!("waiting for {} to be available before updating the next ordinal", o.name()));
            return (status, None);
        }
    }
    if partition > 0 {
        let kept: Vec<String> = replicas[..partition.min(replicas.len())]
            .iter()
            .filter(|s| s.pod().is_some_and(|p| pod_revision(p) != revs.update.name()))
            .map(|s| s.name(set))
            .collect();
        if !kept.is_empty() {
            ctx.note(format!(
                "{} kept at revision {}: below partition {partition}",
                kept.join(", "),
                revs.current.name()
            ));
        }
    }
    (status, None)
}

/// processReplica: true when this replica blocks (or, in Parallel, was just acted on).
/// `sets` are the set, and the set at its current and at its update revision.
#[allow(clippy::too_many_arguments)]
fn process_replica(
    ctx: &mut Ctx,
    set_obj: &Object,
    sets: (&StatefulSet, &StatefulSet, &StatefulSet),
    revs: &Revisions,
    monotonic: bool,
    replicas: &[Slot],
    i: usize,
    min_ready: i32,
    now: &Time,
) -> Result<bool, String> {
    let (set, current_set, update_set) = sets;
    let name = replicas[i].name(set);
    let set_name = set_obj.name();
    let o = match &replicas[i] {
        Slot::Live(o) => o.clone(),
        Slot::Missing(ord) => {
            let p = versioned_pod(set_obj, current_set, update_set, revs, *ord);
            if let Some(claim) = claim_is_stale(ctx, set_obj, set, &p) {
                ctx.note(format!(
                    "not creating {name}: claim {claim} still belongs to an earlier {name} (whenScaled: Delete)"
                ));
                return Ok(true);
            }
            let start = start_ordinal(set);
            let below = match (monotonic, i) {
                (false, _) => " (Parallel)".to_string(),
                (true, 0) => " (OrderedReady: the first ordinal)".to_string(),
                (true, 1) => format!(" and {set_name}-{start} below it is Running and Ready (OrderedReady)"),
                (true, _) => format!(
                    " and {set_name}-{start}..{set_name}-{} below it are Running and Ready (OrderedReady)",
                    start + i as i64 - 1
                ),
            };
            let why = format!("creating {name} at revision {}: ordinal {ord} is missing{below}", pod_revision(&p));
            create_pod(ctx, set_obj, set, p, why)?;
            return Ok(monotonic);
        }
    };
    let Some(p) = o.as_pod() else { return Ok(false) };
    if is_failed(p) || is_succeeded(p) {
        if !is_terminating(p) {
            let why = format!(
                "deleting {name}: it is {} and is recreated with the same name and claims",
                crate::api::pod::phase(p)
            );
            delete_pod(ctx, set_obj, &o, why)?;
        }
        // The new pod is made once this one is gone from the store.
        return Ok(true);
    }
    if is_pending(p) {
        create_claims(ctx, set_obj, set, p)?;
    }
    if is_terminating(p) && monotonic {
        ctx.note(format!("waiting for {name} to terminate before going on (OrderedReady)"));
        return Ok(true);
    }
    if !is_running_and_ready(p) && monotonic {
        match replicas.get(i + 1) {
            None => ctx.note(format!("waiting for {name} to be Running and Ready (OrderedReady)")),
            Some(next) => {
                ctx.note(format!("not creating {}: {name} is not Running and Ready (OrderedReady)", next.name(set)))
            }
        }
        return Ok(true);
    }
    if !is_running_and_available(p, min_ready, now) && monotonic {
        ctx.note(format!("waiting for {name} to be available: Ready for minReadySeconds {min_ready} (OrderedReady)"));
        return Ok(true);
    }
    let retention_ok = claims_match_retention(ctx, set_obj, update_set, p);
    if identity_matches(set, p) && storage_matches(set, p) && retention_ok {
        return Ok(false);
    }
    update_pod(ctx, set_obj, update_set, &o)?;
    Ok(false)
}

/// updateStatefulSetStatus: completeRollingUpdate, then a write only when the counts or
/// revisions changed (inconsistentStatus).
fn write_status(
    ctx: &mut Ctx,
    set_obj: &Rc<Object>,
    set: &StatefulSet,
    mut status: StatefulSetStatus,
) -> Result<(), String> {
    let rolling = set.spec.update_strategy.as_ref().and_then(|s| s.type_.as_deref()) == Some("RollingUpdate");
    if rolling
        && status.updated_replicas.unwrap_or(0) == status.replicas
        && status.ready_replicas.unwrap_or(0) == status.replicas
    {
        if status.current_revision != status.update_revision {
            ctx.note(format!(
                "{}: rolling update to {} complete, all {} replicas updated and ready",
                set_obj.name(),
                status.update_revision.as_deref().unwrap_or(""),
                status.replicas
            ));
        }
        status.current_replicas = status.updated_replicas;
        status.current_revision.clone_from(&status.update_revision);
    }
    let old = set.status.clone().unwrap_or_default();
    let z = |v: Option<i32>| v.unwrap_or(0);
    let inconsistent = status.observed_generation.unwrap_or(0) > old.observed_generation.unwrap_or(0)
        || status.replicas != old.replicas
        || z(status.current_replicas) != z(old.current_replicas)
        || z(status.ready_replicas) != z(old.ready_replicas)
        || z(status.updated_replicas) != z(old.updated_replicas)
        || status.current_revision != old.current_revision
        || z(status.available_replicas) != z(old.available_replicas)
        || status.update_revision != old.update_revision;
    if !inconsistent {
        return Ok(());
    }
    // omitempty in apps/v1: zero counts are not written (replicas and availableReplicas,
    // which have no omitempty, always are).
    for v in [&mut status.ready_replicas, &mut status.current_replicas, &mut status.updated_replicas] {
        if *v == Some(0) {
            *v = None;
        }
    }
    status.conditions = old.conditions;
    let mut copy = set.clone();
    copy.status = Some(status);
    ctx.store.update(Object::StatefulSet(Box::new(copy)), ctx.actor).map(|_| ()).map_err(|e| e.to_string())
}

/// truncateHistory: revisions no pod, nor current nor update, uses go first, oldest first,
/// past revisionHistoryLimit.
fn truncate_history(
    ctx: &mut Ctx,
    set: &StatefulSet,
    pods: &[Rc<Object>],
    revisions: &[Rc<Object>],
    revs: &Revisions,
) -> Result<(), String> {
    let live = |name: &str| {
        name == revs.current.name()
            || name == revs.update.name()
            || pods.iter().filter_map(|o| o.as_pod()).any(|p| pod_revision(p) == name)
    };
    let history: Vec<&Rc<Object>> = revisions.iter().filter(|r| !live(r.name())).collect();
    let Ok(limit) = usize::try_from(set.spec.revision_history_limit.unwrap_or(10)) else {
        return Ok(());
    };
    if history.len() <= limit {
        return Ok(());
    }
    for r in &history[..history.len() - limit] {
        ctx.because(format!(
            "deleting revision {}: unused, and more than revisionHistoryLimit {limit} unused revisions are kept",
            r.name()
        ));
        match ctx.store.delete(&r.key(), Default::default(), ctx.actor) {
            Ok(_) | Err(crate::store::ApiError::NotFound { .. }) => {}
            Err(e) => return Err(e.to_string()),
        }
    }
    Ok(())
}
