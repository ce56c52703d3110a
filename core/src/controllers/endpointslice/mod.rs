//! The endpointslice controller (pkg/controller/endpointslice/endpointslice_controller.go):
//! for every Service with a selector, EndpointSlices owned by the Service listing each
//! selected pod with its ready/serving/terminating conditions, node and zone. The
//! packing into slices of at most 100 endpoints is `reconciler`'s
//! (staging/src/k8s.io/endpointslice/reconciler.go).

pub mod reconciler;

use super::endpoints_util::*;
use crate::api::{Kind, ObjKey, Object};
use crate::kinds::pod::Pod;
use crate::sim::controller::{Controller, Ctx};
use crate::store::{Store, WatchEvent, WatchType};
use k8s_openapi::api::core::v1::{ObjectReference, Service};
use k8s_openapi::api::discovery::v1::{Endpoint, EndpointConditions, EndpointPort};

pub const NAME: &str = "endpointslice-controller";
/// The managed-by label's value (controllerName).
pub const CONTROLLER_NAME: &str = "endpointslice-controller.k8s.io";
pub const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";
pub const MANAGED_BY_LABEL: &str = "endpointslice.kubernetes.io/managed-by";
const ZONE: &str = "topology.kubernetes.io/zone";
/// --max-endpoints-per-slice's default.
pub const MAX_ENDPOINTS_PER_SLICE: usize = 100;

#[derive(Default)]
pub struct EndpointSliceController;

impl Controller for EndpointSliceController {
    fn name(&self) -> &'static str {
        NAME
    }
    fn watches(&self) -> &'static [Kind] {
        &[Kind::Service, Kind::Pod, Kind::Node, Kind::EndpointSlice]
    }
    fn owns(&self) -> &'static [Kind] {
        &[Kind::EndpointSlice]
    }

    fn keys_for(&mut self, ev: &WatchEvent, store: &Store, out: &mut Vec<ObjKey>) {
        let o = &ev.object;
        match o.kind() {
            Kind::Service if ev.kind != WatchType::Deleted => out.push(o.key()),
            Kind::Pod => services_for_pod_event(ev, store, out),
            // A node's zone feeds endpoints; a node appearing or going lets skipped pods in
            // or out. Other node changes (status heartbeats) cannot matter.
            Kind::Node
                if ev.old.as_ref().is_none_or(|old| {
                    let zone = |n: &Object| n.labels().and_then(|l| l.get(ZONE)).cloned();
                    zone(old) != zone(o)
                }) =>
            {
                for s in store.list(Kind::Service, None) {
                    if s.as_service().is_some_and(|svc| selector(svc).is_some()) {
                        out.push(s.key());
                    }
                }
            }
            Kind::EndpointSlice => {
                if let Some(svc) = o.labels().and_then(|l| l.get(SERVICE_NAME_LABEL)) {
                    out.push(ObjKey::new(Kind::Service, o.namespace(), svc));
                }
            }
            _ => {}
        }
    }

    fn sync(&mut self, key: &ObjKey, ctx: &mut Ctx) -> Result<(), String> {
        // A deleted Service's slices go with it through their ownerReference (the GC).
        let Some(svc_obj) = ctx.store.get(key).cloned() else { return Ok(()) };
        let Some(svc) = svc_obj.as_service() else { return Ok(()) };
        if selector(svc).is_none() {
            return Ok(());
        }
        let mut desired: Vec<(Vec<EndpointPort>, Endpoint)> = Vec::new();
        let mut missing_nodes = Vec::new();
        let publish = svc.spec.as_ref().and_then(|s| s.publish_not_ready_addresses).unwrap_or(false);
        for o in selected_pods(ctx.store, svc) {
            let Some(p) = o.as_pod() else { continue };
            if !should_be_in_endpoints(p, true) {
                continue;
            }
            let node_name = crate::api::pod::node_name(p);
            let node = ctx.store.get_named(Kind::Node, "", node_name);
            if node.is_none() && !publish {
                missing_nodes.push(node_name.to_string());
                continue;
            }
            let zone = node.and_then(|n| n.labels()).and_then(|l| l.get(ZONE)).filter(|z| !z.is_empty()).cloned();
            desired.push((endpoint_ports(p, svc), pod_to_endpoint(p, svc, zone)));
        }
        reconciler::reconcile(ctx, &svc_obj, svc, desired)?;
        if let Some(n) = missing_nodes.first() {
            return Err(format!("skipping Pod endpoints of Service {}: node {n:?} not found", key.name));
        }
        Ok(())
    }
}

/// getEndpointPorts: one port per service port the pod serves; none for a headless
/// Service without ports.
fn endpoint_ports(p: &Pod, svc: &Service) -> Vec<EndpointPort> {
    let ports = svc.spec.as_ref().and_then(|s| s.ports.clone()).unwrap_or_default();
    ports
        .iter()
        .filter_map(|sp| {
            find_port(p, sp).map(|n| EndpointPort {
                name: Some(sp.name.clone().unwrap_or_default()),
                port: Some(n),
                protocol: Some(sp.protocol.clone().unwrap_or_else(|| "TCP".into())),
                app_protocol: sp.app_protocol.clone(),
            })
        })
        .collect()
}

