//! A minimal default-scheduler: filters (unschedulable, taints, node selector and
//! required node affinity, resource fit) with upstream's failure messages
//! (pkg/scheduler/framework/types.go FitError), then spreads a workload's pods.
//! Keeps a cache of what each node has been given, as the real scheduler does.
//! Every node is filtered and scored: upstream stops after a sample once a cluster has
//! more than 100 nodes (percentageOfNodesToScore), which would make the choice depend
//! on where the last search stopped.

use crate::api::quantity::parse_milli;
use crate::api::ObjKey;
use crate::api::{pod, Kind, Object};
use crate::kinds::pod::Pod;
use crate::sim::controller::{key_of, Controller, Ctx};
use crate::store::{Store, WatchEvent, WatchType};
use k8s_openapi::api::core::v1::{Node, NodeSelectorRequirement, PodCondition, PodSpec, Taint, Toleration};
use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::rc::Rc;

/// A filter's failure reason: fixed text mostly, so the loop over nodes allocates nothing.
pub type Reason = Cow<'static, str>;

#[derive(Default, Clone, Debug)]
struct NodeUsage {
    cpu_milli: i128,
    memory_milli: i128,
    pods: i64,
}

#[derive(Clone, Debug)]
struct Placed {
    slot: usize,
    cpu: i128,
    memory: i128,
    owner: String,
}

/// A node as the filters read it, parsed once per node change: its allocatable
/// (milli-CPU, milli-bytes, pods), its cache slot, and what decides fit before resources.
struct NodeEntry {
    obj: Rc<Object>,
    alloc: (i128, i128, i64),
    slot: usize,
    unschedulable: bool,
    /// The NoSchedule and NoExecute taints, with node.kubernetes.io/not-ready when the
    /// node is not Ready (the TaintNodesByCondition taint the filter sees).
    taints: Vec<Taint>,
}

/// What the filters before resource fit said about each node for one pod spec. Pods of
/// one template share their spec, so a burst of them filters the nodes once, not once
/// per pod; only resource fit and the score, which change with every binding, run per pod.
struct SpecVerdicts {
    spec: Option<Rc<PodSpec>>,
    nodes: Rc<Vec<NodeEntry>>,
    /// Per node: whether it passed the static filters.
    passed: Vec<bool>,
    /// The static filters' reasons, counted over the nodes that failed them.
    reasons: BTreeMap<Reason, usize>,
}

/// Nodes short of each resource, counted in the loop without touching a map.
#[derive(Default)]
struct Shortfalls {
    pods: usize,
    cpu: usize,
    memory: usize,
}

#[derive(Default)]
pub struct Scheduler {
    /// Each node name seen gets a slot for good: what the cache keeps per node is an
    /// array read, not a hash lookup, in the loop over nodes that every pod runs.
    slots: HashMap<String, usize>,
    usage: Vec<NodeUsage>,
    /// Pods per controller uid, per slot, for spreading.
    spread: HashMap<String, Vec<i64>>,
    placed: HashMap<String, Placed>,
    /// Pods that did not fit; retried when a change could help them (QueueingHints): a
    /// node change helps every one, a freed pod only those short of resources (true).
    unschedulable: BTreeMap<ObjKey, bool>,
    /// The unschedulable pods are all queued already: a burst of changes queues them once.
    retry_queued: bool,
    /// Nodes with their parsed allocatable resources; rebuilt when a node changes.
    nodes: Option<Rc<Vec<NodeEntry>>>,
    /// The static filters' verdicts for the last pod spec scheduled.
    verdicts: Option<SpecVerdicts>,
    /// Pods placed whose WaitForFirstConsumer claims are being provisioned: bound once
    /// the claims are (VolumeBinding's PreBind), retried on claim and volume changes.
    awaiting_volumes: std::collections::BTreeSet<ObjKey>,
}

pub const NAME: &str = "default-scheduler";

/// Sum of container requests (init containers take the max), in milli-units.
pub fn pod_requests(p: &Pod) -> (i128, i128) {
    let Some(spec) = &p.spec else { return (0, 0) };
    let req = |c: &k8s_openapi::api::core::v1::Container, r: &str| {
        c.resources
            .as_ref()
            .and_then(|res| {
                res.requests.as_ref().and_then(|m| m.get(r)).or_else(|| res.limits.as_ref().and_then(|m| m.get(r)))
            })
            .and_then(|q| parse_milli(&q.0))
            .unwrap_or(0)
    };
    let sum = |r: &str| spec.containers.iter().map(|c| req(c, r)).sum::<i128>();
    let init_max = |r: &str| spec.init_containers.iter().flatten().map(|c| req(c, r)).max().unwrap_or(0);
    (sum("cpu").max(init_max("cpu")), sum("memory").max(init_max("memory")))
}

