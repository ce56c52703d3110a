//! Timed events: "enqueue this key for that controller at that virtual instant".
//! Ties are broken by insertion order so a run is reproducible. A sync recomputes every
//! requeue its key needs, so syncing a key cancels that key's older timers: a stale
//! check never drags virtual time forward.

use crate::api::ObjKey;
use rustc_hash::FxHashMap as HashMap;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timer {
    pub at_ms: i64,
    pub seq: u64,
    pub controller: usize,
    pub key: ObjKey,
    epoch: u64,
}

#[derive(Debug, Default)]
pub struct Timers {
    heap: BinaryHeap<Reverse<Timer>>,
    seq: u64,
    /// Per controller: each key's epoch (bumped by `cancel`).
    epochs: Vec<HashMap<ObjKey, u64>>,
}

impl Timers {
    fn epoch(&self, controller: usize, key: &ObjKey) -> u64 {
        self.epochs.get(controller).and_then(|m| m.get(key)).copied().unwrap_or(0)
    }

    pub fn add(&mut self, at_ms: i64, controller: usize, key: ObjKey) {
        self.seq += 1;
        let epoch = self.epoch(controller, &key);
        self.heap.push(Reverse(Timer { at_ms, seq: self.seq, controller, key, epoch }));
    }

    /// Drops every pending timer of this key.
    pub fn cancel(&mut self, controller: usize, key: &ObjKey) {
        if self.epochs.len() <= controller {
            self.epochs.resize_with(controller + 1, HashMap::default);
        }
        match self.epochs[controller].get_mut(key) {
            Some(e) => *e += 1,
            None => {
                self.epochs[controller].insert(key.clone(), 1);
            }
        }
    }

    /// Drops every timer of one controller (its memory is gone on restart).
    pub fn clear_controller(&mut self, controller: usize) {
        let heap = std::mem::take(&mut self.heap);
        self.heap = heap.into_iter().filter(|Reverse(t)| t.controller != controller).collect();
        if let Some(m) = self.epochs.get_mut(controller) {
            m.clear();
        }
    }

    /// The live timers of one controller: (due, key), soonest first.
    pub fn of_controller(&self, controller: usize) -> Vec<(i64, ObjKey)> {
        let mut out: Vec<(i64, u64, ObjKey)> = self
            .heap
            .iter()
            .filter(|Reverse(t)| t.controller == controller && self.live(t))
            .map(|Reverse(t)| (t.at_ms, t.seq, t.key.clone()))
            .collect();
        crate::sort::sort(&mut out);
        out.into_iter().map(|(at, _, k)| (at, k)).collect()
    }

    fn live(&self, t: &Timer) -> bool {
        t.epoch == self.epoch(t.controller, &t.key)
    }

    fn drop_stale(&mut self) {
        while let Some(Reverse(t)) = self.heap.peek() {
            if self.live(t) {
                return;
            }
            self.heap.pop();
        }
    }

    pub fn next_at(&mut self) -> Option<i64> {
        self.drop_stale();
        self.heap.peek().map(|Reverse(t)| t.at_ms)
    }

    /// Removes and returns every live timer due at or before `ms`.
    pub fn pop_due(&mut self, ms: i64) -> Vec<Timer> {
        let mut out = Vec::new();
        while let Some(Reverse(t)) = self.heap.peek() {
            if t.at_ms > ms {
                break;
            }
            let Some(Reverse(t)) = self.heap.pop() else {
                break;
            };
            if self.live(&t) {
                out.push(t);
            }
        }
        if self.heap.is_empty() {
            self.epochs.iter_mut().for_each(HashMap::clear);
        }
        out
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancel_drops_older_timers_of_a_key() {
        let web = ObjKey::new(crate::api::Kind::Deployment, "default", "web");
        let mut t = Timers::default();
        t.add(600_000, 0, web.clone());
        t.add(5_000, 1, web.clone());
        t.cancel(0, &web);
        t.add(700_000, 0, web.clone());
        assert_eq!(t.next_at(), Some(5_000));
        assert_eq!(t.pop_due(5_000).len(), 1);
        assert_eq!(t.next_at(), Some(700_000));
    }
}
