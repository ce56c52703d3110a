//! Packing endpoints into EndpointSlices (staging/src/k8s.io/endpointslice/reconciler.go,
//! reconcileByPortMapping): per distinct port list, existing slices keep the endpoints
//! still wanted (updated in place), emptied slices are deleted, new endpoints fill slices
//! already being updated, then the fullest slice with room, then new slices of at most
//! 100. A Service with no endpoints keeps one empty placeholder slice.

use super::{CONTROLLER_NAME, MANAGED_BY_LABEL, MAX_ENDPOINTS_PER_SLICE, SERVICE_NAME_LABEL};
use crate::api::{Kind, Object};
use crate::controllers::controller_utils::controller_ref;
use crate::controllers::endpoints_util::is_headless;
use crate::sim::controller::Ctx;
use crate::store::{ApiError, DeleteOptions};
use k8s_openapi::api::core::v1::Service;
use k8s_openapi::api::discovery::v1::{Endpoint, EndpointPort, EndpointSlice};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use std::collections::BTreeMap;

const HEADLESS: &str = "service.kubernetes.io/headless";

/// The endpoint's identity across syncs: the pod it stands for.
fn endpoint_id(e: &Endpoint) -> String {
    e.target_ref.as_ref().and_then(|r| r.uid.clone()).unwrap_or_else(|| e.addresses.join(","))
}

/// setEndpointSliceLabels: the Service's labels minus the reserved ones, then the
/// service name, managed-by and the headless mark.
fn slice_labels(svc: &Service) -> BTreeMap<String, String> {
    let mut labels = svc.metadata.labels.clone().unwrap_or_default();
    for reserved in [SERVICE_NAME_LABEL, MANAGED_BY_LABEL, HEADLESS] {
        labels.remove(reserved);
    }
    if is_headless(svc) {
        labels.insert(HEADLESS.into(), String::new());
    }
    labels.insert(SERVICE_NAME_LABEL.into(), svc.metadata.name.clone().unwrap_or_default());
    labels.insert(MANAGED_BY_LABEL.into(), CONTROLLER_NAME.into());
    labels
}

fn new_slice(svc_obj: &Object, svc: &Service, ports: Vec<EndpointPort>, endpoints: Vec<Endpoint>) -> EndpointSlice {
    EndpointSlice {
        metadata: ObjectMeta {
            generate_name: Some(format!("{}-", svc.metadata.name.as_deref().unwrap_or(""))),
            namespace: svc.metadata.namespace.clone(),
            labels: Some(slice_labels(svc)),
            owner_references: Some(vec![controller_ref(svc_obj)]),
            ..Default::default()
        },
        address_type: "IPv4".into(),
        endpoints: Some(endpoints),
        ports: Some(ports),
    }
}

