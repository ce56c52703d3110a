//! Pod (v1): defaults (pkg/apis/core/v1/defaults.go) and the admission plugins every pod
//! meets, the pod strategy's PrepareForCreate (phase Pending, QoS class), ValidatePodCreate
//! (pkg/apis/core/validation/validation.go), and kubectl's printPod and describe.
//!
//! Not k8s-openapi's `Pod`: a 10,000-replica rollout holds 17,000 pods, and the spec with
//! its containers is 4 KB of each. Here the spec is an `Rc` the pods a controller makes
//! from one template share, and `spec.nodeName` is kept apart so binding a pod copies
//! nothing. It decodes and serialises in the API's shape.

use super::{Allocators, DecodeError, GraphLook, GraphPlace, KindDef, View};
use crate::api::decode::shell;
use crate::api::{defaults, ObjKey};
use crate::graph::EdgeKind;
use crate::kubectl::describe::*;
use crate::kubectl::table::age;
use crate::validation::field::FieldError;
use crate::validation::{pod_spec, sim_knobs};
use k8s_openapi::api::core::v1::{PodSpec, PodStatus};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde_json::Value;
use std::rc::Rc;

#[derive(Clone, Debug, Default)]
pub struct Pod {
    pub metadata: ObjectMeta,
    /// The spec without nodeName, shared by the pods made from one template.
    pub spec: Option<Rc<PodSpec>>,
    /// `spec.nodeName`: set by binding, without touching the shared spec.
    pub node_name: Option<String>,
    pub status: Option<PodStatus>,
    /// The spec defaulting last ran on (weak, so no other spec can take its address):
    /// a status write carries the stored spec and is not defaulted again.
    pub(crate) defaulted: Option<std::rc::Weak<PodSpec>>,
}

/// The API's own Pod type: the names and output shape come from it.
type ApiPod = k8s_openapi::api::core::v1::Pod;

impl Pod {
    /// The API's core/v1 Pod, for output (`-o yaml`, the trace, the inspector).
    pub fn to_api(&self) -> ApiPod {
        let spec = self.spec.as_ref().map(|s| PodSpec { node_name: self.node_name.clone(), ..(**s).clone() });
        ApiPod { metadata: self.metadata.clone(), spec, status: self.status.clone() }
    }

    /// A pod from the API's shape: nodeName moves out of the spec.
    pub fn from_api(metadata: ObjectMeta, spec: Option<PodSpec>, status: Option<PodStatus>) -> Pod {
        let (spec, node_name) = match spec {
            Some(mut s) => {
                let node = s.node_name.take();
                (Some(Rc::new(s)), node)
            }
            None => (None, None),
        };
        Pod { metadata, spec, node_name, status, defaulted: None }
    }

    /// The spec to change, copied first if another pod shares it.
    pub fn spec_mut(&mut self) -> &mut PodSpec {
        self.defaulted = None;
        Rc::make_mut(self.spec.get_or_insert_with(Default::default))
    }

    /// The same pod with another status (the kubelet's writes): the spec stays shared.
    pub fn with_status(&self, status: PodStatus) -> Pod {
        Pod {
            metadata: self.metadata.clone(),
            spec: self.spec.clone(),
            node_name: self.node_name.clone(),
            status: Some(status),
            defaulted: self.defaulted.clone(),
        }
    }
}

/// Specs compare by address first: pods of one template share theirs.
pub(crate) fn same_spec(a: &Option<Rc<PodSpec>>, b: &Option<Rc<PodSpec>>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => Rc::ptr_eq(a, b) || a == b,
        (None, None) => true,
        _ => false,
    }
}

impl PartialEq for Pod {
    fn eq(&self, other: &Self) -> bool {
        same_spec(&self.spec, &other.spec)
            && self.node_name == other.node_name
            && self.metadata == other.metadata
            && self.status == other.status
    }
}

impl serde::Serialize for Pod {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_api().serialize(s)
    }
}

crate::stands_for!(Pod, ApiPod);

