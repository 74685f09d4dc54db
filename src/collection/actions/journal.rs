//! The undo journal: what each action changed, kept in the `meta` table
//! (key `undo`, JSON) so `py201 undo` can reverse it from any session, and
//! the rows `delete` removes, kept whole to be put back.

use super::{Action, FLOOR, JOURNAL, KEEP, Target, Undone};
use crate::clock::Day;
use crate::error::{Error, Result};
use crate::scheduler::CardState;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};
use serde::{Deserialize, Serialize};

/// A card's columns an action other than delete may change, as they were.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Before {
    pub(super) id: i64,
    pub(super) suspended: bool,
    pub(super) buried_until: Option<Day>,
    pub(super) state: CardState,
    /// The tags, where the action changes them.
    #[serde(default)]
    pub(super) tags: Option<String>,
}

/// Rows removed by `delete`, column by column, to be put back by undo.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct Removed {
    pub(super) cards: Vec<Row>,
    pub(super) notes: Vec<Row>,
    pub(super) revlog: Vec<Row>,
    /// Answers deleted (kept or not).
    #[serde(default)]
    pub(super) answers: u32,
    /// Too many rows to keep in the journal: undo points to the backup.
    #[serde(default)]
    pub(super) too_large: bool,
}

/// Rows (cards and answers) a delete keeps in the journal for undo; a
/// larger one is undone from the backup made before it, as a journal of
/// millions of rows would be rewritten by every later action.
pub(super) const KEEP_ROWS: i64 = 20_000;

/// Whether the rows of deleting `cards` fit in the journal.
pub(super) fn fits(conn: &Connection, cards: &[Target]) -> Result<bool> {
    let mut count = conn.prepare_cached("SELECT count(*) FROM revlog WHERE card_id = ?1")?;
    let mut rows = cards.len() as i64;
    for c in cards {
        rows += count.query_row([c.id], |r| r.get::<_, i64>(0))?;
        if rows > KEEP_ROWS {
            return Ok(false);
        }
    }
    Ok(true)
}

pub(super) type Row = Vec<(String, serde_json::Value)>;

/// One undoable action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Record {
    pub(super) action: Action,
    pub(super) query: String,
    pub(super) time_ms: i64,
    /// The review log's last id when the action ran.
    pub(super) after_log: i64,
    pub(super) cards: Vec<Before>,
    #[serde(default)]
    pub(super) removed: Removed,
    /// The answer (log id) this record goes with, undone together.
    #[serde(default)]
    pub(super) answer: Option<i64>,
}

/// Every column of the rows `sql` selects, by name (generated columns,
/// which cannot be written back, left out).
pub(super) fn rows(conn: &Connection, table: &str, sql: &str, id: &Value) -> Result<Vec<Row>> {
    let columns: Vec<String> = conn
        .prepare_cached("SELECT name FROM pragma_table_info(?1)")?
        .query_map([table], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare_cached(sql)?;
    let mut out = Vec::new();
    let mut rs = stmt.query([id])?;
    while let Some(r) = rs.next()? {
        let mut row = Row::new();
        for name in &columns {
            let v: Value = r.get(name.as_str())?;
            row.push((name.clone(), to_json(v)));
        }
        out.push(row);
    }
    Ok(out)
}

pub(super) fn to_json(v: Value) -> serde_json::Value {
    match v {
        Value::Null | Value::Blob(_) => serde_json::Value::Null,
        Value::Integer(i) => i.into(),
        Value::Real(f) => f.into(),
        Value::Text(s) => s.into(),
    }
}

pub(super) fn from_json(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Number(n) if n.is_i64() => Value::Integer(n.as_i64().unwrap_or(0)),
        serde_json::Value::Number(n) => Value::Real(n.as_f64().unwrap_or(0.0)),
        serde_json::Value::String(s) => Value::Text(s.clone()),
        _ => Value::Null,
    }
}

