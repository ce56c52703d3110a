//! Deployment scenarios driven through scripts, checked against the trace.

mod common;
use common::*;
use kubeloop::api::Kind;

fn apply_and_settle(manifest: &str) -> String {
    format!("kubectl apply -f - <<EOF\n{manifest}EOF\nsettle\n")
}

#[test]
fn rolling_update_3_replicas_25_percent() {
    let d = deployment("my-app", 3, &rolling("25%", "25%"), "", "nginx:1.25");
    let (engine, out) = run(&format!("{}kubectl set image deployment/my-app app=nginx:1.26\nsettle\nkubectl rollout status deployment/my-app\nkubectl get deploy my-app\n", apply_and_settle(&d)));
    assert!(out.contains("deployment \"my-app\" successfully rolled out"), "{out}");
    assert!(out.contains("my-app   3/3     3            3"), "{out}");
    let rss = replica_sets(&engine);
    assert_eq!(rss.len(), 2);
    let sizes: Vec<i32> = rss.values().map(|(s, _)| *s).collect();
    assert!(sizes.contains(&0) && sizes.contains(&3), "{rss:?}");
    // 25% of 3: maxSurge rounds up to 1, maxUnavailable rounds down to 0.
    let log = event_log(&engine);
    let scaling: Vec<&String> = log.iter().filter(|l| l.starts_with("ScalingReplicaSet")).collect();
    assert!(scaling[1].contains("from 0 to 1"), "{scaling:?}");
    assert!(scaling[2].contains("Scaled down") && scaling[2].contains("from 3 to 2"), "{scaling:?}");
}

#[test]
fn rolling_update_10_replicas_surge_3_unavailable_2_respects_bounds() {
    let d = deployment("web", 10, &rolling("3", "2"), "", "nginx:1.25");
    let (mut engine, _) = run(&apply_and_settle(&d));
    let from = engine.store.trace.len();
    let out = run_on(&mut engine, "kubectl set image deployment/web app=nginx:1.26\nsettle\n");
    assert!(!out.contains("error"), "{out}");
    let log = event_log(&engine);
    let scaling: Vec<&String> = log.iter().filter(|l| l.starts_with("ScalingReplicaSet")).skip(1).collect();
    assert!(scaling[0].contains("Scaled up replica set") && scaling[0].ends_with("from 0 to 3"), "{scaling:?}");
    assert!(scaling[1].contains("Scaled down") && scaling[1].ends_with("from 10 to 8"), "{scaling:?}");
    for (active, ready) in pod_counts_over_trace(&engine, from, "web") {
        assert!(active <= 13, "more than replicas + maxSurge pods: {active}");
        assert!(ready >= 8, "fewer than replicas - maxUnavailable ready pods: {ready}");
    }
    let rss = replica_sets(&engine);
    assert!(rss.values().any(|&(s, r)| s == 10 && r == 10), "{rss:?}");
}

#[test]
fn never_ready_pod_with_max_unavailable_0_stalls_until_the_deadline() {
    let stuck = "        sim.kubeloop.dev/ready: \"never\"\n";
    let d1 = deployment("my-app", 3, &rolling("1", "0"), "", "nginx:1.25");
    let d2 = deployment("my-app", 3, &rolling("1", "0"), stuck, "nginx:1.26");
    let script = format!(
        "{}kubectl apply -f - <<EOF\n{d2}EOF\nadvance 30s\nkubectl get rs\nkubectl rollout status deployment/my-app --watch=false\nsettle\nkubectl rollout status deployment/my-app\n",
        apply_and_settle(&d1)
    );
    let (engine, out) = run(&script);
    // Old pods are kept: 3 ready old, 1 unready new.
    let rss = replica_sets(&engine);
    assert!(rss.values().any(|&(s, r)| s == 3 && r == 3), "{rss:?}");
    assert!(rss.values().any(|&(s, r)| s == 1 && r == 0), "{rss:?}");
    assert!(
        out.contains(
            "Waiting for deployment \"my-app\" rollout to finish: 1 out of 3 new replicas have been updated..."
        ),
        "{out}"
    );
    assert!(out.contains("error: deployment \"my-app\" exceeded its progress deadline"), "{out}");
    let d = engine.store.get_named(Kind::Deployment, "default", "my-app").unwrap().as_deployment().unwrap().clone();
    let cond =
        d.status.unwrap().conditions.unwrap().into_iter().find(|c| c.type_.as_deref() == Some("Progressing")).unwrap();
    assert_eq!(cond.status.as_deref(), Some("False"));
    assert_eq!(cond.reason.as_deref(), Some("ProgressDeadlineExceeded"));
    assert!(cond.message.unwrap().ends_with("has timed out progressing."));
    // Timed out 60s (progressDeadlineSeconds) after the last progress, not before.
    let ms = engine.store.clock.ms_of(&cond.last_update_time.unwrap());
    assert!((60_000..=75_000).contains(&(ms - 2_000)), "timed out at {ms} ms");
}

#[test]
fn recreate_never_overlaps_old_and_new_pods() {
    let d1 = deployment("db", 2, "    type: Recreate", "", "mysql:8.0");
    let d2 = deployment("db", 2, "    type: Recreate", "", "mysql:8.4");
    let (mut engine, _) = run(&apply_and_settle(&d1));
    let from = engine.store.trace.len();
    run_on(&mut engine, &apply_and_settle(&d2));
    let mut old_alive = 2usize;
    let mut seen_new = false;
    let images = |o: &kubeloop::api::Object| {
        o.as_pod().and_then(|p| p.spec.as_ref()).map(|s| s.containers[0].image.clone().unwrap_or_default())
    };
    for r in &engine.store.trace[from..] {
        if r.object.kind() != Kind::Pod {
            continue;
        }
        match (images(&r.object).as_deref(), r.verb) {
            (Some("mysql:8.0"), kubeloop::trace::Verb::Delete) => old_alive -= 1,
            (Some("mysql:8.4"), kubeloop::trace::Verb::Create) => {
                assert_eq!(old_alive, 0, "a new pod was created while old pods still existed");
                seen_new = true;
            }
            _ => {}
        }
    }
    assert!(seen_new);
    let rss = replica_sets(&engine);
    assert!(rss.values().any(|&(s, r)| s == 2 && r == 2) && rss.values().any(|&(s, _)| s == 0), "{rss:?}");
}

