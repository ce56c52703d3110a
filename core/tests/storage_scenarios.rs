//! Claims, volumes and classes driven through scripts: the seed's mysql example bound
//! to volumes made in its pods' zones, and the seed's three "StatefulSet Pod is Pending"
//! cases (no default StorageClass, zone mismatch, capacity exhausted), with the
//! binder's, provisioner's and scheduler's messages; reclaim Delete and Retain.

mod common;
use common::*;
use kubeloop::api::Kind;
use kubeloop::sim::engine::Engine;

const MYSQL: &str = include_str!("../../www/examples/mysql.yaml");

fn apply(manifest: &str) -> String {
    format!("kubectl apply -f - <<EOF\n{manifest}EOF\n")
}

fn phase(engine: &Engine, kind: Kind, ns: &str, name: &str) -> String {
    let o = engine.store.get_named(kind, ns, name).unwrap_or_else(|| panic!("{name}"));
    let v = o.to_json();
    v["status"]["phase"].as_str().unwrap_or("").to_string()
}

fn label(engine: &Engine, kind: Kind, name: &str, key: &str) -> String {
    let o = engine.store.get_named(kind, "", name).unwrap();
    o.labels().and_then(|l| l.get(key)).cloned().unwrap_or_default()
}

const POD_WITH_CLAIM: &str = "apiVersion: v1
kind: Pod
metadata: {name: db}
spec:
  containers: [{name: db, image: postgres:16}]
  volumes:
  - name: data
    persistentVolumeClaim: {claimName: data}
";

#[test]
fn the_mysql_example_binds_three_claims_to_volumes_in_their_pods_zones() {
    let (engine, out) = run(&format!("{}settle\nkubectl get pvc\nkubectl describe pvc data-mysql-0\n", apply(MYSQL)));
    for i in 0..3 {
        let claim = format!("data-mysql-{i}");
        assert_eq!(phase(&engine, Kind::PersistentVolumeClaim, "default", &claim), "Bound", "{out}");
        let c = engine.store.get_named(Kind::PersistentVolumeClaim, "default", &claim).unwrap().to_json();
        let volume = c["spec"]["volumeName"].as_str().unwrap().to_string();
        assert_eq!(volume, format!("pvc-{}", c["metadata"]["uid"].as_str().unwrap()));
        assert_eq!(phase(&engine, Kind::PersistentVolume, "", &volume), "Bound");
        // The volume is in the zone of the node its pod runs on.
        let pv = engine.store.get_named(Kind::PersistentVolume, "", &volume).unwrap().to_json();
        let zone = pv["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"][0]["matchExpressions"][0]["values"][0]
            .as_str()
            .unwrap()
            .to_string();
        let pod = engine.store.get_named(Kind::Pod, "default", &format!("mysql-{i}")).unwrap().to_json();
        let node = pod["spec"]["nodeName"].as_str().unwrap();
        assert_eq!(label(&engine, Kind::Node, node, "topology.kubernetes.io/zone"), zone);
        assert_eq!(c["metadata"]["annotations"]["volume.kubernetes.io/selected-node"], node);
    }
    assert!(out.contains("data-mysql-0   Bound    pvc-"), "{out}");
    assert!(out.contains("100Gi      RWO            gp3"), "{out}");
    assert!(out.contains("Normal  ProvisioningSucceeded"), "{out}");
    assert!(out.contains("Used By:       mysql-0"), "{out}");
}