/// Brings the Service's slices to `desired` (port list, endpoint) pairs.
pub fn reconcile(
    ctx: &mut Ctx,
    svc_obj: &Object,
    svc: &Service,
    desired: Vec<(Vec<EndpointPort>, Endpoint)>,
) -> Result<(), String> {
    let svc_name = svc.metadata.name.clone().unwrap_or_default();
    let labels = slice_labels(svc);
    let mut existing: Vec<EndpointSlice> = ctx
        .store
        .owned_by(svc_obj.uid())
        .filter(|o| !o.is_deleting())
        .filter(|o| o.labels().and_then(|l| l.get(MANAGED_BY_LABEL)).is_some_and(|m| m == CONTROLLER_NAME))
        .filter_map(|o| o.as_endpoint_slice().cloned())
        .collect();
    crate::sort::sort_by_key(&mut existing, |s| s.metadata.name.clone());
    let total = desired.len();
    // Group the wanted endpoints by port list (the PortMapKey).
    let mut groups: Vec<(Vec<EndpointPort>, Vec<Endpoint>)> = Vec::new();
    for (ports, e) in desired {
        match groups.iter_mut().find(|(p, _)| *p == ports) {
            Some((_, list)) => list.push(e),
            None => groups.push((ports, vec![e])),
        }
    }
    let mut to_create: Vec<EndpointSlice> = Vec::new();
    let mut to_update: Vec<EndpointSlice> = Vec::new();
    let mut to_delete: Vec<EndpointSlice> = Vec::new();
    let mut kept: Vec<EndpointSlice> = Vec::new();
    let mut used = vec![false; existing.len()];
    for (ports, mut wanted) in groups {
        let mut by_id: BTreeMap<String, Endpoint> = wanted.drain(..).map(|e| (endpoint_id(&e), e)).collect();
        let mut updating: Vec<EndpointSlice> = Vec::new();
        let mut unchanged: Vec<EndpointSlice> = Vec::new();
        for (i, slice) in existing.iter().enumerate() {
            if used[i] || slice.ports.clone().unwrap_or_default() != ports {
                continue;
            }
            used[i] = true;
            let before = slice.endpoints.clone().unwrap_or_default();
            let after: Vec<Endpoint> = before.iter().filter_map(|e| by_id.remove(&endpoint_id(e))).collect();
            if after.is_empty() {
                to_delete.push(slice.clone());
                continue;
            }
            let mut copy = slice.clone();
            let labels_changed = copy.metadata.labels.as_ref() != Some(&labels);
            copy.metadata.labels = Some(labels.clone());
            copy.endpoints = Some(after.clone());
            if after != before || labels_changed {
                updating.push(copy);
            } else {
                unchanged.push(copy);
            }
        }
        // New endpoints fill the slices already being written first, fullest first.
        let mut fresh: Vec<Endpoint> = by_id.into_values().collect();
        crate::sort::sort_by_key(&mut updating, |s| std::cmp::Reverse(s.endpoints.as_ref().map_or(0, Vec::len)));
        for slice in updating.iter_mut() {
            let list = slice.endpoints.get_or_insert_with(Vec::new);
            while list.len() < MAX_ENDPOINTS_PER_SLICE && !fresh.is_empty() {
                list.push(fresh.remove(0));
            }
        }
        // A few left over go into the unchanged slice closest to full (getSliceToFill).
        if !fresh.is_empty() && fresh.len() < MAX_ENDPOINTS_PER_SLICE {
            let room = |s: &EndpointSlice| MAX_ENDPOINTS_PER_SLICE - s.endpoints.as_ref().map_or(0, Vec::len);
            if let Some(i) = (0..unchanged.len())
                .filter(|&i| room(&unchanged[i]) >= fresh.len())
                .min_by_key(|&i| room(&unchanged[i]))
            {
                let mut slice = unchanged.remove(i);
                slice.endpoints.get_or_insert_with(Vec::new).append(&mut fresh);
                updating.push(slice);
            }
        }
        while !fresh.is_empty() {
            let take = fresh.len().min(MAX_ENDPOINTS_PER_SLICE);
            to_create.push(new_slice(svc_obj, svc, ports.clone(), fresh.drain(..take).collect()));
        }
        to_update.extend(updating);
        kept.extend(unchanged);
    }
    for (i, slice) in existing.iter().enumerate() {
        if !used[i] {
            to_delete.push(slice.clone());
        }
    }
    // finalize: a create becomes an update of a slice that would be deleted.
    while !to_create.is_empty() && !to_delete.is_empty() {
        let (mut slice, old) = (to_create.remove(0), to_delete.remove(0));
        slice.metadata = old.metadata.clone();
        slice.metadata.labels = Some(labels.clone());
        to_update.push(slice);
    }
    // A Service with no endpoints keeps one empty placeholder slice.
    if total == 0 && kept.is_empty() && to_update.is_empty() && to_create.is_empty() {
        let placeholder = new_slice(svc_obj, svc, Vec::new(), Vec::new());
        let same = |s: &EndpointSlice| {
            s.endpoints.as_ref().is_none_or(Vec::is_empty) && s.ports.as_ref().is_none_or(Vec::is_empty)
        };
        match to_delete.iter().position(same) {
            Some(i) => {
                let s = to_delete.remove(i);
                if s.metadata.labels.as_ref() != Some(&labels) {
                    let mut copy = s;
                    copy.metadata.labels = Some(labels.clone());
                    to_update.push(copy);
                }
            }
            None => to_create.push(placeholder),
        }
    }
    // No creates for a Service being deleted; creates, then updates, then deletes.
    if svc_obj.is_deleting() {
        to_create.clear();
    }
    for slice in to_create {
        let n = slice.endpoints.as_ref().map_or(0, Vec::len);
        ctx.because(format!(
            "created a slice of {svc_name} with {n} endpoints: {total} pods match the selector, at most {MAX_ENDPOINTS_PER_SLICE} per slice"
        ));
        match ctx.store.create(Object::EndpointSlice(Box::new(slice)), ctx.actor) {
            Ok(_) | Err(ApiError::Forbidden(_)) => {}
            Err(e) => return Err(e.to_string()),
        }
    }
    for slice in to_update {
        let n = slice.endpoints.as_ref().map_or(0, Vec::len);
        ctx.because(format!("updated a slice of {svc_name} to {n} endpoints: {total} pods match the selector"));
        ctx.store.update(Object::EndpointSlice(Box::new(slice)), ctx.actor).map_err(|e| e.to_string())?;
    }
    for slice in to_delete {
        let key = crate::api::ObjKey::new(
            Kind::EndpointSlice,
            slice.metadata.namespace.as_deref().unwrap_or(""),
            slice.metadata.name.as_deref().unwrap_or(""),
        );
        ctx.because(format!("deleted a slice of {svc_name}: none of its endpoints is wanted any more"));
        match ctx.store.delete(&key, DeleteOptions::default(), ctx.actor) {
            Ok(_) | Err(ApiError::NotFound { .. }) => {}
            Err(e) => return Err(e.to_string()),
        }
    }
    Ok(())
}
