//! StatefulSets driven through scripts: ordered creation and scale-down, claims that
//! outlive their pods, Parallel, partitioned and OnDelete updates, revisions, and the
//! retention policy's owner references.

mod common;
use common::*;
use kubeloop::api::{Kind, Object};
use kubeloop::sim::engine::Engine;
use kubeloop::trace::Verb;

const MYSQL: &str = include_str!("../../www/examples/mysql.yaml");

fn apply(manifest: &str) -> String {
    format!("kubectl apply -f - <<EOF\n{manifest}EOF\n")
}

/// The seed's mysql set with another replica count, policy or extra spec lines.
fn mysql(replicas: i32, extra: &str) -> String {
    MYSQL.replace("  replicas: 3\n", &format!("  replicas: {replicas}\n{extra}"))
}

/// The pods the StatefulSet controller created, in order.
fn created(engine: &Engine) -> Vec<String> {
    engine
        .store
        .trace
        .iter()
        .filter(|r| r.actor == "statefulset-controller" && r.verb == Verb::Create && r.object.kind() == Kind::Pod)
        .map(|r| r.object.name().to_string())
        .collect()
}

/// The pods the StatefulSet controller asked to delete (a graceful delete is the write
/// that sets deletionTimestamp), in order.
fn deleted(engine: &Engine) -> Vec<String> {
    engine
        .store
        .trace
        .iter()
        .filter(|r| r.actor == "statefulset-controller" && r.object.kind() == Kind::Pod)
        .filter(|r| r.why.as_deref().is_some_and(|w| w.starts_with("deleting ")))
        .map(|r| r.object.name().to_string())
        .collect()
}

fn pods(engine: &Engine) -> Vec<String> {
    engine.store.list(Kind::Pod, Some("default")).map(|o| o.name().to_string()).collect()
}

fn claims(engine: &Engine) -> Vec<String> {
    engine.store.list(Kind::PersistentVolumeClaim, Some("default")).map(|o| o.name().to_string()).collect()
}

fn label<'a>(o: &'a Object, key: &str) -> &'a str {
    o.labels().and_then(|l| l.get(key)).map(String::as_str).unwrap_or("")
}

