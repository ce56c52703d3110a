//! The simulated API server: the single source of truth and the one write path. Every
//! write, from kubectl, a controller, the scheduler or the kubelet, goes through the same
//! pipeline: defaulting, the kind's strategy, admission (namespace lifecycle, object
//! limits), validation on create and on update, storage with uid, resourceVersion and
//! generation as the API server assigns them, a watch event and a trace record carrying
//! the sync that made it and its reason. The same pipeline runs as a dry run for the
//! editor and `--dry-run=server`. Indexes (by owner uid, by node, by the object an Event
//! is about) let a reconcile touch only what it owns.

use crate::api::selector::{Requirement, Selector};
use crate::api::time::Clock;
use crate::api::{Kind, ObjKey, Object};
use crate::kinds::event::Subject;
use crate::kinds::{Allocators, KeyRef, Keyed};
use crate::sim::rng::Rng;
use crate::trace::{TraceRecord, Verb};
use crate::validation::{self, field::FieldError};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use objects::Objects;
use rustc_hash::FxHashMap as HashMap;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::Bound;
use std::rc::Rc;

mod admission;
mod index;
mod objects;

/// Hard caps: a manifest or script that would exceed them gets an error, never a frozen tab.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Objects other than Events.
    pub max_objects: usize,
    /// Events kept; the oldest expire first, as the API server's event TTL does.
    pub max_events: usize,
    /// Trace records kept; older ones are dropped first (0 keeps none).
    pub max_trace: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_objects: 100_000, max_events: 50_000, max_trace: usize::MAX }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WatchType {
    Added,
    Modified,
    Deleted,
}

/// What a watch delivers to controllers.
#[derive(Clone, Debug)]
pub struct WatchEvent {
    pub kind: WatchType,
    pub object: Rc<Object>,
    pub old: Option<Rc<Object>>,
}

/// Errors shaped like API statuses; Display is what kubectl prints.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    NotFound {
        kind: Kind,
        name: String,
    },
    AlreadyExists {
        kind: Kind,
        name: String,
    },
    Invalid {
        kind: Kind,
        name: String,
        errors: Vec<FieldError>,
    },
    BadRequest(String),
    /// `Error from server (Forbidden): <message>`.
    Forbidden(String),
    TooManyObjects(usize),
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::NotFound { kind, name } => {
                write!(f, "Error from server (NotFound): {} {name:?} not found", kind.resource_plural())
            }
            ApiError::AlreadyExists { kind, name } => {
                write!(f, "Error from server (AlreadyExists): {} {name:?} already exists", kind.resource_plural())
            }
            ApiError::Invalid { kind, name, errors } => {
                f.write_str(&validation::field::invalid_message(kind.name(), name, errors))
            }
            ApiError::BadRequest(m) => write!(f, "Error from server (BadRequest): {m}"),
            ApiError::Forbidden(m) => write!(f, "Error from server (Forbidden): {m}"),
            ApiError::TooManyObjects(n) => write!(
                f,
                "Error from server (Forbidden): kubeloop limit reached: the cluster already holds {n} objects"
            ),
        }
    }
}

/// A controller decision that wrote nothing, in the controller's words.
#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    pub ms: i64,
    pub sync: Option<u64>,
    pub actor: &'static str,
    pub why: Rc<str>,
}

/// How dependents are treated when their owner is deleted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Propagation {
    Background,
    Foreground,
    Orphan,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct DeleteOptions {
    pub grace_period_seconds: Option<i64>,
    pub propagation: Option<Propagation>,
}

pub const FINALIZER_ORPHAN: &str = "orphan";
pub const FINALIZER_FOREGROUND: &str = "foregroundDeletion";

