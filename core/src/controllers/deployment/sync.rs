//! Scaling, the new ReplicaSet, history cleanup and status
//! (pkg/controller/deployment/sync.go).

use super::progress::sync_rollout_status;
use super::util::*;
use super::{event, write_rs, write_status};
use crate::api::{Kind, ObjKey, Object};
use crate::controllers::controller_utils::controller_ref;
use crate::sim::controller::Ctx;
use crate::store::{ApiError, DeleteOptions};
use k8s_openapi::api::apps::v1::{Deployment, DeploymentStatus, ReplicaSet, ReplicaSetSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};

/// A Deployment's ReplicaSets, with the one matching its template marked as new.
#[derive(Clone, Debug, Default)]
pub struct Sets {
    pub all: Vec<ReplicaSet>,
    pub new: Option<usize>,
}

impl Sets {
    pub fn new_rs(&self) -> Option<&ReplicaSet> {
        self.new.map(|i| &self.all[i])
    }
    pub fn old_indices(&self) -> Vec<usize> {
        (0..self.all.len()).filter(|i| Some(*i) != self.new).collect()
    }
    pub fn old(&self) -> Vec<ReplicaSet> {
        self.old_indices().into_iter().map(|i| self.all[i].clone()).collect()
    }
    /// Old ReplicaSets with replicas, oldest first.
    pub fn active_old_by_creation(&self) -> Vec<usize> {
        let mut v: Vec<usize> = self.old_indices().into_iter().filter(|&i| is_active(&self.all[i])).collect();
        crate::sort::sort_by(&mut v, |&a, &b| by_creation(&self.all[a], &self.all[b]));
        v
    }
}

/// getAllReplicaSetsAndSyncRevision.
pub fn sets_and_sync_revision(
    ctx: &mut Ctx,
    d: &mut Deployment,
    rss: Vec<ReplicaSet>,
    create: bool,
) -> Result<Sets, String> {
    let mut sets = Sets { new: find_new_rs(d, &rss), all: rss };
    let old = sets.old();
    let max_old = max_revision(old.iter());
    let new_revision = (max_old + 1).to_string();
    if let Some(i) = sets.new {
        let mut copy = sets.all[i].clone();
        let annotations_updated = set_new_rs_annotations(d, &mut copy, &new_revision, true, REVISION_HISTORY_CHARS);
        let min_ready_changed = copy.spec.min_ready_seconds != d.spec.min_ready_seconds;
        if annotations_updated || min_ready_changed {
            copy.spec.min_ready_seconds = d.spec.min_ready_seconds;
            copy = write_rs(ctx, copy)?;
        }
        let rev = copy.metadata.annotations.as_ref().and_then(|a| a.get(REVISION)).cloned().unwrap_or_default();
        let mut needs_update = set_deployment_revision(d, &rev);
        let has_deadline = has_progress_deadline(d);
        let status = d.status.get_or_insert_with(Default::default);
        // Upstream estimates progress only for Deployments with a deadline (getNewReplicaSet).
        if has_deadline && get_condition(status, "Progressing").is_none() {
            let msg = format!("Found new replica set {:?}", copy.metadata.name.as_deref().unwrap_or(""));
            set_condition(status, new_condition("Progressing", "True", "FoundNewReplicaSet", msg, &ctx.store.now()));
            needs_update = true;
        }
        if needs_update {
            *d = write_status(ctx, d)?;
        }
        sets.all[i] = copy;
        return Ok(sets);
    }
    if !create {
        return Ok(sets);
    }
    let created = create_new_rs(ctx, d, &old, &new_revision)?;
    sets.all.push(created);
    sets.new = Some(sets.all.len() - 1);
    Ok(sets)
}