#[test]
fn ordered_ready_creates_each_pod_after_the_one_below_is_ready() {
    let (engine, out) = run(&format!("{}advance 1s\nkubectl get pods\nsettle\nkubectl get pods,pvc\n", apply(MYSQL)));
    // One second in: only mysql-0 exists (it becomes Ready at 2s).
    let first = out.split("$ kubectl get pods\n").nth(1).unwrap().split('$').next().unwrap();
    assert!(first.contains("mysql-0") && !first.contains("mysql-1"), "{out}");
    assert_eq!(created(&engine), ["mysql-0", "mysql-1", "mysql-2"]);
    // Each create came only after the pod below was Running and Ready.
    let trace = &engine.store.trace;
    for (lower, upper) in [("mysql-0", "mysql-1"), ("mysql-1", "mysql-2")] {
        let created = trace.iter().position(|r| r.verb == Verb::Create && r.object.name() == upper).unwrap();
        let ready = trace
            .iter()
            .position(|r| r.object.name() == lower && r.object.as_pod().is_some_and(kubeloop::api::pod::is_ready))
            .unwrap();
        assert!(ready < created, "{upper} created before {lower} was ready");
    }
    // The decision says why mysql-1 waited.
    let notes: Vec<&str> = engine.store.decisions.iter().map(|d| &*d.why).collect();
    assert!(notes.contains(&"not creating mysql-1: mysql-0 is not Running and Ready (OrderedReady)"), "{notes:?}");
    assert_eq!(claims(&engine), ["data-mysql-0", "data-mysql-1", "data-mysql-2"]);
    // Identity: labels, hostname and subdomain, and the claim's volume.
    let p = engine.store.get_named(Kind::Pod, "default", "mysql-1").unwrap();
    assert_eq!(label(p, "statefulset.kubernetes.io/pod-name"), "mysql-1");
    assert_eq!(label(p, "apps.kubernetes.io/pod-index"), "1");
    assert!(label(p, "controller-revision-hash").starts_with("mysql-"));
    let spec = p.as_pod().unwrap().spec.clone().unwrap();
    assert_eq!((spec.hostname.as_deref(), spec.subdomain.as_deref()), (Some("mysql-1"), Some("mysql")));
    let vol = &spec.volumes.as_ref().unwrap()[0];
    assert_eq!(vol.persistent_volume_claim.as_ref().unwrap().claim_name, "data-mysql-1");
    // The claim carries the set's matchLabels; the set reports every count.
    let c = engine.store.get_named(Kind::PersistentVolumeClaim, "default", "data-mysql-1").unwrap();
    assert_eq!(label(c, "app"), "mysql");
    let set = engine.store.get_named(Kind::StatefulSet, "default", "mysql").unwrap();
    let s = set.as_stateful_set().unwrap().status.clone().unwrap();
    assert_eq!(
        (s.replicas, s.ready_replicas, s.available_replicas, s.current_replicas, s.updated_replicas),
        (3, Some(3), Some(3), Some(3), Some(3))
    );
    assert_eq!(s.current_revision, s.update_revision);
    assert_eq!(s.current_revision.as_deref(), Some(label(p, "controller-revision-hash")));
    assert!(out.contains("statefulset-controller  create Claim") || out.contains("pod/mysql-2"), "{out}");
    let events = event_log(&engine);
    assert!(
        events.contains(
            &"SuccessfulCreate: create Claim data-mysql-0 Pod mysql-0 in StatefulSet mysql success".to_string()
        ),
        "{events:?}"
    );
    assert!(
        events.contains(&"SuccessfulCreate: create Pod mysql-0 in StatefulSet mysql successful".to_string()),
        "{events:?}"
    );
}

#[test]
fn scaling_down_goes_from_the_top_one_at_a_time_and_claims_stay_for_the_return() {
    let script = format!(
        "{}settle\nkubectl scale statefulset mysql --replicas=1\nsettle\nkubectl get pods,pvc\nkubectl scale statefulset mysql --replicas=2\nsettle\n",
        apply(MYSQL)
    );
    let (engine, out) = run(&script);
    assert_eq!(deleted(&engine)[..2], ["mysql-2", "mysql-1"]);
    // mysql-1 was deleted only once mysql-2 was gone from the store.
    let trace = &engine.store.trace;
    let gone = trace.iter().position(|r| r.verb == Verb::Delete && r.object.name() == "mysql-2").unwrap();
    let next = trace.iter().position(|r| r.object.name() == "mysql-1" && r.object.is_deleting()).unwrap();
    assert!(gone < next, "mysql-1 deleted before mysql-2 was gone");
    let notes: Vec<&str> = engine.store.decisions.iter().map(|d| &*d.why).collect();
    assert!(notes.iter().any(|n| n.starts_with("waiting for mysql-2 to terminate")), "{notes:?}");
    // At one replica all three claims remain; scaling back re-uses data-mysql-1.
    let middle = out.split("--replicas=1").nth(1).unwrap();
    assert!(middle.contains("data-mysql-2") && !middle.contains("pod/mysql-1 "), "{out}");
    assert_eq!(pods(&engine), ["mysql-0", "mysql-1"]);
    assert_eq!(claims(&engine), ["data-mysql-0", "data-mysql-1", "data-mysql-2"]);
    let claim_creates =
        trace.iter().filter(|r| r.verb == Verb::Create && r.object.kind() == Kind::PersistentVolumeClaim).count();
    assert_eq!(claim_creates, 3, "no claim is made twice");
}

