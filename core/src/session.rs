//! A live editing session, the model behind the web app: the cluster, the editor's text
//! (checked on every keystroke, applied with `--prune` when asked), virtual time, and
//! the views the UI draws of them (graph, events, inspector, source spans). The front end
//! holds one of these and only renders what it answers.

use crate::api::{Kind, ObjKey, Object};
use crate::cluster::new_cluster;
use crate::examples::Example;
use crate::graph::{Graph, GraphView};
use crate::kubectl::apply::{apply_text, check_objects};
use crate::kubectl::yaml_out::{sort_keys, to_yaml};
use crate::manifest::{self, ManifestError};
use crate::sim::engine::Engine;
use crate::store::Limits;
use jiff::Timestamp;
use serde_json::Value;
use std::collections::{BTreeMap, VecDeque};

/// Where virtual time starts (the CLI's default too).
pub const START: &str = "2026-01-01T00:00:00Z";

/// A browser tab holds far less than the CLI: past these, creates are refused with an
/// error instead of the page freezing.
pub const WEB_LIMITS: Limits = Limits { max_objects: 5_000, max_events: 5_000, max_trace: 0 };

/// Namespace for objects the text does not place.
const NAMESPACE: &str = "default";

/// The name apply errors give the editor's text.
const SOURCE: &str = "editor";

/// One row of the events list, shaped like `kubectl get events`.
#[derive(Clone, Debug, PartialEq)]
pub struct EventRow {
    pub last_seen: String,
    pub type_: String,
    pub reason: String,
    /// `kind/name`, lowercased kind.
    pub object: String,
    pub message: String,
    /// The uid of the object the event is about.
    pub involved: String,
    /// The event's own uid (stable key for rendering).
    pub id: String,
}

/// One entry of `status.conditions`.
#[derive(Clone, Debug, PartialEq)]
pub struct ConditionRow {
    pub type_: String,
    pub status: String,
    pub reason: String,
    pub message: String,
    pub last_transition: String,
}

/// What the inspector shows of a selected object.
#[derive(Clone, Debug, PartialEq)]
pub struct Inspection {
    pub kind: Kind,
    pub namespace: String,
    pub name: String,
    /// `kind/name` of the controlling owner.
    pub owner: Option<String>,
    pub conditions: Vec<ConditionRow>,
    pub events: Vec<EventRow>,
    /// The live object as `kubectl get -o yaml` prints it.
    pub yaml: String,
}

/// One user input, as the session's log keeps it.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    /// The editor's text applied with `--prune`; `example_step` when an example's
    /// schedule changed the text rather than the user.
    Apply { text: std::rc::Rc<str>, example_step: bool },
    /// A kubectl command line, as typed in a console; `stdin` is the editor text it read
    /// for `-f -`, kept so a replay reads the same.
    Kubectl { line: String, stdin: Option<std::rc::Rc<str>> },
}

/// An input and the virtual instant it was given at.
#[derive(Clone, Debug, PartialEq)]
pub struct LoggedInput {
    pub ms: i64,
    pub input: Input,
}

/// The lines of the editor text one object came from.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceSpan {
    /// 1-based document index.
    pub doc: usize,
    pub first_line: usize,
    pub last_line: usize,
}

