//! `-o yaml`: JSON values written as kubectl (sigs.k8s.io/yaml) writes them: block style,
//! sequences at the parent's indent, strings quoted only when they would read as
//! something else.

use serde_json::Value;

/// Object keys in alphabetical order at every level, as kubectl's map-based output has them.
pub fn sort_keys(v: &mut Value) {
    match v {
        Value::Object(m) => {
            let mut entries: Vec<(String, Value)> = std::mem::take(m).into_iter().collect();
            crate::sort::sort_by(&mut entries, |a, b| a.0.cmp(&b.0));
            for (k, mut child) in entries {
                sort_keys(&mut child);
                m.insert(k, child);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(sort_keys),
        _ => {}
    }
}

pub fn to_yaml(v: &Value) -> String {
    let mut out = String::new();
    write_value(v, 0, &mut out);
    out
}

fn write_value(v: &Value, indent: usize, out: &mut String) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, child) in m {
                pad(out, indent);
                out.push_str(&scalar_str(k));
                out.push(':');
                write_child(child, indent, out);
            }
        }
        Value::Array(a) if !a.is_empty() => {
            for item in a {
                pad(out, indent);
                out.push_str("- ");
                match item {
                    Value::Object(m) if !m.is_empty() => {
                        let mut first = true;
                        for (k, child) in m {
                            if !first {
                                pad(out, indent + 2);
                            }
                            first = false;
                            out.push_str(&scalar_str(k));
                            out.push(':');
                            write_child(child, indent + 2, out);
                        }
                    }
                    Value::Array(inner) if !inner.is_empty() => {
                        out.push('\n');
                        let mut nested = String::new();
                        write_value(item, indent + 2, &mut nested);
                        out.push_str(nested.trim_start_matches('\n').trim_start());
                    }
                    other => {
                        out.push_str(&inline(other));
                        out.push('\n');
                    }
                }
            }
        }
        other => {
            out.push_str(&inline(other));
            out.push('\n');
        }
    }
}

fn write_child(child: &Value, indent: usize, out: &mut String) {
    match child {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            write_value(child, indent + 2, out);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            write_value(child, indent, out);
        }
        Value::String(s) if s.contains('\n') => {
            out.push_str(" |");
            if s.ends_with('\n') {
                out.push('\n');
            } else {
                out.push_str("-\n");
            }
            for line in s.trim_end_matches('\n').split('\n') {
                if line.is_empty() {
                    out.push('\n');
                } else {
                    pad(out, indent + 2);
                    out.push_str(line);
                    out.push('\n');
                }
            }
        }
        other => {
            out.push(' ');
            out.push_str(&inline(other));
            out.push('\n');
        }
    }
}

fn pad(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

fn inline(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => scalar_str(s),
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
    }
}

fn scalar_str(s: &str) -> String {
    if needs_quotes(s) {
        serde_json::to_string(s).unwrap_or_default()
    } else {
        s.to_string()
    }
}

fn needs_quotes(s: &str) -> bool {
    if s.is_empty() || s != s.trim() {
        return true;
    }
    let lower = s.to_ascii_lowercase();
    if matches!(lower.as_str(), "null" | "~" | "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n") {
        return true;
    }
    if s.parse::<f64>().is_ok() || s.starts_with("0x") || s.starts_with("0o") {
        return true;
    }
    // YAML 1.1 timestamps (2026-01-01, 2026-01-01T00:00:00Z) would read back as times.
    let b = s.as_bytes();
    if b.len() >= 8 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' && b[5].is_ascii_digit() {
        return true;
    }
    let first = s.chars().next().unwrap_or(' ');
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        return true;
    }
    s.contains(": ") || s.contains(" #") || s.ends_with(':') || s.chars().any(|c| c.is_control())
}

#[cfg(test)]
mod tests {
    use super::to_yaml;
    use serde_json::json;

    #[test]
    fn kubectl_style() {
        let v = json!({"apiVersion": "apps/v1", "metadata": {"annotations": {"deployment.kubernetes.io/revision": "1"}, "name": "x"}, "spec": {"containers": [{"image": "nginx", "name": "app", "ports": [{"containerPort": 80}]}], "empty": {}}});
        assert_eq!(
            to_yaml(&json!({"t": "2026-01-01T00:00:00Z", "d": "2026-01-01", "x": "20260"})),
            "t: \"2026-01-01T00:00:00Z\"\nd: \"2026-01-01\"\nx: \"20260\"\n"
        );
        let mut unsorted = json!({"kind": "ConfigMap", "data": {"b": 1, "a": 2}, "apiVersion": "v1"});
        super::sort_keys(&mut unsorted);
        assert_eq!(to_yaml(&unsorted), "apiVersion: v1\ndata:\n  a: 2\n  b: 1\nkind: ConfigMap\n");
        assert_eq!(
            to_yaml(&v),
            "apiVersion: apps/v1\nmetadata:\n  annotations:\n    deployment.kubernetes.io/revision: \"1\"\n  name: x\nspec:\n  containers:\n  - image: nginx\n    name: app\n    ports:\n    - containerPort: 80\n  empty: {}\n"
        );
    }
}
