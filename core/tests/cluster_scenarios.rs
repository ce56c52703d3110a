//! kubectl, validation, garbage collection, kubelet and scheduler behaviour through scripts.

mod common;
use common::*;
use kubeloop::api::Kind;

#[test]
fn strict_decoding_and_validation_errors_name_the_field() {
    let bad = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replica: 3\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: app, image: nginx}]}\n";
    let (_, out) = run(&format!("kubectl apply -f - <<EOF\n{bad}EOF\n"));
    assert!(out.contains("document 1, line 6, column 3: Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.replica\""), "{out}");
    let invalid = bad.replace("replica: 3", "replicas: -1").replace("{labels: {app: web}}", "{labels: {app: other}}");
    let (engine, out) = run(&format!("kubectl apply -f - <<EOF\n{invalid}EOF\n"));
    assert!(out.contains("The Deployment \"web\" is invalid: \n* spec.replicas: Invalid value: -1: must be greater than or equal to 0\n* spec.template.metadata.labels: Invalid value: {\"app\":\"other\"}: `selector` does not match template `labels`"), "{out}");
    assert!(out.contains("  at STDIN: document 1, line 6, column 3 (spec.replicas)"), "{out}");
    assert!(engine.store.get_named(Kind::Deployment, "default", "web").is_none());
    let both_zero =
        bad.replace("replica: 3", "replicas: 1\n  strategy:\n    rollingUpdate: {maxSurge: 0, maxUnavailable: 0}");
    let (_, out) = run(&format!("kubectl apply -f - <<EOF\n{both_zero}EOF\n"));
    assert!(
        out.contains("spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0"),
        "{out}"
    );
    let (_, out) = run("kubectl apply -f my-app.yaml\nkubectl apply -f - <<EOF\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: my-app}\nspec:\n  selector: {matchLabels: {app: other}}\n  template:\n    metadata: {labels: {app: other}}\n    spec: {containers: [{name: app, image: nginx}]}\nEOF\n");
    assert!(
        out.contains("spec.selector: Invalid value: {\"matchLabels\":{\"app\":\"other\"}}: field is immutable"),
        "{out}"
    );
}

#[test]
fn get_yaml_round_trips_what_the_user_wrote_and_apply_is_idempotent() {
    let (_, out) = run("kubectl apply -f my-app.yaml\nsettle\nkubectl get deployment my-app -o yaml\nkubectl apply -f my-app.yaml\nkubectl get pods -o name\nkubectl get nodes\nkubectl get deploy missing\n");
    for field in [
        "  name: my-app",
        "- image: nginx:1.25",
        "- containerPort: 80",
        "      maxSurge: 25%",
        "    deployment.kubernetes.io/revision: \"1\"",
        "  observedGeneration: 1",
        "  - lastTransitionTime:",
    ] {
        assert!(out.contains(field), "missing {field:?} in\n{out}");
    }
    assert!(out.contains("deployment.apps/my-app unchanged"), "{out}");
    assert!(out.contains("pod/my-app-"), "{out}");
    assert!(out.contains("node-1   Ready    <none>   "), "{out}");
    assert!(out.contains("Error from server (NotFound): deployments.apps \"missing\" not found"), "{out}");
}

#[test]
fn prune_deletes_what_the_new_set_lacks() {
    let cm = |n: &str| format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {n}\ndata:\n  k: v\n");
    let (engine, out) = run(&format!(
        "kubectl apply --prune --all -f - <<EOF\n{}---\n{}EOF\nkubectl apply --prune --all -f - <<EOF\n{}EOF\n",
        cm("a"),
        cm("b"),
        cm("a")
    ));
    assert!(out.contains("configmap/b pruned"), "{out}");
    assert!(engine.store.get_named(Kind::ConfigMap, "default", "b").is_none());
    assert!(engine.store.get_named(Kind::ConfigMap, "default", "a").is_some());
}

