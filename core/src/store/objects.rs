//! Where the API server keeps objects: one shelf per kind.

use crate::api::{Kind, ObjKey, Object};
use crate::kinds::{KeyRef, Keyed};
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeSet;
use std::ops::Bound;
use std::rc::Rc;

/// The stored objects, one shelf per kind as etcd keeps each resource under a prefix of
/// its own: a lookup searches only its kind, however many Events or Pods there are.
pub(super) struct Objects {
    by_kind: Vec<Shelf>,
    len: usize,
}

/// One kind's objects: hashed for the lookups and updates every write makes, and the
/// keys in order for lists (`kubectl get` prints in name order). An update replaces a
/// value in the hash map and leaves the order alone. Kinds that expire (Events) keep no
/// order: tens of thousands come and go, and the rare list sorts its keys instead.
#[derive(Clone, Default)]
struct Shelf {
    map: HashMap<ObjKey, Rc<Object>>,
    order: Option<BTreeSet<ObjKey>>,
}

impl Default for Objects {
    fn default() -> Self {
        let shelf = |k: &Kind| Shelf { map: HashMap::default(), order: (!k.expires()).then(BTreeSet::new) };
        Objects { by_kind: Kind::ALL.iter().map(shelf).collect(), len: 0 }
    }
}

impl Objects {
    pub(super) fn get(&self, key: &dyn Keyed) -> Option<&Rc<Object>> {
        self.by_kind[key.parts().kind as usize].map.get(key)
    }

    pub(super) fn contains_key(&self, key: &ObjKey) -> bool {
        self.by_kind[key.kind as usize].map.contains_key(key)
    }

    pub(super) fn insert(&mut self, key: ObjKey, obj: Rc<Object>) {
        let shelf = &mut self.by_kind[key.kind as usize];
        if shelf.map.insert(key.clone(), obj).is_none() {
            if let Some(order) = &mut shelf.order {
                order.insert(key);
            }
            self.len += 1;
        }
    }

    pub(super) fn remove(&mut self, key: &ObjKey) -> Option<Rc<Object>> {
        let shelf = &mut self.by_kind[key.kind as usize];
        let gone = shelf.map.remove(key);
        if gone.is_some() {
            if let Some(order) = &mut shelf.order {
                order.remove(key);
            }
            self.len -= 1;
        }
        gone
    }

    /// The objects of `start`'s kind from `start` on, in key order.
    pub(super) fn from<'a>(&'a self, start: KeyRef<'_>) -> Box<dyn Iterator<Item = (&'a ObjKey, &'a Rc<Object>)> + 'a> {
        let shelf = &self.by_kind[start.kind as usize];
        match &shelf.order {
            Some(order) => Box::new(
                order
                    .range::<dyn Keyed, _>((Bound::Included(start.dyn_key()), Bound::Unbounded))
                    .filter_map(|k| Some((k, shelf.map.get(k)?))),
            ),
            None => {
                let mut found: Vec<_> = shelf.map.iter().filter(|(k, _)| k.as_ref() >= start).collect();
                found.sort_unstable_by(|a, b| a.0.cmp(b.0));
                Box::new(found.into_iter())
            }
        }
    }

    pub(super) fn len(&self) -> usize {
        self.len
    }

    pub(super) fn is_empty(&self) -> bool {
        self.len == 0
    }
}
