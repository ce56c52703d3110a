//! A controller workqueue: keys de-duplicated while waiting, failures retried with
//! client-go's DefaultControllerRateLimiter (the max of a per-item exponential back-off,
//! 5 ms doubling to 1000 s, and an overall 10 qps / burst 100 token bucket), in virtual time.

use crate::api::ObjKey;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::collections::VecDeque;

#[derive(Debug, Default)]
pub struct WorkQueue {
    queue: VecDeque<ObjKey>,
    waiting: HashSet<ObjKey>,
    failures: HashMap<ObjKey, u32>,
    bucket: TokenBucket,
}

impl WorkQueue {
    pub fn add(&mut self, key: ObjKey) {
        if !self.waiting.contains(&key) {
            self.waiting.insert(key.clone());
            self.queue.push_back(key);
        }
    }

    pub fn pop(&mut self) -> Option<ObjKey> {
        let key = self.queue.pop_front()?;
        self.waiting.remove(&key);
        Some(key)
    }

    pub fn len(&self) -> usize {
        self.queue.len()
    }

    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// The keys waiting, in the order they will be processed.
    pub fn waiting(&self) -> impl Iterator<Item = &ObjKey> {
        self.queue.iter()
    }

    /// Keys that failed and are retried with back-off, with their failure counts.
    pub fn retrying(&self) -> impl Iterator<Item = (&ObjKey, u32)> {
        self.failures.iter().map(|(k, n)| (k, *n))
    }

    /// The delay before a failed key is retried; counts the failure.
    pub fn rate_limited_delay(&mut self, key: &ObjKey, now_ms: i64) -> i64 {
        let n = self.failures.entry(key.clone()).or_insert(0);
        let exp = 5i64.saturating_mul(1i64 << (*n).min(40)).min(1_000_000);
        *n += 1;
        exp.max(self.bucket.reserve(now_ms))
    }

    /// A successful sync resets the key's back-off.
    pub fn forget(&mut self, key: &ObjKey) {
        self.failures.remove(key);
    }

    pub fn failures(&self, key: &ObjKey) -> u32 {
        self.failures.get(key).copied().unwrap_or(0)
    }
}

/// golang.org/x/time/rate with limit 10/s and burst 100.
#[derive(Debug)]
struct TokenBucket {
    tokens: f64,
    last_ms: i64,
}

impl Default for TokenBucket {
    fn default() -> Self {
        TokenBucket { tokens: 100.0, last_ms: 0 }
    }
}

impl TokenBucket {
    fn reserve(&mut self, now_ms: i64) -> i64 {
        let elapsed = (now_ms - self.last_ms).max(0) as f64 / 1000.0;
        self.tokens = (self.tokens + elapsed * 10.0).min(100.0);
        self.last_ms = now_ms;
        self.tokens -= 1.0;
        if self.tokens >= 0.0 {
            0
        } else {
            ((-self.tokens) / 10.0 * 1000.0).ceil() as i64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dedupes_and_backs_off() {
        let key = |n: &str| ObjKey::new(crate::api::Kind::Pod, "default", n);
        let a = key("a");
        let mut q = WorkQueue::default();
        q.add(a.clone());
        q.add(a.clone());
        q.add(key("b"));
        assert_eq!(q.len(), 2);
        assert_eq!(q.pop(), Some(a.clone()));
        // ItemExponentialFailureRateLimiter(5ms, 1000s): 5, 10, 20, 40 ...
        let delays: Vec<i64> = (0..4).map(|_| q.rate_limited_delay(&a, 0)).collect();
        assert_eq!(delays, vec![5, 10, 20, 40]);
        for _ in 0..30 {
            q.rate_limited_delay(&a, 0);
        }
        assert_eq!(q.rate_limited_delay(&a, 0), 1_000_000);
        q.forget(&a);
        assert_eq!(q.failures(&a), 0);
    }

    #[test]
    fn bucket_limits_bursts() {
        let mut b = TokenBucket::default();
        for _ in 0..100 {
            assert_eq!(b.reserve(0), 0);
        }
        assert_eq!(b.reserve(0), 100);
    }
}
