//! The simulated cluster around the controllers: nodes, scheduler and kubelet.

pub mod kubelet;
pub mod node_lifecycle;
pub mod nodes;
pub mod provisioner;
pub mod scheduler;
pub mod volume_binding;

use crate::api::time::Clock;
use crate::controllers::{deployment::DeploymentController, gc::GarbageCollector, replicaset::ReplicaSetController};
use crate::sim::controller::Controller;
use crate::sim::engine::{Engine, Registration};

fn manager(make: fn() -> Box<dyn Controller>) -> Registration {
    Registration { make, in_controller_manager: true }
}

fn component(make: fn() -> Box<dyn Controller>) -> Registration {
    Registration { make, in_controller_manager: false }
}

/// The registry: every controller and component, in the order the engine serves them.
/// Adding a controller is one line here.
pub fn registry() -> Vec<Registration> {
    vec![
        component(|| Box::new(nodes::DefaultNodes)),
        manager(|| Box::new(DeploymentController)),
        manager(|| Box::new(ReplicaSetController::default())),
        manager(|| Box::new(crate::controllers::statefulset::StatefulSetController)),
        manager(|| Box::new(GarbageCollector)),
        component(|| Box::new(scheduler::Scheduler::default())),
        component(|| Box::new(kubelet::Kubelet::default())),
        component(|| Box::new(nodes::NodeStatusController)),
        manager(|| Box::new(crate::controllers::namespace::NamespaceController)),
        manager(|| Box::new(node_lifecycle::PodGarbageCollector::default())),
        manager(|| Box::new(node_lifecycle::TaintEvictionController)),
        manager(|| Box::new(crate::controllers::endpoints::EndpointsController)),
        manager(|| Box::new(crate::controllers::endpointslice::EndpointSliceController)),
        manager(|| Box::new(crate::controllers::persistentvolume::PersistentVolumeController)),
        component(|| Box::new(provisioner::Provisioner)),
    ]
}

/// A cluster: the API store, the control-plane controllers, scheduler and kubelet,
/// and the default nodes (replaced when the input brings its own).
pub fn new_cluster(start: jiff::Timestamp, seed: u64) -> Engine {
    let mut engine = Engine::new(Clock::new(start), seed, registry());
    let objects =
        nodes::default_namespaces().into_iter().chain([nodes::kubernetes_service()]).chain(nodes::default_nodes());
    for n in objects {
        let _ = engine.store.create(n, "kubeloop");
    }
    let _ = engine.drain();
    engine
}