pub struct Store {
    objects: Objects,
    /// Keys by uid; the uid is shared with the Events about the object.
    by_uid: HashMap<Rc<str>, ObjKey>,
    /// Dependents by owner uid, holding the objects themselves: a controller walks what
    /// it owns without a lookup per object.
    by_owner: HashMap<String, BTreeMap<ObjKey, Rc<Object>>>,
    pods_by_node: HashMap<String, BTreeSet<ObjKey>>,
    /// Pods without a controller, which a matching ReplicaSet may adopt.
    orphan_pods: BTreeSet<ObjKey>,
    /// Each workload's parsed spec.selector, parsed once per write that changes it.
    selectors: HashMap<ObjKey, Rc<Selector>>,
    /// Pods by one label (key, value): a selector's candidates without a namespace scan.
    pods_by_label: HashMap<(String, String), BTreeSet<ObjKey>>,
    /// Events by the uid of the object they are about.
    events_by_object: HashMap<Rc<str>, BTreeSet<ObjKey>>,
    resource_version: u64,
    pub clock: Clock,
    pub rng: Rng,
    pub limits: Limits,
    watch: Vec<WatchEvent>,
    pub trace: Vec<TraceRecord>,
    /// Decisions that wrote nothing, bounded like the trace.
    pub decisions: Vec<Decision>,
    /// Records dropped from the front of the trace by `limits.max_trace`.
    pub trace_dropped: usize,
    /// Creates refused because `limits.max_objects` was reached.
    pub limit_refusals: u64,
    /// The registry allocators (ClusterIPs).
    alloc: Allocators,
    /// The controller sync whose writes are being made, if any (set by the engine).
    pub sync: Option<u64>,
    /// The reason the next write is made, if the writer gave one (taken by that write).
    why: Option<std::rc::Rc<str>>,
    /// Events in creation order, for expiry.
    event_order: std::collections::VecDeque<ObjKey>,
    /// The reason expiry gives, made once per limit.
    expiry_why: Option<(usize, Rc<str>)>,
    /// The keys of the last `CHANGE_LOG` writes with their resourceVersions.
    changes: std::collections::VecDeque<(u64, ObjKey)>,
}

/// How many writes `changes_since` reaches back: a UI frame rarely sees more.
pub(crate) const CHANGE_LOG: usize = 4096;

impl Store {
    pub fn new(clock: Clock, seed: u64) -> Self {
        Store {
            objects: Objects::default(),
            by_uid: HashMap::default(),
            by_owner: HashMap::default(),
            pods_by_node: HashMap::default(),
            orphan_pods: BTreeSet::new(),
            events_by_object: HashMap::default(),
            selectors: HashMap::default(),
            pods_by_label: HashMap::default(),
            resource_version: 0,
            clock,
            rng: Rng::new(seed),
            limits: Limits::default(),
            watch: Vec::new(),
            trace: Vec::new(),
            trace_dropped: 0,
            decisions: Vec::new(),
            limit_refusals: 0,
            alloc: Allocators::default(),
            sync: None,
            why: None,
            event_order: std::collections::VecDeque::new(),
            expiry_why: None,
            changes: std::collections::VecDeque::new(),
        }
    }

    pub fn now(&self) -> Time {
        self.clock.time()
    }

    /// The last resourceVersion handed out: it moves on every write, so a view can tell
    /// whether anything changed since it last looked.
    pub fn revision(&self) -> u64 {
        self.resource_version
    }

    pub fn len(&self) -> usize {
        self.objects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    pub fn get(&self, key: &ObjKey) -> Option<&Rc<Object>> {
        self.objects.get(key)
    }

    pub fn get_named(&self, kind: Kind, namespace: &str, name: &str) -> Option<&Rc<Object>> {
        self.objects.get(&KeyRef::new(kind, namespace, name))
    }

    pub fn get_by_uid(&self, uid: &str) -> Option<&Rc<Object>> {
        self.by_uid.get(uid).and_then(|k| self.objects.get(k))
    }

    /// An Event's `involvedObject` for `about`: the stored key and uid, shared, when
    /// `about` is stored; its own copies when it is not (gone, or never written).
    pub fn subject(&self, about: &Object) -> Subject {
        let resource_version = about.meta().resource_version.as_deref().and_then(|rv| rv.parse().ok());
        match self.by_uid.get_key_value(about.uid()) {
            Some((uid, key)) if key.kind == about.kind() => {
                Subject { key: key.clone(), uid: uid.clone(), resource_version }
            }
            _ => Subject { key: about.key(), uid: about.uid().into(), resource_version },
        }
    }

    /// All objects of a kind, optionally in one namespace, in name order.
    pub fn list<'a>(&'a self, kind: Kind, namespace: Option<&'a str>) -> impl Iterator<Item = &'a Rc<Object>> + 'a {
        let start = KeyRef::new(kind, namespace.unwrap_or(""), "");
        self.objects
            .from(start)
            .take_while(move |(k, _)| k.kind == kind && namespace.is_none_or(|n| &*k.namespace == n))
            .map(|(_, v)| v)
    }