#[test]
fn delete_cascades_background_foreground_and_orphan() {
    let (engine, out) =
        run("kubectl apply -f my-app.yaml\nsettle\nkubectl delete deployment my-app\nsettle\nkubectl get rs,pods\n");
    assert!(out.contains("deployment.apps \"my-app\" deleted"), "{out}");
    assert!(out.contains("No resources found in default namespace."), "{out}");
    assert_eq!(engine.store.list(Kind::Pod, None).count(), 0);

    let (engine, out) = run("kubectl apply -f my-app.yaml\nsettle\nkubectl delete deployment my-app --cascade=orphan\nsettle\nkubectl get rs\n");
    assert!(out.contains("3         3         3"), "orphaned ReplicaSet keeps running: {out}");
    let rs = engine.store.list(Kind::ReplicaSet, None).next().unwrap();
    assert!(rs.meta().owner_references.is_none());

    // Foreground: the Deployment stays (with the finalizer) until its ReplicaSet and pods are gone.
    let (engine, _) = run(
        "kubectl apply -f my-app.yaml\nsettle\nkubectl delete deployment my-app --cascade=foreground --wait=false\n",
    );
    let d = engine.store.get_named(Kind::Deployment, "default", "my-app").expect("still there while dependents go");
    assert!(d.meta().finalizers.as_ref().unwrap().contains(&"foregroundDeletion".to_string()));
    let (engine, _) =
        run("kubectl apply -f my-app.yaml\nsettle\nkubectl delete deployment my-app --cascade=foreground\n");
    assert!(engine.store.get_named(Kind::Deployment, "default", "my-app").is_none());
    assert_eq!(engine.store.list(Kind::ReplicaSet, None).count() + engine.store.list(Kind::Pod, None).count(), 0);
}

#[test]
fn orphaned_replica_set_is_adopted_by_a_new_deployment() {
    let (engine, _) = run("kubectl apply -f my-app.yaml\nsettle\nkubectl delete deployment my-app --cascade=orphan\nkubectl apply -f my-app.yaml\nsettle\n");
    let rss: Vec<_> = engine.store.list(Kind::ReplicaSet, None).collect();
    assert_eq!(rss.len(), 1, "the template is unchanged, so the orphan is adopted, not replaced");
    let d = engine.store.get_named(Kind::Deployment, "default", "my-app").unwrap();
    assert_eq!(rss[0].controller_ref().unwrap().uid, d.uid());
}

#[test]
fn crash_loop_back_off_timing() {
    let d = deployment(
        "crash",
        1,
        &rolling("1", "0"),
        "        sim.kubeloop.dev/crash-after-seconds: \"5\"\n",
        "busybox:1.36",
    );
    let (engine, out) = run(&format!("kubectl apply -f - <<EOF\n{d}EOF\nadvance 9s\nkubectl get pods\nadvance 8s\nkubectl get pods\nadvance 60s\nkubectl get pods\n"));
    // Runs at 2s, crashes at 7s and restarts at once (kubelet back-off has no entry yet),
    // runs at 8s, crashes at 13s -> back-off 10s, 20s, 40s ...
    let tables: Vec<&str> = out.split("$ ").filter(|s| s.starts_with("kubectl get pods")).collect();
    assert!(tables[0].contains("1/1     Running   1 (2s ago)"), "{out}");
    assert!(tables[1].contains("0/1     CrashLoopBackOff   1 (4s ago)"), "{out}");
    assert!(tables[2].contains("0/1     CrashLoopBackOff   3 (22s ago)"), "{out}");
    let msgs: Vec<String> = engine
        .store
        .list(Kind::Pod, None)
        .flat_map(|p| p.as_pod().unwrap().status.clone().unwrap().container_statuses.unwrap())
        .filter_map(|c| c.state.and_then(|s| s.waiting).and_then(|w| w.message))
        .collect();
    assert_eq!(msgs.len(), 1);
    assert!(msgs[0].starts_with("back-off 40s restarting failed container=app pod=crash-"), "{msgs:?}");
    let backoffs = events(&engine, "BackOff");
    assert!(
        backoffs.iter().all(|m| m.starts_with("Back-off restarting failed container app in pod crash-")),
        "{backoffs:?}"
    );
}

