//! The endpoints controller (pkg/controller/endpoint/endpoints_controller.go): for every
//! Service with a selector, an Endpoints object of the same name listing the selected
//! pods' addresses, ready ones in `addresses` and the rest in `notReadyAddresses`,
//! packed into subsets as RepackSubsets does (pkg/api/v1/endpoints/util.go).
//! Where upstream orders ports and subsets by a hash of a Go dump, kubeloop orders them
//! by (name, port, protocol); addresses are ordered by IP then uid, as upstream.

use super::endpoints_util::*;
use crate::api::{Kind, ObjKey, Object};
use crate::sim::controller::{Controller, Ctx};
use crate::store::{ApiError, DeleteOptions, Store, WatchEvent};
use k8s_openapi::api::core::v1::{EndpointAddress, EndpointPort, EndpointSubset, Endpoints, ObjectReference, Service};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use std::collections::BTreeMap;

pub const NAME: &str = "endpoints-controller";
/// Endpoints hold at most this many addresses (maxCapacity).
pub const MAX_CAPACITY: usize = 1000;
pub const OVER_CAPACITY: &str = "endpoints.kubernetes.io/over-capacity";
pub const MANAGED_BY: &str = "endpoints.kubernetes.io/managed-by";
pub const MANAGED_BY_VALUE: &str = "endpoint-controller";
pub const HEADLESS: &str = "service.kubernetes.io/headless";

#[derive(Default)]
pub struct EndpointsController;

impl Controller for EndpointsController {
    fn name(&self) -> &'static str {
        NAME
    }
    fn watches(&self) -> &'static [Kind] {
        &[Kind::Service, Kind::Pod, Kind::Endpoints]
    }
    fn owns(&self) -> &'static [Kind] {
        &[Kind::Endpoints]
    }

    fn keys_for(&mut self, ev: &WatchEvent, store: &Store, out: &mut Vec<ObjKey>) {
        let o = &ev.object;
        match o.kind() {
            Kind::Service => out.push(o.key()),
            // A deleted Endpoints object of a live Service is written again.
            Kind::Endpoints if ev.kind == crate::store::WatchType::Deleted => {
                out.push(ObjKey::new(Kind::Service, o.namespace(), o.name()))
            }
            Kind::Pod => services_for_pod_event(ev, store, out),
            _ => {}
        }
    }

    fn sync(&mut self, key: &ObjKey, ctx: &mut Ctx) -> Result<(), String> {
        let ep_key = ObjKey::new(Kind::Endpoints, &key.namespace, &key.name);
        let Some(svc) = ctx.store.get(key).and_then(|o| o.as_service().cloned()) else {
            if ctx.store.get(&ep_key).is_some() {
                ctx.because(format!("deleting endpoints {}: its Service is gone", key.name));
                return match ctx.store.delete(&ep_key, DeleteOptions::default(), ctx.actor) {
                    Ok(_) | Err(ApiError::NotFound { .. }) => Ok(()),
                    Err(e) => Err(e.to_string()),
                };
            }
            return Ok(());
        };
        if selector(&svc).is_none() {
            return Ok(());
        }
        let (subsets, counts) = desired_subsets(ctx.store, &svc);
        let (subsets, truncated) = truncate(subsets);
        let current = ctx.store.get(&ep_key).and_then(|o| o.as_endpoints().cloned());
        let labels = endpoints_labels(&svc);
        let annotations_ok = |ep: &Endpoints| {
            ep.metadata.annotations.as_ref().is_none_or(|a| a.contains_key(OVER_CAPACITY) == truncated)
        };
        if let Some(ep) = &current {
            let same = ep.subsets.clone().unwrap_or_default() == subsets
                && ep.metadata.labels.clone().unwrap_or_default() == labels
                && annotations_ok(ep)
                && (truncated || !ep.metadata.annotations.as_ref().is_some_and(|a| a.contains_key(OVER_CAPACITY)));
            if same {
                return Ok(());
            }
        }
        let mut ep = current.clone().unwrap_or_else(|| Endpoints {
            metadata: ObjectMeta {
                name: svc.metadata.name.clone(),
                namespace: svc.metadata.namespace.clone(),
                ..Default::default()
            },
            subsets: None,
        });
        ep.subsets = (!subsets.is_empty()).then_some(subsets);
        ep.metadata.labels = Some(labels);
        let annotations = ep.metadata.annotations.get_or_insert_with(Default::default);
        if truncated {
            annotations.insert(OVER_CAPACITY.into(), "truncated".into());
        } else {
            annotations.remove(OVER_CAPACITY);
        }
        if annotations.is_empty() {
            ep.metadata.annotations = None;
        }
        let (ready, not_ready) = counts;
        let verb = if current.is_some() { "updated" } else { "created" };
        ctx.because(format!(
            "{verb} endpoints {}: {ready} ready and {not_ready} not-ready addresses of the pods matching the selector{}",
            key.name,
            if truncated { format!(", truncated to {MAX_CAPACITY}") } else { String::new() }
        ));
        let updating = current.is_some();
        let result = if updating {
            ctx.store.update(Object::Endpoints(Box::new(ep.clone())), ctx.actor)
        } else {
            ctx.store.create(Object::Endpoints(Box::new(ep.clone())), ctx.actor)
        };
        match result {
            Ok(_) => Ok(()),
            // A namespace being deleted takes its Endpoints with it.
            Err(ApiError::Forbidden(_)) if !updating => Ok(()),
            Err(e) => {
                let (reason, verb) = if updating {
                    ("FailedToUpdateEndpoint", "update endpoint")
                } else {
                    ("FailedToCreateEndpoint", "create endpoint for service")
                };
                let msg = format!("Failed to {verb} {}/{}: {e}", key.namespace, key.name);
                ctx.event(&Object::Endpoints(Box::new(ep)), "Warning", reason, msg);
                Err(e.to_string())
            }
        }
    }
}

