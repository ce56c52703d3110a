//! What the endpoints and endpointslice controllers share
//! (staging/src/k8s.io/endpointslice/util/controller_utils.go, pkg/api/v1/pod/util.go):
//! which pods a Service selects, which of them belong in endpoints, and how a service
//! port maps onto a pod's container port.

use crate::api::pod;
use crate::api::selector::{Requirement, Selector};
use crate::api::{Kind, ObjKey, Object};
use crate::kinds::pod::Pod;
use crate::store::Store;
use k8s_openapi::api::core::v1::{Service, ServicePort};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use std::collections::BTreeMap;
use std::rc::Rc;

/// `spec.selector`, where the Service has one: a Service without a selector (or with
/// `{}`, which the API stores as none) has its endpoints written by someone else.
pub fn selector(svc: &Service) -> Option<&BTreeMap<String, String>> {
    let spec = svc.spec.as_ref()?;
    if spec.type_.as_deref() == Some("ExternalName") {
        return None;
    }
    // The API server stores `selector: {}` as no selector (omitempty on a map).
    spec.selector.as_ref().filter(|s| !s.is_empty())
}

/// Whether a selector (a plain label map) matches these labels.
pub fn selects(selector: &BTreeMap<String, String>, labels: Option<&BTreeMap<String, String>>) -> bool {
    selector.iter().all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v))
}

/// The pods in the Service's namespace its selector matches.
pub fn selected_pods<'a>(store: &'a Store, svc: &'a Service) -> Vec<&'a Rc<Object>> {
    let Some(sel) = selector(svc) else { return Vec::new() };
    let ns = svc.metadata.namespace.as_deref().unwrap_or("");
    let sel = Selector {
        requirements: sel.iter().map(|(k, v)| Requirement::Equals(k.clone(), v.clone())).collect(),
        nothing: false,
    };
    store.pods_matching(ns, &sel)
}

/// Keys of the Services in `pod`'s namespace whose selector matches it (GetPodServiceMemberships).
pub fn services_selecting(store: &Store, pod: &Object, out: &mut Vec<ObjKey>) {
    for s in store.list(Kind::Service, Some(pod.namespace())) {
        let Some(svc) = s.as_service() else { continue };
        if selector(svc).is_some_and(|sel| selects(sel, pod.labels())) {
            out.push(s.key());
        }
    }
}

/// Whether a pod update can change any endpoint (GetServicesToUpdateOnPodChange with
/// podEndpointsChanged): labels, address, readiness, deletion, phase, host names, node.
pub fn pod_change_matters(old: &Object, new: &Object) -> bool {
    let (Some(a), Some(b)) = (old.as_pod(), new.as_pod()) else { return true };
    fn host(p: &Pod) -> Option<(Option<&str>, Option<&str>, Option<&str>)> {
        p.spec.as_ref().map(|s| (s.hostname.as_deref(), s.subdomain.as_deref(), p.node_name.as_deref()))
    }
    a.metadata.labels != b.metadata.labels
        || pod_ip(a) != pod_ip(b)
        || pod::is_ready(a) != pod::is_ready(b)
        || a.metadata.deletion_timestamp.is_some() != b.metadata.deletion_timestamp.is_some()
        || pod::phase(a) != pod::phase(b)
        || host(a) != host(b)
}

/// The Services a pod watch event concerns: those selecting the pod before or after,
/// when the change can matter to an endpoint.
pub fn services_for_pod_event(ev: &crate::store::WatchEvent, store: &Store, out: &mut Vec<ObjKey>) {
    // Most pod events in a namespace whose only Services select nothing (`kubernetes`)
    // concern no endpoints: settle that before comparing the pod's two copies.
    let selecting = |s: &Rc<Object>| s.as_service().and_then(selector).is_some();
    if !store.list(Kind::Service, Some(ev.object.namespace())).any(selecting) {
        return;
    }
    if let Some(old) = &ev.old {
        if !pod_change_matters(old, &ev.object) {
            return;
        }
        services_selecting(store, old, out);
    }
    services_selecting(store, &ev.object, out);
}

/// ShouldPodBeInEndpoints: not terminal, has an IP, and not terminating unless asked.
pub fn should_be_in_endpoints(p: &Pod, include_terminating: bool) -> bool {
    if matches!(pod::phase(p), "Failed" | "Succeeded") {
        return false;
    }
    if pod_ip(p).is_none() {
        return false;
    }
    include_terminating || p.metadata.deletion_timestamp.is_none()
}

/// The pod's IPv4 address (kubeloop's cluster is single-stack IPv4).
pub fn pod_ip(p: &Pod) -> Option<&str> {
    let st = p.status.as_ref()?;
    st.pod_ips.iter().flatten().map(|i| i.ip.as_str()).chain(st.pod_ip.as_deref()).find(|ip| !ip.is_empty())
}

/// ShouldSetHostname: the pod names a hostname and its subdomain is this Service.
pub fn hostname_for(p: &Pod, svc: &Service) -> Option<String> {
    let spec = p.spec.as_ref()?;
    let hostname = spec.hostname.as_deref().filter(|h| !h.is_empty())?;
    let same_ns = p.metadata.namespace == svc.metadata.namespace;
    (same_ns && spec.subdomain.as_deref() == svc.metadata.name.as_deref()).then(|| hostname.to_string())
}

/// FindPort: a numeric targetPort as is; a named one is the first container port (app
/// or sidecar init container) with that name and the service port's protocol.
pub fn find_port(p: &Pod, port: &ServicePort) -> Option<i32> {
    let protocol = port.protocol.as_deref().unwrap_or("TCP");
    match port.target_port.as_ref() {
        None => Some(port.port),
        Some(IntOrString::Int(n)) => Some(*n),
        Some(IntOrString::String(name)) => {
            let spec = p.spec.as_ref()?;
            let sidecars =
                spec.init_containers.iter().flatten().filter(|c| c.restart_policy.as_deref() == Some("Always"));
            spec.containers.iter().chain(sidecars).flat_map(|c| c.ports.iter().flatten()).find_map(|cp| {
                (cp.name.as_deref() == Some(name.as_str()) && cp.protocol.as_deref().unwrap_or("TCP") == protocol)
                    .then_some(cp.container_port)
            })
        }
    }
}

/// IsServiceIPSet's negation: a headless Service (`clusterIP: None`, or none at all).
pub fn is_headless(svc: &Service) -> bool {
    matches!(svc.spec.as_ref().and_then(|s| s.cluster_ip.as_deref()), None | Some("") | Some("None"))
}
