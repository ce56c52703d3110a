//! Recreate (pkg/controller/deployment/recreate.go): scale every old ReplicaSet to zero,
//! wait until no old pod runs, then scale the new one up.

use super::progress::sync_rollout_status;
use super::sync::{finish_rollout, scale_rs_and_record, sets_and_sync_revision, Sets};
use super::util::*;
use crate::api::{pod, Kind};
use crate::sim::controller::Ctx;
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};

/// rolloutRecreate.
pub fn rollout_recreate(ctx: &mut Ctx, d: &mut Deployment, rss: Vec<ReplicaSet>) -> Result<(), String> {
    let mut sets = sets_and_sync_revision(ctx, d, rss.clone(), false)?;
    let mut scaled_down = false;
    for i in sets.active_old_by_creation() {
        let (scaled, rs) = scale_rs_and_record(ctx, &sets.all[i], 0, d)?;
        sets.all[i] = rs;
        scaled_down |= scaled;
    }
    if scaled_down {
        return sync_rollout_status(ctx, &sets, d);
    }
    if old_pods_running(ctx, &sets) {
        return sync_rollout_status(ctx, &sets, d);
    }
    if sets.new.is_none() {
        sets = sets_and_sync_revision(ctx, d, sets.all.clone(), true)?;
    }
    if let Some(ni) = sets.new {
        let (scaled_up, rs) = scale_rs_and_record(ctx, &sets.all[ni], replicas(d), d)?;
        sets.all[ni] = rs;
        if scaled_up {
            return sync_rollout_status(ctx, &sets, d);
        }
    }
    finish_rollout(ctx, d, &sets)
}

/// oldPodsRunning: any old pod not yet Succeeded or Failed, terminating ones included.
pub fn old_pods_running(ctx: &Ctx, sets: &Sets) -> bool {
    let old = sets.old();
    if actual_count(&old) > 0 {
        return true;
    }
    old.iter().any(|rs| {
        let uid = rs.metadata.uid.as_deref().unwrap_or("");
        ctx.store
            .owned_by(uid)
            .filter(|o| o.kind() == Kind::Pod)
            .filter_map(|o| o.as_pod())
            .any(|p| !matches!(pod::phase(p), "Failed" | "Succeeded"))
    })
}