/// The creating half of getNewReplicaSet: `<deployment>-<pod-template-hash>`.
fn create_new_rs(
    ctx: &mut Ctx,
    d: &mut Deployment,
    old: &[ReplicaSet],
    new_revision: &str,
) -> Result<ReplicaSet, String> {
    let mut template = d.spec.template.clone();
    let collision = d.status.as_ref().and_then(|s| s.collision_count);
    let hash = compute_hash(&template, collision);
    let meta = template.metadata.get_or_insert_with(Default::default);
    meta.labels.get_or_insert_with(Default::default).insert(POD_TEMPLATE_HASH.into(), hash.clone());
    let labels = meta.labels.clone();
    let mut selector = d.spec.selector.clone();
    selector.match_labels.get_or_insert_with(Default::default).insert(POD_TEMPLATE_HASH.into(), hash.clone());
    let name = replica_set_name(d.metadata.name.as_deref().unwrap_or(""), &hash);
    let owner = Object::Deployment(Box::new(d.clone()));
    let mut new_rs = ReplicaSet {
        metadata: ObjectMeta {
            name: Some(name.clone()),
            namespace: d.metadata.namespace.clone(),
            owner_references: Some(vec![controller_ref(&owner)]),
            labels,
            ..Default::default()
        },
        spec: ReplicaSetSpec {
            replicas: Some(0),
            min_ready_seconds: d.spec.min_ready_seconds,
            selector,
            template: Some(template),
        },
        status: None,
    };
    let mut all: Vec<&ReplicaSet> = old.iter().collect();
    all.push(&new_rs);
    let new_replicas = new_rs_new_replicas(d, &all, &new_rs)?;
    new_rs.spec.replicas = Some(new_replicas);
    set_new_rs_annotations(d, &mut new_rs, new_revision, false, REVISION_HISTORY_CHARS);
    let (created, already_existed) = match ctx.store.create(Object::ReplicaSet(Box::new(new_rs)), ctx.actor) {
        Ok(o) => (o.as_replica_set().cloned().unwrap_or_default(), false),
        Err(ApiError::AlreadyExists { .. }) => {
            let ns = d.metadata.namespace.clone().unwrap_or_default();
            let existing = ctx.store.get_named(Kind::ReplicaSet, &ns, &name).and_then(|o| o.as_replica_set().cloned());
            let ours = existing.as_ref().is_some_and(|rs| {
                rs.metadata.owner_references.iter().flatten().any(|r| Some(&r.uid) == d.metadata.uid.as_ref())
                    && rs.spec.template.as_ref().is_some_and(|t| equal_ignore_hash(t, &d.spec.template))
            });
            if !ours {
                // A hash collision: bump collisionCount so the next hash differs.
                let status = d.status.get_or_insert_with(Default::default);
                status.collision_count = Some(status.collision_count.unwrap_or(0) + 1);
                *d = write_status(ctx, d)?;
                return Err(format!("hash collision for replica set {name:?}; collisionCount raised"));
            }
            (existing.unwrap_or_default(), true)
        }
        Err(e) => {
            let msg = format!("Failed to create new replica set {name:?}: {e}");
            let status = d.status.get_or_insert_with(Default::default);
            set_condition(
                status,
                new_condition("Progressing", "False", "ReplicaSetCreateError", msg.clone(), &ctx.store.now()),
            );
            *d = write_status(ctx, d)?;
            return Err(msg);
        }
    };
    if !already_existed && new_replicas > 0 {
        event(ctx, d, "Normal", "ScalingReplicaSet", format!("Scaled up replica set {name} from 0 to {new_replicas}"));
    }
    let mut needs_update = set_deployment_revision(d, new_revision);
    if !already_existed && has_progress_deadline(d) {
        let status = d.status.get_or_insert_with(Default::default);
        let msg = format!("Created new replica set {name:?}");
        set_condition(status, new_condition("Progressing", "True", "NewReplicaSetCreated", msg, &ctx.store.now()));
        needs_update = true;
    }
    if needs_update {
        *d = write_status(ctx, d)?;
    }
    Ok(created)
}

