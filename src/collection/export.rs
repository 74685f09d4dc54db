//! Reading whole decks and the whole collection out, for export and backup,
//! and writing a whole collection back in (restore of a JSON backup).

use super::Collection;
use crate::decks::NoteSpec;
use crate::error::{Error, Result};
use crate::model::{CardContent, CardKind};
use rusqlite::{TransactionBehavior, params};
use serde::{Deserialize, Serialize};

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

/// The card columns [`stored_note`] reads after a note's `fields`: a note
/// kept as its card (fields '') is read from the card whose uid is its id.
pub(crate) const NOTE_CARD_COLUMNS: &str = "c.kind, c.front, c.back, c.code, c.tags, c.source";

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

/// The note in a row holding its id at `id`, its `fields` at `at`, and
/// [`NOTE_CARD_COLUMNS`] of its card right after.
pub(crate) fn stored_note(r: &rusqlite::Row, id: usize, at: usize) -> Result<StoredNote> {
    let fields: String = r.get(at)?;
    if !fields.is_empty() {
        return Ok(StoredNote::Json(fields));
    }
    let uid: String = r.get(id)?;
    if r.get::<_, Option<String>>(at + 1)?.is_none() {
        return Err(Error::Damaged(format!(
            "note {uid}: kept as its card, which is missing; run `py201 doctor`"
        )));
    }
    Ok(StoredNote::Card(card_at(r, uid, at + 1)?))
}

/// The card `uid`, the note of the same id, from [`NOTE_CARD_COLUMNS`] at
/// `at` in a row.
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