#[test]
fn image_pull_failure_shows_err_image_pull_then_back_off() {
    let d = deployment(
        "bad",
        1,
        &rolling("1", "0"),
        "        sim.kubeloop.dev/image-pull: \"fail\"\n",
        "nginx:doesnotexist",
    );
    let (engine, out) =
        run(&format!("kubectl apply -f - <<EOF\n{d}EOF\nadvance 1s\nkubectl get pods\nadvance 3s\nkubectl get pods\n"));
    assert!(out.contains("ErrImagePull"), "{out}");
    assert!(out.contains("ImagePullBackOff"), "{out}");
    let failed = events(&engine, "Failed");
    assert!(failed.iter().any(|m| m == "Error: ErrImagePull"), "{failed:?}");
    assert!(failed.iter().any(|m| m == "Error: ImagePullBackOff"), "{failed:?}");
    assert!(events(&engine, "BackOff").iter().any(|m| m == "Back-off pulling image \"nginx:doesnotexist\""));
    let never = deployment("never", 1, &rolling("1", "0"), "", "nginx:1.99")
        .replace("        image: nginx:1.99\n", "        image: nginx:1.99\n        imagePullPolicy: Never\n");
    let (engine, out) = run(&format!("kubectl apply -f - <<EOF\n{never}EOF\nsettle\nkubectl get pods\n"));
    assert!(out.contains("ErrImageNeverPull"), "{out}");
    assert_eq!(
        events(&engine, "ErrImageNeverPull"),
        vec!["Container image \"nginx:1.99\" is not present with pull policy of Never"]
    );
}

#[test]
fn unschedulable_pods_report_the_fit_error() {
    let d = deployment("big", 1, &rolling("1", "0"), "", "nginx").replace(
        "        image: nginx\n",
        "        image: nginx\n        resources:\n          requests:\n            cpu: \"8\"\n",
    );
    let (engine, out) = run(&format!("kubectl apply -f - <<EOF\n{d}EOF\nsettle\nkubectl get pods\n"));
    assert!(out.contains("Pending"), "{out}");
    let msgs = events(&engine, "FailedScheduling");
    assert_eq!(msgs[0], "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.");
}

#[test]
fn nodes_in_the_input_replace_the_default_cluster() {
    let nodes = "apiVersion: v1\nkind: Node\nmetadata:\n  name: gpu-1\n  labels: {hardware: gpu}\nspec:\n  taints:\n  - {key: nvidia.com/gpu, effect: NoSchedule}\n";
    let (engine, out) = run(&format!("kubectl apply -f - <<EOF\n{nodes}EOF\nsettle\nkubectl get nodes\nkubectl apply -f my-app.yaml\nsettle\nkubectl get pods\n"));
    assert!(out.contains("gpu-1   Ready"), "{out}");
    assert_eq!(engine.store.list(Kind::Node, None).count(), 1);
    assert!(events(&engine, "FailedScheduling")[0].contains("1 node(s) had untolerated taint(s)"), "{out}");
}

#[test]
fn a_node_selector_waits_for_a_matching_node_and_counts_each_reason() {
    // Two nodes: one lacks the label, one has it but too little CPU; the pods wait until
    // a third node with the label and room joins, and then all of them land there.
    let node = |name: &str, labels: &str, cpu: &str| {
        format!("apiVersion: v1\nkind: Node\nmetadata:\n  name: {name}\n  labels: {{{labels}}}\nstatus:\n  capacity: {{cpu: '{cpu}', memory: 8Gi, pods: '110'}}\n---\n")
    };
    let d = deployment("ssd", 2, &rolling("1", "0"), "", "nginx").replace(
        "        image: nginx\n",
        "        image: nginx\n        resources:\n          requests:\n            cpu: \"2\"\n      nodeSelector:\n        disk: ssd\n",
    );
    let nodes = node("plain", "", "8") + &node("small-ssd", "disk: ssd", "1");
    let (mut engine, out) = run(&format!("kubectl apply -f - <<EOF\n{nodes}{d}EOF\nsettle\nkubectl get pods\n"));
    assert_eq!(out.matches("Pending").count(), 2, "{out}");
    // Until the new nodes report Ready they carry the not-ready taint; then the reasons differ.
    let failed = events(&engine, "FailedScheduling");
    assert!(failed.iter().any(|m| m.contains("2 node(s) had untolerated taint(s)")), "{failed:?}");
    assert_eq!(
        failed.last().map(String::as_str).unwrap_or_default(),
        "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling."
    );
    let third = node("big-ssd", "disk: ssd", "8");
    run_on(&mut engine, &format!("kubectl apply -f - <<EOF\n{third}EOF\nsettle\n"));
    let pods: Vec<_> = engine.store.list(Kind::Pod, None).filter_map(|p| p.as_pod().cloned()).collect();
    assert_eq!(pods.len(), 2);
    assert!(pods.iter().all(|p| kubeloop::api::pod::node_name(p) == "big-ssd"), "only big-ssd has the label and room");
}

