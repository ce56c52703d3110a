//! The event recorder: core/v1 Events written through the store, aggregated the way
//! client-go's EventCorrelator does (same source, object, type, reason and message
//! within ten minutes bump `count` and `lastTimestamp` instead of adding a new Event).

use crate::api::{Kind, ObjKey, Object};
use crate::store::Store;
use k8s_openapi::api::core::v1::{Event, EventSource, ObjectReference};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use std::collections::HashMap;

const AGGREGATE_WINDOW_MS: i64 = 10 * 60 * 1000;

#[derive(Default, Debug)]
pub struct Recorder {
    /// The correlator's key (source, object, type, reason, message), hashed: the stored
    /// Event is compared field by field before it is bumped, so a collision only costs
    /// a new Event. Entries past the aggregation window are dropped as they are met.
    seen: HashMap<u64, (ObjKey, i64)>,
    /// Per object name: the instant of its last event and how many it had then, so
    /// same-instant events get distinct names without probing the store.
    last_name: HashMap<String, (i128, i128)>,
}

impl Recorder {
    pub fn record(
        &mut self,
        store: &mut Store,
        actor: &'static str,
        about: &Object,
        type_: &str,
        reason: &str,
        message: String,
    ) {
        let now_ms = store.clock.now_ms;
        let dedupe = {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            (actor, about.uid(), about.name(), type_, reason, message.as_str()).hash(&mut h);
            h.finish()
        };
        if let Some((key, first_ms)) = self.seen.get(&dedupe).cloned() {
            if now_ms - first_ms > AGGREGATE_WINDOW_MS {
                self.seen.remove(&dedupe);
            } else {
                let same = |e: &Event| {
                    e.involved_object.uid.as_deref() == Some(about.uid())
                        && e.reason.as_deref() == Some(reason)
                        && e.message.as_deref() == Some(message.as_str())
                        && e.type_.as_deref() == Some(type_)
                        && e.source.as_ref().and_then(|s| s.component.as_deref()) == Some(actor)
                };
                if let Some(Object::Event(existing)) =
                    store.get(&key).filter(|o| o.as_event().is_some_and(same)).map(|o| (**o).clone())
                {
                    let mut ev = existing;
                    ev.count = Some(ev.count.unwrap_or(1) + 1);
                    ev.last_timestamp = Some(store.now());
                    if store.update(Object::Event(ev), actor).is_ok() {
                        return;
                    }
                }
            }
        }
        let namespace = if about.namespace().is_empty() { "default" } else { about.namespace() };
        // record.makeEvent names events `<object>.<unix nanos in hex>`.
        let nanos = store.clock.now().as_nanosecond();
        let slot = self.last_name.entry(format!("{namespace}/{}", about.name())).or_insert((nanos, -1));
        if slot.0 != nanos {
            *slot = (nanos, -1);
        }
        slot.1 += 1;
        let mut bump = slot.1;
        let mut name = format!("{}.{:x}", about.name(), nanos + bump);
        while store.get_named(Kind::Event, namespace, &name).is_some() {
            bump += 1;
            slot.1 = bump;
            name = format!("{}.{:x}", about.name(), nanos + bump);
        }
        let now = store.now();
        let ev = Event {
            metadata: ObjectMeta { name: Some(name), namespace: Some(namespace.to_string()), ..Default::default() },
            involved_object: ObjectReference {
                api_version: Some(about.kind().api_version().to_string()),
                kind: Some(about.kind().name().to_string()),
                name: Some(about.name().to_string()),
                namespace: (!about.namespace().is_empty()).then(|| about.namespace().to_string()),
                uid: Some(about.uid().to_string()),
                resource_version: about.meta().resource_version.clone(),
                ..Default::default()
            },
            reason: Some(reason.to_string()),
            message: Some(message),
            type_: Some(type_.to_string()),
            source: Some(EventSource { component: Some(actor.to_string()), host: None }),
            first_timestamp: Some(now.clone()),
            last_timestamp: Some(now),
            count: Some(1),
            reporting_component: Some(actor.to_string()),
            reporting_instance: Some(actor.to_string()),
            ..Default::default()
        };
        if let Ok(created) = store.create(Object::Event(Box::new(ev)), actor) {
            self.seen.insert(dedupe, (created.key(), now_ms));
        }
    }
}
