//! Actions on the cards a query finds (suspend, unsuspend, bury, unbury,
//! forget, delete), each one immediate transaction, and the undo journal
//! that lets `py201 undo` reverse the last answer or action from any
//! session.
//!
//! The journal is a short stack in the `meta` table (key `undo`): each
//! record holds the changed cards' rows as they were before, and the review
//! log's last id when the action ran. Answers are their own record (the log
//! keeps the state before each), so the newer of the top record and the
//! last answer is the one undone. Only [`KEEP`] records are kept; answers
//! older than a dropped record can no longer be undone (`undo_floor`), as
//! undoing them could bring back a state that record changed.

use super::Collection;
use super::search::Compiled;
use crate::clock::Day;
use crate::error::{Error, Result};
use crate::scheduler::CardState;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params, params_from_iter};
use serde::{Deserialize, Serialize};

/// Journal records kept for undo.
pub const KEEP: usize = 10;
const JOURNAL: &str = "undo";
const FLOOR: &str = "undo_floor";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Suspend,
    Unsuspend,
    Bury,
    Unbury,
    Forget,
    Delete,
    /// Tags added and removed (`py201 tag`).
    Tag,
    /// A card an answer made a leech: tagged `leech`, and suspended with
    /// `leech-action suspend`. Journaled with its answer and undone with it.
    Leech,
}

impl Action {
    pub fn verb(self) -> &'static str {
        match self {
            Action::Suspend => "suspend",
            Action::Unsuspend => "unsuspend",
            Action::Bury => "bury",
            Action::Unbury => "unbury",
            Action::Forget => "forget",
            Action::Delete => "delete",
            Action::Tag => "tag",
            Action::Leech => "mark as leech",
        }
    }

    pub fn past(self) -> &'static str {
        match self {
            Action::Suspend => "suspended",
            Action::Unsuspend => "unsuspended",
            Action::Bury => "buried",
            Action::Unbury => "unburied",
            Action::Forget => "forgotten",
            Action::Delete => "deleted",
            Action::Tag => "retagged",
            Action::Leech => "marked as leeches",
        }
    }

    /// Whether [`Action::changes`] compares with today.
    fn dated(self) -> bool {
        matches!(self, Action::Bury | Action::Unbury)
    }

    /// The cards among those found that the action changes (fixed SQL;
    /// `t` is the placeholder of today): an action never "changes" a card
    /// to what it already is, so the count it reports is honest.
    fn changes(self, t: &str) -> String {
        match self {
            Action::Suspend => "c.retired = 0 AND c.suspended = 0".into(),
            Action::Unsuspend => "c.suspended = 1".into(),
            Action::Bury => format!(
                "c.retired = 0 AND c.suspended = 0 AND (c.buried_until IS NULL OR c.buried_until <= {t})"
            ),
            Action::Unbury => format!("c.buried_until IS NOT NULL AND c.buried_until > {t}"),
            Action::Forget => "c.due IS NOT NULL".into(),
            Action::Delete => "d.builtin = 0".into(),
            // Which cards a tag change changes is decided per card.
            Action::Tag => "1".into(),
            Action::Leech => "0".into(),
        }
    }
}

/// One card the action changes (or would, in a dry run).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub id: i64,
    pub uid: String,
    pub front: String,
}

/// What an action did (or would do).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Acted {
    pub cards: Vec<Target>,
    /// Built-in cards the query found, which `delete` leaves.
    pub builtin_left: u32,
    /// Answers removed with deleted cards.
    pub answers: u32,
    /// The changed cards as they were (for the journal of `retag`).
    befores: Vec<Before>,
}

/// `tags` (space-separated) with `add` added (at the end, in order) and
/// `remove` taken out, each tag once.
pub fn retagged(tags: &str, add: &[String], remove: &[String]) -> String {
    let mut out: Vec<&str> = Vec::new();
    for t in tags
        .split_whitespace()
        .chain(add.iter().map(String::as_str))
    {
        if !out.contains(&t) && !remove.iter().any(|r| r == t) {
            out.push(t);
        }
    }
    out.join(" ")
}

/// The cards `query` finds with their columns before, tags included.
fn targets_with_tags(conn: &Connection, query: &Compiled) -> Result<(Acted, Vec<Before>)> {
    let (found, mut befores) = targets(conn, Action::Tag, query, 0)?;
    let mut stmt = conn.prepare_cached("SELECT tags FROM cards WHERE id = ?1")?;
    for b in &mut befores {
        b.tags = Some(stmt.query_row([b.id], |r| r.get(0))?);
    }
    Ok((found, befores))
}

