//! `kubectl describe` for Deployments, ReplicaSets and Pods
//! (staging/src/k8s.io/kubectl/pkg/describe/describe.go): the same sections, written
//! through the same tabwriter settings (minwidth 0, padding 2).

use super::table::{human_duration, tabwrite};
use super::{resource_and_name, Args, Output};
use crate::api::{Kind, Object};
use crate::sim::engine::Engine;
use k8s_openapi::api::core::v1::{Container, ContainerState, ContainerStatus, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use std::collections::BTreeMap;

pub fn describe(engine: &Engine, args: &Args) -> Output {
    let targets: Vec<std::rc::Rc<Object>> = match args.positional.as_slice() {
        [only] if !only.contains('/') => {
            let Some(kind) = Kind::from_arg(only) else { return Output::err(super::unknown_type(only)) };
            let ns = args.namespace();
            let found: Vec<_> = engine.store.list(kind, kind.namespaced().then_some(ns.as_str())).cloned().collect();
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
            match engine.store.get_named(kind, &ns, &name) {
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
    let mut text = Vec::new();
    for obj in targets {
        let mut w = Writer::default();
        match &*obj {
            Object::Deployment(_) => deployment(engine, &obj, &mut w),
            Object::ReplicaSet(_) => replica_set(engine, &obj, &mut w),
            Object::Pod(_) => pod(engine, &obj, &mut w),
            other => {
                return Output::err(format!(
                    "error: kubeloop describes deployments, replicasets and pods (not {})",
                    other.kind().plural()
                ))
            }
        }
        text.push(w.finish());
    }
    Output::out(text.join("\n\n"))
}

/// Lines with tab-separated cells, aligned as describe's tabwriter does.
#[derive(Default)]
struct Writer {
    lines: Vec<Vec<String>>,
    flushed: String,
}

impl Writer {
    fn line(&mut self, indent: usize, text: impl AsRef<str>) {
        let text = format!("{}{}", "  ".repeat(indent), text.as_ref());
        self.lines.push(text.split('\t').map(str::to_string).collect());
    }
    fn flush(&mut self) {
        self.flushed.push_str(&tabwrite(&self.lines, 0, 2));
        self.lines.clear();
    }
    /// The lines with literal tabs, as printTemplate writes them (no tabwriter).
    fn raw(self) -> String {
        self.lines.iter().map(|l| format!("{}\n", l.join("\t"))).collect()
    }

    fn finish(mut self) -> String {
        self.flush();
        self.flushed
    }
}

fn rfc1123z(t: Option<&Time>) -> String {
    t.map(|t| t.0.strftime("%a, %d %b %Y %H:%M:%S %z").to_string()).unwrap_or_else(|| "<unset>".into())
}

fn map_lines(
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

fn selector_text(s: &k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector) -> String {
    let parts: Vec<String> = s.match_labels.iter().flatten().map(|(k, v)| format!("{k}={v}")).collect();
    if parts.is_empty() {
        "<none>".into()
    } else {
        parts.join(",")
    }
}

fn ports(c: &Container) -> (String, String) {
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

fn pod_template(w: &mut Writer, t: Option<&PodTemplateSpec>) {
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

fn container_details(w: &mut Writer, c: &Container) {
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

fn probe_kind(p: &k8s_openapi::api::core::v1::Probe) -> String {
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

fn tolerations(w: &mut Writer, indent: usize, t: Option<&Vec<k8s_openapi::api::core::v1::Toleration>>) {
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

fn events(engine: &Engine, obj: &Object, w: &mut Writer) {
    let now = engine.now_ms();
    let clock = &engine.store.clock;
    let mut evs: Vec<&k8s_openapi::api::core::v1::Event> = engine
        .store
        .list(Kind::Event, Some(if obj.namespace().is_empty() { "default" } else { obj.namespace() }))
        .filter_map(|e| e.as_event())
        .filter(|e| e.involved_object.uid.as_deref() == Some(obj.uid()))
        .collect();
    if evs.is_empty() {
        w.line(0, "Events:\t<none>");
        return;
    }
    w.flush();
    crate::sort::sort_by_key(&mut evs, |e| e.last_timestamp.as_ref().map(|t| t.0));
    w.line(0, "Events:");
    w.line(1, "Type\tReason\tAge\tFrom\tMessage");
    w.line(1, "----\t------\t----\t----\t-------");
    for e in evs {
        let age = |t: Option<&Time>| t.map(|t| human_duration(now - clock.ms_of(t))).unwrap_or("<unknown>".into());
        let count = e.count.unwrap_or(1);
        let when = if count > 1 {
            format!("{} (x{count} over {})", age(e.last_timestamp.as_ref()), age(e.first_timestamp.as_ref()))
        } else {
            age(e.first_timestamp.as_ref())
        };
        let from = e.source.as_ref().and_then(|s| s.component.clone()).unwrap_or_default();
        w.line(
            1,
            format!(
                "{}\t{}\t{when}\t{from}\t{}",
                e.type_.clone().unwrap_or_default(),
                e.reason.clone().unwrap_or_default(),
                e.message.clone().unwrap_or_default().trim()
            ),
        );
    }
}

fn header(w: &mut Writer, obj: &Object) {
    w.line(0, format!("Name:\t{}", obj.name()));
    w.line(0, format!("Namespace:\t{}", obj.namespace()));
}

fn deployment(engine: &Engine, obj: &Object, w: &mut Writer) {
    let Some(d) = obj.as_deployment() else { return };
    header(w, obj);
    w.line(0, format!("CreationTimestamp:\t{}", rfc1123z(d.metadata.creation_timestamp.as_ref())));
    map_lines(w, 0, "Labels", d.metadata.labels.as_ref(), "=", &[]);
    map_lines(w, 0, "Annotations", d.metadata.annotations.as_ref(), ": ", &[super::apply::LAST_APPLIED]);
    w.line(0, format!("Selector:\t{}", selector_text(&d.spec.selector)));
    let s = d.status.clone().unwrap_or_default();
    w.line(
        0,
        format!(
            "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable",
            d.spec.replicas.unwrap_or(1),
            s.updated_replicas.unwrap_or(0),
            s.replicas.unwrap_or(0),
            s.available_replicas.unwrap_or(0),
            s.unavailable_replicas.unwrap_or(0)
        ),
    );
    let strategy = d.spec.strategy.clone().unwrap_or_default();
    w.line(0, format!("StrategyType:\t{}", strategy.type_.clone().unwrap_or_default()));
    w.line(0, format!("MinReadySeconds:\t{}", d.spec.min_ready_seconds.unwrap_or(0)));
    if let Some(ru) = &strategy.rolling_update {
        let v = |x: &Option<k8s_openapi::apimachinery::pkg::util::intstr::IntOrString>| {
            x.as_ref().map(crate::api::intstr::display).unwrap_or_default()
        };
        w.line(
            0,
            format!(
                "RollingUpdateStrategy:\t{} max unavailable, {} max surge",
                v(&ru.max_unavailable),
                v(&ru.max_surge)
            ),
        );
    }
    pod_template(w, Some(&d.spec.template));
    if let Some(conds) = s.conditions.as_ref().filter(|c| !c.is_empty()) {
        w.line(0, "Conditions:");
        w.line(1, "Type\tStatus\tReason");
        w.line(1, "----\t------\t------");
        for c in conds {
            w.line(
                1,
                format!(
                    "{} \t{}\t{}",
                    c.type_.clone().unwrap_or_default(),
                    c.status.clone().unwrap_or_default(),
                    c.reason.clone().unwrap_or_default()
                ),
            );
        }
    }
    let uid = obj.uid();
    let mut rss: Vec<k8s_openapi::api::apps::v1::ReplicaSet> = engine
        .store
        .owned_by(uid)
        .filter(|o| o.controller_ref().is_some_and(|r| r.uid == uid))
        .filter_map(|o| o.as_replica_set().cloned())
        .collect();
    crate::sort::sort_by(&mut rss, crate::controllers::deployment::util::by_creation);
    if !rss.is_empty() {
        let new = crate::controllers::deployment::util::find_new_rs(d, &rss);
        let fmt_rs = |rs: &k8s_openapi::api::apps::v1::ReplicaSet| {
            format!(
                "{} ({}/{} replicas created)",
                rs.metadata.name.clone().unwrap_or_default(),
                rs.status.as_ref().map(|s| s.replicas).unwrap_or(0),
                rs.spec.replicas.unwrap_or(1)
            )
        };
        let old: Vec<String> = rss
            .iter()
            .enumerate()
            .filter(|(i, rs)| Some(*i) != new && rs.spec.replicas.unwrap_or(1) > 0)
            .map(|(_, rs)| fmt_rs(rs))
            .collect();
        w.line(0, format!("OldReplicaSets:\t{}", if old.is_empty() { "<none>".into() } else { old.join(", ") }));
        w.line(0, format!("NewReplicaSet:\t{}", new.map(|i| fmt_rs(&rss[i])).unwrap_or("<none>".into())));
    }
    events(engine, obj, w);
}

fn replica_set(engine: &Engine, obj: &Object, w: &mut Writer) {
    let Some(rs) = obj.as_replica_set() else { return };
    header(w, obj);
    w.line(0, format!("Selector:\t{}", selector_text(&rs.spec.selector)));
    map_lines(w, 0, "Labels", rs.metadata.labels.as_ref(), "=", &[]);
    map_lines(w, 0, "Annotations", rs.metadata.annotations.as_ref(), ": ", &[]);
    if let Some(r) = obj.controller_ref() {
        w.line(0, format!("Controlled By:\t{}/{}", r.kind, r.name));
    }
    let s = rs.status.clone().unwrap_or_default();
    w.line(0, format!("Replicas:\t{} current / {} desired", s.replicas, rs.spec.replicas.unwrap_or(1)));
    let (mut running, mut waiting, mut succeeded, mut failed) = (0, 0, 0, 0);
    for p in engine.store.owned_by(obj.uid()).filter_map(|o| o.as_pod()) {
        match crate::api::pod::phase(p) {
            "Running" => running += 1,
            "Succeeded" => succeeded += 1,
            "Failed" => failed += 1,
            _ => waiting += 1,
        }
    }
    w.line(0, format!("Pods Status:\t{running} Running / {waiting} Waiting / {succeeded} Succeeded / {failed} Failed"));
    pod_template(w, rs.spec.template.as_ref());
    events(engine, obj, w);
}

fn state_lines(w: &mut Writer, title: &str, st: &ContainerState) {
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

fn containers_section(w: &mut Writer, title: &str, list: &[Container], statuses: Option<&[ContainerStatus]>) {
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

fn pod(engine: &Engine, obj: &Object, w: &mut Writer) {
    let Some(p) = obj.as_pod() else { return };
    let spec = p.spec.clone().unwrap_or_default();
    let status = p.status.clone().unwrap_or_default();
    header(w, obj);
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
        w.line(0, format!("Termination Grace Period:\t{}s", p.metadata.deletion_grace_period_seconds.unwrap_or(30)));
        let _ = t;
    }
    let ip = status.pod_ip.clone().unwrap_or_default();
    w.line(0, format!("IP:\t{ip}"));
    w.line(0, "IPs:");
    if !ip.is_empty() {
        w.line(1, format!("IP:\t{ip}"));
    }
    if let Some(r) = obj.controller_ref() {
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
    events(engine, obj, w);
}
