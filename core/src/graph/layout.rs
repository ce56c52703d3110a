//! Stable positions: an object keeps its grid cell while it lives; a new object takes
//! the lowest free row of its column, so deletions leave gaps that fill in order.

use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug, Default)]
pub struct Layout {
    placed: BTreeMap<String, (usize, usize)>,
    used: BTreeMap<usize, BTreeSet<usize>>,
    /// Ids that keep their cell though they are gone (drawn fading out).
    held: BTreeSet<String>,
}

impl Layout {
    /// Keeps these ids' cells taken by the next updates, live or not, until held again
    /// without them.
    pub fn hold(&mut self, ids: impl IntoIterator<Item = String>) {
        self.held = ids.into_iter().collect();
    }

    /// Places new ids (in the given order), keeps existing and held ones, frees the rest.
    pub fn update(&mut self, ids: &[(String, usize)]) {
        let live: BTreeSet<&str> = ids.iter().map(|(id, _)| id.as_str()).collect();
        let gone: Vec<String> =
            self.placed.keys().filter(|id| !live.contains(id.as_str()) && !self.held.contains(*id)).cloned().collect();
        for id in gone {
            if let Some((c, r)) = self.placed.remove(&id) {
                if let Some(rows) = self.used.get_mut(&c) {
                    rows.remove(&r);
                }
            }
        }
        for (id, column) in ids {
            if self.placed.contains_key(id) {
                continue;
            }
            let rows = self.used.entry(*column).or_default();
            let row = (0..).find(|r| !rows.contains(r)).unwrap_or(0);
            rows.insert(row);
            self.placed.insert(id.clone(), (*column, row));
        }
    }

    pub fn position(&self, id: &str) -> Option<(usize, usize)> {
        self.placed.get(id).copied()
    }

    /// Rows in use per column, for sizing the drawing.
    pub fn rows(&self, column: usize) -> usize {
        self.used.get(&column).and_then(|r| r.iter().next_back()).map_or(0, |r| r + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::Layout;

    #[test]
    fn objects_keep_their_place_and_gaps_refill() {
        let mut l = Layout::default();
        let ids = |v: &[&str]| v.iter().map(|s| (s.to_string(), 2)).collect::<Vec<_>>();
        l.update(&ids(&["a", "b", "c"]));
        assert_eq!((l.position("a"), l.position("c")), (Some((2, 0)), Some((2, 2))));
        l.update(&ids(&["a", "c"]));
        assert_eq!(l.position("c"), Some((2, 2)), "c does not move when b goes");
        l.update(&ids(&["a", "c", "d"]));
        assert_eq!(l.position("d"), Some((2, 1)), "d takes b's free row");
        assert_eq!(l.rows(2), 3);
    }

    #[test]
    fn held_cells_are_not_reused() {
        let mut l = Layout::default();
        let ids = |v: &[&str]| v.iter().map(|s| (s.to_string(), 2)).collect::<Vec<_>>();
        l.update(&ids(&["a", "b"]));
        l.hold(["a".to_string()]);
        l.update(&ids(&["b", "c"]));
        assert_eq!(l.position("a"), Some((2, 0)), "a fades out in place");
        assert_eq!(l.position("c"), Some((2, 2)), "c does not draw over a");
        l.hold([]);
        l.update(&ids(&["b", "c", "d"]));
        assert_eq!((l.position("a"), l.position("d")), (None, Some((2, 0))));
    }
}
