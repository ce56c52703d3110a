//! `kubectl get`: tables (with `-o wide`), `-o yaml|json|name`, `-l`, several types.

use super::table::{get_table, human_duration};
use super::{unknown_type, Args, Output};
use crate::api::selector::Selector;
use crate::api::{pod, Kind, Object};
use crate::store::Store;
use serde_json::{json, Value};
use std::rc::Rc;

pub fn get(store: &Store, args: &Args) -> Output {
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
    out.stderr.insert_str(0, &super::deprecation_warnings(wanted.iter().map(|(k, _)| *k)));
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
    let view = crate::kinds::View::new(store);
    let mut printed_any = false;
    for (kind, objs) in &groups {
        if objs.is_empty() {
            continue;
        }
        let mut header: Vec<String> = kind.columns(wide).into_iter().map(str::to_string).collect();
        let mut rows = Vec::new();
        for o in objs {
            let mut cells = o.row(&view, wide);
            if cells.is_empty() {
                cells.push(String::new());
            }
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

/// `kubectl get events` columns (printEvent): LAST SEEN, TYPE, REASON, OBJECT (the
/// lowercased kind and name, without the group), MESSAGE.
pub fn event_columns(store: &crate::store::Store, e: &crate::kinds::event::Event, now: i64) -> Vec<String> {
    vec![
        human_duration(now - store.clock.ms_of(&e.last_timestamp)),
        e.type_.to_string(),
        e.reason.to_string(),
        crate::kinds::event::object_column(&e.involved_object.key),
        e.message.trim().to_string(),
    ]
}

/// printPod's READY, STATUS and RESTARTS.
pub fn pod_summary(
    store: &crate::store::Store,
    p: &crate::kinds::pod::Pod,
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
