//! `kubectl rollout status|history|undo|pause|resume|restart` for Deployments, and
//! status, history and undo for StatefulSets (kubectl/pkg/polymorphichelpers:
//! rollout_status.go, history.go, rollback.go).

use super::wait::{Condition, Reply, Wait};
use super::{resource_and_name, Args, Output};
use crate::api::{Kind, Object};
use crate::controllers::deployment::util::{
    equal_ignore_hash, revision, DESIRED_REPLICAS, MAX_REPLICAS, POD_TEMPLATE_HASH, REVISION, REVISION_HISTORY,
};
use crate::store::Store;
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use std::collections::BTreeMap;

const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";

pub fn rollout(store: &mut Store, args: &Args) -> Reply {
    match args.positional.first().map(String::as_str) {
        Some("status") => {}
        _ => return run(store, args).into(),
    }
    let (kind, name) = match resource_and_name(&args.positional[1..]) {
        Ok(v) => v,
        Err(e) => return Output::err(e).into(),
    };
    if !matches!(kind, Kind::Deployment | Kind::StatefulSet) {
        return Output::err(format!(
            "error: kubeloop supports rollout for deployments and statefulsets only (got {})",
            kind.plural()
        ))
        .into();
    }
    let ns = args.namespace();
    if store.get_named(kind, &ns, &name).is_none() {
        return Output::err(format!("Error from server (NotFound): {} {name:?} not found", kind.resource_plural()))
            .into();
    }
    match status(store, args, kind, &ns, &name) {
        Ok(wait) => Reply { output: Output::default(), wait: Some(wait) },
        Err(out) => out.into(),
    }
}

fn run(store: &mut Store, args: &Args) -> Output {
    let Some((sub, rest)) = args.positional.split_first() else {
        return Output::err("error: you must specify a subcommand: status, history, undo, pause, resume, restart");
    };
    let (kind, name) = match resource_and_name(rest) {
        Ok(v) => v,
        Err(e) => return Output::err(e),
    };
    let ns = args.namespace();
    if kind == Kind::StatefulSet {
        return stateful_set(store, sub, &ns, &name, args);
    }
    if kind != Kind::Deployment {
        return Output::err(format!(
            "error: kubeloop supports rollout for deployments and statefulsets only (got {})",
            kind.plural()
        ));
    }
    let Some(d) = store.get_named(kind, &ns, &name).and_then(|o| o.as_deployment().cloned()) else {
        return Output::err(format!("Error from server (NotFound): deployments.apps {name:?} not found"));
    };
    let label = format!("deployment.apps/{name}");
    match sub.as_str() {
        "history" => history(store, &d, &label, args),
        "undo" => undo(store, d, &label, args),
        "pause" | "resume" => {
            let pause = sub == "pause";
            if (d.spec.paused == Some(true)) == pause {
                return if pause {
                    Output::err(format!("error: deployments.apps {name:?} is already paused"))
                } else {
                    Output::err(format!("error: deployments.apps {name:?} is not paused"))
                };
            }
            let mut d = d;
            d.spec.paused = pause.then_some(true);
            write(store, d, &format!("{label} {}\n", if pause { "paused" } else { "resumed" }))
        }
        "restart" => {
            if d.spec.paused == Some(true) {
                return Output::err(format!(
                    "error: deployments.apps {name:?} can't restart paused deployment (run rollout resume first)"
                ));
            }
            let mut d = d;
            mark_restarted(store, &mut d.spec.template);
            write(store, d, &format!("{label} restarted\n"))
        }
        other => Output::err(format!("error: unknown command \"{other}\" for \"kubectl rollout\"")),
    }
}

/// ObjectRestarter: the template's `kubectl.kubernetes.io/restartedAt`, now.
fn mark_restarted(store: &Store, template: &mut k8s_openapi::api::core::v1::PodTemplateSpec) {
    let now = crate::api::time::format_ts(crate::api::time::truncate(store.clock.now()));
    let meta = template.metadata.get_or_insert_with(Default::default);
    meta.annotations.get_or_insert_with(Default::default).insert("kubectl.kubernetes.io/restartedAt".into(), now);
}

fn write(store: &mut Store, d: Deployment, ok: &str) -> Output {
    match store.update(Object::Deployment(Box::new(d)), "kubectl") {
        Ok(_) => Output::out(ok),
        Err(e) => Output::err(e.to_string()),
    }
}