/// generateReplicaSetName: `<deployment>-<hash>`, the deployment part cut so the name
/// stays a valid DNS subdomain (253 characters) when the hash leaves room.
pub fn replica_set_name(deployment: &str, hash: &str) -> String {
    let max = 253usize.saturating_sub(hash.len() + 1);
    let prefix = if max > 0 && deployment.len() > max { &deployment[..max] } else { deployment };
    format!("{prefix}-{hash}")
}

/// sync: scaling and status for paused Deployments and scaling events.
pub fn sync(ctx: &mut Ctx, d: &mut Deployment, rss: Vec<ReplicaSet>) -> Result<(), String> {
    let mut sets = sets_and_sync_revision(ctx, d, rss, false)?;
    scale(ctx, d, &mut sets)?;
    if d.spec.paused == Some(true) {
        cleanup_deployment(ctx, &sets.old(), d)?;
    }
    sync_deployment_status(ctx, &sets, d)
}

/// syncStatusOnly: a Deployment being deleted only reports status.
pub fn sync_status_only(ctx: &mut Ctx, d: &mut Deployment, rss: Vec<ReplicaSet>) -> Result<(), String> {
    let sets = sets_and_sync_revision(ctx, d, rss, false)?;
    sync_deployment_status(ctx, &sets, d)
}

/// isScalingEvent: an active ReplicaSet remembers a different desired size.
pub fn is_scaling_event(ctx: &mut Ctx, d: &mut Deployment, rss: Vec<ReplicaSet>) -> Result<bool, String> {
    let sets = sets_and_sync_revision(ctx, d, rss, false)?;
    Ok(sets.all.iter().filter(|rs| is_active(rs)).any(|rs| {
        let desired =
            rs.metadata.annotations.as_ref().and_then(|a| a.get(DESIRED_REPLICAS)).and_then(|v| v.parse::<i32>().ok());
        desired.is_some_and(|v| v != replicas(d))
    }))
}

/// FindActiveOrLatest: the only active ReplicaSet, or the latest if none is active.
fn find_active_or_latest(sets: &Sets) -> Option<usize> {
    let mut old = sets.old_indices();
    if sets.new.is_none() && old.is_empty() {
        return None;
    }
    crate::sort::sort_by(&mut old, |&a, &b| by_creation(&sets.all[b], &sets.all[a]));
    let active: Vec<usize> = old.iter().copied().chain(sets.new).filter(|&i| is_active(&sets.all[i])).collect();
    match active.len() {
        0 => sets.new.or_else(|| old.first().copied()),
        1 => Some(active[0]),
        _ => None,
    }
}

/// scale: resize for a replicas change, proportionally across ReplicaSets mid-rollout.
pub fn scale(ctx: &mut Ctx, d: &Deployment, sets: &mut Sets) -> Result<(), String> {
    if let Some(i) = find_active_or_latest(sets) {
        if spec_replicas(&sets.all[i]) == replicas(d) {
            return Ok(());
        }
        let (_, rs) = scale_rs_and_record(ctx, &sets.all[i], replicas(d), d)?;
        sets.all[i] = rs;
        return Ok(());
    }
    if is_saturated(d, sets.new_rs()) {
        for i in sets.active_old_by_creation() {
            let (_, rs) = scale_rs_and_record(ctx, &sets.all[i], 0, d)?;
            sets.all[i] = rs;
        }
        return Ok(());
    }
    if !is_rolling(d) {
        return Ok(());
    }
    let mut active: Vec<usize> = (0..sets.all.len()).filter(|&i| is_active(&sets.all[i])).collect();
    let all_replicas = replica_count(active.iter().map(|&i| &sets.all[i]));
    let allowed = if replicas(d) > 0 { replicas(d).saturating_add(max_surge(d)) } else { 0 };
    let to_add = allowed - all_replicas;
    let op = match to_add.cmp(&0) {
        std::cmp::Ordering::Greater => {
            crate::sort::sort_by(&mut active, |&a, &b| by_size_newer(&sets.all[a], &sets.all[b]));
            "up"
        }
        std::cmp::Ordering::Less => {
            crate::sort::sort_by(&mut active, |&a, &b| by_size_older(&sets.all[a], &sets.all[b]));
            "down"
        }
        std::cmp::Ordering::Equal => "",
    };
    let mut added = 0;
    let mut sizes = Vec::with_capacity(active.len());
    for &i in &active {
        let rs = &sets.all[i];
        if to_add != 0 {
            let p = rs_proportion(rs, d, to_add, added);
            sizes.push(spec_replicas(rs).saturating_add(p));
            added += p;
        } else {
            sizes.push(spec_replicas(rs));
        }
    }
    for (n, &i) in active.iter().enumerate() {
        if n == 0 && to_add != 0 {
            sizes[0] = sizes[0].saturating_add(to_add - added).max(0);
        }
        let (_, rs) = scale_replica_set(ctx, &sets.all[i], sizes[n], d, op)?;
        sets.all[i] = rs;
    }
    Ok(())
}