pub struct Session {
    engine: Engine,
    seed: u64,
    start: Timestamp,
    text: String,
    /// The text's errors: parse, strict decoding and (dry-run) validation.
    errors: Vec<ManifestError>,
    /// The last text applied, and what the apply printed.
    applied: Option<String>,
    apply_output: String,
    /// Errors only the apply itself met (limits, conflicts), located in the text.
    apply_errors: Vec<ManifestError>,
    /// The documents of the last text that parsed, by object.
    sources: BTreeMap<ObjKey, SourceSpan>,
    /// Set when the engine stopped (a runaway loop); reset clears it.
    halted: Option<String>,
    view: GraphView,
    /// The example playing, while its text is untouched, and its steps still to come.
    example: Option<&'static Example>,
    scheduled: VecDeque<(i64, &'static str)>,
    /// Every input since the cluster was last built, with its virtual time: replaying it
    /// from zero (`Session::replay`) reproduces the state exactly.
    log: Vec<LoggedInput>,
    /// The next apply comes from an example's schedule.
    applying_step: bool,
}

impl Session {
    /// A fresh cluster with `text` applied at once (when it is valid).
    pub fn new(text: &str, seed: u64) -> Session {
        let start = crate::api::time::parse_rfc3339(START).unwrap_or(Timestamp::UNIX_EPOCH);
        let mut session = Session {
            engine: fresh_engine(start, seed),
            seed,
            start,
            text: String::new(),
            errors: Vec::new(),
            applied: None,
            apply_output: String::new(),
            apply_errors: Vec::new(),
            sources: BTreeMap::new(),
            halted: None,
            view: GraphView::default(),
            example: None,
            scheduled: VecDeque::new(),
            log: Vec::new(),
            applying_step: false,
        };
        session.set_text(text);
        session.apply();
        session
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// A fresh cluster with the example's first text applied and its later steps
    /// scheduled.
    pub fn load_example(&mut self, example: &'static Example) {
        self.rebuild();
        self.set_text(example.text);
        self.apply();
        self.example = Some(example);
        self.scheduled = example.steps.iter().copied().collect();
    }

    /// The example still playing (none once the user edits the text).
    pub fn example(&self) -> Option<&'static Example> {
        self.example
    }

    /// The example's steps still to come.
    pub fn steps_left(&self) -> usize {
        self.scheduled.len()
    }

    /// The user's edit: replaces the text and checks it (nothing is applied). An
    /// example's remaining steps are dropped: the user has taken over.
    pub fn edit(&mut self, text: &str) {
        if text != self.text {
            self.example = None;
            self.scheduled.clear();
        }
        self.set_text(text);
    }

    fn set_text(&mut self, text: &str) {
        if text == self.text && self.applied.is_some() {
            return;
        }
        self.text = text.to_string();
        let objs = match manifest::parse(&self.text) {
            Ok(objs) => objs,
            Err(errors) => {
                self.errors = errors;
                return;
            }
        };
        self.errors = check_objects(&self.engine.store, &objs, NAMESPACE);
        self.sources = objs
            .iter()
            .map(|m| {
                let mut key = m.object.key();
                if key.kind.namespaced() && key.namespace.is_empty() {
                    key.namespace = NAMESPACE.into();
                }
                let (first_line, last_line) = m.doc.lines;
                (key, SourceSpan { doc: m.doc.index, first_line, last_line })
            })
            .collect();
    }

    /// The current text's errors, then those its last apply met.
    pub fn errors(&self) -> Vec<ManifestError> {
        let mut all = self.errors.clone();
        if self.applied.as_deref() == Some(self.text.as_str()) {
            all.extend(self.apply_errors.iter().filter(|e| !self.errors.contains(e)).cloned());
        }
        all
    }

    /// True when the text is valid and differs from what was last applied.
    pub fn needs_apply(&self) -> bool {
        self.errors.is_empty() && self.applied.as_deref() != Some(self.text.as_str())
    }

    /// Applies the text with `--prune` (objects removed from the text are deleted), then
    /// lets the controllers react at the same instant. Invalid text applies nothing: the
    /// last good state keeps running. Returns whether anything was applied.
    pub fn apply(&mut self) -> bool {
        if !self.errors.is_empty() || self.halted.is_some() {
            return false;
        }
        let example_step = std::mem::take(&mut self.applying_step);
        self.log.push(LoggedInput {
            ms: self.now_ms(),
            input: Input::Apply { text: std::rc::Rc::from(self.text.as_str()), example_step },
        });
        let result = apply_text(&mut self.engine.store, &self.text, SOURCE, NAMESPACE, true);
        self.apply_output = format!("{}{}", result.output.stdout, result.output.stderr);
        self.apply_errors = result.errors;
        self.applied = Some(self.text.clone());
        self.run(|e| e.drain());
        true
    }

