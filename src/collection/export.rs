//! Reading whole decks and the whole collection out, for export and backup,
//! and writing a whole collection back in (restore of a JSON backup).

use super::Collection;
use crate::error::Result;
use rusqlite::{TransactionBehavior, params};
use serde::{Deserialize, Serialize};

/// A deck with its notes as authored, for the deck and CSV/TSV formats.
#[derive(Debug, Clone)]
pub struct DeckNotes {
    pub name: String,
    pub description: String,
    pub builtin: bool,
    /// (note id, fields JSON) in course order; notes whose cards are all retired are left out.
    pub notes: Vec<(String, String)>,
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
    /// Decks (all, or one) with their live notes, in course order.
    ///
    /// The notes are read in one pass over the table, in its own (id) order,
    /// and put in course order here: reading them through the (deck,
    /// position) index costs a lookup by text id per note, and asking for
    /// each one whether it still has a live card a second lookup, which made
    /// exporting 100,000 notes take several times longer.
    pub fn deck_notes(&self, deck: Option<i64>) -> Result<Vec<DeckNotes>> {
        let mut decks = self.conn.prepare_cached(
            "SELECT id, name, description, builtin FROM decks WHERE ?1 IS NULL OR id = ?1 ORDER BY position",
        )?;
        let mut out: Vec<DeckNotes> = Vec::new();
        let mut slot: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
        let rows = decks.query_map([deck], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, bool>(3)?,
            ))
        })?;
        for row in rows {
            let (id, name, description, builtin) = row?;
            slot.insert(id, out.len());
            out.push(DeckNotes {
                name,
                description,
                builtin,
                notes: Vec::new(),
            });
        }
        // Notes whose cards are all retired (few: removed from their deck
        // file). `deck_id IN decks` lets the (deck, retired) index find the
        // retired cards; asked for `retired = 1` alone, SQLite read every
        // card's row (a tenth of a 100,000-card export's time).
        let dead: std::collections::HashSet<String> = self
            .conn
            .prepare_cached(
                "SELECT DISTINCT note_id FROM cards r
                 WHERE r.deck_id IN (SELECT id FROM decks) AND r.retired = 1
                   AND NOT EXISTS (SELECT 1 FROM cards c WHERE c.note_id = r.note_id AND c.retired = 0)",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut notes = self.conn.prepare_cached(
            "SELECT deck_id, position, id, fields FROM notes NOT INDEXED WHERE ?1 IS NULL OR deck_id = ?1",
        )?;
        let mut placed: Vec<(usize, i64, String, String)> = Vec::new();
        let mut rows = notes.query([deck])?;
        while let Some(r) = rows.next()? {
            let Some(&i) = slot.get(&r.get::<_, i64>(0)?) else {
                continue;
            };
            let id: String = r.get(2)?;
            if !dead.contains(&id) {
                placed.push((i, r.get(1)?, id, r.get(3)?));
            }
        }
        placed.sort_unstable_by_key(|n| (n.0, n.1));
        for (i, _, id, fields) in placed {
            out[i].notes.push((id, fields));
        }
        Ok(out)
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
        let notes = c
            .prepare("SELECT id, deck_id, position, fields FROM notes ORDER BY id")?
            .query_map([], |r| {
                Ok(NoteRow {
                    id: r.get(0)?,
                    deck_id: r.get(1)?,
                    position: r.get(2)?,
                    fields: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
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
    /// SQLite's own constraints (foreign keys, CHECKs) reject an inconsistent
    /// dump, and then nothing has changed.
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
            let mut st = tx.prepare(
                "INSERT INTO notes (id, deck_id, position, fields) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for n in &dump.notes {
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
        let fk_problems: i64 =
            tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })?;
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
