//! ControllerRevision history (pkg/controller/history/controller_history.go): revisions
//! named `<parent>-<hash>`, hashed with FNV-1 over the revision's data and the collision
//! count, sorted by revision number, and compared by their data.

use crate::api::{Kind, Object};
use crate::kinds::controllerrevision::ControllerRevision;
use crate::store::{ApiError, Store};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::runtime::RawExtension;
use serde_json::Value;
use std::collections::BTreeMap;
use std::rc::Rc;

/// ControllerRevisionHashLabel.
pub const HASH_LABEL: &str = "controller.kubernetes.io/hash";

/// JSON with every object's keys in order, as Go's json.Marshal writes a map: the
/// revision data upstream stores and hashes is such a map.
pub fn canonical_json(v: &Value) -> String {
    fn sorted(v: &Value) -> Value {
        match v {
            Value::Object(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort();
                Value::Object(keys.into_iter().map(|k| (k.clone(), sorted(&m[k]))).collect())
            }
            Value::Array(a) => Value::Array(a.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    sorted(v).to_string()
}

/// HashControllerRevision: FNV-1 (32-bit) over the data, then the collision count in
/// decimal, written with SafeEncodeString.
pub fn hash_revision(data: &str, collision_count: Option<i32>) -> String {
    let mut h: u32 = 0x811c_9dc5;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            h = h.wrapping_mul(0x0100_0193);
            h ^= u32::from(*b);
        }
    };
    feed(data.as_bytes());
    if let Some(c) = collision_count {
        feed(c.to_string().as_bytes());
    }
    crate::controllers::deployment::util::safe_encode(&h.to_string())
}

/// ControllerRevisionName: the parent's name (cut to 223 characters) and the hash.
pub fn revision_name(parent: &str, hash: &str) -> String {
    let prefix: String = parent.chars().take(223).collect();
    format!("{prefix}-{hash}")
}

/// The data a revision holds, as canonical JSON text.
pub fn data_text(r: &ControllerRevision) -> String {
    canonical_json(&r.data.0)
}

/// NewControllerRevision: labelled with the template's labels and the hash, owned by
/// the parent as its controller.
pub fn new_revision(
    parent: &Object,
    template_labels: Option<&BTreeMap<String, String>>,
    data: Value,
    revision: i64,
    collision_count: Option<i32>,
) -> ControllerRevision {
    let hash = hash_revision(&canonical_json(&data), collision_count);
    let mut labels = template_labels.cloned().unwrap_or_default();
    labels.insert(HASH_LABEL.into(), hash.clone());
    ControllerRevision {
        metadata: ObjectMeta {
            name: Some(revision_name(parent.name(), &hash)),
            namespace: Some(parent.namespace().to_string()),
            labels: Some(labels),
            owner_references: Some(vec![super::controller_utils::controller_ref(parent)]),
            ..Default::default()
        },
        data: RawExtension(data),
        revision: Some(revision),
    }
}

/// SortControllerRevisions: by revision number, then creation time, then name.
pub fn sort_revisions(revisions: &mut [Rc<Object>]) {
    let parts = |o: &Rc<Object>| {
        let r = o.as_controller_revision().and_then(|r| r.revision).unwrap_or(0);
        let created = o.meta().creation_timestamp.as_ref().map(|t| t.0);
        (r, created, o.name().to_string())
    };
    revisions.sort_by_key(parts);
}

/// EqualRevision: the same hash label where both have one, and the same data.
pub fn equal_revision(a: &ControllerRevision, b: &ControllerRevision) -> bool {
    let hash = |r: &ControllerRevision| r.metadata.labels.as_ref().and_then(|l| l.get(HASH_LABEL)).cloned();
    // Upstream parses the label as a number, which a SafeEncodeString hash never is, so
    // only the data decides; kept as upstream has it.
    let numeric = |h: Option<String>| h.and_then(|h| h.parse::<u32>().ok());
    if let (Some(x), Some(y)) = (numeric(hash(a)), numeric(hash(b))) {
        if x != y {
            return false;
        }
    }
    data_text(a) == data_text(b)
}

/// nextRevision: one past the highest, 1 for the first.
pub fn next_revision(sorted: &[Rc<Object>]) -> i64 {
    sorted.last().and_then(|o| o.as_controller_revision()).map(|r| r.revision.unwrap_or(0) + 1).unwrap_or(1)
}

/// CreateControllerRevision: a name taken by a revision with other data bumps the
/// collision count and tries the next name; one with the same data is that revision.
pub fn create_revision(
    store: &mut Store,
    actor: &'static str,
    parent: &Object,
    revision: &ControllerRevision,
    collision_count: &mut i32,
) -> Result<Rc<Object>, ApiError> {
    let data = data_text(revision);
    // Bounded: each round takes a new collision count; a name is free long before this.
    for _ in 0..1000 {
        let mut clone = revision.clone();
        clone.metadata.name = Some(revision_name(parent.name(), &hash_revision(&data, Some(*collision_count))));
        let name = clone.metadata.name.clone().unwrap_or_default();
        if let Some(existing) = store.get_named(Kind::ControllerRevision, parent.namespace(), &name) {
            if existing.as_controller_revision().is_some_and(|e| data_text(e) == data) {
                return Ok(existing.clone());
            }
            *collision_count += 1;
            continue;
        }
        return store.create(Object::ControllerRevision(Box::new(clone)), actor);
    }
    Err(ApiError::BadRequest("no free ControllerRevision name after 1000 collisions".into()))
}

/// UpdateControllerRevision: an older revision with the same data becomes the newest.
pub fn bump_revision(
    store: &mut Store,
    actor: &'static str,
    existing: &Rc<Object>,
    revision: i64,
) -> Result<Rc<Object>, ApiError> {
    let Some(r) = existing.as_controller_revision() else {
        return Err(ApiError::BadRequest("not a ControllerRevision".into()));
    };
    if r.revision == Some(revision) {
        return Ok(existing.clone());
    }
    let mut clone = r.clone();
    clone.revision = Some(revision);
    store.update(Object::ControllerRevision(Box::new(clone)), actor)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// TestControllerRevisionName-style cases: long parents are cut, the hash kept.
    #[test]
    fn names_are_the_parent_and_the_hash() {
        assert_eq!(revision_name("web", "6c8b5d7f9"), "web-6c8b5d7f9");
        let long = "a".repeat(300);
        assert_eq!(revision_name(&long, "x").len(), 225);
    }

    /// The hash depends on the data and on the collision count (HashControllerRevision's probe).
    #[test]
    fn hash_takes_the_collision_count() {
        let a = hash_revision("{\"spec\":{}}", Some(0));
        assert_eq!(a, hash_revision("{\"spec\":{}}", Some(0)));
        assert_ne!(a, hash_revision("{\"spec\":{}}", Some(1)));
        assert_ne!(a, hash_revision("{\"spec\":{\"x\":1}}", Some(0)));
        assert!(a.chars().all(|c| "bcdfghjklmnpqrstvwxz2456789".contains(c)));
    }

    #[test]
    fn canonical_json_sorts_keys_at_every_level() {
        let v: Value = serde_json::from_str(r#"{"b":1,"a":{"d":[{"z":1,"y":2}],"c":2}}"#).unwrap();
        assert_eq!(canonical_json(&v), r#"{"a":{"c":2,"d":[{"y":2,"z":1}]},"b":1}"#);
    }
}
