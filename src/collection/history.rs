//! One card's record for `py201 show`: the card by its id, its review log
//! with the state before and after each answer, and the ids nearest to one
//! that does not exist.

use super::Collection;
use super::cards::{CARD_COLUMNS, Card, fsrs_part, row_to_card};
use crate::clock::Day;
use crate::error::Result;
use crate::scheduler::{CardState, Ease};
use rusqlite::{OptionalExtension, Row};

/// One answer as logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    pub id: i64,
    pub time_ms: i64,
    pub day: Day,
    pub grade: u8,
    /// A same-day repeat (changed no schedule).
    pub repeat: bool,
    pub taken_ms: i64,
    pub before: CardState,
    pub after: CardState,
}

/// The scheduling state a log row records on one side (`_before` or `_after`).
fn logged_state(r: &Row<'_>, side: &str) -> rusqlite::Result<CardState> {
    let col = |name: &str| format!("{name}_{side}");
    let names = ["stability", "difficulty", "step", "step_due_ms"].map(col);
    let (memory, step) = fsrs_part(r, [&names[0], &names[1], &names[2], &names[3]])?;
    Ok(CardState {
        reps: r.get(col("reps").as_str())?,
        interval: r.get(col("interval").as_str())?,
        ease: Ease(r.get(col("ease").as_str())?),
        due: r.get(col("due").as_str())?,
        lapses: r.get(col("lapses").as_str())?,
        repeat_on: r.get(col("repeat_on").as_str())?,
        memory,
        step,
    })
}

impl Collection {
    /// The card whose id (as in its deck file) is `uid`, any case.
    pub fn card_by_uid(&self, uid: &str) -> Result<Option<Card>> {
        let sql = format!(
            "SELECT {CARD_COLUMNS} FROM cards c JOIN decks d ON d.id = c.deck_id WHERE c.uid = ?1"
        );
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row([uid.trim().to_ascii_lowercase()], row_to_card)
            .optional()?)
    }

    /// Every answer to card `id`, oldest first.
    pub fn card_log(&self, id: i64) -> Result<Vec<LogEntry>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT * FROM revlog WHERE card_id = ?1 ORDER BY id")?;
        let rows = stmt
            .query_map([id], |r| {
                Ok(LogEntry {
                    id: r.get("id")?,
                    time_ms: r.get("time_ms")?,
                    day: r.get("day")?,
                    grade: r.get("grade")?,
                    repeat: r.get("is_repeat")?,
                    taken_ms: r.get("taken_ms")?,
                    before: logged_state(r, "before")?,
                    after: logged_state(r, "after")?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Up to `n` card ids nearest to `uid`, nearest first (ties in course
    /// order): what a mistyped or shortened id probably meant. Nearest is
    /// the fewest edits that make `uid` part of an id, then of all of it.
    pub fn closest_uids(&self, uid: &str, n: usize) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT uid FROM cards ORDER BY position")?;
        let wanted = uid.trim().to_ascii_lowercase();
        let mut all: Vec<((usize, usize), String)> = stmt
            .query_map([], |r| r.get::<_, String>("uid"))?
            .map(|u| u.map(|u| (nearness(&wanted, &u), u)))
            .collect::<rusqlite::Result<_>>()?;
        all.sort_by_key(|(d, _)| *d);
        Ok(all.into_iter().take(n).map(|(_, u)| u).collect())
    }
}

/// How far `id` is from what `wanted` names: edits to make `wanted` a
/// part of `id`, then edits to make it all of `id`.
fn nearness(wanted: &str, id: &str) -> (usize, usize) {
    (distance(wanted, id, true), distance(wanted, id, false))
}

/// Levenshtein distance in characters from `a` to `b`, or with `within`, to
/// the nearest part of `b` (skipping `b`'s start and end is free); one row
/// of memory.
fn distance(a: &str, b: &str, within: bool) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).map(|j| if within { 0 } else { j }).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != *cb))
                .min(above + 1)
                .min(row[j] + 1);
            diagonal = above;
        }
    }
    if within {
        row.into_iter().min().unwrap_or(0)
    } else {
        row[b.len()]
    }
}

#[cfg(test)]
mod tests {
    use super::{distance, nearness};

    #[test]
    fn distances_whole_and_within() {
        assert_eq!(distance("", "abc", false), 3);
        assert_eq!(distance("kitten", "sitting", false), 3);
        assert_eq!(distance("gil-io", "gil-io", false), 0);
        assert_eq!(distance("gil-oi", "gil-io", false), 2);
        assert_eq!(distance("relesed", "gil-released-on-io", true), 1);
        assert_eq!(distance("xyz", "gil", true), 3);
        // A shortened id is nearer its long form than a short stranger.
        assert!(
            nearness("gil-relesed", "gil-released-on-io") < nearness("gil-relesed", "desc-delete")
        );
    }
}