fn counts(p: &Pod) -> bool {
    !pod::node_name(p).is_empty() && !matches!(pod::phase(p), "Succeeded" | "Failed")
}

impl Scheduler {
    /// Every node with its allocatable CPU, memory and pod count, parsed once per change.
    fn node_table(&mut self, store: &Store) -> Rc<Vec<NodeEntry>> {
        if let Some(t) = &self.nodes {
            return t.clone();
        }
        let table: Vec<NodeEntry> = store
            .list(Kind::Node, None)
            .filter_map(|o| {
                let n = o.as_node()?;
                let not_ready = (!crate::cluster::nodes::node_ready(n)).then(|| Taint {
                    key: "node.kubernetes.io/not-ready".into(),
                    effect: "NoSchedule".into(),
                    ..Default::default()
                });
                let taints = n.spec.as_ref().and_then(|s| s.taints.as_ref()).into_iter().flatten();
                let taints = taints
                    .filter(|t| t.effect == "NoSchedule" || t.effect == "NoExecute")
                    .cloned()
                    .chain(not_ready)
                    .collect();
                let unschedulable = n.spec.as_ref().and_then(|s| s.unschedulable) == Some(true);
                Some(NodeEntry {
                    obj: o.clone(),
                    alloc: allocatable(n),
                    slot: self.slot(o.name()),
                    unschedulable,
                    taints,
                })
            })
            .collect();
        let table = Rc::new(table);
        self.nodes = Some(table.clone());
        table
    }

    /// The static filters' verdict on every node for this pod's spec: cached while the
    /// nodes and the spec (the same allocation, or an equal one) stay the same.
    fn refresh_verdicts(&mut self, p: &Pod, nodes: &Rc<Vec<NodeEntry>>) {
        let same = self
            .verdicts
            .as_ref()
            .is_some_and(|v| Rc::ptr_eq(&v.nodes, nodes) && crate::kinds::pod::same_spec(&v.spec, &p.spec));
        if !same {
            let mut reasons = BTreeMap::new();
            let passed = nodes
                .iter()
                .map(|n| match static_filter(p, n) {
                    Some(r) => {
                        *reasons.entry(r).or_default() += 1;
                        false
                    }
                    None => true,
                })
                .collect();
            self.verdicts = Some(SpecVerdicts { spec: p.spec.clone(), nodes: nodes.clone(), passed, reasons });
        }
    }

    fn slot(&mut self, node: &str) -> usize {
        if let Some(s) = self.slots.get(node) {
            return *s;
        }
        let s = self.usage.len();
        self.slots.insert(node.to_string(), s);
        self.usage.push(NodeUsage::default());
        s
    }

    fn forget(&mut self, uid: &str) {
        if let Some(pl) = self.placed.remove(uid) {
            let u = &mut self.usage[pl.slot];
            u.cpu_milli -= pl.cpu;
            u.memory_milli -= pl.memory;
            u.pods -= 1;
            if let Some(c) = self.spread.get_mut(&pl.owner).and_then(|v| v.get_mut(pl.slot)) {
                *c -= 1;
            }
        }
    }

    fn assume(&mut self, p: &Pod) {
        self.assume_on(p, pod::node_name(p));
    }

    /// AssumePod: the cache counts the pod on `node` (its own, or the one chosen for it
    /// while its volumes are made), so the next pod sees the node as fuller.
    fn assume_on(&mut self, p: &Pod, node: &str) {
        let uid = p.metadata.uid.as_deref().unwrap_or_default();
        if self.placed.contains_key(uid) {
            return;
        }
        let (cpu, memory) = pod_requests(p);
        let owner = owner_uid(p).to_string();
        let slot = self.slot(node);
        let u = &mut self.usage[slot];
        u.cpu_milli += cpu;
        u.memory_milli += memory;
        u.pods += 1;
        let counts = self.spread.entry(owner.clone()).or_default();
        if counts.len() <= slot {
            counts.resize(slot + 1, 0);
        }
        counts[slot] += 1;
        self.placed.insert(uid.to_string(), Placed { slot, cpu, memory, owner });
    }
}

