//! The rows a sync has written or matched.

use std::collections::HashSet;

/// The card rows a sync has written or matched, to retire the others and to
/// catch a card id given twice. New cards get consecutive row ids, batch
/// after batch, so those are kept as runs: a 100,000-card import is one run
/// instead of a hash set of 100,000 ids (which cost a twentieth of its time).
#[derive(Default)]
pub(super) struct Seen {
    /// Half-open ranges of row ids, increasing and disjoint.
    runs: Vec<(i64, i64)>,
    /// Rows matched one at a time (cards already stored).
    ids: HashSet<i64>,
}

impl Seen {
    pub(super) fn contains(&self, id: i64) -> bool {
        let i = self.runs.partition_point(|r| r.0 <= id);
        i > 0 && id < self.runs[i - 1].1 || self.ids.contains(&id)
    }

    /// Adds `id`; false if it was there already.
    pub(super) fn insert(&mut self, id: i64) -> bool {
        !self.contains(id) && self.ids.insert(id)
    }

    /// Adds the rows `start..end`, all above every row added before.
    pub(super) fn insert_run(&mut self, start: i64, end: i64) {
        match self.runs.last_mut() {
            Some(last) if last.1 == start => last.1 = end,
            _ => self.runs.push((start, end)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Seen;

    #[test]
    fn seen_runs_and_single_rows() {
        let mut seen = Seen::default();
        seen.insert_run(1, 257);
        seen.insert_run(257, 513);
        seen.insert_run(600, 601);
        assert_eq!(seen.runs, vec![(1, 513), (600, 601)]);
        for id in [1, 256, 257, 512, 600] {
            assert!(seen.contains(id), "{id}");
        }
        for id in [0, 513, 599, 601, -5] {
            assert!(!seen.contains(id), "{id}");
        }
        // A row inside a run is already there; one outside is added once.
        assert!(!seen.insert(300));
        assert!(seen.insert(550));
        assert!(!seen.insert(550));
        assert!(seen.contains(550));
        assert!(!seen.contains(551));
    }
}