/// The Service's labels, its headless mark and the managed-by label (1.33+).
fn endpoints_labels(svc: &Service) -> BTreeMap<String, String> {
    let mut labels = svc.metadata.labels.clone().unwrap_or_default();
    if is_headless(svc) {
        labels.insert(HEADLESS.into(), String::new());
    } else {
        labels.remove(HEADLESS);
    }
    labels.insert(MANAGED_BY.into(), MANAGED_BY_VALUE.into());
    labels
}

/// One address per selected pod and service port, repacked into subsets; with the
/// counts of ready and not-ready addresses.
fn desired_subsets(store: &Store, svc: &Service) -> (Vec<EndpointSubset>, (usize, usize)) {
    let spec = svc.spec.clone().unwrap_or_default();
    let publish = spec.publish_not_ready_addresses.unwrap_or(false);
    let ports = spec.ports.clone().unwrap_or_default();
    // port -> (ip, uid) -> (address, ready); not ready trumps ready. Addresses sort by
    // their IP's bytes then uid, as LessEndpointAddress does.
    type PortKey = (String, i32, String, Option<String>);
    type Addresses = BTreeMap<(String, String), (EndpointAddress, bool)>;
    let mut by_port: BTreeMap<Option<PortKey>, Addresses> = BTreeMap::new();
    let mut add = |port: Option<PortKey>, addr: EndpointAddress, ready: bool| {
        let uid = addr.target_ref.as_ref().and_then(|r| r.uid.clone()).unwrap_or_default();
        let entry = by_port.entry(port).or_default().entry((addr.ip.clone(), uid)).or_insert((addr, ready));
        entry.1 &= ready;
    };
    for o in selected_pods(store, svc) {
        let Some(p) = o.as_pod() else { continue };
        if !should_be_in_endpoints(p, publish) {
            continue;
        }
        let Some(ip) = pod_ip(p) else { continue };
        let address = EndpointAddress {
            ip: ip.to_string(),
            hostname: hostname_for(p, svc),
            node_name: Some(crate::api::pod::node_name(p).to_string()),
            target_ref: Some(ObjectReference {
                kind: Some("Pod".into()),
                namespace: p.metadata.namespace.clone(),
                name: p.metadata.name.clone(),
                uid: p.metadata.uid.clone(),
                ..Default::default()
            }),
        };
        let ready = publish || crate::api::pod::is_ready(p);
        if ports.is_empty() {
            if is_headless(svc) {
                add(None, address, ready);
            }
            continue;
        }
        for sp in &ports {
            if let Some(n) = find_port(p, sp) {
                let key = (
                    sp.name.clone().unwrap_or_default(),
                    n,
                    sp.protocol.clone().unwrap_or_else(|| "TCP".into()),
                    sp.app_protocol.clone(),
                );
                add(Some(key), address.clone(), ready);
            }
        }
    }
    // Ports serving the same addresses (with the same readiness) share a subset.
    type Members = Vec<(String, String, bool)>;
    let mut subsets: Vec<(Members, EndpointSubset)> = Vec::new();
    let (mut ready_n, mut not_ready_n) = (0, 0);
    for (port, addrs) in by_port {
        let members: Members = addrs.iter().map(|((ip, uid), (_, ready))| (ip.clone(), uid.clone(), *ready)).collect();
        let endpoint_port = port.map(|(name, n, proto, app_protocol)| EndpointPort {
            name: (!name.is_empty()).then_some(name),
            port: n,
            protocol: Some(proto),
            app_protocol,
        });
        if let Some((_, subset)) = subsets.iter_mut().find(|(m, _)| *m == members) {
            subset.ports.get_or_insert_with(Vec::new).extend(endpoint_port);
            continue;
        }
        let (ready, not_ready): (Vec<_>, Vec<_>) = addrs.into_values().partition(|(_, r)| *r);
        ready_n += ready.len();
        not_ready_n += not_ready.len();
        let subset = EndpointSubset {
            addresses: (!ready.is_empty()).then(|| ready.into_iter().map(|(a, _)| a).collect()),
            not_ready_addresses: (!not_ready.is_empty()).then(|| not_ready.into_iter().map(|(a, _)| a).collect()),
            ports: endpoint_port.map(|p| vec![p]),
        };
        subsets.push((members, subset));
    }
    (subsets.into_iter().map(|(_, s)| s).collect(), (ready_n, not_ready_n))
}

