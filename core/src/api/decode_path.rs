//! The field path of a decoding error, found without instrumenting the deserializer
//! (a path-tracking deserializer doubled the browser bundle): serde stops at the first
//! bad field in document order, so at each level the culprit is the first child whose
//! prefix of siblings no longer decodes (found by binary search, so a long list costs a
//! few decodes per level). Only runs when decoding already failed.

use serde_json::Value;

enum Segment {
    Key(String),
    Index(usize),
}

/// `spec.template.spec.containers[0].ports[0].containerPort` for the first field of
/// `value` that `fails` to decode; empty when the document itself is at fault.
pub fn failing_path(value: &Value, fails: &dyn Fn(&Value) -> bool) -> String {
    let mut current = value.clone();
    let mut at: Vec<Segment> = Vec::new();
    // Bounded by the depth of the document (each round descends one level).
    while let Some(len) = lookup(&current, &at).and_then(children) {
        let prefix = |keep: usize| {
            let mut trial = current.clone();
            if let Some(node) = lookup_mut(&mut trial, &at) {
                truncate(node, keep);
            }
            trial
        };
        // Emptied and still failing: the node itself has the wrong type.
        if len == 0 || fails(&prefix(0)) {
            break;
        }
        // Failing is monotonic in the prefix length: binary search for the first child
        // that makes it fail (the whole node fails, so `len` does).
        let (mut good, mut bad) = (0, len);
        while bad - good > 1 {
            let mid = good + (bad - good) / 2;
            if fails(&prefix(mid)) {
                bad = mid;
            } else {
                good = mid;
            }
        }
        let trial = prefix(bad);
        let segment = match lookup(&trial, &at) {
            Some(Value::Object(m)) => m.keys().nth(bad - 1).map(|k| Segment::Key(k.clone())),
            _ => Some(Segment::Index(bad - 1)),
        };
        let Some(segment) = segment else { break };
        current = trial;
        at.push(segment);
    }
    let mut path = String::new();
    for s in &at {
        match s {
            Segment::Key(k) if path.is_empty() => path.push_str(k),
            Segment::Key(k) => {
                path.push('.');
                path.push_str(k);
            }
            Segment::Index(i) => path.push_str(&format!("[{i}]")),
        }
    }
    path
}

fn children(v: &Value) -> Option<usize> {
    match v {
        Value::Object(m) => Some(m.len()),
        Value::Array(a) => Some(a.len()),
        _ => None,
    }
}

fn lookup<'a>(v: &'a Value, at: &[Segment]) -> Option<&'a Value> {
    at.iter().try_fold(v, |v, s| match s {
        Segment::Key(k) => v.get(k),
        Segment::Index(i) => v.get(i),
    })
}

fn lookup_mut<'a>(v: &'a mut Value, at: &[Segment]) -> Option<&'a mut Value> {
    at.iter().try_fold(v, |v, s| match s {
        Segment::Key(k) => v.get_mut(k),
        Segment::Index(i) => v.get_mut(i),
    })
}

/// Keeps the first `keep` children.
fn truncate(v: &mut Value, keep: usize) {
    match v {
        Value::Object(m) => *m = std::mem::take(m).into_iter().take(keep).collect(),
        Value::Array(a) => a.truncate(keep),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::failing_path;
    use serde_json::json;

    fn deployment_fails(v: &serde_json::Value) -> bool {
        serde_json::from_value::<k8s_openapi::api::apps::v1::Deployment>(v.clone()).is_err()
    }

    #[test]
    fn finds_the_first_bad_field() {
        let v = json!({"metadata": {"name": "a"}, "spec": {"replicas": "three", "template": {"spec": {"containers": [
            {"name": "a", "ports": [{"containerPort": 80}]},
            {"name": "b", "ports": [{"containerPort": 80}, {"containerPort": "x"}]}
        ]}}}});
        assert_eq!(failing_path(&v, &deployment_fails), "spec.replicas");
        let mut v = v;
        v["spec"]["replicas"] = json!(3);
        assert_eq!(failing_path(&v, &deployment_fails), "spec.template.spec.containers[1].ports[1].containerPort");
        v["spec"]["template"]["spec"]["containers"][1]["ports"][1]["containerPort"] = json!(81);
        assert!(!deployment_fails(&v));
    }

    #[test]
    fn a_field_of_the_wrong_shape_is_itself_the_culprit() {
        let v = json!({"spec": {"replicas": {"x": 1}}});
        assert_eq!(failing_path(&v, &deployment_fails), "spec.replicas");
        let v = json!({"spec": {"template": {"spec": {"containers": [{"name": "a", "env": [{"name": "A", "value": {"a": 1}}]}]}}}});
        assert_eq!(failing_path(&v, &deployment_fails), "spec.template.spec.containers[0].env[0].value");
    }

    #[test]
    fn a_long_list_is_searched_in_logarithmic_steps() {
        let mut env: Vec<serde_json::Value> =
            (0..2000).map(|i| json!({"name": format!("E{i}"), "value": "v"})).collect();
        env[1234]["value"] = json!(7);
        let v = json!({"spec": {"template": {"spec": {"containers": [{"name": "a", "env": env}]}}}});
        let calls = std::cell::Cell::new(0);
        let path = failing_path(&v, &|v| {
            calls.set(calls.get() + 1);
            deployment_fails(v)
        });
        assert_eq!(path, "spec.template.spec.containers[0].env[1234].value");
        assert!(calls.get() < 100, "{} decodes", calls.get());
    }

    #[test]
    fn a_bad_document_has_an_empty_path() {
        assert_eq!(failing_path(&json!("text"), &deployment_fails), "");
    }
}