/// Deletes the cards with their answers, and the notes left without a
/// card; returns every row removed. Answers go first: the daily summaries'
/// trigger reads each answer's card to find its deck.
pub(super) fn delete(conn: &Connection, cards: &[Target], keep: bool) -> Result<Removed> {
    let mut removed = Removed::default();
    let mut notes = Vec::new();
    for c in cards {
        let id = Value::Integer(c.id);
        if keep {
            removed.revlog.extend(rows(
                conn,
                "revlog",
                "SELECT * FROM revlog WHERE card_id = ?1 ORDER BY id",
                &id,
            )?);
            removed.cards.extend(rows(
                conn,
                "cards",
                "SELECT * FROM cards WHERE id = ?1",
                &id,
            )?);
        }
        let note: String = conn
            .prepare_cached("SELECT note_id FROM cards WHERE id = ?1")?
            .query_row([c.id], |r| r.get(0))?;
        removed.answers += conn
            .prepare_cached("DELETE FROM revlog WHERE card_id = ?1")?
            .execute([c.id])? as u32;
        conn.prepare_cached("DELETE FROM cards WHERE id = ?1")?
            .execute([c.id])?;
        notes.push(note);
    }
    notes.sort();
    notes.dedup();
    for note in notes {
        let id = Value::Text(note.clone());
        // A note row left without a card: none has it as its note, looked
        // up as schema.sql indexes note ids (cards_note holds only those
        // that are not the card's own uid; the rest are uids). A scan of
        // the cards per note would make a large delete quadratic.
        let orphan = "SELECT * FROM notes n WHERE n.id = ?1
                      AND NOT EXISTS (SELECT 1 FROM cards c WHERE c.note_id = n.id AND c.note_id <> c.uid)
                      AND NOT EXISTS (SELECT 1 FROM cards c WHERE c.uid = n.id AND c.note_id = n.id)";
        let gone = rows(conn, "notes", orphan, &id)?;
        if !gone.is_empty() {
            conn.prepare_cached("DELETE FROM notes WHERE id = ?1")?
                .execute([&note])?;
        }
        if keep {
            removed.notes.extend(gone);
        }
    }
    Ok(removed)
}

/// Inserts rows as they were removed (cards before the answers that
/// refer to them).
pub(super) fn put_back(conn: &Connection, table: &str, rows: &[Row]) -> Result<()> {
    for row in rows {
        let names: Vec<&str> = row.iter().map(|(n, _)| n.as_str()).collect();
        let marks: Vec<String> = (1..=row.len()).map(|i| format!("?{i}")).collect();
        // Table and column names come from SQLite's own schema, never from input.
        let sql = format!(
            "INSERT INTO {table} (\"{}\") VALUES ({})",
            names.join("\", \""),
            marks.join(", ")
        );
        let values: Vec<Value> = row.iter().map(|(_, v)| from_json(v)).collect();
        conn.prepare_cached(&sql)?
            .execute(params_from_iter(&values))
            .map_err(|e| match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::ConstraintViolation) => Error::BadValue(format!(
                    "cannot undo the delete: a deleted card's id is in use again ({e}); \
                     `py201 backups` lists the backup made before it"
                )),
                _ => e.into(),
            })?;
    }
    Ok(())
}

pub(super) fn undo_record(conn: &Connection, rec: &Record) -> Result<Undone> {
    if rec.removed.too_large {
        // Answers before it may be of the cards it deleted: no more undo past it.
        let floor = meta_i64(conn, FLOOR)?.unwrap_or(0).max(rec.after_log);
        set_meta(conn, FLOOR, &floor.to_string())?;
        return Ok(Undone::TooLarge {
            query: rec.query.clone(),
        });
    }
    if rec.action == Action::Delete {
        put_back(conn, "notes", &rec.removed.notes)?;
        put_back(conn, "cards", &rec.removed.cards)?;
        put_back(conn, "revlog", &rec.removed.revlog)?;
    }
    let mut stmt =
        conn.prepare_cached("UPDATE cards SET suspended = ?2, buried_until = ?3 WHERE id = ?1")?;
    for b in rec.cards.iter().filter(|_| rec.action != Action::Delete) {
        stmt.execute(params![b.id, b.suspended, b.buried_until])?;
        if let Some(tags) = &b.tags {
            conn.prepare_cached("UPDATE cards SET tags = ?2 WHERE id = ?1")?
                .execute(params![b.id, tags])?;
        }
        // A leech's schedule is its answer's, undone from the log; tags
        // change nothing else.
        if !matches!(rec.action, Action::Leech | Action::Tag) {
            crate::collection::cards::write_state(conn, b.id, &b.state)?;
        }
    }
    Ok(Undone::Action {
        action: rec.action,
        query: rec.query.clone(),
        cards: rec.cards.len(),
    })
}

