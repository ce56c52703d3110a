//! Where the API server keeps objects: one map per kind.

use crate::api::{Kind, ObjKey, Object};
use crate::kinds::{KeyRef, Keyed};
use std::collections::BTreeMap;
use std::ops::Bound;
use std::rc::Rc;

/// The stored objects, one map per kind as etcd keeps each resource under a prefix of
/// its own: a lookup searches only its kind, however many Events or Pods there are.
pub(super) struct Objects {
    by_kind: Vec<BTreeMap<ObjKey, Rc<Object>>>,
    len: usize,
}

impl Default for Objects {
    fn default() -> Self {
        Objects { by_kind: vec![BTreeMap::new(); Kind::ALL.len()], len: 0 }
    }
}

impl Objects {
    pub(super) fn get(&self, key: &dyn Keyed) -> Option<&Rc<Object>> {
        self.by_kind[key.parts().kind as usize].get(key)
    }

    pub(super) fn contains_key(&self, key: &ObjKey) -> bool {
        self.by_kind[key.kind as usize].contains_key(key)
    }

    pub(super) fn insert(&mut self, key: ObjKey, obj: Rc<Object>) {
        if self.by_kind[key.kind as usize].insert(key, obj).is_none() {
            self.len += 1;
        }
    }

    pub(super) fn remove(&mut self, key: &ObjKey) -> Option<Rc<Object>> {
        let gone = self.by_kind[key.kind as usize].remove(key);
        if gone.is_some() {
            self.len -= 1;
        }
        gone
    }

    /// The objects of `start`'s kind from `start` on, in key order.
    pub(super) fn from<'a>(&'a self, start: KeyRef<'_>) -> impl Iterator<Item = (&'a ObjKey, &'a Rc<Object>)> + 'a {
        self.by_kind[start.kind as usize].range::<dyn Keyed, _>((Bound::Included(start.dyn_key()), Bound::Unbounded))
    }

    pub(super) fn len(&self) -> usize {
        self.len
    }

    pub(super) fn is_empty(&self) -> bool {
        self.len == 0
    }
}