    /// What the last apply printed (kubectl's lines).
    pub fn apply_output(&self) -> &str {
        &self.apply_output
    }

    /// A new cluster at time zero with the last applied text (or the current one, if
    /// valid) applied again.
    /// A playing example starts over from its first step.
    pub fn reset(&mut self) {
        if let Some(example) = self.example {
            return self.load_example(example);
        }
        let current = std::mem::take(&mut self.text);
        let base = match (self.applied.take(), self.errors.is_empty()) {
            (_, true) => current.clone(),
            (Some(applied), false) => applied,
            (None, false) => String::new(),
        };
        self.rebuild();
        self.set_text(&base);
        self.apply();
        if base != current {
            self.set_text(&current);
        }
    }

    fn rebuild(&mut self) {
        self.engine = fresh_engine(self.start, self.seed);
        self.halted = None;
        self.view.clear();
        self.applied = None;
        self.example = None;
        self.scheduled.clear();
        self.log.clear();
    }

    /// The seed of the cluster's random names.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The inputs since the cluster was built, in order, with their virtual times.
    pub fn input_log(&self) -> &[LoggedInput] {
        &self.log
    }

    /// A session rebuilt from an input log: a fresh cluster with the same seed, each
    /// input given at its virtual time, then time run on to `until_ms`. The engine is
    /// deterministic, so this is the state the log was taken from.
    pub fn replay(log: &[LoggedInput], seed: u64, until_ms: i64) -> Session {
        let mut s = Session::new("", seed);
        s.log.clear();
        for entry in log {
            let now = s.now_ms();
            s.advance(entry.ms - now);
            match &entry.input {
                Input::Apply { text, example_step } => {
                    s.set_text(text);
                    s.applying_step = *example_step;
                    s.apply();
                }
                Input::Kubectl { line, stdin } => {
                    s.run_kubectl(line, stdin.clone());
                }
            }
        }
        let now = s.now_ms();
        s.advance(until_ms - now);
        s
    }

    /// Runs a kubectl command line (with or without the leading `kubectl`) against the
    /// cluster, as the CLI does: the controllers react at once, and a command that
    /// waits (`rollout status`, `delete`) plays out in virtual time.
    pub fn kubectl(&mut self, line: &str) -> crate::kubectl::Output {
        self.run_kubectl(line, None)
    }

    /// `kubectl` with `-f -` reading `stdin` (the editor's text when none is given).
    fn run_kubectl(&mut self, line: &str, stdin: Option<std::rc::Rc<str>>) -> crate::kubectl::Output {
        use crate::kubectl::Output;
        let mut words = match crate::script::shell_words(line) {
            Ok(w) => w,
            Err(e) => return Output::err(format!("error: {e}")),
        };
        if words.first().map(String::as_str) == Some("kubectl") {
            words.remove(0);
        }
        if self.halted.is_some() {
            return Output::err(self.halted.clone().unwrap_or_default());
        }
        // `-f -` reads the editor's text: the console has no other stdin.
        let reads_stdin = words.iter().any(|w| w == "-" || w.ends_with("=-"));
        let text: std::rc::Rc<str> = stdin.unwrap_or_else(|| std::rc::Rc::from(self.text.as_str()));
        let input = Input::Kubectl { line: line.to_string(), stdin: reads_stdin.then(|| text.clone()) };
        self.log.push(LoggedInput { ms: self.now_ms(), input });
        let files = EditorFiles(&text);
        let reply = crate::kubectl::run(&mut self.engine.store, &words, &files);
        let mut out = reply.output;
        match reply.wait {
            Some(w) => {
                let (printed, error) = crate::script::wait(&mut self.engine, w);
                out.push(printed);
                if let Some(e) = error {
                    self.halted = Some(e.to_string());
                }
            }
            None => self.run(|e| e.drain()),
        }
        out
    }

