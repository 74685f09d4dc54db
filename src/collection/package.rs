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
use std::collections::HashMap;

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
    /// Its note's deck.
    pub deck_id: i64,
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
    /// Live cards, as many as or more than their notes: a package's note
    /// ids are made from places below this. Counting the notes themselves
    /// (`count(DISTINCT note_id)`) sorted every note id, 1.5 s of a
    /// 1,000,000-card export.
    pub cards: usize,
    /// The earliest due day of a live card, when progress was asked for.
    pub first_due: Option<Day>,
    /// The largest card id, live or not: a package's ids for cards and
    /// answers can be made from card ids without a map of them.
    pub max_card_id: i64,
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

/// A live card's row, as [`Collection::package_into`] reads it: by
/// position, as every card of the package comes through here.
struct CardRow<'r>(&'r rusqlite::Row<'r>);

impl CardRow<'_> {
    /// The columns before [`NOTE_CARD_COLUMNS`], in the order the methods
    /// below read them. `?2`: whether answers are counted. The last: how
    /// many live cards the note has, when it is not exactly this card
    /// (through `cards_note`, which holds only those).
    const COLUMNS: &'static str = "c.id, c.uid, c.note_id, c.kind, c.reps, c.interval, c.ease,
        c.due, c.lapses, c.repeat_on, c.suspended, c.buried_until, coalesce(n.deck_id, c.deck_id),
        CASE WHEN ?2 THEN (SELECT count(*) FROM revlog r WHERE r.card_id = c.id) ELSE 0 END,
        coalesce(n.fields, ''),
        CASE WHEN c.note_id = c.uid THEN 1 ELSE (SELECT count(*) FROM cards k
            WHERE k.note_id = c.note_id AND k.note_id <> k.uid AND k.retired = 0) END";
    /// Where [`NOTE_CARD_COLUMNS`] start.
    const NOTE_CARD_AT: usize = 16;

    fn note_id(&self) -> rusqlite::Result<String> {
        self.0.get(2)
    }

    /// How many live cards the card's note has.
    fn note_cards(&self) -> rusqlite::Result<u32> {
        self.0.get(15)
    }

    /// The card's note, which is `id`.
    fn note(&self, id: String) -> Result<PackageNote> {
        let fields: String = self.0.get(14)?;
        Ok(PackageNote {
            deck_id: self.0.get(12)?,
            note: stored_note(self.0, id.clone(), fields, Self::NOTE_CARD_AT)?,
            id,
        })
    }

    /// The card, of the note `note_id` given `note`th.
    fn card(&self, note_id: String, note: usize) -> rusqlite::Result<PackageCard> {
        let r = self.0;
        let kind: String = r.get(3)?;
        Ok(PackageCard {
            id: r.get(0)?,
            uid: r.get(1)?,
            note_id,
            note,
            deck_id: r.get(12)?,
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
        })
    }
}

/// The columns of `revlog` [`row_to_review`] reads, in its order.
const REVIEW_COLUMNS: &str = "r.card_id, r.time_ms, r.grade, r.is_repeat, r.taken_ms,
    r.due_before IS NULL, r.reps_before, r.lapses_before, r.interval_before, r.interval_after,
    r.ease_after";

/// A row of [`REVIEW_COLUMNS`]. By position: a package with progress
/// reads every answer ever given.
fn row_to_review(r: &rusqlite::Row) -> rusqlite::Result<PackageReview> {
    Ok(PackageReview {
        card_id: r.get(0)?,
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
    })
}

impl Collection {
    /// How many live cards [`Collection::package_into`] would give, for a
    /// progress bar.
    pub fn package_cards(&self, deck: Option<i64>) -> Result<u64> {
        let n: i64 = self
            .conn
            .prepare_cached(
                "SELECT count(*) AS cards FROM cards WHERE retired = 0 AND (?1 IS NULL OR deck_id = ?1)",
            )?
            .query_row([deck], |r| r.get("cards"))?;
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
        let header = package_header(&tx, deck, with_revlog)?;
        sink.start(&header)?;
        let live = package_cards_into(&tx, &header.decks, with_revlog, sink)?;
        if with_revlog {
            package_reviews_into(&tx, &live, sink)?;
        }
        // Read-only: nothing to commit, and dropping the transaction ends it.
        drop(tx);
        Ok(())
    }
}

