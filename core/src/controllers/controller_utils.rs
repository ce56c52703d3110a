//! Helpers shared by the workload controllers (pkg/controller/controller_utils.go):
//! pods from templates, owner references, and the pod deletion ranking.

use crate::api::pod;
use crate::api::Object;
use crate::kinds::pod::Pod;
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference, Time};
use std::cmp::Ordering;

/// Keys of the `kind` objects in `orphan`'s namespace whose selector matches it: the
/// controllers that may adopt it (getPodReplicaSets, getDeploymentsForReplicaSet).
pub fn controllers_selecting(
    store: &crate::store::Store,
    kind: crate::api::Kind,
    orphan: &Object,
    out: &mut Vec<crate::api::ObjKey>,
) {
    for c in store.list(kind, Some(orphan.namespace())) {
        let matches = store.selector(&c.key()).is_some_and(|s| !s.is_empty() && s.matches(orphan.labels()));
        if matches {
            out.push(crate::sim::controller::key_of(c));
        }
    }
}

/// addPod/updatePod/deletePod of a workload controller: the `kind` controllers named by
/// the controller references of the pod's old and new copies, and for an orphan every
/// `kind` object whose selector matches it (from `out`'s old length on: the caller may
/// drop caches for those).
pub fn pod_event_keys(
    ev: &crate::store::WatchEvent,
    store: &crate::store::Store,
    kind: crate::api::Kind,
    out: &mut Vec<crate::api::ObjKey>,
) -> usize {
    for o in std::iter::once(&ev.object).chain(ev.old.iter()) {
        if let Some(r) = o.controller_ref().filter(|r| r.kind == kind.name()) {
            out.push(crate::api::ObjKey::new(kind, o.namespace(), &r.name));
        }
    }
    let from = out.len();
    if ev.object.controller_ref().is_none() && ev.kind != crate::store::WatchType::Deleted {
        controllers_selecting(store, kind, &ev.object, out);
    }
    from
}

/// A workload's parsed spec.selector: the API server's, parsed once when the object was
/// written; an unparsable one gives the parser's error.
pub fn selector_of(
    store: &crate::store::Store,
    key: &crate::api::ObjKey,
    sel: &k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector,
) -> Result<std::rc::Rc<crate::api::selector::Selector>, String> {
    match store.selector(key) {
        Some(s) => Ok(s.clone()),
        None => crate::api::selector::Selector::from_label_selector(sel).map(std::rc::Rc::new),
    }
}