/// Every row of every table a learner's data lives in. Field names follow
/// the columns of schema.sql; the backup file format wraps this.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Dump {
    pub config: Vec<(String, String)>,
    pub decks: Vec<DeckRow>,
    pub notes: Vec<NoteRow>,
    pub cards: Vec<CardRow>,
    pub revlog: Vec<RevlogRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeckRow {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub position: i64,
    pub builtin: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoteRow {
    pub id: String,
    pub deck_id: i64,
    pub position: i64,
    pub fields: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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
    /// FSRS memory state and learning step (schema 2); left out when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stability: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub difficulty: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_due_ms: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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
    /// FSRS state before and after (schema 2); left out when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stability_before: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stability_after: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub difficulty_before: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub difficulty_after: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_before: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_after: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_due_ms_before: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_due_ms_after: Option<i64>,
}

const CARD_COLS: &str =
    "id, uid, note_id, deck_id, position, kind, front, back, code, tags, source, reps, interval,
    ease, due, lapses, repeat_on, suspended, buried_until, retired,
    stability, difficulty, step, step_due_ms";
const REVLOG_COLS: &str =
    "id, card_id, time_ms, day, grade, is_repeat, taken_ms, reps_before, reps_after,
    interval_before, interval_after, ease_before, ease_after, due_before, due_after, lapses_before,
    lapses_after, repeat_on_before, repeat_on_after,
    stability_before, stability_after, difficulty_before, difficulty_after,
    step_before, step_after, step_due_ms_before, step_due_ms_after";

impl Collection {
    /// The decks (every one, or `deck`) in course order, without their
    /// notes: [`Collection::each_note`] reads those.
    pub fn export_decks(&self, deck: Option<i64>) -> Result<Vec<DeckNotes>> {
        let mut decks = self.conn.prepare_cached(
            "SELECT id, name, description, builtin FROM decks WHERE ?1 IS NULL OR id = ?1 ORDER BY position",
        )?;
        let rows = decks.query_map([deck], |r| {
            Ok(DeckNotes {
                id: r.get(0)?,
                name: r.get(1)?,
                description: r.get(2)?,
                builtin: r.get(3)?,
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
                "SELECT count(DISTINCT note_id) FROM cards
                 WHERE retired = 0 AND (?1 IS NULL OR deck_id = ?1)",
            )?
            .query_row([deck], |r| r.get(0))?;
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
        let only = match decks {
            [d] => Some(d.id),
            _ => None,
        };
        let slot: std::collections::HashMap<i64, usize> =
            decks.iter().enumerate().map(|(i, d)| (d.id, i)).collect();
        // Notes whose cards are all retired (few: removed from their deck
        // file). `deck_id IN decks` lets the (deck, retired, ...) index find the
        // retired cards; asked for `retired = 1` alone, SQLite read every
        // card's row (a tenth of a 100,000-card export's time). A note's
        // cards are those of a cloze note (note id not their uid, in the
        // cards_note index) and the card whose uid is the note id.
        let dead: std::collections::HashSet<String> = self
            .conn
            .prepare_cached(
                "SELECT DISTINCT note_id FROM cards r
                 WHERE r.deck_id IN (SELECT id FROM decks) AND r.retired = 1
                   AND NOT EXISTS (SELECT 1 FROM cards c
                                   WHERE c.note_id = r.note_id AND c.note_id <> c.uid AND c.retired = 0)
                   AND NOT EXISTS (SELECT 1 FROM cards c
                                   WHERE c.uid = r.note_id AND c.note_id = c.uid AND c.retired = 0)",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut json: Vec<(usize, i64, String, String)> = Vec::new();
        {
            let mut st = self.conn.prepare_cached(
                "SELECT deck_id, position, id, fields FROM notes NOT INDEXED
                 WHERE fields <> '' AND (?1 IS NULL OR deck_id = ?1)",
            )?;
            let mut rows = st.query([only])?;
            while let Some(r) = rows.next()? {
                let Some(&i) = slot.get(&r.get::<_, i64>(0)?) else {
                    continue;
                };
                let id: String = r.get(2)?;
                if !dead.contains(&id) {
                    json.push((i, r.get(1)?, id, r.get(3)?));
                }
            }
        }
        json.sort_unstable_by_key(|n| (n.0, n.1));
        let mut json = json.into_iter().peekable();
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT c.note_id, c.uid, {NOTE_CARD_COLUMNS} FROM cards c
             WHERE c.deck_id = ?1 AND c.retired = 0 ORDER BY c.position"
        ))?;
        // Cloze notes already given (only a cloze note has several cards).
        let mut given: std::collections::HashSet<String> = std::collections::HashSet::new();
        for (i, d) in decks.iter().enumerate() {
            let mut rows = st.query([d.id])?;
            while let Some(r) = rows.next()? {
                let note_id: String = r.get(0)?;
                let kind: String = r.get(2)?;
                let cloze = kind == CardKind::Cloze.as_str();
                if json.peek().is_some_and(|n| n.0 == i && n.2 == note_id) {
                    if let Some((.., fields)) = json.next() {
                        if cloze {
                            given.insert(note_id.clone());
                        }
                        each(d, note_id, StoredNote::Json(fields))?;
                    }
                    continue;
                }
                if cloze && given.contains(&note_id) {
                    continue;
                }
                let uid: String = r.get(1)?;
                if uid != note_id || cloze {
                    return Err(Error::Damaged(format!(
                        "note {note_id} (of card {uid}): its text is missing or out of course order; run `py201 doctor`"
                    )));
                }
                let card = card_at(r, uid, 2)?;
                each(d, note_id, StoredNote::Card(card))?;
            }
        }
        // Every JSON note with a live card came up with it; one that did not
        // would be missing from the export.
        if let Some((_, _, id, _)) = json.next() {
            return Err(Error::Damaged(format!(
                "note {id}: out of course order with its cards; run `py201 doctor`"
            )));
        }
        Ok(())
    }

    /// The decks (every one, or `deck`) with their notes, for deck files.
    pub fn deck_notes(&self, deck: Option<i64>) -> Result<Vec<DeckNotes>> {
        let mut decks = self.export_decks(deck)?;
        let mut notes: Vec<Vec<(String, StoredNote)>> = vec![Vec::new(); decks.len()];
        let index: std::collections::HashMap<i64, usize> =
            decks.iter().enumerate().map(|(i, d)| (d.id, i)).collect();
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
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let decks = c
            .prepare("SELECT id, name, description, position, builtin FROM decks ORDER BY id")?
            .query_map([], |r| {
                Ok(DeckRow {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    description: r.get(2)?,
                    position: r.get(3)?,
                    builtin: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        // A backup holds every note's fields in full, however it is kept,
        // so any version that reads backups reads it. A note that is
        // exactly its card has no row (schema 6): it is given from the card,
        // at the card's place.
        let mut notes = Vec::new();
        let mut st = c.prepare(&format!(
            "SELECT n.id, n.deck_id, n.position, n.fields, c.kind, c.front, c.back, c.code, c.tags, c.source
             FROM notes n LEFT JOIN cards c ON n.fields = '' AND c.uid = n.id
             UNION ALL
             SELECT c.uid, c.deck_id, c.position, '', {NOTE_CARD_COLUMNS} FROM cards c
             WHERE c.note_id = c.uid AND c.kind <> 'cloze'
               AND NOT EXISTS (SELECT 1 FROM notes n WHERE n.id = c.uid)
             ORDER BY 1"
        ))?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            notes.push(NoteRow {
                id: r.get(0)?,
                deck_id: r.get(1)?,
                position: r.get(2)?,
                fields: stored_note(r, 0, 3)?.json(),
            });
        }
        drop(rows);
        drop(st);
        let cards = c
            .prepare(&format!("SELECT {CARD_COLS} FROM cards ORDER BY id"))?
            .query_map([], |r| {
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
            })?
            .collect::<rusqlite::Result<_>>()?;
        let revlog = c
            .prepare(&format!("SELECT {REVLOG_COLS} FROM revlog ORDER BY id"))?
            .query_map([], |r| {
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
            })?
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
        {
            let mut st = tx.prepare("INSERT INTO config (key, value) VALUES (?1, ?2)")?;
            for (k, v) in &dump.config {
                st.execute(params![k, v])?;
            }
            let mut st =
                tx.prepare("INSERT INTO decks (id, name, description, position, builtin) VALUES (?1, ?2, ?3, ?4, ?5)")?;
            for d in &dump.decks {
                st.execute(params![d.id, d.name, d.description, d.position, d.builtin])?;
            }
            // A note that is exactly its card gets no row (schema 6): the
            // backup gives its fields in full, the same JSON as its card's.
            let own_cards: std::collections::HashMap<&str, &CardRow> = dump
                .cards
                .iter()
                .filter(|c| c.note_id == c.uid && c.kind != CardKind::Cloze.as_str())
                .map(|c| (c.uid.as_str(), c))
                .collect();
            let is_its_card = |n: &NoteRow| {
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
            };
            let mut st = tx.prepare(
                "INSERT INTO notes (id, deck_id, position, fields) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for n in dump.notes.iter().filter(|n| !is_its_card(n)) {
                st.execute(params![n.id, n.deck_id, n.position, n.fields])?;
            }
            let mut st = tx.prepare(&format!(
                "INSERT INTO cards ({CARD_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,
                 ?21, ?22, ?23, ?24)"
            ))?;
            for c in &dump.cards {
                st.execute(params![
                    c.id,
                    c.uid,
                    c.note_id,
                    c.deck_id,
                    c.position,
                    c.kind,
                    c.front,
                    c.back,
                    c.code,
                    c.tags,
                    c.source,
                    c.reps,
                    c.interval,
                    c.ease,
                    c.due,
                    c.lapses,
                    c.repeat_on,
                    c.suspended,
                    c.buried_until,
                    c.retired,
                    c.stability,
                    c.difficulty,
                    c.step,
                    c.step_due_ms
                ])?;
            }
            let mut st = tx.prepare(&format!(
                "INSERT INTO revlog ({REVLOG_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
                 ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27)"
            ))?;
            for r in &dump.revlog {
                st.execute(params![
                    r.id,
                    r.card_id,
                    r.time_ms,
                    r.day,
                    r.grade,
                    r.is_repeat,
                    r.taken_ms,
                    r.reps_before,
                    r.reps_after,
                    r.interval_before,
                    r.interval_after,
                    r.ease_before,
                    r.ease_after,
                    r.due_before,
                    r.due_after,
                    r.lapses_before,
                    r.lapses_after,
                    r.repeat_on_before,
                    r.repeat_on_after,
                    r.stability_before,
                    r.stability_after,
                    r.difficulty_before,
                    r.difficulty_after,
                    r.step_before,
                    r.step_after,
                    r.step_due_ms_before,
                    r.step_due_ms_after
                ])?;
            }
        }
        let fk_problems: i64 = tx.query_row(
            &format!(
                "SELECT (SELECT count(*) FROM pragma_foreign_key_check) + ({CARDS_WITHOUT_NOTE})"
            ),
            [],
            |r| r.get(0),
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
