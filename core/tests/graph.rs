//! The graph model the UI draws: contents, edges, folding, and positions that hold.

mod common;
use common::*;
use kubeloop::api::Kind;
use kubeloop::graph::{EdgeKind, Graph, GraphOptions, GraphView, Layout};
use std::collections::{BTreeMap, HashMap};

#[test]
fn deployment_replicaset_pods_and_nodes_with_edges() {
    let (engine, _) = run("kubectl apply -f my-app.yaml\nsettle\n");
    let mut layout = Layout::default();
    let g = Graph::build(&engine.store, &mut layout, GraphOptions::default());
    let count = |k: Kind| g.nodes.iter().filter(|n| n.kind == k).count();
    assert_eq!((count(Kind::Deployment), count(Kind::ReplicaSet), count(Kind::Pod), count(Kind::Node)), (1, 1, 3, 3));
    let owns = g.edges.iter().filter(|e| e.kind == EdgeKind::Owns).count();
    let runs_on = g.edges.iter().filter(|e| e.kind == EdgeKind::RunsOn).count();
    assert_eq!((owns, runs_on), (4, 3));
    let rs = g.nodes.iter().find(|n| n.kind == Kind::ReplicaSet).unwrap();
    assert_eq!(rs.details, vec!["3/3 ready", "revision 1", "nginx:1.25"]);
    let pod = g.nodes.iter().find(|n| n.kind == Kind::Pod).unwrap();
    assert_eq!((pod.status.as_deref(), pod.ready, pod.column), (Some("Running"), Some(true), 2));
}

#[test]
fn positions_hold_through_a_rollout_and_history_folds() {
    let (mut engine, _) =
        run("kubectl apply -f my-app.yaml\nsettle\nkubectl set image deployment/my-app app=nginx:1.26\n");
    let mut layout = Layout::default();
    let mut seen: HashMap<String, (usize, usize)> = HashMap::new();
    loop {
        let g = Graph::build(&engine.store, &mut layout, GraphOptions { fold_history: false });
        for n in &g.nodes {
            let pos = (n.column, n.row);
            assert_eq!(*seen.entry(n.id.clone()).or_insert(pos), pos, "{} moved", n.name);
        }
        if !engine.step().unwrap() {
            break;
        }
    }
    let folded = Graph::build(&engine.store, &mut layout, GraphOptions::default());
    let history: Vec<_> = folded.nodes.iter().filter(|n| n.folded > 0).collect();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].name, "1 old ReplicaSet");
    assert_eq!(folded.nodes.iter().filter(|n| n.kind == Kind::ReplicaSet && n.folded == 0).count(), 1);
}

/// What a node shows, without where it is drawn.
fn contents(g: &Graph) -> (BTreeMap<String, String>, Vec<(String, String)>) {
    let nodes = g
        .nodes
        .iter()
        .filter(|n| !n.leaving)
        .map(|n| {
            let shown = format!(
                "{:?} {} {:?} {:?} {:?} {:?} {} {}",
                n.kind, n.name, n.details, n.status, n.phase, n.ready, n.deleting, n.folded
            );
            (n.id.clone(), shown)
        })
        .collect();
    let edges = g.edges.iter().map(|e| (e.from.clone(), e.to.clone())).collect();
    (nodes, edges)
}

// The app's graph follows the store's writes (GraphView looks again only at what was
// written and what it links to); at every step it shows what a graph built from the
// whole store shows.
#[test]
fn the_followed_graph_matches_a_full_build_at_every_step() {
    let (mut engine, _) = run("kubectl apply -f my-app.yaml\nsettle\n");
    let mut view = GraphView::default();
    let script = [
        "kubectl set image deployment/my-app app=nginx:1.26",
        "kubectl delete node node-1",
        "kubectl scale deployment/my-app --replicas=5",
        "kubectl delete deployment my-app",
    ];
    let mut frame = 0.0;
    for line in script {
        run_on(&mut engine, &format!("{line}\n"));
        loop {
            frame += 1.0;
            let followed = view.build(&engine.store, frame);
            let full = Graph::build(&engine.store, &mut Layout::default(), GraphOptions::default());
            assert_eq!(contents(&followed), contents(&full), "after {line:?}, frame {frame}");
            if !engine.step().unwrap() {
                break;
            }
        }
    }
    assert!(frame > 10.0, "the scenario ran: {frame} frames");
}