    /// Runs virtual time forward, applying an example's steps when their time comes.
    pub fn advance(&mut self, ms: i64) {
        let target = self.now_ms().saturating_add(ms.max(0));
        while let Some(&(at, text)) = self.scheduled.front().filter(|(at, _)| *at <= target && self.halted.is_none()) {
            self.scheduled.pop_front();
            let now = self.now_ms();
            self.run(|e| e.advance(at - now));
            self.set_text(text);
            self.applying_step = true;
            self.apply();
            self.applying_step = false;
        }
        let now = self.now_ms();
        self.run(|e| e.advance(target - now));
    }

    /// Jumps to the next timed event (a pod becoming ready, a backoff ending, an
    /// example's next step ...) and runs it. False when nothing is pending.
    pub fn step(&mut self) -> bool {
        if self.halted.is_some() {
            return false;
        }
        let next = self.engine.next_event_ms();
        if let Some(&(at, _)) = self.scheduled.front() {
            if next.is_none_or(|n| at <= n) {
                self.advance(at - self.now_ms());
                return true;
            }
        }
        let mut stepped = false;
        self.run(|e| e.step().map(|s| stepped = s));
        stepped
    }

    fn run(&mut self, f: impl FnOnce(&mut Engine) -> Result<(), crate::sim::engine::EngineError>) {
        if self.halted.is_some() {
            return;
        }
        if let Err(e) = f(&mut self.engine) {
            self.halted = Some(e.to_string());
        }
    }

    /// Why the engine stopped, if it did.
    pub fn halted(&self) -> Option<&str> {
        self.halted.as_deref()
    }

    /// Virtual milliseconds since the start.
    pub fn now_ms(&self) -> i64 {
        self.engine.now_ms()
    }

    /// The virtual wall clock, RFC 3339.
    pub fn clock(&self) -> String {
        crate::api::time::format_ts(crate::api::time::truncate(self.engine.store.clock.now()))
    }