#[test]
fn parallel_creates_every_pod_at_once() {
    let (engine, _) = run(&format!("{}advance 100ms\n", apply(&mysql(3, "  podManagementPolicy: Parallel\n"))));
    assert_eq!(pods(&engine), ["mysql-0", "mysql-1", "mysql-2"]);
    assert!(engine
        .store
        .trace
        .iter()
        .filter(|r| r.verb == Verb::Create && r.object.kind() == Kind::Pod)
        .all(|r| r.ms == 0));
}

#[test]
fn a_rolling_update_goes_from_the_highest_ordinal_and_a_partition_holds_the_rest() {
    let v1 = mysql(3, "  updateStrategy:\n    type: RollingUpdate\n    rollingUpdate: {partition: 1}\n");
    let v2 = v1.replace("image: mysql:8.0", "image: mysql:8.4");
    let (engine, out) = run(&format!("{}settle\n{}settle\nkubectl get controllerrevisions\n", apply(&v1), apply(&v2)));
    let set = engine.store.get_named(Kind::StatefulSet, "default", "mysql").unwrap().as_stateful_set().unwrap().clone();
    let s = set.status.clone().unwrap();
    let (current, update) = (s.current_revision.clone().unwrap(), s.update_revision.clone().unwrap());
    assert_ne!(current, update, "the partition keeps the update unfinished");
    let rev = |n: &str| {
        label(engine.store.get_named(Kind::Pod, "default", n).unwrap(), "controller-revision-hash").to_string()
    };
    assert_eq!([rev("mysql-0"), rev("mysql-1"), rev("mysql-2")], [current.clone(), update.clone(), update.clone()]);
    // Updated top-down: mysql-2 deleted before mysql-1.
    let deletes = deleted(&engine);
    assert_eq!(deletes, ["mysql-2", "mysql-1"]);
    assert_eq!((s.current_replicas, s.updated_replicas), (Some(1), Some(2)));
    let notes: Vec<&str> = engine.store.decisions.iter().map(|d| &*d.why).collect();
    assert!(notes.contains(&format!("mysql-0 kept at revision {current}: below partition 1").as_str()), "{notes:?}");
    assert!(out.contains(&current) && out.contains(&update), "{out}");
    // Lowering the partition to 0 finishes the update, and the current revision follows.
    let v3 = v2.replace("partition: 1", "partition: 0");
    let (engine, _) = run(&format!("{}settle\n{}settle\n{}settle\n", apply(&v1), apply(&v2), apply(&v3)));
    let s = engine
        .store
        .get_named(Kind::StatefulSet, "default", "mysql")
        .unwrap()
        .as_stateful_set()
        .unwrap()
        .status
        .clone()
        .unwrap();
    assert_eq!(s.current_revision, s.update_revision);
    assert_eq!((s.current_replicas, s.updated_replicas), (Some(3), Some(3)));
}

#[test]
fn on_delete_updates_a_pod_only_when_it_is_deleted() {
    let v1 = mysql(2, "  updateStrategy: {type: OnDelete}\n");
    let v2 = v1.replace("image: mysql:8.0", "image: mysql:8.4");
    let (engine, _) = run(&format!("{}settle\n{}settle\nkubectl delete pod mysql-1\nsettle\n", apply(&v1), apply(&v2)));
    let image = |n: &str| {
        let p = engine.store.get_named(Kind::Pod, "default", n).unwrap();
        p.as_pod().unwrap().spec.as_ref().unwrap().containers[0].image.clone().unwrap()
    };
    assert_eq!((image("mysql-0"), image("mysql-1")), ("mysql:8.0".to_string(), "mysql:8.4".to_string()));
    assert!(deleted(&engine).is_empty(), "OnDelete deletes nothing itself");
}

