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
use crate::error::Result;
use rusqlite::types::Value;
use rusqlite::{Connection, TransactionBehavior, params, params_from_iter};
use serde::{Deserialize, Serialize};

mod journal;
use journal::{
    Before, Record, Removed, delete, journal, meta_i64, push, save_journal, undo_answer,
    undo_record,
};
pub(crate) use journal::{mark_leech, unmark_leech};

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
    /// A delete too large to keep for undo: the backup made before it is
    /// the way back.
    pub undo_from_backup: bool,
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
    /// A delete too large to keep: taken off the journal, nothing changed.
    TooLarge {
        query: String,
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
                let keep = journal::fits(&tx, &acted.cards)?;
                let mut removed = delete(&tx, &acted.cards, keep)?;
                removed.too_large = !keep;
                acted.answers = removed.answers;
                acted.undo_from_backup = !keep;
                removed
            }
            _ => {
                apply(&tx, action, &acted.cards, today)?;
                if action != Action::Forget {
                    // A forget travels in the log, not as an edit.
                    modified(&tx, &acted.cards, now_ms)?;
                }
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
        let mut stmt =
            tx.prepare_cached("UPDATE cards SET tags = ?2, modified_ms = ?3 WHERE id = ?1")?;
        for (id, tags) in &changed {
            stmt.execute(params![id, tags, now_ms])?;
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

/// Stamps the cards an action changed with its time (sync's "the later
/// edit wins").
fn modified(conn: &Connection, cards: &[Target], now_ms: i64) -> Result<()> {
    let mut stmt = conn.prepare_cached("UPDATE cards SET modified_ms = ?2 WHERE id = ?1")?;
    for c in cards {
        stmt.execute(params![c.id, now_ms])?;
    }
    Ok(())
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
