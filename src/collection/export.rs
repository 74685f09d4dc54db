//! Reading whole decks and the whole collection out, for export and backup,
//! and writing a whole collection back in (restore of a JSON backup).

use super::Collection;
use crate::decks::NoteSpec;
use crate::error::{Error, Result};
use crate::model::{CardContent, CardKind};
use rusqlite::{ToSql, TransactionBehavior};
use std::collections::{HashMap, HashSet};

/// A deck with its notes as authored, for the deck and CSV/TSV formats.
#[derive(Debug, Clone)]
pub struct DeckNotes {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub builtin: bool,
    /// (note id, note) in course order; notes whose cards are all retired
    /// are left out. Empty from [`Collection::export_decks`].
    pub notes: Vec<(String, StoredNote)>,
}

/// A note as the collection keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredNote {
    /// Its fields as authored, JSON (the deck format's `NoteSpec`).
    Json(String),
    /// A note that is exactly its one card, kept only as that card.
    Card(CardContent),
}

impl StoredNote {
    /// The note as authored.
    pub fn spec(&self, id: &str) -> Result<NoteSpec> {
        match self {
            StoredNote::Json(fields) => {
                serde_json::from_str(fields).map_err(|why| Error::UnreadableNote {
                    note: id.to_string(),
                    why,
                })
            }
            StoredNote::Card(card) => Ok(NoteSpec::of_card(card)),
        }
    }

    /// The JSON a backup holds for the note, whichever way it is kept.
    pub fn json(self) -> String {
        match self {
            StoredNote::Json(fields) => fields,
            StoredNote::Card(card) => {
                serde_json::to_string(&NoteSpec::of_card(&card)).unwrap_or_default()
            }
        }
    }
}

/// Counts the cards whose note is missing: a card is its own note (no row)
/// only when its note id is its uid and it is not a cloze card; any other
/// needs the note's row. Schema 6 dropped the foreign key that checked
/// this, so restoring a backup and `py201 doctor` ask it.
pub(crate) const CARDS_WITHOUT_NOTE: &str = "SELECT count(*) FROM cards c
     WHERE (c.note_id <> c.uid OR c.kind = 'cloze')
       AND NOT EXISTS (SELECT 1 FROM notes n WHERE n.id = c.note_id)";

