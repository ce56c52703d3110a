//! Manifests: a YAML stream (or `kind: List`) decoded into typed objects, strictly, with a
//! document, line, column and field path for every error.

pub mod highlight;
pub mod yaml;

use crate::api::{Kind, Object};
use serde_json::Value;
use std::fmt;
pub use yaml::YamlDoc;

/// An error in user input, located in the stream.
#[derive(Debug, Clone, PartialEq)]
pub struct ManifestError {
    /// 1-based document index in the stream.
    pub doc: usize,
    pub line: usize,
    pub column: usize,
    /// Kubernetes-style field path, empty when the error is about the whole document.
    pub path: String,
    pub message: String,
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "document {}, line {}, column {}: {}", self.doc, self.line, self.column, self.message)
    }
}

/// One decoded object and where it came from.
#[derive(Debug, Clone)]
pub struct ManifestObject {
    pub object: Object,
    pub doc: std::rc::Rc<YamlDoc>,
    /// `items[3]` inside a `kind: List`, otherwise empty.
    pub prefix: String,
}

impl ManifestObject {
    /// Locates a field path of this object (as validation names it) in the source.
    pub fn error_at(&self, path: &str, message: String) -> ManifestError {
        let full = join(&self.prefix, path);
        let (line, column) = self.doc.position(&full);
        ManifestError { doc: self.doc.index, line, column, path: path.to_string(), message }
    }
}

fn join(prefix: &str, path: &str) -> String {
    match (prefix.is_empty(), path.is_empty()) {
        (true, _) => path.to_string(),
        (false, true) => prefix.to_string(),
        (false, false) => format!("{prefix}.{path}"),
    }
}

/// Decodes every document; returns all objects or every error found (one per document).
pub fn parse(text: &str) -> Result<Vec<ManifestObject>, Vec<ManifestError>> {
    let docs = yaml::parse_stream(text).map_err(|e| {
        vec![ManifestError { doc: e.doc, line: e.line, column: e.column, path: String::new(), message: e.message }]
    })?;
    let mut objects = Vec::new();
    let mut errors = Vec::new();
    for doc in docs {
        let doc = std::rc::Rc::new(doc);
        if doc.value.is_null() {
            continue;
        }
        if let Err(e) = decode_doc(&doc, &mut objects) {
            errors.push(e);
        }
    }
    if errors.is_empty() {
        Ok(objects)
    } else {
        Err(errors)
    }
}

fn decode_doc(doc: &std::rc::Rc<YamlDoc>, out: &mut Vec<ManifestObject>) -> Result<(), ManifestError> {
    let at = |path: &str, message: String| {
        let (line, column) = doc.position(path);
        ManifestError { doc: doc.index, line, column, path: path.to_string(), message }
    };
    let is_list = doc.value.get("kind").and_then(Value::as_str) == Some("List")
        && doc.value.get("apiVersion").and_then(Value::as_str) == Some("v1");
    if is_list {
        let items = match doc.value.get("items") {
            Some(Value::Array(items)) => items,
            Some(Value::Null) | None => return Ok(()),
            Some(_) => return Err(at("items", "error validating data: items must be a list".into())),
        };
        for (i, item) in items.iter().enumerate() {
            let prefix = format!("items[{i}]");
            let object = decode_value(item.clone(), &|p, m| at(&join(&prefix, p), m))?;
            out.push(ManifestObject { object, doc: doc.clone(), prefix });
        }
        return Ok(());
    }
    let object = decode_value(doc.value.clone(), &at)?;
    out.push(ManifestObject { object, doc: doc.clone(), prefix: String::new() });
    Ok(())
}

/// Strictly decodes one object value; `at` locates a field path.
pub fn decode_value(mut value: Value, at: &dyn Fn(&str, String) -> ManifestError) -> Result<Object, ManifestError> {
    let Value::Object(map) = &value else {
        return Err(at(
            "",
            "error validating data: the document is not a mapping (expected apiVersion, kind, metadata ...)".into(),
        ));
    };
    let text = |k: &str| map.get(k).and_then(Value::as_str).map(str::to_string);
    let (api_version, kind) = match (text("apiVersion"), text("kind")) {
        (Some(a), Some(k)) if !a.is_empty() && !k.is_empty() => (a, k),
        (a, k) => {
            let mut missing = Vec::new();
            if a.is_none_or(|a| a.is_empty()) {
                missing.push("apiVersion not set");
            }
            if k.is_none_or(|k| k.is_empty()) {
                missing.push("kind not set");
            }
            return Err(at("", format!("error validating data: [{}]", missing.join(", "))));
        }
    };
    let Some(k) = Kind::from_type(&api_version, &kind) else {
        let path = if Kind::ALL.iter().any(|k| k.name() == kind) { "apiVersion" } else { "kind" };
        let name = map.get("metadata").and_then(|m| m.get("name")).and_then(Value::as_str).unwrap_or("");
        return Err(at(
            path,
            format!("resource mapping not found for name: {name:?}: no matches for kind {kind:?} in version {api_version:?}\nensure CRDs are installed first"),
        ));
    };
    quantities_as_strings(&mut value, false);
    // The API server decodes status, then ignores it where it is a subresource; only
    // its shape is checked here. A Node keeps capacity and allocatable.
    let cannot =
        |msg: String| format!("{kind} in version {:?} cannot be handled as a {kind}: {msg}", version_of(&api_version));
    if k.status_subresource() {
        if let Value::Object(m) = &value {
            match m.get("status") {
                Some(Value::Null | Value::Object(_)) | None => {}
                Some(other) => {
                    let msg = format!("status: invalid type: {}, expected struct {kind}Status", unexpected(other));
                    return Err(at("status", cannot(msg)));
                }
            }
        }
    }
    let object = k.decode(&value).map_err(|(path, msg)| {
        let path = if path == "." { String::new() } else { path };
        at(&path, cannot(format!("{path}: {msg}")))
    })?;
    // What a kind keeps of a status subresource is its decoder's business (a Node keeps
    // capacity and allocatable); the rest of status is ignored, not an unknown field.
    let mut typed = object.to_json();
    if k.status_subresource() {
        for v in [&mut value, &mut typed] {
            if let Value::Object(m) = v {
                m.remove("status");
            }
        }
    }
    let mut unknown = Vec::new();
    unknown_fields(&value, &typed, "", &mut unknown);
    if let Some(first) = unknown.first() {
        let list: Vec<String> = unknown.iter().map(|p| format!("unknown field {p:?}")).collect();
        return Err(at(first, cannot(format!("strict decoding error: {}", list.join(", ")))));
    }
    Ok(object)
}

