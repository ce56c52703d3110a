//! `kubectl set image`, `scale` and `delete`.

use super::wait::{Condition, Reply, Wait};
use super::{resource_and_name, unknown_type, Args, Files, Output};
use crate::api::{Kind, ObjKey};
use crate::manifest;
use crate::store::Store;
use crate::store::{DeleteOptions, Propagation};

fn not_found(kind: Kind, name: &str) -> Output {
    Output::err(format!("Error from server (NotFound): {} {name:?} not found", kind.resource_plural()))
}

/// `kubectl set image deployment/NAME CONTAINER=IMAGE ...`.
pub fn set(store: &mut Store, args: &Args) -> Output {
    match args.positional.first().map(String::as_str) {
        Some("image") => {}
        Some(other) => {
            return Output::err(format!(
                "error: unknown command \"{other}\" for \"kubectl set\" (kubeloop supports set image)"
            ))
        }
        None => return Output::err("error: you must specify a subcommand: image"),
    }
    let rest = &args.positional[1..];
    let split = rest.iter().position(|a| a.contains('=')).unwrap_or(rest.len());
    let (res, pairs) = rest.split_at(split);
    if pairs.is_empty() {
        return Output::err("error: at least one image update is required");
    }
    let (kind, name) = match resource_and_name(res) {
        Ok(v) => v,
        Err(e) => return Output::err(e),
    };
    let ns = args.namespace();
    let Some(live) = store.get_named(kind, &ns, &name).cloned() else {
        return not_found(kind, &name);
    };
    let mut obj = (*live).clone();
    let Some(template) = obj.pod_template_mut() else {
        return Output::err(format!("error: kubeloop cannot set images on {}", kind.plural()));
    };
    let spec = template.spec.get_or_insert_with(Default::default);
    for pair in pairs {
        let (container, image) = pair.split_once('=').unwrap_or((pair, ""));
        let mut found = false;
        for c in spec.containers.iter_mut().chain(spec.init_containers.iter_mut().flatten()) {
            if container == "*" || c.name == container {
                c.image = Some(image.to_string());
                found = true;
            }
        }
        if !found {
            return Output::err(format!("error: unable to find container named {container:?}"));
        }
    }
    if obj == *live {
        return Output::default();
    }
    match store.update(obj, "kubectl") {
        Ok(_) => Output::out(format!("{}/{name} image updated\n", kind.resource_singular())),
        Err(e) => Output::err(e.to_string()),
    }
}

/// `kubectl scale deployment/NAME --replicas=N`.
pub fn scale(store: &mut Store, args: &Args) -> Output {
    let replicas = args.get(&["replicas"]).and_then(|r| r.parse::<i32>().ok()).filter(|r| *r >= 0);
    let Some(replicas) = replicas else {
        return Output::err(
            "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0",
        );
    };
    let (kind, name) = match resource_and_name(&args.positional) {
        Ok(v) => v,
        Err(e) => return Output::err(e),
    };
    let ns = args.namespace();
    let Some(live) = store.get_named(kind, &ns, &name).cloned() else {
        return not_found(kind, &name);
    };
    if let Some(expected) = args.get(&["current-replicas"]).and_then(|v| v.parse::<i32>().ok()).filter(|v| *v >= 0) {
        let current = live.replicas().unwrap_or(expected);
        if current != expected {
            return Output::err(format!("error: Expected replicas to be {expected}, was {current}"));
        }
    }
    let mut obj = (*live).clone();
    if !obj.set_replicas(replicas) {
        return Output::err(format!("error: no objects passed to scale ({} have no scale subresource)", kind.plural()));
    }
    match store.update(obj, "kubectl") {
        Ok(_) => Output::out(format!("{}/{name} scaled\n", kind.resource_singular())),
        Err(e) => Output::err(e.to_string()),
    }
}