/// A card's tags as stored (joined with single spaces; a tag never holds a
/// space, deck files turn them into '_'), split back exactly.
fn split_tags(tags: &str) -> Vec<String> {
    tags.split(' ')
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// The columns of a card kept as its note (a note that is exactly its card
/// has no row of its own, schema 6), in the order [`card_at`] reads them.
/// Every statement reading such a card ends its column list with these.
pub(crate) const NOTE_CARD_COLUMNS: &str = "c.kind, c.front, c.back, c.code, c.tags, c.source";

/// The note `id` whose `fields` were read from a row that holds
/// [`NOTE_CARD_COLUMNS`] of its card from position `at` (a LEFT JOIN: all
/// NULL when the note has a row of its own).
pub(crate) fn stored_note(
    r: &rusqlite::Row,
    id: String,
    fields: String,
    at: usize,
) -> Result<StoredNote> {
    if !fields.is_empty() {
        return Ok(StoredNote::Json(fields));
    }
    if r.get::<_, Option<String>>(at)?.is_none() {
        return Err(Error::Damaged(format!(
            "note {id}: kept as its card, which is missing; run `py201 doctor`"
        )));
    }
    Ok(StoredNote::Card(card_at(r, id, at)?))
}

/// The card `uid`, the note of the same id, from [`NOTE_CARD_COLUMNS`] at
/// `at` in a row. By position: every exported note kept as its card is read
/// here, a million for a million-card export.
fn card_at(r: &rusqlite::Row, uid: String, at: usize) -> Result<CardContent> {
    let kind: String = r.get(at)?;
    let tags: String = r.get(at + 4)?;
    Ok(CardContent {
        note: uid.clone(),
        uid,
        // The CHECK constraint on `kind` makes the fallback unreachable.
        kind: CardKind::parse(&kind).unwrap_or(CardKind::Basic),
        front: r.get(at + 1)?,
        back: r.get(at + 2)?,
        code: r.get(at + 3)?,
        tags: split_tags(&tags),
        source: r.get(at + 5)?,
    })
}

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
fn review_values(r: &RevlogRow) -> [&dyn ToSql; 27] {
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

/// A deck's live card as [`Collection::each_note`] reads it: by position,
/// as every card of an export comes through here.
struct LiveCard<'r>(&'r rusqlite::Row<'r>);

impl LiveCard<'_> {
    /// The columns before [`NOTE_CARD_COLUMNS`], in the order the methods
    /// below read them.
    const COLUMNS: &'static str = "c.note_id, c.uid";
    /// Where [`NOTE_CARD_COLUMNS`] start.
    const CARD_AT: usize = 2;

    fn note_id(&self) -> rusqlite::Result<String> {
        self.0.get(0)
    }

    fn uid(&self) -> rusqlite::Result<String> {
        self.0.get(1)
    }

    fn is_cloze(&self) -> rusqlite::Result<bool> {
        let kind: String = self.0.get(Self::CARD_AT)?;
        Ok(kind == CardKind::Cloze.as_str())
    }

    /// The card as the note `uid` it is kept as.
    fn note(&self, uid: String) -> Result<StoredNote> {
        Ok(StoredNote::Card(card_at(self.0, uid, Self::CARD_AT)?))
    }
}

/// A note kept as JSON, where it comes in course order.
struct JsonNote {
    deck: usize,
    position: i64,
    id: String,
    fields: String,
}

impl Collection {
    /// The decks (every one, or `deck`) in course order, without their
    /// notes: [`Collection::each_note`] reads those.
    pub fn export_decks(&self, deck: Option<i64>) -> Result<Vec<DeckNotes>> {
        let mut decks = self.conn.prepare_cached(
            "SELECT id, name, description, builtin FROM decks WHERE ?1 IS NULL OR id = ?1 ORDER BY position",
        )?;
        let rows = decks.query_map([deck], |r| {
            Ok(DeckNotes {
                id: r.get("id")?,
                name: r.get("name")?,
                description: r.get("description")?,
                builtin: r.get("builtin")?,
                notes: Vec::new(),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many notes of the decks (every one, or `deck`) have a live card:
    /// what an export writes, for a progress bar.
    pub fn live_notes(&self, deck: Option<i64>) -> Result<u64> {
        let n: i64 = self
            .conn
            .prepare_cached(
                "SELECT count(DISTINCT note_id) AS notes FROM cards
                 WHERE retired = 0 AND (?1 IS NULL OR deck_id = ?1)",
            )?
            .query_row([deck], |r| r.get("notes"))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Gives `each` the notes of `decks` (from [`Collection::export_decks`])
    /// that have a live card, deck by deck in course order, as they are
    /// read.
    ///
    /// Each deck's live cards are read in order through the (deck,
    /// retired, position) index, each note coming with its first card: a note kept
    /// as its card is read from that very row. The notes kept as JSON are
    /// read first, in one pass over their table, and put in course order,
    /// which is the order of their first live cards, so the two are merged
    /// without looking a note up by its text id (a lookup per card, in
    /// SQLite or in a hash map, made a 100,000-note export half again as
    /// slow).
    pub fn each_note(
        &self,
        decks: &[DeckNotes],
        each: &mut dyn FnMut(&DeckNotes, String, StoredNote) -> Result<()>,
    ) -> Result<()> {
        let mut json = self.json_notes(decks)?.into_iter().peekable();
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {}, {NOTE_CARD_COLUMNS} FROM cards c
             WHERE c.deck_id = ?1 AND c.retired = 0 ORDER BY c.position",
            LiveCard::COLUMNS
        ))?;
        // Cloze notes already given (only a cloze note has several cards).
        let mut given: HashSet<String> = HashSet::new();
        for (i, d) in decks.iter().enumerate() {
            let mut rows = st.query([d.id])?;
            while let Some(r) = rows.next()? {
                let card = LiveCard(r);
                let note_id = card.note_id()?;
                let cloze = card.is_cloze()?;
                if json.peek().is_some_and(|n| n.deck == i && n.id == note_id) {
                    if let Some(n) = json.next() {
                        if cloze {
                            given.insert(note_id.clone());
                        }
                        each(d, note_id, StoredNote::Json(n.fields))?;
                    }
                } else if !(cloze && given.contains(&note_id)) {
                    let note = own_card_note(&card, &note_id, cloze)?;
                    each(d, note_id, note)?;
                }
            }
        }
        // Every JSON note with a live card came up with it; one that did not
        // would be missing from the export.
        if let Some(n) = json.next() {
            return Err(Error::Damaged(format!(
                "note {}: out of course order with its cards; run `py201 doctor`",
                n.id
            )));
        }
        Ok(())
    }

    /// The notes of `decks` kept as JSON that have a live card, in course
    /// order, read in one pass over their table.
    fn json_notes(&self, decks: &[DeckNotes]) -> Result<Vec<JsonNote>> {
        let only = match decks {
            [d] => Some(d.id),
            _ => None,
        };
        let slot: HashMap<i64, usize> = decks.iter().enumerate().map(|(i, d)| (d.id, i)).collect();
        let dead = self.dead_notes()?;
        let mut json: Vec<JsonNote> = Vec::new();
        let mut st = self.conn.prepare_cached(
            "SELECT deck_id, position, id, fields FROM notes NOT INDEXED
             WHERE fields <> '' AND (?1 IS NULL OR deck_id = ?1)",
        )?;
        let mut rows = st.query([only])?;
        while let Some(r) = rows.next()? {
            let Some(&deck) = slot.get(&r.get::<_, i64>("deck_id")?) else {
                continue;
            };
            let id: String = r.get("id")?;
            if !dead.contains(&id) {
                json.push(JsonNote {
                    deck,
                    position: r.get("position")?,
                    id,
                    fields: r.get("fields")?,
                });
            }
        }
        json.sort_unstable_by_key(|n| (n.deck, n.position));
        Ok(json)
    }

    /// Notes whose cards are all retired (few: removed from their deck
    /// file). `deck_id IN decks` lets the (deck, retired, ...) index find the
    /// retired cards; asked for `retired = 1` alone, SQLite read every
    /// card's row (a tenth of a 100,000-card export's time). A note's
    /// cards are those of a cloze note (note id not their uid, in the
    /// cards_note index) and the card whose uid is the note id.
    fn dead_notes(&self) -> Result<HashSet<String>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT DISTINCT note_id FROM cards r
                 WHERE r.deck_id IN (SELECT id FROM decks) AND r.retired = 1
                   AND NOT EXISTS (SELECT 1 FROM cards c
                                   WHERE c.note_id = r.note_id AND c.note_id <> c.uid AND c.retired = 0)
                   AND NOT EXISTS (SELECT 1 FROM cards c
                                   WHERE c.uid = r.note_id AND c.note_id = c.uid AND c.retired = 0)",
            )?
            .query_map([], |r| r.get("note_id"))?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// The decks (every one, or `deck`) with their notes, for deck files.
    pub fn deck_notes(&self, deck: Option<i64>) -> Result<Vec<DeckNotes>> {
        let mut decks = self.export_decks(deck)?;
        let mut notes: Vec<Vec<(String, StoredNote)>> = vec![Vec::new(); decks.len()];
        let index: HashMap<i64, usize> = decks.iter().enumerate().map(|(i, d)| (d.id, i)).collect();
        self.each_note(&decks, &mut |d, id, n| {
            if let Some(v) = index.get(&d.id).and_then(|&i| notes.get_mut(i)) {
                v.push((id, n));
            }
            Ok(())
        })?;
        for (d, n) in decks.iter_mut().zip(notes) {
            d.notes = n;
        }
        Ok(decks)
    }

    /// Every row a learner's data lives in, in primary-key order.
    pub fn dump(&self) -> Result<Dump> {
        let c = &self.conn;
        let config = c
            .prepare("SELECT key, value FROM config ORDER BY key")?
            .query_map([], |r| Ok((r.get("key")?, r.get("value")?)))?
            .collect::<rusqlite::Result<_>>()?;
        let decks = c
            .prepare(&format!("SELECT {DECK_COLUMNS} FROM decks ORDER BY id"))?
            .query_map([], row_to_deck)?
            .collect::<rusqlite::Result<_>>()?;
        let mut notes = Vec::new();
        let mut st = c.prepare(&all_notes_sql())?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            notes.push(row_to_note(r)?);
        }
        drop(rows);
        drop(st);
        let cards = c
            .prepare(&format!("SELECT {CARD_COLUMNS} FROM cards ORDER BY id"))?
            .query_map([], row_to_card)?
            .collect::<rusqlite::Result<_>>()?;
        let revlog = c
            .prepare(&format!("SELECT {REVLOG_COLUMNS} FROM revlog ORDER BY id"))?
            .query_map([], row_to_review)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Dump {
            config,
            decks,
            notes,
            cards,
            revlog,
        })
    }

    /// Replaces everything in the collection with `dump`, in one transaction.
    /// SQLite's own constraints (foreign keys, CHECKs) and a check that
    /// every card has its note ([`CARDS_WITHOUT_NOTE`]) reject an
    /// inconsistent dump, and then nothing has changed.
    pub fn replace_with(&mut self, dump: &Dump) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(
            "DELETE FROM revlog; DELETE FROM cards; DELETE FROM notes; DELETE FROM decks; DELETE FROM config;
             DELETE FROM meta;",
        )?;
        insert_rows(&tx, "config", "key, value", &dump.config, |(k, v)| {
            [k as &dyn ToSql, v]
        })?;
        insert_rows(&tx, "decks", DECK_COLUMNS, &dump.decks, deck_values)?;
        let own_cards = own_cards(dump);
        let notes = dump.notes.iter().filter(|n| !is_its_card(&own_cards, n));
        insert_rows(&tx, "notes", NOTE_COLUMNS, notes, note_values)?;
        insert_rows(&tx, "cards", CARD_COLUMNS, &dump.cards, card_values)?;
        insert_rows(&tx, "revlog", REVLOG_COLUMNS, &dump.revlog, review_values)?;
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

/// The note of a live card that has no JSON note before it: the card
/// itself, which must then be its own note.
fn own_card_note(card: &LiveCard, note_id: &str, cloze: bool) -> Result<StoredNote> {
    let uid = card.uid()?;
    if uid != note_id || cloze {
        return Err(Error::Damaged(format!(
            "note {note_id} (of card {uid}): its text is missing or out of course order; run `py201 doctor`"
        )));
    }
    card.note(uid)
}

/// The backup's cards that may be their own note, by uid.
fn own_cards(dump: &Dump) -> HashMap<&str, &CardRow> {
    dump.cards
        .iter()
        .filter(|c| c.note_id == c.uid && c.kind != CardKind::Cloze.as_str())
        .map(|c| (c.uid.as_str(), c))
        .collect()
}

/// Whether the backup's note `n` is exactly its card (of `own_cards`),
/// which then stands for it (schema 6: such a note gets no row). The
/// backup gives its fields in full, the same JSON as its card's.
fn is_its_card(own_cards: &HashMap<&str, &CardRow>, n: &NoteRow) -> bool {
    let Some((c, kind)) = own_cards
        .get(n.id.as_str())
        .and_then(|c| Some((c, CardKind::parse(&c.kind)?)))
    else {
        return false;
    };
    let card = CardContent {
        uid: c.uid.clone(),
        note: c.uid.clone(),
        kind,
        front: c.front.clone(),
        back: c.back.clone(),
        code: c.code.clone(),
        tags: split_tags(&c.tags),
        source: c.source.clone(),
    };
    serde_json::to_string(&NoteSpec::of_card(&card)).is_ok_and(|j| j == n.fields)
}

/// Inserts `rows` into `table`, each as the values of `columns` that
/// `values` gives, in that order.
fn insert_rows<'a, R: 'a, const N: usize>(
    tx: &rusqlite::Transaction,
    table: &str,
    columns: &str,
    rows: impl IntoIterator<Item = &'a R>,
    values: impl Fn(&'a R) -> [&'a dyn ToSql; N],
) -> Result<()> {
    let mut st = tx.prepare(&insert_sql(table, columns))?;
    for row in rows {
        st.execute(&values(row)[..])?;
    }
    Ok(())
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
        let live = columns(&format!(
            "SELECT {}, {NOTE_CARD_COLUMNS} FROM cards c",
            LiveCard::COLUMNS
        ));
        assert_eq!(live[..LiveCard::CARD_AT], ["note_id", "uid"]);
        assert_eq!(live[LiveCard::CARD_AT..], card);
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
