//! The whole collection as rows, out and back in: what a JSON backup
//! (`interop::backup`) is made of, and the restore that replaces every
//! table with one in a single transaction. Deck and note exports, which
//! read what a learner authored rather than every row, are `export`'s.

use super::Collection;
use super::export::{CARDS_WITHOUT_NOTE, NOTE_CARD_COLUMNS, card_at, split_tags, stored_note};
use crate::decks::NoteSpec;
use crate::error::Result;
use crate::model::{CardContent, CardKind};
use rusqlite::{OptionalExtension, ToSql, TransactionBehavior};

/// Every row of every table a learner's data lives in, as the tables hold
/// them: what a JSON backup (`interop::backup`) is made of and restored
/// from. Field names follow the columns of schema.sql.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dump {
    pub config: Vec<(String, String)>,
    pub decks: Vec<DeckRow>,
    pub notes: Vec<NoteRow>,
    pub cards: Vec<CardRow>,
    pub revlog: Vec<RevlogRow>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeckRow {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub position: i64,
    pub builtin: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteRow {
    pub id: String,
    pub deck_id: i64,
    pub position: i64,
    pub fields: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CardRow {
    pub id: i64,
    pub uid: String,
    pub note_id: String,
    pub deck_id: i64,
    pub position: i64,
    pub kind: String,
    pub front: String,
    pub back: String,
    pub code: Option<String>,
    pub tags: String,
    pub source: String,
    pub reps: i64,
    pub interval: i64,
    pub ease: i64,
    pub due: Option<i64>,
    pub lapses: i64,
    pub repeat_on: Option<i64>,
    pub suspended: bool,
    pub buried_until: Option<i64>,
    pub retired: bool,
    /// FSRS memory state and learning step (schema 2).
    pub stability: Option<f64>,
    pub difficulty: Option<f64>,
    pub step: Option<i64>,
    pub step_due_ms: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RevlogRow {
    pub id: i64,
    pub card_id: i64,
    pub time_ms: i64,
    pub day: i64,
    pub grade: i64,
    pub is_repeat: bool,
    pub taken_ms: i64,
    pub reps_before: i64,
    pub reps_after: i64,
    pub interval_before: i64,
    pub interval_after: i64,
    pub ease_before: i64,
    pub ease_after: i64,
    pub due_before: Option<i64>,
    pub due_after: Option<i64>,
    pub lapses_before: i64,
    pub lapses_after: i64,
    pub repeat_on_before: Option<i64>,
    pub repeat_on_after: Option<i64>,
    /// FSRS state before and after (schema 2).
    pub stability_before: Option<f64>,
    pub stability_after: Option<f64>,
    pub difficulty_before: Option<f64>,
    pub difficulty_after: Option<f64>,
    pub step_before: Option<i64>,
    pub step_after: Option<i64>,
    pub step_due_ms_before: Option<i64>,
    pub step_due_ms_after: Option<i64>,
}

/// The columns of `cards` a backup holds, in the order [`row_to_card`]
/// reads them and [`card_values`] gives them.
const CARD_COLUMNS: &str =
    "id, uid, note_id, deck_id, position, kind, front, back, code, tags, source,
    reps, interval, ease, due, lapses, repeat_on, suspended, buried_until, retired,
    stability, difficulty, step, step_due_ms";

/// A row of [`CARD_COLUMNS`], by position: read by name, a backup of
/// 100,000 cards and 1,000,000 reviews took twice as long (15 s, not 7 s).
fn row_to_card(r: &rusqlite::Row) -> rusqlite::Result<CardRow> {
    Ok(CardRow {
        id: r.get(0)?,
        uid: r.get(1)?,
        note_id: r.get(2)?,
        deck_id: r.get(3)?,
        position: r.get(4)?,
        kind: r.get(5)?,
        front: r.get(6)?,
        back: r.get(7)?,
        code: r.get(8)?,
        tags: r.get(9)?,
        source: r.get(10)?,
        reps: r.get(11)?,
        interval: r.get(12)?,
        ease: r.get(13)?,
        due: r.get(14)?,
        lapses: r.get(15)?,
        repeat_on: r.get(16)?,
        suspended: r.get(17)?,
        buried_until: r.get(18)?,
        retired: r.get(19)?,
        stability: r.get(20)?,
        difficulty: r.get(21)?,
        step: r.get(22)?,
        step_due_ms: r.get(23)?,
    })
}

/// `c` as the values of [`CARD_COLUMNS`], for an INSERT.
fn card_values(c: &CardRow) -> [&dyn ToSql; 24] {
    [
        &c.id,
        &c.uid,
        &c.note_id,
        &c.deck_id,
        &c.position,
        &c.kind,
        &c.front,
        &c.back,
        &c.code,
        &c.tags,
        &c.source,
        &c.reps,
        &c.interval,
        &c.ease,
        &c.due,
        &c.lapses,
        &c.repeat_on,
        &c.suspended,
        &c.buried_until,
        &c.retired,
        &c.stability,
        &c.difficulty,
        &c.step,
        &c.step_due_ms,
    ]
}

/// The columns of `revlog` a backup holds, in the order [`row_to_review`]
/// reads them and [`review_values`] gives them.
const REVLOG_COLUMNS: &str = "id, card_id, time_ms, day, grade, is_repeat, taken_ms,
    reps_before, reps_after, interval_before, interval_after, ease_before, ease_after,
    due_before, due_after, lapses_before, lapses_after, repeat_on_before, repeat_on_after,
    stability_before, stability_after, difficulty_before, difficulty_after,
    step_before, step_after, step_due_ms_before, step_due_ms_after";

/// A row of [`REVLOG_COLUMNS`], by position (see [`row_to_card`]).
fn row_to_review(r: &rusqlite::Row) -> rusqlite::Result<RevlogRow> {
    Ok(RevlogRow {
        id: r.get(0)?,
        card_id: r.get(1)?,
        time_ms: r.get(2)?,
        day: r.get(3)?,
        grade: r.get(4)?,
        is_repeat: r.get(5)?,
        taken_ms: r.get(6)?,
        reps_before: r.get(7)?,
        reps_after: r.get(8)?,
        interval_before: r.get(9)?,
        interval_after: r.get(10)?,
        ease_before: r.get(11)?,
        ease_after: r.get(12)?,
        due_before: r.get(13)?,
        due_after: r.get(14)?,
        lapses_before: r.get(15)?,
        lapses_after: r.get(16)?,
        repeat_on_before: r.get(17)?,
        repeat_on_after: r.get(18)?,
        stability_before: r.get(19)?,
        stability_after: r.get(20)?,
        difficulty_before: r.get(21)?,
        difficulty_after: r.get(22)?,
        step_before: r.get(23)?,
        step_after: r.get(24)?,
        step_due_ms_before: r.get(25)?,
        step_due_ms_after: r.get(26)?,
    })
}

/// `r` as the values of [`REVLOG_COLUMNS`], for an INSERT.
pub(crate) fn review_values(r: &RevlogRow) -> [&dyn ToSql; 27] {
    [
        &r.id,
        &r.card_id,
        &r.time_ms,
        &r.day,
        &r.grade,
        &r.is_repeat,
        &r.taken_ms,
        &r.reps_before,
        &r.reps_after,
        &r.interval_before,
        &r.interval_after,
        &r.ease_before,
        &r.ease_after,
        &r.due_before,
        &r.due_after,
        &r.lapses_before,
        &r.lapses_after,
        &r.repeat_on_before,
        &r.repeat_on_after,
        &r.stability_before,
        &r.stability_after,
        &r.difficulty_before,
        &r.difficulty_after,
        &r.step_before,
        &r.step_after,
        &r.step_due_ms_before,
        &r.step_due_ms_after,
    ]
}

/// The columns of `decks` a backup holds, in the order of [`deck_values`].
const DECK_COLUMNS: &str = "id, name, description, position, builtin";

/// A row of [`DECK_COLUMNS`].
fn row_to_deck(r: &rusqlite::Row) -> rusqlite::Result<DeckRow> {
    Ok(DeckRow {
        id: r.get("id")?,
        name: r.get("name")?,
        description: r.get("description")?,
        position: r.get("position")?,
        builtin: r.get("builtin")?,
    })
}

/// `d` as the values of [`DECK_COLUMNS`], for an INSERT.
fn deck_values(d: &DeckRow) -> [&dyn ToSql; 5] {
    [&d.id, &d.name, &d.description, &d.position, &d.builtin]
}

/// Every note, each with its fields in full however it is kept (a backup
/// is read by every version that reads backups): a note that is exactly
/// its card has no row (schema 6) and is given from the card, at the
/// card's place. [`NOTE_CARD_COLUMNS`] come at [`NOTE_CARD_AT`].
fn all_notes_sql() -> String {
    format!(
        "SELECT n.id, n.deck_id, n.position, n.fields, {NOTE_CARD_COLUMNS}
         FROM notes n LEFT JOIN cards c ON n.fields = '' AND c.uid = n.id
         UNION ALL
         SELECT c.uid, c.deck_id, c.position, '', {NOTE_CARD_COLUMNS} FROM cards c
         WHERE c.note_id = c.uid AND c.kind <> 'cloze'
           AND NOT EXISTS (SELECT 1 FROM notes n WHERE n.id = c.uid)
         ORDER BY 1"
    )
}
const NOTE_CARD_AT: usize = 4;

/// A row of [`all_notes_sql`], by position (see [`row_to_card`]).
fn row_to_note(r: &rusqlite::Row) -> Result<NoteRow> {
    let id: String = r.get(0)?;
    let fields: String = r.get(3)?;
    Ok(NoteRow {
        deck_id: r.get(1)?,
        position: r.get(2)?,
        fields: stored_note(r, id.clone(), fields, NOTE_CARD_AT)?.json(),
        id,
    })
}

/// The columns of `notes`, in the order of [`note_values`].
const NOTE_COLUMNS: &str = "id, deck_id, position, fields";

fn note_values(n: &NoteRow) -> [&dyn ToSql; 4] {
    [&n.id, &n.deck_id, &n.position, &n.fields]
}

/// `INSERT INTO table (columns) VALUES (?1, ...)`, a parameter per column.
fn insert_sql(table: &str, columns: &str) -> String {
    let n = columns.split(',').count();
    let params: Vec<String> = (1..=n).map(|i| format!("?{i}")).collect();
    format!(
        "INSERT INTO {table} ({columns}) VALUES ({})",
        params.join(", ")
    )
}

/// What [`Collection::dump_each`] gives, in this order: the settings and
/// the decks (a few rows) once, then a row of the notes, cards or review
/// log at a time.
#[derive(Debug, Clone, PartialEq)]
pub enum DumpRow {
    Head(Vec<(String, String)>, Vec<DeckRow>),
    Note(NoteRow),
    Card(CardRow),
    Review(RevlogRow),
}

impl Dump {
    /// Adds a row given by a reader of rows (the collection's, a backup's).
    pub fn push(&mut self, row: DumpRow) {
        match row {
            DumpRow::Head(config, decks) => (self.config, self.decks) = (config, decks),
            DumpRow::Note(n) => self.notes.push(n),
            DumpRow::Card(c) => self.cards.push(c),
            DumpRow::Review(r) => self.revlog.push(r),
        }
    }
}

impl Collection {
    /// Every row a learner's data lives in, in primary-key order.
    pub fn dump(&self) -> Result<Dump> {
        let mut dump = Dump::default();
        self.dump_each(&mut |row| {
            dump.push(row);
            Ok(())
        })?;
        Ok(dump)
    }

    /// The rows of [`Collection::dump`] as they are read, from one read
    /// transaction, in [`DumpRow`]'s order, so a backup can be written
    /// without holding the collection (a million cards and answers took
    /// hundreds of MB).
    pub fn dump_each(&self, row: &mut dyn FnMut(DumpRow) -> Result<()>) -> Result<()> {
        let tx = self.conn.unchecked_transaction()?;
        let config = tx
            .prepare("SELECT key, value FROM config ORDER BY key")?
            .query_map([], |r| Ok((r.get("key")?, r.get("value")?)))?
            .collect::<rusqlite::Result<_>>()?;
        let decks = tx
            .prepare(&format!("SELECT {DECK_COLUMNS} FROM decks ORDER BY id"))?
            .query_map([], row_to_deck)?
            .collect::<rusqlite::Result<_>>()?;
        row(DumpRow::Head(config, decks))?;
        let mut st = tx.prepare(&all_notes_sql())?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            row(DumpRow::Note(row_to_note(r)?))?;
        }
        drop(rows);
        let mut st = tx.prepare(&format!("SELECT {CARD_COLUMNS} FROM cards ORDER BY id"))?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            row(DumpRow::Card(row_to_card(r)?))?;
        }
        drop(rows);
        let mut st = tx.prepare(&format!("SELECT {REVLOG_COLUMNS} FROM revlog ORDER BY id"))?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            row(DumpRow::Review(row_to_review(r)?))?;
        }
        Ok(())
    }

    /// Replaces everything in the collection with `dump`, in one
    /// transaction (see [`Collection::replace_each`]).
    pub fn replace_with(&mut self, dump: &Dump) -> Result<()> {
        self.replace_each(|row| {
            row(DumpRow::Head(dump.config.clone(), dump.decks.clone()))?;
            dump.notes
                .iter()
                .try_for_each(|n| row(DumpRow::Note(n.clone())))?;
            dump.cards
                .iter()
                .try_for_each(|c| row(DumpRow::Card(c.clone())))?;
            dump.revlog
                .iter()
                .try_for_each(|r| row(DumpRow::Review(r.clone())))
        })
    }

    /// Replaces everything in the collection with the rows `fill` gives,
    /// written as they come, in one transaction: a backup of any size is
    /// restored without being held. The rows may come in any order (a
    /// backup's tables in any order), so foreign keys are checked at the
    /// end: SQLite's own constraints (foreign keys, CHECKs) and a check
    /// that every card has its note ([`CARDS_WITHOUT_NOTE`]) reject an
    /// inconsistent backup, and then nothing has changed. An error of
    /// `fill`'s own (a file that cannot be read) changes nothing either.
    pub fn replace_each(
        &mut self,
        fill: impl FnOnce(&mut dyn FnMut(DumpRow) -> Result<()>) -> Result<()>,
    ) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Until the commit; SQLite resets it then.
        tx.execute_batch(
            "PRAGMA defer_foreign_keys = ON;
             DELETE FROM revlog; DELETE FROM cards; DELETE FROM notes; DELETE FROM decks; DELETE FROM config;
             DELETE FROM meta WHERE key <> 'collection_id';",
        )?;
        {
            let mut w = Restoring::new(&tx)?;
            fill(&mut |row| w.row(row))?;
        }
        let fk_problems: i64 = tx.query_row(
            &format!(
                "SELECT (SELECT count(*) FROM pragma_foreign_key_check) + ({CARDS_WITHOUT_NOTE}) AS problems"
            ),
            [],
            |r| r.get("problems"),
        )?;
        if fk_problems > 0 {
            return Err(crate::error::Error::BadValue(format!(
                "backup is inconsistent: {fk_problems} rows refer to missing decks, notes or cards"
            )));
        }
        tx.commit()?;
        self.config = self.load_config()?;
        Ok(())
    }
}