#[test]
fn without_a_default_storage_class_the_claim_and_its_pod_stay_pending() {
    let claim = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 10Gi}}\n";
    let (engine, out) = run(&format!(
        "{}{}settle\nkubectl describe pvc data\nkubectl describe pod db\n",
        apply(claim),
        apply(POD_WITH_CLAIM)
    ));
    assert_eq!(phase(&engine, Kind::PersistentVolumeClaim, "default", "data"), "Pending");
    assert_eq!(phase(&engine, Kind::Pod, "default", "db"), "Pending");
    assert!(
        out.contains("FailedBinding")
            && out.contains("no persistent volumes available for this claim and no storage class is set"),
        "{out}"
    );
    assert!(
        out.contains("0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."),
        "{out}"
    );
    // A default class added later is not applied to the existing claim (admission runs on
    // create), but a new claim gets it.
    let sc = "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: standard\n  annotations: {storageclass.kubernetes.io/is-default-class: \"true\"}\nprovisioner: rancher.io/local-path\n";
    let (engine, out) =
        run(&format!("{}{}{}settle\nkubectl get pvc,sc\n", apply(sc), apply(claim), apply(POD_WITH_CLAIM)));
    assert_eq!(phase(&engine, Kind::PersistentVolumeClaim, "default", "data"), "Bound", "{out}");
    assert!(out.contains("standard (default)"), "{out}");
    assert_eq!(phase(&engine, Kind::Pod, "default", "db"), "Running");
}

#[test]
fn a_volume_in_another_zone_keeps_the_pod_pending_with_the_schedulers_message() {
    let pv = "apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: disk-1}\nspec:\n  capacity: {storage: 20Gi}\n  accessModes: [ReadWriteOnce]\n  storageClassName: \"\"\n  csi: {driver: ebs.csi.aws.com, volumeHandle: vol-1}\n  nodeAffinity:\n    required:\n      nodeSelectorTerms:\n      - matchExpressions: [{key: topology.kubernetes.io/zone, operator: In, values: [zone-z]}]\n";
    let claim = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\nspec:\n  storageClassName: \"\"\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 10Gi}}\n";
    let (engine, out) = run(&format!(
        "{}{}{}settle\nkubectl get pv\nkubectl describe pod db\n",
        apply(pv),
        apply(claim),
        apply(POD_WITH_CLAIM)
    ));
    assert_eq!(phase(&engine, Kind::PersistentVolumeClaim, "default", "data"), "Bound", "{out}");
    assert_eq!(phase(&engine, Kind::PersistentVolume, "", "disk-1"), "Bound");
    assert_eq!(phase(&engine, Kind::Pod, "default", "db"), "Pending");
    assert!(
        out.contains("0/3 nodes are available: 3 node(s) had volume node affinity conflict. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."),
        "{out}"
    );
    assert!(out.contains("20Gi       RWO            Retain           Bound    default/data"), "{out}");
}

#[test]
fn a_class_out_of_capacity_fails_to_provision_and_the_pod_waits() {
    let capped = MYSQL.replace(
        "metadata:\n  name: gp3\n",
        "metadata:\n  name: gp3\n  annotations: {sim.kubeloop.dev/capacity: 150Gi}\n",
    );
    let (engine, out) =
        run(&format!("{}advance 30s\nkubectl get pods,pvc\nkubectl describe pvc data-mysql-1\n", apply(&capped)));
    assert_eq!(phase(&engine, Kind::PersistentVolumeClaim, "default", "data-mysql-0"), "Bound");
    assert_eq!(phase(&engine, Kind::PersistentVolumeClaim, "default", "data-mysql-1"), "Pending");
    assert!(engine.store.get_named(Kind::Pod, "default", "mysql-2").is_none(), "OrderedReady stops at mysql-1");
    assert!(out.contains("Warning  ProvisioningFailed"), "{out}");
    assert!(
        out.contains("ResourceExhausted desc = insufficient capacity: 100Gi requested, 50Gi of 150Gi left"),
        "{out}"
    );
    // A bad knob is refused at apply time.
    let bad = capped.replace("150Gi", "lots");
    let (_, out) = run(&apply(&bad));
    assert!(out.contains("metadata.annotations[sim.kubeloop.dev/capacity]: Invalid value: \"lots\""), "{out}");
}

