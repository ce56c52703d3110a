//! `kubectl apply -f`: create or three-way merge (last-applied, live, manifest), and
//! `--prune` of previously applied objects the new set lacks.

use super::{Args, Files, Output};
use crate::api::{Kind, ObjKey, Object};
use crate::cluster::nodes::DEFAULT_NODE_ANNOTATION;
use crate::manifest::{self, ManifestError, ManifestObject};
use crate::store::{ApiError, DeleteOptions, Store};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// What an apply did, with every error located in the source for an editor to mark.
#[derive(Debug, Default)]
pub struct ApplyResult {
    pub output: Output,
    pub errors: Vec<ManifestError>,
}

/// `--dry-run`: none, client (nothing sent; kubectl only computes what it would send),
/// or server (the API server runs its whole pipeline and stores nothing).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DryRun {
    None,
    Client,
    Server,
}

impl DryRun {
    /// GetDryRunStrategy: `--dry-run` alone is the deprecated spelling of client.
    pub fn from_args(args: &Args) -> Result<(DryRun, Option<String>), String> {
        match args.get(&["dry-run"]) {
            None | Some("none") => Ok((DryRun::None, None)),
            Some("client") => Ok((DryRun::Client, None)),
            Some("server") => Ok((DryRun::Server, None)),
            // `--dry-run` alone reaches here as "true" (kubectl's NoOptDefVal "unchanged").
            Some("true") => Ok((
                DryRun::Client,
                Some("W0000 --dry-run is deprecated and can be replaced with --dry-run=client.\n".into()),
            )),
            Some("false") => Ok((
                DryRun::None,
                Some(
                    "W0000 --dry-run=false is deprecated (boolean value) and can be replaced with --dry-run=none.\n"
                        .into(),
                ),
            )),
            Some(other) => {
                Err(format!("error: Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."))
            }
        }
    }

    /// What kubectl appends to each line it prints.
    fn suffix(self) -> &'static str {
        match self {
            DryRun::None => "",
            DryRun::Client => " (dry run)",
            DryRun::Server => " (server dry run)",
        }
    }
}

pub fn apply(store: &mut Store, args: &Args, files: &dyn Files) -> Output {
    let Some(path) = args.get(&["f", "filename"]) else {
        return Output::err("error: must specify one of -f and -k");
    };
    let (dry_run, warning) = match DryRun::from_args(args) {
        Ok(d) => d,
        Err(e) => return Output::err(e),
    };
    let text = match files.read(path) {
        Ok(t) => t,
        Err(e) => return Output::err(format!("error: {e}")),
    };
    let prune = if args.has(&["prune"]) {
        match (args.has(&["all"]), args.get(&["l", "selector"])) {
            (true, _) => Some(None),
            (false, Some(sel)) => match crate::api::selector::Selector::parse(sel) {
                Ok(s) => Some(Some(s)),
                Err(e) => return Output::err(format!("error: {e}")),
            },
            (false, None) => return Output::err("error: all resources selected for prune without explicitly passing --all. To prune all resources, pass the --all flag. If you did not mean to prune all resources, specify a label selector"),
        }
    } else {
        None
    };
    let objs = match manifest::parse(&text) {
        Ok(objs) => objs,
        Err(errors) => return parse_failure(errors, path).output,
    };
    if objs.is_empty() {
        return Output::err("error: no objects passed to apply");
    }
    if let Some(ns) = args.get(&["n", "namespace"]) {
        if let Some(m) = objs
            .iter()
            .find(|m| m.object.kind().namespaced() && !m.object.namespace().is_empty() && m.object.namespace() != ns)
        {
            return Output::err(format!(
                "error: the namespace from the provided object {:?} does not match the namespace {ns:?}. You must pass '--namespace={}' to perform this operation.",
                m.object.namespace(),
                m.object.namespace()
            ));
        }
    }
    let source = if path == "-" { "STDIN" } else { path };
    let warnings = super::deprecation_warnings(objs.iter().map(|m| m.object.kind()));
    let mut out = apply_selected(store, objs, source, &args.namespace(), prune.as_ref(), dry_run).output;
    out.stderr.insert_str(0, &warnings);
    if let Some(w) = warning {
        out.stderr.insert_str(0, &w);
    }
    out
}