#[test]
fn a_deleted_pod_comes_back_with_the_same_name_and_the_same_claim() {
    let (mut engine, _) = run(&format!("{}settle\n", apply(&mysql(2, ""))));
    let uid = |e: &Engine| {
        e.store.get_named(Kind::PersistentVolumeClaim, "default", "data-mysql-0").unwrap().uid().to_string()
    };
    let before = uid(&engine);
    run_on(&mut engine, "kubectl delete pod mysql-0\nsettle\n");
    assert_eq!(uid(&engine), before, "the same claim, not a new one");
    assert_eq!(created(&engine), ["mysql-0", "mysql-1", "mysql-0"]);
    let p = engine.store.get_named(Kind::Pod, "default", "mysql-0").unwrap();
    let vol = &p.as_pod().unwrap().spec.as_ref().unwrap().volumes.as_ref().unwrap()[0];
    assert_eq!(vol.persistent_volume_claim.as_ref().unwrap().claim_name, "data-mysql-0");
}

#[test]
fn retention_delete_on_scale_down_gives_the_claim_to_its_pod_and_on_delete_to_the_set() {
    let policy = "  persistentVolumeClaimRetentionPolicy: {whenDeleted: Delete, whenScaled: Delete}\n";
    let (engine, _) = run(&format!("{}settle\n", apply(&mysql(2, policy))));
    let owners = |engine: &Engine, n: &str| -> Vec<String> {
        let c = engine.store.get_named(Kind::PersistentVolumeClaim, "default", n).unwrap();
        c.meta().owner_references.iter().flatten().map(|r| format!("{}/{}", r.kind, r.name)).collect()
    };
    assert_eq!(owners(&engine, "data-mysql-1"), ["StatefulSet/mysql"]);
    // Scaled to 1: data-mysql-1 is owned by mysql-1 and goes with it.
    let (engine, _) =
        run(&format!("{}settle\nkubectl scale sts mysql --replicas=1\nsettle\n", apply(&mysql(2, policy))));
    assert_eq!(claims(&engine), ["data-mysql-0"]);
    // Deleting the set takes the remaining claim with it.
    let (engine, _) = run(&format!("{}settle\nkubectl delete sts mysql\nsettle\n", apply(&mysql(2, policy))));
    assert!(claims(&engine).is_empty(), "{:?}", claims(&engine));
    // The default policy (Retain) leaves the claims behind.
    let (engine, _) = run(&format!("{}settle\nkubectl delete sts mysql\nsettle\n", apply(&mysql(2, ""))));
    assert_eq!(claims(&engine), ["data-mysql-0", "data-mysql-1"]);
}