    /// Moves with every write; a view that saw the same revision needs no redraw.
    pub fn revision(&self) -> u64 {
        self.engine.store.revision()
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    pub fn fold_history(&self) -> bool {
        self.view.options.fold_history
    }

    pub fn set_fold_history(&mut self, fold: bool) {
        self.view.options.fold_history = fold;
    }

    /// The graph at `now` on the caller's clock (for fading out deleted objects).
    pub fn graph(&mut self, now: f64) -> Graph {
        self.view.build(&self.engine.store, now)
    }

    /// When a fading object is done and the graph should be built again.
    pub fn graph_expiry(&self) -> Option<f64> {
        self.view.next_expiry()
    }

    /// Events newest first, at most `limit`, only those about `about` (a uid) if given.
    pub fn events(&self, about: Option<&str>, limit: usize) -> Vec<EventRow> {
        let store = &self.engine.store;
        let now = self.engine.now_ms();
        let mut evs: Vec<(i64, u64, &crate::kinds::event::Event)> = store
            .list(Kind::Event, None)
            .filter_map(|o| o.as_event())
            .filter(|e| about.is_none_or(|uid| &*e.involved_object.uid == uid))
            .map(|e| {
                let rv = e.metadata.resource_version.as_deref().and_then(|r| r.parse().ok()).unwrap_or(0);
                (store.clock.ms_of(&e.last_timestamp), rv, e)
            })
            .collect();
        crate::sort::sort_by_key(&mut evs, |e| std::cmp::Reverse((e.0, e.1)));
        evs.into_iter()
            .take(limit)
            .map(|(_, _, e)| {
                let mut c = crate::kubectl::get::event_columns(store, e, now).into_iter();
                let mut next = || c.next().unwrap_or_default();
                EventRow {
                    last_seen: next(),
                    type_: next(),
                    reason: next(),
                    object: next(),
                    message: next(),
                    involved: e.involved_object.uid.to_string(),
                    id: e.metadata.uid.clone().unwrap_or_default(),
                }
            })
            .collect()
    }

    /// The live object behind a graph node, for the inspector.
    pub fn inspect(&self, id: &str) -> Option<Inspection> {
        if let Some(owner) = crate::graph::folded_owner(id) {
            return self.inspect_history(owner);
        }
        let obj = self.engine.store.get_by_uid(id)?;
        let owner = obj
            .controller_ref()
            .map(|r| format!("{}/{}", r.kind.to_ascii_lowercase(), r.name))
            .or_else(|| obj.meta().owner_references.as_ref()?.first().map(|r| format!("{}/{}", r.kind, r.name)));
        let mut json = obj.to_json();
        let conditions = conditions(&json);
        sort_keys(&mut json);
        Some(Inspection {
            kind: obj.kind(),
            namespace: obj.namespace().to_string(),
            name: obj.name().to_string(),
            owner,
            conditions,
            events: self.events(Some(id), 20),
            yaml: to_yaml(&json),
        })
    }

    /// A folded history node: the Deployment's ReplicaSets scaled to 0, kept for
    /// rollbacks up to `revisionHistoryLimit`.
    fn inspect_history(&self, deployment_uid: &str) -> Option<Inspection> {
        let store = &self.engine.store;
        let d = store.get_by_uid(deployment_uid)?;
        let view = crate::kinds::View::new(store);
        let mut old: Vec<&Object> =
            store.owned_by(deployment_uid).filter(|o| crate::graph::is_history(o, &view)).map(|o| &**o).collect();
        let revision = |o: &Object| o.as_replica_set().map_or(0, crate::controllers::deployment::util::revision);
        crate::sort::sort_by_key(&mut old, |o| revision(o));
        let mut yaml = String::from("# Scaled to 0 and kept for `kubectl rollout undo` (revisionHistoryLimit)\n");
        for o in &old {
            let image = crate::api::pod::template_images(o.as_replica_set().and_then(|rs| rs.spec.template.as_ref()));
            yaml.push_str(&format!("- name: {}\n  revision: {}\n  image: {image}\n", o.name(), revision(o)));
        }
        let mut events: Vec<EventRow> = old.iter().flat_map(|o| self.events(Some(o.uid()), 20)).collect();
        events.truncate(20);
        Some(Inspection {
            kind: Kind::ReplicaSet,
            namespace: d.namespace().to_string(),
            name: format!("{} old ReplicaSet{}", old.len(), if old.len() == 1 { "" } else { "s" }),
            owner: Some(format!("deployment/{}", d.name())),
            conditions: Vec::new(),
            events,
            yaml,
        })
    }

    /// The document of the editor text a graph node comes from: the object itself or
    /// the nearest owner the text declares (a Pod's Deployment, say).
    pub fn source_of(&self, id: &str) -> Option<SourceSpan> {
        let store = &self.engine.store;
        let mut obj: &Object = store.get_by_uid(id.strip_suffix("/history").unwrap_or(id))?;
        for _ in 0..8 {
            let key = obj.key();
            if let Some(span) = self.sources.get(&key) {
                return Some(span.clone());
            }
            obj = store.get_by_uid(&obj.controller_ref()?.uid)?;
        }
        None
    }
}

/// What `-f` reads in the app: `-` is the editor's text; there are no other files.
struct EditorFiles<'a>(&'a str);

impl crate::kubectl::Files for EditorFiles<'_> {
    fn read(&self, path: &str) -> Result<String, String> {
        match path {
            "-" => Ok(self.0.to_string()),
            other => Err(format!("the path {other:?} does not exist (in the app, -f - reads the editor's text)")),
        }
    }
}

fn fresh_engine(start: Timestamp, seed: u64) -> Engine {
    let mut engine = new_cluster(start, seed);
    engine.store.limits = WEB_LIMITS;
    engine
}

fn conditions(json: &Value) -> Vec<ConditionRow> {
    let text = |c: &Value, k: &str| c.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
    json.pointer("/status/conditions")
        .and_then(Value::as_array)
        .map(|cs| {
            cs.iter()
                .map(|c| ConditionRow {
                    type_: text(c, "type"),
                    status: text(c, "status"),
                    reason: text(c, "reason"),
                    message: text(c, "message"),
                    last_transition: text(c, "lastTransitionTime"),
                })
                .collect()
        })
        .unwrap_or_default()
}
