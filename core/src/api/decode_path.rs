//! The field path of a decoding error, found without instrumenting the deserializer
//! (a path-tracking deserializer doubled the browser bundle): serde stops at the first
//! bad field in document order, so at each level the culprit is the first child whose
//! prefix of siblings no longer decodes. Only runs when decoding already failed.

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
        let mut found = None;
        for keep in 1..=len {
            let mut trial = current.clone();
            if let Some(node) = lookup_mut(&mut trial, &at) {
                truncate(node, keep);
            }
            if fails(&trial) {
                found = Some((keep - 1, trial));
                break;
            }
        }
        let Some((index, trial)) = found else { break };
        let segment = match lookup(&trial, &at) {
            Some(Value::Object(m)) => m.keys().nth(index).map(|k| Segment::Key(k.clone())),
            _ => Some(Segment::Index(index)),
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
    fn a_bad_document_has_an_empty_path() {
        assert_eq!(failing_path(&json!("text"), &deployment_fails), "");
    }
}
