//! The API server's indexes, moved on every write only where what they index changed.

use super::Store;
use crate::api::selector::{Labels, Selector};
use crate::api::{Kind, ObjKey, Object};
use rustc_hash::FxHashMap as HashMap;
use std::borrow::Borrow;
use std::collections::BTreeSet;
use std::hash::Hash;
use std::rc::Rc;

impl Store {
    /// Adds an object to (or removes it from) every index.
    pub(super) fn index(&mut self, obj: &Rc<Object>, key: &ObjKey, add: bool) {
        self.index_links(obj, key, add);
        self.index_labels(obj, key, add);
        if !add {
            self.selectors.remove(key);
        } else if let Some(sel) = obj.selector().and_then(|s| Selector::from_label_selector(s).ok()) {
            self.selectors.insert(key.clone(), Rc::new(sel));
        }
        if key.kind.expires() {
            // Nothing refers to an Event by uid; there are tens of thousands.
        } else if add {
            self.by_uid.insert(obj.uid().into(), key.clone());
        } else {
            self.by_uid.remove(obj.uid());
        }
    }

    /// Moves an updated object in the indexes it changed for: most writes (status,
    /// counts) change none of owners, controller, node or subject, and cost nothing here.
    pub(super) fn reindex(&mut self, old: &Rc<Object>, new: &Rc<Object>, key: &ObjKey) {
        if old.labels() != new.labels() {
            self.index_labels(old, key, false);
            self.index_labels(new, key, true);
        }
        if old.selector() != new.selector() {
            match new.selector().and_then(|s| Selector::from_label_selector(s).ok()) {
                Some(sel) => self.selectors.insert(key.clone(), Rc::new(sel)),
                None => self.selectors.remove(key),
            };
        }
        let same = old.meta().owner_references == new.meta().owner_references
            && old.as_pod().map(crate::api::pod::node_name) == new.as_pod().map(crate::api::pod::node_name)
            && old.as_event().map(|e| &e.involved_object.uid) == new.as_event().map(|e| &e.involved_object.uid);
        if !same {
            self.index_links(old, key, false);
            self.index_links(new, key, true);
            return;
        }
        // The owner index holds the object: it gets the new version.
        for r in new.meta().owner_references.iter().flatten() {
            if let Some(slot) = self.by_owner.get_mut(&r.uid).and_then(|m| m.get_mut(key)) {
                *slot = new.clone();
            }
        }
    }

    /// The label index, for pods.
    fn index_labels(&mut self, obj: &Object, key: &ObjKey, add: bool) {
        if key.kind != Kind::Pod {
            return;
        }
        let labels: &Labels = match obj.labels() {
            Some(l) => l,
            None => return,
        };
        for (k, v) in labels {
            let label = (k.clone(), v.clone());
            file(&mut self.pods_by_label, &label, || label.clone(), key, add);
        }
    }

    /// The indexes by owner, by node, of orphan pods and of Events by subject.
    fn index_links(&mut self, obj: &Rc<Object>, key: &ObjKey, add: bool) {
        for r in obj.meta().owner_references.iter().flatten() {
            if add {
                self.by_owner.entry(r.uid.clone()).or_default().insert(key.clone(), obj.clone());
            } else if let Some(set) = self.by_owner.get_mut(&r.uid) {
                set.remove(key);
                if set.is_empty() {
                    self.by_owner.remove(&r.uid);
                }
            }
        }
        if let Some(ev) = obj.as_event() {
            let about = &ev.involved_object.uid;
            file(&mut self.events_by_object, &**about, || about.clone(), key, add);
        }
        if let Some(pod) = obj.as_pod() {
            if obj.controller_ref().is_none() {
                if add {
                    self.orphan_pods.insert(key.clone());
                } else {
                    self.orphan_pods.remove(key);
                }
            }
            let node = crate::api::pod::node_name(pod);
            if !node.is_empty() {
                file(&mut self.pods_by_node, node, || node.to_string(), key, add);
            }
        }
    }
}

/// Files `key` under `at` in a set-valued index (or takes it out, dropping a set left
/// empty); `owned` makes the index's own copy of `at` when a new set is started.
fn file<K, Q>(index: &mut HashMap<K, BTreeSet<ObjKey>>, at: &Q, owned: impl FnOnce() -> K, key: &ObjKey, add: bool)
where
    K: Hash + Eq + Borrow<Q>,
    Q: ?Sized + Hash + Eq,
{
    if add {
        match index.get_mut(at) {
            Some(set) => set.insert(key.clone()),
            None => index.entry(owned()).or_default().insert(key.clone()),
        };
    } else if let Some(set) = index.get_mut(at) {
        set.remove(key);
        if set.is_empty() {
            index.remove(at);
        }
    }
}
