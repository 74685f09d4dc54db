//! What an Anki package export reads: the live notes and cards of one deck or
//! all, with their scheduling state, and the review log only when asked for.
//! Everything comes from one read transaction, so a review answered while an
//! export runs is either wholly in the package or wholly out of it.

use super::Collection;
use crate::clock::Day;
use crate::error::Result;
use crate::model::CardKind;
use crate::scheduler::{CardState, Ease};
use std::collections::HashSet;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageDeck {
    pub id: i64,
    pub name: String,
    pub description: String,
}

/// A note with at least one live card, its fields as authored (JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageNote {
    pub id: String,
    pub deck_id: i64,
    pub fields: String,
}

/// A live (not retired) card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageCard {
    pub id: i64,
    pub uid: String,
    pub note_id: String,
    pub kind: CardKind,
    pub state: CardState,
    pub suspended: bool,
    pub buried_until: Option<Day>,
}

/// One answer (a review-log row), with what an export needs of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PackageReview {
    pub card_id: i64,
    /// Wall-clock time of the answer, milliseconds since the Unix epoch.
    pub time_ms: i64,
    pub grade: u8,
    /// A same-day repeat (changed no scheduling state).
    pub is_repeat: bool,
    pub taken_ms: i64,
    /// The card's first answer ever (it was new).
    pub first_view: bool,
    pub reps_before: u32,
    pub lapses_before: u32,
    pub interval_before: u32,
    pub interval_after: u32,
    pub ease_after: u16,
}

/// Decks, notes and cards in course order (positions are global: the deck's
/// position times a stride, plus the place in its file); `revlog` in answer
/// order, empty unless progress was asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackageData {
    pub decks: Vec<PackageDeck>,
    pub notes: Vec<PackageNote>,
    pub cards: Vec<PackageCard>,
    pub revlog: Vec<PackageReview>,
}

impl Collection {
    /// The decks (all, or `deck`) to put in an Anki package. Retired cards,
    /// and notes left with none, are not part of a deck any more.
    pub fn package_data(&self, deck: Option<i64>, with_revlog: bool) -> Result<PackageData> {
        let tx = self.conn.unchecked_transaction()?;
        let decks = tx
            .prepare_cached(
                "SELECT id, name, description FROM decks WHERE ?1 IS NULL OR id = ?1 ORDER BY position",
            )?
            .query_map([deck], |r| {
                Ok(PackageDeck {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    description: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let cards = tx
            .prepare_cached(
                "SELECT id, uid, note_id, kind, reps, interval, ease, due, lapses, repeat_on,
                        suspended, buried_until
                 FROM cards WHERE retired = 0 AND (?1 IS NULL OR deck_id = ?1) ORDER BY position",
            )?
            .query_map([deck], |r| {
                let kind: String = r.get(3)?;
                Ok(PackageCard {
                    id: r.get(0)?,
                    uid: r.get(1)?,
                    note_id: r.get(2)?,
                    // The CHECK constraint on `kind` makes the fallback unreachable.
                    kind: CardKind::parse(&kind).unwrap_or(CardKind::Basic),
                    state: CardState {
                        reps: r.get(4)?,
                        interval: r.get(5)?,
                        ease: Ease(r.get(6)?),
                        due: r.get(7)?,
                        lapses: r.get(8)?,
                        repeat_on: r.get(9)?,
                        ..CardState::NEW
                    },
                    suspended: r.get(10)?,
                    buried_until: r.get(11)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        // A note is live when one of its cards is: known from the cards
        // just read, which is cheaper than asking SQLite once per note.
        let live_notes: HashSet<&str> = cards.iter().map(|c| c.note_id.as_str()).collect();
        let notes = tx
            .prepare_cached(
                "SELECT id, deck_id, fields FROM notes WHERE ?1 IS NULL OR deck_id = ?1
                 ORDER BY position",
            )?
            .query_map([deck], |r| {
                Ok(PackageNote {
                    id: r.get(0)?,
                    deck_id: r.get(1)?,
                    fields: r.get(2)?,
                })
            })?
            .filter(|n| {
                n.as_ref()
                    .map_or(true, |n| live_notes.contains(n.id.as_str()))
            })
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let revlog = if with_revlog {
            // Filtered here rather than joined in SQL: a million-row log is
            // read in half the time in id order without a lookup per row.
            let live: HashSet<i64> = cards.iter().map(|c| c.id).collect();
            let mut st = tx.prepare_cached(
                "SELECT card_id, time_ms, grade, is_repeat, taken_ms, due_before IS NULL,
                        reps_before, lapses_before, interval_before, interval_after, ease_after
                 FROM revlog ORDER BY id",
            )?;
            let mut rows = st.query([])?;
            let mut revlog = Vec::new();
            while let Some(r) = rows.next()? {
                let card_id: i64 = r.get(0)?;
                if !live.contains(&card_id) {
                    continue;
                }
                revlog.push(PackageReview {
                    card_id,
                    time_ms: r.get(1)?,
                    grade: r.get(2)?,
                    is_repeat: r.get(3)?,
                    taken_ms: r.get(4)?,
                    first_view: r.get(5)?,
                    reps_before: r.get(6)?,
                    lapses_before: r.get(7)?,
                    interval_before: r.get(8)?,
                    interval_after: r.get(9)?,
                    ease_after: r.get(10)?,
                });
            }
            revlog
        } else {
            Vec::new()
        };
        // Read-only: nothing to commit, and dropping the transaction ends it.
        drop(tx);
        Ok(PackageData {
            decks,
            notes,
            cards,
            revlog,
        })
    }
}