pub(super) fn undo_answer(conn: &Connection, log_id: i64) -> Result<Undone> {
    let (uid, grade, time_ms): (String, u8, i64) = conn.query_row(
        "SELECT c.uid, r.grade, r.time_ms FROM revlog r JOIN cards c ON c.id = r.card_id
         WHERE r.id = ?1",
        [log_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    crate::collection::cards::restore_before(conn, log_id)?;
    Ok(Undone::Answer {
        uid,
        grade,
        time_ms,
    })
}

pub(super) fn meta_i64(conn: &Connection, key: &str) -> Result<Option<i64>> {
    let v: Option<String> = conn
        .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?;
    Ok(v.and_then(|v| v.parse().ok()))
}

pub(super) fn set_meta(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute([key, value])?;
    Ok(())
}

/// The journal, oldest first; one that cannot be read (from a newer
/// py201, say) is taken as empty rather than blocking every action.
pub(super) fn journal(conn: &Connection) -> Result<Vec<Record>> {
    let text: Option<String> = conn
        .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
        .query_row([JOURNAL], |r| r.get(0))
        .optional()?;
    Ok(text
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default())
}

pub(super) fn save_journal(conn: &Connection, journal: &[Record]) -> Result<()> {
    let text = serde_json::to_string(journal).map_err(|e| Error::Encode(Box::new(e)))?;
    set_meta(conn, JOURNAL, &text)
}

/// Adds a record, dropping the oldest beyond [`KEEP`]; answers up to a
/// dropped record's time can no longer be undone.
pub(super) fn push(conn: &Connection, record: Record) -> Result<()> {
    let mut journal = journal(conn)?;
    journal.push(record);
    if journal.len() > KEEP {
        let dropped = journal.remove(0);
        let floor = meta_i64(conn, FLOOR)?.unwrap_or(0).max(dropped.after_log);
        set_meta(conn, FLOOR, &floor.to_string())?;
    }
    save_journal(conn, &journal)
}

/// Marks card `id` a leech after the answer logged as `log_id`: adds the
/// `leech` tag and, with `suspend`, suspends it; journaled with the answer,
/// so undoing the answer undoes this too.
pub(crate) fn mark_leech(conn: &Connection, id: i64, log_id: i64, suspend: bool) -> Result<()> {
    let (uid, tags, suspended, buried_until): (String, String, bool, Option<Day>) = conn
        .prepare_cached("SELECT uid, tags, suspended, buried_until FROM cards WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    let tagged = if tags.split_whitespace().any(|t| t == "leech") {
        tags.clone()
    } else {
        format!("{tags} leech").trim().to_string()
    };
    conn.prepare_cached("UPDATE cards SET tags = ?2, suspended = ?3 WHERE id = ?1")?
        .execute(params![id, tagged, suspended || suspend])?;
    let record = Record {
        action: Action::Leech,
        query: format!("id:{uid}"),
        time_ms: 0,
        after_log: log_id - 1,
        cards: vec![Before {
            id,
            suspended,
            buried_until,
            state: CardState::NEW,
            tags: Some(tags),
        }],
        removed: Removed::default(),
        answer: Some(log_id),
    };
    push(conn, record)
}

/// Undoes the leech marking that went with the answer `log_id`, if any,
/// wherever it is in the journal (the answer is being undone).
pub(crate) fn unmark_leech(conn: &Connection, log_id: i64) -> Result<()> {
    let mut journal = journal(conn)?;
    let Some(at) = journal.iter().rposition(|r| r.answer == Some(log_id)) else {
        return Ok(());
    };
    let rec = journal.remove(at);
    undo_record(conn, &rec)?;
    save_journal(conn, &journal)
}
