//! What an Anki package export reads: the live notes and cards of one deck or
//! all, with their scheduling state, and the review log only when asked for.
//! Everything comes from one read transaction, so a review answered while an
//! export runs is either wholly in the package or wholly out of it.

use super::Collection;
use super::export::{NOTE_CARD_COLUMNS, StoredNote, stored_note};
use crate::clock::Day;
use crate::error::Result;
use crate::model::CardKind;
use crate::scheduler::{CardState, Ease};
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageDeck {
    pub id: i64,
    pub name: String,
    pub description: String,
}

/// A note with at least one live card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageNote {
    pub id: String,
    pub deck_id: i64,
    pub note: StoredNote,
}

/// A live (not retired) card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageCard {
    pub id: i64,
    pub uid: String,
    pub note_id: String,
    /// Its note's place among the notes given so far (0 for the first).
    pub note: usize,
    pub kind: CardKind,
    pub state: CardState,
    pub suspended: bool,
    pub buried_until: Option<Day>,
    /// How many answers the card has had (0 unless progress was asked for).
    pub answers: u32,
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

/// What a package will hold, known before its rows are read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackageHeader {
    /// In course order.
    pub decks: Vec<PackageDeck>,
    /// Live notes and cards.
    pub notes: usize,
    pub cards: usize,
    /// The earliest due day of a live card, when progress was asked for.
    pub first_due: Option<Day>,
}

/// Receives a package's rows as they are read: [`PackageSink::start`], then
/// each live card in course order, its note just before the note's first
/// card, then (with progress) the answers to live cards in answer order.
/// Nothing is collected in between: 100,000 cards held in memory took more
/// than the whole export may.
pub trait PackageSink {
    fn start(&mut self, header: &PackageHeader) -> Result<()>;
    fn note(&mut self, note: &PackageNote) -> Result<()>;
    fn card(&mut self, card: &PackageCard) -> Result<()>;
    fn review(&mut self, review: &PackageReview) -> Result<()>;
}

impl Collection {
    /// How many live cards [`Collection::package_into`] would give, for a
    /// progress bar.
    pub fn package_cards(&self, deck: Option<i64>) -> Result<u64> {
        let n: i64 = self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM cards WHERE retired = 0 AND (?1 IS NULL OR deck_id = ?1)",
            )?
            .query_row([deck], |r| r.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Gives `sink` the decks (all, or `deck`) to put in an Anki package.
    /// Retired cards, and notes left with none, are not part of a deck any
    /// more. Everything is read in one read transaction.
    pub fn package_into(
        &self,
        deck: Option<i64>,
        with_revlog: bool,
        sink: &mut dyn PackageSink,
    ) -> Result<()> {
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
        let (notes, cards, first_due): (i64, i64, Option<Day>) = tx
            .prepare_cached(
                "SELECT count(DISTINCT note_id), count(*), min(due) FROM cards
                 WHERE retired = 0 AND (?1 IS NULL OR deck_id = ?1)",
            )?
            .query_row([deck], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        sink.start(&PackageHeader {
            decks: decks.clone(),
            notes: usize::try_from(notes).unwrap_or(0),
            cards: usize::try_from(cards).unwrap_or(0),
            first_due: first_due.filter(|_| with_revlog),
        })?;
        // A deck at a time, through the (deck, retired, position) index: course
        // order without sorting every card of the collection.
        // A note that is exactly its card has no row (schema 6) and is read
        // from this same row.
        let mut st = tx.prepare_cached(&format!(
            "SELECT c.id, c.uid, c.note_id, c.kind, c.reps, c.interval, c.ease, c.due, c.lapses,
                    c.repeat_on, c.suspended, c.buried_until, coalesce(n.deck_id, c.deck_id),
                    CASE WHEN ?2 THEN (SELECT count(*) FROM revlog r WHERE r.card_id = c.id) ELSE 0 END,
                    coalesce(n.fields, ''), {NOTE_CARD_COLUMNS}
             FROM cards c LEFT JOIN notes n ON n.id = c.note_id
             WHERE c.deck_id = ?1 AND c.retired = 0 ORDER BY c.position"
        ))?;
        // Each note is given once, just before its first card.
        let mut given: HashMap<String, usize> = HashMap::new();
        let mut live: HashSet<i64> = HashSet::new();
        for d in &decks {
            let mut rows = st.query(rusqlite::params![d.id, with_revlog])?;
            while let Some(r) = rows.next()? {
                let kind: String = r.get(3)?;
                let note_id: String = r.get(2)?;
                let note = match given.get(&note_id) {
                    Some(&i) => i,
                    None => {
                        sink.note(&PackageNote {
                            id: note_id.clone(),
                            deck_id: r.get(12)?,
                            note: stored_note(r, note_id.clone(), r.get(14)?, 15)?,
                        })?;
                        given.insert(note_id.clone(), given.len());
                        given.len() - 1
                    }
                };
                let card = PackageCard {
                    id: r.get(0)?,
                    uid: r.get(1)?,
                    note_id,
                    note,
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
                    answers: r.get(13)?,
                };
                if with_revlog {
                    live.insert(card.id);
                }
                sink.card(&card)?;
            }
        }
        drop(st);
        if with_revlog {
            // Filtered here rather than joined in SQL: a million-row log is
            // read in half the time in id order without a lookup per row.
            let mut st = tx.prepare_cached(
                "SELECT card_id, time_ms, grade, is_repeat, taken_ms, due_before IS NULL,
                        reps_before, lapses_before, interval_before, interval_after, ease_after
                 FROM revlog ORDER BY id",
            )?;
            let mut rows = st.query([])?;
            while let Some(r) = rows.next()? {
                let card_id: i64 = r.get(0)?;
                if !live.contains(&card_id) {
                    continue;
                }
                sink.review(&PackageReview {
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
                })?;
            }
        }
        // Read-only: nothing to commit, and dropping the transaction ends it.
        drop(tx);
        Ok(())
    }
}
