//! The object graph the UI draws: Deployments -> ReplicaSets -> Pods -> Nodes, with
//! what matters about each object, and positions that stay put while an object lives so
//! a rollout animates instead of jumping. Pure data: the front end only renders it.

mod layout;
mod view;

pub use layout::Layout;
pub use view::GraphView;

use crate::api::{Kind, ObjKey, Object};
use crate::kinds::{GraphLook, View};
use crate::store::Store;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

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
    /// A pod's volume naming a claim.
    Uses,
    /// A claim bound to its volume.
    BoundTo,
}

/// The columns' titles, by column: a kind module's `GraphPlace` picks one.
pub const COLUMN_TITLES: [&str; 6] = ["Workloads", "ReplicaSets", "Pods", "Claims", "Volumes", "Nodes"];

/// The columns drawn, in order: workloads, pods and nodes always, ReplicaSets, claims
/// and volumes once there are any (a Deployment's graph keeps its four columns, a
/// StatefulSet's has no empty ReplicaSet column).
pub fn drawn_columns(graph: &Graph) -> Vec<usize> {
    let mut cols = vec![0, 2, 5];
    cols.extend(graph.nodes.iter().map(|n| n.column));
    cols.sort_unstable();
    cols.dedup();
    cols
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

/// The column each kind is drawn in (the kind module decides).
pub fn column_of(kind: Kind) -> Option<usize> {
    kind.graph_place().map(|p| p.column)
}

fn folded_id(deployment_uid: &str) -> String {
    format!("{deployment_uid}/history")
}

/// The Deployment uid of a folded history node's id.
pub fn folded_owner(id: &str) -> Option<&str> {
    id.strip_suffix("/history")
}

/// What the graph keeps of one drawn object between builds: the object and its look,
/// worked out again only when it (or something linking to it) is written.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    object: Rc<Object>,
    look: GraphLook,
}

impl Entry {
    fn of(object: &Rc<Object>, view: &View) -> Entry {
        Entry { object: object.clone(), look: object.graph(view) }
    }
}

/// The entries of every drawn object, in the store's order (kind, namespace, name).
pub(crate) type Entries = BTreeMap<ObjKey, Entry>;

/// Every drawn object of the store, looked at afresh.
pub(crate) fn entries(store: &Store) -> Entries {
    let view = View::new(store);
    let mut out = Entries::new();
    for kind in Kind::ALL.iter().copied().filter(|k| k.graph_place().is_some()) {
        for o in store.list(kind, None) {
            out.insert(o.key(), Entry::of(o, &view));
        }
    }
    out
}

/// Brings `entries` up to date with the objects at `keys`, which were written: each is
/// looked at again (or dropped when gone), and so is every object it links to before or
/// after, as a look may count what links to it (a node its pods).
pub(crate) fn refresh<'a>(entries: &mut Entries, store: &Store, keys: impl Iterator<Item = &'a ObjKey>) {
    let view = View::new(store);
    let mut linked: BTreeSet<ObjKey> = BTreeSet::new();
    let mut done: BTreeSet<&ObjKey> = BTreeSet::new();
    for key in keys.filter(|k| k.kind.graph_place().is_some()) {
        if !done.insert(key) {
            continue;
        }
        if let Some(old) = entries.remove(key) {
            linked.extend(old.look.links.into_iter().map(|(k, _)| k));
        }
        if let Some(o) = store.get(key) {
            let e = Entry::of(o, &view);
            linked.extend(e.look.links.iter().map(|(k, _)| k.clone()));
            entries.insert(key.clone(), e);
        }
    }
    for key in linked.iter().filter(|k| !done.contains(k) && k.kind.graph_place().is_some()) {
        match store.get(key) {
            Some(o) => entries.insert(key.clone(), Entry::of(o, &view)),
            None => entries.remove(key),
        };
    }
}

impl Graph {
    /// Builds the graph of the store's current state; `layout` keeps positions stable
    /// between calls (pass the same one every time).
    pub fn build(store: &Store, layout: &mut Layout, options: GraphOptions) -> Graph {
        Graph::assemble(store, &entries(store), layout, options)
    }

    /// The graph of these entries: history folded, positions from `layout`, edges to the
    /// owners and link targets that exist.
    pub(crate) fn assemble(store: &Store, entries: &Entries, layout: &mut Layout, options: GraphOptions) -> Graph {
        let mut objects: Vec<(&str, &Object, Option<&str>, &GraphLook)> = Vec::new();
        let mut folded: BTreeMap<&str, (usize, &Object)> = BTreeMap::new();
        for Entry { object: o, look } in entries.values() {
            let owner = o.controller_ref().map(|r| r.uid.as_str());
            if options.fold_history && look.history {
                if let Some(d) = owner.filter(|uid| store.get_by_uid(uid).is_some()) {
                    folded.entry(d).or_insert((0, o)).0 += 1;
                    continue;
                }
            }
            objects.push((o.uid(), o, owner, look));
        }
        let mut ids: Vec<(String, usize, String)> = Vec::new();
        for (id, o, _, _) in &objects {
            if let Some(c) = column_of(o.kind()) {
                ids.push((id.to_string(), c, o.key().to_string()));
            }
        }
        for d in folded.keys() {
            ids.push((folded_id(d), 1, folded_id(d)));
        }
        layout.update_named(&ids);
        let mut graph = Graph::default();
        for (id, o, owner, look) in objects {
            let Some((column, row)) = layout.position(id) else { continue };
            if let Some(owner) = owner.filter(|uid| store.get_by_uid(uid).is_some()) {
                graph.edges.push(GraphEdge { from: owner.to_string(), to: id.to_string(), kind: EdgeKind::Owns });
            }
            for (key, kind) in &look.links {
                if let Some(to) = store.get(key) {
                    graph.edges.push(GraphEdge { from: id.to_string(), to: to.uid().to_string(), kind: *kind });
                }
            }
            graph.nodes.push(GraphNode {
                id: id.to_string(),
                kind: o.kind(),
                namespace: o.namespace().to_string(),
                name: o.name().to_string(),
                column,
                row,
                details: look.details.clone(),
                status: look.status.clone(),
                phase: look.phase.clone(),
                ready: look.ready,
                deleting: o.is_deleting(),
                leaving: false,
                folded: 0,
            });
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
            graph.edges.push(GraphEdge { from: d.to_string(), to: id, kind: EdgeKind::Owns });
        }
        crate::sort::sort_by_key(&mut graph.nodes, |n| (n.column, n.row));
        crate::sort::sort(&mut graph.edges);
        graph
    }
}

/// An object the graph folds into its owner's history node (a ReplicaSet scaled to
/// zero with no pods left).
pub fn is_history(o: &Object, view: &View) -> bool {
    o.graph(view).history
}
