//! `kubectl get`: tables (with `-o wide`), `-o yaml|json|name`, `-l`, several types.

use super::table::{get_table, human_duration};
use super::{unknown_type, Args, Output};
use crate::api::selector::Selector;
use crate::api::{pod, Kind, Object};
use crate::sim::engine::Engine;
use serde_json::{json, Value};
use std::rc::Rc;

pub fn get(engine: &mut Engine, args: &Args) -> Output {
    let Some(types) = args.positional.first() else {
        return Output::err("You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.");
    };
    let mut wanted: Vec<(Kind, Option<String>)> = Vec::new();
    if types.contains('/') {
        for p in &args.positional {
            let Some((k, n)) = p.split_once('/') else {
                return Output::err("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form");
            };
            match Kind::from_arg(k) {
                Some(kind) => wanted.push((kind, Some(n.to_string()))),
                None => return Output::err(unknown_type(k)),
            }
        }
    } else {
        let mut kinds = Vec::new();
        for t in types.split(',') {
            if t == "all" {
                kinds.extend([
                    Kind::Pod,
                    Kind::Service,
                    Kind::DaemonSet,
                    Kind::Deployment,
                    Kind::ReplicaSet,
                    Kind::StatefulSet,
                    Kind::Job,
                    Kind::CronJob,
                ]);
                continue;
            }
            match Kind::from_arg(t) {
                Some(k) => kinds.push(k),
                None => return Output::err(unknown_type(t)),
            }
        }
        let names = &args.positional[1..];
        for k in kinds {
            if names.is_empty() {
                wanted.push((k, None));
            } else {
                wanted.extend(names.iter().map(|n| (k, Some(n.clone()))));
            }
        }
    }
    let selector = match args.get(&["l", "selector"]).map(Selector::parse) {
        Some(Ok(s)) => Some(s),
        Some(Err(e)) => return Output::err(format!("error: {e}")),
        None => None,
    };
    let all_ns = args.has(&["A", "all-namespaces"]);
    let ns = args.namespace();
    let output = args.get(&["o", "output"]).unwrap_or("");
    let store = &engine.store;
    let mut out = Output::default();
    let mut groups: Vec<(Kind, Vec<Rc<Object>>)> = Vec::new();
    for (kind, name) in &wanted {
        let scope = if kind.namespaced() && !all_ns { Some(ns.as_str()) } else { None };
        let objs: Vec<Rc<Object>> = match name {
            Some(n) => match store.get_named(*kind, if kind.namespaced() { &ns } else { "" }, n) {
                Some(o) => vec![o.clone()],
                None => {
                    if !args.has(&["ignore-not-found"]) {
                        out.push(Output::err(format!(
                            "Error from server (NotFound): {} {n:?} not found",
                            kind.resource_plural()
                        )));
                    }
                    continue;
                }
            },
            None => store
                .list(*kind, scope)
                .filter(|o| selector.as_ref().is_none_or(|s| s.matches(o.labels())))
                .cloned()
                .collect(),
        };
        match groups.iter_mut().find(|(k, _)| k == kind) {
            Some((_, v)) => v.extend(objs),
            None => groups.push((*kind, objs)),
        }
    }
    let with_kind = groups.len() > 1;
    match output {
        "yaml" | "json" => {
            let items: Vec<Value> = groups
                .iter()
                .flat_map(|(_, v)| v.iter().map(|o| o.to_json()))
                .map(|mut v| {
                    super::yaml_out::sort_keys(&mut v);
                    v
                })
                .collect();
            let single = wanted.iter().all(|(_, n)| n.is_some()) && items.len() == 1;
            let doc = if single { items.into_iter().next().unwrap_or(Value::Null) } else { json!({"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}}) };
            if out.stderr.is_empty() || doc.get("items").is_none_or(|i| i.as_array().is_some_and(|a| !a.is_empty())) {
                out.stdout.push_str(&if output == "yaml" { super::yaml_out::to_yaml(&doc) } else { format!("{}\n", serde_json::to_string_pretty(&doc).unwrap_or_default()) });
            }
            return out;
        }
        "name" => {
            for (k, objs) in &groups {
                for o in objs {
                    out.stdout.push_str(&format!("{}/{}\n", k.resource_singular(), o.name()));
                }
            }
            return out;
        }
        "" | "wide" => {}
        other => return Output::err(format!("error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: json,name,wide,yaml")),
    }
    let wide = output == "wide";
    let show_labels = args.has(&["show-labels"]);
    let no_headers = args.has(&["no-headers"]);
    let now = engine.store.clock.now_ms;
    let mut printed_any = false;
    for (kind, objs) in &groups {
        if objs.is_empty() {
            continue;
        }
        let mut header = columns(*kind, wide);
        let mut rows = Vec::new();
        for o in objs {
            let mut cells = row(engine, o, wide, now);
            if with_kind {
                cells[0] = format!("{}/{}", kind.resource_singular(), cells[0]);
            }
            if all_ns && kind.namespaced() {
                cells.insert(0, o.namespace().to_string());
            }
            if show_labels {
                let labels: Vec<String> = o.labels().into_iter().flatten().map(|(k, v)| format!("{k}={v}")).collect();
                cells.push(if labels.is_empty() { "<none>".into() } else { labels.join(",") });
            }
            rows.push(cells);
        }
        if all_ns && kind.namespaced() {
            header.insert(0, "NAMESPACE".into());
        }
        if show_labels {
            header.push("LABELS".into());
        }
        if !no_headers {
            rows.insert(0, header);
        }
        if printed_any {
            out.stdout.push('\n');
        }
        out.stdout.push_str(&get_table(&rows));
        printed_any = true;
    }
    if !printed_any && out.stderr.is_empty() && !args.has(&["ignore-not-found"]) {
        let namespaced = wanted.iter().all(|(k, _)| k.namespaced());
        out.stderr = if namespaced && !all_ns {
            format!("No resources found in {ns} namespace.\n")
        } else {
            "No resources found\n".into()
        };
    }
    out
}

fn columns(kind: Kind, wide: bool) -> Vec<String> {
    let (base, extra): (&[&str], &[&str]) = match kind {
        Kind::Deployment => {
            (&["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"], &["CONTAINERS", "IMAGES", "SELECTOR"])
        }
        Kind::ReplicaSet => (&["NAME", "DESIRED", "CURRENT", "READY", "AGE"], &["CONTAINERS", "IMAGES", "SELECTOR"]),
        Kind::Pod => {
            (&["NAME", "READY", "STATUS", "RESTARTS", "AGE"], &["IP", "NODE", "NOMINATED NODE", "READINESS GATES"])
        }
        Kind::Node => (
            &["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
            &["INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"],
        ),
        Kind::Event if wide => (
            &["LAST SEEN", "TYPE", "REASON", "OBJECT", "SUBOBJECT", "SOURCE", "MESSAGE", "FIRST SEEN", "COUNT", "NAME"],
            &[],
        ),
        Kind::Event => (&["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"], &[]),
        Kind::ConfigMap => (&["NAME", "DATA", "AGE"], &[]),
        Kind::Namespace => (&["NAME", "STATUS", "AGE"], &[]),
        Kind::Service => (&["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"], &["SELECTOR"]),
        _ => (&["NAME", "AGE"], &[]),
    };
    let mut h: Vec<String> = base.iter().map(|s| s.to_string()).collect();
    if wide {
        h.extend(extra.iter().map(|s| s.to_string()));
    }
    h
}

fn age(o: &Object, now: i64, engine: &Engine) -> String {
    match &o.meta().creation_timestamp {
        Some(t) => human_duration(now - engine.store.clock.ms_of(t)),
        None => "<unknown>".into(),
    }
}

fn containers_images(t: Option<&k8s_openapi::api::core::v1::PodTemplateSpec>) -> (String, String) {
    let cs = t.and_then(|t| t.spec.as_ref()).map(|s| s.containers.clone()).unwrap_or_default();
    (
        cs.iter().map(|c| c.name.clone()).collect::<Vec<_>>().join(","),
        cs.iter().map(|c| c.image.clone().unwrap_or_default()).collect::<Vec<_>>().join(","),
    )
}

fn selector_string(s: &k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector) -> String {
    let mut parts: Vec<String> = s.match_labels.iter().flatten().map(|(k, v)| format!("{k}={v}")).collect();
    for e in s.match_expressions.iter().flatten() {
        let vals = e.values.clone().unwrap_or_default().join(",");
        parts.push(match e.operator.as_str() {
            "In" => format!("{} in ({vals})", e.key),
            "NotIn" => format!("{} notin ({vals})", e.key),
            "Exists" => e.key.clone(),
            _ => format!("!{}", e.key),
        });
    }
    parts.join(",")
}

fn row(engine: &Engine, o: &Object, wide: bool, now: i64) -> Vec<String> {
    let name = o.name().to_string();
    let age = age(o, now, engine);
    let mut cells = match o {
        Object::Deployment(d) => {
            let s = d.status.clone().unwrap_or_default();
            let mut c = vec![
                name,
                format!("{}/{}", s.ready_replicas.unwrap_or(0), d.spec.replicas.unwrap_or(1)),
                s.updated_replicas.unwrap_or(0).to_string(),
                s.available_replicas.unwrap_or(0).to_string(),
                age,
            ];
            if wide {
                let (cn, im) = containers_images(Some(&d.spec.template));
                c.extend([cn, im, selector_string(&d.spec.selector)]);
            }
            c
        }
        Object::ReplicaSet(rs) => {
            let s = rs.status.clone().unwrap_or_default();
            let mut c = vec![
                name,
                rs.spec.replicas.unwrap_or(1).to_string(),
                s.replicas.to_string(),
                s.ready_replicas.unwrap_or(0).to_string(),
                age,
            ];
            if wide {
                let (cn, im) = containers_images(rs.spec.template.as_ref());
                c.extend([cn, im, selector_string(&rs.spec.selector)]);
            }
            c
        }
        Object::Pod(p) => {
            let (ready, total, status, restarts) = pod_summary(&engine.store, p, now);
            let mut c = vec![name, format!("{ready}/{total}"), status, restarts, age];
            if wide {
                let s = p.status.clone().unwrap_or_default();
                let ip = s
                    .pod_ips
                    .and_then(|ips| ips.first().map(|i| i.ip.clone()))
                    .filter(|i| !i.is_empty())
                    .unwrap_or("<none>".into());
                let node = pod::node_name(p);
                c.extend([
                    ip,
                    if node.is_empty() { "<none>".into() } else { node.to_string() },
                    s.nominated_node_name.unwrap_or("<none>".into()),
                    "<none>".into(),
                ]);
            }
            c
        }
        Object::Node(n) => {
            let ready = n
                .status
                .as_ref()
                .and_then(|s| s.conditions.as_ref())
                .and_then(|c| c.iter().find(|c| c.type_ == "Ready"))
                .map(|c| c.status == "True");
            let mut status = match ready {
                Some(true) => "Ready".to_string(),
                Some(false) => "NotReady".to_string(),
                None => "Unknown".to_string(),
            };
            if n.spec.as_ref().and_then(|s| s.unschedulable) == Some(true) {
                status.push_str(",SchedulingDisabled");
            }
            let mut roles: Vec<String> = n
                .metadata
                .labels
                .iter()
                .flatten()
                .filter_map(|(k, v)| {
                    k.strip_prefix("node-role.kubernetes.io/")
                        .filter(|r| !r.is_empty())
                        .map(str::to_string)
                        .or_else(|| (k == "kubernetes.io/role" && !v.is_empty()).then(|| v.clone()))
                })
                .collect();
            crate::sort::sort(&mut roles);
            let info = n.status.as_ref().and_then(|s| s.node_info.clone()).unwrap_or_default();
            let mut c = vec![
                name,
                status,
                if roles.is_empty() { "<none>".into() } else { roles.join(",") },
                age,
                info.kubelet_version.clone(),
            ];
            if wide {
                let addr = |t: &str| {
                    n.status
                        .as_ref()
                        .and_then(|s| s.addresses.as_ref())
                        .and_then(|a| a.iter().find(|a| a.type_ == t))
                        .map(|a| a.address.clone())
                        .unwrap_or("<none>".into())
                };
                let or_unknown = |s: String| {
                    if s.is_empty() {
                        "<unknown>".to_string()
                    } else {
                        s
                    }
                };
                c.extend([
                    addr("InternalIP"),
                    addr("ExternalIP"),
                    or_unknown(info.os_image),
                    or_unknown(info.kernel_version),
                    or_unknown(info.container_runtime_version),
                ]);
            }
            c
        }
        Object::Event(e) => {
            let mut c = event_columns(&engine.store, e, now);
            if wide {
                let age = |t: Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::Time>| {
                    t.map(|t| human_duration(now - engine.store.clock.ms_of(t))).unwrap_or("<unknown>".into())
                };
                let message = c.pop().unwrap_or_default();
                let source = e.source.as_ref().map(|s| match &s.host {
                    Some(h) if !h.is_empty() => format!("{}, {h}", s.component.clone().unwrap_or_default()),
                    _ => s.component.clone().unwrap_or_default(),
                });
                c.extend([
                    e.involved_object.field_path.clone().unwrap_or_default(),
                    source.unwrap_or_default(),
                    message,
                    age(e.first_timestamp.as_ref()),
                    e.count.unwrap_or(1).max(1).to_string(),
                    name,
                ]);
            }
            c
        }
        Object::ConfigMap(cm) => vec![
            name,
            (cm.data.as_ref().map_or(0, |d| d.len()) + cm.binary_data.as_ref().map_or(0, |d| d.len())).to_string(),
            age,
        ],
        Object::Service(svc) => {
            // printService.
            let spec = svc.spec.clone().unwrap_or_default();
            let cluster_ip = spec.cluster_ips.as_ref().and_then(|ips| ips.first().cloned()).or(spec.cluster_ip.clone());
            let ports: Vec<String> = spec
                .ports
                .iter()
                .flatten()
                .map(|p| {
                    let proto = p.protocol.clone().unwrap_or("TCP".into());
                    match p.node_port.filter(|n| *n > 0) {
                        Some(np) => format!("{}:{np}/{proto}", p.port),
                        None => format!("{}/{proto}", p.port),
                    }
                })
                .collect();
            let external = match spec.external_ips.as_ref().filter(|e| !e.is_empty()) {
                Some(e) => e.join(","),
                None if spec.type_.as_deref() == Some("LoadBalancer") => "<pending>".into(),
                None => "<none>".into(),
            };
            let mut c = vec![
                name,
                spec.type_.clone().unwrap_or("ClusterIP".into()),
                cluster_ip.filter(|i| !i.is_empty()).unwrap_or("<none>".into()),
                external,
                if ports.is_empty() { "<none>".into() } else { ports.join(",") },
                age,
            ];
            if wide {
                let sel: Vec<String> = spec.selector.iter().flatten().map(|(k, v)| format!("{k}={v}")).collect();
                c.push(if sel.is_empty() { "<none>".into() } else { sel.join(",") });
            }
            c
        }
        Object::Namespace(ns) => {
            vec![name, ns.status.as_ref().and_then(|s| s.phase.clone()).unwrap_or_default(), age]
        }
        _ => vec![name, age],
    };
    if cells.is_empty() {
        cells.push(String::new());
    }
    cells
}

/// printPod's READY, STATUS and RESTARTS.
/// `kubectl get events` columns (printEvent): LAST SEEN, TYPE, REASON, OBJECT (the
/// lowercased kind and name, without the group), MESSAGE.
pub fn event_columns(store: &crate::store::Store, e: &k8s_openapi::api::core::v1::Event, now: i64) -> Vec<String> {
    let io = &e.involved_object;
    let last = e.last_timestamp.as_ref().or(e.first_timestamp.as_ref());
    vec![
        last.map(|t| human_duration(now - store.clock.ms_of(t))).unwrap_or("<unknown>".into()),
        e.type_.clone().unwrap_or_default(),
        e.reason.clone().unwrap_or_default(),
        format!("{}/{}", io.kind.clone().unwrap_or_default().to_ascii_lowercase(), io.name.clone().unwrap_or_default()),
        e.message.clone().unwrap_or_default().trim().to_string(),
    ]
}

pub fn pod_summary(
    store: &crate::store::Store,
    p: &k8s_openapi::api::core::v1::Pod,
    now: i64,
) -> (usize, usize, String, String) {
    let s = p.status.clone().unwrap_or_default();
    let total = p.spec.as_ref().map_or(0, |s| s.containers.len());
    let mut reason = s.phase.clone().unwrap_or("Pending".into());
    if let Some(r) = s.reason.clone().filter(|r| !r.is_empty()) {
        reason = r;
    }
    let mut restarts = 0;
    let mut last_restart: Option<i64> = None;
    let mut ready = 0;
    let mut has_running = false;
    let note_restart = |c: &k8s_openapi::api::core::v1::ContainerStatus, restarts: &mut i32, last: &mut Option<i64>| {
        *restarts += c.restart_count;
        if let Some(t) = c.last_state.as_ref().and_then(|l| l.terminated.as_ref()).and_then(|t| t.finished_at.as_ref())
        {
            let ms = store.clock.ms_of(t);
            *last = Some(last.map_or(ms, |l: i64| l.max(ms)));
        }
    };
    // Init containers, in order, stop at the first that has not completed.
    let inits = p.spec.as_ref().and_then(|s| s.init_containers.as_ref()).map_or(0, Vec::len);
    let mut initializing = false;
    for (i, c) in s.init_container_statuses.iter().flatten().enumerate() {
        note_restart(c, &mut restarts, &mut last_restart);
        let st = c.state.clone().unwrap_or_default();
        if st.terminated.as_ref().is_some_and(|t| t.exit_code == 0) {
            continue;
        }
        initializing = true;
        reason = if let Some(t) = &st.terminated {
            match t.reason.clone().filter(|r| !r.is_empty()) {
                Some(r) => format!("Init:{r}"),
                None if t.signal.unwrap_or(0) != 0 => format!("Init:Signal:{}", t.signal.unwrap_or(0)),
                None => format!("Init:ExitCode:{}", t.exit_code),
            }
        } else if let Some(w) =
            st.waiting.as_ref().and_then(|w| w.reason.clone()).filter(|r| !r.is_empty() && r != "PodInitializing")
        {
            format!("Init:{w}")
        } else {
            format!("Init:{i}/{inits}")
        };
        break;
    }
    let initialized = pod::condition(p, "Initialized").is_some_and(|c| c.status == "True");
    if !initializing || initialized {
        restarts = 0;
        last_restart = None;
        for c in s.container_statuses.iter().flatten().rev() {
            note_restart(c, &mut restarts, &mut last_restart);
            let st = c.state.clone().unwrap_or_default();
            if let Some(w) = st.waiting.as_ref().and_then(|w| w.reason.clone()).filter(|r| !r.is_empty()) {
                reason = w;
            } else if let Some(t) = &st.terminated {
                reason = t.reason.clone().filter(|r| !r.is_empty()).unwrap_or_else(|| {
                    if t.signal.unwrap_or(0) != 0 {
                        format!("Signal:{}", t.signal.unwrap_or(0))
                    } else {
                        format!("ExitCode:{}", t.exit_code)
                    }
                });
            } else if c.ready && st.running.is_some() {
                has_running = true;
                ready += 1;
            }
        }
    }
    if reason == "Completed" && has_running {
        reason = if pod::is_ready(p) { "Running".into() } else { "NotReady".into() };
    }
    if p.metadata.deletion_timestamp.is_some() && !matches!(s.phase.as_deref(), Some("Succeeded") | Some("Failed")) {
        reason = "Terminating".into();
    }
    let restarts = match last_restart {
        Some(t) if restarts != 0 => format!("{restarts} ({} ago)", human_duration(now - t)),
        _ => restarts.to_string(),
    };
    (ready, total, reason, restarts)
}
