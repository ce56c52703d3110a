//! The engine's registry, decisions and bounds: typed queues readable by name, a
//! controller-manager restart that converges from the store alone, reasons on writes,
//! and extreme valid values that must not stall virtual time.

mod common;
use common::*;
use kubeloop::api::Kind;

fn apply_and_settle(manifest: &str) -> String {
    format!("kubectl apply -f - <<EOF\n{manifest}EOF\nsettle\n")
}

/// Pods of `app`, as (ReplicaSet image, ready) pairs sorted, plus the ReplicaSet sizes.
fn final_state(engine: &kubeloop::sim::engine::Engine) -> (Vec<(String, i32)>, usize) {
    let mut rss: Vec<(String, i32)> = engine
        .store
        .list(Kind::ReplicaSet, Some("default"))
        .filter_map(|o| o.as_replica_set())
        .map(|rs| (kubeloop::api::pod::template_images(rs.spec.template.as_ref()), rs.spec.replicas.unwrap_or(1)))
        .collect();
    rss.sort();
    let ready = engine
        .store
        .list(Kind::Pod, Some("default"))
        .filter_map(|o| o.as_pod())
        .filter(|p| kubeloop::api::pod::is_ready(p) && p.metadata.deletion_timestamp.is_none())
        .count();
    (rss, ready)
}

#[test]
fn a_mid_rollout_controller_manager_restart_ends_in_the_same_state() {
    let d = deployment("web", 6, &rolling("2", "1"), "", "nginx:1.25");
    let script = format!("{}kubectl set image deployment/web app=nginx:1.26\nadvance 2s\n", apply_and_settle(&d));
    let (mut plain, _) = run(&script);
    let (mut restarted, _) = run(&script);
    restarted.restart_controller_manager();
    let q = restarted.queue("deployment-controller").unwrap();
    assert!(q.waiting.iter().any(|k| k.kind == Kind::Deployment && &*k.name == "web"), "re-listed: {q:?}");
    assert_eq!(q.syncs, 0, "a restarted controller starts with a fresh count");
    run_on(&mut plain, "settle\n");
    run_on(&mut restarted, "settle\n");
    let (a, b) = (final_state(&plain), final_state(&restarted));
    assert_eq!(a, b);
    assert_eq!(a.1, 6, "{a:?}");
    assert!(a.0.contains(&("nginx:1.26".to_string(), 6)), "{a:?}");
}

#[test]
fn every_controller_has_a_unique_upstream_name_and_a_readable_queue() {
    let (engine, _) = run("");
    let names = engine.controller_names();
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "{names:?}");
    for want in ["deployment-controller", "replicaset-controller", "garbage-collector", "default-scheduler", "kubelet"]
    {
        let q = engine.queue(want).unwrap_or_else(|| panic!("{want} in {names:?}"));
        assert!(!q.watches.is_empty(), "{want}");
    }
    assert!(engine.queue("nope").is_none());
}

#[test]
fn writes_carry_their_sync_and_reason() {
    let d = deployment("my-app", 3, &rolling("1", "0"), "", "nginx:1.25");
    let (engine, _) =
        run(&format!("{}kubectl set image deployment/my-app app=nginx:1.26\nsettle\n", apply_and_settle(&d)));
    let why = |actor: &str, needle: &str| {
        engine
            .store
            .trace
            .iter()
            .any(|r| r.actor == actor && r.sync.is_some() && r.why.as_deref().is_some_and(|w| w.contains(needle)))
    };
    assert!(why("deployment-controller", "3 desired + maxSurge 1 allows 4, 3 exist"), "scale-up reason");
    assert!(
        why("deployment-controller", "minimum available is 3 (replicas 3 - maxUnavailable 0)"),
        "scale-down reason"
    );
    assert!(why("replicaset-controller", "3 desired, 0 exist"), "create reason");
    assert!(why("default-scheduler", "nodes fit"), "bind reason");
    // A reason is never left over for a write it was not given for.
    for r in &engine.store.trace {
        if let Some(w) = r.why.as_deref() {
            let nums: Vec<&str> = w.split(' ').collect();
            let same = nums.windows(4).any(|x| x[0] == "from" && x[2] == "to" && x[1] == x[3].trim_end_matches(':'));
            assert!(!same, "a no-op reason: {w}");
            if r.object.kind() == Kind::Event {
                panic!("an Event carries a controller's reason: {w}");
            }
        }
    }
    assert!(
        engine.store.decisions.iter().any(|d| d.why.contains("not scaling down old replica sets")),
        "a decision that wrote nothing is kept"
    );
    let kubectl = engine.store.trace.iter().find(|r| r.actor == "kubectl").unwrap();
    assert_eq!(kubectl.sync, None);
    let json = kubectl.to_json(&engine.store.clock);
    assert!(json.get("sync").is_some() && json.get("why").is_some() && json.get("resourceVersion").is_some());
}