#[test]
fn rollback_reuses_the_old_replica_set_with_a_new_revision() {
    let (engine, out) = run("kubectl apply -f my-app.yaml\nsettle\nkubectl set image deployment/my-app app=nginx:1.26\nsettle\nkubectl rollout undo deployment/my-app --to-revision=1\nsettle\nkubectl rollout history deployment/my-app\nkubectl rollout undo deployment/my-app --to-revision=9\n");
    assert!(out.contains("deployment.apps/my-app rolled back"), "{out}");
    assert!(out.contains("REVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n"), "{out}");
    assert!(out.contains("error: unable to find specified revision 9 in history"), "{out}");
    let rss: Vec<_> =
        engine.store.list(Kind::ReplicaSet, Some("default")).filter_map(|o| o.as_replica_set().cloned()).collect();
    assert_eq!(rss.len(), 2, "rollback must not create a third ReplicaSet");
    let first = rss.iter().find(|rs| rs.spec.replicas == Some(3)).unwrap();
    let a = first.metadata.annotations.clone().unwrap();
    assert_eq!(a["deployment.kubernetes.io/revision"], "3");
    assert_eq!(a["deployment.kubernetes.io/revision-history"], "1");
    assert_eq!(
        first.spec.template.as_ref().unwrap().spec.as_ref().unwrap().containers[0].image.as_deref(),
        Some("nginx:1.25")
    );
}

#[test]
fn revision_history_limit_keeps_two_old_replica_sets() {
    let mut script = apply_and_settle(
        &deployment("web", 2, &rolling("1", "0"), "", "nginx:1.0")
            .replace("  replicas: 2\n", "  replicas: 2\n  revisionHistoryLimit: 2\n"),
    );
    for v in 1..=5 {
        script.push_str(&format!("kubectl set image deployment/web app=nginx:1.{v}\nsettle\n"));
    }
    let (engine, _) = run(&script);
    let rss = replica_sets(&engine);
    assert_eq!(rss.len(), 3, "current + revisionHistoryLimit old: {rss:?}");
    let revisions: Vec<String> = engine
        .store
        .list(Kind::ReplicaSet, None)
        .map(|o| o.meta().annotations.as_ref().unwrap()["deployment.kubernetes.io/revision"].clone())
        .collect();
    let mut revisions: Vec<i32> = revisions.iter().map(|r| r.parse().unwrap()).collect();
    revisions.sort();
    assert_eq!(revisions, vec![4, 5, 6]);
}

#[test]
fn scaling_mid_rollout_is_proportional() {
    let stuck = "        sim.kubeloop.dev/ready: \"never\"\n";
    let d1 = deployment("web", 10, &rolling("3", "2"), "", "nginx:1.25");
    let d2 = deployment("web", 10, &rolling("3", "2"), stuck, "nginx:1.26");
    let script = format!(
        "{}kubectl apply -f - <<EOF\n{d2}EOF\nadvance 20s\nkubectl scale deployment/web --replicas=20\nadvance 1s\n",
        apply_and_settle(&d1)
    );
    let (engine, out) = run(&script);
    assert!(out.contains("deployment.apps/web scaled"), "{out}");
    // Before: old 8, new 5 (13 = 10 + 3 surge). After: 20 + 3 surge = 23 allowed; the 10
    // added go by each ReplicaSet's share of the old maximum (13), larger first:
    // old round(8*23/13) = 14 (+6), new round(5*23/13) = 9 (+4).
    let mut sizes: Vec<i32> = replica_sets(&engine).values().map(|(s, _)| *s).collect();
    sizes.sort();
    assert_eq!(sizes, vec![9, 14], "{out}");
}

#[test]
fn same_seed_same_trace_bytes() {
    let script = "kubectl apply -f my-app.yaml\nsettle\nkubectl set image deployment/my-app app=nginx:1.26\nsettle\n";
    let dump = |e: &kubeloop::sim::engine::Engine| {
        e.store.trace.iter().map(|r| r.to_json(&e.store.clock).to_string()).collect::<Vec<_>>().join("\n")
    };
    let (a, _) = run(script);
    let (b, _) = run(script);
    assert_eq!(dump(&a), dump(&b));
    assert!(dump(&a).contains("\"actor\":\"deployment-controller\""));
}

#[test]
fn min_ready_seconds_delays_availability() {
    let d = deployment("slow", 2, &rolling("1", "0"), "", "nginx:1.25")
        .replace("  replicas: 2\n", "  replicas: 2\n  minReadySeconds: 10\n");
    let (_, out) = run(&format!(
        "kubectl apply -f - <<EOF\n{d}EOF\nadvance 5s\nkubectl get deploy slow\nadvance 10s\nkubectl get deploy slow\n"
    ));
    let tables: Vec<&str> = out.split("$ ").filter(|s| s.starts_with("kubectl get")).collect();
    // Ready at 2s, available 10s later.
    assert!(tables[0].contains("slow   2/2     2            0"), "{out}");
    assert!(tables[1].contains("slow   2/2     2            2"), "{out}");
}