/// DeploymentStatusViewer.Status: (message, done) or an error.
pub fn status_line(d: &Deployment) -> Result<(String, bool), String> {
    let name = d.metadata.name.as_deref().unwrap_or("");
    let s = d.status.clone().unwrap_or_default();
    if d.metadata.generation.unwrap_or(0) > s.observed_generation.unwrap_or(0) {
        return Ok(("Waiting for deployment spec update to be observed...\n".into(), false));
    }
    let cond = s.conditions.iter().flatten().find(|c| c.type_.as_deref() == Some("Progressing"));
    if cond.is_some_and(|c| c.reason.as_deref() == Some("ProgressDeadlineExceeded")) {
        return Err(format!("error: deployment {name:?} exceeded its progress deadline"));
    }
    let (replicas, updated, total, available) = (
        d.spec.replicas.unwrap_or(1),
        s.updated_replicas.unwrap_or(0),
        s.replicas.unwrap_or(0),
        s.available_replicas.unwrap_or(0),
    );
    if updated < replicas {
        return Ok((format!("Waiting for deployment {name:?} rollout to finish: {updated} out of {replicas} new replicas have been updated...\n"), false));
    }
    if total > updated {
        return Ok((
            format!(
                "Waiting for deployment {name:?} rollout to finish: {} old replicas are pending termination...\n",
                total - updated
            ),
            false,
        ));
    }
    if available < updated {
        return Ok((format!("Waiting for deployment {name:?} rollout to finish: {available} of {updated} updated replicas are available...\n"), false));
    }
    Ok((format!("deployment {name:?} successfully rolled out\n"), true))
}

/// `rollout status`: the wait for the rollout, which whoever drives time plays out.
fn status(store: &Store, args: &Args, kind: Kind, ns: &str, name: &str) -> Result<Wait, Output> {
    let watch = args.get(&["watch", "w"]) != Some("false");
    let timeout = match args.get(&["timeout"]).map(crate::api::time::parse_duration_ms) {
        None | Some(Ok(0)) => 3_600_000,
        Some(Ok(t)) => t,
        Some(Err(e)) => return Err(Output::err(format!("error: invalid argument for \"--timeout\" flag: {e}"))),
    };
    let revision = match args.get(&["revision"]).map(str::parse::<i64>) {
        None => None,
        Some(Ok(r)) if r >= 0 => Some(r),
        _ => return Err(Output::err("error: revision must be a positive integer")),
    };
    Ok(Wait {
        condition: Condition::Rollout {
            kind,
            namespace: ns.to_string(),
            name: name.to_string(),
            watch,
            revision,
            last: String::new(),
        },
        deadline_ms: store.clock.now_ms.saturating_add(timeout),
    })
}

fn owned_replica_sets(store: &Store, d: &Deployment) -> Vec<ReplicaSet> {
    let uid = d.metadata.uid.as_deref().unwrap_or("");
    let mut v: Vec<ReplicaSet> = store
        .owned_by(uid)
        .filter(|o| o.controller_ref().is_some_and(|r| r.uid == uid))
        .filter_map(|o| o.as_replica_set().cloned())
        .collect();
    crate::sort::sort_by_key(&mut v, revision);
    v
}

fn history(store: &Store, d: &Deployment, label: &str, args: &Args) -> Output {
    let rss = owned_replica_sets(store, d);
    if rss.is_empty() {
        return Output::out("No rollout history found.\n");
    }
    if let Some(rev) = args.get(&["revision"]).and_then(|r| r.parse::<i64>().ok()).filter(|r| *r > 0) {
        let Some(rs) = rss.iter().find(|rs| revision(rs) == rev) else {
            return Output::err("error: unable to find the specified revision");
        };
        return Output::out(format!(
            "{label} with revision #{rev}\n{}\n",
            super::describe::template_text(rs.spec.template.as_ref())
        ));
    }
    let mut rows = vec![vec!["REVISION".to_string(), "CHANGE-CAUSE".to_string()]];
    let mut by_rev: BTreeMap<i64, String> = BTreeMap::new();
    for rs in &rss {
        let cause = rs
            .metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(CHANGE_CAUSE))
            .cloned()
            .unwrap_or_else(|| "<none>".into());
        by_rev.insert(revision(rs), cause);
    }
    rows.extend(by_rev.into_iter().map(|(r, c)| vec![r.to_string(), c]));
    Output::out(format!("{label} \n{}\n", super::table::tabwrite(&rows, 0, 2)))
}