fn owner_uid(p: &Pod) -> &str {
    p.metadata
        .owner_references
        .iter()
        .flatten()
        .find(|r| r.controller == Some(true))
        .map(|r| r.uid.as_str())
        .unwrap_or_default()
}

fn wants_us(p: &Pod) -> bool {
    pod::node_name(p).is_empty()
        && p.metadata.deletion_timestamp.is_none()
        && p.spec.as_ref().and_then(|s| s.scheduler_name.as_deref()).is_none_or(|s| s == NAME)
}

impl Scheduler {
    /// Queues the unschedulable pods a change could help (all of them on a node change).
    fn retry(&mut self, out: &mut Vec<ObjKey>, node_changed: bool) {
        if self.retry_queued && !node_changed {
            return;
        }
        self.retry_queued = true;
        out.extend(self.unschedulable.iter().filter(|(_, short)| node_changed || **short).map(|(k, _)| k.clone()));
    }
}

impl Controller for Scheduler {
    fn name(&self) -> &'static str {
        NAME
    }
    fn watches(&self) -> &'static [Kind] {
        &[Kind::Pod, Kind::Node, Kind::PersistentVolumeClaim, Kind::PersistentVolume]
    }
    fn owns(&self) -> &'static [Kind] {
        &[Kind::Pod, Kind::Event]
    }

    fn keys_for(&mut self, ev: &WatchEvent, _store: &Store, out: &mut Vec<ObjKey>) {
        match ev.object.kind() {
            Kind::Pod => {
                let Some(p) = ev.object.as_pod() else { return };
                let uid = p.metadata.uid.as_deref().unwrap_or("");
                let waiting = pod::node_name(p).is_empty() && self.awaiting_volumes.contains(&ev.object.key());
                let gone = ev.kind == WatchType::Deleted || !(counts(p) || waiting && pod::is_active(p));
                if gone {
                    let freed = self.placed.contains_key(uid);
                    self.forget(uid);
                    if freed {
                        self.retry(out, false);
                    }
                } else if !waiting {
                    self.assume(p);
                }
                if ev.kind == WatchType::Deleted {
                    self.unschedulable.remove(&ev.object.key());
                    self.awaiting_volumes.remove(&ev.object.key());
                } else if wants_us(p) {
                    out.push(key_of(&ev.object));
                }
            }
            Kind::Node => {
                self.nodes = None;
                self.retry(out, true);
            }
            // A claim or volume change may let a pod waiting on its volumes go on.
            Kind::PersistentVolumeClaim | Kind::PersistentVolume => {
                out.extend(self.awaiting_volumes.iter().cloned());
                self.retry(out, true);
            }
            _ => {}
        }
    }

    fn sync(&mut self, key: &ObjKey, ctx: &mut Ctx) -> Result<(), String> {
        self.retry_queued = false;
        let Some(obj) = ctx.store.get(key).cloned() else {
            return Ok(());
        };
        let Some(p) = obj.as_pod() else { return Ok(()) };
        if !wants_us(p) {
            self.unschedulable.remove(key);
            self.awaiting_volumes.remove(key);
            return Ok(());
        }
        let nodes = self.node_table(ctx.store);
        let needs = match super::volume_binding::prefilter(ctx.store, p) {
            Ok(needs) => needs,
            Err(refusal) => {
                self.unschedulable.insert(key.clone(), false);
                let n = nodes.len();
                let message = format!(
                    "0/{n} nodes are available: {refusal}. preemption: 0/{n} nodes are available: {n} Preemption is not helpful for scheduling."
                );
                ctx.because(format!("pod {} fits nowhere: {message}", key.name));
                let decided = mark_unschedulable(ctx, &obj, message);
                ctx.store.forget_reason();
                return decided;
            }
        };
        let mut volume_reasons: BTreeMap<Reason, usize> = BTreeMap::new();
        let mut selected_at = None;
        let (cpu, memory) = pod_requests(p);
        let owner = owner_uid(p);
        let mut short = Shortfalls::default();
        // The score ends in the node's place in the table, which is in name order: ties go
        // to the first name without comparing names.
        let mut best: Option<(i64, i128, i64, usize)> = None;
        let mut feasible = 0usize;
        self.refresh_verdicts(p, &nodes);
        let verdicts = self.verdicts.as_ref().expect("verdicts just refreshed");
        let spread = self.spread.get(owner);
        for (at, entry) in nodes.iter().enumerate().filter(|(at, _)| verdicts.passed[*at]) {
            let usage = &self.usage[entry.slot];
            if !resource_fit(usage, entry.alloc, cpu, memory, &mut short) {
                continue;
            }
            if let Some(r) = entry.obj.as_node().and_then(|n| super::volume_binding::filter(&needs, n)) {
                *volume_reasons.entry(r.into()).or_default() += 1;
                continue;
            }
            if needs.selected.as_deref() == Some(entry.obj.name()) {
                selected_at = Some(at);
            }
            feasible += 1;
            // Fewest pods of this workload, then least requested share, then fewest pods.
            let requested = requested_share(usage, entry.alloc, cpu, memory);
            let same_owner = spread.and_then(|v| v.get(entry.slot)).copied().unwrap_or(0);
            let score = (same_owner, requested, usage.pods, at);
            if best.is_none_or(|b| score < b) {
                best = Some(score);
            }
        }
        // The node PreBind chose before, while it still fits, keeps the pod.
        let kept = selected_at.is_some() && best.is_some();
        let best = match (selected_at, best) {
            (Some(at), Some(b)) => Some((b.0, b.1, self.usage[nodes[at].slot].pods, at)),
            (_, b) => b,
        };
        let Some((same_owner, _, pods_there, chosen)) = best else {
            let mut reasons = verdicts.reasons.clone();
            reasons.extend(volume_reasons);
            for (reason, n) in
                [("Too many pods", short.pods), ("Insufficient cpu", short.cpu), ("Insufficient memory", short.memory)]
            {
                if n > 0 {
                    reasons.insert(reason.into(), n);
                }
            }
            let short_of_resources = reasons.keys().any(|r| short_of(r));
            self.unschedulable.insert(key.clone(), short_of_resources);
            let message = fit_error(nodes.len(), &reasons);
            ctx.because(format!("pod {} fits nowhere: {message}", key.name));
            let decided = mark_unschedulable(ctx, &obj, message);
            ctx.store.forget_reason();
            return decided;
        };
        self.unschedulable.remove(key);
        let chosen = nodes[chosen].obj.name().to_string();
        // A pod assumed on a node while its volumes were made is counted again where it binds.
        self.forget(p.metadata.uid.as_deref().unwrap_or_default());
        if !needs.waiting.is_empty() {
            // PreBind: the claims are provisioned for this node first; the pod binds after,
            // assumed on the node meanwhile.
            self.assume_on(p, &chosen);
            self.awaiting_volumes.insert(key.clone());
            return super::volume_binding::select_node(ctx, &needs, &chosen, &key.name);
        }
        self.awaiting_volumes.remove(key);
        let mut bound = p.clone();
        bound.node_name = Some(chosen.clone());
        set_scheduled(&mut bound, "True", None, None, &ctx.store.now());
        if kept {
            ctx.because(format!(
                "bound {} to {chosen}: its claims' volumes were made for {chosen} (volume.kubernetes.io/selected-node), and it still fits",
                key.name
            ));
        } else {
            ctx.because(format!(
                "bound {} to {chosen}: {feasible} of {} nodes fit; {chosen} has the fewest pods of this workload ({same_owner}), then the lowest requested share, then the fewest pods ({pods_there})",
                key.name,
                nodes.len()
            ));
        }
        let stored = ctx.store.update(Object::Pod(Box::new(bound)), ctx.actor).map_err(|e| e.to_string())?;
        ctx.event(
            &stored,
            "Normal",
            "Scheduled",
            format!("Successfully assigned {}/{} to {chosen}", key.namespace, key.name),
        );
        Ok(())
    }
}