/// Applies a whole manifest stream, pruning (with `prune`) every previously applied
/// object it lacks; on a parse error nothing is applied.
pub fn apply_text(store: &mut Store, text: &str, source: &str, namespace: &str, prune: bool) -> ApplyResult {
    match manifest::parse(text) {
        Ok(objs) => apply_objects(store, objs, source, namespace, prune),
        Err(errors) => parse_failure(errors, source),
    }
}

/// Nothing applied: every error of the stream, as kubectl reports a file it cannot parse.
fn parse_failure(errors: Vec<ManifestError>, source: &str) -> ApplyResult {
    let mut output = Output::default();
    for e in &errors {
        output.push(Output::err(format!("error: error parsing {source}: {e}")));
    }
    ApplyResult { output, errors }
}

pub fn apply_objects(
    store: &mut Store,
    objs: Vec<ManifestObject>,
    source: &str,
    namespace: &str,
    prune: bool,
) -> ApplyResult {
    apply_selected(store, objs, source, namespace, prune.then_some(&None), DryRun::None)
}

/// Applies objects; `prune` deletes previously applied objects (matching the selector,
/// if one is given) that the set lacks.
fn apply_selected(
    store: &mut Store,
    objs: Vec<ManifestObject>,
    source: &str,
    namespace: &str,
    prune: Option<&Option<crate::api::selector::Selector>>,
    dry_run: DryRun,
) -> ApplyResult {
    let mut result = ApplyResult::default();
    let mut applied: BTreeSet<ObjKey> = BTreeSet::new();
    // A dry run meets the namespaces the stream creates before its later documents.
    let mut namespaces: BTreeSet<String> = BTreeSet::new();
    for m in &objs {
        let mut obj = m.object.clone();
        if obj.kind().namespaced() && obj.namespace().is_empty() {
            obj.meta_mut().namespace = Some(namespace.to_string());
        }
        applied.insert(obj.key());
        let attempt = match dry_run {
            DryRun::None => apply_one(store, obj),
            _ => {
                if obj.kind() == Kind::Namespace {
                    namespaces.insert(obj.name().to_string());
                }
                let label = format!("{}/{}", obj.kind().resource_singular(), obj.name());
                let planned =
                    if dry_run == DryRun::Server { dry_run_one(store, obj, &namespaces) } else { plan_one(store, obj) };
                planned.map(|p| {
                    // A client dry run cannot know the server's answer: an existing object
                    // is always "configured" (kubectl's printer).
                    let verb = match p {
                        Planned::Create(_) => "created",
                        Planned::Update { .. } => "configured",
                        Planned::Unchanged if dry_run == DryRun::Client => "configured",
                        Planned::Unchanged => "unchanged",
                    };
                    format!("{label} {verb}{}\n", dry_run.suffix())
                })
            }
        };
        match attempt {
            Ok(line) => result.output.stdout.push_str(&line),
            Err(e) => {
                let located = locate(m, &e);
                let mut text = match &e {
                    ApiError::Invalid { .. } | ApiError::TooManyObjects(_) => e.to_string(),
                    other => {
                        let s = other.to_string();
                        match s.split_once("): ") {
                            Some((head, tail)) => {
                                format!("{head}): error when creating {source:?}: {tail}")
                            }
                            None => s,
                        }
                    }
                };
                // kubectl's message, then where in the input each problem was written.
                for l in &located {
                    let field = if l.path.is_empty() { String::new() } else { format!(" ({})", l.path) };
                    text.push_str(&format!(
                        "\n  at {source}: document {}, line {}, column {}{field}",
                        l.doc, l.line, l.column
                    ));
                }
                result.errors.extend(located);
                result.output.push(Output::err(text));
            }
        }
    }
    if let Some(selector) = prune {
        let stale: Vec<ObjKey> = Kind::ALL
            .iter()
            .filter(|k| **k != Kind::Event)
            .flat_map(|k| store.list(*k, None))
            .filter(|o| o.meta().annotations.as_ref().is_some_and(|a| a.contains_key(LAST_APPLIED)) && !o.is_deleting())
            .filter(|o| selector.as_ref().is_none_or(|s| s.matches(o.labels())))
            .map(|o| o.key())
            .filter(|k| !applied.contains(k))
            .collect();
        for key in stale {
            if dry_run != DryRun::None || store.delete(&key, DeleteOptions::default(), "kubectl").is_ok() {
                let (kind, name, suffix) = (key.kind.resource_singular(), &key.name, dry_run.suffix());
                result.output.stdout.push_str(&format!("{kind}/{name} pruned{suffix}\n"));
            }
        }
    }
    result
}