/// The controller reference a workload puts on what it creates.
pub fn controller_ref(owner: &Object) -> OwnerReference {
    OwnerReference {
        api_version: owner.kind().api_version().to_string(),
        kind: owner.kind().name().to_string(),
        name: owner.name().to_string(),
        uid: owner.uid().to_string(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

/// GetPodFromTemplate: labels, annotations and spec from the template, named
/// `<owner>-<random>` by generateName, owned by the controller. `sibling` is a stored pod
/// made from this same template: the new pod shares its (defaulted) spec instead of a copy.
pub fn pod_from_template(
    template: &PodTemplateSpec,
    owner: &Object,
    generate_name: String,
    sibling: Option<&Pod>,
) -> Pod {
    let tmeta = template.metadata.clone().unwrap_or_default();
    let metadata = ObjectMeta {
        generate_name: Some(generate_name),
        namespace: Some(owner.namespace().to_string()),
        labels: tmeta.labels,
        annotations: tmeta.annotations,
        finalizers: tmeta.finalizers,
        owner_references: Some(vec![controller_ref(owner)]),
        ..Default::default()
    };
    match sibling.filter(|s| s.spec.is_some()) {
        Some(s) => Pod {
            metadata,
            spec: s.spec.clone(),
            node_name: template.spec.as_ref().and_then(|s| s.node_name.clone()),
            status: None,
            defaulted: s.defaulted.clone(),
        },
        None => Pod::from_api(metadata, template.spec.clone(), None),
    }
}

const DELETION_COST: &str = "controller.kubernetes.io/pod-deletion-cost";

fn deletion_cost(p: &Pod) -> i32 {
    p.metadata.annotations.as_ref().and_then(|a| a.get(DELETION_COST)).and_then(|v| v.parse().ok()).unwrap_or(0)
}

fn phase_ordinal(p: &Pod) -> u8 {
    match pod::phase(p) {
        "Unknown" => 1,
        "Running" => 2,
        _ => 0,
    }
}

/// afterOrZero: zero times first, then the later time first.
fn after_or_zero(a: Option<&Time>, b: Option<&Time>) -> bool {
    match (a, b) {
        (None, _) | (_, None) => a.is_none(),
        (Some(a), Some(b)) => a.0 > b.0,
    }
}

/// logarithmicRankDiff: compares floor(log2(age in ns)).
fn log_rank_diff(a: &Time, b: &Time, now: &Time) -> i64 {
    let rank = |t: &Time| {
        let d = now.0.as_nanosecond() - t.0.as_nanosecond();
        if d <= 0 {
            -1
        } else {
            (d as f64).log2().floor() as i64
        }
    };
    rank(a) - rank(b)
}

/// Newer-or-zero first on a logarithmic scale, ties by uid (LogarithmicScaleDown).
fn log_newer_first(a: &Pod, b: &Pod, ta: Option<&Time>, tb: Option<&Time>, now: &Time) -> bool {
    match (ta, tb) {
        (Some(x), Some(y)) => {
            let d = log_rank_diff(x, y, now);
            if d == 0 {
                a.metadata.uid < b.metadata.uid
            } else {
                d < 0
            }
        }
        _ => after_or_zero(ta, tb),
    }
}

/// What ActivePodsWithRanks.Less reads of a pod, read once per pod rather than once
/// per comparison.
struct Ranked<'a> {
    pod: &'a Pod,
    /// Related pods on the same node.
    rank: i32,
    unscheduled: bool,
    phase: u8,
    ready: bool,
    cost: i32,
    ready_time: Option<&'a Time>,
    restarts: i32,
}

impl<'a> Ranked<'a> {
    fn of(pod: &'a Pod, rank: i32) -> Self {
        Ranked {
            pod,
            rank,
            unscheduled: pod::node_name(pod).is_empty(),
            phase: phase_ordinal(pod),
            ready: pod::is_ready(pod),
            cost: deletion_cost(pod),
            ready_time: ready_time(pod),
            restarts: pod::max_restarts(pod),
        }
    }
}

/// ActivePodsWithRanks.Less: true when `a` should be deleted before `b`.
pub fn delete_first(a: &Pod, rank_a: i32, b: &Pod, rank_b: i32, now: &Time) -> bool {
    deletes_before(&Ranked::of(a, rank_a), &Ranked::of(b, rank_b), now)
}

fn deletes_before(a: &Ranked, b: &Ranked, now: &Time) -> bool {
    if a.unscheduled != b.unscheduled {
        return a.unscheduled;
    }
    if a.phase != b.phase {
        return a.phase < b.phase;
    }
    if a.ready != b.ready {
        return !a.ready;
    }
    if a.cost != b.cost {
        return a.cost < b.cost;
    }
    if a.rank != b.rank {
        return a.rank > b.rank;
    }
    if a.ready && b.ready && a.ready_time != b.ready_time {
        return log_newer_first(a.pod, b.pod, a.ready_time, b.ready_time, now);
    }
    if a.restarts != b.restarts {
        return a.restarts > b.restarts;
    }
    let (ta, tb) = (a.pod.metadata.creation_timestamp.as_ref(), b.pod.metadata.creation_timestamp.as_ref());
    if ta != tb {
        return log_newer_first(a.pod, b.pod, ta, tb, now);
    }
    false
}

fn ready_time(p: &Pod) -> Option<&Time> {
    pod::condition(p, "Ready").filter(|c| c.status == "True").and_then(|c| c.last_transition_time.as_ref())
}

/// Sorts (pod, rank) pairs so the first are the ones to delete first.
pub fn sort_for_deletion(pods: &mut [(&Pod, i32)], now: &Time) {
    let mut ranked: Vec<Ranked> = pods.iter().map(|(p, r)| Ranked::of(p, *r)).collect();
    crate::sort::sort_by(&mut ranked, |a, b| {
        if deletes_before(a, b, now) {
            Ordering::Less
        } else if deletes_before(b, a, now) {
            Ordering::Greater
        } else {
            Ordering::Equal
        }
    });
    for (slot, r) in pods.iter_mut().zip(ranked) {
        *slot = (r.pod, r.rank);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{ContainerStatus, PodCondition, PodStatus};
    use std::collections::BTreeMap;

    fn t(secs: i64) -> Option<Time> {
        Some(Time(jiff::Timestamp::from_second(secs).unwrap()))
    }

    const NOW: i64 = 1_800_000_000;
    const MONTH: i64 = 30 * 86_400;

    #[allow(clippy::too_many_arguments)]
    fn mk(
        name: &str,
        node: &str,
        phase: &str,
        ready: bool,
        restarts: i32,
        ready_since: Option<Time>,
        created: Option<Time>,
        cost: Option<&str>,
    ) -> Pod {
        Pod {
            metadata: ObjectMeta {
                name: Some(name.into()),
                creation_timestamp: created,
                annotations: cost.map(|c| BTreeMap::from([(DELETION_COST.to_string(), c.to_string())])),
                ..Default::default()
            },
            spec: Some(Default::default()),
            node_name: (!node.is_empty()).then(|| node.into()),
            status: Some(PodStatus {
                phase: Some(phase.into()),
                conditions: ready.then(|| {
                    vec![PodCondition {
                        type_: "Ready".into(),
                        status: "True".into(),
                        last_transition_time: ready_since,
                        ..Default::default()
                    }]
                }),
                container_statuses: ready
                    .then(|| vec![ContainerStatus { restart_count: restarts, ..Default::default() }]),
                ..Default::default()
            }),
            defaulted: None,
        }
    }

    // controller_utils_test.go TestSortingActivePodsWithRanks.
    #[test]
    fn sorting_active_pods_with_ranks() {
        let now = t(NOW).unwrap();
        let unscheduled = mk("unscheduled", "", "Pending", false, 0, None, None, None);
        let scheduled_pending = mk("pending", "node", "Pending", false, 0, None, None, None);
        let unknown = mk("unknown-phase", "node", "Unknown", false, 0, None, None, None);
        let not_ready = mk("not-ready", "node", "Running", false, 0, None, None, None);
        let ready_no_ltt = mk("ready-no-last-transition-time", "node", "Running", true, 0, None, None, None);
        let ready_now = mk("ready-now", "node", "Running", true, 0, t(NOW), t(NOW), None);
        let ready_then = mk("ready-then", "node", "Running", true, 0, t(NOW - MONTH), t(NOW - MONTH), None);
        let high_restarts = mk("ready-high-restarts", "node", "Running", true, 9001, t(NOW), t(NOW), None);
        let created_then = mk("ready-now-created-then", "node", "Running", true, 0, t(NOW), t(NOW - MONTH), None);
        let low_cost = mk("low-deletion-cost", "node", "Running", true, 0, t(NOW), t(NOW - MONTH), Some("10"));
        let high_cost = mk("high-deletion-cost", "node", "Running", true, 0, t(NOW), t(NOW - MONTH), Some("100"));
        let unsched5 = mk("unscheduled-5-hours", "", "Pending", false, 0, t(NOW - 5 * 3600), t(NOW - 5 * 3600), None);
        let unsched8 = mk("unscheduled-10-hours", "", "Pending", false, 0, t(NOW - 8 * 3600), t(NOW - 8 * 3600), None);
        let ready2h = mk("ready-2-hours", "", "Running", true, 0, t(NOW - 2 * 3600), t(NOW - MONTH), None);
        let ready5h = mk("ready-5-hours", "", "Running", true, 0, t(NOW - 5 * 3600), t(NOW - MONTH), None);
        let ready8h = mk("ready-10-hours", "", "Running", true, 0, t(NOW - 8 * 3600), t(NOW - MONTH), None);

        let equal = [
            (&unscheduled, &unscheduled),
            (&scheduled_pending, &scheduled_pending),
            (&unknown, &unknown),
            (&not_ready, &not_ready),
            (&created_then, &created_then),
            (&ready_now, &ready_now),
            (&ready_then, &ready_then),
            (&high_restarts, &high_restarts),
            (&unsched5, &unsched8),
            (&ready5h, &ready8h),
        ];
        for (a, b) in equal {
            assert!(
                !delete_first(a, 1, b, 1, &now) && !delete_first(b, 1, a, 1, &now),
                "{:?} vs {:?}",
                a.metadata.name,
                b.metadata.name
            );
        }
        let lesser = [
            (&unscheduled, 1, &scheduled_pending, 2),
            (&unscheduled, 2, &scheduled_pending, 1),
            (&scheduled_pending, 1, &unknown, 2),
            (&unknown, 1, &not_ready, 2),
            (&not_ready, 1, &ready_no_ltt, 1),
            (&ready_no_ltt, 1, &ready_now, 1),
            (&ready_now, 2, &ready_no_ltt, 1),
            (&ready_now, 1, &ready_then, 1),
            (&ready_now, 2, &ready_then, 1),
            (&high_restarts, 1, &ready_now, 1),
            (&ready_now, 2, &high_restarts, 1),
            (&ready_now, 1, &created_then, 1),
            (&created_then, 2, &ready_now, 1),
            (&low_cost, 2, &high_cost, 1),
            (&ready2h, 1, &ready5h, 1),
        ];
        for (i, (a, ra, b, rb)) in lesser.into_iter().enumerate() {
            assert!(delete_first(a, ra, b, rb, &now), "row {i}: {:?} should go first", a.metadata.name);
            assert!(!delete_first(b, rb, a, ra, &now), "row {i}: reverse");
        }
    }
}