/// A card's columns an action other than delete may change, as they were.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Before {
    id: i64,
    suspended: bool,
    buried_until: Option<Day>,
    state: CardState,
    /// The tags, where the action changes them.
    #[serde(default)]
    tags: Option<String>,
}

/// Rows removed by `delete`, column by column, to be put back by undo.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Removed {
    cards: Vec<Row>,
    notes: Vec<Row>,
    revlog: Vec<Row>,
}

type Row = Vec<(String, serde_json::Value)>;

/// One undoable action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Record {
    action: Action,
    query: String,
    time_ms: i64,
    /// The review log's last id when the action ran.
    after_log: i64,
    cards: Vec<Before>,
    #[serde(default)]
    removed: Removed,
    /// The answer (log id) this record goes with, undone together.
    #[serde(default)]
    answer: Option<i64>,
}

/// What `undo` reversed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Undone {
    Action {
        action: Action,
        query: String,
        cards: usize,
    },
    Answer {
        uid: String,
        grade: u8,
        time_ms: i64,
    },
    Nothing,
}

impl Collection {
    /// Applies `action` to the cards `query` finds that it changes, in one
    /// immediate transaction, journaled for undo (`text` is the query as
    /// typed, for the journal). With `dry_run` nothing is written.
    pub fn act(
        &mut self,
        action: Action,
        query: &Compiled,
        text: &str,
        today: Day,
        now_ms: i64,
        dry_run: bool,
    ) -> Result<Acted> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (mut acted, befores) = targets(&tx, action, query, today)?;
        if dry_run || acted.cards.is_empty() {
            return Ok(acted);
        }
        let after_log: i64 =
            tx.query_row("SELECT coalesce(max(id), 0) FROM revlog", [], |r| r.get(0))?;
        let removed = match action {
            Action::Delete => {
                let removed = delete(&tx, &acted.cards)?;
                acted.answers = removed.revlog.len() as u32;
                removed
            }
            _ => {
                apply(&tx, action, &acted.cards, today)?;
                Removed::default()
            }
        };
        let record = Record {
            action,
            query: text.to_string(),
            time_ms: now_ms,
            after_log,
            cards: befores,
            removed,
            answer: None,
        };
        push(&tx, record)?;
        tx.commit()?;
        Ok(acted)
    }

    /// Suspends or buries the one card `id` (`uid`) as a review's `s` and
    /// `b` do, journaled like any action so `py201 undo` can take it back
    /// from another session. Returns whether the card changed.
    pub fn act_on_card(
        &mut self,
        action: Action,
        (id, uid): (i64, &str),
        today: Day,
        now_ms: i64,
    ) -> Result<bool> {
        let one = Compiled {
            sql: "c.id = ?1".into(),
            params: vec![Value::Integer(id)],
        };
        let done = self.act(action, &one, &format!("id:{uid}"), today, now_ms, false)?;
        Ok(!done.cards.is_empty())
    }

    /// Takes back `action` on card `id` if it is the newest thing done (no
    /// answer or other action since): the review session's own undo of its
    /// `s` and `b`. Returns whether it did.
    pub fn undo_card_action(&mut self, action: Action, id: i64) -> Result<bool> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut journal = journal(&tx)?;
        let last_log: i64 =
            tx.query_row("SELECT coalesce(max(id), 0) FROM revlog", [], |r| r.get(0))?;
        let newest = journal.last().is_some_and(|r| {
            r.action == action
                && r.cards.len() == 1
                && r.cards[0].id == id
                && last_log <= r.after_log
        });
        if !newest {
            return Ok(false);
        }
        if let Some(rec) = journal.pop() {
            undo_record(&tx, &rec)?;
        }
        save_journal(&tx, &journal)?;
        tx.commit()?;
        Ok(true)
    }

    /// Adds the tags `add` and removes `remove` on the cards `query` finds,
    /// in one immediate transaction, journaled for undo; counts only the
    /// cards whose tags change. With `dry_run` nothing is written.
    pub fn retag(
        &mut self,
        query: &Compiled,
        text: &str,
        (add, remove): (&[String], &[String]),
        now_ms: i64,
        dry_run: bool,
    ) -> Result<Acted> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (found, befores) = targets_with_tags(&tx, query)?;
        let mut acted = Acted::default();
        let mut changed = Vec::new();
        for (card, mut before) in found.cards.into_iter().zip(befores) {
            let old = before.tags.clone().unwrap_or_default();
            let new = retagged(&old, add, remove);
            if new != old {
                changed.push((card.id, new));
                before.tags = Some(old);
                acted.cards.push(card);
                acted.befores.push(before);
            }
        }
        if dry_run || changed.is_empty() {
            return Ok(acted);
        }
        let mut stmt = tx.prepare_cached("UPDATE cards SET tags = ?2 WHERE id = ?1")?;
        for (id, tags) in &changed {
            stmt.execute(params![id, tags])?;
        }
        drop(stmt);
        let after_log: i64 =
            tx.query_row("SELECT coalesce(max(id), 0) FROM revlog", [], |r| r.get(0))?;
        let record = Record {
            action: Action::Tag,
            query: text.to_string(),
            time_ms: now_ms,
            after_log,
            cards: std::mem::take(&mut acted.befores),
            removed: Removed::default(),
            answer: None,
        };
        push(&tx, record)?;
        tx.commit()?;
        Ok(acted)
    }

    /// Undoes the newest of the last answer and the last journaled action,
    /// in one immediate transaction.
    pub fn undo(&mut self) -> Result<Undone> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut journal = journal(&tx)?;
        let last_log: Option<i64> = tx.query_row("SELECT max(id) FROM revlog", [], |r| r.get(0))?;
        let floor = meta_i64(&tx, FLOOR)?.unwrap_or(0);
        let answer_newer = match (journal.last(), last_log) {
            (_, None) => false,
            (Some(rec), Some(log)) => log > rec.after_log,
            (None, Some(log)) => log > floor,
        };
        let undone = if answer_newer {
            undo_answer(&tx, last_log.unwrap_or_default())?
        } else if let Some(rec) = journal.pop() {
            let undone = undo_record(&tx, &rec)?;
            save_journal(&tx, &journal)?;
            undone
        } else {
            Undone::Nothing
        };
        tx.commit()?;
        Ok(undone)
    }
}

