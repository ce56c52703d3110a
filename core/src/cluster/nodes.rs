//! Nodes: the default cluster and the kubelet's node status (Ready, capacity, version).

use crate::api::{Kind, Object};
use crate::sim::controller::{Controller, Ctx};
use crate::store::{Store, WatchEvent, WatchType};
use k8s_openapi::api::core::v1::{Node, NodeAddress, NodeCondition, NodeSystemInfo};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use std::collections::BTreeMap;

/// The Kubernetes version kubeloop presents itself as.
pub const KUBE_VERSION: &str = "v1.37.0";

/// Marks nodes kubeloop made up because the input had none.
pub const DEFAULT_NODE_ANNOTATION: &str = "sim.kubeloop.dev/default-node";

fn default_capacity() -> BTreeMap<String, Quantity> {
    [("cpu", "4"), ("memory", "16Gi"), ("pods", "110"), ("ephemeral-storage", "100Gi")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), Quantity(v.to_string())))
        .collect()
}

/// The `kubernetes` Service every cluster has in `default`: the API server's address.
pub fn kubernetes_service() -> Object {
    use k8s_openapi::api::core::v1::{Service, ServicePort, ServiceSpec};
    Object::Service(Box::new(Service {
        metadata: ObjectMeta {
            name: Some("kubernetes".into()),
            namespace: Some("default".into()),
            labels: Some(BTreeMap::from([
                ("component".to_string(), "apiserver".to_string()),
                ("provider".to_string(), "kubernetes".to_string()),
            ])),
            ..Default::default()
        },
        spec: Some(ServiceSpec {
            type_: Some("ClusterIP".into()),
            cluster_ip: Some("10.96.0.1".into()),
            cluster_ips: Some(vec!["10.96.0.1".into()]),
            ports: Some(vec![ServicePort {
                name: Some("https".into()),
                port: 443,
                protocol: Some("TCP".into()),
                target_port: Some(k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(6443)),
                ..Default::default()
            }]),
            session_affinity: Some("None".into()),
            ..Default::default()
        }),
        status: None,
    }))
}

/// The namespaces every cluster starts with.
pub fn default_namespaces() -> Vec<Object> {
    ["default", "kube-node-lease", "kube-public", "kube-system"]
        .into_iter()
        .map(|name| {
            Object::Namespace(Box::new(k8s_openapi::api::core::v1::Namespace {
                metadata: ObjectMeta {
                    name: Some(name.to_string()),
                    labels: Some(BTreeMap::from([("kubernetes.io/metadata.name".to_string(), name.to_string())])),
                    ..Default::default()
                },
                spec: Some(k8s_openapi::api::core::v1::NamespaceSpec { finalizers: Some(vec!["kubernetes".into()]) }),
                status: Some(k8s_openapi::api::core::v1::NamespaceStatus {
                    phase: Some("Active".into()),
                    conditions: None,
                }),
            }))
        })
        .collect()
}

