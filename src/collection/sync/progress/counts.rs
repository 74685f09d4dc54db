//! What the states an import gives change in each deck's counts
//! (`deck_counts`, `deck_values`), kept in memory and added once at the
//! end, as the update triggers (set aside for the import) would have.

use crate::error::Result;
use rusqlite::params;
use std::collections::HashMap;

/// The part of a live card's state that `deck_counts` and `deck_values`
/// count it by (schema.sql).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Counted {
    pub(super) suspended: bool,
    pub(super) due: Option<i64>,
    pub(super) interval: i64,
    pub(super) ease: i64,
}

impl Counted {
    /// Its `deck_counts` class and day, as the triggers compute them.
    fn class_and_day(&self) -> (i64, i64) {
        let class = match (self.suspended, self.due) {
            (true, _) => 3,
            (false, None) => 0,
            (false, Some(_)) if self.interval < i64::from(crate::stats::MATURE_DAYS) => 1,
            (false, Some(_)) => 2,
        };
        let day = if self.suspended {
            0
        } else {
            self.due.unwrap_or(0)
        };
        (class, day)
    }
}

/// The changes to `deck_counts`, by (deck, class, day), and to
/// `deck_values`, by (deck, what, value).
#[derive(Debug, Default)]
pub(super) struct CountChanges {
    counts: HashMap<(i64, i64, i64), i64>,
    values: HashMap<(i64, i64, i64), i64>,
}

impl CountChanges {
    /// A live card of `deck` that was counted as `was` and now is `now`.
    pub(super) fn moved(&mut self, deck: i64, was: &Counted, now: &Counted) {
        self.count(deck, was, -1);
        self.count(deck, now, 1);
    }

    /// Counts a live card of `deck` in state `c` once more (`by` 1) or
    /// once less (-1), as the count triggers would.
    fn count(&mut self, deck: i64, c: &Counted, by: i64) {
        let (class, day) = c.class_and_day();
        *self.counts.entry((deck, class, day)).or_default() += by;
        if c.due.is_some() {
            *self.values.entry((deck, 0, c.ease)).or_default() += by;
            *self.values.entry((deck, 1, c.interval)).or_default() += by;
        }
    }

    /// Adds the changes to both tables.
    pub(super) fn add_to(&self, tx: &rusqlite::Transaction) -> Result<()> {
        add_counts(tx, "deck_counts", ["deck_id", "class", "day"], &self.counts)?;
        add_counts(
            tx,
            "deck_values",
            ["deck_id", "what", "value"],
            &self.values,
        )
    }
}

/// Adds `changes` to the counts of `table` (`deck_counts` or
/// `deck_values`, keyed by the three columns `key`), dropping the rows
/// that fall to no cards.
fn add_counts(
    tx: &rusqlite::Transaction,
    table: &str,
    [a, b, c]: [&str; 3],
    changes: &HashMap<(i64, i64, i64), i64>,
) -> Result<()> {
    let mut add = tx.prepare(&format!(
        "INSERT INTO {table} VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT ({a}, {b}, {c}) DO UPDATE SET n = n + excluded.n"
    ))?;
    let mut drop_empty = tx.prepare(&format!(
        "DELETE FROM {table} WHERE {a} = ?1 AND {b} = ?2 AND {c} = ?3 AND n = 0"
    ))?;
    for (&(x, y, z), &by) in changes {
        if by != 0 {
            add.execute(params![x, y, z, by])?;
        }
        if by < 0 {
            drop_empty.execute(params![x, y, z])?;
        }
    }
    Ok(())
}
