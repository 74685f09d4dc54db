//! Bringing decks into a collection: update text in place by card id, add new
//! cards, retire removed ones. Scheduling state and history are never touched.
//!
//! [`DeckSync`] takes decks a note at a time inside one transaction, so an
//! importer can write a large file as it reads it instead of holding it all;
//! nothing is committed unless the whole input was good.

use super::Collection;
use super::inplace::{InPlace, Param};
use crate::error::Result;
use crate::model::{CardContent, CardKind, DeckContent, NoteContent};
use rusqlite::{OptionalExtension, Row, Transaction, TransactionBehavior, params};
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

mod finish;
pub mod progress;
mod seen;
mod statements;
use seen::Seen;
use statements::{CARD_PARAMS, PLAIN_PARAMS, insert_cards_sql, joined_tags};

/// What a sync did (or, in a dry run, would do) to one deck.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeckReport {
    pub deck: String,
    pub added: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub retired: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub added: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub retired: u32,
    pub decks: Vec<DeckReport>,
    /// Why an import may not go ahead: a card id that belongs to another
    /// deck, or a change to a built-in deck.
    pub conflicts: Vec<String>,
}

impl SyncReport {
    pub fn changed(&self) -> bool {
        self.added + self.updated + self.retired > 0
    }
}

/// Course order: the deck's position, then the card's place in its file.
const DECK_STRIDE: i64 = 1_000_000;

/// How many cards are inserted with one statement.
const BATCH: usize = 256;

/// The triggers on inserted cards that a sync does without, made again
/// at its end (DeckSync::count_added). `deck_counts_insert`: the cards it
/// adds are counted per deck once, not by a trigger run per card (a
/// quarter of a 100,000-card import). `deck_values_insert`: it never fires
/// here (every card a sync inserts is new, with no due day), but a trigger
/// that may fail makes SQLite keep a statement journal for each statement
/// inserting many cards, a copy of every page the statement changes: a
/// million-card import wrote 250 MB of it to a temporary file (0.3 s).
const INSERT_TRIGGERS: [&str; 2] = ["deck_counts_insert", "deck_values_insert"];

/// Drops the triggers or indexes (`kind`) `names` in `tx`, returning the
/// statements that make them again: a bulk write does their work once at
/// its end instead of once a row. Being part of the transaction, dropping
/// them is undone with it if it does not commit.
fn set_aside(tx: &Transaction, kind: &str, names: &[&str]) -> Result<Vec<String>> {
    let mut made = Vec::with_capacity(names.len());
    for name in names {
        let sql: String = tx.query_row(
            "SELECT sql FROM sqlite_master WHERE type = lower(?1) AND name = ?2",
            [kind, name],
            |r| r.get("sql"),
        )?;
        tx.execute_batch(&format!("DROP {kind} {name}"))?;
        made.push(sql);
    }
    Ok(made)
}

/// How often (in notes: deck-file entries, CSV rows) the progress callback
/// is called.
const TICK: u32 = 1024;

/// The content columns of a stored card, to tell an edit from no change.
#[derive(PartialEq, Eq)]
struct Stored {
    id: i64,
    deck: i64,
    position: i64,
    note: String,
    kind: String,
    front: String,
    back: String,
    code: Option<String>,
    tags: String,
    source: String,
    retired: bool,
}

impl Stored {
    /// Whether the stored card is live in deck `deck_id` with exactly the
    /// text of `c` (`tags` joined as stored).
    fn same_text(&self, deck_id: i64, c: &CardContent, tags: &str) -> bool {
        self.deck == deck_id
            && self.kind == c.kind.as_str()
            && self.front == c.front
            && self.back == c.back
            && self.code == c.code
            && self.tags == tags
            && self.source == c.source
            && !self.retired
    }
}

/// A stored card's content by uid. No join with decks: a join on a bound
/// parameter is prepared again at every use (its plan depends on the
/// value), which made re-importing three times slower.
const STORED_BY_UID: &str =
    "SELECT id, deck_id, kind, front, back, code, tags, source, retired, position, note_id
     FROM cards WHERE uid = ?1";