    /// Objects whose ownerReferences name this uid.
    pub fn owned_by(&self, uid: &str) -> impl Iterator<Item = &Rc<Object>> {
        self.by_owner.get(uid).into_iter().flat_map(BTreeMap::values)
    }

    /// Pods in a namespace that no controller owns.
    pub fn orphan_pods<'a>(&'a self, namespace: &'a str) -> impl Iterator<Item = &'a Rc<Object>> + 'a {
        let start = KeyRef::new(Kind::Pod, namespace, "");
        self.orphan_pods
            .range::<dyn Keyed, _>((Bound::Included(start.dyn_key()), Bound::Unbounded))
            .take_while(move |k| &*k.namespace == namespace)
            .filter_map(|k| self.objects.get(k))
    }

    /// Events in `namespace` about the object with this uid.
    pub fn events_about<'a>(&'a self, namespace: &'a str, uid: &str) -> impl Iterator<Item = &'a Rc<Object>> + 'a {
        self.events_by_object
            .get(uid)
            .into_iter()
            .flatten()
            .filter(move |k| &*k.namespace == namespace)
            .filter_map(|k| self.objects.get(k))
    }

    /// The parsed spec.selector of a stored workload (None for kinds without one).
    pub fn selector(&self, key: &ObjKey) -> Option<&Rc<Selector>> {
        self.selectors.get(key)
    }

    /// Pods in `namespace` that `selector` matches, found through the label index: the
    /// smallest set of pods carrying one of its `key=value` requirements is filtered,
    /// and only a selector without one lists the namespace.
    pub fn pods_matching<'a>(&'a self, namespace: &'a str, selector: &Selector) -> Vec<&'a Rc<Object>> {
        let mut best: Option<&BTreeSet<ObjKey>> = None;
        for r in &selector.requirements {
            if let Requirement::Equals(k, v) = r {
                let set = self.pods_by_label.get(&(k.clone(), v.clone()));
                let Some(set) = set else { return Vec::new() };
                if best.is_none_or(|b| set.len() < b.len()) {
                    best = Some(set);
                }
            }
        }
        match best {
            Some(set) => set
                .iter()
                .filter(|k| &*k.namespace == namespace)
                .filter_map(|k| self.objects.get(k))
                .filter(|p| selector.matches(p.labels()))
                .collect(),
            None => self.list(Kind::Pod, Some(namespace)).filter(|p| selector.matches(p.labels())).collect(),
        }
    }

    /// Keeps a decision that wrote nothing (bounded by `limits.max_trace`).
    pub fn note(&mut self, actor: &'static str, why: String) {
        if self.limits.max_trace == 0 {
            return;
        }
        if self.decisions.len() >= self.limits.max_trace {
            let drop = (self.decisions.len() / 4).max(1);
            self.decisions.drain(..drop);
        }
        self.decisions.push(Decision { ms: self.clock.now_ms, sync: self.sync, actor, why: Rc::from(why) });
    }

    /// Drops a reason no write took (the writer decided, then wrote nothing).
    pub fn forget_reason(&mut self) {
        self.why = None;
    }

    /// Gives the next write a one-line reason (what the writer decided, from which inputs).
    pub fn because(&mut self, why: impl Into<String>) {
        self.why = Some(std::rc::Rc::from(why.into()));
    }

    pub fn pods_on_node(&self, node: &str) -> impl Iterator<Item = &Rc<Object>> {
        self.pods_by_node.get(node).into_iter().flatten().filter_map(|k| self.objects.get(k))
    }

    /// Watch events since the last drain, in write order.
    pub fn drain_watch(&mut self) -> Vec<WatchEvent> {
        std::mem::take(&mut self.watch)
    }

    pub fn has_pending_watch(&self) -> bool {
        !self.watch.is_empty()
    }

    fn next_rv(&mut self) -> String {
        self.resource_version += 1;
        self.resource_version.to_string()
    }

    /// Queues a watch event for the controllers and logs the key for readers that
    /// follow the store from a revision ([`Store::changes_since`]).
    fn emit(&mut self, key: ObjKey, event: WatchEvent) {
        if self.changes.len() >= CHANGE_LOG {
            self.changes.pop_front();
        }
        self.changes.push_back((self.resource_version, key));
        self.watch.push(event);
    }

    /// The keys written after revision `since`, oldest first (a key once per write), or
    /// None when the log no longer reaches back that far (or `since` is from another
    /// store): like a watch from a resourceVersion that etcd has compacted away, the
    /// reader then lists everything again.
    pub fn changes_since(&self, since: u64) -> Option<impl Iterator<Item = &ObjKey>> {
        let oldest = self.changes.front().map_or(self.resource_version, |(rv, _)| rv - 1);
        if since < oldest || since > self.resource_version {
            return None;
        }
        Some(self.changes.iter().skip_while(move |(rv, _)| *rv <= since).map(|(_, k)| k))
    }

    fn record(&mut self, actor: &'static str, verb: Verb, object: Rc<Object>) {
        let why = self.why.take();
        if self.limits.max_trace == 0 {
            self.trace_dropped += 1;
            return;
        }
        if self.trace.len() >= self.limits.max_trace {
            let drop = (self.trace.len() / 4).max(1);
            self.trace.drain(..drop);
            self.trace_dropped += drop;
        }
        self.trace.push(TraceRecord { ms: self.clock.now_ms, actor, verb, object, sync: self.sync, why });
    }

    /// Creates an object, filling name (from generateName), namespace, uid,
    /// resourceVersion, generation and creationTimestamp; defaults and validates it.
    pub fn create(&mut self, obj: Object, actor: &'static str) -> Result<Rc<Object>, ApiError> {
        let done = self.create_inner(obj, actor);
        // A reason belongs to the write it was given for, stored or refused.
        self.why = None;
        done
    }

    fn create_inner(&mut self, mut obj: Object, actor: &'static str) -> Result<Rc<Object>, ApiError> {
        let kind = obj.kind();
        if kind.expires() {
            while self.event_order.len() >= self.limits.max_events.max(1) {
                let Some(oldest) = self.event_order.front().cloned() else { break };
                if self.objects.contains_key(&oldest) {
                    let callers = self.why.take();
                    let max = self.limits.max_events;
                    let why = match self.expiry_why.take() {
                        Some((m, why)) if m == max => why,
                        _ => Rc::from(format!("expired: the newest {max} events are kept")),
                    };
                    self.why = Some(why.clone());
                    self.expiry_why = Some((max, why));
                    self.remove(&oldest, "kube-apiserver", None);
                    self.why = callers;
                } else {
                    self.event_order.pop_front();
                }
            }
        } else if let Err(e) = self.check_object_limit() {
            self.limit_refusals += 1;
            return Err(e);
        }
        let prefix = generated_prefix(&obj);
        if let Some(prefix) = &prefix {
            obj.meta_mut().name = Some(format!("{prefix}{}", self.rng.suffix(5)));
        }
        self.admit_create(&mut obj, &BTreeSet::new())?;
        obj.allocate(&mut self.alloc);
        // A generated name that is taken is generated again (RetryGenerateName).
        let mut attempts = 0;
        while self.objects.contains_key(&obj.key()) {
            match &prefix {
                Some(p) if attempts < 8 => {
                    attempts += 1;
                    obj.meta_mut().name = Some(format!("{p}{}", self.rng.suffix(5)));
                }
                _ => return Err(ApiError::AlreadyExists { kind, name: obj.name().to_string() }),
            }
        }
        let uid = self.rng.uid();
        let rv = self.next_rv();
        let now = self.now();
        let meta = obj.meta_mut();
        meta.uid = Some(uid);
        meta.resource_version = Some(rv);
        meta.creation_timestamp = Some(now);
        meta.deletion_timestamp = None;
        meta.generation = kind.has_generation().then_some(1);
        let obj = Rc::new(obj);
        let key = obj.key();
        self.index(&obj, &key, true);
        if kind.expires() {
            self.event_order.push_back(key.clone());
        }
        self.objects.insert(key.clone(), obj.clone());
        self.emit(key, WatchEvent { kind: WatchType::Added, object: obj.clone(), old: None });
        self.record(actor, Verb::Create, obj.clone());
        Ok(obj)
    }

    /// `create` as a dry run (`?dryRun=All`): every check, nothing stored or allocated.
    /// Returns the object as it would be stored. `namespaces` are taken to exist: a
    /// stream's earlier documents that create them.
    pub fn create_dry_run(&self, mut obj: Object, namespaces: &BTreeSet<String>) -> Result<Object, ApiError> {
        if !obj.kind().expires() {
            self.check_object_limit()?;
        }
        if let Some(prefix) = generated_prefix(&obj) {
            obj.meta_mut().name = Some(format!("{prefix}xxxxx"));
        }
        self.admit_create(&mut obj, namespaces)?;
        if generated_prefix(&obj).is_none() && self.objects.contains_key(&obj.key()) {
            return Err(ApiError::AlreadyExists { kind: obj.kind(), name: obj.name().to_string() });
        }
        Ok(obj)
    }

    fn check_object_limit(&self) -> Result<(), ApiError> {
        if self.objects.len().saturating_sub(self.event_order.len()) >= self.limits.max_objects {
            return Err(ApiError::TooManyObjects(self.limits.max_objects));
        }
        Ok(())
    }

    /// The create pipeline up to storage: namespace, defaulting, the kind's
    /// PrepareForCreate, the NamespaceLifecycle and DefaultStorageClass admission plugins,
    /// validation.
    fn admit_create(&self, obj: &mut Object, namespaces: &BTreeSet<String>) -> Result<(), ApiError> {
        let kind = obj.kind();
        let meta = obj.meta_mut();
        if kind.namespaced() {
            if meta.namespace.as_deref().is_none_or(str::is_empty) {
                meta.namespace = Some("default".into());
            }
        } else {
            meta.namespace = None;
        }
        obj.set_defaults();
        obj.prepare_for_create();
        admission::namespace_lifecycle_create(self, obj, namespaces)?;
        admission::default_storage_class(self, obj);
        let errors = validation::validate_create(obj);
        if !errors.is_empty() {
            return Err(ApiError::Invalid { kind, name: obj.name().to_string(), errors });
        }
        Ok(())
    }

    /// Replaces an object. Identity fields are kept from the stored copy; `generation`
    /// moves as the kind's strategy says. An object being deleted whose last finalizer
    /// is removed here is gone after the write.
    pub fn update(&mut self, obj: Object, actor: &'static str) -> Result<Rc<Object>, ApiError> {
        let done = self.update_inner(obj, actor);
        self.why = None;
        done
    }

    fn update_inner(&mut self, obj: Object, actor: &'static str) -> Result<Rc<Object>, ApiError> {
        let (obj, old) = self.admit_update(obj, actor)?;
        let key = obj.key();
        let mut obj = obj;
        let rv = self.next_rv();
        obj.meta_mut().resource_version = Some(rv);
        // shouldDeleteDuringUpdate (apiserver registry/generic/registry/store.go): the last
        // finalizer gone from an object being deleted with no grace period left removes it; a
        // pod still in its grace period waits for the kubelet's final delete.
        let finished = old.is_deleting()
            && obj.meta().finalizers.as_ref().is_none_or(Vec::is_empty)
            && old.meta().deletion_grace_period_seconds.is_none_or(|g| g == 0)
            && !obj.deletion_held();
        let obj = Rc::new(obj);
        if finished {
            return Ok(self.remove(&key, actor, Some(obj)));
        }
        self.reindex(&old, &obj, &key);
        self.objects.insert(key.clone(), obj.clone());
        self.emit(key, WatchEvent { kind: WatchType::Modified, object: obj.clone(), old: Some(old) });
        self.record(actor, Verb::Update, obj.clone());
        Ok(obj)
    }

    /// `update` as a dry run: the object as it would be stored, nothing written.
    pub fn update_dry_run(&self, obj: Object, actor: &'static str) -> Result<Object, ApiError> {
        self.admit_update(obj, actor).map(|(o, _)| o)
    }

    /// The update pipeline up to storage: identity from the stored copy, defaulting,
    /// validation (for every actor), generation.
    fn admit_update(&self, mut obj: Object, actor: &'static str) -> Result<(Object, Rc<Object>), ApiError> {
        let key = obj.key();
        let kind = key.kind;
        let Some(old) = self.objects.get(&key).cloned() else {
            return Err(ApiError::NotFound { kind, name: key.name.to_string() });
        };
        {
            let (om, m) = (old.meta(), obj.meta_mut());
            m.uid.clone_from(&om.uid);
            m.creation_timestamp.clone_from(&om.creation_timestamp);
            m.deletion_timestamp.clone_from(&om.deletion_timestamp);
            m.deletion_grace_period_seconds = om.deletion_grace_period_seconds;
            m.generation = om.generation;
        }
        obj.set_defaults();
        let errors = validation::validate_update(&obj, &old);
        if !errors.is_empty() {
            return Err(ApiError::Invalid { kind, name: key.name.to_string(), errors });
        }
        if kind.has_generation() && obj.bumps_generation(&old, actor_is_user(actor)) {
            obj.meta_mut().generation = Some(old.meta().generation.unwrap_or(0) + 1);
        }
        Ok((obj, old))
    }

    fn remove(&mut self, key: &ObjKey, actor: &'static str, last: Option<Rc<Object>>) -> Rc<Object> {
        let old = self.objects.remove(key).expect("remove of a stored key");
        self.index(&old, key, false);
        if key.kind.expires() {
            if self.event_order.front() == Some(key) {
                self.event_order.pop_front();
            } else {
                self.event_order.retain(|k| k != key);
            }
        }
        // A delete moves resourceVersion too: the watch event carries the new one.
        // Copied only if someone still holds it (once out of the map and the indexes,
        // usually nobody does).
        let mut last = last.unwrap_or(old);
        Rc::make_mut(&mut last).meta_mut().resource_version = Some(self.next_rv());
        self.emit(key.clone(), WatchEvent { kind: WatchType::Deleted, object: last.clone(), old: None });
        self.record(actor, Verb::Delete, last.clone());
        last
    }

    /// Deletes as the API server does: pods bound to a node terminate gracefully, and
    /// objects with finalizers (including the GC's orphan and foregroundDeletion) get a
    /// deletionTimestamp; everything else is removed at once.
    pub fn delete(&mut self, key: &ObjKey, opts: DeleteOptions, actor: &'static str) -> Result<Rc<Object>, ApiError> {
        let done = self.delete_inner(key, opts, actor);
        self.why = None;
        done
    }

    fn delete_inner(&mut self, key: &ObjKey, opts: DeleteOptions, actor: &'static str) -> Result<Rc<Object>, ApiError> {
        let Some(old) = self.objects.get(key).cloned() else {
            return Err(ApiError::NotFound { kind: key.kind, name: key.name.to_string() });
        };
        admission::namespace_lifecycle_delete(key)?;
        let grace = old.delete_grace(opts.grace_period_seconds);
        let mut finalizers = old.meta().finalizers.clone().unwrap_or_default();
        if old.is_deleting() {
            // A second delete can only shorten the grace period (BeforeDelete's pending
            // graceful deletion): grace 0 with nothing left to wait for removes the object,
            // a shorter grace is written, anything else changes nothing.
            let current = old.meta().deletion_grace_period_seconds.unwrap_or(0);
            if grace >= current && !(grace == 0 && finalizers.is_empty() && !old.deletion_held()) {
                return Ok(old);
            }
        } else {
            match opts.propagation {
                Some(Propagation::Orphan) => finalizers.push(FINALIZER_ORPHAN.into()),
                Some(Propagation::Foreground) => finalizers.push(FINALIZER_FOREGROUND.into()),
                _ => {}
            }
        }
        if grace == 0 && finalizers.is_empty() && !old.deletion_held() {
            return Ok(self.remove(key, actor, None));
        }
        let mut obj = (*old).clone();
        obj.begin_deletion();
        let rv = self.next_rv();
        let at = self.clock.now().checked_add(jiff::SignedDuration::from_secs(grace)).unwrap_or(self.clock.now());
        let m = obj.meta_mut();
        m.deletion_timestamp = Some(Time(crate::api::time::truncate(at)));
        m.deletion_grace_period_seconds = Some(grace);
        m.finalizers = (!finalizers.is_empty()).then_some(finalizers);
        m.resource_version = Some(rv);
        let obj = Rc::new(obj);
        self.reindex(&old, &obj, key);
        self.objects.insert(key.clone(), obj.clone());
        self.emit(key.clone(), WatchEvent { kind: WatchType::Modified, object: obj.clone(), old: Some(old) });
        self.record(actor, Verb::Update, obj.clone());
        Ok(obj)
    }
}