/// ValidateStatefulSetSpec and ValidateStatefulSetUpdate, with upstream's messages and paths.
#[test]
fn statefulset_validation_speaks_like_the_api_server() {
    let cases: &[(&str, &str, &str)] = &[
        ("  replicas: 3\n", "  replicas: 3\n  podManagementPolicy: Sometimes\n", "spec.podManagementPolicy: Invalid value: \"Sometimes\": must be 'OrderedReady' or 'Parallel'"),
        ("  replicas: 3\n", "  replicas: 3\n  updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: -1}}\n", "spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0"),
        ("  replicas: 3\n", "  replicas: 3\n  updateStrategy: {type: OnDelete, rollingUpdate: {partition: 1}}\n", "spec.updateStrategy.rollingUpdate: Invalid value: {\"partition\":1}: only allowed for updateStrategy 'RollingUpdate'"),
        ("  replicas: 3\n", "  replicas: 3\n  persistentVolumeClaimRetentionPolicy: {whenScaled: Keep}\n", "spec.persistentVolumeClaimRetentionPolicy.whenScaled: Unsupported value: \"Keep\": supported values: \"Delete\", \"Retain\""),
        ("  replicas: 3\n", "  replicas: -1\n", "spec.replicas: Invalid value: -1: must be greater than or equal to 0"),
        ("  replicas: 3\n", "  replicas: 3\n  ordinals: {start: -2}\n", "spec.ordinals.start: Invalid value: -2: must be greater than or equal to 0"),
        ("    spec:\n      containers:", "    spec:\n      restartPolicy: Never\n      containers:", "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""),
        ("    spec:\n      containers:", "    spec:\n      activeDeadlineSeconds: 10\n      containers:", "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in StatefulSet is not Supported"),
        ("  name: mysql\nspec:\n  serviceName", "  name: my.db\nspec:\n  serviceName", "metadata.name: Invalid value: \"my.db\": must not contain dots"),
        ("      labels:\n        app: mysql\n    spec:", "      labels:\n        app: other\n    spec:", "spec.template.metadata.labels: Invalid value: {\"app\":\"other\"}: `selector` does not match template `labels`"),
    ];
    for (from, to, want) in cases {
        let manifest = MYSQL.replacen(from, to, 1);
        assert_ne!(manifest, MYSQL, "{from:?} is in the example");
        let (_, out) = run(&apply(&manifest));
        assert!(out.contains("is invalid") && out.contains(want), "want {want:?} in\n{out}");
    }
    // Only some fields may change.
    let renamed = MYSQL.replace("  serviceName: mysql\n", "  serviceName: db\n");
    let (_, out) = run(&format!("{}{}", apply(MYSQL), apply(&renamed)));
    assert!(
        out.contains("spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"),
        "{out}"
    );
    let scaled = MYSQL.replace("  replicas: 3\n", "  replicas: 5\n");
    let (_, out) = run(&format!("{}{}", apply(MYSQL), apply(&scaled)));
    assert!(out.contains("statefulset.apps/mysql configured"), "{out}");
}

#[test]
fn rollout_status_history_and_undo_take_statefulsets() {
    let script = format!(
        "{}kubectl rollout status statefulset/mysql\nkubectl set image sts/mysql mysql=mysql:8.4\nkubectl rollout status sts/mysql\nkubectl rollout history sts/mysql\nkubectl rollout undo sts/mysql\nkubectl rollout status sts/mysql\nkubectl rollout history sts/mysql\nkubectl rollout undo sts/mysql --to-revision=3\nkubectl rollout pause sts/mysql\n",
        apply(MYSQL)
    );
    let (engine, out) = run(&script);
    // StatefulSetStatusViewer's lines, with the defaulted partition 0.
    assert!(out.contains("Waiting for 3 pods to be ready...\n"), "{out}");
    assert!(
        out.contains("Waiting for partitioned roll out to finish: 1 out of 3 new pods have been updated...\n"),
        "{out}"
    );
    assert!(out.contains("partitioned roll out complete: 3 new pods have been updated...\n"), "{out}");
    assert!(
        out.contains("statefulset.apps/mysql \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n"),
        "{out}"
    );
    // Undo makes revision 1's template current again, as revision 3 under the same name.
    assert!(out.contains("statefulset.apps/mysql rolled back\n"), "{out}");
    assert!(out.contains("REVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n"), "{out}");
    assert!(out.contains("skipped rollback (current template already matches revision 3)"), "{out}");
    assert!(out.contains("error: statefulsets.apps \"mysql\" pausing is not supported"), "{out}");
    let image = |n: &str| {
        let p = engine.store.get_named(Kind::Pod, "default", n).unwrap();
        p.as_pod().unwrap().spec.as_ref().unwrap().containers[0].image.clone().unwrap()
    };
    assert_eq!([image("mysql-0"), image("mysql-1"), image("mysql-2")], ["mysql:8.0", "mysql:8.0", "mysql:8.0"]);
    assert_eq!(engine.store.list(Kind::ControllerRevision, Some("default")).count(), 2);
}

#[test]
fn a_billion_replicas_cost_only_what_a_sync_reaches() {
    // Slots are made per ordinal reached, not per replica asked for: OrderedReady makes
    // mysql-0 and waits, however many replicas the spec names.
    let (engine, out) = run(&format!("{}advance 1s\nkubectl get sts\n", apply(&mysql(1_000_000_000, ""))));
    assert!(out.contains("0/1000000000"), "{out}");
    assert_eq!(pods(&engine), ["mysql-0"]);
}