#[test]
fn rollout_pause_resume_restart() {
    let (_, out) = run("kubectl apply -f my-app.yaml\nsettle\nkubectl rollout pause deployment/my-app\nkubectl rollout pause deployment/my-app\nkubectl set image deployment/my-app app=nginx:1.26\nsettle\nkubectl get rs\nkubectl rollout restart deployment/my-app\nkubectl rollout resume deployment/my-app\nsettle\nkubectl rollout restart deployment/my-app\nsettle\nkubectl rollout history deployment/my-app\n");
    assert!(out.contains("deployment.apps/my-app paused"), "{out}");
    assert!(out.contains("error: deployments.apps \"my-app\" is already paused"), "{out}");
    assert!(out.contains("can't restart paused deployment (run rollout resume first)"), "{out}");
    assert!(out.contains("deployment.apps/my-app resumed"), "{out}");
    assert!(out.contains("deployment.apps/my-app restarted"), "{out}");
    assert!(out.contains("1         <none>\n2         <none>\n3         <none>"), "{out}");
}

#[test]
fn describe_shows_status_conditions_and_events() {
    let (_, out) = run("kubectl apply -f my-app.yaml\nsettle\nkubectl describe deployment my-app\nkubectl describe pods\nkubectl describe rs\nkubectl describe deploy nope\n");
    for want in [
        "Name:                   my-app\n",
        "Replicas:               3 desired | 3 updated | 3 total | 3 available | 0 unavailable\n",
        "RollingUpdateStrategy:  25% max unavailable, 25% max surge\n",
        "  Progressing    True    NewReplicaSetAvailable\n",
        "OldReplicaSets:  <none>\n",
        "  Normal  ScalingReplicaSet  2s    deployment-controller  Scaled up replica set my-app-",
        "Controlled By:  ReplicaSet/my-app-",
        "    State:          Running\n",
        "  Normal  Scheduled  2s    default-scheduler  Successfully assigned default/my-app-",
        "Pods Status:    3 Running / 0 Waiting / 0 Succeeded / 0 Failed\n",
        "Error from server (NotFound): deployments.apps \"nope\" not found",
    ] {
        assert!(out.contains(want), "missing {want:?} in\n{out}");
    }
}

#[test]
fn deleting_a_namespace_deletes_its_content_first() {
    let ns = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n";
    let (engine, out) = run(&format!(
        "kubectl apply -f - <<EOF\n{ns}EOF\nkubectl apply -n team -f my-app.yaml\nsettle\nkubectl delete ns team --wait=false\nkubectl get ns team\nkubectl apply -n team -f - <<EOF\n{cm}EOF\nsettle\nkubectl get all -n team\nkubectl delete ns kube-system\n",
        cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: late\n"
    ));
    assert!(out.contains("team   Terminating"), "{out}");
    // NamespaceLifecycle admission: nothing new goes into a Terminating namespace, the
    // Events its pods' shutdown would raise included.
    assert!(
        out.contains("configmaps \"late\" is forbidden: unable to create new content in namespace team because it is being terminated"),
        "{out}"
    );
    let trace = &engine.store.trace;
    let deleted_at = trace
        .iter()
        .position(|r| r.object.kind() == Kind::Namespace && r.object.name() == "team" && r.object.is_deleting())
        .unwrap();
    let late_events = trace[deleted_at..].iter().filter(|r| {
        r.verb == kubeloop::trace::Verb::Create && r.object.kind() == Kind::Event && r.object.namespace() == "team"
    });
    assert_eq!(late_events.count(), 0);
    assert!(out.contains("No resources found in team namespace."), "{out}");
    assert!(out.contains("namespaces \"kube-system\" is forbidden: this namespace may not be deleted"), "{out}");
    assert!(engine.store.get_named(Kind::Namespace, "", "team").is_none());
    assert_eq!(engine.store.list(Kind::Pod, None).count(), 0);
}