fn set_scheduled(
    p: &mut Pod,
    status: &str,
    reason: Option<&str>,
    message: Option<String>,
    now: &k8s_openapi::apimachinery::pkg::apis::meta::v1::Time,
) {
    let st = p.status.get_or_insert_with(Default::default);
    st.phase.get_or_insert_with(|| "Pending".into());
    let conds = st.conditions.get_or_insert_with(Vec::new);
    let cond = PodCondition {
        type_: "PodScheduled".into(),
        status: status.into(),
        reason: reason.map(str::to_string),
        message,
        last_transition_time: Some(now.clone()),
        ..Default::default()
    };
    match conds.iter_mut().find(|c| c.type_ == "PodScheduled") {
        Some(c) => {
            let ltt = if c.status == cond.status {
                c.last_transition_time.clone()
            } else {
                cond.last_transition_time.clone()
            };
            *c = PodCondition { last_transition_time: ltt, ..cond };
        }
        None => conds.push(cond),
    }
}

fn mark_unschedulable(ctx: &mut Ctx, obj: &Object, message: String) -> Result<(), String> {
    let Some(p) = obj.as_pod() else { return Ok(()) };
    let mut copy = p.clone();
    set_scheduled(&mut copy, "False", Some("Unschedulable"), Some(message.clone()), &ctx.store.now());
    let stored = if copy != *p {
        ctx.store.update(Object::Pod(Box::new(copy)), ctx.actor).map_err(|e| e.to_string())?
    } else {
        std::rc::Rc::new(obj.clone())
    };
    ctx.event(&stored, "Warning", "FailedScheduling", message);
    Ok(())
}