/// The decks (all, or `deck`) in course order, and the counts of their
/// live notes and cards.
fn package_header(
    tx: &rusqlite::Transaction,
    deck: Option<i64>,
    with_revlog: bool,
) -> Result<PackageHeader> {
    let decks = tx
        .prepare_cached(
            "SELECT id, name, description FROM decks WHERE ?1 IS NULL OR id = ?1 ORDER BY position",
        )?
        .query_map([deck], |r| {
            Ok(PackageDeck {
                id: r.get("id")?,
                name: r.get("name")?,
                description: r.get("description")?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let (cards, first_due, max_card_id): (i64, Option<Day>, i64) = tx
        .prepare_cached(
            "SELECT count(*) AS cards, min(due) AS first_due,
                (SELECT coalesce(max(id), 0) FROM cards) AS max_id
             FROM cards WHERE retired = 0 AND (?1 IS NULL OR deck_id = ?1)",
        )?
        .query_row([deck], |r| {
            Ok((r.get("cards")?, r.get("first_due")?, r.get("max_id")?))
        })?;
    Ok(PackageHeader {
        decks,
        cards: usize::try_from(cards).unwrap_or(0),
        first_due: first_due.filter(|_| with_revlog),
        max_card_id,
    })
}

/// Gives `sink` the live cards of `decks`, each note just before its first
/// card; returns the cards given when their answers are wanted.
///
/// A deck at a time, through the (deck, retired, position) index: course
/// order without sorting every card of the collection. A note that is
/// exactly its card has no row (schema 6) and is read from this same row.
fn package_cards_into(
    tx: &rusqlite::Transaction,
    decks: &[PackageDeck],
    with_revlog: bool,
    sink: &mut dyn PackageSink,
) -> Result<CardSet> {
    let mut live = CardSet::default();
    let mut st = tx.prepare_cached(&format!(
        "SELECT {}, {NOTE_CARD_COLUMNS}
         FROM cards c LEFT JOIN notes n ON n.id = c.note_id
         WHERE c.deck_id = ?1 AND c.retired = 0 ORDER BY c.position",
        CardRow::COLUMNS
    ))?;
    let mut notes = OpenNotes::default();
    for d in decks {
        let mut rows = st.query(rusqlite::params![d.id, with_revlog])?;
        while let Some(r) = rows.next()? {
            let row = CardRow(r);
            let note_id = row.note_id()?;
            let note = match notes.place(&note_id, row.note_cards()?) {
                Some(i) => i,
                None => {
                    sink.note(&row.note(note_id.clone())?)?;
                    notes.given - 1
                }
            };
            let card = row.card(note_id, note)?;
            if with_revlog {
                live.insert(card.id);
            }
            sink.card(&card)?;
        }
    }
    Ok(live)
}

/// A set of card ids as one bit per id: the live cards whose answers a
/// package takes. A hash set of them grew by about 40 bytes a card; this is
/// 125 KB for a million. (Joining each answer to its card in SQL instead
/// read the cards in answer order: 14 s against 3 s for a million answers.)
#[derive(Default)]
struct CardSet(Vec<u64>);

impl CardSet {
    fn insert(&mut self, id: i64) {
        let Ok(id) = usize::try_from(id) else {
            return;
        };
        if id / 64 >= self.0.len() {
            self.0.resize(id / 64 + 1, 0);
        }
        self.0[id / 64] |= 1 << (id % 64);
    }

    fn contains(&self, id: i64) -> bool {
        usize::try_from(id)
            .ok()
            .and_then(|id| self.0.get(id / 64).map(|w| w >> (id % 64) & 1 == 1))
            .unwrap_or(false)
    }
}

/// The notes given so far: how many, and the place of each note of several
/// cards until its last card is given. A map of every note given held a
/// copy of each id (most of a 1,000,000-card export's 146 MB); a note that
/// is exactly its card needs no entry, and a note of several cards (a
/// cloze's, whose cards follow each other) one only while it is open.
#[derive(Default)]
struct OpenNotes {
    given: usize,
    /// Note id -> (its place, its cards not yet given).
    open: HashMap<String, (usize, u32)>,
}

impl OpenNotes {
    /// The place of `note_id` if it was given already; otherwise it is
    /// given now (placed last), with `cards` live cards in all.
    fn place(&mut self, note_id: &str, cards: u32) -> Option<usize> {
        if let Some((place, left)) = self.open.get_mut(note_id) {
            let place = *place;
            *left = left.saturating_sub(1);
            if *left == 0 {
                self.open.remove(note_id);
            }
            return Some(place);
        }
        self.given += 1;
        if cards > 1 {
            self.open
                .insert(note_id.to_string(), (self.given - 1, cards - 1));
        }
        None
    }
}

/// Gives `sink` the answers to the `live` cards, in answer order. Filtered
/// here rather than joined in SQL (see [`CardSet`]).
fn package_reviews_into(
    tx: &rusqlite::Transaction,
    live: &CardSet,
    sink: &mut dyn PackageSink,
) -> Result<()> {
    // In time order, not row order: rows imported from Anki come a card at
    // a time, and the package's revlog ids are answer times, which Anki
    // (and py201, importing the package back) match answers by.
    let mut st = tx.prepare_cached(&format!(
        "SELECT {REVIEW_COLUMNS} FROM revlog r ORDER BY r.time_ms, r.id"
    ))?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let review = row_to_review(r)?;
        if live.contains(review.card_id) {
            sink.review(&review)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A note of several cards keeps its place until its last card; a note
    /// that is exactly its card is never held.
    #[test]
    fn card_sets_hold_exactly_the_ids_put_in() {
        let mut set = CardSet::default();
        for id in [1, 63, 64, 1000] {
            set.insert(id);
        }
        let found: Vec<i64> = (-2..1100).filter(|&id| set.contains(id)).collect();
        assert_eq!(found, [1, 63, 64, 1000]);
    }

    #[test]
    fn open_notes_hold_only_notes_with_cards_to_come() {
        let mut notes = OpenNotes::default();
        assert_eq!(notes.place("a", 1), None);
        assert_eq!(notes.place("cloze", 3), None);
        assert_eq!(notes.place("b", 1), None);
        assert_eq!(notes.place("cloze", 3), Some(1));
        assert_eq!(notes.open.len(), 1);
        assert_eq!(notes.place("cloze", 3), Some(1));
        assert!(notes.open.is_empty(), "closed after its third card");
        assert_eq!(notes.given, 3);
    }

    /// [`CardRow`] and [`row_to_review`] read by position: each position is
    /// that of the column they mean.
    #[test]
    fn positions_read_are_those_of_the_column_lists() {
        let col = Collection::in_memory().unwrap();
        let names = |sql: &str| -> Vec<String> {
            let st = col.conn.prepare(sql).unwrap();
            st.column_names().map(str::to_string).collect()
        };
        let card = names(&format!(
            "SELECT {}, {NOTE_CARD_COLUMNS} FROM cards c LEFT JOIN notes n ON n.id = c.note_id",
            CardRow::COLUMNS
        ));
        let at = CardRow::NOTE_CARD_AT;
        assert_eq!(card[..4], ["id", "uid", "note_id", "kind"]);
        assert_eq!(
            card[4..12].join(" "),
            "reps interval ease due lapses repeat_on suspended buried_until"
        );
        assert!(card[12].contains("deck_id") && card[13].contains("revlog"));
        assert!(card[14].contains("fields") && card[15].contains("count"));
        assert_eq!(
            card[at..],
            ["kind", "front", "back", "code", "tags", "source"]
        );
        let review = names(&format!("SELECT {REVIEW_COLUMNS} FROM revlog r"));
        assert_eq!(review.len(), 11);
        assert_eq!(review[0], "card_id");
        assert_eq!(review[10], "ease_after");
    }
}