/// The statements of a restore, prepared once for every row.
struct Restoring<'t> {
    config: rusqlite::Statement<'t>,
    deck: rusqlite::Statement<'t>,
    note: rusqlite::Statement<'t>,
    card: rusqlite::Statement<'t>,
    review: rusqlite::Statement<'t>,
    /// The card a note may be exactly (its own uid, not cloze).
    own_card: rusqlite::Statement<'t>,
    note_fields: rusqlite::Statement<'t>,
    delete_note: rusqlite::Statement<'t>,
}

impl<'t> Restoring<'t> {
    fn new(tx: &'t rusqlite::Transaction) -> Result<Self> {
        Ok(Restoring {
            config: tx.prepare(&insert_sql("config", "key, value"))?,
            deck: tx.prepare(&insert_sql("decks", DECK_COLUMNS))?,
            note: tx.prepare(&insert_sql("notes", NOTE_COLUMNS))?,
            card: tx.prepare(&insert_sql("cards", CARD_COLUMNS))?,
            review: tx.prepare(&insert_sql("revlog", REVLOG_COLUMNS))?,
            own_card: tx.prepare(&format!(
                "SELECT {NOTE_CARD_COLUMNS} FROM cards c
                 WHERE c.uid = ?1 AND c.note_id = c.uid AND c.kind <> 'cloze'"
            ))?,
            note_fields: tx.prepare("SELECT fields FROM notes WHERE id = ?1")?,
            delete_note: tx.prepare("DELETE FROM notes WHERE id = ?1")?,
        })
    }