/// Every problem of an API error, located in the object's manifest.
fn locate(m: &ManifestObject, e: &ApiError) -> Vec<ManifestError> {
    match e {
        ApiError::Invalid { errors, .. } => errors.iter().map(|fe| m.error_at(&fe.path, fe.to_string())).collect(),
        ApiError::NotFound { kind: Kind::Namespace, .. } => vec![m.error_at("metadata.namespace", e.to_string())],
        other => vec![m.error_at("", other.to_string())],
    }
}

/// A server-side dry run of `apply_text`: every parse, decoding and validation error the
/// stream would meet (with each object merged onto its live copy, as apply would), and
/// nothing written. An editor calls it on every keystroke.
pub fn check_text(store: &Store, text: &str, namespace: &str) -> Vec<ManifestError> {
    match manifest::parse(text) {
        Ok(objs) => check_objects(store, &objs, namespace),
        Err(errors) => errors,
    }
}

/// `check_text` for a stream already parsed.
pub fn check_objects(store: &Store, objs: &[ManifestObject], namespace: &str) -> Vec<ManifestError> {
    // Apply goes in document order: a Namespace counts for the documents after it.
    let mut namespaces: BTreeSet<String> = BTreeSet::new();
    let mut errors = Vec::new();
    for m in objs {
        let mut obj = m.object.clone();
        if obj.kind().namespaced() && obj.namespace().is_empty() {
            obj.meta_mut().namespace = Some(namespace.to_string());
        }
        if obj.kind() == Kind::Namespace {
            namespaces.insert(obj.name().to_string());
        }
        let field_errors = match dry_run_one(store, obj, &namespaces) {
            Ok(_) => Vec::new(),
            Err(ApiError::Invalid { errors, .. }) => errors,
            Err(e) => {
                errors.extend(locate(m, &e));
                continue;
            }
        };
        errors.extend(field_errors.iter().map(|fe| m.error_at(&fe.path, fe.to_string())));
    }
    errors
}

/// The manifest as kubectl records it in last-applied-configuration.
fn desired_json(obj: &Object) -> Value {
    let mut v = obj.to_json();
    if let Value::Object(m) = &mut v {
        m.remove("status");
        if let Some(Value::Object(meta)) = m.get_mut("metadata") {
            // kubectl records an emptied annotations map as `"annotations":{}`.
            match meta.entry("annotations").or_insert_with(|| Value::Object(Map::new())) {
                Value::Object(a) => {
                    a.remove(LAST_APPLIED);
                }
                other => *other = Value::Object(Map::new()),
            }
        }
    }
    v
}

/// What applying one object would write.
enum Planned {
    Create(Object),
    Update { merged: Object },
    Unchanged,
}

