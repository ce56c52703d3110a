//! Scenario helpers: run a kubeloop script and read the trace.
#![allow(dead_code)]

use kubeloop::api::time::parse_rfc3339;
use kubeloop::api::{pod, Kind, Object};
use kubeloop::cluster::new_cluster;
use kubeloop::script;
use kubeloop::sim::engine::Engine;
use kubeloop::trace::Verb;
use std::collections::BTreeMap;

/// Runs a script (heredocs for manifests); returns the engine and the transcript,
/// stdout and stderr interleaved as a terminal would show them.
pub fn run(text: &str) -> (Engine, String) {
    let mut engine = new_cluster(parse_rfc3339("2026-01-01T00:00:00Z").unwrap(), 0);
    let transcript = run_on(&mut engine, text);
    (engine, transcript)
}

pub fn run_on(engine: &mut Engine, text: &str) -> String {
    let lines = script::parse(text).expect("script parses");
    let mut transcript = String::new();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples");
    let read = |p: &str| std::fs::read_to_string(format!("{dir}/{p}")).map_err(|e| e.to_string());
    script::run(engine, &lines, &read, &mut |line, out| {
        transcript.push_str(&format!("$ {}\n{}{}", line.text, out.stdout, out.stderr));
    });
    transcript
}

/// A Deployment manifest for scenarios.
pub fn deployment(name: &str, replicas: i32, strategy: &str, pod_annotations: &str, image: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: {replicas}
  progressDeadlineSeconds: 60
  strategy:
{strategy}
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
      annotations:
        placeholder: \"x\"
{pod_annotations}
    spec:
      containers:
      - name: app
        image: {image}
"
    )
}

pub fn rolling(surge: &str, unavailable: &str) -> String {
    format!("    type: RollingUpdate\n    rollingUpdate:\n      maxSurge: {surge}\n      maxUnavailable: {unavailable}")
}

pub fn events(engine: &Engine, reason: &str) -> Vec<String> {
    let mut v: Vec<(String, String)> = engine
        .store
        .list(Kind::Event, None)
        .filter_map(|e| e.as_event())
        .filter(|e| e.reason == reason)
        .map(|e| (e.metadata.name.clone().unwrap_or_default(), e.message.to_string()))
        .collect();
    v.sort();
    v.into_iter().map(|(_, m)| m).collect()
}

/// Every event message in trace order (creates only).
pub fn event_log(engine: &Engine) -> Vec<String> {
    engine
        .store
        .trace
        .iter()
        .filter(|r| r.verb == Verb::Create)
        .filter_map(|r| r.object.as_event().map(|e| format!("{}: {}", e.reason, e.message)))
        .collect()
}

pub fn replica_sets(engine: &Engine) -> BTreeMap<String, (i32, i32)> {
    engine
        .store
        .list(Kind::ReplicaSet, None)
        .filter_map(|o| o.as_replica_set())
        .map(|rs| {
            (
                rs.metadata.name.clone().unwrap_or_default(),
                (rs.spec.replicas.unwrap_or(0), rs.status.as_ref().and_then(|s| s.ready_replicas).unwrap_or(0)),
            )
        })
        .collect()
}

/// Pod counts after every trace record from `from` on: (active pods, ready active pods).
pub fn pod_counts_over_trace(engine: &Engine, from: usize, app: &str) -> Vec<(usize, usize)> {
    let mut state: BTreeMap<String, (bool, bool)> = BTreeMap::new();
    let mut out = Vec::new();
    for (i, r) in engine.store.trace.iter().enumerate() {
        if let Object::Pod(p) = &*r.object {
            if p.metadata.labels.as_ref().and_then(|l| l.get("app")).map(String::as_str) == Some(app) {
                let name = p.metadata.name.clone().unwrap_or_default();
                if r.verb == Verb::Delete {
                    state.remove(&name);
                } else {
                    let active = pod::is_active(p);
                    state.insert(name, (active, active && pod::is_ready(p)));
                }
            }
        }
        if i >= from {
            let active = state.values().filter(|(a, _)| *a).count();
            let ready = state.values().filter(|(_, r)| *r).count();
            out.push((active, ready));
        }
    }
    out
}
