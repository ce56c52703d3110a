//! The `kubeloop` binary's contract: arguments, script errors, output and the trace file.

use std::io::Write;
use std::process::{Command, Stdio};

fn kubeloop(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubeloop"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn runs_the_example_and_writes_a_trace() {
    let dir = std::env::temp_dir().join(format!("kubeloop-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let trace = dir.join("trace.jsonl");
    let (code, out, err) =
        kubeloop(&["run", "--seed", "7", "--trace", trace.to_str().unwrap(), "examples/rollout.kl"], "");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("$ kubectl apply -f my-app.yaml\ndeployment.apps/my-app created\n"), "{out}");
    assert!(out.contains("deployment.apps/my-app rolled back"), "{out}");
    let text = std::fs::read_to_string(&trace).unwrap();
    let mut last_ms = 0;
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        for key in ["ms", "time", "actor", "verb", "kind", "namespace", "name", "object"] {
            assert!(v.get(key).is_some(), "{key} missing in {line}");
        }
        assert!(matches!(v["verb"].as_str(), Some("create" | "update" | "delete")));
        assert_eq!(v["object"]["kind"], v["kind"]);
        let ms = v["ms"].as_i64().unwrap();
        assert!(ms >= last_ms, "trace out of order");
        last_ms = ms;
    }
    assert!(
        text.contains("\"actor\":\"deployment-controller\",\"verb\":\"create\",\"kind\":\"ReplicaSet\""),
        "ReplicaSet creation traced"
    );
    assert!(text.lines().next().unwrap().contains("\"time\":\"2026-01-01T00:00:00Z\""));
    // Same seed, same bytes.
    let trace2 = dir.join("trace2.jsonl");
    kubeloop(&["run", "--seed", "7", "--trace", trace2.to_str().unwrap(), "examples/rollout.kl"], "");
    assert_eq!(text, std::fs::read_to_string(&trace2).unwrap());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn reads_stdin_and_honours_start() {
    let (code, out, _) = kubeloop(
        &["run", "--start", "2030-05-01T12:00:00Z", "-"],
        "kubectl apply -f examples/my-app.yaml\nsettle\nkubectl get pods -o yaml\n",
    );
    assert_eq!(code, 0);
    assert!(
        out.contains("startTime: \"2030-05-01T12:00:00Z\"") || out.contains("startTime: 2030-05-01T12:00:00Z"),
        "{out}"
    );
}

#[test]
fn failed_commands_continue_and_malformed_lines_stop() {
    let (code, out, err) = kubeloop(&["run", "-"], "kubectl get deploy nope\nkubectl get nodes\n");
    assert_eq!(code, 0);
    assert!(err.contains("Error from server (NotFound): deployments.apps \"nope\" not found"), "{err}");
    assert!(out.contains("node-3"), "{out}");
    let (code, out, err) = kubeloop(&["run", "-"], "kubectl get nodes\nadvance forever\n");
    assert_eq!(code, 2);
    assert!(out.is_empty(), "nothing runs before the script parses: {out}");
    assert!(err.contains("script line 2:"), "{err}");
    let (code, _, err) = kubeloop(&["run", "--seed", "x", "-"], "");
    assert_eq!(code, 2);
    assert!(err.contains("--seed takes a whole number"), "{err}");
    let (code, out, _) = kubeloop(&["--help"], "");
    assert_eq!(code, 0);
    assert!(out.starts_with("usage: kubeloop run"));
}

#[test]
fn stuck_rollout_example_reproduces_the_seed_troubleshooting_case() {
    let (code, out, err) = kubeloop(&["run", "examples/stuck-rollout.kl"], "");
    assert_eq!(code, 0);
    assert!(err.contains("error: deployment \"my-app\" exceeded its progress deadline"), "{err}");
    assert!(out.contains("  Progressing    False   ProgressDeadlineExceeded"), "{out}");
    assert!(out.contains("deployment \"my-app\" successfully rolled out"), "{out}");
}
