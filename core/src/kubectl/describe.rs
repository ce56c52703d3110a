//! `kubectl describe` for Deployments, ReplicaSets and Pods
//! (staging/src/k8s.io/kubectl/pkg/describe/describe.go): the same sections, written
//! through the same tabwriter settings (minwidth 0, padding 2).

use super::table::{human_duration, tabwrite};
use super::{resource_and_name, Args, Output};
use crate::api::{Kind, Object};
use crate::kinds::View;
use crate::store::Store;
use k8s_openapi::api::core::v1::{Container, ContainerState, ContainerStatus, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use std::collections::BTreeMap;

pub fn describe(store: &Store, args: &Args) -> Output {
    let targets: Vec<std::rc::Rc<Object>> = match args.positional.as_slice() {
        [only] if !only.contains('/') => {
            let Some(kind) = Kind::from_arg(only) else { return Output::err(super::unknown_type(only)) };
            let ns = args.namespace();
            let found: Vec<_> = store.list(kind, kind.namespaced().then_some(ns.as_str())).cloned().collect();
            if found.is_empty() {
                return Output::err(format!("No resources found in {ns} namespace."));
            }
            found
        }
        pos => {
            let (kind, name) = match resource_and_name(pos) {
                Ok(v) => v,
                Err(e) => return Output::err(e),
            };
            let ns = if kind.namespaced() { args.namespace() } else { String::new() };
            match store.get_named(kind, &ns, &name) {
                Some(o) => vec![o.clone()],
                None => {
                    return Output::err(format!(
                        "Error from server (NotFound): {} {name:?} not found",
                        kind.resource_plural()
                    ))
                }
            }
        }
    };
    let warnings = super::deprecation_warnings(targets.iter().map(|o| o.kind()));
    let mut text = Vec::new();
    for obj in targets {
        let mut w = Writer::default();
        obj.describe(&View::new(store), &mut w);
        text.push(w.finish());
    }
    let mut out = Output::out(text.join("\n\n"));
    out.stderr = warnings;
    out
}

/// Lines with tab-separated cells, aligned as describe's tabwriter does.
#[derive(Default)]
pub struct Writer {
    lines: Vec<Vec<String>>,
    flushed: String,
}

impl Writer {
    pub fn line(&mut self, indent: usize, text: impl AsRef<str>) {
        let text = format!("{}{}", "  ".repeat(indent), text.as_ref());
        self.lines.push(text.split('\t').map(str::to_string).collect());
    }
    pub fn flush(&mut self) {
        self.flushed.push_str(&tabwrite(&self.lines, 0, 2));
        self.lines.clear();
    }
    /// The lines with literal tabs, as printTemplate writes them (no tabwriter).
    fn raw(self) -> String {
        self.lines.iter().map(|l| format!("{}\n", l.join("\t"))).collect()
    }

    pub fn finish(mut self) -> String {
        self.flush();
        self.flushed
    }
}

pub fn rfc1123z(t: Option<&Time>) -> String {
    t.map(|t| t.0.strftime("%a, %d %b %Y %H:%M:%S %z").to_string()).unwrap_or_else(|| "<unset>".into())
}

pub fn map_lines(
    w: &mut Writer,
    indent: usize,
    title: &str,
    m: Option<&BTreeMap<String, String>>,
    sep: &str,
    skip: &[&str],
) {
    let items: Vec<String> = m
        .into_iter()
        .flatten()
        .filter(|(k, _)| !skip.contains(&k.as_str()))
        .map(|(k, v)| format!("{k}{sep}{v}"))
        .collect();
    match items.split_first() {
        None => w.line(indent, format!("{title}:\t<none>")),
        Some((first, rest)) => {
            w.line(indent, format!("{title}:\t{first}"));
            for r in rest {
                w.line(indent, format!("\t{r}"));
            }
        }
    }
}

pub fn selector_text(s: &k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector) -> String {
    let parts: Vec<String> = s.match_labels.iter().flatten().map(|(k, v)| format!("{k}={v}")).collect();
    if parts.is_empty() {
        "<none>".into()
    } else {
        parts.join(",")
    }
}

pub fn ports(c: &Container) -> (String, String) {
    let ps: Vec<&k8s_openapi::api::core::v1::ContainerPort> = c.ports.iter().flatten().collect();
    if ps.is_empty() {
        return ("<none>".into(), "<none>".into());
    }
    let proto = |p: &k8s_openapi::api::core::v1::ContainerPort| p.protocol.clone().unwrap_or("TCP".into());
    (
        ps.iter().map(|p| format!("{}/{}", p.container_port, proto(p))).collect::<Vec<_>>().join(", "),
        ps.iter().map(|p| format!("{}/{}", p.host_port.unwrap_or(0), proto(p))).collect::<Vec<_>>().join(", "),
    )
}

/// `rollout history --revision`'s template: describe's layout with literal tabs.
pub fn template_text(t: Option<&PodTemplateSpec>) -> String {
    let mut w = Writer::default();
    pod_template(&mut w, t);
    w.raw()
}

pub fn pod_template(w: &mut Writer, t: Option<&PodTemplateSpec>) {
    w.line(0, "Pod Template:");
    let meta = t.and_then(|t| t.metadata.as_ref());
    map_lines(w, 1, "Labels", meta.and_then(|m| m.labels.as_ref()), "=", &[]);
    if let Some(a) = meta.and_then(|m| m.annotations.as_ref()).filter(|a| !a.is_empty()) {
        map_lines(w, 1, "Annotations", Some(a), ": ", &[]);
    }
    w.line(1, "Containers:");
    let spec = t.and_then(|t| t.spec.as_ref());
    for c in spec.iter().flat_map(|s| s.containers.iter()) {
        w.line(1, format!(" {}:", c.name));
        let (port, host) = ports(c);
        w.line(2, format!("Image:\t{}", c.image.clone().unwrap_or_default()));
        w.line(2, format!("{}:\t{port}", if port.contains(',') { "Ports" } else { "Port" }));
        w.line(2, format!("{}:\t{host}", if host.contains(',') { "Host Ports" } else { "Host Port" }));
        container_details(w, c);
    }
    w.line(1, "Volumes:\t<none>");
    let sel = spec.and_then(|s| s.node_selector.as_ref());
    map_lines(w, 1, "Node-Selectors", sel, "=", &[]);
    tolerations(w, 1, spec.and_then(|s| s.tolerations.as_ref()));
}

pub fn container_details(w: &mut Writer, c: &Container) {
    if let Some(r) = &c.resources {
        for (title, m) in [("Limits", &r.limits), ("Requests", &r.requests)] {
            if let Some(m) = m.as_ref().filter(|m| !m.is_empty()) {
                w.line(2, format!("{title}:"));
                for (k, v) in m {
                    w.line(3, format!("{k}:\t{}", v.0));
                }
            }
        }
    }
    if let Some(p) = &c.readiness_probe {
        w.line(
            2,
            format!(
                "Readiness:\t{} delay={}s timeout={}s period={}s #success={} #failure={}",
                probe_kind(p),
                p.initial_delay_seconds.unwrap_or(0),
                p.timeout_seconds.unwrap_or(1),
                p.period_seconds.unwrap_or(10),
                p.success_threshold.unwrap_or(1),
                p.failure_threshold.unwrap_or(3)
            ),
        );
    }
    w.line(2, "Environment:\t<none>");
    w.line(2, "Mounts:\t<none>");
}

pub fn probe_kind(p: &k8s_openapi::api::core::v1::Probe) -> String {
    if let Some(h) = &p.http_get {
        let port = match &h.port {
            k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(i) => i.to_string(),
            k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::String(s) => s.clone(),
        };
        format!(
            "http-get {}://:{port}{}",
            h.scheme.clone().unwrap_or("http".into()).to_lowercase(),
            h.path.clone().unwrap_or("/".into())
        )
    } else if let Some(t) = &p.tcp_socket {
        format!("tcp-socket :{}", crate::api::intstr::display(&t.port))
    } else if let Some(e) = &p.exec {
        format!("exec {:?}", e.command.clone().unwrap_or_default())
    } else {
        "unknown".into()
    }
}

pub fn tolerations(w: &mut Writer, indent: usize, t: Option<&Vec<k8s_openapi::api::core::v1::Toleration>>) {
    let items: Vec<String> = t
        .into_iter()
        .flatten()
        .map(|t| {
            let mut s = t.key.clone().unwrap_or_default();
            if t.operator.as_deref() != Some("Exists") {
                s.push_str(&format!("={}", t.value.clone().unwrap_or_default()));
            }
            if let Some(e) = t.effect.as_ref().filter(|e| !e.is_empty()) {
                s.push_str(&format!(":{e}"));
            }
            if t.operator.as_deref() == Some("Exists") && t.key.as_deref().is_none_or(str::is_empty) {
                s = "op=Exists".into();
            } else if t.operator.as_deref() == Some("Exists") {
                s.push_str(" op=Exists");
            }
            if let Some(secs) = t.toleration_seconds {
                s.push_str(&format!(" for {secs}s"));
            }
            s
        })
        .collect();
    match items.split_first() {
        None => w.line(indent, "Tolerations:\t<none>"),
        Some((first, rest)) => {
            w.line(indent, format!("Tolerations:\t{first}"));
            for r in rest {
                w.line(indent, format!("\t{r}"));
            }
        }
    }
}

pub fn events(v: &View, meta: &ObjectMeta, w: &mut Writer) {
    let now = v.now_ms;
    let clock = &v.store.clock;
    let uid = meta.uid.as_deref().unwrap_or("");
    let ns = meta.namespace.as_deref().filter(|n| !n.is_empty()).unwrap_or("default");
    let mut evs: Vec<&crate::kinds::event::Event> =
        v.store.events_about(ns, uid).filter_map(|e| e.as_event()).collect();
    if evs.is_empty() {
        w.line(0, "Events:\t<none>");
        return;
    }
    w.flush();
    crate::sort::sort_by_key(&mut evs, |e| e.last_timestamp.0);
    w.line(0, "Events:");
    w.line(1, "Type\tReason\tAge\tFrom\tMessage");
    w.line(1, "----\t------\t----\t----\t-------");
    for e in evs {
        let age = |t: &Time| human_duration(now - clock.ms_of(t));
        let when = if e.count > 1 {
            format!("{} (x{} over {})", age(&e.last_timestamp), e.count, age(&e.first_timestamp))
        } else {
            age(&e.first_timestamp)
        };
        w.line(1, format!("{}\t{}\t{when}\t{}\t{}", e.type_, e.reason, e.component, e.message.trim()));
    }
}

pub fn header(w: &mut Writer, meta: &ObjectMeta) {
    w.line(0, format!("Name:\t{}", meta.name.as_deref().unwrap_or("")));
    w.line(0, format!("Namespace:\t{}", meta.namespace.as_deref().unwrap_or("")));
}

/// kubectl's generic describer: identity, labels, annotations, then the events.
pub fn generic(v: &View, meta: &ObjectMeta, w: &mut Writer) {
    w.line(0, format!("Name:\t{}", meta.name.as_deref().unwrap_or("")));
    if let Some(ns) = meta.namespace.as_deref().filter(|n| !n.is_empty()) {
        w.line(0, format!("Namespace:\t{ns}"));
    }
    map_lines(w, 0, "Labels", meta.labels.as_ref(), "=", &[]);
    map_lines(w, 0, "Annotations", meta.annotations.as_ref(), ": ", &[super::apply::LAST_APPLIED]);
    events(v, meta, w);
}

pub fn state_lines(w: &mut Writer, title: &str, st: &ContainerState) {
    if let Some(r) = &st.running {
        w.line(2, format!("{title}:\tRunning"));
        w.line(3, format!("Started:\t{}", rfc1123z(r.started_at.as_ref())));
    } else if let Some(wt) = &st.waiting {
        w.line(2, format!("{title}:\tWaiting"));
        w.line(3, format!("Reason:\t{}", wt.reason.clone().unwrap_or_default()));
    } else if let Some(t) = &st.terminated {
        w.line(2, format!("{title}:\tTerminated"));
        w.line(3, format!("Reason:\t{}", t.reason.clone().unwrap_or_default()));
        w.line(3, format!("Exit Code:\t{}", t.exit_code));
        w.line(3, format!("Started:\t{}", rfc1123z(t.started_at.as_ref())));
        w.line(3, format!("Finished:\t{}", rfc1123z(t.finished_at.as_ref())));
    } else {
        w.line(2, format!("{title}:\tWaiting"));
    }
}

pub fn containers_section(w: &mut Writer, title: &str, list: &[Container], statuses: Option<&[ContainerStatus]>) {
    w.line(0, title);
    for c in list {
        w.line(1, format!("{}:", c.name));
        let cs = statuses.into_iter().flatten().find(|s| s.name == c.name);
        if let Some(id) = cs.and_then(|s| s.container_id.clone()) {
            w.line(2, format!("Container ID:\t{id}"));
        }
        w.line(2, format!("Image:\t{}", c.image.clone().unwrap_or_default()));
        w.line(2, format!("Image ID:\t{}", cs.map(|s| s.image_id.clone()).unwrap_or_default()));
        let (port, host) = ports(c);
        w.line(2, format!("Port:\t{port}"));
        w.line(2, format!("Host Port:\t{host}"));
        if let Some(cs) = cs {
            state_lines(w, "State", &cs.state.clone().unwrap_or_default());
            if let Some(last) = cs.last_state.as_ref().filter(|l| l.terminated.is_some()) {
                state_lines(w, "Last State", last);
            }
            w.line(2, format!("Ready:\t{}", if cs.ready { "True" } else { "False" }));
            w.line(2, format!("Restart Count:\t{}", cs.restart_count));
        } else {
            w.line(2, "State:\tWaiting");
            w.line(2, "Ready:\tFalse");
            w.line(2, "Restart Count:\t0");
        }
        container_details(w, c);
    }
}