#[test]
fn reclaim_delete_removes_a_released_volume_and_retain_keeps_it() {
    let sc = |policy: &str| {
        format!("apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {{name: fast}}\nprovisioner: pd.csi.storage.gke.io\nreclaimPolicy: {policy}\n")
    };
    let claim = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\nspec:\n  storageClassName: fast\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n";
    let (engine, _) =
        run(&format!("{}{}settle\nkubectl delete pvc data\nsettle\n", apply(&sc("Delete")), apply(claim)));
    assert_eq!(engine.store.list(Kind::PersistentVolume, None).count(), 0);
    let (engine, out) = run(&format!(
        "{}{}settle\nkubectl delete pvc data\nsettle\nkubectl get pv\n",
        apply(&sc("Retain")),
        apply(claim)
    ));
    let pv = engine.store.list(Kind::PersistentVolume, None).next().expect("kept").name().to_string();
    assert_eq!(phase(&engine, Kind::PersistentVolume, "", &pv), "Released");
    assert!(out.contains("Retain           Released   default/data"), "{out}");
}

#[test]
fn a_burst_of_pods_waiting_for_their_volumes_spreads_over_the_nodes() {
    // Each pod is assumed on the node chosen for its claims, so the next pod of the burst
    // sees that node fuller: the volumes, and so the pods, spread over the zones.
    let parallel = MYSQL.replace("  replicas: 3\n", "  replicas: 30\n  podManagementPolicy: Parallel\n");
    let (engine, _) = run(&format!("{}settle\n", apply(&parallel)));
    let mut per_node = std::collections::BTreeMap::<String, usize>::new();
    for o in engine.store.list(Kind::Pod, Some("default")) {
        let node = o.to_json()["spec"]["nodeName"].as_str().unwrap_or("").to_string();
        *per_node.entry(node).or_default() += 1;
    }
    assert_eq!(per_node.values().sum::<usize>(), 30);
    assert_eq!(per_node.len(), 3, "{per_node:?}");
    assert!(per_node.values().all(|n| *n == 10), "{per_node:?}");
}

/// The examples menu's three Pending cases say what their comments promise.
#[test]
fn the_pending_examples_show_their_messages() {
    let cases = [
        ("pending-no-storageclass", "pod has unbound immediate PersistentVolumeClaims"),
        (
            "pending-zone",
            "1 node(s) had volume node affinity conflict, 2 node(s) didn't match Pod's node affinity/selector",
        ),
        ("pending-capacity", "ResourceExhausted desc = insufficient capacity: 100Gi requested, 50Gi of 150Gi left"),
    ];
    for (id, want) in cases {
        let e = kubeloop::examples::by_id(id).expect(id);
        let (engine, out) = run(&format!(
            "{}advance 30s\nkubectl describe pod mysql-0\nkubectl describe pvc data-mysql-1\n",
            apply(e.text)
        ));
        assert!(out.contains(want), "{id}: want {want:?} in\n{out}");
        let pending = if id == "pending-capacity" { "mysql-1" } else { "mysql-0" };
        assert_eq!(phase(&engine, Kind::Pod, "default", pending), "Pending", "{id}");
    }
}

#[test]
fn describe_pv_shows_the_claim_affinity_and_csi_source() {
    let (engine, _) = run(&format!("{}settle\n", apply(MYSQL)));
    let claim = engine.store.get_named(Kind::PersistentVolumeClaim, "default", "data-mysql-0").unwrap().to_json();
    let pv = claim["spec"]["volumeName"].as_str().unwrap().to_string();
    let (_, out) = run(&format!("{}settle\nkubectl describe pv {pv}\n", apply(MYSQL)));
    for line in [
        "Claim:             default/data-mysql-0\n",
        "Reclaim Policy:    Delete\n",
        "Node Affinity:     \n  Required Terms:  \n    Term 0:        topology.kubernetes.io/zone in [zone-",
        "    Type:              CSI (a Container Storage Interface (CSI) volume source)\n    Driver:            ebs.csi.aws.com\n",
    ] {
        assert!(out.contains(line), "want {line:?} in\n{out}");
    }
}
