//! Stable positions: an object keeps its grid cell while it lives; a new object takes
//! the cell of a gone object of the same name (a StatefulSet's pod recreated under its
//! name keeps its place, so its pods stay in ordinal order), else the lowest free row of
//! its column, so deletions leave gaps that fill in order.

use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug, Default)]
pub struct Layout {
    placed: BTreeMap<String, (usize, usize)>,
    /// The name each placed id was placed under (kind, namespace and name).
    names: BTreeMap<String, String>,
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

    /// Places new ids (in the given order), keeps existing and held ones, frees the rest;
    /// each id is its own name.
    pub fn update(&mut self, ids: &[(String, usize)]) {
        let named: Vec<(String, usize, String)> = ids.iter().map(|(id, c)| (id.clone(), *c, id.clone())).collect();
        self.update_named(&named);
    }

    /// As `update`, with a name per id: a new id whose name a gone one had takes its cell
    /// (a held one still fades out there, under the newcomer).
    pub fn update_named(&mut self, ids: &[(String, usize, String)]) {
        let live: BTreeSet<&str> = ids.iter().map(|(id, _, _)| id.as_str()).collect();
        let mut gone_by_name: BTreeMap<String, String> = self
            .placed
            .keys()
            .filter(|id| !live.contains(id.as_str()))
            .filter_map(|id| Some((self.names.get(id)?.clone(), id.clone())))
            .collect();
        for (id, column, name) in ids {
            if self.placed.contains_key(id) {
                continue;
            }
            let Some(old) = gone_by_name.remove(name) else { continue };
            match self.placed.get(&old).copied() {
                Some(cell) if cell.0 == *column => {
                    self.placed.remove(&old);
                    self.names.remove(&old);
                    self.placed.insert(id.clone(), cell);
                    self.names.insert(id.clone(), name.clone());
                }
                _ => {}
            }
        }
        let gone: Vec<String> =
            self.placed.keys().filter(|id| !live.contains(id.as_str()) && !self.held.contains(*id)).cloned().collect();
        for id in gone {
            self.names.remove(&id);
            if let Some((c, r)) = self.placed.remove(&id) {
                if let Some(rows) = self.used.get_mut(&c) {
                    rows.remove(&r);
                }
            }
        }
        for (id, column, name) in ids {
            if self.placed.contains_key(id) {
                continue;
            }
            self.names.insert(id.clone(), name.clone());
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

    #[test]
    fn a_newcomer_under_a_gone_name_takes_its_cell() {
        let mut l = Layout::default();
        let named = |v: &[(&str, &str)]| v.iter().map(|(id, n)| (id.to_string(), 2, n.to_string())).collect::<Vec<_>>();
        l.update_named(&named(&[("uid-0", "web-0"), ("uid-1", "web-1"), ("uid-2", "web-2")]));
        // web-1 is recreated (a new uid) while the old one still fades out.
        l.hold(["uid-1".to_string()]);
        l.update_named(&named(&[("uid-0", "web-0"), ("uid-1b", "web-1"), ("uid-2", "web-2")]));
        assert_eq!(l.position("uid-1b"), Some((2, 1)), "web-1 keeps its row");
        l.hold([]);
        l.update_named(&named(&[("uid-0", "web-0"), ("uid-1b", "web-1"), ("uid-2", "web-2"), ("uid-3", "web-3")]));
        assert_eq!(l.position("uid-3"), Some((2, 3)));
    }
}
