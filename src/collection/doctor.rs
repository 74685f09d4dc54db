//! Consistency checks for `py201 doctor`, and the repairs that are safe.
//!
//! The review log is the record: a card whose scheduling state is impossible
//! gets back the state its last logged answer left it in.

use super::Collection;
use crate::error::Result;
use rusqlite::{Connection, TransactionBehavior};

/// One kind of problem, how many rows have it, and whether `--fix` repairs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub what: String,
    pub count: i64,
    pub fixable: bool,
}

/// Cards whose state cannot come from any sequence of answers.
const IMPOSSIBLE: &[(&str, &str)] = &[
    ("cards with EF below 1.3", "ease < 1300"),
    (
        "cards with a negative interval, repetition or lapse count",
        "interval < 0 OR reps < 0 OR lapses < 0",
    ),
    (
        "reviewed cards with an interval below 1 day",
        // A new card in an FSRS learning step has no interval yet.
        "due IS NOT NULL AND interval < 1 AND step IS NULL",
    ),
    (
        "new cards with review progress",
        "due IS NULL AND (reps > 0 OR interval > 0 OR lapses > 0)",
    ),
    (
        "cards due before their first review",
        "due < (SELECT min(r.day) FROM revlog r WHERE r.card_id = c.id)",
    ),
    // A new card with answers in its log is no longer impossible: `py201
    // forget` makes reviewed cards new and keeps their log. Repairing such
    // a card from its last answer would undo the forget.
];

/// The daily summaries as the review log says they should be: each answer
/// counted by its `revlog.answer_kind`, as the summary triggers of
/// schema.sql count it, so a summary that drifted (a log edited by hand, a card deleted outside py201)
/// can be found and rebuilt.
pub(super) const SUMMARY_FROM_LOG: &str = "SELECT r.day, coalesce(c.deck_id, 0), r.answer_kind,
       sum(r.grade = 0), sum(r.grade = 1), sum(r.grade = 2), sum(r.grade = 3),
       sum(r.grade = 4), sum(r.grade = 5), sum(r.taken_ms)
     FROM revlog r LEFT JOIN cards c ON c.id = r.card_id
     WHERE true GROUP BY r.day, coalesce(c.deck_id, 0), r.answer_kind";

const SUMMARY_ROWS: &str =
    "SELECT day, deck_id, kind, g0, g1, g2, g3, g4, g5, time_ms FROM revlog_days";

/// Rows by which the daily summaries and the log's aggregate differ.
fn summary_drift(conn: &Connection) -> Result<i64> {
    count_of(
        conn,
        &format!(
            "(SELECT count(*) FROM ({SUMMARY_FROM_LOG} EXCEPT {SUMMARY_ROWS}))
              + (SELECT count(*) FROM ({SUMMARY_ROWS} EXCEPT {SUMMARY_FROM_LOG}))"
        ),
    )
}

/// Rows by which the per-deck card counts (schema 9) and a count of the
/// cards differ.
fn count_drift(conn: &Connection) -> Result<i64> {
    let mut drift = 0;
    for (rows, from_cards) in COUNTED {
        drift += count_of(
            conn,
            &format!(
                "(SELECT count(*) FROM (SELECT * FROM ({from_cards}) EXCEPT {rows}))
                  + (SELECT count(*) FROM ({rows} EXCEPT SELECT * FROM ({from_cards})))"
            ),
        )?;
    }
    Ok(drift)
}

/// The per-deck counts (schema 9), each as stored and as the cards say it
/// should be: (`SELECT` of the table, its rows counted from the cards).
const COUNTED: [(&str, &str); 2] = [
    (
        "SELECT deck_id, class, day, n FROM deck_counts",
        super::counts::COUNTS_FROM_CARDS,
    ),
    (
        "SELECT deck_id, what, value, n FROM deck_values",
        super::counts::VALUES_FROM_CARDS,
    ),
];

/// The number a counting query gives, read by name: the query is wrapped
/// so that its one value has one.
fn count_of(conn: &Connection, counting: &str) -> Result<i64> {
    Ok(conn.query_row(&format!("SELECT ({counting}) AS n"), [], |r| r.get("n"))?)
}

/// A finding when `count` rows have the problem.
fn found(count: i64, what: impl Into<String>, fixable: bool) -> Option<Finding> {
    (count > 0).then(|| Finding {
        what: what.into(),
        count,
        fixable,
    })
}

/// The first of `lines` (what SQLite reports first) said as `what`, counted.
fn first_of(lines: &[String], what: impl Fn(&str) -> String) -> Option<Finding> {
    let first = lines.first()?;
    Some(Finding {
        what: what(first),
        count: lines.len() as i64,
        fixable: false,
    })
}

/// Log rows of cards that do not exist.
const ORPHANS: &str = "SELECT count(*) FROM revlog WHERE card_id NOT IN (SELECT id FROM cards)";