/// A row of [`STORED_BY_UID`]. By position, beside the statement that fixes
/// the order: it runs for every card of a re-import.
fn row_to_stored(r: &Row<'_>) -> rusqlite::Result<Stored> {
    Ok(Stored {
        id: r.get(0)?,
        deck: r.get(1)?,
        kind: r.get(2)?,
        front: r.get(3)?,
        back: r.get(4)?,
        code: r.get(5)?,
        tags: r.get(6)?,
        source: r.get(7)?,
        retired: r.get(8)?,
        position: r.get(9)?,
        note: r.get(10)?,
    })
}

/// A deck being synced: its row, where its next note and card go, its report.
struct Open {
    id: i64,
    /// Whether the deck was in the collection before this sync (a new deck
    /// has no card to retire).
    existed: bool,
    name: String,
    position: i64,
    notes: i64,
    cards: i64,
    report: DeckReport,
}

/// One sync in progress: a transaction that decks are written into a note at
/// a time (see [`Collection::sync_with`]).
pub struct DeckSync<'c> {
    tx: Transaction<'c>,
    builtin: bool,
    /// Where the first new (not built-in) deck goes in course order.
    base: i64,
    decks: Vec<Open>,
    by_name: HashMap<String, usize>,
    /// Rows of the cards written so far, to retire the ones no longer in
    /// their deck and to catch a card id given twice.
    seen: Seen,
    conflicts: Vec<String>,
    /// Cards not yet written: (deck, position, card).
    pending: Vec<(usize, i64, CardContent)>,
    /// Notes not yet written: (deck row id, position, note).
    pending_notes: Vec<(i64, i64, NoteContent)>,
    /// Notes and card batches written, for [`DeckSync::take_spent`].
    spent: Vec<crate::interop::Spent>,
    spent_notes: Vec<NoteContent>,
    /// The card insert statements prepared so far, by (cards, kind when the
    /// batch is plain): made once, as they take a while to write out and
    /// compile. Their text is bound in place (see `InPlace`): a copy of each
    /// card's text per bind was a fifth of a code-heavy import.
    card_inserts: HashMap<(usize, Option<CardKind>), InPlace<'c>>,
    /// Ids of the notes with a row (kept as JSON), stored or written by
    /// this sync: few, as most notes are exactly their card and have none.
    json_notes: HashSet<String>,
    pending_tick: u32,
    tick: &'c mut dyn FnMut(u64),
    /// The triggers of [`INSERT_TRIGGERS`] as stored, dropped for this
    /// sync and made again at its end (see [`DeckSync::count_added`]).
    insert_triggers: Vec<String>,
    /// Whether the cards added are counted and the trigger made again (at
    /// the end, or before an import's progress updates the cards).
    counted: bool,
}