/// GetReplicaSetProportion.
pub fn rs_proportion(rs: &ReplicaSet, d: &Deployment, to_add: i32, added: i32) -> i32 {
    if spec_replicas(rs) == 0 || to_add == 0 || to_add == added {
        return 0;
    }
    let fraction = rs_fraction(rs, d);
    let allowed = to_add - added;
    if to_add > 0 {
        fraction.min(allowed)
    } else {
        fraction.max(allowed)
    }
}

/// getReplicaSetFraction: the ReplicaSet's share of the new size, from the size
/// recorded in its max-replicas annotation (or the Deployment's status).
pub fn rs_fraction(rs: &ReplicaSet, d: &Deployment) -> i32 {
    if replicas(d) == 0 {
        return -spec_replicas(rs);
    }
    let deployment_max = replicas(d).saturating_add(max_surge(d));
    let annotated = rs
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(MAX_REPLICAS))
        .and_then(|v| v.parse::<u32>().ok())
        .filter(|v| *v > 0 && *v <= i32::MAX as u32)
        .map(|v| v as i32);
    let before = match annotated {
        Some(v) => v,
        None => d.status.as_ref().and_then(|s| s.replicas).unwrap_or(0),
    };
    if before == 0 {
        return 0;
    }
    let new_size = f64::from(spec_replicas(rs).wrapping_mul(deployment_max)) / f64::from(before);
    new_size.round() as i32 - spec_replicas(rs)
}

/// scaleReplicaSetAndRecordEvent.
pub fn scale_rs_and_record(
    ctx: &mut Ctx,
    rs: &ReplicaSet,
    new_scale: i32,
    d: &Deployment,
) -> Result<(bool, ReplicaSet), String> {
    if spec_replicas(rs) == new_scale {
        return Ok((false, rs.clone()));
    }
    let op = if spec_replicas(rs) < new_scale { "up" } else { "down" };
    scale_replica_set(ctx, rs, new_scale, d, op)
}

/// scaleReplicaSet: writes the size and the desired/max annotations.
pub fn scale_replica_set(
    ctx: &mut Ctx,
    rs: &ReplicaSet,
    new_scale: i32,
    d: &Deployment,
    op: &str,
) -> Result<(bool, ReplicaSet), String> {
    let size_changed = spec_replicas(rs) != new_scale;
    let max = replicas(d).saturating_add(max_surge(d));
    if !size_changed && !replicas_annotations_need_update(rs, replicas(d), max) {
        return Ok((false, rs.clone()));
    }
    let old_scale = spec_replicas(rs);
    let mut copy = rs.clone();
    copy.spec.replicas = Some(new_scale);
    set_replicas_annotations(&mut copy, replicas(d), max);
    let updated = write_rs(ctx, copy)?;
    if size_changed {
        let name = rs.metadata.name.as_deref().unwrap_or("");
        event(
            ctx,
            d,
            "Normal",
            "ScalingReplicaSet",
            format!("Scaled {op} replica set {name} from {old_scale} to {new_scale}"),
        );
    }
    Ok((size_changed, updated))
}