#[test]
fn pods_leave_deleted_nodes_and_no_execute_taints() {
    let taint = "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-2\nspec:\n  taints:\n  - {key: maintenance, effect: NoExecute}\n";
    let (engine, out) = run(&format!(
        "kubectl apply -f my-app.yaml\nsettle\nkubectl apply -f - <<EOF\n{taint}EOF\nsettle\nkubectl get nodes\nkubectl delete node node-1\nadvance 30s\nkubectl get pods -o wide\nsettle\n"
    ));
    assert!(
        out.contains("node-1   Ready") && out.contains("node-3   Ready"),
        "default nodes stay once pods run on them: {out}"
    );
    assert!(events(&engine, "TaintManagerEviction")
        .iter()
        .any(|m| m.starts_with("Marking for deletion Pod default/my-app-")));
    // 30s after node-1 went, its pods are still within the 40s quarantine.
    assert!(out.contains("node-1"), "{out}");
    let pods: Vec<_> = engine.store.list(Kind::Pod, None).filter_map(|p| p.as_pod().cloned()).collect();
    assert_eq!(pods.len(), 3);
    assert!(pods.iter().all(|p| kubeloop::api::pod::node_name(p) == "node-3"), "only node-3 is usable");
}

#[test]
fn apply_and_delete_edge_cases_match_kubectl() {
    let (_, out) = run("kubectl apply -f - <<EOF\n# nothing\nEOF\nkubectl apply --prune -f my-app.yaml\nkubectl apply -n other -f - <<EOF\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: default}\nEOF\n");
    assert!(out.contains("error: no objects passed to apply"), "{out}");
    assert!(out.contains("error: all resources selected for prune without explicitly passing --all."), "{out}");
    assert!(out.contains("error: the namespace from the provided object \"default\" does not match the namespace \"other\". You must pass '--namespace=default' to perform this operation."), "{out}");
    // The Deployment recreates a deleted ReplicaSet under the same name; kubectl waits on the uid.
    let (engine, out) = run("kubectl apply -f my-app.yaml\nsettle\nkubectl delete rs --all\n");
    assert!(out.contains("replicaset.apps \"my-app-") && !out.contains("timed out"), "{out}");
    assert_eq!(engine.store.list(Kind::ReplicaSet, None).count(), 1);
    let long = deployment(&"a".repeat(60), 1, &rolling("1", "0"), "", "nginx");
    let (engine, _) = run(&format!("kubectl apply -f - <<EOF\n{long}EOF\nsettle\n"));
    let pod = engine.store.list(Kind::Pod, None).next().unwrap().name().to_string();
    assert_eq!(pod.len(), 63, "generateName cuts the base to 58 characters: {pod}");
}

#[test]
fn replica_sets_adopt_matching_orphans_and_pods_end_with_a_terminal_status() {
    let stray = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: stray\n  labels: {app: rs1}\nspec:\n  containers: [{name: app, image: nginx}]\n";
    let rs = "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: rs1\nspec:\n  replicas: 3\n  selector:\n    matchLabels: {app: rs1}\n  template:\n    metadata:\n      labels: {app: rs1}\n    spec:\n      containers: [{name: app, image: nginx}]\n";
    let (engine, _) = run(&format!(
        "kubectl apply -f - <<EOF\n{stray}---\n{rs}EOF\nsettle\nkubectl scale rs rs1 --replicas=1\nsettle\n"
    ));
    let pods: Vec<_> = engine.store.list(Kind::Pod, None).collect();
    assert_eq!(pods.len(), 1, "the stray pod counts toward the ReplicaSet");
    assert_eq!(pods[0].controller_ref().unwrap().name, "rs1");
    let trace = &engine.store.trace;
    let created =
        trace.iter().find(|r| r.object.kind() == Kind::Pod && r.verb == kubeloop::trace::Verb::Create).unwrap();
    assert_eq!(created.object.as_pod().unwrap().status.as_ref().unwrap().phase.as_deref(), Some("Pending"));
    let deleted: Vec<_> =
        trace.iter().filter(|r| r.object.kind() == Kind::Pod && r.verb == kubeloop::trace::Verb::Delete).collect();
    assert_eq!(deleted.len(), 2);
    for d in deleted {
        let st = d.object.as_pod().unwrap().status.clone().unwrap();
        assert_eq!(st.phase.as_deref(), Some("Succeeded"), "terminal phase written before the pod goes");
    }
}

