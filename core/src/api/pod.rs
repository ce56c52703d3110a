//! Pod predicates shared by controllers (pkg/api/v1/pod/util.go, pkg/controller/controller_utils.go).

use crate::kinds::pod::Pod;
use k8s_openapi::api::core::v1::PodCondition;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

/// A template's container images, comma-separated (as graph nodes and lists show them).
pub fn template_images(t: Option<&k8s_openapi::api::core::v1::PodTemplateSpec>) -> String {
    t.and_then(|t| t.spec.as_ref())
        .map(|s| s.containers.iter().filter_map(|c| c.image.as_deref()).collect::<Vec<_>>().join(","))
        .unwrap_or_default()
}

pub fn phase(pod: &Pod) -> &str {
    pod.status.as_ref().and_then(|s| s.phase.as_deref()).unwrap_or("Pending")
}

pub fn condition<'a>(pod: &'a Pod, kind: &str) -> Option<&'a PodCondition> {
    pod.status.as_ref()?.conditions.as_ref()?.iter().find(|c| c.type_ == kind)
}

/// IsPodReady: the Ready condition is True.
pub fn is_ready(pod: &Pod) -> bool {
    condition(pod, "Ready").is_some_and(|c| c.status == "True")
}

/// When the pod last became ready, if it is ready.
pub fn ready_since(pod: &Pod) -> Option<&Time> {
    condition(pod, "Ready").filter(|c| c.status == "True").and_then(|c| c.last_transition_time.as_ref())
}

/// IsPodAvailable: ready for at least minReadySeconds. Upstream compares with `Before(now)`
/// on second-truncated timestamps; with whole-second virtual timestamps `<=` is the same test.
pub fn is_available(pod: &Pod, min_ready_seconds: i32, now: &Time) -> bool {
    if !is_ready(pod) {
        return false;
    }
    if min_ready_seconds <= 0 {
        return true;
    }
    match ready_since(pod) {
        Some(t) => t.0.as_second() + i64::from(min_ready_seconds) <= now.0.as_second(),
        None => false,
    }
}

/// IsPodActive: not terminal and not being deleted.
pub fn is_active(pod: &Pod) -> bool {
    let p = phase(pod);
    p != "Succeeded" && p != "Failed" && pod.metadata.deletion_timestamp.is_none()
}

pub fn node_name(pod: &Pod) -> &str {
    pod.node_name.as_deref().unwrap_or("")
}

pub fn max_restarts(pod: &Pod) -> i32 {
    pod.status
        .as_ref()
        .and_then(|s| s.container_statuses.as_ref())
        .map(|cs| cs.iter().map(|c| c.restart_count).max().unwrap_or(0))
        .unwrap_or(0)
}

pub fn restart_policy(pod: &Pod) -> &str {
    pod.spec.as_ref().and_then(|s| s.restart_policy.as_deref()).unwrap_or("Always")
}

/// GetPodQOS: Guaranteed when every container limits CPU and memory with equal requests,
/// BestEffort when none asks for anything, Burstable otherwise.
pub fn qos_class(p: &Pod) -> &'static str {
    let Some(spec) = &p.spec else {
        return "BestEffort";
    };
    let any = spec
        .containers
        .iter()
        .any(|c| c.resources.as_ref().is_some_and(|r| r.requests.is_some() || r.limits.is_some()));
    if !any {
        return "BestEffort";
    }
    let guaranteed = spec.containers.iter().all(|c| {
        c.resources.as_ref().is_some_and(|r| {
            let l = r.limits.clone().unwrap_or_default();
            ["cpu", "memory"].iter().all(|k| {
                l.contains_key(*k) && r.requests.as_ref().is_none_or(|q| q.get(*k).is_none_or(|v| Some(v) == l.get(*k)))
            })
        })
    });
    if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}