    /// Writes one row. A backup gives every note in full, but a note that
    /// is exactly its card gets no row (schema 6): told here in SQL, by
    /// whichever of the two comes second, so nothing is kept between rows.
    fn row(&mut self, row: DumpRow) -> Result<()> {
        match row {
            DumpRow::Head(config, decks) => {
                for (k, v) in &config {
                    self.config.execute([k, v])?;
                }
                for d in &decks {
                    self.deck.execute(&deck_values(d)[..])?;
                }
            }
            DumpRow::Note(n) => {
                let card = self
                    .own_card
                    .query_row([&n.id], |r| Ok(card_at(r, n.id.clone(), 0)))
                    .optional()?;
                let is_its_card = match card {
                    Some(card) => note_json(card?).is_some_and(|j| j == n.fields),
                    None => false,
                };
                if !is_its_card {
                    self.note.execute(&note_values(&n)[..])?;
                }
            }
            DumpRow::Card(c) => {
                self.card.execute(&card_values(&c)[..])?;
                if c.note_id != c.uid || c.kind == CardKind::Cloze.as_str() {
                    return Ok(());
                }
                let fields: Option<String> = self
                    .note_fields
                    .query_row([&c.uid], |r| r.get(0))
                    .optional()?;
                let Some(fields) = fields else {
                    return Ok(());
                };
                let uid = c.uid.clone();
                if card_content(c)
                    .and_then(note_json)
                    .is_some_and(|j| j == fields)
                {
                    self.delete_note.execute([&uid])?;
                }
            }
            DumpRow::Review(r) => {
                self.review.execute(&review_values(&r)[..])?;
            }
        }
        Ok(())
    }
}