/// DeploymentRollbacker: copy the chosen ReplicaSet's template back into the Deployment.
fn undo(store: &mut Store, mut d: Deployment, label: &str, args: &Args) -> Output {
    let name = d.metadata.name.clone().unwrap_or_default();
    let to_revision = args.get(&["to-revision"]).and_then(|r| r.parse::<i64>().ok()).unwrap_or(0);
    if d.spec.paused == Some(true) {
        return Output::err(format!("error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/{name}' and try again"));
    }
    let rss = owned_replica_sets(store, &d);
    let target = if to_revision == 0 {
        let mut revs: Vec<i64> = rss.iter().map(revision).collect();
        crate::sort::sort(&mut revs);
        revs.dedup();
        match revs.len() {
            0 | 1 => return Output::err(format!("error: no rollout history found for deployment {name:?}")),
            n => {
                let previous = revs[n - 2];
                rss.iter().find(|rs| revision(rs) == previous).cloned()
            }
        }
    } else {
        rss.iter().find(|rs| revision(rs) == to_revision).cloned()
    };
    let Some(rs) = target else {
        return Output::err(format!("error: unable to find specified revision {to_revision} in history"));
    };
    let Some(mut template) = rs.spec.template.clone() else {
        return Output::err(format!("error: unable to find specified revision {to_revision} in history"));
    };
    if equal_ignore_hash(&template, &d.spec.template) {
        return Output::out(format!(
            "{label} skipped rollback (current template already matches revision {to_revision})\n"
        ));
    }
    if let Some(l) = template.metadata.as_mut().and_then(|m| m.labels.as_mut()) {
        l.remove(POD_TEMPLATE_HASH);
    }
    d.spec.template = template;
    // Annotations come from the ReplicaSet, except the ones kubectl leaves on the Deployment.
    let skip = [
        super::apply::LAST_APPLIED,
        REVISION,
        REVISION_HISTORY,
        DESIRED_REPLICAS,
        MAX_REPLICAS,
        "deprecated.deployment.rollback.to",
    ];
    let mut annotations: BTreeMap<String, String> = d
        .metadata
        .annotations
        .clone()
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, _)| skip.contains(&k.as_str()))
        .collect();
    for (k, v) in rs.metadata.annotations.clone().unwrap_or_default() {
        if !skip.contains(&k.as_str()) {
            annotations.insert(k, v);
        }
    }
    d.metadata.annotations = Some(annotations);
    write(store, d, &format!("{label} rolled back\n"))
}

/// StatefulSetStatusViewer.Status: (message, done) or an error.
pub fn stateful_set_status_line(s: &crate::kinds::statefulset::StatefulSet) -> Result<(String, bool), String> {
    let strategy = s.spec.update_strategy.clone().unwrap_or_default();
    if strategy.type_.as_deref() != Some("RollingUpdate") {
        return Err("error: rollout status is only available for RollingUpdate strategy type".into());
    }
    let st = s.status.clone().unwrap_or_default();
    let observed = st.observed_generation.unwrap_or(0);
    if observed == 0 || s.metadata.generation.unwrap_or(0) > observed {
        return Ok(("Waiting for statefulset spec update to be observed...\n".into(), false));
    }
    let replicas = s.spec.replicas.unwrap_or(1);
    let (ready, updated) = (st.ready_replicas.unwrap_or(0), st.updated_replicas.unwrap_or(0));
    if ready < replicas {
        return Ok((format!("Waiting for {} pods to be ready...\n", replicas - ready), false));
    }
    if let Some(ru) = &strategy.rolling_update {
        if let Some(partition) = ru.partition {
            if updated < replicas - partition {
                return Ok((
                    format!(
                        "Waiting for partitioned roll out to finish: {updated} out of {} new pods have been updated...\n",
                        replicas - partition
                    ),
                    false,
                ));
            }
        }
        return Ok((format!("partitioned roll out complete: {updated} new pods have been updated...\n"), true));
    }
    let (current, update) = (st.current_revision.unwrap_or_default(), st.update_revision.unwrap_or_default());
    if update != current {
        return Ok((
            format!("waiting for statefulset rolling update to complete {updated} pods at revision {update}...\n"),
            false,
        ));
    }
    Ok((
        format!(
            "statefulset rolling update complete {} pods at revision {current}...\n",
            st.current_replicas.unwrap_or(0)
        ),
        true,
    ))
}

