//! The web app's model, driven as the UI drives it: typing, pauses, examples, time.

use kubeloop::api::Kind;
use kubeloop::examples::{by_id, default_example, EXAMPLES};
use kubeloop::graph::Graph;
use kubeloop::session::{Input, Session};

fn pods(g: &Graph) -> Vec<&kubeloop::graph::GraphNode> {
    g.nodes.iter().filter(|n| n.kind == Kind::Pod && !n.leaving).collect()
}

fn ready_pods(g: &Graph) -> usize {
    pods(g).iter().filter(|n| n.ready == Some(true)).count()
}

fn replica_sets(s: &Session) -> Vec<(String, i32)> {
    s.engine()
        .store
        .list(Kind::ReplicaSet, None)
        .filter_map(|o| {
            o.as_replica_set().map(|rs| (rs.metadata.name.clone().unwrap_or_default(), rs.spec.replicas.unwrap_or(0)))
        })
        .collect()
}

fn default_session() -> Session {
    Session::new(default_example().text, 1)
}

#[test]
fn the_page_opens_with_three_pods_coming_up() {
    let mut s = default_session();
    let g = s.graph(0.0);
    assert_eq!(g.nodes.iter().filter(|n| n.kind == Kind::Deployment).count(), 1);
    assert_eq!(g.nodes.iter().filter(|n| n.kind == Kind::ReplicaSet).count(), 1);
    assert_eq!(pods(&g).len(), 3, "the controllers react at the instant of the apply");
    assert_eq!(ready_pods(&g), 0);
    assert!(pods(&g).iter().all(|p| p.phase.as_deref() == Some("Pending")));
    s.advance(30_000);
    let g = s.graph(1.0);
    assert_eq!(ready_pods(&g), 3);
    assert!(pods(&g).iter().all(|p| p.phase.as_deref() == Some("Running")));
    assert_eq!(s.apply_output(), "deployment.apps/my-app created\n");
}

#[test]
fn half_typed_text_is_checked_but_not_applied_until_asked() {
    let mut s = default_session();
    s.advance(30_000);
    let text = default_example().text.replace("nginx:1.25", "nginx:1.2");
    s.edit(&text);
    assert!(s.errors().is_empty());
    assert!(s.needs_apply());
    s.advance(1_000);
    assert_eq!(replica_sets(&s).len(), 1, "no rollout before the apply");
    let text = text.replace("nginx:1.2", "nginx:1.26");
    s.edit(&text);
    assert!(s.apply());
    assert!(!s.needs_apply());
    assert_eq!(replica_sets(&s).len(), 2, "the image change starts a rollout");
    s.advance(120_000);
    let g = s.graph(2.0);
    assert_eq!(ready_pods(&g), 3);
    let rs = replica_sets(&s);
    assert!(rs.iter().any(|(_, n)| *n == 3) && rs.iter().any(|(_, n)| *n == 0), "{rs:?}");
    let d = g.nodes.iter().find(|n| n.kind == Kind::Deployment).unwrap();
    assert_eq!(d.ready, Some(true));
}

#[test]
fn invalid_text_is_located_and_keeps_the_last_good_state() {
    let mut s = default_session();
    s.advance(30_000);
    let before = s.revision();
    let line = default_example().text.lines().position(|l| l == "  replicas: 3").unwrap() + 1;
    s.edit(&default_example().text.replace("replicas: 3", "replicas: -1"));
    let errs = s.errors();
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!((errs[0].doc, errs[0].line, errs[0].path.as_str()), (1, line, "spec.replicas"));
    assert!(errs[0].message.contains("must be greater than or equal to 0"), "{}", errs[0].message);
    assert!(!s.apply(), "invalid text applies nothing");
    assert_eq!(s.revision(), before);
    // A YAML syntax error, then an unknown field (strict decoding).
    s.edit(&default_example().text.replace("  replicas: 3", "  replicas: [3"));
    assert!(!s.errors().is_empty() && s.errors()[0].line >= line);
    s.edit(&default_example().text.replace("  replicas: 3", "  replica: 3"));
    let errs = s.errors();
    assert!(errs[0].message.contains("unknown field \"spec.replica\""), "{errs:?}");
    assert_eq!(errs[0].line, line);
    s.advance(10_000);
    assert_eq!(ready_pods(&s.graph(3.0)), 3, "the cluster keeps running");
    // Fixing the text clears the error.
    s.edit(default_example().text);
    assert!(s.errors().is_empty());
    assert!(!s.needs_apply(), "back to what is applied");
}