/// The cards the action changes among those `query` finds, with their
/// columns before; for delete, also how many built-in cards it leaves.
fn targets(
    conn: &Connection,
    action: Action,
    query: &Compiled,
    today: Day,
) -> Result<(Acted, Vec<Before>)> {
    let mut params = query.params.clone();
    // Bound only when used: an unused last parameter is an error.
    if action.dated() {
        params.push(Value::Integer(i64::from(today)));
    }
    let t = format!("?{}", params.len());
    let sql = format!(
        "SELECT c.id, c.uid, c.front, c.suspended, c.buried_until, {}
         FROM cards c JOIN decks d ON d.id = c.deck_id
         WHERE {} AND {} ORDER BY c.position",
        super::cards::state_columns!()
            .split(", ")
            .map(|c| format!("c.{c}"))
            .collect::<Vec<_>>()
            .join(", "),
        query.sql,
        action.changes(&t)
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut acted = Acted::default();
    let mut befores = Vec::new();
    let mut rows = stmt.query(params_from_iter(&params))?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get("id")?;
        acted.cards.push(Target {
            id,
            uid: r.get("uid")?,
            front: r.get("front")?,
        });
        befores.push(Before {
            id,
            suspended: r.get("suspended")?,
            buried_until: r.get("buried_until")?,
            state: super::cards::row_to_state(r)?,
            tags: None,
        });
    }
    if action == Action::Delete {
        let sql = format!(
            "SELECT count(*) FROM cards c JOIN decks d ON d.id = c.deck_id
             WHERE {} AND d.builtin = 1",
            query.sql
        );
        acted.builtin_left = conn.query_row(&sql, params_from_iter(&query.params), |r| r.get(0))?;
    }
    Ok((acted, befores))
}

/// Writes the action's change to each card.
fn apply(conn: &Connection, action: Action, cards: &[Target], today: Day) -> Result<()> {
    let sql = match action {
        Action::Suspend => "UPDATE cards SET suspended = 1 WHERE id = ?1",
        Action::Unsuspend => "UPDATE cards SET suspended = 0 WHERE id = ?1",
        Action::Bury => "UPDATE cards SET buried_until = ?2 WHERE id = ?1",
        Action::Unbury => "UPDATE cards SET buried_until = NULL WHERE id = ?1",
        // New again: SM-2's and FSRS's state as a new card has it.
        Action::Forget => {
            "UPDATE cards SET reps = 0, interval = 0, ease = 2500, due = NULL, lapses = 0,
               repeat_on = NULL, stability = NULL, difficulty = NULL, step = NULL,
               step_due_ms = NULL
             WHERE id = ?1"
        }
        Action::Delete | Action::Leech | Action::Tag => return Ok(()),
    };
    let mut stmt = conn.prepare_cached(sql)?;
    for c in cards {
        if action == Action::Bury {
            // Until tomorrow, as in review.
            stmt.execute(params![c.id, today + 1])?;
        } else {
            stmt.execute([c.id])?;
        }
    }
    Ok(())
}