#[test]
fn init_containers_run_in_order_before_the_app() {
    let d = deployment("web", 1, &rolling("1", "0"), "        sim.kubeloop.dev/init-seconds: \"3\"\n", "nginx:1.25")
        .replace("      containers:\n", "      initContainers:\n      - {name: migrate, image: busybox}\n      - {name: warm, image: busybox}\n      containers:\n");
    let (_, out) = run(&format!(
        "kubectl apply -f - <<EOF\n{d}EOF\nadvance 3s\nkubectl get pods\nadvance 4s\nkubectl get pods\nadvance 3s\nkubectl get pods\nsettle\nkubectl get pods\n"
    ));
    let statuses: Vec<&str> = ["Init:0/2", "Init:1/2", "PodInitializing", "Running"].into_iter().collect();
    let tables: Vec<&str> = out.split("$ ").filter(|s| s.starts_with("kubectl get pods")).collect();
    for (table, want) in tables.iter().zip(statuses) {
        assert!(
            table.contains(&format!("0/1     {want}")) || table.contains(&format!("1/1     {want}")),
            "{want} in {out}"
        );
    }
}

#[test]
fn services_get_cluster_ips_and_get_all_lists_them() {
    let svc = "apiVersion: v1\nkind: Service\nmetadata: {name: mysql}\nspec:\n  clusterIP: None\n  selector: {app: mysql}\n  ports: [{port: 3306}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n";
    let (_, out) = run(&format!("kubectl apply -f - <<EOF\n{svc}EOF\nkubectl get all\n"));
    assert!(out.contains("service/kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP    0s"), "{out}");
    assert!(out.contains("service/mysql        ClusterIP   None         <none>        3306/TCP   0s"), "{out}");
    assert!(out.contains("service/web          ClusterIP   10.96.0.2    <none>        80/TCP     0s"), "{out}");
}

/// client-go's EventCorrelator, as `kubectl describe rs` shows it after a scale-up to 40:
/// nine "Created pod" events, then one combined event counting the next sixteen, and
/// nothing more (a source may send 25 events about an object, then one per 5 minutes).
#[test]
fn a_big_scale_up_aggregates_and_rate_limits_its_events() {
    let d = deployment("web", 40, "", "", "nginx:1.25");
    let (engine, out) = run(&format!("kubectl apply -f - <<EOF\n{d}EOF\nsettle\nkubectl describe rs\n"));
    let created: Vec<&str> = out.lines().filter(|l| l.contains("SuccessfulCreate")).collect();
    assert_eq!(created.len(), 10, "{out}");
    assert!(
        created[9].contains("(x16 over") && created[9].contains("(combined from similar events): Created pod: web-"),
        "{out}"
    );
    assert_eq!(engine.store.list(Kind::Pod, None).count(), 40, "every pod is still created");
}

// A pod with a finalizer, deleted with the default grace period: the kubelet stops it
// once, and its final delete (grace 0) is written as the shorter grace period; the pod
// then waits for its finalizer alone, and goes when the finalizer does.
#[test]
fn a_terminated_pod_waits_for_its_finalizer_and_is_not_started_again() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: held\n  finalizers: [example.com/hold]\nspec:\n  containers: [{name: app, image: nginx}]\n";
    let (mut engine, _) =
        run(&format!("kubectl apply -f - <<EOF\n{pod}EOF\nsettle\nkubectl delete pod held --wait=false\nsettle\n"));
    let key = kubeloop::api::ObjKey::new(Kind::Pod, "default", "held");
    let held = engine.store.get(&key).expect("kept by its finalizer").clone();
    assert_eq!(held.meta().deletion_grace_period_seconds, Some(0));
    assert_eq!(kubeloop::api::pod::phase(held.as_pod().unwrap()), "Succeeded");
    let started = event_log(&engine).iter().filter(|m| m.starts_with("Started:")).count();
    assert_eq!(started, 1, "started once: {:?}", event_log(&engine));
    let mut gone = (*held).clone();
    gone.meta_mut().finalizers = None;
    engine.store.update(gone, "kubectl").unwrap();
    assert!(engine.store.get(&key).is_none());
}