#[test]
fn an_immutable_selector_change_is_caught_before_the_apply() {
    let mut s = default_session();
    let text = default_example().text.replace("      app: my-app\n  template", "      app: other\n  template");
    let text = text.replace("        app: my-app\n    spec", "        app: other\n    spec");
    s.edit(&text);
    let errs = s.errors();
    assert!(errs.iter().any(|e| e.path == "spec.selector" && e.message.contains("field is immutable")), "{errs:?}");
}

#[test]
fn removing_a_document_prunes_its_object() {
    let extra = "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx\n";
    let mut s = Session::new(&format!("{}{extra}", default_example().text), 1);
    assert!(s.engine().store.get_named(Kind::Deployment, "default", "web").is_some());
    let span = {
        let web = s.engine().store.get_named(Kind::Deployment, "default", "web").unwrap().uid().to_string();
        s.source_of(&web).unwrap()
    };
    assert_eq!(span.doc, 2);
    s.edit(default_example().text);
    assert!(s.apply());
    assert!(s.apply_output().contains("deployment.apps/web pruned"), "{}", s.apply_output());
    let web = s.engine().store.get_named(Kind::Deployment, "default", "web");
    assert!(web.is_none_or(|w| w.is_deleting()));
}

#[test]
fn a_pod_leads_to_its_deployments_document_and_its_events() {
    let mut s = default_session();
    s.advance(30_000);
    let g = s.graph(0.0);
    let pod = pods(&g)[0].id.clone();
    let span = s.source_of(&pod).expect("pod -> rs -> deployment");
    let first = default_example().text.lines().position(|l| l.starts_with("apiVersion")).unwrap() + 1;
    assert_eq!((span.doc, span.first_line), (1, first));
    assert_eq!(span.last_line, default_example().text.lines().count());
    let inspection = s.inspect(&pod).unwrap();
    assert!(inspection.owner.as_deref().is_some_and(|o| o.starts_with("replicaset/my-app-")));
    let types: Vec<&str> = inspection.conditions.iter().map(|c| c.type_.as_str()).collect();
    assert!(types.contains(&"Ready"), "{types:?}");
    let reasons: Vec<&str> = inspection.events.iter().map(|e| e.reason.as_str()).collect();
    assert_eq!(reasons.first(), Some(&"Started"), "newest first: {reasons:?}");
    assert_eq!(reasons.last(), Some(&"Scheduled"));
    assert!(inspection.yaml.contains("kind: Pod\n"));
    // All events: newest first, each about some object.
    let all = s.events(None, 1000);
    assert!(all.len() > inspection.events.len());
    assert!(all.iter().any(|e| e.reason == "ScalingReplicaSet" && e.object == "deployment/my-app"));
    assert!(s.events(Some(&pod), 1000).iter().all(|e| e.involved == pod));
}

#[test]
fn deleted_pods_fade_out_in_place() {
    let mut s = default_session();
    s.advance(30_000);
    let first = s.graph(0.0);
    let old_pods: Vec<(String, usize)> = pods(&first).iter().map(|p| (p.id.clone(), p.row)).collect();
    s.edit(&default_example().text.replace("nginx:1.25", "nginx:1.26"));
    s.apply();
    s.advance(60_000);
    let g = s.graph(100.0);
    for (id, row) in &old_pods {
        let n = g.nodes.iter().find(|n| &n.id == id).expect("still drawn while it fades");
        assert!(n.leaving);
        assert_eq!(n.row, *row, "in its own cell");
    }
    let live_rows: Vec<usize> = pods(&g).iter().map(|p| p.row).collect();
    assert!(live_rows.iter().all(|r| old_pods.iter().all(|(_, old)| old != r)), "nothing drawn over a fading pod");
    let later = s.graph(100.0 + 1000.0);
    assert!(later.nodes.iter().all(|n| !n.leaving), "gone after the fade");
    assert!(s.graph_expiry().is_none());
}