#[test]
fn a_statefulset_draws_pods_claims_and_volumes_with_stable_dns_names() {
    let mysql = include_str!("../../www/examples/mysql.yaml");
    let (engine, _) = run(&format!("kubectl apply -f - <<EOF\n{mysql}EOF\nsettle\n"));
    let mut layout = Layout::default();
    let g = Graph::build(&engine.store, &mut layout, GraphOptions::default());
    let count = |k: Kind| g.nodes.iter().filter(|n| n.kind == k).count();
    let kinds = [Kind::StatefulSet, Kind::Pod, Kind::PersistentVolumeClaim, Kind::PersistentVolume, Kind::Node];
    assert_eq!(kinds.map(count), [1, 3, 3, 3, 3]);
    let edges = |k: EdgeKind| g.edges.iter().filter(|e| e.kind == k).count();
    assert_eq!((edges(EdgeKind::Uses), edges(EdgeKind::BoundTo)), (3, 3));
    let pod = g.nodes.iter().find(|n| n.name == "mysql-1").unwrap();
    assert!(pod.details.contains(&"mysql-1.mysql.default.svc.cluster.local".to_string()), "{:?}", pod.details);
    let claim = g.nodes.iter().find(|n| n.name == "data-mysql-1").unwrap();
    assert_eq!((claim.status.as_deref(), claim.column), (Some("Bound"), 3));
    assert_eq!(kubeloop::graph::drawn_columns(&g), [0, 2, 3, 4, 5], "no empty ReplicaSet column");
    // Without its governing Service the set says its pods get no names.
    let alone = &mysql[mysql.find("apiVersion: apps/v1").unwrap()..];
    let (engine, _) = run(&format!("kubectl apply -f - <<EOF\n{alone}EOF\nsettle\n"));
    let g = Graph::build(&engine.store, &mut Layout::default(), GraphOptions::default());
    let set = g.nodes.iter().find(|n| n.kind == Kind::StatefulSet).unwrap();
    assert!(set.details.contains(&"warning: no Service mysql: pods get no DNS names".to_string()), "{:?}", set.details);
    let pod = g.nodes.iter().find(|n| n.name == "mysql-0").unwrap();
    assert!(!pod.details.iter().any(|d| d.ends_with("svc.cluster.local")));
}

#[test]
fn a_statefulsets_pods_stay_in_ordinal_order_through_a_rolling_update() {
    let set = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: web}\nspec:\n  serviceName: web\n  replicas: 4\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: nginx:1.25}]}\n";
    let (mut engine, _) = run(&format!("kubectl apply -f - <<EOF\n{set}EOF\nsettle\n"));
    let mut view = kubeloop::graph::GraphView::default();
    let mut now = 0.0;
    view.build(&engine.store, now);
    run_on(&mut engine, "kubectl set image sts/web web=nginx:1.26\n");
    // Frames every half second, as the page draws them; each recreated pod fades in where
    // the one it replaces fades out.
    for _ in 0..60 {
        run_on(&mut engine, "advance 500ms\n");
        now += 500.0;
        view.build(&engine.store, now);
    }
    now += 1000.0;
    let g = view.build(&engine.store, now);
    let mut pods: Vec<(usize, String)> =
        g.nodes.iter().filter(|n| n.kind == Kind::Pod).map(|n| (n.row, n.name.clone())).collect();
    pods.sort();
    let names: Vec<&str> = pods.iter().map(|(_, n)| n.as_str()).collect();
    assert_eq!(names, ["web-0", "web-1", "web-2", "web-3"], "{pods:?}");
    // Each recreated pod took the row of the pod it replaced: web-N is still in row N.
    assert!(pods.iter().enumerate().all(|(i, (row, _))| *row == i), "{pods:?}");
    let images: Vec<String> = engine
        .store
        .list(Kind::Pod, Some("default"))
        .map(|o| o.to_json()["spec"]["containers"][0]["image"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(images.iter().all(|i| i == "nginx:1.26"), "{images:?}");
}
