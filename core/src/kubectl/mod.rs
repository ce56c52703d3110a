//! The kubectl subset: commands parsed like kubectl's, run against the simulated API
//! server, printing what kubectl prints.

pub mod apply;
pub mod describe;
pub mod get;
pub mod mutate;
pub mod rollout;
pub mod table;
pub mod wait;
pub mod yaml_out;

use crate::api::Kind;
use crate::store::Store;
use std::collections::BTreeMap;

/// What a command printed.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    pub fn out(s: impl Into<String>) -> Self {
        Output { stdout: s.into(), stderr: String::new() }
    }
    pub fn err(s: impl Into<String>) -> Self {
        let mut s = s.into();
        if !s.ends_with('\n') {
            s.push('\n');
        }
        Output { stdout: String::new(), stderr: s }
    }
    pub fn push(&mut self, other: Output) {
        self.stdout.push_str(&other.stdout);
        self.stderr.push_str(&other.stderr);
    }
    pub fn failed(&self) -> bool {
        !self.stderr.is_empty()
    }
}

/// Where `-f` reads from: files relative to the script, or stdin (`-f -`).
pub trait Files {
    fn read(&self, path: &str) -> Result<String, String>;
}

/// Parsed flags and positional arguments.
#[derive(Debug, Default)]
pub struct Args {
    pub positional: Vec<String>,
    pub flags: BTreeMap<String, String>,
}

const VALUE_FLAGS: &[&str] = &[
    "f",
    "filename",
    "l",
    "selector",
    "o",
    "output",
    "n",
    "namespace",
    "replicas",
    "to-revision",
    "revision",
    "cascade",
    "grace-period",
    "timeout",
    "containers",
    "c",
];

impl Args {
    pub fn parse(tokens: &[String]) -> Result<Args, String> {
        let mut a = Args::default();
        let mut i = 0;
        while i < tokens.len() {
            let t = &tokens[i];
            if let Some(long) = t.strip_prefix("--") {
                if let Some((k, v)) = long.split_once('=') {
                    a.flags.insert(k.to_string(), v.to_string());
                } else if VALUE_FLAGS.contains(&long) {
                    let v = tokens.get(i + 1).ok_or_else(|| format!("flag needs an argument: --{long}"))?;
                    a.flags.insert(long.to_string(), v.clone());
                    i += 1;
                } else {
                    a.flags.insert(long.to_string(), "true".into());
                }
            } else if t.len() > 1 && t.starts_with('-') && t != "-" {
                let mut chars = t[1..].chars();
                let first = chars.next().map(String::from).unwrap_or_default();
                let short = first.as_str();
                let rest = chars.as_str();
                if VALUE_FLAGS.contains(&short) {
                    let v = if !rest.is_empty() {
                        rest.trim_start_matches('=').to_string()
                    } else {
                        i += 1;
                        tokens.get(i).cloned().ok_or_else(|| format!("flag needs an argument: 'f' in -{short}"))?
                    };
                    a.flags.insert(short.to_string(), v);
                } else {
                    a.flags.insert(short.to_string(), "true".into());
                }
            } else {
                a.positional.push(t.clone());
            }
            i += 1;
        }
        Ok(a)
    }

    pub fn get(&self, names: &[&str]) -> Option<&str> {
        names.iter().find_map(|n| self.flags.get(*n)).map(String::as_str)
    }

    pub fn has(&self, names: &[&str]) -> bool {
        self.get(names).is_some_and(|v| v != "false")
    }

    pub fn namespace(&self) -> String {
        self.get(&["n", "namespace"]).unwrap_or("default").to_string()
    }
}

/// Resolves `deployment/name` or `deployment name` into (kind, name).
pub fn resource_and_name(pos: &[String]) -> Result<(Kind, String), String> {
    let first = pos.first().ok_or("error: you must specify the type of resource and its name")?;
    if let Some((k, n)) = first.split_once('/') {
        let kind = Kind::from_arg(k).ok_or_else(|| unknown_type(k))?;
        return Ok((kind, n.to_string()));
    }
    let kind = Kind::from_arg(first).ok_or_else(|| unknown_type(first))?;
    let name = pos.get(1).ok_or_else(|| format!("error: resource name may not be empty for {}", kind.plural()))?;
    Ok((kind, name.clone()))
}