#[test]
fn step_jumps_to_the_next_event() {
    let mut s = default_session();
    let t0 = s.now_ms();
    assert!(s.step());
    assert!(s.now_ms() > t0);
    let mut n = 0;
    while s.step() && n < 1000 {
        n += 1;
    }
    assert!(n < 1000, "a settled cluster has nothing left to step to");
    assert_eq!(ready_pods(&s.graph(0.0)), 3);
}

#[test]
fn reset_starts_over_with_the_current_text() {
    let mut s = default_session();
    s.advance(60_000);
    s.edit(&default_example().text.replace("replicas: 3", "replicas: 2"));
    s.reset();
    assert_eq!(s.now_ms(), 0);
    assert_eq!(pods(&s.graph(0.0)).len(), 2);
    assert_eq!(s.apply_output(), "deployment.apps/my-app created\n");
    // Invalid text: reset brings back the last good state, and keeps the user's text.
    let bad = default_example().text.replace("replicas: 3", "replicas: x");
    s.edit(&bad);
    s.reset();
    assert_eq!(pods(&s.graph(0.0)).len(), 2);
    assert_eq!(s.text(), bad);
    assert!(!s.errors().is_empty());
}

#[test]
fn every_example_plays_out_as_its_comment_says() {
    for e in EXAMPLES {
        let mut s = default_session();
        s.load_example(e);
        assert!(s.errors().is_empty(), "{}: {:?}", e.id, s.errors());
        for (_, step) in e.steps {
            let check = Session::new(step, 1);
            assert!(check.errors().is_empty(), "{}: {:?}", e.id, check.errors());
        }
    }
    let mut s = default_session();
    s.load_example(by_id("image-pull-backoff").unwrap());
    s.advance(60_000);
    let g = s.graph(0.0);
    assert!(
        pods(&g)
            .iter()
            .all(|p| p.status.as_deref() == Some("ImagePullBackOff") || p.status.as_deref() == Some("ErrImagePull")),
        "{:?}",
        pods(&g).iter().map(|p| &p.status).collect::<Vec<_>>()
    );

    let mut s = default_session();
    s.load_example(by_id("stuck-rollout").unwrap());
    s.advance(29_000);
    assert_eq!(replica_sets(&s).len(), 1);
    s.advance(2_000);
    assert!(s.text().contains("nginx:1.26"), "the step replaced the text");
    s.advance(200_000);
    let d = s.engine().store.get_named(Kind::Deployment, "default", "my-app").unwrap().to_json();
    let progressing =
        d["status"]["conditions"].as_array().unwrap().iter().find(|c| c["type"] == "Progressing").unwrap().clone();
    assert_eq!(progressing["reason"], "ProgressDeadlineExceeded");
    assert_eq!(ready_pods(&s.graph(0.0)), 3, "the old pods keep serving");

    let mut s = default_session();
    s.load_example(by_id("recreate").unwrap());
    s.advance(120_000);
    let rs = replica_sets(&s);
    assert_eq!(rs.len(), 2);
    assert_eq!(ready_pods(&s.graph(0.0)), 3);

    let mut s = default_session();
    s.load_example(by_id("rollback").unwrap());
    s.advance(200_000);
    let revisions: Vec<(String, i32)> = s
        .engine()
        .store
        .list(Kind::ReplicaSet, None)
        .map(|o| {
            (
                o.meta().annotations.as_ref().unwrap()["deployment.kubernetes.io/revision"].clone(),
                o.as_replica_set().unwrap().spec.replicas.unwrap(),
            )
        })
        .collect();
    assert!(revisions.contains(&("3".into(), 3)), "the old ReplicaSet came back as revision 3: {revisions:?}");
    assert!(revisions.contains(&("2".into(), 0)), "{revisions:?}");
    // Reset replays the example from the start; an edit ends it.
    s.reset();
    assert!(s.text().contains("nginx:1.25") && s.example().is_some());
    s.edit(&format!("{}\n", s.text()));
    assert!(s.example().is_none());
    s.advance(100_000);
    assert!(s.text().contains("nginx:1.25"), "no step after the user took over");
}

