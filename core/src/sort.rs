//! One stable sort for the whole crate. Every `sort_by` call with its own closure is a
//! separate copy of the standard library's sort; sorting a permutation through one `dyn`
//! comparator keeps a single copy, which the browser bundle would otherwise pay for at
//! each call site.

use std::cmp::Ordering;

#[inline(never)]
fn permutation(len: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| cmp(a, b));
    order
}

/// Moves `v[order[i]]` to position `i`, in place, in O(n).
fn apply<T>(v: &mut [T], order: &[usize]) {
    let mut position: Vec<usize> = (0..v.len()).collect(); // original index -> where it is now
    let mut holder: Vec<usize> = (0..v.len()).collect(); // position -> original index there
    for (i, &wanted) in order.iter().enumerate() {
        let from = position[wanted];
        if from != i {
            v.swap(i, from);
            let displaced = holder[i];
            holder[from] = displaced;
            position[displaced] = from;
            holder[i] = wanted;
            position[wanted] = i;
        }
    }
}

/// Stable sort by a comparator.
pub fn sort_by<T>(v: &mut [T], cmp: impl Fn(&T, &T) -> Ordering) {
    let order = permutation(v.len(), &|a, b| cmp(&v[a], &v[b]));
    apply(v, &order);
}

/// Stable sort by a key.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], key: impl Fn(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Stable sort in ascending order.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn matches_the_standard_stable_sort(v in proptest::collection::vec((0u8..5, 0u16..1000), 0..200)) {
            let mut ours = v.clone();
            super::sort_by_key(&mut ours, |p| p.0);
            let mut std = v;
            std.sort_by_key(|p| p.0);
            prop_assert_eq!(ours, std);
        }
    }
}