/// podToEndpoint: serving is Ready, terminating is being deleted, ready is serving and
/// not terminating (or publishNotReadyAddresses).
pub fn pod_to_endpoint(p: &Pod, svc: &Service, zone: Option<String>) -> Endpoint {
    let serving = crate::api::pod::is_ready(p);
    let terminating = p.metadata.deletion_timestamp.is_some();
    let publish = svc.spec.as_ref().and_then(|s| s.publish_not_ready_addresses).unwrap_or(false);
    let node = crate::api::pod::node_name(p);
    Endpoint {
        addresses: pod_ip(p).map(|ip| vec![ip.to_string()]).unwrap_or_default(),
        conditions: Some(EndpointConditions {
            ready: Some(publish || (serving && !terminating)),
            serving: Some(serving),
            terminating: Some(terminating),
        }),
        hostname: hostname_for(p, svc),
        node_name: (!node.is_empty()).then(|| node.to_string()),
        zone,
        target_ref: Some(ObjectReference {
            kind: Some("Pod".into()),
            namespace: p.metadata.namespace.clone(),
            name: p.metadata.name.clone(),
            uid: p.metadata.uid.clone(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{PodCondition, PodIP, PodStatus, ServiceSpec};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};

    fn pod(ready: bool, deleting: bool, phase: &str) -> Pod {
        Pod {
            metadata: ObjectMeta {
                name: Some("pod1".into()),
                namespace: Some("default".into()),
                deletion_timestamp: deleting.then_some(Time(jiff::Timestamp::UNIX_EPOCH)),
                ..Default::default()
            },
            spec: Some(Default::default()),
            node_name: Some("node-1".into()),
            status: Some(PodStatus {
                phase: Some(phase.into()),
                pod_ip: Some("1.2.3.5".into()),
                pod_ips: Some(vec![PodIP { ip: "1.2.3.5".into() }]),
                conditions: Some(vec![PodCondition {
                    type_: "Ready".into(),
                    status: if ready { "True" } else { "False" }.into(),
                    ..Default::default()
                }]),
                ..Default::default()
            }),
            defaulted: None,
        }
    }

    fn svc(publish: bool) -> Service {
        Service {
            metadata: ObjectMeta { name: Some("foo".into()), namespace: Some("default".into()), ..Default::default() },
            spec: Some(ServiceSpec { publish_not_ready_addresses: Some(publish), ..Default::default() }),
            status: None,
        }
    }

    /// TestPodToEndpoint (staging/src/k8s.io/endpointslice/utils_test.go): (ready, serving, terminating).
    #[test]
    fn pod_to_endpoint_conditions_table() {
        let rows = [
            (true, false, false, (true, true, false)),
            (true, false, true, (true, true, false)),
            (false, false, false, (false, false, false)),
            (false, false, true, (true, false, false)),
            (true, true, false, (false, true, true)),
            (false, true, false, (false, false, true)),
        ];
        for (ready, deleting, publish, want) in rows {
            let e = pod_to_endpoint(&pod(ready, deleting, "Running"), &svc(publish), None);
            let c = e.conditions.unwrap();
            assert_eq!(
                (c.ready, c.serving, c.terminating),
                (Some(want.0), Some(want.1), Some(want.2)),
                "{ready} {deleting} {publish}"
            );
            assert_eq!(e.node_name.as_deref(), Some("node-1"));
            assert_eq!(e.addresses, vec!["1.2.3.5".to_string()]);
        }
        let zoned = pod_to_endpoint(&pod(true, false, "Running"), &svc(false), Some("us-central1-a".into()));
        assert_eq!(zoned.zone.as_deref(), Some("us-central1-a"));
    }

    /// TestSyncServiceAddresses' phases (endpoints_controller_test.go): who is in at all.
    #[test]
    fn should_be_in_endpoints_table() {
        for (phase, deleting, include_terminating, want) in [
            ("Running", false, false, true),
            ("Running", true, false, false),
            ("Running", true, true, true),
            ("Pending", false, false, true),
            ("Unknown", false, false, true),
            ("Failed", false, true, false),
            ("Succeeded", false, true, false),
        ] {
            assert_eq!(
                should_be_in_endpoints(&pod(true, deleting, phase), include_terminating),
                want,
                "{phase} {deleting}"
            );
        }
        let mut no_ip = pod(true, false, "Running");
        no_ip.status.as_mut().unwrap().pod_ip = None;
        no_ip.status.as_mut().unwrap().pod_ips = None;
        assert!(!should_be_in_endpoints(&no_ip, true), "pods without an IP are skipped");
    }
}
