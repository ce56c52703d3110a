//! Defaulting shared by kinds with pods (pkg/apis/core/v1/defaults.go): pod specs, pod
//! templates, probes, and what admission plugins add to every pod. Each kind's own
//! defaults are in its kind module.

use k8s_openapi::api::core::v1::{PodSpec, PodTemplateSpec, Probe};

/// What admission plugins add to every pod: the ServiceAccount plugin's account name,
/// DefaultTolerationSeconds' not-ready/unreachable tolerations, Priority's policy.
pub fn admission(s: &mut PodSpec) {
    if s.service_account_name.as_deref().is_none_or(str::is_empty) {
        s.service_account_name = Some("default".into());
    }
    s.service_account.get_or_insert_with(|| s.service_account_name.clone().unwrap_or_default());
    s.preemption_policy.get_or_insert_with(|| "PreemptLowerPriority".into());
    for key in ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"] {
        let tolerations = s.tolerations.get_or_insert_with(Vec::new);
        let covered = tolerations.iter().any(|t| {
            (t.key.as_deref() == Some(key) || (t.key.is_none() && t.operator.as_deref() == Some("Exists")))
                && t.effect.as_deref().is_none_or(|e| e.is_empty() || e == "NoExecute")
        });
        if !covered {
            tolerations.push(k8s_openapi::api::core::v1::Toleration {
                key: Some(key.into()),
                operator: Some("Exists".into()),
                effect: Some("NoExecute".into()),
                toleration_seconds: Some(300),
                value: None,
            });
        }
    }
}

pub fn template(t: &mut PodTemplateSpec) {
    if let Some(s) = &mut t.spec {
        pod_spec(s);
    }
}

/// SetDefaults_PodSpec and SetDefaults_Container.
pub fn pod_spec(s: &mut PodSpec) {
    s.dns_policy.get_or_insert_with(|| "ClusterFirst".into());
    s.restart_policy.get_or_insert_with(|| "Always".into());
    s.security_context.get_or_insert_with(Default::default);
    s.termination_grace_period_seconds.get_or_insert(30);
    s.scheduler_name.get_or_insert_with(|| "default-scheduler".into());
    for c in s.containers.iter_mut().chain(s.init_containers.iter_mut().flatten()) {
        if c.image_pull_policy.is_none() {
            let tag = image_tag(c.image.as_deref().unwrap_or(""));
            c.image_pull_policy = Some(if tag == "latest" { "Always" } else { "IfNotPresent" }.into());
        }
        c.termination_message_path.get_or_insert_with(|| "/dev/termination-log".into());
        c.termination_message_policy.get_or_insert_with(|| "File".into());
        c.resources.get_or_insert_with(Default::default);
        for port in c.ports.iter_mut().flatten() {
            port.protocol.get_or_insert_with(|| "TCP".into());
        }
        for p in [&mut c.readiness_probe, &mut c.liveness_probe, &mut c.startup_probe].into_iter().flatten() {
            probe(p);
        }
    }
}

fn probe(p: &mut Probe) {
    p.timeout_seconds.get_or_insert(1);
    p.period_seconds.get_or_insert(10);
    p.success_threshold.get_or_insert(1);
    p.failure_threshold.get_or_insert(3);
}

/// The tag of an image reference: `latest` when none is given and there is no digest.
pub fn image_tag(image: &str) -> &str {
    if image.contains('@') {
        return "";
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        Some((_, tag)) => tag,
        None => "latest",
    }
}

#[cfg(test)]
mod tests {
    use super::image_tag;

    #[test]
    fn tags() {
        assert_eq!(image_tag("nginx"), "latest");
        assert_eq!(image_tag("nginx:1.25"), "1.25");
        assert_eq!(image_tag("localhost:5000/app"), "latest");
        assert_eq!(image_tag("nginx@sha256:abc"), "");
    }
}
