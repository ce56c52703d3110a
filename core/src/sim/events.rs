//! The event recorder: core/v1 Events written through the store after client-go's
//! EventCorrelator (tools/record/events_cache.go), one per component as each upstream
//! controller has its own broadcaster. In order: similar events (same source, object,
//! type and reason; ten different messages within ten minutes) are aggregated into one
//! "(combined from similar events): ..." event; an event seen before bumps `count` and
//! `lastTimestamp` of the stored one; a token bucket per source and object (burst 25,
//! one more every five minutes) drops the rest. Every cache is an LRU of 4096 entries,
//! as upstream's, so memory stays bounded however long a session runs.

use crate::api::{Kind, Object};
use crate::kinds::event::{Event, Subject};
use crate::store::Store;
use hashlink::LruCache;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeSet;
use std::hash::{Hash, Hasher};

const LRU_ENTRIES: usize = 4096;
const AGGREGATE_MAX_EVENTS: usize = 10;
const AGGREGATE_INTERVAL_MS: i64 = 600_000;
const SPAM_BURST: f64 = 25.0;
const SPAM_QPS: f64 = 1.0 / 300.0;
const COMBINED: &str = "(combined from similar events): ";

/// Cache keys are hashes of upstream's joined key strings: the same grouping without
/// keeping the strings.
fn hash_key(parts: &[&str]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    parts.hash(&mut h);
    h.finish()
}

/// Messages of similar events seen in the current interval (aggregateRecord).
struct Aggregate {
    messages: BTreeSet<String>,
    last_ms: i64,
}

/// The first occurrence of an event: its stored name, first time and count (eventLog).
struct Logged {
    count: i32,
    first: Time,
    name: String,
}

/// A token bucket (golang.org/x/time/rate, as flowcontrol's token bucket uses).
struct Bucket {
    tokens: f64,
    last_ms: i64,
}

/// The caches are keyed by our own hashes already: FxHash spreads a u64 well enough.
type Lru<V> = LruCache<u64, V, rustc_hash::FxBuildHasher>;

struct Correlator {
    aggregates: Lru<Aggregate>,
    logged: Lru<Logged>,
    spam: Lru<Bucket>,
}

impl Default for Correlator {
    fn default() -> Self {
        Correlator {
            aggregates: LruCache::with_hasher(LRU_ENTRIES, Default::default()),
            logged: LruCache::with_hasher(LRU_ENTRIES, Default::default()),
            spam: LruCache::with_hasher(LRU_ENTRIES, Default::default()),
        }
    }
}

/// What the correlator made of one event.
#[derive(Debug, PartialEq)]
enum Outcome {
    /// Create a new Event with this message.
    Create { message: String, key: u64 },
    /// Bump the stored Event of this name to `count`, with this message.
    Bump { message: String, key: u64, name: String, count: i32, first: Time },
    /// Dropped by the spam filter.
    Skip,
}

impl Correlator {
    /// EventCorrelate: aggregate, observe, then filter.
    fn correlate(
        &mut self,
        source: &str,
        about: &Object,
        type_: &str,
        reason: &str,
        message: String,
        now_ms: i64,
    ) -> Outcome {
        let (kind, ns, name, uid) = (about.kind().name(), about.namespace(), about.name(), about.uid());
        let api_version = about.kind().api_version();
        let aggregate_key = hash_key(&[source, kind, ns, name, uid, api_version, type_, reason]);
        let full_key = hash_key(&[source, kind, ns, name, uid, api_version, type_, reason, &message]);
        let mut record = self
            .aggregates
            .remove(&aggregate_key)
            .filter(|r| now_ms - r.last_ms <= AGGREGATE_INTERVAL_MS)
            .unwrap_or(Aggregate { messages: BTreeSet::new(), last_ms: now_ms });
        record.messages.insert(message.clone());
        record.last_ms = now_ms;
        let (message, key) = if record.messages.len() < AGGREGATE_MAX_EVENTS {
            (message, full_key)
        } else {
            // The set never grows past the maximum (PopAny; the first, to stay deterministic).
            record.messages.pop_first();
            (format!("{COMBINED}{message}"), aggregate_key)
        };
        self.aggregates.insert(aggregate_key, record);
        // The observation is recorded before the filter runs, as upstream's is: a bump
        // that is dropped still counts toward the next one that gets through.
        let outcome = match self.logged.get_mut(&key) {
            Some(l) => {
                l.count += 1;
                Outcome::Bump { message, key, name: l.name.clone(), count: l.count, first: l.first.clone() }
            }
            None => Outcome::Create { message, key },
        };
        let spam_key = hash_key(&[source, kind, ns, name, uid, api_version]);
        let bucket = self.spam.remove(&spam_key).unwrap_or(Bucket { tokens: SPAM_BURST, last_ms: now_ms });
        let tokens = (bucket.tokens + (now_ms - bucket.last_ms).max(0) as f64 / 1000.0 * SPAM_QPS).min(SPAM_BURST);
        let allowed = tokens >= 1.0;
        self.spam.insert(spam_key, Bucket { tokens: if allowed { tokens - 1.0 } else { tokens }, last_ms: now_ms });
        if allowed {
            outcome
        } else {
            Outcome::Skip
        }
    }

