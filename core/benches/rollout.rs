//! `cargo bench`: the figures of the engine's cost, printed, not asserted. For 1,000
//! replicas on 13 nodes and 10,000 on 120 (as the engine issue measures them): the time
//! to deploy (apply and settle) and to roll out a new image (set image and settle), how
//! the 10x case scales against the 1x one, syncs and objects, and the peak resident
//! memory of a process that runs only that size, without a trace (as `kubeloop run`
//! without `--trace`). `KUBELOOP_BENCH_SIZES=2000,5000` picks other sizes;
//! `KUBELOOP_BENCH_RUNS=5` runs each size five times (three by default) and keeps the best.
//!
//! Beside each size it times a calibration outside the engine: the same fixed work per
//! object (objects of a few KB in many heap pieces, kept in a hash map, each touched 40
//! times in an order spread over the whole set), so the printout shows how this machine's
//! caches alone scale from one size to the next. 1,000 pods fit in a core's L2, 10,000 do
//! not, and linear work then costs more than 10x on the clock.

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

/// The calibration: `n` objects of about 3 KB in 22 heap pieces each (a pod's metadata,
/// spec share and status are more), each read 40 times and given a new piece each time,
/// in an order that strides over the whole set. The work per object is fixed; only the
/// number of objects changes. Returns seconds.
fn calibrate(n: usize) -> f64 {
    use std::collections::HashMap;
    struct Obj {
        labels: Vec<(String, String)>,
        /// Separate heap pieces, as an object's strings and lists are.
        parts: Vec<Box<[u8]>>,
        touched: u64,
    }
    let mut objects: HashMap<String, Box<Obj>> = HashMap::new();
    for i in 0..n {
        let labels = vec![("app".to_string(), "web".to_string()), ("pod-template-hash".to_string(), format!("{i:x}"))];
        let parts = (0..20).map(|j| vec![(i + j) as u8; 128].into_boxed_slice()).collect();
        objects.insert(format!("web-6d4cf56db6-{i:05}"), Box::new(Obj { labels, parts, touched: 0 }));
    }
    let names: Vec<String> = objects.keys().cloned().collect();
    let t = Instant::now();
    let (mut sum, mut at) = (0u64, 0usize);
    for _ in 0..40 * n {
        at = (at + 7919) % n;
        let o = objects.get_mut(&names[at]).expect("a name from the map");
        sum = o.parts.iter().fold(sum, |s, p| s.wrapping_add(u64::from(p[at % 128])));
        sum = sum.wrapping_add(o.labels[1].1.len() as u64);
        // A write: a new piece allocated, the old one freed.
        o.parts[at % 20] = vec![at as u8; 128].into_boxed_slice();
        o.touched += 1;
    }
    std::hint::black_box(sum);
    t.elapsed().as_secs_f64()
}

fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Runs a script on the engine; any stderr fails the bench.
fn run(engine: &mut kubeloop::sim::engine::Engine, text: &str) {
    let lines = script::parse(text).expect("bench script parses");
    script::run(engine, &lines, &|_| Err("no files".into()), &mut |l, out| {
        assert!(out.stderr.is_empty(), "{}: {}", l.text, out.stderr);
    });
}