impl Collection {
    pub fn doctor(&self) -> Result<Vec<Finding>> {
        let conn = &self.conn;
        let mut out = Vec::new();
        out.extend(self.damage()?);
        out.extend(found(
            count_of(conn, ORPHANS)?,
            "review-log rows of cards that do not exist",
            true,
        ));
        out.extend(self.dangling()?);
        // Schema 6: a card whose note is not itself needs the note's row.
        out.extend(found(
            count_of(conn, super::export::CARDS_WITHOUT_NOTE)?,
            "cards whose note is missing",
            false,
        ));
        out.extend(found(
            summary_drift(conn)?,
            "daily statistics summaries that disagree with the review log",
            true,
        ));
        out.extend(found(
            count_drift(conn)?,
            "deck card counts that disagree with the cards",
            true,
        ));
        for (what, cond) in IMPOSSIBLE {
            let n = count_of(conn, &format!("SELECT count(*) FROM cards c WHERE {cond}"))?;
            out.extend(found(n, *what, true));
        }
        Ok(out)
    }

    /// What SQLite's integrity check finds, but for CHECK-constraint rows:
    /// those are states the impossible-state checks name one by one.
    fn damage(&self) -> Result<Option<Finding>> {
        let integrity: Vec<String> = self
            .conn
            .prepare("PRAGMA integrity_check")?
            .query_map([], |r| r.get::<_, String>("integrity_check"))?
            .filter(|l| {
                l.as_ref()
                    .map_or(true, |l| !l.starts_with("CHECK constraint failed"))
            })
            .collect::<rusqlite::Result<_>>()?;
        if integrity == ["ok"] {
            return Ok(None);
        }
        Ok(first_of(&integrity, |l| format!("database damaged: {l}")))
    }

    /// Rows whose foreign key points nowhere, the log's aside (orphaned log
    /// rows are a finding of their own, and fixable).
    fn dangling(&self) -> Result<Option<Finding>> {
        let tables: Vec<String> = self
            .conn
            .prepare("SELECT \"table\" FROM pragma_foreign_key_check WHERE \"table\" <> 'revlog'")?
            .query_map([], |r| r.get("table"))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(first_of(&tables, |t| {
            format!("rows pointing at missing decks or notes (in {t})")
        }))
    }

    /// Repairs what is safe, in one transaction: removes orphaned log rows,
    /// and gives each card in an impossible state the state its last logged
    /// answer left (or, with no log, makes it new again). Returns what it did.
    pub fn doctor_fix(&mut self) -> Result<Vec<String>> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut done = Vec::new();
        let n = tx.execute(
            "DELETE FROM revlog WHERE card_id NOT IN (SELECT id FROM cards)",
            [],
        )?;
        if n > 0 {
            done.push(format!(
                "removed {n} review-log rows of cards that do not exist"
            ));
        }
        let (rebuilt, reset) = repair_impossible(&tx)?;
        if rebuilt > 0 {
            done.push(format!(
                "rebuilt {rebuilt} cards' scheduling state from their review log"
            ));
        }
        if reset > 0 {
            done.push(format!(
                "made {reset} cards without review history new again"
            ));
        }
        // Last, so it also accounts for the log rows removed above.
        if summary_drift(&tx)? > 0 {
            tx.execute_batch(&format!(
                "DELETE FROM revlog_days; INSERT INTO revlog_days {SUMMARY_FROM_LOG};"
            ))?;
            done.push("rebuilt the daily statistics summaries from the review log".into());
        }
        if count_drift(&tx)? > 0 {
            let (counts, values) = (
                super::counts::COUNTS_FROM_CARDS,
                super::counts::VALUES_FROM_CARDS,
            );
            tx.execute_batch(&format!(
                "DELETE FROM deck_counts; INSERT INTO deck_counts {counts};
                 DELETE FROM deck_values; INSERT INTO deck_values {values};"
            ))?;
            done.push("rebuilt the deck card counts from the cards".into());
        }
        tx.commit()?;
        Ok(done)
    }
}

/// Gives each card in an impossible state the state its last logged answer
/// left, or makes it new when it has no log. Returns (rebuilt, reset).
fn repair_impossible(conn: &Connection) -> Result<(u32, u32)> {
    let bad = IMPOSSIBLE
        .iter()
        .map(|(_, c)| format!("({c})"))
        .collect::<Vec<_>>()
        .join(" OR ");
    let ids: Vec<i64> = conn
        .prepare(&format!("SELECT id FROM cards c WHERE {bad}"))?
        .query_map([], |r| r.get("id"))?
        .collect::<rusqlite::Result<_>>()?;
    let (mut rebuilt, mut reset) = (0, 0);
    for id in ids {
        let n = conn.execute(
            "UPDATE cards SET (reps, interval, ease, due, lapses, repeat_on,
                    stability, difficulty, step, step_due_ms) =
               (SELECT reps_after, interval_after, max(ease_after, 1300), due_after, lapses_after, repeat_on_after,
                    stability_after, difficulty_after, step_after, step_due_ms_after
                FROM revlog WHERE card_id = ?1 ORDER BY id DESC LIMIT 1)
             WHERE id = ?1 AND EXISTS (SELECT 1 FROM revlog WHERE card_id = ?1)",
            [id],
        )?;
        if n == 1 {
            rebuilt += 1;
        } else {
            conn.execute(
                "UPDATE cards SET reps = 0, interval = 0, ease = 2500, due = NULL, lapses = 0, repeat_on = NULL,
                    stability = NULL, difficulty = NULL, step = NULL, step_due_ms = NULL
                 WHERE id = ?1",
                [id],
            )?;
            reset += 1;
        }
    }
    Ok((rebuilt, reset))
}