    /// Remembers the Event a create stored (updateState).
    fn stored(&mut self, key: u64, name: String, first: Time, count: i32) {
        self.logged.insert(key, Logged { count, first, name });
    }
}

pub struct Recorder {
    /// One correlator per component (source), as each has its own broadcaster.
    correlators: HashMap<&'static str, Correlator>,
    /// Messages recently written, shared by the Events that repeat them: most of a pod's
    /// ("Created container: app", "Started container app") are every pod's.
    messages: Lru<std::rc::Rc<str>>,
}

impl Default for Recorder {
    fn default() -> Self {
        Recorder { correlators: HashMap::default(), messages: LruCache::with_hasher(LRU_ENTRIES, Default::default()) }
    }
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder").field("components", &self.correlators.len()).finish()
    }
}

impl Recorder {
    /// Drops a component's correlator: its process restarted.
    pub fn forget(&mut self, actor: &str) {
        self.correlators.remove(actor);
    }

    pub fn record(
        &mut self,
        store: &mut Store,
        actor: &'static str,
        about: &Object,
        type_: &'static str,
        reason: &'static str,
        message: String,
    ) {
        let now_ms = store.clock.now_ms;
        let now = store.now();
        let correlator = self.correlators.entry(actor).or_default();
        let namespace = if about.namespace().is_empty() { "default" } else { about.namespace() };
        let (message, key, existing) = match correlator.correlate(actor, about, type_, reason, message, now_ms) {
            Outcome::Skip => return,
            Outcome::Create { message, key } => (message, key, None),
            Outcome::Bump { message, key, name, count, first } => (message, key, Some((name, count, first))),
        };
        let message = intern(&mut self.messages, message);
        if let Some((name, count, first)) = &existing {
            let stored = store.get_named(Kind::Event, namespace, name).and_then(|o| o.as_event().cloned());
            if let Some(mut ev) = stored {
                ev.count = *count;
                ev.last_timestamp = now.clone();
                ev.message = message;
                let _ = store.update(Object::Event(Box::new(ev)), actor);
                return;
            }
            // The stored Event expired: it is created again under its name, count kept
            // (recordToSink's create after a patch finds nothing).
            let subject = store.subject(about);
            let ev =
                new_event(actor, subject, namespace, name.clone(), type_, reason, message, first.clone(), &now, *count);
            if store.create(Object::Event(Box::new(ev)), actor).is_err() {
                correlator.logged.remove(&key);
            }
            return;
        }
        // record.makeEvent names events `<object>.<unix nanos in hex>`; virtual time has
        // many events in one instant, so a taken name moves on a nanosecond.
        let mut nanos = now.0.as_nanosecond();
        let mut name = format!("{}.{nanos:x}", about.name());
        while store.get_named(Kind::Event, namespace, &name).is_some() {
            nanos += 1;
            name = format!("{}.{nanos:x}", about.name());
        }
        let subject = store.subject(about);
        let ev = new_event(actor, subject, namespace, name.clone(), type_, reason, message, now.clone(), &now, 1);
        if store.create(Object::Event(Box::new(ev)), actor).is_ok() {
            correlator.stored(key, name, now, 1);
        }
    }
}