#[test]
fn a_pod_that_fits_nowhere_says_why() {
    let d = deployment("big", 1, &rolling("1", "0"), "", "nginx:1.25")
        .replace("image: nginx:1.25", "image: nginx:1.25\n        resources: {requests: {cpu: \"64\"}}");
    let (engine, _) = run(&apply_and_settle(&d));
    let w = engine
        .store
        .trace
        .iter()
        .filter(|r| r.actor == "default-scheduler")
        .find_map(|r| r.why.clone())
        .expect("a reason");
    assert!(w.contains("fits nowhere: 0/3 nodes are available: 3 Insufficient cpu"), "{w}");
}

#[test]
fn deletes_and_event_expiry_move_the_resource_version() {
    let (mut engine, _) = run("");
    engine.store.limits.max_events = 2;
    let d = deployment("web", 2, &rolling("1", "0"), "", "nginx:1.25");
    run_on(&mut engine, &format!("{}kubectl delete deployment web\nsettle\n", apply_and_settle(&d)));
    let deletes: Vec<_> = engine.store.trace.iter().filter(|r| r.verb == kubeloop::trace::Verb::Delete).collect();
    assert!(deletes.iter().any(|r| r.actor == "kube-apiserver" && r.object.kind() == Kind::Event));
    let mut last = 0u64;
    for r in &engine.store.trace {
        let rv: u64 = r.object.meta().resource_version.as_deref().unwrap_or("0").parse().unwrap();
        assert!(rv > last, "resourceVersion moves on every write: {rv} after {last} ({:?})", r.verb);
        last = rv;
    }
}

/// The int32 maximum of every integer field we read, and the largest knob values: each
/// `settle` and `advance` still returns (timers far away mean "never", not a loop).
#[test]
fn extreme_valid_values_do_not_stall_virtual_time() {
    let max = i32::MAX;
    let manifest = format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web}}\nspec:\n  replicas: 2\n  progressDeadlineSeconds: {max}\n  minReadySeconds: {}\n  revisionHistoryLimit: {max}\n  selector: {{matchLabels: {{app: web}}}}\n  template:\n    metadata:\n      labels: {{app: web}}\n      annotations:\n        sim.kubeloop.dev/start-seconds: \"31536000\"\n        sim.kubeloop.dev/pull-seconds: \"31536000\"\n        sim.kubeloop.dev/shutdown-seconds: \"31536000\"\n    spec:\n      terminationGracePeriodSeconds: {}\n      containers:\n      - name: c\n        image: nginx:1\n        readinessProbe: {{exec: {{command: [x]}}, periodSeconds: {max}, initialDelaySeconds: {max}, successThreshold: 1}}\n",
        max - 1,
        i64::MAX
    );
    let (mut engine, out) = run(&format!("{}advance 1000000h\nkubectl get deploy web\n", apply_and_settle(&manifest)));
    assert!(out.contains("deployment.apps/web created"), "{out}");
    assert!(!out.contains("error"), "{out}");
    let out = run_on(&mut engine, "kubectl delete deployment web --wait=false\nsettle 24h\nkubectl get pods\n");
    assert!(!out.contains("kubeloop stopped"), "{out}");
    // The plain int32 maximum deadline alone, which once looped at one instant.
    let d = deployment("plain", 2, &rolling("1", "0"), "", "nginx:1.25")
        .replace("progressDeadlineSeconds: 60", &format!("progressDeadlineSeconds: {max}"));
    let (engine, out) = run(&format!("{}kubectl get deploy plain\n", apply_and_settle(&d)));
    assert!(out.contains("plain   2/2"), "{out}");
    let d = engine.store.get_named(Kind::Deployment, "default", "plain").unwrap();
    let conds = d.as_deployment().unwrap().status.as_ref().unwrap().conditions.clone().unwrap_or_default();
    assert!(conds.iter().all(|c| c.type_.as_deref() != Some("Progressing")), "no deadline, no Progressing");
}

/// The pod garbage collector's quarantine is memory; after a restart it finds the pods of
/// a deleted node again from the store (gcOrphaned) and still collects them.
#[test]
fn a_restart_during_the_pod_gc_quarantine_still_collects_the_pods() {
    let d = deployment("web", 3, &rolling("1", "0"), "", "nginx:1.25");
    let (mut engine, _) =
        run(&format!("{}kubectl delete node node-1 --wait=false\nadvance 10s\n", apply_and_settle(&d)));
    let on_gone = |e: &kubeloop::sim::engine::Engine| {
        e.store
            .list(Kind::Pod, Some("default"))
            .filter(|p| p.as_pod().map(kubeloop::api::pod::node_name) == Some("node-1"))
            .count()
    };
    assert_eq!(on_gone(&engine), 1, "one pod was on node-1 and waits out the quarantine");
    engine.restart_controller_manager();
    run_on(&mut engine, "advance 40s\n");
    assert_eq!(on_gone(&engine), 0, "collected after the restart");
}