/// FitError.Error(): reasons counted over nodes, sorted as strings, then preemption's view.
pub fn fit_error(num_nodes: usize, reasons: &BTreeMap<Reason, usize>) -> String {
    if num_nodes == 0 {
        return "no nodes available to schedule pods".into();
    }
    let mut strs: Vec<String> = reasons.iter().map(|(r, n)| format!("{n} {r}")).collect();
    crate::sort::sort(&mut strs);
    let (mut victims, mut unhelpful) = (0usize, 0usize);
    for (r, n) in reasons {
        if short_of(r) {
            victims += n;
        } else {
            unhelpful += n;
        }
    }
    let mut pre = Vec::new();
    if unhelpful > 0 {
        pre.push(format!("{unhelpful} Preemption is not helpful for scheduling"));
    }
    if victims > 0 {
        pre.push(format!("{victims} No preemption victims found for incoming pod"));
    }
    crate::sort::sort(&mut pre);
    format!(
        "0/{num_nodes} nodes are available: {}. preemption: 0/{num_nodes} nodes are available: {}.",
        strs.join(", "),
        pre.join(", ")
    )
}

/// A reason preemption could help with: the node lacks room, not the right shape.
fn short_of(reason: &str) -> bool {
    reason.starts_with("Insufficient") || reason == "Too many pods"
}

fn allocatable(n: &Node) -> (i128, i128, i64) {
    let alloc = n.status.as_ref().and_then(|s| s.allocatable.as_ref().or(s.capacity.as_ref()));
    let get = |k: &str| alloc.and_then(|a| a.get(k)).and_then(|q| parse_milli(&q.0));
    (get("cpu").unwrap_or(0), get("memory").unwrap_or(0), get("pods").map(|v| (v / 1000) as i64).unwrap_or(110))
}

/// The filter plugins before resource fit, in upstream order (NodeUnschedulable,
/// TaintToleration, NodeAffinity): the first that fails gives the node's reason. They read
/// only the pod's spec and the node, so one verdict serves every pod of a template.
fn static_filter(p: &Pod, n: &NodeEntry) -> Option<Reason> {
    let tolerations = p.spec.as_ref().and_then(|s| s.tolerations.as_ref());
    if n.unschedulable && !tolerates(tolerations, &unschedulable_taint()) {
        return Some("node(s) were unschedulable".into());
    }
    if n.taints.iter().any(|t| !tolerates(tolerations, t)) {
        return Some("node(s) had untolerated taint(s)".into());
    }
    if !n.obj.as_node().is_some_and(|node| node_selector_matches(p, node)) {
        return Some("node(s) didn't match Pod's node affinity/selector".into());
    }
    None
}

/// NodeResourcesFit and the pod count, against what the cache has given the node: false,
/// with each shortfall counted, when the pod does not fit.
fn resource_fit(usage: &NodeUsage, alloc: (i128, i128, i64), cpu: i128, memory: i128, short: &mut Shortfalls) -> bool {
    let (acpu, amem, apods) = alloc;
    let pods = usage.pods + 1 > apods;
    let cpu = cpu > 0 && usage.cpu_milli + cpu > acpu;
    let memory = memory > 0 && usage.memory_milli + memory > amem;
    short.pods += pods as usize;
    short.cpu += cpu as usize;
    short.memory += memory as usize;
    !(pods || cpu || memory)
}

