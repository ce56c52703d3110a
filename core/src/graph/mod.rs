//! The object graph the UI draws: Deployments -> ReplicaSets -> Pods -> Nodes, with
//! what matters about each object, and positions that stay put while an object lives so
//! a rollout animates instead of jumping. Pure data: the front end only renders it.

mod layout;
mod view;

pub use layout::Layout;
pub use view::GraphView;

use crate::api::{pod, Kind, Object};
use crate::store::Store;
use std::collections::BTreeMap;

/// One drawn object.
#[derive(Clone, Debug, PartialEq)]
pub struct GraphNode {
    /// The object's uid (stable across updates; a recreated object is a new node).
    pub id: String,
    pub kind: Kind,
    pub namespace: String,
    pub name: String,
    /// Column and row in the layout grid.
    pub column: usize,
    pub row: usize,
    /// Short lines under the name: revision and image, desired/ready, node, restarts.
    pub details: Vec<String>,
    /// Pods: the STATUS kubectl would print (Running, Pending, CrashLoopBackOff ...).
    pub status: Option<String>,
    /// Pods: `status.phase` (Pending, Running, Succeeded, Failed).
    pub phase: Option<String>,
    /// Pods: Ready condition; ReplicaSets and Deployments: all replicas ready.
    pub ready: Option<bool>,
    pub deleting: bool,
    /// Gone from the store, still drawn while it fades out (see [`GraphView`]).
    pub leaving: bool,
    /// A folded set of scaled-down ReplicaSets (the "history" node).
    pub folded: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum EdgeKind {
    /// ownerReference with controller: true.
    Owns,
    /// A pod bound to a node.
    RunsOn,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct GraphEdge {
    pub from: String,
    pub to: String,
    pub kind: EdgeKind,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Graph {
    pub nodes: Vec<GraphNode>,
    pub edges: Vec<GraphEdge>,
}

/// What the graph shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GraphOptions {
    /// Fold each Deployment's ReplicaSets that are scaled to zero into one node.
    pub fold_history: bool,
}

impl Default for GraphOptions {
    fn default() -> Self {
        GraphOptions { fold_history: true }
    }
}

/// The column each kind is drawn in.
pub fn column_of(kind: Kind) -> Option<usize> {
    match kind {
        Kind::Deployment => Some(0),
        Kind::ReplicaSet => Some(1),
        Kind::Pod => Some(2),
        Kind::Node => Some(3),
        _ => None,
    }
}

fn folded_id(deployment_uid: &str) -> String {
    format!("{deployment_uid}/history")
}

/// The Deployment uid of a folded history node's id.
pub fn folded_owner(id: &str) -> Option<&str> {
    id.strip_suffix("/history")
}

impl Graph {
    /// Builds the graph of the store's current state; `layout` keeps positions stable
    /// between calls (pass the same one every time).
    pub fn build(store: &Store, layout: &mut Layout, options: GraphOptions) -> Graph {
        let now_ms = store.clock.now_ms;
        let mut objects: Vec<(String, &Object, Option<String>)> = Vec::new();
        let mut folded: BTreeMap<String, (usize, &Object)> = BTreeMap::new();
        for kind in [Kind::Deployment, Kind::ReplicaSet, Kind::Pod, Kind::Node] {
            for o in store.list(kind, None) {
                let owner = o.controller_ref().map(|r| r.uid.clone());
                if options.fold_history && kind == Kind::ReplicaSet && is_history(o) {
                    if let Some(d) = owner.clone().filter(|uid| store.get_by_uid(uid).is_some()) {
                        folded.entry(d).or_insert((0, o)).0 += 1;
                        continue;
                    }
                }
                objects.push((o.uid().to_string(), &**o, owner));
            }
        }
        let mut ids: Vec<(String, usize)> = Vec::new();
        for (id, o, _) in &objects {
            if let Some(c) = column_of(o.kind()) {
                ids.push((id.clone(), c));
            }
        }
        for d in folded.keys() {
            ids.push((folded_id(d), 1));
        }
        layout.update(&ids);
        let mut graph = Graph::default();
        for (id, o, owner) in &objects {
            let Some((column, row)) = layout.position(id) else { continue };
            graph.nodes.push(node_for(o, id, column, row, now_ms, store));
            if let Some(owner) = owner.as_ref().filter(|uid| store.get_by_uid(uid).is_some()) {
                graph.edges.push(GraphEdge { from: owner.clone(), to: id.clone(), kind: EdgeKind::Owns });
            }
            if let Some(p) = o.as_pod() {
                let node = pod::node_name(p);
                if let Some(n) = store.get_named(Kind::Node, "", node) {
                    graph.edges.push(GraphEdge { from: id.clone(), to: n.uid().to_string(), kind: EdgeKind::RunsOn });
                }
            }
        }
        for (d, (count, sample)) in &folded {
            let id = folded_id(d);
            let Some((column, row)) = layout.position(&id) else { continue };
            graph.nodes.push(GraphNode {
                id: id.clone(),
                kind: Kind::ReplicaSet,
                namespace: sample.namespace().to_string(),
                name: format!("{count} old ReplicaSet{}", if *count == 1 { "" } else { "s" }),
                column,
                row,
                details: vec!["history (scaled to 0)".into()],
                status: None,
                phase: None,
                ready: None,
                deleting: false,
                leaving: false,
                folded: *count,
            });
            graph.edges.push(GraphEdge { from: d.clone(), to: id, kind: EdgeKind::Owns });
        }
        crate::sort::sort_by_key(&mut graph.nodes, |n| (n.column, n.row));
        crate::sort::sort(&mut graph.edges);
        graph
    }
}

/// A ReplicaSet with nothing left: scaled to zero and no pods.
pub fn is_history(o: &Object) -> bool {
    o.as_replica_set()
        .is_some_and(|rs| rs.spec.replicas == Some(0) && rs.status.as_ref().is_none_or(|s| s.replicas == 0))
}

fn node_for(o: &Object, id: &str, column: usize, row: usize, now_ms: i64, store: &Store) -> GraphNode {
    let mut n = GraphNode {
        id: id.to_string(),
        kind: o.kind(),
        namespace: o.namespace().to_string(),
        name: o.name().to_string(),
        column,
        row,
        details: Vec::new(),
        status: None,
        phase: None,
        ready: None,
        deleting: o.is_deleting(),
        leaving: false,
        folded: 0,
    };
    let image = pod::template_images;
    match o {
        Object::Deployment(d) => {
            let s = d.status.clone().unwrap_or_default();
            let want = d.spec.replicas.unwrap_or(1);
            n.details.push(format!("{}/{} ready", s.ready_replicas.unwrap_or(0), want));
            n.details.push(image(Some(&d.spec.template)));
            n.ready = Some(s.available_replicas.unwrap_or(0) >= want && s.updated_replicas.unwrap_or(0) >= want);
        }
        Object::ReplicaSet(rs) => {
            let s = rs.status.clone().unwrap_or_default();
            let want = rs.spec.replicas.unwrap_or(1);
            let rev =
                rs.metadata.annotations.as_ref().and_then(|a| a.get(crate::controllers::deployment::util::REVISION));
            n.details.push(format!("{}/{} ready", s.ready_replicas.unwrap_or(0), want));
            if let Some(rev) = rev {
                n.details.push(format!("revision {rev}"));
            }
            n.details.push(image(rs.spec.template.as_ref()));
            n.ready = Some(s.ready_replicas.unwrap_or(0) >= want);
        }
        Object::Pod(p) => {
            let (ready, total, status, restarts) = crate::kubectl::get::pod_summary(store, p, now_ms);
            n.details.push(format!("{ready}/{total}"));
            let node = pod::node_name(p);
            if !node.is_empty() {
                n.details.push(node.to_string());
            }
            if restarts != "0" {
                n.details.push(format!("{restarts} restarts"));
            }
            n.status = Some(status);
            n.phase = Some(p.status.as_ref().and_then(|s| s.phase.clone()).unwrap_or_else(|| "Pending".into()));
            n.ready = Some(pod::is_ready(p));
        }
        Object::Node(node) => {
            let ready = crate::cluster::nodes::node_ready(node);
            n.ready = Some(ready);
            n.status = Some(if ready { "Ready".into() } else { "NotReady".into() });
            if let Some(z) = node.metadata.labels.as_ref().and_then(|l| l.get("topology.kubernetes.io/zone")) {
                n.details.push(z.clone());
            }
            let pods = store.pods_on_node(o.name()).count();
            n.details.push(format!("{pods} pod{}", if pods == 1 { "" } else { "s" }));
        }
        _ => {}
    }
    n
}
