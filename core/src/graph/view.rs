//! What the UI keeps between frames: stable positions, the history-fold option, and
//! objects that just went away, still drawn (marked `leaving`) for a moment so a deletion
//! fades out in place instead of vanishing or being drawn over.

use super::{Graph, GraphNode, GraphOptions, Layout};
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
}

impl Default for GraphView {
    fn default() -> Self {
        GraphView {
            options: GraphOptions::default(),
            fade_ms: 600.0,
            layout: Layout::default(),
            drawn: BTreeMap::new(),
            leaving: BTreeMap::new(),
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
        let mut graph = Graph::build(store, &mut self.layout, self.options);
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
