//! `cargo bench`: prints the time to settle a rolling update of 1,000 and 10,000
//! replicas, trace records per second, and peak memory. Figures, not assertions.

use kubeloop::api::time::parse_rfc3339;
use kubeloop::cluster::new_cluster;
use kubeloop::kubectl::apply::apply_text;
use std::time::Instant;

fn nodes(n: usize) -> String {
    (1..=n)
        .map(|i| format!("apiVersion: v1\nkind: Node\nmetadata:\n  name: node-{i}\n  labels:\n    topology.kubernetes.io/zone: zone-{}\n---\n", i % 3))
        .collect()
}

fn deployment(replicas: usize, image: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels: {{app: web}}\n  template:\n    metadata:\n      labels: {{app: web}}\n    spec:\n      containers:\n      - name: app\n        image: {image}\n"
    )
}

fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn bench(replicas: usize) {
    // Room for replicas + 25% surge + pods still terminating, at 110 pods a node.
    let node_count = (replicas * 3 / 2) / 100 + 2;
    let mut engine = new_cluster(parse_rfc3339("2026-01-01T00:00:00Z").unwrap(), 1);
    let t0 = Instant::now();
    let r = apply_text(
        &mut engine.store,
        &format!("{}{}", nodes(node_count), deployment(replicas, "nginx:1.25")),
        "bench",
        "default",
        false,
    );
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    engine.settle(3_600_000).expect("initial rollout settles");
    let initial = t0.elapsed();
    let records_before = engine.store.trace.len();
    let syncs_before = engine.syncs;
    let t1 = Instant::now();
    let r = apply_text(&mut engine.store, &deployment(replicas, "nginx:1.26"), "bench", "default", false);
    assert!(r.errors.is_empty());
    engine.settle(3_600_000).expect("rolling update settles");
    let update = t1.elapsed();
    let records = engine.store.trace.len() - records_before;
    println!(
        "rolling update of {replicas:>6} replicas ({node_count} nodes): settle {:>8.1} ms (initial rollout {:>8.1} ms), {records} trace records, {:.0} records/s, {} syncs, {} objects, virtual time {} s",
        update.as_secs_f64() * 1000.0,
        initial.as_secs_f64() * 1000.0,
        records as f64 / update.as_secs_f64(),
        engine.syncs - syncs_before,
        engine.store.len(),
        engine.now_ms() / 1000,
    );
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing and gets a smoke run.
    let full = std::env::args().any(|a| a == "--bench");
    let sizes: Vec<usize> = match std::env::var("KUBELOOP_BENCH_SIZES") {
        Ok(v) => v.split(',').filter_map(|s| s.trim().parse().ok()).collect(),
        Err(_) if full => vec![1_000, 10_000],
        Err(_) => vec![50],
    };
    let sizes = &sizes;
    for &n in sizes {
        bench(n);
    }
    if let Some(mib) = peak_rss_mib() {
        println!("peak resident memory: {mib:.0} MiB");
    }
}