impl DeckSync<'_> {
    /// Creates or updates the deck `name` and returns its handle. Asking
    /// again for a name returns the same deck: notes given later follow the
    /// earlier ones (several files may add to one deck).
    pub fn deck(&mut self, name: &str, description: &str) -> Result<usize> {
        if let Some(&i) = self.by_name.get(name) {
            return Ok(i);
        }
        let existing: Option<(i64, bool)> = self
            .tx
            .prepare_cached("SELECT position, builtin FROM decks WHERE name = ?1")?
            .query_row([name], |r| Ok((r.get("position")?, r.get("builtin")?)))
            .optional()?;
        let was_builtin = existing.is_some_and(|e| e.1);
        let order = self.decks.len() as i64;
        let position = if self.builtin {
            order
        } else {
            existing.map_or(self.base + order, |e| e.0)
        };
        let id: i64 = self.tx.query_row(
            "INSERT INTO decks (name, description, position, builtin) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (name) DO UPDATE SET description = excluded.description,
                position = excluded.position, builtin = excluded.builtin
             RETURNING id",
            params![name, description, position, self.builtin || was_builtin],
            |r| r.get("id"),
        )?;
        self.decks.push(Open {
            id,
            existed: existing.is_some(),
            name: name.to_string(),
            position,
            notes: 0,
            cards: 0,
            report: DeckReport {
                deck: name.to_string(),
                ..DeckReport::default()
            },
        });
        self.by_name.insert(name.to_string(), self.decks.len() - 1);
        Ok(self.decks.len() - 1)
    }

    /// Stores a note of `deck` (a handle from [`DeckSync::deck`]); its cards
    /// follow with [`DeckSync::card`].
    pub fn note(&mut self, deck: usize, n: NoteContent) -> Result<()> {
        let d = &mut self.decks[deck];
        let pos = d.position * DECK_STRIDE + d.notes;
        d.notes += 1;
        if n.fields.is_empty() {
            // Exactly its card: the card is the note (schema 6), unless it
            // was stored with fields before, and that row must go.
            if self.json_notes.remove(&n.id) {
                self.flush_notes()?;
                self.tx
                    .prepare_cached("DELETE FROM notes WHERE id = ?1")?
                    .execute([&n.id])?;
            }
            self.spent_notes.push(n);
            if self.spent_notes.len() == BATCH {
                let notes = std::mem::take(&mut self.spent_notes);
                self.spent.push(Box::new(notes));
            }
        } else {
            self.json_notes.insert(n.id.clone());
            self.pending_notes.push((d.id, pos, n));
            if self.pending_notes.len() == BATCH {
                self.flush_notes()?;
            }
        }
        self.pending_tick += 1;
        if self.pending_tick == TICK {
            (self.tick)(u64::from(TICK));
            self.pending_tick = 0;
        }
        Ok(())
    }

    /// The sync's transaction, for a caller that changes more in the same
    /// commit (a built-in update keeps the learner's text and tags:
    /// `collection::overrides`).
    pub(crate) fn tx(&self) -> &Transaction<'_> {
        &self.tx
    }

    /// The notes and cards written so far that nothing refers to any more:
    /// the reader of a large import frees them on its own thread.
    pub fn take_spent(&mut self) -> Vec<crate::interop::Spent> {
        std::mem::take(&mut self.spent)
    }

    /// Writes the pending notes (those kept as JSON) with one statement, as
    /// cards are.
    fn flush_notes(&mut self) -> Result<()> {
        let batch = std::mem::take(&mut self.pending_notes);
        if batch.is_empty() {
            return Ok(());
        }
        // OR FAIL (here and for cards): a failing row fails the whole sync,
        // which is rolled back, so the statement needs no journal of its own
        // to undo its earlier rows; with the default ABORT, SQLite copies
        // every page the statement touches into one first (6% of an import).
        let sql = format!(
            "INSERT OR FAIL INTO notes (id, deck_id, position, fields) VALUES {}
             ON CONFLICT (id) DO UPDATE SET deck_id = excluded.deck_id,
                position = excluded.position, fields = excluded.fields
             WHERE (deck_id, position, fields) IS NOT (excluded.deck_id, excluded.position, excluded.fields)",
            vec!["(?, ?, ?, ?)"; batch.len()].join(", ")
        );
        let mut st = self.tx.prepare_cached(&sql)?;
        for (i, (deck_id, pos, n)) in batch.iter().enumerate() {
            let at = i * 4;
            st.raw_bind_parameter(at + 1, &n.id)?;
            st.raw_bind_parameter(at + 2, deck_id)?;
            st.raw_bind_parameter(at + 3, pos)?;
            st.raw_bind_parameter(at + 4, &n.fields)?;
        }
        st.raw_execute()?;
        Ok(())
    }

    /// Stores a card of `deck`: adds it, or updates the text of the card
    /// with its id (which keeps its schedule and history). Cards are written
    /// in batches; [`DeckSync::finish`] writes the last one.
    pub fn card(&mut self, deck: usize, c: CardContent) -> Result<()> {
        let d = &mut self.decks[deck];
        let pos = d.position * DECK_STRIDE + d.cards;
        d.cards += 1;
        self.pending.push((deck, pos, c));
        if self.pending.len() == BATCH {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes the pending cards. New cards are the bulk of a large import,
    /// so the batch is inserted with one statement (a statement per card
    /// spent as long opening and closing cursors as inserting), skipping
    /// ids already taken; only when some were taken is each card looked up.
    fn flush(&mut self) -> Result<()> {
        let batch = std::mem::take(&mut self.pending);
        if batch.is_empty() {
            return Ok(());
        }
        // Rows are numbered from the largest id up, so this batch's new
        // cards are exactly those above it.
        let before: i64 =
            self.tx
                .query_row("SELECT coalesce(max(id), 0) AS n FROM cards", [], |r| {
                    r.get("n")
                })?;
        // The common batch: cards of one kind, each its own note. Its
        // statement has the kind as a literal and the uid once for both
        // uid and note id: two text parameters fewer per card, each a copy
        // SQLite makes of the text and frees again.
        let kind = batch[0].2.kind;
        let plain = batch
            .iter()
            .all(|(_, _, c)| c.kind == kind && c.note == c.uid);
        let shape = (batch.len(), plain.then_some(kind));
        let st = match self.card_inserts.entry(shape) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(InPlace::prepare_in(
                &self.tx,
                &insert_cards_sql(shape.0, shape.1),
            )?),
        };
        let per = if plain { PLAIN_PARAMS } else { CARD_PARAMS };
        let tags: Vec<_> = batch.iter().map(|(_, _, c)| joined_tags(&c.tags)).collect();
        let mut values = Vec::with_capacity(batch.len() * per);
        for ((deck, pos, c), tags) in batch.iter().zip(&tags) {
            values.extend([
                Param::Text(&c.uid),
                Param::Int(self.decks[*deck].id),
                Param::Int(*pos),
                Param::Text(&c.front),
                Param::Text(&c.back),
                c.code.as_deref().into(),
                Param::Text(tags),
                Param::Text(&c.source),
            ]);
            if !plain {
                values.extend([Param::Text(c.kind.as_str()), Param::Text(&c.note)]);
            }
        }
        let inserted = st.execute(&values)?;
        if inserted == batch.len() {
            self.seen
                .insert_run(before + 1, before + 1 + batch.len() as i64);
            for (deck, _, _) in &batch {
                self.decks[*deck].report.added += 1;
            }
            self.spent.push(Box::new(batch));
        } else {
            for (deck, pos, c) in batch {
                self.existing(deck, pos, &c, before)?;
            }
        }
        Ok(())
    }

    /// Records a card of a batch that was not all new: added by the batch
    /// (its row is above `before`), or one that was already stored, whose
    /// text is updated if it changed.
    fn existing(&mut self, deck: usize, pos: i64, c: &CardContent, before: i64) -> Result<()> {
        let tags = c.tags.join(" ");
        let old: Stored = self
            .tx
            .prepare_cached(STORED_BY_UID)?
            .query_row([&c.uid], row_to_stored)?;
        if old.id > before && self.seen.insert(old.id) {
            self.decks[deck].report.added += 1;
            return Ok(());
        }
        let twice = !self.seen.insert(old.id);
        let deck_id = self.decks[deck].id;
        if twice || !self.builtin && old.deck != deck_id {
            self.conflict(deck, c, old.deck, twice)?;
        }
        let same = old.same_text(deck_id, c, &tags);
        // Re-importing a file is mostly cards that did not change:
        // those are not rewritten.
        if !same || old.position != pos || old.note != c.note {
            self.tx
                .prepare_cached(
                    "UPDATE cards SET deck_id = ?2, position = ?3, kind = ?4, front = ?5, back = ?6,
                        code = ?7, tags = ?8, source = ?9, note_id = ?10, retired = 0 WHERE id = ?1",
                )?
                .execute(params![
                    old.id, deck_id, pos, c.kind.as_str(), c.front, c.back, c.code, tags, c.source,
                    c.note
                ])?;
        }
        let report = &mut self.decks[deck].report;
        if same {
            report.unchanged += 1;
        } else {
            report.updated += 1;
        }
        Ok(())
    }

    /// Notes that card `c`, given in `deck`, is stored in the deck with row
    /// `stored_in` (another deck, unless the card came `twice`).
    fn conflict(
        &mut self,
        deck: usize,
        c: &CardContent,
        stored_in: i64,
        twice: bool,
    ) -> Result<()> {
        let other: String = self
            .tx
            .prepare_cached("SELECT name FROM decks WHERE id = ?1")?
            .query_row([stored_in], |r| r.get("name"))?;
        let d = &self.decks[deck];
        self.conflicts.push(if !twice {
            format!("card id {:?} already belongs to deck {other:?}", c.uid)
        } else if stored_in == d.id {
            format!("card id {:?} is twice in deck {other:?}", c.uid)
        } else {
            format!(
                "card id {:?} is in two imported decks ({other:?} and {:?})",
                c.uid, d.name
            )
        });
        Ok(())
    }

    /// Stores a whole deck: its row, its notes, then its cards.
    pub fn deck_content(&mut self, deck: &DeckContent) -> Result<()> {
        let d = self.deck(&deck.name, &deck.description)?;
        for n in &deck.notes {
            self.note(d, n.clone())?;
        }
        for c in &deck.cards {
            self.card(d, c.clone())?;
        }
        Ok(())
    }
}