/// cleanupDeployment: deletes the oldest fully scaled-down ReplicaSets beyond
/// revisionHistoryLimit.
pub fn cleanup_deployment(ctx: &mut Ctx, old: &[ReplicaSet], d: &Deployment) -> Result<(), String> {
    let Some(limit) = d.spec.revision_history_limit else {
        return Ok(());
    };
    let mut alive: Vec<&ReplicaSet> = old.iter().filter(|rs| rs.metadata.deletion_timestamp.is_none()).collect();
    let diff = alive.len() as i64 - i64::from(limit);
    if diff <= 0 {
        return Ok(());
    }
    crate::sort::sort_by(&mut alive, |a, b| by_revision(a, b));
    for rs in alive.into_iter().take(diff as usize) {
        let observed = rs.status.as_ref().and_then(|s| s.observed_generation).unwrap_or(0);
        if status_replicas(rs) != 0 || spec_replicas(rs) != 0 || rs.metadata.generation.unwrap_or(0) > observed {
            continue;
        }
        let key = ObjKey::new(
            Kind::ReplicaSet,
            rs.metadata.namespace.as_deref().unwrap_or(""),
            rs.metadata.name.as_deref().unwrap_or(""),
        );
        match ctx.store.delete(&key, DeleteOptions::default(), ctx.actor) {
            Ok(_) | Err(ApiError::NotFound { .. }) => {}
            Err(e) => return Err(e.to_string()),
        }
    }
    Ok(())
}

fn nz(v: i32) -> Option<i32> {
    (v != 0).then_some(v)
}

/// calculateStatus.
pub fn calculate_status(sets: &Sets, d: &Deployment, now: &Time) -> DeploymentStatus {
    let available = available_count(&sets.all);
    let total = replica_count(&sets.all);
    let old = d.status.clone().unwrap_or_default();
    let mut status = DeploymentStatus {
        observed_generation: d.metadata.generation,
        replicas: nz(actual_count(&sets.all)),
        updated_replicas: nz(sets.new_rs().map(status_replicas).unwrap_or(0)),
        ready_replicas: nz(ready_count(&sets.all)),
        available_replicas: nz(available),
        unavailable_replicas: nz((total - available).max(0)),
        collision_count: old.collision_count,
        conditions: old.conditions,
        terminating_replicas: None,
    };
    let cond = if available >= replicas(d) - max_unavailable(d) {
        new_condition(
            "Available",
            "True",
            "MinimumReplicasAvailable",
            "Deployment has minimum availability.".into(),
            now,
        )
    } else {
        new_condition(
            "Available",
            "False",
            "MinimumReplicasUnavailable",
            "Deployment does not have minimum availability.".into(),
            now,
        )
    };
    set_condition(&mut status, cond);
    status
}

/// syncDeploymentStatus.
pub fn sync_deployment_status(ctx: &mut Ctx, sets: &Sets, d: &mut Deployment) -> Result<(), String> {
    let status = calculate_status(sets, d, &ctx.store.now());
    if d.status.as_ref() == Some(&status) {
        return Ok(());
    }
    d.status = Some(status);
    *d = write_status(ctx, d)?;
    Ok(())
}

/// Shared tail of rolloutRolling and rolloutRecreate.
pub fn finish_rollout(ctx: &mut Ctx, d: &mut Deployment, sets: &Sets) -> Result<(), String> {
    if let Some(status) = d.status.clone() {
        if deployment_complete(d, &status) {
            cleanup_deployment(ctx, &sets.old(), d)?;
        }
    }
    sync_rollout_status(ctx, sets, d)
}
