//! The scheduler's VolumeBinding plugin (pkg/scheduler/framework/plugins/volumebinding):
//! PreFilter refuses a pod whose claims are missing, being deleted, or unbound in an
//! Immediate class; Filter keeps a pod with bound claims to nodes their volumes' node
//! affinity allows, and one with WaitForFirstConsumer claims to nodes the class's
//! allowedTopologies allow; PreBind names the chosen node on those claims
//! (`volume.kubernetes.io/selected-node`) and binds the pod once they are bound.

use crate::api::{Kind, ObjKey, Object};
use crate::controllers::persistentvolume::{self as pvc, SELECTED_NODE};
use crate::kinds::pod::Pod;
use crate::store::Store;
use k8s_openapi::api::core::v1::{Node, NodeSelectorTerm};
use std::collections::BTreeMap;

/// What a pod's claims ask of a node.
#[derive(Default)]
pub struct VolumeNeeds {
    /// Node affinity of the volumes its bound claims use (each must match).
    pub affinity: Vec<Vec<NodeSelectorTerm>>,
    /// Unbound WaitForFirstConsumer claims, with their class's allowed topology terms.
    pub waiting: Vec<(ObjKey, Vec<NodeSelectorTerm>)>,
    /// The node named on the claims already (PreBind ran for this pod before).
    pub selected: Option<String>,
}

/// The claims the pod's volumes name.
fn claim_names(p: &Pod) -> Vec<String> {
    p.spec
        .as_ref()
        .and_then(|s| s.volumes.as_ref())
        .into_iter()
        .flatten()
        .filter_map(|v| v.persistent_volume_claim.as_ref().map(|c| c.claim_name.clone()))
        .collect()
}

/// PreFilter: Err is the message the FitError carries for every node.
pub fn prefilter(store: &Store, p: &Pod) -> Result<VolumeNeeds, String> {
    let ns = p.metadata.namespace.as_deref().unwrap_or("default");
    let mut needs = VolumeNeeds::default();
    for name in claim_names(p) {
        let Some(obj) = store.get_named(Kind::PersistentVolumeClaim, ns, &name) else {
            return Err(format!("persistentvolumeclaim {name:?} not found"));
        };
        if obj.is_deleting() {
            return Err(format!("persistentvolumeclaim {name:?} is being deleted"));
        }
        let Some(claim) = obj.as_pvc() else { continue };
        let volume = claim.spec.as_ref().and_then(|s| s.volume_name.as_deref()).unwrap_or("");
        if !volume.is_empty() {
            let terms = store
                .get_named(Kind::PersistentVolume, "", volume)
                .and_then(|v| v.as_pv()?.spec.as_ref()?.node_affinity.as_ref()?.required.clone())
                .map(|r| r.node_selector_terms);
            needs.affinity.extend(terms);
            continue;
        }
        if !pvc::delays_binding(store, claim) {
            return Err("pod has unbound immediate PersistentVolumeClaims".into());
        }
        let topology = pvc::class(store, pvc::claim_class(claim))
            .and_then(|sc| sc.allowed_topologies.clone())
            .unwrap_or_default()
            .into_iter()
            .map(|t| NodeSelectorTerm {
                match_expressions: Some(
                    t.match_label_expressions
                        .unwrap_or_default()
                        .into_iter()
                        .map(|e| k8s_openapi::api::core::v1::NodeSelectorRequirement {
                            key: e.key,
                            operator: "In".into(),
                            values: Some(e.values),
                        })
                        .collect(),
                ),
                ..Default::default()
            })
            .collect();
        if let Some(node) = obj.meta().annotations.as_ref().and_then(|a| a.get(SELECTED_NODE)) {
            needs.selected = Some(node.clone());
        }
        needs.waiting.push((crate::sim::controller::key_of(obj), topology));
    }
    Ok(needs)
}

/// Terms are ORed, the expressions of one term ANDed (an empty list allows every node).
fn terms_match(terms: &[NodeSelectorTerm], labels: Option<&BTreeMap<String, String>>) -> bool {
    terms.is_empty()
        || terms
            .iter()
            .any(|t| t.match_expressions.iter().flatten().all(|e| super::scheduler::requirement_matches(e, labels)))
}

/// Filter: the node's reason when the pod's volumes rule it out.
pub fn filter(needs: &VolumeNeeds, node: &Node) -> Option<&'static str> {
    let labels = node.metadata.labels.as_ref();
    if needs.affinity.iter().any(|terms| !terms_match(terms, labels)) {
        return Some("node(s) had volume node affinity conflict");
    }
    if needs.waiting.iter().any(|(_, terms)| !terms_match(terms, labels)) {
        return Some("node(s) didn't find available persistent volumes to bind");
    }
    None
}

/// PreBind's first half: the unbound claims learn the chosen node, so their class's
/// provisioner makes each volume where the pod will run.
pub fn select_node(
    ctx: &mut crate::sim::controller::Ctx,
    needs: &VolumeNeeds,
    node: &str,
    pod: &str,
) -> Result<(), String> {
    for (key, _) in &needs.waiting {
        let Some(obj) = ctx.store.get(key).cloned() else { continue };
        let Some(claim) = obj.as_pvc() else { continue };
        if obj.meta().annotations.as_ref().and_then(|a| a.get(SELECTED_NODE)).map(String::as_str) == Some(node) {
            continue;
        }
        let mut copy = claim.clone();
        copy.metadata.annotations.get_or_insert_with(Default::default).insert(SELECTED_NODE.into(), node.into());
        ctx.because(format!(
            "{} waits for its first consumer: {pod} is to run on {node}, so its volume is made there",
            key.name
        ));
        ctx.store.update(Object::PersistentVolumeClaim(Box::new(copy)), ctx.actor).map_err(|e| e.to_string())?;
    }
    Ok(())
}