impl KindDef for Pod {
    const PLURAL: &'static str = "pods";
    const SHORT_NAMES: &'static [&'static str] = &["po"];
    const NAMESPACED: bool = true;
    const STATUS_SUBRESOURCE: bool = true;
    const GENERATION: bool = true;
    const GRAPH: Option<GraphPlace> = Some(GraphPlace { column: 2, badge: "POD" });
    const DEPRECATED: Option<&'static str> = None;
    const EXPIRES: bool = false;

    /// The pod strategy's CheckGracefulDelete (pkg/registry/core/pod/strategy.go): a pod
    /// never bound to a node, or already terminal, goes at once; otherwise the request's
    /// grace period, else the pod's terminationGracePeriodSeconds (default 30).
    fn delete_grace(&self, requested: Option<i64>) -> i64 {
        let terminal = matches!(crate::api::pod::phase(self), "Succeeded" | "Failed");
        if crate::api::pod::node_name(self).is_empty() || terminal {
            return 0;
        }
        let default = self.spec.as_ref().and_then(|s| s.termination_grace_period_seconds).unwrap_or(30);
        requested.unwrap_or(default).max(0)
    }
    fn deletion_held(&self) -> bool {
        false
    }
    fn begin_deletion(&mut self) {}

    fn decode(value: &Value) -> Result<Self, DecodeError> {
        shell(value, |metadata, spec| Pod::from_api(metadata, spec, None))
    }

    fn keep_status(&mut self, live: &Self) {
        self.status.clone_from(&live.status);
    }

    /// Defaults are idempotent: a spec shared with pods already defaulted is tried on a
    /// copy and kept shared when nothing changes.
    fn set_defaults(&mut self) {
        let Some(shared) = &mut self.spec else { return };
        if self.defaulted.as_ref().is_some_and(|d| std::ptr::eq(d.as_ptr(), Rc::as_ptr(shared))) {
            return;
        }
        let default = |s: &mut PodSpec| {
            defaults::pod_spec(s);
            s.enable_service_links.get_or_insert(true);
            s.priority.get_or_insert(0);
            defaults::admission(s);
        };
        match Rc::get_mut(shared) {
            Some(s) => default(s),
            None => {
                let mut copy = (**shared).clone();
                default(&mut copy);
                if copy != **shared {
                    *shared = Rc::new(copy);
                }
            }
        }
        self.defaulted = Some(Rc::downgrade(shared));
    }

    /// Pod strategy PrepareForCreate: phase Pending and the QoS class.
    fn prepare_for_create(&mut self) {
        let qos = crate::api::pod::qos_class(self);
        let st = self.status.get_or_insert_with(Default::default);
        st.phase.get_or_insert_with(|| "Pending".into());
        st.qos_class.get_or_insert_with(|| qos.into());
    }

    fn allocate(&mut self, _alloc: &mut Allocators) {}

    fn validate(&self) -> Vec<FieldError> {
        let mut errs = match &self.spec {
            Some(spec) => pod_spec(spec, "spec"),
            None => vec![FieldError::required("spec.containers", "")],
        };
        errs.extend(sim_knobs(self.metadata.annotations.as_ref(), "metadata.annotations"));
        errs
    }

    /// ValidatePodUpdate: only a few spec fields may change (images, activeDeadlineSeconds,
    /// tolerations additions, the scheduler's binding); the rest is immutable.
    fn validate_update(&self, old: &Self) -> Vec<FieldError> {
        let (Some(new), Some(old_spec)) = (&self.spec, &old.spec) else {
            return Vec::new();
        };
        // Binding sets nodeName once; after that it is as immutable as the rest.
        let rebound = old.node_name.as_deref().is_some_and(|n| !n.is_empty()) && self.node_name != old.node_name;
        if (Rc::ptr_eq(new, old_spec) || new == old_spec) && !rebound {
            return Vec::new();
        }
        let mut relaxed = (**new).clone();
        for (c, o) in relaxed.containers.iter_mut().zip(&old_spec.containers) {
            c.image.clone_from(&o.image);
        }
        for (c, o) in relaxed.init_containers.iter_mut().flatten().zip(old_spec.init_containers.iter().flatten()) {
            c.image.clone_from(&o.image);
        }
        relaxed.active_deadline_seconds = old_spec.active_deadline_seconds;
        relaxed.tolerations.clone_from(&old_spec.tolerations);
        if relaxed == **old_spec && !rebound {
            return Vec::new();
        }
        vec![FieldError::forbidden(
            "spec",
            "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
        )]
    }

    fn bumps_generation(&self, old: &Self, _main_resource: bool) -> bool {
        !same_spec(&self.spec, &old.spec) || self.node_name != old.node_name
    }

    crate::no_workload!();

    fn columns(wide: bool) -> Vec<&'static str> {
        let mut c = vec!["NAME", "READY", "STATUS", "RESTARTS", "AGE"];
        if wide {
            c.extend(["IP", "NODE", "NOMINATED NODE", "READINESS GATES"]);
        }
        c
    }

    fn row(&self, v: &View, wide: bool) -> Vec<String> {
        let (ready, total, status, restarts) = crate::kubectl::get::pod_summary(v.store, self, v.now_ms);
        let mut c = vec![
            self.metadata.name.clone().unwrap_or_default(),
            format!("{ready}/{total}"),
            status,
            restarts,
            age(&self.metadata, v),
        ];
        if wide {
            let s = self.status.clone().unwrap_or_default();
            let ip = s
                .pod_ips
                .and_then(|ips| ips.first().map(|i| i.ip.clone()))
                .filter(|i| !i.is_empty())
                .unwrap_or("<none>".into());
            let node = crate::api::pod::node_name(self);
            c.extend([
                ip,
                if node.is_empty() { "<none>".into() } else { node.to_string() },
                s.nominated_node_name.unwrap_or("<none>".into()),
                "<none>".into(),
            ]);
        }
        c
    }

    fn describe(&self, v: &View, w: &mut Writer) {
        let p = self;
        let spec = p.spec.clone().unwrap_or_default();
        let status = p.status.clone().unwrap_or_default();
        header(w, &self.metadata);
        w.line(0, format!("Priority:\t{}", spec.priority.unwrap_or(0)));
        w.line(0, format!("Service Account:\t{}", spec.service_account_name.clone().unwrap_or("default".into())));
        let node = crate::api::pod::node_name(p);
        match status.host_ip.as_deref().filter(|_| !node.is_empty()) {
            Some(ip) => w.line(0, format!("Node:\t{node}/{ip}")),
            None => w.line(0, format!("Node:\t{}", if node.is_empty() { "<none>" } else { node })),
        }
        if let Some(t) = &status.start_time {
            w.line(0, format!("Start Time:\t{}", rfc1123z(Some(t))));
        }
        map_lines(w, 0, "Labels", p.metadata.labels.as_ref(), "=", &[]);
        map_lines(w, 0, "Annotations", p.metadata.annotations.as_ref(), ": ", &[]);
        let phase = if p.metadata.deletion_timestamp.is_some() {
            "Terminating".to_string()
        } else {
            status.phase.clone().unwrap_or("Pending".into())
        };
        w.line(0, format!("Status:\t{phase}"));
        if let Some(t) = &p.metadata.deletion_timestamp {
            w.line(
                0,
                format!("Termination Grace Period:\t{}s", p.metadata.deletion_grace_period_seconds.unwrap_or(30)),
            );
            let _ = t;
        }
        let ip = status.pod_ip.clone().unwrap_or_default();
        w.line(0, format!("IP:\t{ip}"));
        w.line(0, "IPs:");
        if !ip.is_empty() {
            w.line(1, format!("IP:\t{ip}"));
        }
        if let Some(r) = self.metadata.owner_references.iter().flatten().find(|r| r.controller == Some(true)) {
            w.line(0, format!("Controlled By:\t{}/{}", r.kind, r.name));
        }
        if let Some(inits) = spec.init_containers.as_ref().filter(|l| !l.is_empty()) {
            containers_section(w, "Init Containers:", inits, status.init_container_statuses.as_deref());
        }
        containers_section(w, "Containers:", &spec.containers, status.container_statuses.as_deref());
        if let Some(conds) = status.conditions.as_ref().filter(|c| !c.is_empty()) {
            w.line(0, "Conditions:");
            w.line(1, "Type\tStatus");
            for c in conds {
                w.line(1, format!("{} \t{} ", c.type_, c.status));
            }
        }
        w.line(0, "Volumes:\t<none>");
        w.line(0, format!("QoS Class:\t{}", status.qos_class.clone().unwrap_or("BestEffort".into())));
        map_lines(w, 0, "Node-Selectors", spec.node_selector.as_ref(), "=", &[]);
        tolerations(w, 0, spec.tolerations.as_ref());
        events(v, &self.metadata, w);
    }

    fn graph(&self, v: &View) -> GraphLook {
        let (ready, total, status, restarts) = crate::kubectl::get::pod_summary(v.store, self, v.now_ms);
        let mut details = vec![format!("{ready}/{total}")];
        let node = crate::api::pod::node_name(self);
        if !node.is_empty() {
            details.push(node.to_string());
        }
        // The count without kubectl's "(5s ago)": a card changes when its object is
        // written, not as the clock runs (the graph redraws only what was written).
        let count = restarts.split_once(' ').map_or(restarts.as_str(), |(n, _)| n);
        if count != "0" {
            details.push(format!("{count} restarts"));
        }
        if let Some(dns) = stable_dns_name(v.store, self) {
            details.push(dns);
        }
        GraphLook {
            details,
            status: Some(status),
            phase: Some(self.status.as_ref().and_then(|s| s.phase.clone()).unwrap_or_else(|| "Pending".into())),
            ready: Some(crate::api::pod::is_ready(self)),
            links: {
                let ns = self.metadata.namespace.as_deref().unwrap_or("");
                let claims = self.spec.as_ref().and_then(|s| s.volumes.as_ref()).into_iter().flatten();
                let claims = claims
                    .filter_map(|v| v.persistent_volume_claim.as_ref())
                    .map(|c| (ObjKey::new(super::Kind::PersistentVolumeClaim, ns, &c.claim_name), EdgeKind::Uses));
                let on = (!node.is_empty()).then(|| (ObjKey::new(super::Kind::Node, "", node), EdgeKind::RunsOn));
                claims.chain(on).collect()
            },
            history: false,
        }
    }
}

