//! `kubectl apply --dry-run=server|client`: the API server's pipeline without a write,
//! and kubectl's client-side preview.

mod common;
use common::*;
use kubeloop::api::Kind;

fn apply_with(flag: &str, manifest: &str) -> String {
    format!("kubectl apply {flag} -f - <<EOF\n{manifest}EOF\n")
}

#[test]
fn a_server_dry_run_validates_and_writes_nothing() {
    let good = deployment("web", 2, &rolling("1", "0"), "", "nginx:1.25");
    let bad = good.replace("replicas: 2", "replicas: -1");
    let (engine, out) = run(&format!(
        "{}{}{}",
        apply_with("--dry-run=server", &good),
        apply_with("--dry-run=server", &bad),
        apply_with("--dry-run=client", &bad)
    ));
    assert!(out.contains("deployment.apps/web created (server dry run)"), "{out}");
    assert!(out.contains("spec.replicas: Invalid value: -1: must be greater than or equal to 0"), "{out}");
    // The client does not validate: it only says what it would send.
    assert!(out.contains("deployment.apps/web created (dry run)"), "{out}");
    assert!(engine.store.get_named(Kind::Deployment, "default", "web").is_none());
    assert!(engine.store.trace.iter().all(|r| r.actor != "kubectl"), "nothing written");
}

#[test]
fn dry_runs_report_configured_unchanged_and_pruned() {
    let d = deployment("web", 2, &rolling("1", "0"), "", "nginx:1.25");
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra}\ndata: {a: b}\n";
    let (mut engine, _) = run(&format!("kubectl apply -f - <<EOF\n{d}---\n{cm}EOF\nsettle\n"));
    let before = engine.store.revision();
    let scaled = d.replace("replicas: 2", "replicas: 3");
    let out = run_on(
        &mut engine,
        &format!("{}{}", apply_with("--dry-run=server", &d), apply_with("--dry-run=server --prune --all", &scaled)),
    );
    assert!(out.contains("deployment.apps/web unchanged (server dry run)"), "{out}");
    assert!(out.contains("deployment.apps/web configured (server dry run)"), "{out}");
    assert!(out.contains("configmap/extra pruned (server dry run)"), "{out}");
    assert_eq!(engine.store.revision(), before, "a dry run moves no resourceVersion");
    assert!(engine.store.get_named(Kind::ConfigMap, "default", "extra").is_some());
    let out = run_on(&mut engine, &apply_with("--dry-run=maybe", &d));
    assert!(
        out.contains("error: Invalid dry-run value (maybe). Must be \"none\", \"server\", or \"client\"."),
        "{out}"
    );
    let out = run_on(&mut engine, &apply_with("--dry-run", &d));
    assert!(out.contains("--dry-run is deprecated and can be replaced with --dry-run=client."), "{out}");
    assert!(out.contains("deployment.apps/web configured (dry run)"), "a client dry run of an existing object: {out}");
}

#[test]
fn a_server_dry_run_sees_namespaces_created_earlier_in_the_stream() {
    let ns = "apiVersion: v1\nkind: Namespace\nmetadata: {name: team}\n";
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: team}\n";
    let (_, out) = run(&apply_with("--dry-run=server", &format!("{ns}---\n{cm}")));
    assert!(out.contains("namespace/team created (server dry run)"), "{out}");
    assert!(out.contains("configmap/c created (server dry run)"), "{out}");
}

/// ValidateDeploymentSpec's nil selector: Required, and it selects nothing; `{}` is empty.
/// Both come from the API server, for the editor's check, a dry run and a real apply alike.
#[test]
fn a_missing_selector_is_the_api_servers_error() {
    let d = deployment("web", 2, &rolling("1", "0"), "", "nginx:1.25");
    let without = d.replace("  selector:\n    matchLabels:\n      app: web\n", "");
    assert_ne!(without, d);
    let empty = d.replace("  selector:\n    matchLabels:\n      app: web\n", "  selector: {}\n");
    let (engine, out) = run(&format!(
        "{}{}{}",
        apply_with("--dry-run=server", &without),
        apply_with("", &without),
        apply_with("", &empty)
    ));
    assert_eq!(out.matches("* spec.selector: Required value\n").count(), 2, "{out}");
    assert_eq!(
        out.matches("* spec.template.metadata.labels: Invalid value: {\"app\":\"web\"}: `selector` does not match template `labels`").count(),
        2,
        "{out}"
    );
    assert!(out.contains("spec.selector: Invalid value: {}: empty selector is invalid for deployment"), "{out}");
    assert!(engine.store.get_named(Kind::Deployment, "default", "web").is_none());
    let mut session = kubeloop::session::Session::new(&without, 0);
    let errs = session.errors();
    assert!(errs.iter().any(|e| e.path == "spec.selector" && e.message.contains("Required value")), "{errs:?}");
    assert!(!session.apply());
}