/// The name prefix of an object named by generateName (names.SimpleNameGenerator: the
/// base is cut to 58 characters, then 5 random ones follow).
fn generated_prefix(obj: &Object) -> Option<String> {
    let meta = obj.meta();
    if !meta.name.as_deref().is_none_or(str::is_empty) {
        return None;
    }
    let p = meta.generate_name.as_deref().filter(|p| !p.is_empty())?;
    let mut cut = p.len().min(58);
    while !p.is_char_boundary(cut) {
        cut -= 1;
    }
    Some(p[..cut].to_string())
}

/// Writes through the main resource (people, with kubectl) rather than the status
/// subresource, where the controllers' writes go.
fn actor_is_user(actor: &str) -> bool {
    actor == "kubectl"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::time::parse_rfc3339;
    use crate::manifest;

    fn store() -> Store {
        let mut s = Store::new(Clock::new(parse_rfc3339("2026-01-01T00:00:00Z").unwrap()), 1);
        s.create(object("apiVersion: v1\nkind: Namespace\nmetadata: {name: default}\n"), "test").unwrap();
        s
    }

    fn object(yaml: &str) -> Object {
        manifest::parse(yaml).unwrap().remove(0).object
    }

    #[test]
    fn create_assigns_identity_and_defaults() {
        let mut s = store();
        let d = s
            .create(object("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, image: nginx}]}\n"), "kubectl")
            .unwrap();
        assert_eq!(d.namespace(), "default");
        assert_eq!(d.meta().generation, Some(1));
        assert_eq!(d.meta().resource_version.as_deref(), Some("2"));
        let d = d.as_deployment().unwrap();
        assert_eq!(d.spec.replicas, Some(1));
        assert_eq!(d.spec.progress_deadline_seconds, Some(600));
        let c = &d.spec.template.spec.as_ref().unwrap().containers[0];
        assert_eq!(c.image_pull_policy.as_deref(), Some("Always"));
        assert_eq!(s.trace.len(), 2);
        let err = s
            .create(object("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: nope}\n"), "kubectl")
            .unwrap_err();
        assert_eq!(err.to_string(), "Error from server (NotFound): namespaces \"nope\" not found");
    }

    #[test]
    fn invalid_objects_are_refused_with_upstream_messages() {
        let mut s = store();
        let err = s
            .create(object("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: Web}\nspec:\n  replicas: -1\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: other}}\n    spec: {containers: [{name: c, image: nginx}]}\n"), "kubectl")
            .unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("The Deployment \"Web\" is invalid: \n* metadata.name: Invalid value: \"Web\": a lowercase RFC 1123 subdomain"), "{text}");
        assert!(text.contains("* spec.replicas: Invalid value: -1: must be greater than or equal to 0"), "{text}");
        assert!(text.contains("* spec.template.metadata.labels: Invalid value: {\"app\":\"other\"}: `selector` does not match template `labels`"), "{text}");
    }

    #[test]
    fn object_limit_refuses_and_events_expire_oldest_first() {
        let mut s = store();
        s.limits = Limits { max_objects: 3, max_events: 2, max_trace: usize::MAX };
        for n in ["a", "b"] {
            s.create(object(&format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {n}}}\n")), "kubectl")
                .unwrap();
        }
        let err = s.create(object("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"), "kubectl").unwrap_err();
        assert!(matches!(err, ApiError::TooManyObjects(3)), "{err:?}");
        assert_eq!(s.limit_refusals, 1);
        for n in ["e1", "e2", "e3"] {
            let about = s.get_named(Kind::ConfigMap, "default", "a").unwrap().clone();
            let now = s.now();
            let ev = crate::kinds::event::Event {
                metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
                    name: Some(n.to_string()),
                    ..Default::default()
                },
                involved_object: s.subject(&about),
                reason: "Test",
                message: "".into(),
                type_: "Normal",
                component: "kubelet",
                first_timestamp: now.clone(),
                last_timestamp: now,
                count: 1,
            };
            s.create(Object::Event(Box::new(ev)), "kubelet").unwrap();
        }
        let events: Vec<_> = s.list(Kind::Event, None).map(|e| e.name().to_string()).collect();
        assert_eq!(events, vec!["e2", "e3"]);
    }

    #[test]
    fn changes_since_reaches_back_as_far_as_its_log() {
        let mut s = store();
        let start = s.revision();
        for n in ["a", "b"] {
            s.create(object(&format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {n}}}\n")), "kubectl")
                .unwrap();
        }
        let names =
            |s: &Store, since| s.changes_since(since).map(|k| k.map(|k| k.name.to_string()).collect::<Vec<_>>());
        assert_eq!(names(&s, start), Some(vec!["a".to_string(), "b".to_string()]));
        assert_eq!(names(&s, start + 1), Some(vec!["b".to_string()]));
        assert_eq!(names(&s, s.revision()), Some(vec![]));
        assert_eq!(names(&s, s.revision() + 1), None, "a revision this store never had");
        for i in 0..CHANGE_LOG {
            s.create(object(&format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\n")), "kubectl")
                .unwrap();
        }
        assert_eq!(names(&s, start), None, "compacted away: list again");
        assert_eq!(names(&s, s.revision() - 1).map(|v| v.len()), Some(1));
    }

    #[test]
    fn graceful_pod_deletion_and_finalizers() {
        let mut s = store();
        let pod = s.create(object("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {nodeName: node-1, containers: [{name: c, image: x}]}\n"), "kubectl").unwrap();
        let key = pod.key();
        let p = s.delete(&key, DeleteOptions::default(), "kubectl").unwrap();
        assert!(p.is_deleting());
        assert_eq!(p.meta().deletion_grace_period_seconds, Some(30));
        assert!(s.get(&key).is_some());
        s.delete(&key, DeleteOptions { grace_period_seconds: Some(0), ..Default::default() }, "kubelet").unwrap();
        assert!(s.get(&key).is_none());
        let cm = s.create(object("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"), "kubectl").unwrap();
        let key = cm.key();
        s.delete(&key, DeleteOptions { propagation: Some(Propagation::Orphan), ..Default::default() }, "kubectl")
            .unwrap();
        let mut obj = (**s.get(&key).unwrap()).clone();
        obj.meta_mut().finalizers = None;
        s.update(obj, "garbage-collector").unwrap();
        assert!(s.get(&key).is_none());
        // A pod with nothing to wait for (not on a node) but a finalizer goes when the
        // finalizer does; one in its grace period stays for the kubelet.
        for (name, node, gone) in [("unbound", "", true), ("bound", "node-1", false)] {
            let spec = if node.is_empty() { String::new() } else { format!("nodeName: {node}, ") };
            let pod = s
                .create(object(&format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, finalizers: [example.com/hold]}}\nspec: {{{spec}containers: [{{name: c, image: x}}]}}\n")), "kubectl")
                .unwrap();
            let key = pod.key();
            s.delete(&key, DeleteOptions::default(), "kubectl").unwrap();
            let mut obj = (**s.get(&key).unwrap()).clone();
            obj.meta_mut().finalizers = None;
            s.update(obj, "kubectl").unwrap();
            assert_eq!(s.get(&key).is_none(), gone, "{name}");
        }
    }

    #[test]
    fn label_index_and_parsed_selectors_follow_every_write() {
        let mut s = store();
        for (n, app) in [("a", "web"), ("b", "web"), ("c", "db")] {
            s.create(object(&format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: {n}, labels: {{app: {app}, tier: x}}}}\nspec: {{containers: [{{name: c, image: x}}]}}\n")), "kubectl").unwrap();
        }
        let web = Selector::from_label_selector(&k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector {
            match_labels: Some([("app".to_string(), "web".to_string()), ("tier".to_string(), "x".to_string())].into()),
            match_expressions: None,
        })
        .unwrap();
        let names =
            |s: &Store| s.pods_matching("default", &web).iter().map(|p| p.name().to_string()).collect::<Vec<_>>();
        assert_eq!(names(&s), vec!["a", "b"]);
        let mut b = (**s.get_named(Kind::Pod, "default", "b").unwrap()).clone();
        b.meta_mut().labels = Some([("app".to_string(), "db".to_string())].into());
        s.update(b, "kubectl").unwrap();
        assert_eq!(names(&s), vec!["a"], "relabelled pods leave the index");
        s.delete(&ObjKey::new(Kind::Pod, "default", "a"), DeleteOptions::default(), "kubectl").unwrap();
        assert!(names(&s).is_empty());
        let rs = s
            .create(object("apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: r}\nspec:\n  selector: {matchLabels: {app: db}}\n  template:\n    metadata: {labels: {app: db}}\n    spec: {containers: [{name: c, image: nginx}]}\n"), "kubectl")
            .unwrap();
        let sel = s.selector(&rs.key()).expect("parsed at create").clone();
        assert_eq!(s.pods_matching("default", &sel).len(), 2);
        s.delete(&rs.key(), DeleteOptions::default(), "kubectl").unwrap();
        assert!(s.selector(&rs.key()).is_none(), "dropped with the object");
    }
}
