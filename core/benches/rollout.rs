//! `cargo bench`: the figures of the engine's cost, printed, not asserted. For 1,000
//! replicas on 13 nodes and 10,000 on 120 (as the engine issue measures them): the time
//! to deploy (apply and settle) and to roll out a new image (set image and settle), how
//! the 10x case scales against the 1x one, syncs and objects, and the peak resident
//! memory of a process that runs only that size, without a trace (as `kubeloop run`
//! without `--trace`). `KUBELOOP_BENCH_SIZES=2000,5000` picks other sizes;
//! `KUBELOOP_BENCH_RUNS=5` runs each size five times (three by default) and keeps the best.

use kubeloop::api::time::parse_rfc3339;
use kubeloop::cluster::new_cluster;
use kubeloop::script;
use std::time::Instant;

fn nodes(n: usize) -> String {
    (1..=n)
        .map(|i| {
            format!(
                "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-{i}\n  labels: {{topology.kubernetes.io/zone: zone-{}}}\nstatus:\n  capacity: {{cpu: '64', memory: 256Gi, pods: '110'}}\n---\n",
                i % 3
            )
        })
        .collect()
}

fn deployment(replicas: usize) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels: {{app: web}}\n  template:\n    metadata:\n      labels: {{app: web}}\n    spec:\n      containers:\n      - name: app\n        image: nginx:1.25\n"
    )
}

fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Runs one size in this process; prints a line and returns (deploy s, rollout s).
fn bench(replicas: usize) -> (f64, f64) {
    // 1,000 on 13 nodes, 10,000 on 120: room for the surge and terminating pods.
    let node_count = (replicas * 12).div_ceil(1000) + 1;
    let mut engine = new_cluster(parse_rfc3339("2026-01-01T00:00:00Z").unwrap(), 1);
    engine.store.limits.max_trace = 0;
    let run = |engine: &mut kubeloop::sim::engine::Engine, text: &str| {
        let lines = script::parse(text).expect("bench script parses");
        script::run(engine, &lines, &|_| Err("no files".into()), &mut |l, out| {
            assert!(out.stderr.is_empty(), "{}: {}", l.text, out.stderr);
        });
    };
    let t0 = Instant::now();
    run(&mut engine, &format!("kubectl apply -f - <<EOF\n{}{}EOF\nsettle\n", nodes(node_count), deployment(replicas)));
    let deploy = t0.elapsed().as_secs_f64();
    let syncs = engine.syncs;
    let t1 = Instant::now();
    run(&mut engine, "kubectl set image deployment/web app=nginx:1.26\nsettle\n");
    let rollout = t1.elapsed().as_secs_f64();
    println!(
        "{replicas:>6} replicas on {node_count:>3} nodes: deploy {:>8.1} ms, rollout {:>8.1} ms ({} + {} syncs, {} objects)",
        deploy * 1000.0,
        rollout * 1000.0,
        syncs,
        engine.syncs - syncs,
        engine.store.len(),
    );
    std::mem::forget(engine);
    (deploy, rollout)
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing and gets a smoke run.
    let full = std::env::args().any(|a| a == "--bench");
    if let Ok(one) = std::env::var("KUBELOOP_BENCH_ONE") {
        // A child run: one size, then its peak memory.
        bench(one.parse().expect("a size"));
        if let Some(mib) = peak_rss_mib() {
            println!("        peak resident memory {mib:.0} MiB");
        }
        return;
    }
    let sizes: Vec<usize> = match std::env::var("KUBELOOP_BENCH_SIZES") {
        Ok(v) => v.split(',').filter_map(|s| s.trim().parse().ok()).collect(),
        Err(_) if full => vec![1_000, 10_000],
        Err(_) => vec![50],
    };
    // Each size runs this many times, in a process of its own each time, and the best
    // time counts: on a shared machine the slowest runs measure the neighbours.
    let runs: usize =
        std::env::var("KUBELOOP_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(if full { 3 } else { 1 });
    let mut figures = Vec::new();
    for &n in &sizes {
        let (mut best_deploy, mut best_rollout) = (f64::MAX, f64::MAX);
        for _ in 0..runs.max(1) {
            // A process of its own, so its peak memory is its own.
            let exe = std::env::current_exe().expect("the bench binary");
            let out =
                std::process::Command::new(exe).env("KUBELOOP_BENCH_ONE", n.to_string()).output().expect("child run");
            let text = String::from_utf8_lossy(&out.stdout).to_string();
            print!("{text}");
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            let ms = |label: &str| -> f64 {
                text.split(label)
                    .nth(1)
                    .and_then(|r| r.trim().split(' ').next())
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0.0)
            };
            best_deploy = best_deploy.min(ms("deploy"));
            best_rollout = best_rollout.min(ms("rollout"));
        }
        if runs > 1 {
            println!("{n:>6} replicas, best of {runs}: deploy {best_deploy:>8.1} ms, rollout {best_rollout:>8.1} ms");
        }
        figures.push((n, best_deploy, best_rollout));
    }
    for w in figures.windows(2) {
        let ((a, da, ra), (b, db, rb)) = (w[0], w[1]);
        println!(
            "{}x the replicas ({a} -> {b}): deploy {:.1}x the time, rollout {:.1}x (the goal: at most {:.1}x)",
            b / a.max(1),
            db / da.max(0.001),
            rb / ra.max(0.001),
            (b / a.max(1)) as f64 * 1.1
        );
    }
}