/// The default cluster: `node-1..3` in `zone-a..c`, 4 CPU, 16Gi, 110 pods each.
pub fn default_nodes() -> Vec<Object> {
    (1..=3)
        .map(|i| {
            let name = format!("node-{i}");
            let zone = format!("zone-{}", (b'a' + (i - 1) as u8) as char);
            let labels: BTreeMap<String, String> = [
                ("kubernetes.io/hostname", name.as_str()),
                ("kubernetes.io/os", "linux"),
                ("kubernetes.io/arch", "amd64"),
                ("topology.kubernetes.io/zone", zone.as_str()),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
            Object::Node(Box::new(Node {
                metadata: ObjectMeta {
                    name: Some(name),
                    labels: Some(labels),
                    annotations: Some(BTreeMap::from([(DEFAULT_NODE_ANNOTATION.to_string(), "true".to_string())])),
                    ..Default::default()
                },
                spec: None,
                status: None,
            }))
        })
        .collect()
}

/// The kubelet's node half: a node without status gets capacity, addresses and a
/// Ready condition, as a registering kubelet posts them.
#[derive(Default)]
pub struct NodeStatusController;

impl Controller for NodeStatusController {
    fn name(&self) -> &'static str {
        "kubelet-node-status"
    }
    fn watches(&self) -> &'static [Kind] {
        &[Kind::Node]
    }
    fn owns(&self) -> &'static [Kind] {
        &[Kind::Node]
    }

    fn keys_for(&mut self, ev: &WatchEvent, _store: &Store, out: &mut Vec<crate::api::ObjKey>) {
        if ev.object.kind() == Kind::Node && ev.kind != WatchType::Deleted {
            out.push(ev.object.key());
        }
    }

    fn sync(&mut self, key: &crate::api::ObjKey, ctx: &mut Ctx) -> Result<(), String> {
        let Some(node) = ctx.store.get(key).and_then(|o| o.as_node().cloned()) else {
            return Ok(());
        };
        let key = &*key.name;
        let index = ctx.store.list(Kind::Node, None).position(|n| n.name() == key).unwrap_or(0);
        let mut status = node.status.clone().unwrap_or_default();
        let before = status.clone();
        let capacity = status.capacity.get_or_insert_with(default_capacity);
        for (k, v) in default_capacity() {
            capacity.entry(k).or_insert(v);
        }
        let capacity = capacity.clone();
        status.allocatable.get_or_insert(capacity);
        if status.conditions.as_ref().is_none_or(|c| !c.iter().any(|c| c.type_ == "Ready")) {
            let now = ctx.store.now();
            status.conditions.get_or_insert_with(Vec::new).push(NodeCondition {
                type_: "Ready".into(),
                status: "True".into(),
                reason: Some("KubeletReady".into()),
                message: Some("kubelet is posting ready status".into()),
                last_heartbeat_time: Some(now.clone()),
                last_transition_time: Some(now),
            });
        }
        status.addresses.get_or_insert_with(|| {
            vec![
                NodeAddress { type_: "InternalIP".into(), address: format!("10.0.0.{}", index + 10) },
                NodeAddress { type_: "Hostname".into(), address: key.to_string() },
            ]
        });
        status.node_info.get_or_insert_with(|| NodeSystemInfo {
            architecture: "amd64".into(),
            container_runtime_version: "containerd://2.1.0".into(),
            kernel_version: "6.8.0".into(),
            kube_proxy_version: String::new(),
            kubelet_version: KUBE_VERSION.into(),
            machine_id: String::new(),
            operating_system: "linux".into(),
            os_image: "kubeloop simulated node".into(),
            system_uuid: String::new(),
            boot_id: String::new(),
            swap: None,
            running_in_user_namespace: None,
        });
        if status == before {
            return Ok(());
        }
        let mut updated = node;
        updated.status = Some(status);
        ctx.store.update(Object::Node(Box::new(updated)), ctx.actor).map(|_| ()).map_err(|e| e.to_string())
    }
}

pub fn node_ready(n: &Node) -> bool {
    n.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

/// Pod-index of a node: its position in name order, for pod IPs.
pub fn node_index(store: &Store, name: &str) -> usize {
    store.list(Kind::Node, None).position(|n| n.name() == name).unwrap_or(0)
}

/// The made-up default nodes give way to the input's own nodes, as long as nothing runs
/// on them yet; later, the input's nodes join them. (kubeloop's own component: a real
/// cluster has no default nodes.)
#[derive(Default)]
pub struct DefaultNodes;

pub fn is_default_node(n: &Object) -> bool {
    n.meta().annotations.as_ref().is_some_and(|a| a.contains_key(DEFAULT_NODE_ANNOTATION))
}

impl Controller for DefaultNodes {
    fn name(&self) -> &'static str {
        "kubeloop"
    }
    fn watches(&self) -> &'static [Kind] {
        &[Kind::Node]
    }
    fn owns(&self) -> &'static [Kind] {
        &[Kind::Node]
    }

    fn keys_for(&mut self, ev: &WatchEvent, _store: &Store, out: &mut Vec<crate::api::ObjKey>) {
        if ev.kind == WatchType::Added && !is_default_node(&ev.object) {
            out.push(ev.object.key());
        }
    }

    fn sync(&mut self, key: &crate::api::ObjKey, ctx: &mut Ctx) -> Result<(), String> {
        let defaults: Vec<crate::api::ObjKey> =
            ctx.store.list(Kind::Node, None).filter(|n| is_default_node(n)).map(|n| n.key()).collect();
        if defaults.is_empty() || defaults.iter().any(|k| ctx.store.pods_on_node(&k.name).next().is_some()) {
            return Ok(());
        }
        for k in defaults {
            ctx.because(format!("removing default node {}: the input brings its own nodes ({})", k.name, key.name));
            match ctx.store.delete(&k, crate::store::DeleteOptions::default(), ctx.actor) {
                Ok(_) | Err(crate::store::ApiError::NotFound { .. }) => {}
                Err(e) => return Err(e.to_string()),
            }
        }
        Ok(())
    }
}