/// `kubectl delete TYPE NAME|TYPE/NAME|-f FILE [--cascade=...] [--grace-period=N] [--wait=false]`.
pub fn delete(store: &mut Store, args: &Args, files: &dyn Files) -> Reply {
    let propagation = match args.get(&["cascade"]).unwrap_or("background") {
        "background" | "true" => Propagation::Background,
        "foreground" => Propagation::Foreground,
        "orphan" | "false" => Propagation::Orphan,
        other => {
            return Reply::from(Output::err(format!(
                "error: invalid cascade value ({other}). Must be \"background\", \"foreground\", or \"orphan\""
            )))
        }
    };
    let grace = match args.get(&["grace-period"]).map(str::parse::<i64>) {
        Some(Ok(g)) if g >= 0 => Some(g),
        Some(_) => None,
        None if args.has(&["force"]) => Some(0),
        None => None,
    };
    let ns = args.namespace();
    let mut keys: Vec<ObjKey> = Vec::new();
    if let Some(path) = args.get(&["f", "filename"]) {
        let text = match files.read(path) {
            Ok(t) => t,
            Err(e) => return Reply::from(Output::err(format!("error: {e}"))),
        };
        match manifest::parse(&text) {
            Ok(objs) => keys.extend(objs.iter().map(|m| {
                let o = &m.object;
                let n = if o.kind().namespaced() && o.namespace().is_empty() {
                    ns.clone()
                } else {
                    o.namespace().to_string()
                };
                ObjKey::new(o.kind(), &n, o.name())
            })),
            Err(errs) => {
                return Reply::from(Output::err(
                    errs.iter().map(|e| format!("error: error parsing {path}: {e}")).collect::<Vec<_>>().join("\n"),
                ))
            }
        }
    } else if args.positional.first().is_some_and(|p| p.contains('/')) {
        for p in &args.positional {
            let Some((k, n)) = p.split_once('/') else {
                continue;
            };
            let Some(kind) = Kind::from_arg(k) else {
                return Reply::from(Output::err(unknown_type(k)));
            };
            keys.push(ObjKey::new(kind, if kind.namespaced() { &ns } else { "" }, n));
        }
    } else {
        let Some(t) = args.positional.first() else {
            return Reply::from(Output::err("error: You must provide one or more resources by argument or filename."));
        };
        let Some(kind) = Kind::from_arg(t) else {
            return Reply::from(Output::err(unknown_type(t)));
        };
        let names = &args.positional[1..];
        if names.is_empty() && !args.has(&["all"]) {
            return Reply::from(Output::err("error: resource(s) were provided, but no name was specified"));
        }
        let scope = if kind.namespaced() { ns.as_str() } else { "" };
        if args.has(&["all"]) {
            keys.extend(store.list(kind, Some(scope)).map(|o| o.key()));
        }
        keys.extend(names.iter().map(|n| ObjKey::new(kind, scope, n)));
    }
    let mut out = Output { stdout: String::new(), stderr: super::deprecation_warnings(keys.iter().map(|k| k.kind)) };
    let opts = DeleteOptions { grace_period_seconds: grace, propagation: Some(propagation) };
    let mut deleted = Vec::new();
    for key in keys {
        match store.delete(&key, opts, "kubectl") {
            Ok(obj) => {
                let op = if grace == Some(0) { "force deleted" } else { "deleted" };
                out.stdout.push_str(&format!("{} {:?} {op}\n", key.kind.resource_singular(), key.name));
                deleted.push((key, obj.uid().to_string()));
            }
            Err(e) => out.push(Output::err(e.to_string())),
        }
    }
    // kubectl delete waits (--wait=true) until the objects are gone.
    let wait = (args.get(&["wait"]) != Some("false") && !deleted.is_empty()).then(|| Wait {
        condition: Condition::Deleted { objects: deleted },
        deadline_ms: store.clock.now_ms.saturating_add(3_600_000),
    });
    Reply { output: out, wait }
}