/// The backup's card `c` as the note it may stand for; `None` for a kind
/// py201 does not know (the CHECK on `kind` refuses it anyway).
fn card_content(c: CardRow) -> Option<CardContent> {
    Some(CardContent {
        kind: CardKind::parse(&c.kind)?,
        note: c.uid.clone(),
        uid: c.uid,
        front: c.front,
        back: c.back,
        code: c.code,
        tags: split_tags(&c.tags),
        source: c.source,
    })
}

/// The JSON of the note that is exactly `card`, as a backup gives it.
fn note_json(card: CardContent) -> Option<String> {
    serde_json::to_string(&NoteSpec::of_card(&card)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names of the columns `sql` selects.
    fn columns(sql: &str) -> Vec<String> {
        let col = Collection::in_memory().unwrap();
        let st = col.conn.prepare(sql).unwrap();
        st.column_names().map(str::to_string).collect()
    }

    /// The mappers that read by position do so where their column lists
    /// put each column.
    #[test]
    fn positions_read_are_those_of_the_column_lists() {
        let card = ["kind", "front", "back", "code", "tags", "source"].map(String::from);
        let notes = columns(&all_notes_sql());
        assert_eq!(
            notes[..NOTE_CARD_AT],
            ["id", "deck_id", "position", "fields"]
        );
        assert_eq!(notes[NOTE_CARD_AT..], card);
        for (sql, n) in [
            (CARD_COLUMNS, 24),
            (REVLOG_COLUMNS, 27),
            (DECK_COLUMNS, 5),
            (NOTE_COLUMNS, 4),
        ] {
            assert_eq!(sql.split(',').count(), n, "{sql}");
        }
    }
}
