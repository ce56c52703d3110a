//! The Progressing condition and the progress deadline (pkg/controller/deployment/progress.go).

use super::sync::{calculate_status, Sets};
use super::util::*;
use super::write_status;
use crate::sim::controller::Ctx;
use k8s_openapi::api::apps::v1::{Deployment, DeploymentCondition, DeploymentStatus};

/// syncRolloutStatus.
pub fn sync_rollout_status(ctx: &mut Ctx, sets: &Sets, d: &mut Deployment) -> Result<(), String> {
    let now = ctx.store.now();
    let mut status = calculate_status(sets, d, &now);
    if !has_progress_deadline(d) {
        remove_condition(&mut status, "Progressing");
    }
    let current = d.status.as_ref().and_then(|s| get_condition(s, "Progressing")).cloned();
    let complete_before = status.replicas == status.updated_replicas
        && current.as_ref().is_some_and(|c| c.reason.as_deref() == Some("NewReplicaSetAvailable"));
    if has_progress_deadline(d) && !complete_before {
        let new_name = sets.new_rs().and_then(|rs| rs.metadata.name.clone());
        let subject = |tail: &str| match &new_name {
            Some(n) => format!("ReplicaSet {n:?} {tail}"),
            None => format!("Deployment {:?} {tail}", d.metadata.name.as_deref().unwrap_or("")),
        };
        if deployment_complete(d, &status) {
            let c = new_condition(
                "Progressing",
                "True",
                "NewReplicaSetAvailable",
                subject("has successfully progressed."),
                &now,
            );
            set_condition(&mut status, c);
        } else if deployment_progressing(d, &status) {
            let mut c = new_condition("Progressing", "True", "ReplicaSetUpdated", subject("is progressing."), &now);
            if let Some(cur) = &current {
                if cur.status.as_deref() == Some("True") {
                    c.last_transition_time.clone_from(&cur.last_transition_time);
                }
                remove_condition(&mut status, "Progressing");
            }
            set_condition(&mut status, c);
        } else if deployment_timed_out(d, &status, &now) {
            let c = new_condition(
                "Progressing",
                "False",
                "ProgressDeadlineExceeded",
                subject("has timed out progressing."),
                &now,
            );
            set_condition(&mut status, c);
        }
    }
    // getReplicaFailures: surface the first ReplicaFailure of any ReplicaSet.
    let failure = sets.new_rs().into_iter().chain(sets.all.iter()).find_map(|rs| {
        rs.status.as_ref()?.conditions.as_ref()?.iter().find(|c| c.type_.as_deref() == Some("ReplicaFailure")).cloned()
    });
    match failure {
        Some(f) => set_condition(
            &mut status,
            DeploymentCondition {
                type_: Some("ReplicaFailure".into()),
                status: f.status,
                reason: f.reason,
                message: f.message,
                last_update_time: f.last_transition_time.clone(),
                last_transition_time: f.last_transition_time,
            },
        ),
        None => remove_condition(&mut status, "ReplicaFailure"),
    }
    if d.status.as_ref() == Some(&status) {
        requeue_stuck(ctx, d, &status);
        return Ok(());
    }
    d.status = Some(status);
    *d = write_status(ctx, d)?;
    Ok(())
}

/// requeueStuckDeployment: come back when the progress deadline passes. Deadlines are
/// compared in whole seconds with a strict `Before`, so the check fires a second later.
fn requeue_stuck(ctx: &mut Ctx, d: &Deployment, status: &DeploymentStatus) {
    let Some(c) = get_condition(status, "Progressing") else {
        return;
    };
    if !has_progress_deadline(d)
        || deployment_complete(d, status)
        || c.reason.as_deref() == Some("ProgressDeadlineExceeded")
    {
        return;
    }
    let Some(from) = &c.last_update_time else {
        return;
    };
    let deadline_ms = ctx.store.clock.ms_of(from) + i64::from(d.spec.progress_deadline_seconds.unwrap_or(0)) * 1000;
    let due = deadline_ms + 1000 - ctx.now_ms();
    let key = crate::api::ObjKey::new(
        crate::api::Kind::Deployment,
        d.metadata.namespace.as_deref().unwrap_or(""),
        d.metadata.name.as_deref().unwrap_or(""),
    );
    ctx.requeue_after(due.max(1), key);
}

/// checkPausedConditions: Progressing goes Unknown while paused.
pub fn check_paused_conditions(ctx: &mut Ctx, d: &mut Deployment) -> Result<(), String> {
    if !has_progress_deadline(d) {
        return Ok(());
    }
    let status = d.status.get_or_insert_with(Default::default);
    let cond = get_condition(status, "Progressing");
    if cond.is_some_and(|c| c.reason.as_deref() == Some("ProgressDeadlineExceeded")) {
        return Ok(());
    }
    let paused_exists = cond.is_some_and(|c| c.reason.as_deref() == Some("DeploymentPaused"));
    let paused = d.spec.paused == Some(true);
    let now = ctx.store.now();
    let c = if paused && !paused_exists {
        new_condition("Progressing", "Unknown", "DeploymentPaused", "Deployment is paused".into(), &now)
    } else if !paused && paused_exists {
        new_condition("Progressing", "Unknown", "DeploymentResumed", "Deployment is resumed".into(), &now)
    } else {
        return Ok(());
    };
    set_condition(status, c);
    *d = write_status(ctx, d)?;
    Ok(())
}