/// Decides what apply writes for `obj`: a create carrying last-applied-configuration, or
/// the three-way merge onto the live object.
fn plan_one(store: &Store, obj: Object) -> Result<Planned, ApiError> {
    let kind = obj.kind();
    let desired = desired_json(&obj);
    // kubectl stores the configuration as one JSON line ending in a newline.
    let mut sorted = desired.clone();
    super::yaml_out::sort_keys(&mut sorted);
    let last_applied = format!("{}\n", serde_json::to_string(&sorted).unwrap_or_default());
    let Some(live) = store.get(&obj.key()).cloned() else {
        let mut obj = obj;
        obj.meta_mut().annotations.get_or_insert_with(Default::default).insert(LAST_APPLIED.into(), last_applied);
        return Ok(Planned::Create(obj));
    };
    let previous: Value = live
        .meta()
        .annotations
        .as_ref()
        .and_then(|a| a.get(LAST_APPLIED))
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or(Value::Null);
    let mut with_annotation = desired.clone();
    with_annotation["metadata"]["annotations"][LAST_APPLIED] = Value::String(last_applied);
    let merged = merge3(&live.to_json(), &previous, &with_annotation);
    let mut merged = kind.decode(&merged).map_err(|(path, msg)| ApiError::BadRequest(format!("{path}: {msg}")))?;
    merged.keep_status(&live);
    merged.set_defaults();
    if crate::cluster::nodes::is_default_node(&merged) {
        // The user's own Node by that name is no longer a made-up default.
        if let Some(a) = merged.meta_mut().annotations.as_mut() {
            a.remove(DEFAULT_NODE_ANNOTATION);
        }
    }
    if merged.to_json() == live.to_json() {
        return Ok(Planned::Unchanged);
    }
    Ok(Planned::Update { merged })
}

/// What the API server would answer to apply's request, without writing anything.
fn dry_run_one(store: &Store, obj: Object, namespaces: &BTreeSet<String>) -> Result<Planned, ApiError> {
    let planned = plan_one(store, obj)?;
    match &planned {
        Planned::Create(obj) => {
            store.create_dry_run(obj.clone(), namespaces)?;
        }
        Planned::Update { merged, .. } => {
            store.update_dry_run(merged.clone(), "kubectl")?;
        }
        Planned::Unchanged => {}
    }
    Ok(planned)
}

fn apply_one(store: &mut Store, obj: Object) -> Result<String, ApiError> {
    let label = format!("{}/{}", obj.kind().resource_singular(), obj.name());
    match plan_one(store, obj)? {
        Planned::Create(obj) => {
            store.create(obj, "kubectl")?;
            Ok(format!("{label} created\n"))
        }
        Planned::Update { merged, .. } => {
            store.update(merged, "kubectl")?;
            Ok(format!("{label} configured\n"))
        }
        Planned::Unchanged => Ok(format!("{label} unchanged\n")),
    }
}

/// A three-way merge: fields the manifest has replace the live ones (lists whole),
/// fields the last apply had but this one lacks are removed, everything else is kept.
pub fn merge3(live: &Value, last: &Value, desired: &Value) -> Value {
    match (live, desired) {
        (Value::Object(l), Value::Object(d)) => {
            let mut out: Map<String, Value> = l.clone();
            if let Value::Object(prev) = last {
                for k in prev.keys() {
                    if !d.contains_key(k) {
                        out.remove(k);
                    }
                }
            }
            for (k, dv) in d {
                let lv = l.get(k).unwrap_or(&Value::Null);
                let pv = last.get(k).unwrap_or(&Value::Null);
                out.insert(k.clone(), merge3(lv, pv, dv));
            }
            Value::Object(out)
        }
        _ => desired.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::merge3;
    use serde_json::json;

    #[test]
    fn three_way_merge() {
        let live = json!({"spec": {"replicas": 5, "paused": true, "template": {"x": 1}}, "status": {"a": 1}});
        let last = json!({"spec": {"paused": true, "template": {"x": 1}}});
        let desired = json!({"spec": {"template": {"x": 2}}});
        // replicas set by `kubectl scale` survives; paused removed from the manifest goes.
        assert_eq!(
            merge3(&live, &last, &desired),
            json!({"spec": {"replicas": 5, "template": {"x": 2}}, "status": {"a": 1}})
        );
    }
}