/// Runs one size in this process; prints a line and returns (deploy s, rollout s).
fn bench(replicas: usize) -> (f64, f64) {
    // 1,000 on 13 nodes, 10,000 on 120: room for the surge and terminating pods.
    let node_count = (replicas * 12).div_ceil(1000) + 1;
    let mut engine = new_cluster(parse_rfc3339("2026-01-01T00:00:00Z").unwrap(), 1);
    engine.store.limits.max_trace = 0;
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

/// A Parallel StatefulSet of `replicas` pods with one claim each (a WaitForFirstConsumer
/// class), on the nodes the Deployment of that size gets: (create s, rollout s).
fn bench_statefulset(replicas: usize) -> (f64, f64) {
    let node_count = (replicas * 12).div_ceil(1000) + 1;
    let mut engine = new_cluster(parse_rfc3339("2026-01-01T00:00:00Z").unwrap(), 1);
    engine.store.limits.max_trace = 0;
    let sts = format!(
        "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {{name: gp3}}\nprovisioner: ebs.csi.aws.com\nvolumeBindingMode: WaitForFirstConsumer\n---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  replicas: {replicas}\n  podManagementPolicy: Parallel\n  serviceName: db\n  selector:\n    matchLabels: {{app: db}}\n  template:\n    metadata:\n      labels: {{app: db}}\n    spec:\n      containers:\n      - name: db\n        image: mysql:8.0\n  volumeClaimTemplates:\n  - metadata: {{name: data}}\n    spec:\n      accessModes: [ReadWriteOnce]\n      storageClassName: gp3\n      resources: {{requests: {{storage: 10Gi}}}}\n"
    );
    let t0 = Instant::now();
    run(&mut engine, &format!("kubectl apply -f - <<EOF\n{}{sts}EOF\nsettle\n", nodes(node_count)));
    let create = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    run(&mut engine, "kubectl set image statefulset/db db=mysql:8.4\nsettle\n");
    let rollout = t1.elapsed().as_secs_f64();
    println!(
        "{replicas:>6}-replica Parallel StatefulSet with a claim each: create {:>8.1} ms, rollout {:>8.1} ms",
        create * 1000.0,
        rollout * 1000.0
    );
    std::mem::forget(engine);
    (create, rollout)
}

/// Runs this bench binary again with `var=n` (a process of its own, so its peak memory is
/// its own), echoes what it printed and returns it.
fn child(var: &str, n: usize) -> String {
    let exe = std::env::current_exe().expect("the bench binary");
    let out = std::process::Command::new(exe).env(var, n.to_string()).output().expect("child run");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    print!("{text}");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    text
}

/// The number printed after `label` in a child's output (0 when absent).
fn figure(text: &str, label: &str) -> f64 {
    text.split(label).nth(1).and_then(|r| r.trim().split(' ').next()).and_then(|v| v.parse().ok()).unwrap_or(0.0)
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing and gets a smoke run.
    let full = std::env::args().any(|a| a == "--bench");
    if let Ok(n) = std::env::var("KUBELOOP_BENCH_STS") {
        bench_statefulset(n.parse().expect("a size"));
        return;
    }
    if let Ok(one) = std::env::var("KUBELOOP_BENCH_ONE") {
        // A child run: the calibration, one size, then its peak memory.
        let n: usize = one.parse().expect("a size");
        println!("        calibration {:.1} ms (the same work per object outside the engine)", calibrate(n) * 1000.0);
        bench(n);
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
        let (mut best_deploy, mut best_rollout, mut best_calibration) = (f64::MAX, f64::MAX, f64::MAX);
        for _ in 0..runs.max(1) {
            let text = child("KUBELOOP_BENCH_ONE", n);
            let ms = |label: &str| figure(&text, label);
            best_deploy = best_deploy.min(ms("deploy"));
            best_rollout = best_rollout.min(ms("rollout"));
            best_calibration = best_calibration.min(ms("calibration"));
        }
        if runs > 1 {
            println!("{n:>6} replicas, best of {runs}: deploy {best_deploy:>8.1} ms, rollout {best_rollout:>8.1} ms");
        }
        figures.push((n, best_deploy, best_rollout, best_calibration));
    }
    // The StatefulSet figure beside the Deployment of the first size (the storage issue's
    // target: at most 2x the Deployment's).
    if let Some(&(n, deploy, rollout, _)) = figures.first() {
        let text = child("KUBELOOP_BENCH_STS", n);
        let ms = |label: &str| figure(&text, label);
        println!(
            "{n}-replica StatefulSet against the Deployment: create {:.1}x, rollout {:.1}x (the goal: at most 2.0x)",
            ms("create") / deploy.max(0.001),
            ms("rollout") / rollout.max(0.001)
        );
    }
    for w in figures.windows(2) {
        let ((a, da, ra, ca), (b, db, rb, cb)) = (w[0], w[1]);
        println!(
            "{}x the replicas ({a} -> {b}): deploy {:.1}x the time, rollout {:.1}x (the goal: at most {:.1}x); \
             the calibration's fixed work per object: {:.1}x",
            b / a.max(1),
            db / da.max(0.001),
            rb / ra.max(0.001),
            (b / a.max(1)) as f64 * 1.1,
            cb / ca.max(0.001),
        );
    }
}