/// truncateEndpoints: past 1000 addresses, not-ready ones go first (proportionally per
/// subset); if the ready ones alone exceed 1000, they are cut proportionally and every
/// not-ready one is dropped. Returns whether anything was cut.
fn truncate(mut subsets: Vec<EndpointSubset>) -> (Vec<EndpointSubset>, bool) {
    let len = |v: &Option<Vec<EndpointAddress>>| v.as_ref().map_or(0, Vec::len);
    let ready: usize = subsets.iter().map(|s| len(&s.addresses)).sum();
    let not_ready: usize = subsets.iter().map(|s| len(&s.not_ready_addresses)).sum();
    if ready + not_ready <= MAX_CAPACITY {
        return (subsets, false);
    }
    let cut = |list: &mut Option<Vec<EndpointAddress>>, total: usize, budget: usize, left: &mut usize| {
        let n = len(list);
        let share = (n * budget).div_ceil(total.max(1)).min(*left);
        if let Some(l) = list {
            l.truncate(share);
        }
        *left -= share.min(n);
    };
    if ready <= MAX_CAPACITY {
        let budget = MAX_CAPACITY - ready;
        let mut left = budget;
        for s in &mut subsets {
            cut(&mut s.not_ready_addresses, not_ready, budget, &mut left);
        }
    } else {
        let mut left = MAX_CAPACITY;
        for s in &mut subsets {
            cut(&mut s.addresses, ready, MAX_CAPACITY, &mut left);
            s.not_ready_addresses = None;
        }
    }
    for s in &mut subsets {
        if len(&s.addresses) == 0 {
            s.addresses = None;
        }
        if len(&s.not_ready_addresses) == 0 {
            s.not_ready_addresses = None;
        }
    }
    (subsets, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addrs(n: usize, prefix: &str) -> Option<Vec<EndpointAddress>> {
        Some((0..n).map(|i| EndpointAddress { ip: format!("{prefix}.{i}"), ..Default::default() }).collect())
    }

    fn subset(ready: usize, not_ready: usize) -> EndpointSubset {
        EndpointSubset {
            addresses: addrs(ready, "10.0.0"),
            not_ready_addresses: addrs(not_ready, "10.0.1"),
            ports: None,
        }
    }

    /// TestTruncateEndpoints (endpoints_controller_test.go): per-subset (ready, not ready).
    #[test]
    fn truncation_table() {
        type Row = ([usize; 5], [usize; 5], [usize; 5], [usize; 5]);
        let rows: [Row; 3] = [
            ([50, 100, 100, 100, 100], [50, 100, 100, 100, 100], [50, 100, 100, 100, 100], [50, 100, 100, 100, 100]),
            ([90, 110, 50, 10, 20], [101, 200, 200, 201, 298], [90, 110, 50, 10, 20], [73, 144, 144, 145, 214]),
            ([205, 400, 402, 400, 693], [100, 200, 200, 200, 300], [98, 191, 192, 191, 328], [0, 0, 0, 0, 0]),
        ];
        let len = |v: &Option<Vec<EndpointAddress>>| v.as_ref().map_or(0, Vec::len);
        for (ready, not_ready, want_ready, want_not_ready) in rows {
            let input: Vec<EndpointSubset> = ready.iter().zip(not_ready).map(|(r, n)| subset(*r, n)).collect();
            let (out, truncated) = truncate(input);
            let got_ready: Vec<usize> = out.iter().map(|s| len(&s.addresses)).collect();
            let got_not_ready: Vec<usize> = out.iter().map(|s| len(&s.not_ready_addresses)).collect();
            assert_eq!((got_ready, got_not_ready), (want_ready.to_vec(), want_not_ready.to_vec()), "{ready:?}");
            assert_eq!(truncated, ready != want_ready || not_ready != want_not_ready);
        }
    }
}