/// Every column of the rows `sql` selects, by name (generated columns,
/// which cannot be written back, left out).
fn rows(conn: &Connection, table: &str, sql: &str, id: &Value) -> Result<Vec<Row>> {
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

fn to_json(v: Value) -> serde_json::Value {
    match v {
        Value::Null | Value::Blob(_) => serde_json::Value::Null,
        Value::Integer(i) => i.into(),
        Value::Real(f) => f.into(),
        Value::Text(s) => s.into(),
    }
}

fn from_json(v: &serde_json::Value) -> Value {
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
fn delete(conn: &Connection, cards: &[Target]) -> Result<Removed> {
    let mut removed = Removed::default();
    let mut notes = Vec::new();
    for c in cards {
        let id = Value::Integer(c.id);
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
        let note: String = conn
            .prepare_cached("SELECT note_id FROM cards WHERE id = ?1")?
            .query_row([c.id], |r| r.get(0))?;
        conn.prepare_cached("DELETE FROM revlog WHERE card_id = ?1")?
            .execute([c.id])?;
        conn.prepare_cached("DELETE FROM cards WHERE id = ?1")?
            .execute([c.id])?;
        notes.push(note);
    }
    notes.sort();
    notes.dedup();
    for note in notes {
        let id = Value::Text(note.clone());
        let orphan = "SELECT * FROM notes n WHERE n.id = ?1
                      AND NOT EXISTS (SELECT 1 FROM cards c WHERE c.note_id = n.id)";
        let gone = rows(conn, "notes", orphan, &id)?;
        if !gone.is_empty() {
            conn.prepare_cached("DELETE FROM notes WHERE id = ?1")?
                .execute([&note])?;
        }
        removed.notes.extend(gone);
    }
    Ok(removed)
}

/// Inserts rows as they were removed (cards before the answers that
/// refer to them).
fn put_back(conn: &Connection, table: &str, rows: &[Row]) -> Result<()> {
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

fn undo_record(conn: &Connection, rec: &Record) -> Result<Undone> {
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
            super::cards::write_state(conn, b.id, &b.state)?;
        }
    }
    Ok(Undone::Action {
        action: rec.action,
        query: rec.query.clone(),
        cards: rec.cards.len(),
    })
}

fn undo_answer(conn: &Connection, log_id: i64) -> Result<Undone> {
    let (uid, grade, time_ms): (String, u8, i64) = conn.query_row(
        "SELECT c.uid, r.grade, r.time_ms FROM revlog r JOIN cards c ON c.id = r.card_id
         WHERE r.id = ?1",
        [log_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    super::cards::restore_before(conn, log_id)?;
    Ok(Undone::Answer {
        uid,
        grade,
        time_ms,
    })
}

fn meta_i64(conn: &Connection, key: &str) -> Result<Option<i64>> {
    let v: Option<String> = conn
        .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?;
    Ok(v.and_then(|v| v.parse().ok()))
}

fn set_meta(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute([key, value])?;
    Ok(())
}

/// The journal, oldest first; one that cannot be read (from a newer
/// py201, say) is taken as empty rather than blocking every action.
fn journal(conn: &Connection) -> Result<Vec<Record>> {
    let text: Option<String> = conn
        .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
        .query_row([JOURNAL], |r| r.get(0))
        .optional()?;
    Ok(text
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default())
}

fn save_journal(conn: &Connection, journal: &[Record]) -> Result<()> {
    let text = serde_json::to_string(journal).map_err(|e| Error::Encode(Box::new(e)))?;
    set_meta(conn, JOURNAL, &text)
}

/// Adds a record, dropping the oldest beyond [`KEEP`]; answers up to a
/// dropped record's time can no longer be undone.
fn push(conn: &Connection, record: Record) -> Result<()> {
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

#[cfg(test)]
mod tests {
    use super::retagged;

    #[test]
    fn retagging_adds_at_the_end_removes_and_never_doubles() {
        let v = |s: &[&str]| s.iter().map(|t| t.to_string()).collect::<Vec<_>>();
        assert_eq!(retagged("a b", &v(&["c", "a"]), &v(&["b"])), "a c");
        assert_eq!(retagged("", &v(&["x", "x"]), &[]), "x");
        assert_eq!(retagged("a  b", &[], &v(&["a", "b"])), "");
        // Removing wins over adding the same tag.
        assert_eq!(retagged("a", &v(&["z"]), &v(&["z"])), "a");
    }
}