#[test]
fn status_in_a_manifest_is_ignored_as_the_api_server_does() {
    // A copy of `kubectl get deploy -o yaml` carries status; the server drops it on
    // create, and an apply never overwrites the live status.
    let with_status = format!(
        "{}status:\n  replicas: 7\n  readyReplicas: 7\n  conditions:\n  - type: Available\n    status: \"True\"\n",
        default_example().text
    );
    let mut s = Session::new(&with_status, 1);
    assert!(s.errors().is_empty(), "{:?}", s.errors());
    s.advance(30_000);
    let ready = |s: &Session| {
        s.engine()
            .store
            .get_named(Kind::Deployment, "default", "my-app")
            .unwrap()
            .as_deployment()
            .unwrap()
            .status
            .clone()
            .unwrap()
            .ready_replicas
    };
    assert_eq!(ready(&s), Some(3), "the controller's status, not the manifest's");
    s.edit(&with_status.replace("readyReplicas: 7", "readyReplicas: 9"));
    assert!(s.errors().is_empty());
    s.apply();
    assert_eq!(ready(&s), Some(3));
    assert_eq!(s.apply_output(), "deployment.apps/my-app unchanged\n");
}

#[test]
fn a_created_node_keeps_its_capacity_and_a_bad_status_is_refused() {
    let node = "apiVersion: v1\nkind: Node\nmetadata:\n  name: small\nstatus:\n  capacity:\n    cpu: \"1\"\n  nodeInfo:\n    kubeletVersion: v1.0\n";
    let s = Session::new(node, 1);
    assert!(s.errors().is_empty(), "{:?}", s.errors());
    let n = s.engine().store.get_named(Kind::Node, "", "small").unwrap().as_node().unwrap().clone();
    let capacity = n.status.unwrap().capacity.unwrap();
    assert_eq!(capacity["cpu"].0, "1", "upstream keeps a created Node's status");
    assert_eq!(capacity["pods"].0, "110", "the rest is filled in");

    let mut s = default_session();
    s.edit(&format!("{}status: 5\n", default_example().text));
    let errs = s.errors();
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].path, "status");
    assert_eq!(errs[0].line, default_example().text.lines().count() + 1);
    assert!(
        errs[0].message.contains("status: invalid type: integer `5`, expected struct DeploymentStatus"),
        "{}",
        errs[0].message
    );
}

#[test]
fn a_namespace_counts_only_for_the_documents_after_it() {
    let ns = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n";
    let deploy = default_example().text.replace("  name: my-app\n", "  name: my-app\n  namespace: team\n");
    let mut s = default_session();
    s.edit(&format!("{deploy}---\n{ns}"));
    let errs = s.errors();
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!((errs[0].doc, errs[0].path.as_str()), (1, "metadata.namespace"));
    assert!(errs[0].message.contains("namespaces \"team\" not found"), "{}", errs[0].message);
    s.edit(&format!("{ns}---\n{deploy}"));
    assert!(s.errors().is_empty(), "{:?}", s.errors());
    assert!(s.apply());
    assert!(s.engine().store.get_named(Kind::Deployment, "team", "my-app").is_some());
}

#[test]
fn a_type_error_marks_the_field_of_the_wrong_shape() {
    let mut s = default_session();
    s.edit(&default_example().text.replace("  replicas: 3\n", "  replicas:\n    x: 1\n"));
    let errs = s.errors();
    let line = default_example().text.lines().position(|l| l == "  replicas: 3").unwrap() + 1;
    assert_eq!((errs[0].path.as_str(), errs[0].line), ("spec.replicas", line), "{errs:?}");
}

#[test]
fn the_history_node_lists_the_old_replica_sets() {
    let mut s = default_session();
    s.advance(30_000);
    s.edit(&default_example().text.replace("image: nginx:1.25", "image: nginx:1.26"));
    s.apply();
    s.advance(120_000);
    let g = s.graph(0.0);
    let history = g.nodes.iter().find(|n| n.folded > 0).expect("a folded history node");
    let i = s.inspect(&history.id).expect("the history node is inspectable");
    assert_eq!(i.name, "1 old ReplicaSet");
    assert_eq!(i.owner.as_deref(), Some("deployment/my-app"));
    assert!(i.yaml.contains("revision: 1\n  image: nginx:1.25"), "{}", i.yaml);
    assert!(i.events.iter().any(|e| e.reason == "SuccessfulDelete"), "{:?}", i.events);
    assert_eq!(s.source_of(&history.id).map(|sp| sp.doc), Some(1));
}

