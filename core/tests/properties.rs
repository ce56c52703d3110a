//! Property tests: rollout bounds over random strategies and timings, and a parser that
//! never panics on mangled input.

mod common;
use common::*;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kubeloop::api::intstr::scaled_value;
use proptest::prelude::*;

fn int_or_percent() -> impl Strategy<Value = String> {
    prop_oneof![(0i32..5).prop_map(|v| v.to_string()), (0i32..101).prop_map(|v| format!("\"{v}%\""))]
}

fn resolve(v: &str, total: i32, up: bool) -> i32 {
    let v = v.trim_matches('"');
    let ios = if v.ends_with('%') { IntOrString::String(v.into()) } else { IntOrString::Int(v.parse().unwrap()) };
    scaled_value(&ios, total, up).unwrap()
}

/// 48 cases in the suite; `KUBELOOP_PROPTEST_CASES=5000` for a longer fuzzing run.
fn cases() -> u32 {
    std::env::var("KUBELOOP_PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(48)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    /// During every rollout, pods never exceed replicas + maxSurge, and ready pods never
    /// drop below replicas - maxUnavailable once the Deployment was available.
    #[test]
    fn rollout_respects_surge_and_unavailability(
        replicas in 1i32..12,
        surge in int_or_percent(),
        unavailable in int_or_percent(),
        pull in 0u32..4,
        start in 0u32..4,
        delay in 0u32..20,
        seed in 0u64..1000,
    ) {
        let mut max_surge = resolve(&surge, replicas, true);
        let mut max_unavailable = resolve(&unavailable, replicas, false);
        if max_surge == 0 && max_unavailable == 0 {
            // The API refuses both zero; use the fencepost upstream would resolve to.
            max_unavailable = 1;
            max_surge = 0;
        }
        let strategy = format!("    type: RollingUpdate\n    rollingUpdate:\n      maxSurge: {max_surge}\n      maxUnavailable: {max_unavailable}");
        let knobs = format!("        sim.kubeloop.dev/pull-seconds: \"{pull}\"\n        sim.kubeloop.dev/start-seconds: \"{start}\"\n");
        let mut d = deployment("app", replicas, &strategy, &knobs, "img:1");
        d = d.replace("        image: img:1\n", &format!("        image: img:1\n        readinessProbe:\n          initialDelaySeconds: {delay}\n          periodSeconds: 3\n          tcpSocket: {{port: 80}}\n"));
        let d2 = d.replace("img:1", "img:2");
        let mut engine = kubeloop::cluster::new_cluster(kubeloop::api::time::parse_rfc3339("2026-01-01T00:00:00Z").unwrap(), seed);
        run_on(&mut engine, &format!("kubectl apply -f - <<EOF\n{d}EOF\nsettle\n"));
        let from = engine.store.trace.len();
        let out = run_on(&mut engine, &format!("kubectl apply -f - <<EOF\n{d2}EOF\nsettle\n"));
        prop_assert!(!out.contains("error"), "{}", out);
        let max_unavailable = max_unavailable.min(replicas);
        for (active, ready) in pod_counts_over_trace(&engine, from, "app") {
            prop_assert!(active as i32 <= replicas + max_surge, "{} pods > {} + {}", active, replicas, max_surge);
            prop_assert!(ready as i32 >= replicas - max_unavailable, "{} ready < {} - {}", ready, replicas, max_unavailable);
        }
        let rss = replica_sets(&engine);
        prop_assert!(rss.values().any(|&(s, r)| s == replicas && r == replicas), "{:?}", rss);
    }

    /// Arbitrary text and mangled manifests produce errors, never panics.
    #[test]
    fn manifests_never_panic(text in "\\PC{0,200}", cut in 0usize..400, junk in "[ -~\\n]{0,20}") {
        let _ = kubeloop::manifest::parse(&text);
        let base = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/my-app.yaml")).unwrap();
        let cut = cut.min(base.len());
        let mangled = format!("{}{}{}", &base[..cut], junk, &base[cut..]);
        if let Ok(objs) = kubeloop::manifest::parse(&mangled) {
            let mut engine = kubeloop::cluster::new_cluster(kubeloop::api::time::parse_rfc3339("2026-01-01T00:00:00Z").unwrap(), 0);
            let _ = kubeloop::kubectl::apply::apply_objects(&mut engine.store, objs, "-", "default", true);
            let _ = engine.settle(120_000);
        }
    }
}