/// serde's wording of an unexpected value (`integer `5``, `string "x"`, `sequence`).
fn unexpected(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Number(n) if n.is_f64() => format!("floating point `{n}`"),
        Value::Number(n) => format!("integer `{n}`"),
        Value::String(s) => format!("string {s:?}"),
        Value::Array(_) => "sequence".into(),
        Value::Object(_) => "map".into(),
    }
}

fn version_of(api_version: &str) -> &str {
    api_version.rsplit('/').next().unwrap_or(api_version)
}

/// Fields present in the input but dropped by the typed round trip: what strict decoding
/// (sigs.k8s.io/json UnmarshalStrict) reports as `unknown field "spec.replica"`.
fn unknown_fields(input: &Value, typed: &Value, path: &str, out: &mut Vec<String>) {
    match (input, typed) {
        (Value::Object(i), Value::Object(t)) => {
            for (k, v) in i {
                let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                match t.get(k) {
                    Some(tv) => unknown_fields(v, tv, &p, out),
                    None if v.is_null() => {}
                    None => out.push(p),
                }
            }
        }
        (Value::Array(i), Value::Array(t)) => {
            for (n, (iv, tv)) in i.iter().zip(t).enumerate() {
                unknown_fields(iv, tv, &format!("{path}[{n}]"), out);
            }
        }
        _ => {}
    }
}

/// Quantities may be written as YAML numbers (`cpu: 1`); the API accepts both forms.
fn quantities_as_strings(v: &mut Value, in_quantity_map: bool) {
    match v {
        Value::Object(m) => {
            for (k, child) in m.iter_mut() {
                let q = matches!(k.as_str(), "limits" | "requests" | "capacity" | "allocatable" | "hard" | "overhead");
                if in_quantity_map {
                    if let Value::Number(n) = child {
                        *child = Value::String(n.to_string());
                        continue;
                    }
                }
                quantities_as_strings(child, q);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|c| quantities_as_strings(c, false)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEPLOY: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: my-app
spec:
  replicas: 3
  selector:
    matchLabels:
      app: my-app
  template:
    metadata:
      labels:
        app: my-app
    spec:
      containers:
      - name: app
        image: nginx:1.25
        resources:
          requests:
            cpu: 1
";

    #[test]
    fn decodes_a_deployment() {
        let objs = parse(DEPLOY).unwrap();
        assert_eq!(objs.len(), 1);
        let d = objs[0].object.as_deployment().unwrap();
        assert_eq!(d.spec.replicas, Some(3));
    }

    #[test]
    fn unknown_field_is_reported_like_strict_decoding() {
        let text = DEPLOY.replace("  replicas: 3", "  replica: 3");
        let errs = parse(&format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n---\n{text}")).unwrap_err();
        assert_eq!(errs.len(), 1);
        let e = &errs[0];
        assert_eq!((e.doc, e.line, e.column), (2, 11, 3));
        assert_eq!(e.path, "spec.replica");
        assert!(e.message.ends_with("strict decoding error: unknown field \"spec.replica\""), "{}", e.message);
    }

    #[test]
    fn type_errors_name_the_field() {
        let text = DEPLOY.replace("replicas: 3", "replicas: three");
        let e = &parse(&text).unwrap_err()[0];
        assert_eq!(e.path, "spec.replicas");
        assert_eq!((e.line, e.column), (6, 3));
    }

    #[test]
    fn unknown_kinds_and_lists() {
        let e = &parse("apiVersion: v1\nkind: Widget\nmetadata: {name: w}\n").unwrap_err()[0];
        assert_eq!(e.message, "resource mapping not found for name: \"w\": no matches for kind \"Widget\" in version \"v1\"\nensure CRDs are installed first");
        let e = &parse("metadata: {name: w}\n").unwrap_err()[0];
        assert_eq!(e.message, "error validating data: [apiVersion not set, kind not set]");
        let list = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: b}\n  bogus: 1\n";
        let e = &parse(list).unwrap_err()[0];
        assert_eq!((e.line, e.path.as_str()), (10, "items[1].bogus"));
    }

    #[test]
    fn garbage_never_panics() {
        for text in
            ["", "---", "- 1\n- 2", "a: [", "? [a]\n: b", "kind: List\napiVersion: v1\nitems: 3", "*x", "&a [*a]"]
        {
            let _ = parse(text);
        }
    }
}