/// The stable DNS name a pod has when its `subdomain` names a headless Service in its
/// namespace (the StatefulSet's governing Service): `<hostname>.<service>.<namespace>.svc.cluster.local`.
pub fn stable_dns_name(store: &crate::store::Store, p: &Pod) -> Option<String> {
    let spec = p.spec.as_ref()?;
    let (host, sub) = (spec.hostname.as_deref()?, spec.subdomain.as_deref()?);
    let ns = p.metadata.namespace.as_deref().unwrap_or("default");
    let svc = store.get_named(super::Kind::Service, ns, sub)?.as_service()?;
    super::service::is_headless(svc).then(|| format!("{host}.{sub}.{ns}.svc.cluster.local"))
}

#[cfg(test)]
mod tests {
    use crate::api::time::parse_rfc3339;
    use crate::api::Kind;
    use crate::cluster::new_cluster;
    use std::rc::Rc;

    // The pods of one ReplicaSet share one stored spec, bound to their nodes and running
    // included; each still reads and prints its own nodeName in the API's shape.
    #[test]
    fn pods_of_one_template_share_their_spec_and_print_their_own_node() {
        let mut engine = new_cluster(parse_rfc3339("2026-01-01T00:00:00Z").unwrap(), 0);
        let dep = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 3\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: app, image: nginx}]}\n";
        let lines = crate::script::parse(&format!("kubectl apply -f - <<EOF\n{dep}EOF\nsettle\n")).unwrap();
        crate::script::run(&mut engine, &lines, &|_| Err("no files".into()), &mut |_, _| {});
        let pods: Vec<_> = engine.store.list(Kind::Pod, None).filter_map(|o| o.as_pod().cloned()).collect();
        assert_eq!(pods.len(), 3);
        let first = pods[0].spec.as_ref().unwrap();
        assert!(pods.iter().all(|p| Rc::ptr_eq(p.spec.as_ref().unwrap(), first)), "one spec for the three");
        assert!(first.node_name.is_none(), "nodeName lives beside the shared spec");
        for p in &pods {
            let node = crate::api::pod::node_name(p);
            assert!(node.starts_with("node-"), "{node}");
            let json = serde_json::to_value(p).unwrap();
            assert_eq!(json["spec"]["nodeName"], node);
            assert_eq!(json["spec"]["containers"][0]["image"], "nginx");
        }
    }

    #[test]
    fn decoding_moves_node_name_out_of_the_spec_and_back() {
        let doc = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {nodeName: node-2, containers: [{name: c, image: x}]}\n";
        let obj = crate::manifest::parse(doc).unwrap().remove(0).object;
        let p = obj.as_pod().unwrap();
        assert_eq!(p.node_name.as_deref(), Some("node-2"));
        assert_eq!(p.spec.as_ref().unwrap().node_name, None);
        assert_eq!(obj.to_json()["spec"]["nodeName"], "node-2");
    }
}
