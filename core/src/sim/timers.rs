//! Timed events: "enqueue this key for that controller at that virtual instant".
//! Ties are broken by insertion order so a run is reproducible.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timer {
    pub at_ms: i64,
    pub seq: u64,
    pub controller: usize,
    pub key: String,
}

#[derive(Debug, Default)]
pub struct Timers {
    heap: BinaryHeap<Reverse<Timer>>,
    seq: u64,
}

impl Timers {
    pub fn add(&mut self, at_ms: i64, controller: usize, key: String) {
        self.seq += 1;
        self.heap.push(Reverse(Timer { at_ms, seq: self.seq, controller, key }));
    }

    pub fn next_at(&self) -> Option<i64> {
        self.heap.peek().map(|Reverse(t)| t.at_ms)
    }

    /// Removes and returns every timer due at or before `ms`.
    pub fn pop_due(&mut self, ms: i64) -> Vec<Timer> {
        let mut out = Vec::new();
        while self.heap.peek().is_some_and(|Reverse(t)| t.at_ms <= ms) {
            if let Some(Reverse(t)) = self.heap.pop() {
                out.push(t);
            }
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
