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

/// A key's timers still in the heap: how many, and the epoch the live ones carry.
#[derive(Debug, Default, Clone, Copy)]
struct Pending {
    count: usize,
    epoch: u64,
}

#[derive(Debug, Default)]
pub struct Timers {
    heap: BinaryHeap<Reverse<Timer>>,
    seq: u64,
    /// Per controller, the keys with timers in the heap (live or cancelled): an entry
    /// goes with the key's last timer, so the map holds no more than the heap does.
    pending: Vec<HashMap<ObjKey, Pending>>,
}

impl Timers {
    fn slot(&mut self, controller: usize) -> &mut HashMap<ObjKey, Pending> {
        if self.pending.len() <= controller {
            self.pending.resize_with(controller + 1, HashMap::default);
        }
        &mut self.pending[controller]
    }

    pub fn add(&mut self, at_ms: i64, controller: usize, key: ObjKey) {
        self.seq += 1;
        let p = self.slot(controller).entry(key.clone()).or_default();
        p.count += 1;
        let epoch = p.epoch;
        self.heap.push(Reverse(Timer { at_ms, seq: self.seq, controller, key, epoch }));
    }

    /// Cancels every timer the key has now; a key without timers costs a lookup.
    pub fn cancel(&mut self, controller: usize, key: &ObjKey) {
        if let Some(p) = self.pending.get_mut(controller).and_then(|m| m.get_mut(key)) {
            p.epoch += 1;
        }
    }

    pub fn clear_controller(&mut self, controller: usize) {
        let heap = std::mem::take(&mut self.heap);
        self.heap = heap.into_iter().filter(|Reverse(t)| t.controller != controller).collect();
        if let Some(m) = self.pending.get_mut(controller) {
            m.clear();
        }
    }

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
        self.pending.get(t.controller).and_then(|m| m.get(&t.key)).is_some_and(|p| p.epoch == t.epoch)
    }

    /// Takes the earliest timer out of the heap, forgetting its key when it was the last.
    fn take(&mut self) -> Option<(Timer, bool)> {
        let Reverse(t) = self.heap.pop()?;
        let live = self.live(&t);
        if let Some(m) = self.pending.get_mut(t.controller) {
            if let Some(p) = m.get_mut(&t.key) {
                p.count -= 1;
                if p.count == 0 {
                    m.remove(&t.key);
                }
            }
        }
        Some((t, live))
    }

    fn drop_stale(&mut self) {
        while let Some(Reverse(t)) = self.heap.peek() {
            if self.live(t) {
                return;
            }
            self.take();
        }
    }

    pub fn next_at(&mut self) -> Option<i64> {
        self.drop_stale();
        self.heap.peek().map(|Reverse(t)| t.at_ms)
    }

    pub fn pop_due(&mut self, ms: i64) -> Vec<Timer> {
        let mut out = Vec::new();
        while self.heap.peek().is_some_and(|Reverse(t)| t.at_ms <= ms) {
            if let Some((t, true)) = self.take() {
                out.push(t);
            }
        }
        out
    }

    /// Keys with timers in the heap, over all controllers (what this keeps in memory).
    pub fn keys_held(&self) -> usize {
        self.pending.iter().map(HashMap::len).sum()
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

    // A key synced over and over (each sync cancels its timers) leaves nothing behind
    // once its timers have fired: memory follows the heap, not every key ever seen.
    #[test]
    fn keys_are_forgotten_with_their_last_timer() {
        let mut t = Timers::default();
        let beat = ObjKey::new(crate::api::Kind::Node, "", "node-1");
        t.add(1_000_000, 0, beat);
        for i in 0..100 {
            let pod = ObjKey::new(crate::api::Kind::Pod, "default", &format!("p{i}"));
            t.add(i, 1, pod.clone());
            t.cancel(1, &pod);
            t.cancel(1, &pod);
        }
        assert_eq!(t.keys_held(), 101);
        assert!(t.pop_due(100).is_empty(), "all cancelled");
        assert_eq!(t.keys_held(), 1, "only the node's pending timer");
        assert_eq!(t.next_at(), Some(1_000_000));
    }
}