/// The API server's deprecation warnings for these kinds, once each, as kubectl prints
/// them on stderr (client-go's warning writer dedupes per process).
pub fn deprecation_warnings(kinds: impl IntoIterator<Item = Kind>) -> String {
    let mut seen = Vec::new();
    let mut out = String::new();
    for k in kinds {
        if let Some(w) = k.deprecated().filter(|_| !seen.contains(&k)) {
            seen.push(k);
            out.push_str(&format!("Warning: {w}\n"));
        }
    }
    out
}

pub fn unknown_type(t: &str) -> String {
    format!("error: the server doesn't have a resource type \"{t}\"")
}

/// Flags each command understands; anything else is refused, never silently ignored.
fn allowed_flags(verb: &str, sub: Option<&str>) -> &'static [&'static str] {
    match (verb, sub) {
        ("apply", _) => &["f", "filename", "prune", "all", "l", "selector", "dry-run"],
        ("get", _) => {
            &["l", "selector", "o", "output", "A", "all-namespaces", "show-labels", "no-headers", "ignore-not-found"]
        }
        ("describe", _) => &[],
        ("set", _) => &[],
        ("scale", _) => &["replicas", "current-replicas"],
        ("delete", _) => {
            &["f", "filename", "cascade", "grace-period", "force", "wait", "all", "now", "ignore-not-found"]
        }
        ("rollout", Some("status")) => &["watch", "w", "timeout", "revision"],
        ("rollout", Some("history")) => &["revision"],
        ("rollout", Some("undo")) => &["to-revision"],
        _ => &[],
    }
}

fn check_flags(verb: &str, args: &Args) -> Result<(), String> {
    let allowed = allowed_flags(verb, args.positional.first().map(String::as_str));
    for flag in args.flags.keys() {
        if flag == "n" || flag == "namespace" || allowed.contains(&flag.as_str()) {
            continue;
        }
        let dashes = if flag.chars().count() == 1 { "-" } else { "--" };
        return Err(match flag.as_str() {
            "dry-run" | "field-selector" | "sort-by" | "watch" | "w" | "record" | "server-side" | "overwrite"
            | "kustomize" | "k" => {
                format!("error: kubeloop does not support {dashes}{flag} for \"kubectl {verb}\" yet")
            }
            _ => format!("error: unknown flag: {dashes}{flag}\nSee 'kubectl {verb} --help' for usage."),
        });
    }
    Ok(())
}

/// Runs one kubectl command line (without the leading `kubectl`) against the API server.
/// kubectl neither validates nor moves time: a command that waits (`rollout status`,
/// `delete`) hands back its condition for whoever drives virtual time.
pub fn run(store: &mut Store, tokens: &[String], files: &dyn Files) -> wait::Reply {
    let Some((verb, rest)) = tokens.split_first() else {
        return Output::err("error: no command given (try: apply, get, set image, scale, rollout, delete)").into();
    };
    let args = match Args::parse(rest) {
        Ok(a) => a,
        Err(e) => return Output::err(format!("error: {e}")).into(),
    };
    if let Err(e) = check_flags(verb, &args) {
        return Output::err(e).into();
    }
    match verb.as_str() {
        "apply" => apply::apply(store, &args, files).into(),
        "get" => get::get(store, &args).into(),
        "set" => mutate::set(store, &args).into(),
        "scale" => mutate::scale(store, &args).into(),
        "delete" => mutate::delete(store, &args, files),
        "describe" => describe::describe(store, &args).into(),
        "rollout" => rollout::rollout(store, &args),
        other => Output::err(format!("error: unknown command \"{other}\" for \"kubectl\" (kubeloop supports apply, get, describe, set image, scale, rollout, delete)")).into(),
    }
}