/// The set's ControllerRevisions, by revision number.
fn revisions(store: &Store, set: &Object) -> Vec<k8s_openapi::api::apps::v1::ControllerRevision> {
    let mut v: Vec<std::rc::Rc<Object>> = store
        .owned_by(set.uid())
        .filter(|o| o.kind() == Kind::ControllerRevision && o.controller_ref().is_some_and(|r| r.uid == set.uid()))
        .cloned()
        .collect();
    crate::controllers::history::sort_revisions(&mut v);
    v.iter().filter_map(|o| o.as_controller_revision().cloned()).collect()
}

/// `rollout history|undo statefulset/NAME` (StatefulSetHistoryViewer, StatefulSetRollbacker).
fn stateful_set(store: &mut Store, sub: &str, ns: &str, name: &str, args: &Args) -> Output {
    let Some(obj) = store.get_named(Kind::StatefulSet, ns, name).cloned() else {
        return Output::err(format!("Error from server (NotFound): statefulsets.apps {name:?} not found"));
    };
    let Some(set) = obj.as_stateful_set().cloned() else { return Output::default() };
    let label = format!("statefulset.apps/{name}");
    let revs = revisions(store, &obj);
    let number = |r: &k8s_openapi::api::apps::v1::ControllerRevision| r.revision.unwrap_or(0);
    let template_of = |r: &k8s_openapi::api::apps::v1::ControllerRevision| {
        crate::controllers::statefulset::utils::apply_revision(&set, Some(&r.data.0)).spec.template
    };
    match sub {
        "history" => {
            if revs.is_empty() {
                return Output::out("No rollout history found.\n");
            }
            if let Some(want) = args.get(&["revision"]).and_then(|r| r.parse::<i64>().ok()).filter(|r| *r > 0) {
                let Some(r) = revs.iter().find(|r| number(r) == want) else {
                    return Output::err(format!("error: unable to find the specified revision {want}"));
                };
                return Output::out(format!(
                    "{label} with revision #{want}\n{}\n",
                    super::describe::template_text(Some(&template_of(r)))
                ));
            }
            let mut rows = vec![vec!["REVISION".to_string(), "CHANGE-CAUSE".to_string()]];
            for r in &revs {
                let cause = r.metadata.annotations.as_ref().and_then(|a| a.get(CHANGE_CAUSE)).cloned();
                rows.push(vec![number(r).to_string(), cause.unwrap_or_else(|| "<none>".into())]);
            }
            Output::out(format!("{label} \n{}\n", super::table::tabwrite(&rows, 0, 2)))
        }
        "undo" => {
            let to = args.get(&["to-revision"]).and_then(|r| r.parse::<i64>().ok()).unwrap_or(0);
            let target = if to == 0 {
                if revs.len() < 2 {
                    return Output::err("error: no last revision to roll back to");
                }
                revs.get(revs.len() - 2)
            } else {
                revs.iter().find(|r| number(r) == to)
            };
            let Some(target) = target else {
                return Output::err(format!("error: unable to find specified revision {to} in history"));
            };
            let template = template_of(target);
            if template == set.spec.template {
                return Output::out(format!(
                    "{label} skipped rollback (current template already matches revision {to})\n"
                ));
            }
            let mut copy = set;
            copy.spec.template = template;
            match store.update(Object::StatefulSet(Box::new(copy)), "kubectl") {
                Ok(_) => Output::out(format!("{label} rolled back\n")),
                Err(e) => Output::err(e.to_string()),
            }
        }
        "restart" => {
            let mut copy = set;
            mark_restarted(store, &mut copy.spec.template);
            match store.update(Object::StatefulSet(Box::new(copy)), "kubectl") {
                Ok(_) => Output::out(format!("{label} restarted\n")),
                Err(e) => Output::err(e.to_string()),
            }
        }
        "pause" | "resume" => {
            let what = if sub == "pause" { "pausing" } else { "resuming" };
            Output::err(format!("error: statefulsets.apps {name:?} {what} is not supported"))
        }
        other => Output::err(format!("error: unknown command \"{other}\" for \"kubectl rollout\"")),
    }
}