impl Collection {
    /// Stores `decks` in one transaction. With `builtin`, the decks are the
    /// ones shipped in the binary, and cards of built-in decks missing from
    /// them are retired (kept with their history, no longer shown).
    pub fn sync_decks(&mut self, decks: &[DeckContent], builtin: bool) -> Result<SyncReport> {
        self.sync_decks_with(decks, builtin, false)
    }

    /// Like [`Collection::sync_decks`]; with `dry_run` the transaction is
    /// rolled back, so the report says what would happen and nothing changes.
    pub fn sync_decks_with(
        &mut self,
        decks: &[DeckContent],
        builtin: bool,
        dry_run: bool,
    ) -> Result<SyncReport> {
        self.sync_with(builtin, dry_run, &mut |_| {}, |sync| {
            for d in decks {
                sync.deck_content(d)?;
            }
            Ok(true)
        })
    }

    /// The general form: `feed` writes decks into the [`DeckSync`] a note at
    /// a time and returns whether its input was good. The sync commits only
    /// if it was, `dry_run` is off and nothing conflicts; otherwise it is
    /// rolled back and the report says what would have happened. `tick(n)`
    /// is called after each `n` notes so a caller can draw a progress bar
    /// without this layer knowing about terminals.
    pub fn sync_with(
        &mut self,
        builtin: bool,
        dry_run: bool,
        tick: &mut dyn FnMut(u64),
        feed: impl FnOnce(&mut DeckSync<'_>) -> Result<bool>,
    ) -> Result<SyncReport> {
        // Foreign keys are checked by construction here (each deck row is
        // written before its notes and cards) and the checks cost a third
        // of a large import's time. The pragma only
        // takes effect outside a transaction, so it is set around it.
        self.conn.execute_batch("PRAGMA foreign_keys = OFF")?;
        let result = if builtin || dry_run {
            self.sync_inner(builtin, dry_run, tick, feed)
        } else {
            self.bulk(|col| col.sync_inner(builtin, dry_run, tick, feed))
        };
        self.conn.execute_batch("PRAGMA foreign_keys = ON")?;
        result
    }

    fn sync_inner(
        &mut self,
        builtin: bool,
        dry_run: bool,
        tick: &mut dyn FnMut(u64),
        feed: impl FnOnce(&mut DeckSync<'_>) -> Result<bool>,
    ) -> Result<SyncReport> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let base: i64 = tx.query_row(
            "SELECT coalesce(max(position) + 1, 1000) AS n FROM decks WHERE builtin = 0",
            [],
            |r| r.get("n"),
        )?;
        let insert_triggers = set_aside(&tx, "TRIGGER", &INSERT_TRIGGERS)?;
        let json_notes = tx
            .prepare("SELECT id FROM notes")?
            .query_map([], |r| r.get("id"))?
            .collect::<rusqlite::Result<_>>()?;
        let mut sync = DeckSync {
            tx,
            builtin,
            base,
            decks: Vec::new(),
            by_name: HashMap::new(),
            seen: Seen::default(),
            conflicts: Vec::new(),
            pending: Vec::with_capacity(BATCH),
            pending_notes: Vec::with_capacity(BATCH),
            json_notes,
            card_inserts: HashMap::new(),
            spent: Vec::new(),
            spent_notes: Vec::new(),
            pending_tick: 0,
            tick,
            insert_triggers,
            counted: false,
        };
        let good = feed(&mut sync)?;
        sync.finish(good && !dry_run)
    }
}