#[test]
fn events_are_not_taken_from_manifests() {
    let mut s = default_session();
    s.edit("apiVersion: v1\nkind: Event\nmetadata:\n  name: e\ninvolvedObject:\n  kind: Pod\n  name: p\n");
    let errs = s.errors();
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].message.contains("Event objects are written by the cluster's components"), "{}", errs[0].message);
}

/// Every object, as JSON, in store order: the whole state a replay must reproduce.
fn assert_same_state(a: &Session, b: &Session) {
    let (x, y) = (snapshot(a), snapshot(b));
    if let Some(i) = (0..x.len().max(y.len())).find(|i| x.get(*i) != y.get(*i)) {
        let cut = |s: Option<&String>| s.map(|s| s.chars().take(400).collect::<String>());
        panic!("state differs at object {i} of {}/{}:\n{:?}\n{:?}", x.len(), y.len(), cut(x.get(i)), cut(y.get(i)));
    }
}

fn snapshot(s: &Session) -> Vec<String> {
    Kind::ALL.iter().flat_map(|k| s.engine().store.list(*k, None)).map(|o| o.to_json().to_string()).collect()
}

#[test]
fn replaying_the_input_log_reproduces_the_state() {
    let mut s = default_session();
    s.advance(5_000);
    s.edit(&default_example().text.replace("nginx:1.25", "nginx:1.26"));
    assert!(s.apply());
    s.advance(3_000);
    let out = s.kubectl("kubectl scale deployment my-app --replicas=5");
    assert_eq!(out.stdout, "deployment.apps/my-app scaled\n", "{out:?}");
    s.advance(2_000);
    let out = s.kubectl("rollout status deployment/my-app");
    assert!(out.stdout.ends_with("deployment \"my-app\" successfully rolled out\n"), "{out:?}");
    s.advance(20_000);
    let log = s.input_log().to_vec();
    let kinds: Vec<(i64, &str)> = log
        .iter()
        .map(|l| {
            (
                l.ms,
                match &l.input {
                    Input::Apply { .. } => "apply",
                    Input::Kubectl { .. } => "kubectl",
                },
            )
        })
        .collect();
    assert_eq!(kinds, vec![(0, "apply"), (5_000, "apply"), (8_000, "kubectl"), (10_000, "kubectl")]);
    let replayed = Session::replay(&log, s.seed(), s.now_ms());
    assert_eq!(replayed.now_ms(), s.now_ms());
    assert_same_state(&replayed, &s);
    assert_eq!(replayed.input_log(), s.input_log());
}

#[test]
fn an_example_step_is_logged_as_such_and_a_reset_starts_the_log_over() {
    let mut s = default_session();
    let stuck = EXAMPLES.iter().find(|e| !e.steps.is_empty()).expect("an example with steps");
    s.load_example(stuck);
    s.advance(stuck.steps[0].0 + 1_000);
    let steps: Vec<bool> =
        s.input_log().iter().map(|l| matches!(l.input, Input::Apply { example_step: true, .. })).collect();
    assert_eq!(steps, vec![false, true]);
    let replayed = Session::replay(s.input_log(), s.seed(), s.now_ms());
    assert_same_state(&replayed, &s);
    s.edit(default_example().text);
    s.reset();
    assert_eq!(s.input_log().len(), 1, "a reset is a new cluster: its log starts over");
}

#[test]
fn a_console_apply_of_the_editor_text_replays_with_that_text() {
    let mut s = default_session();
    s.advance(3_000);
    s.edit(&default_example().text.replace("replicas: 3", "replicas: 4"));
    let out = s.kubectl("kubectl apply -f -");
    assert_eq!(out.stdout, "deployment.apps/my-app configured\n", "{out:?}");
    // The editor moves on; the log keeps what the command read.
    s.edit(&default_example().text.replace("replicas: 3", "replicas: 6"));
    s.advance(5_000);
    let replayed = Session::replay(s.input_log(), s.seed(), s.now_ms());
    assert_same_state(&replayed, &s);
    let d = replayed.engine().store.get_named(Kind::Deployment, "default", "my-app").unwrap();
    assert_eq!(d.as_deployment().unwrap().spec.replicas, Some(4));
}
