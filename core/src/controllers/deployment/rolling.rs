//! RollingUpdate (pkg/controller/deployment/rolling.go): surge the new ReplicaSet up
//! within maxSurge, scale old ones down within maxUnavailable.

use super::progress::sync_rollout_status;
use super::sync::{finish_rollout, scale_rs_and_record, sets_and_sync_revision, Sets};
use super::util::*;
use crate::sim::controller::Ctx;
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};

/// rolloutRolling.
pub fn rollout_rolling(ctx: &mut Ctx, d: &mut Deployment, rss: Vec<ReplicaSet>) -> Result<(), String> {
    let mut sets = sets_and_sync_revision(ctx, d, rss, true)?;
    if reconcile_new_replica_set(ctx, &mut sets, d)? {
        return sync_rollout_status(ctx, &sets, d);
    }
    if reconcile_old_replica_sets(ctx, &mut sets, d)? {
        return sync_rollout_status(ctx, &sets, d);
    }
    finish_rollout(ctx, d, &sets)
}

/// reconcileNewReplicaSet.
pub fn reconcile_new_replica_set(ctx: &mut Ctx, sets: &mut Sets, d: &Deployment) -> Result<bool, String> {
    let Some(ni) = sets.new else { return Ok(false) };
    let new_rs = sets.all[ni].clone();
    let target = if spec_replicas(&new_rs) == replicas(d) {
        return Ok(false);
    } else if spec_replicas(&new_rs) > replicas(d) {
        replicas(d)
    } else {
        let all: Vec<&ReplicaSet> = sets.all.iter().collect();
        new_rs_new_replicas(d, &all, &new_rs)?
    };
    if target == spec_replicas(&new_rs) {
        // maxSurge is used up: nothing to scale (the annotations may still be written).
        let (scaled, rs) = scale_rs_and_record(ctx, &new_rs, target, d)?;
        sets.all[ni] = rs;
        return Ok(scaled);
    }
    let name = new_rs.metadata.name.as_deref().unwrap_or("");
    let current = replica_count(&sets.all);
    ctx.because(if target > spec_replicas(&new_rs) {
        format!(
            "scaled up {name} from {} to {target}: {} desired + maxSurge {} allows {}, {current} exist",
            spec_replicas(&new_rs),
            replicas(d),
            max_surge(d),
            replicas(d).saturating_add(max_surge(d))
        )
    } else {
        format!("scaled down {name} from {} to {target}: {} desired", spec_replicas(&new_rs), replicas(d))
    });
    let (scaled, rs) = scale_rs_and_record(ctx, &new_rs, target, d)?;
    sets.all[ni] = rs;
    Ok(scaled)
}

/// reconcileOldReplicaSets.
pub fn reconcile_old_replica_sets(ctx: &mut Ctx, sets: &mut Sets, d: &Deployment) -> Result<bool, String> {
    let old_active = sets.active_old_by_creation();
    let old_pods = replica_count(old_active.iter().map(|&i| &sets.all[i]));
    if old_pods == 0 {
        return Ok(false);
    }
    let all_pods = replica_count(&sets.all);
    let min_available = replicas(d) - max_unavailable(d);
    let new_unavailable = sets.new_rs().map(|rs| spec_replicas(rs) - available_replicas(rs)).unwrap_or(0);
    let max_scaled_down = all_pods.saturating_sub(min_available).saturating_sub(new_unavailable);
    if max_scaled_down <= 0 {
        ctx.note(format!(
            "not scaling down old replica sets: {all_pods} pods, minimum available is {min_available} (replicas {} - maxUnavailable {}) and {new_unavailable} new pods are unavailable",
            replicas(d),
            max_unavailable(d)
        ));
        return Ok(false);
    }
    let cleaned = cleanup_unhealthy_replicas(ctx, sets, &old_active, d, max_scaled_down)?;
    let scaled = scale_down_old_for_rolling_update(ctx, sets, &old_active, d)?;
    Ok(cleaned + scaled > 0)
}

/// cleanupUnhealthyReplicas: old ReplicaSets lose their unavailable pods first.
pub fn cleanup_unhealthy_replicas(
    ctx: &mut Ctx,
    sets: &mut Sets,
    old: &[usize],
    d: &Deployment,
    max_cleanup: i32,
) -> Result<i32, String> {
    let mut total = 0;
    for &i in old {
        if total >= max_cleanup {
            break;
        }
        let rs = &sets.all[i];
        let (spec, available) = (spec_replicas(rs), available_replicas(rs));
        if spec == 0 || spec == available {
            continue;
        }
        let scaled_down = (max_cleanup - total).min(spec - available);
        let new_count = spec - scaled_down;
        if new_count > spec {
            return Err(format!(
                "when cleaning up unhealthy replicas, got invalid request to scale down {:?} {spec} -> {new_count}",
                rs.metadata.name
            ));
        }
        ctx.because(format!(
            "scaled down {} from {spec} to {new_count}: {} of its pods are unavailable (cleanup allows {max_cleanup})",
            rs.metadata.name.as_deref().unwrap_or(""),
            spec - available
        ));
        let (_, updated) = scale_rs_and_record(ctx, &sets.all[i], new_count, d)?;
        sets.all[i] = updated;
        total += scaled_down;
    }
    Ok(total)
}

/// scaleDownOldReplicaSetsForRollingUpdate: scale down while availability stays at or
/// above replicas - maxUnavailable.
pub fn scale_down_old_for_rolling_update(
    ctx: &mut Ctx,
    sets: &mut Sets,
    old: &[usize],
    d: &Deployment,
) -> Result<i32, String> {
    let min_available = replicas(d) - max_unavailable(d);
    let counted: Vec<usize> = old.iter().copied().chain(sets.new).collect();
    let available = available_count(counted.iter().map(|&i| &sets.all[i]));
    if available <= min_available {
        ctx.note(format!(
            "not scaling down old replica sets: {available} available, minimum available is {min_available} (replicas {} - maxUnavailable {})",
            replicas(d),
            max_unavailable(d)
        ));
        return Ok(0);
    }
    let total_scale_down = available - min_available;
    let mut total = 0;
    for &i in old {
        if total >= total_scale_down {
            break;
        }
        let spec = spec_replicas(&sets.all[i]);
        if spec == 0 {
            continue;
        }
        let scale_down = spec.min(total_scale_down - total);
        ctx.because(format!(
            "scaled down {} from {spec} to {}: {available} available, minimum available is {min_available} (replicas {} - maxUnavailable {})",
            sets.all[i].metadata.name.as_deref().unwrap_or(""),
            spec - scale_down,
            replicas(d),
            max_unavailable(d)
        ));
        let (_, updated) = scale_rs_and_record(ctx, &sets.all[i], spec - scale_down, d)?;
        sets.all[i] = updated;
        total += scale_down;
    }
    Ok(total)
}
