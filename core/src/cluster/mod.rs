//! The simulated cluster around the controllers: nodes, scheduler and kubelet.

pub mod kubelet;
pub mod node_lifecycle;
pub mod nodes;
pub mod scheduler;

use crate::api::time::Clock;
use crate::controllers::{deployment::DeploymentController, gc::GarbageCollector, replicaset::ReplicaSetController};
use crate::sim::engine::Engine;

/// A cluster: the API store, the control-plane controllers, scheduler and kubelet,
/// and the default nodes (replaced when the input brings its own).
pub fn new_cluster(start: jiff::Timestamp, seed: u64) -> Engine {
    let mut engine = Engine::new(
        Clock::new(start),
        seed,
        vec![
            Box::new(DeploymentController),
            Box::new(ReplicaSetController),
            Box::new(GarbageCollector),
            Box::new(scheduler::Scheduler::default()),
            Box::new(kubelet::Kubelet::default()),
            Box::new(nodes::NodeStatusController),
            Box::new(crate::controllers::namespace::NamespaceController),
            Box::new(node_lifecycle::PodGarbageCollector::default()),
            Box::new(node_lifecycle::TaintEvictionController),
        ],
    );
    let objects =
        nodes::default_namespaces().into_iter().chain([nodes::kubernetes_service()]).chain(nodes::default_nodes());
    for n in objects {
        let _ = engine.store.create(n, "kubeloop");
    }
    let _ = engine.drain();
    engine
}