/// The node's requested share after this pod (CPU and memory, per mille each), in
/// 64-bit arithmetic when the figures allow it: this runs for every pod on every node.
fn requested_share(usage: &NodeUsage, alloc: (i128, i128, i64), cpu: i128, memory: i128) -> i128 {
    let (acpu, amem, _) = alloc;
    if acpu <= 0 || amem <= 0 {
        return 0;
    }
    let (c, m) = ((usage.cpu_milli + cpu) * 1000, (usage.memory_milli + memory) * 1000);
    match (i64::try_from(c), i64::try_from(acpu), i64::try_from(m), i64::try_from(amem)) {
        (Ok(c), Ok(acpu), Ok(m), Ok(amem)) => (c / acpu + m / amem) as i128,
        _ => c / acpu + m / amem,
    }
}

fn unschedulable_taint() -> Taint {
    Taint { key: "node.kubernetes.io/unschedulable".into(), effect: "NoSchedule".into(), ..Default::default() }
}

/// ToleratesTaint (k8s.io/api/core/v1/toleration.go).
pub fn tolerates(tolerations: Option<&Vec<Toleration>>, t: &Taint) -> bool {
    tolerations.into_iter().flatten().any(|tol| {
        let effect_ok = tol.effect.as_deref().is_none_or(|e| e.is_empty() || e == t.effect);
        let key_ok = tol.key.as_deref().is_none_or(|k| k.is_empty() || k == t.key);
        let value_ok = match tol.operator.as_deref().unwrap_or("Equal") {
            "Exists" => true,
            _ => tol.value.as_deref().unwrap_or("") == t.value.as_deref().unwrap_or(""),
        };
        effect_ok
            && key_ok
            && value_ok
            && (tol.key.as_deref().is_some_and(|k| !k.is_empty()) || tol.operator.as_deref() == Some("Exists"))
    })
}

/// NodeAffinity's filter: nodeSelector, then the required node selector terms (ORed).
/// Reads both objects in place: it runs for every pod on every node.
fn node_selector_matches(p: &Pod, n: &Node) -> bool {
    let labels = n.metadata.labels.as_ref();
    let Some(spec) = p.spec.as_ref() else { return true };
    if let Some(sel) = &spec.node_selector {
        if !sel.iter().all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v)) {
            return false;
        }
    }
    let terms = spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|na| na.required_during_scheduling_ignored_during_execution.as_ref())
        .map(|r| &r.node_selector_terms);
    match terms {
        None => true,
        Some(terms) => {
            terms.iter().any(|t| t.match_expressions.iter().flatten().all(|e| requirement_matches(e, labels)))
        }
    }
}

/// NodeSelectorRequirementsAsSelector's semantics for one requirement.
pub(crate) fn requirement_matches(e: &NodeSelectorRequirement, labels: Option<&BTreeMap<String, String>>) -> bool {
    let values = e.values.as_deref().unwrap_or_default();
    let label = labels.and_then(|l| l.get(&e.key));
    let num = |s: &str| s.parse::<i64>().ok();
    match e.operator.as_str() {
        "Gt" | "Lt" => {
            let (Some(l), Some(v)) = (label.and_then(|l| num(l)), values.first().and_then(|v| num(v))) else {
                return false;
            };
            if e.operator == "Gt" {
                l > v
            } else {
                l < v
            }
        }
        "In" => label.is_some_and(|l| values.contains(l)),
        "NotIn" => label.is_none_or(|l| !values.contains(l)),
        "Exists" => label.is_some(),
        "DoesNotExist" => label.is_none(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_error_text() {
        let reasons = BTreeMap::from([("Insufficient cpu".into(), 2), ("node(s) had untolerated taint(s)".into(), 1)]);
        assert_eq!(
            fit_error(3, &reasons),
            "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod."
        );
        assert_eq!(fit_error(0, &BTreeMap::new()), "no nodes available to schedule pods");
    }

    #[test]
    fn tolerations() {
        let taint = Taint { key: "nvidia.com/gpu".into(), effect: "NoSchedule".into(), ..Default::default() };
        let exists = Some(vec![Toleration {
            key: Some("nvidia.com/gpu".into()),
            operator: Some("Exists".into()),
            effect: Some("NoSchedule".into()),
            ..Default::default()
        }]);
        assert!(tolerates(exists.as_ref(), &taint));
        assert!(!tolerates(None, &taint));
        let wildcard = Some(vec![Toleration { operator: Some("Exists".into()), ..Default::default() }]);
        assert!(tolerates(wildcard.as_ref(), &taint));
    }
}