/// The shared copy of `message` (a new one when the cache has none or another under its hash).
fn intern(messages: &mut Lru<std::rc::Rc<str>>, message: String) -> std::rc::Rc<str> {
    let key = hash_key(&[&message]);
    match messages.get(&key) {
        Some(m) if **m == *message => m.clone(),
        _ => {
            let m: std::rc::Rc<str> = message.into();
            messages.insert(key, m.clone());
            m
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn new_event(
    actor: &'static str,
    subject: Subject,
    namespace: &str,
    name: String,
    type_: &'static str,
    reason: &'static str,
    message: std::rc::Rc<str>,
    first: Time,
    now: &Time,
    count: i32,
) -> Event {
    Event {
        metadata: ObjectMeta { name: Some(name), namespace: Some(namespace.to_string()), ..Default::default() },
        involved_object: subject,
        reason,
        message,
        type_,
        component: actor,
        first_timestamp: first,
        last_timestamp: now.clone(),
        count,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::time::parse_rfc3339;
    use crate::manifest;

    fn obj(yaml: &str) -> Object {
        manifest::parse(yaml).unwrap().remove(0).object
    }

    fn setup() -> (Store, Object) {
        let mut s = Store::new(crate::api::time::Clock::new(parse_rfc3339("2026-01-01T00:00:00Z").unwrap()), 1);
        s.create(obj("apiVersion: v1\nkind: Namespace\nmetadata: {name: default}\n"), "test").unwrap();
        let cm = s.create(obj("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\n"), "test").unwrap();
        (s, (*cm).clone())
    }

    fn events(s: &Store) -> Vec<(String, i32)> {
        let mut v: Vec<_> =
            s.list(Kind::Event, None).filter_map(|o| o.as_event()).map(|e| (e.message.to_string(), e.count)).collect();
        v.sort();
        v
    }

    // events_cache_test.go TestEventCorrelator "the-same-event-should-just-count".
    #[test]
    fn the_same_event_just_counts() {
        let (mut s, cm) = setup();
        let mut r = Recorder::default();
        for _ in 0..3 {
            r.record(&mut s, "kubelet", &cm, "Normal", "Pulled", "pulled".into());
            s.clock.now_ms += 1000;
        }
        assert_eq!(events(&s), vec![("pulled".to_string(), 3)]);
    }

    // TestEventCorrelator "similar-events-should-aggregate-event" and
    // "events-from-different-reasons-should-not-aggregate".
    #[test]
    fn ten_similar_messages_aggregate_into_one_combined_event() {
        let (mut s, cm) = setup();
        let mut r = Recorder::default();
        for i in 0..13 {
            r.record(
                &mut s,
                "replicaset-controller",
                &cm,
                "Normal",
                "SuccessfulCreate",
                format!("Created pod: p{i:02}"),
            );
        }
        r.record(&mut s, "replicaset-controller", &cm, "Normal", "Other", "Created pod: p12".into());
        let got = events(&s);
        assert_eq!(got.len(), 9 + 1 + 1, "{got:?}");
        assert!(got.contains(&("(combined from similar events): Created pod: p12".to_string(), 4)), "{got:?}");
        assert!(got.contains(&("Created pod: p08".to_string(), 1)), "{got:?}");
        assert!(!got.iter().any(|(m, _)| m == "Created pod: p09"), "the tenth is the first combined: {got:?}");
    }

    // TestEventSourceObjectSpamFilter-style: 25 events, then one per five minutes.
    #[test]
    fn a_source_may_burst_25_events_about_an_object_then_one_per_five_minutes() {
        let (mut s, cm) = setup();
        let mut r = Recorder::default();
        // Reasons are static: thirty-two distinct ones, made once.
        let reasons: &'static [String] = Vec::leak((0..32).map(|i| format!("R{i}")).collect());
        let reason = |r: &mut Recorder, s: &mut Store, i: usize| {
            r.record(s, "kubelet", &cm, "Normal", &reasons[i], "m".into());
        };
        for i in 0..30 {
            reason(&mut r, &mut s, i);
        }
        assert_eq!(events(&s).len(), 25);
        s.clock.now_ms += 299_000;
        reason(&mut r, &mut s, 30);
        assert_eq!(events(&s).len(), 25, "no token yet");
        s.clock.now_ms += 301_000;
        reason(&mut r, &mut s, 31);
        assert_eq!(events(&s).len(), 26);
        // Another source about the same object has a bucket of its own.
        r.record(&mut s, "default-scheduler", &cm, "Normal", "Scheduled", "m".into());
        assert_eq!(events(&s).len(), 27);
    }

    #[test]
    fn events_that_say_the_same_share_the_message() {
        let (mut s, cm) = setup();
        let other = s.create(obj("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other}\n"), "test").unwrap();
        let mut r = Recorder::default();
        for about in [&cm, &*other] {
            r.record(&mut s, "kubelet", about, "Normal", "Started", "Started container app".into());
        }
        let msgs: Vec<_> = s.list(Kind::Event, None).filter_map(|o| o.as_event()).map(|e| e.message.clone()).collect();
        assert_eq!(msgs.len(), 2);
        assert!(std::rc::Rc::ptr_eq(&msgs[0], &msgs[1]));
    }

    #[test]
    fn a_dropped_bump_still_counts_and_an_expired_event_is_created_again() {
        let (mut s, cm) = setup();
        let mut r = Recorder::default();
        r.record(&mut s, "kubelet", &cm, "Warning", "BackOff", "back-off".into());
        let key = s.list(Kind::Event, None).next().unwrap().key();
        s.delete(&key, Default::default(), "test").unwrap();
        r.record(&mut s, "kubelet", &cm, "Warning", "BackOff", "back-off".into());
        assert_eq!(events(&s), vec![("back-off".to_string(), 2)]);
        assert!(s.get(&key).is_some(), "same name");
        r.forget("kubelet");
        r.record(&mut s, "kubelet", &cm, "Warning", "BackOff", "back-off".into());
        assert_eq!(events(&s).len(), 2, "a restarted component starts counting afresh");
    }
}
