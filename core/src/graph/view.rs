//! What the UI keeps between frames: stable positions, the history-fold option, and
//! objects that just went away, still drawn (marked `leaving`) for a moment so a deletion
//! fades out in place instead of vanishing or being drawn over.

use super::{Entries, Graph, GraphNode, GraphOptions, Layout};
use crate::store::Store;
use std::collections::BTreeMap;

#[derive(Clone, Debug)]
pub struct GraphView {
    pub options: GraphOptions,
    /// How long a deleted object stays drawn, in the caller's clock (ms).
    pub fade_ms: f64,
    layout: Layout,
    drawn: BTreeMap<String, GraphNode>,
    leaving: BTreeMap<String, (GraphNode, f64)>,
    /// Every drawn object with its look, as of store revision `seen`: a build looks
    /// again only at what was written since (`Store::changes_since`).
    entries: Entries,
    seen: Option<u64>,
}

impl Default for GraphView {
    fn default() -> Self {
        GraphView {
            options: GraphOptions::default(),
            fade_ms: 600.0,
            layout: Layout::default(),
            drawn: BTreeMap::new(),
            leaving: BTreeMap::new(),
            entries: Entries::new(),
            seen: None,
        }
    }
}

impl GraphView {
    /// The graph at `now` (any monotonic clock in ms, e.g. the page's): the store's
    /// objects plus those that left within `fade_ms`.
    pub fn build(&mut self, store: &Store, now: f64) -> Graph {
        self.leaving.retain(|_, (_, until)| *until > now);
        // Everything drawn last time keeps its cell through this build: what has gone
        // since fades out there, and nothing new may be drawn over it.
        self.layout.hold(self.leaving.keys().chain(self.drawn.keys()).cloned());
        match self.seen.and_then(|rv| store.changes_since(rv)) {
            Some(keys) => super::refresh(&mut self.entries, store, keys),
            None => self.entries = super::entries(store),
        }
        self.seen = Some(store.revision());
        let mut graph = Graph::assemble(store, &self.entries, &mut self.layout, self.options);
        let mut drawn: BTreeMap<String, GraphNode> = BTreeMap::new();
        for n in &graph.nodes {
            self.leaving.remove(&n.id);
            drawn.insert(n.id.clone(), n.clone());
        }
        for (id, mut node) in std::mem::take(&mut self.drawn) {
            if !drawn.contains_key(&id) {
                node.leaving = true;
                self.leaving.insert(id, (node, now + self.fade_ms));
            }
        }
        self.drawn = drawn;
        graph.nodes.extend(self.leaving.values().map(|(n, _)| n.clone()));
        crate::sort::sort_by_key(&mut graph.nodes, |n| (n.column, n.row));
        graph
    }

    /// When the next fading object is done (a rebuild then drops it), if any.
    pub fn next_expiry(&self) -> Option<f64> {
        self.leaving.values().map(|(_, until)| *until).reduce(f64::min)
    }

    /// Forgets positions and fading objects (after the cluster is rebuilt).
    pub fn clear(&mut self) {
        let options = self.options;
        let fade_ms = self.fade_ms;
        *self = GraphView { options, fade_ms, ..GraphView::default() };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::time::parse_rfc3339;
    use crate::api::Kind;
    use crate::cluster::new_cluster;
    use crate::sim::engine::Engine;

    fn settled() -> Engine {
        let mut engine = new_cluster(parse_rfc3339("2026-01-01T00:00:00Z").unwrap(), 0);
        let dep = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: app, image: nginx}]}\n";
        let lines = crate::script::parse(&format!("kubectl apply -f - <<EOF\n{dep}EOF\nsettle\n")).unwrap();
        crate::script::run(&mut engine, &lines, &|_| Err("no files".into()), &mut |_, _| {});
        engine
    }

    fn mark_deployment(view: &mut GraphView) {
        let e = view.entries.iter_mut().find(|(k, _)| k.kind == Kind::Deployment).unwrap().1;
        e.look.details = vec!["untouched".into()];
    }

    fn deployment_details(g: &Graph) -> Vec<String> {
        g.nodes.iter().find(|n| n.kind == Kind::Deployment).unwrap().details.clone()
    }

    fn relabel_a_pod(engine: &mut Engine, value: &str) {
        let pod = engine.store.list(Kind::Pod, None).next().unwrap();
        let mut pod = (**pod).clone();
        pod.meta_mut().labels.get_or_insert_with(Default::default).insert("note".into(), value.into());
        engine.store.update(pod, "kubectl").unwrap();
    }

    // A write to one pod looks again at that pod (and its node), not at the rest: the
    // Deployment's cached card survives. Past the store's change log, everything is
    // looked at again, as a watch that fell behind re-lists.
    #[test]
    fn a_build_looks_again_only_at_what_was_written() {
        let mut engine = settled();
        let mut view = GraphView::default();
        view.build(&engine.store, 0.0);
        mark_deployment(&mut view);
        relabel_a_pod(&mut engine, "one");
        assert_eq!(deployment_details(&view.build(&engine.store, 1.0)), vec!["untouched"]);
        for i in 0..=crate::store::CHANGE_LOG {
            relabel_a_pod(&mut engine, &format!("v{i}"));
        }
        assert_ne!(deployment_details(&view.build(&engine.store, 2.0)), vec!["untouched"]);
    }
}
