//! FSRS's storage: switching schedulers (memory states from the review log),
//! the fitted parameters, and the review history the optimizer reads.

use super::Collection;
use super::config::SchedulerKind;
use crate::clock::Day;
use crate::error::{Error, Result};
use crate::scheduler::fsrs::{self as fs, Answer, Fsrs, Memory, Start};
use crate::scheduler::{Ease, Grade};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

/// `config` row of the fitted FSRS parameters (21 numbers, space-separated).
/// Kept with the settings, so a JSON backup carries them; not a key of
/// `py201 config`, since only `optimize` sets it.
const PARAMS_KEY: &str = "fsrs-params";

/// One card's review log, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardHistory {
    pub card_id: i64,
    pub answers: Vec<Answer>,
    /// The card's SM-2 state before its first logged answer, when it was
    /// not new then.
    pub start: Option<Start>,
}

/// What a switch did, for the one-line report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Switched {
    pub from_log: u32,
    pub from_sm2: u32,
    pub steps_ended: u32,
}

impl Collection {
    /// The FSRS parameters in use: the fitted ones, or the crate's defaults.
    pub fn fsrs_params(&self) -> Result<Vec<f32>> {
        load_params(&self.conn)
    }

    /// Whether the parameters in use were fitted by `py201 optimize`.
    pub fn fsrs_params_fitted(&self) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM config WHERE key = ?1")?
            .query_row([PARAMS_KEY], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// The FSRS scheduler with this collection's parameters and settings at `now_ms`.
    pub fn fsrs_scheduler(&self, now_ms: i64) -> Result<Fsrs> {
        let cfg = self.config();
        Fsrs::new(
            &self.fsrs_params()?,
            cfg.fsrs_settings(),
            cfg.scheduler_settings(),
            now_ms,
        )
        .map_err(|e| Error::BadValue(format!("FSRS parameters: {e}")))
    }

    /// Every card's review log (cards with at least one answer), in card order.
    pub fn histories(&self, deck: Option<i64>) -> Result<Vec<CardHistory>> {
        histories(&self.conn, deck)
    }

    /// Switches the scheduler, keeping every card's progress (see
    /// docs/fsrs.md):
    /// * to FSRS: each card's memory state comes from its review log (or its
    ///   SM-2 ease and interval); a pending SM-2 same-day repeat becomes a
    ///   relearning step due now; due dates stay.
    /// * to SM-2: a card still in an FSRS learning step becomes what SM-2
    ///   makes of a failed card: due the next day, with a same-day repeat
    ///   pending when the step ends today.
    pub fn switch_scheduler(
        &mut self,
        to: SchedulerKind,
        today: Day,
        now_ms: i64,
    ) -> Result<Switched> {
        let mut cfg = *self.config();
        let from = cfg.scheduler;
        cfg.scheduler = to;
        let mut done = Switched::default();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        if from != to {
            match to {
                SchedulerKind::Fsrs => {
                    let fsrs = Fsrs::new(
                        &load_params(&tx)?,
                        cfg.fsrs_settings(),
                        cfg.scheduler_settings(),
                        now_ms,
                    )
                    .map_err(|e| Error::BadValue(format!("FSRS parameters: {e}")))?;
                    let (a, b) = recompute_memory(&tx, &fsrs)?;
                    done.from_log = a;
                    done.from_sm2 = b;
                    done.steps_ended = tx.execute(
                        "UPDATE cards SET step = 0, step_due_ms = ?2, due = ?1, repeat_on = NULL
                         WHERE repeat_on = ?1",
                        params![today, now_ms],
                    )? as u32;
                    tx.execute(
                        "UPDATE cards SET repeat_on = NULL WHERE repeat_on IS NOT NULL",
                        [],
                    )?;
                }
                SchedulerKind::Sm2 => {
                    done.steps_ended = tx.execute(
                        "UPDATE cards SET
                           repeat_on = CASE WHEN due >= ?1 THEN ?1 END,
                           due = CASE WHEN due >= ?1 THEN ?1 + 1 ELSE due END,
                           interval = max(interval, 1),
                           step = NULL, step_due_ms = NULL
                         WHERE step IS NOT NULL",
                        [today],
                    )? as u32;
                }
            }
        }
        super::store_setting(&tx, "scheduler", to.as_str(), now_ms)?;
        tx.commit()?;
        self.config = cfg;
        Ok(done)
    }

    /// The scheduling state of every live reviewed card with an FSRS memory
    /// state (for `py201 stats`).
    pub fn memory_states(&self, deck: Option<i64>) -> Result<Vec<crate::scheduler::CardState>> {
        let mut stmt = self.conn.prepare_cached(concat!(
            "SELECT ",
            super::cards::state_columns!(),
            " FROM cards c
             WHERE retired = 0 AND suspended = 0 AND due IS NOT NULL AND stability IS NOT NULL
               AND (?1 IS NULL OR deck_id = ?1)"
        ))?;
        let rows = stmt
            .query_map([deck], super::cards::row_to_state)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Stores fitted parameters and recomputes every memory state with them.
    pub fn store_fsrs_params(&mut self, params: &[f32], now_ms: i64) -> Result<()> {
        let text: Vec<String> = params.iter().map(|p| format!("{p}")).collect();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        super::store_setting(&tx, PARAMS_KEY, &text.join(" "), now_ms)?;
        if self.config.scheduler == SchedulerKind::Fsrs {
            let cfg = self.config;
            let fsrs = Fsrs::new(
                params,
                cfg.fsrs_settings(),
                cfg.scheduler_settings(),
                now_ms,
            )
            .map_err(|e| Error::BadValue(format!("FSRS parameters: {e}")))?;
            recompute_memory(&tx, &fsrs)?;
        }
        tx.commit()?;
        Ok(())
    }
}

/// The stored parameters; a missing or damaged value gives the crate's
/// defaults rather than blocking reviews.
pub(crate) fn load_params(conn: &Connection) -> Result<Vec<f32>> {
    let col_params: Option<String> = conn
        .prepare_cached("SELECT value FROM config WHERE key = ?1")?
        .query_row([PARAMS_KEY], |r| r.get("value"))
        .optional()?;
    let parsed: Option<Vec<f32>> = col_params.and_then(|t| {
        t.split_whitespace()
            .map(|v| v.parse::<f32>().ok().filter(|x| x.is_finite()))
            .collect()
    });
    Ok(match parsed {
        Some(p) if p.len() == 21 && ::fsrs::FSRS::new(&p).is_ok() => p,
        _ => ::fsrs::DEFAULT_PARAMETERS.to_vec(),
    })
}

/// The log columns a history is built from, in the order [`row_to_answer`]
/// and [`row_to_start`] read them.
const HISTORY_COLUMNS: &str =
    "r.card_id, r.day, r.grade, r.due_before, r.interval_before, r.ease_before";

/// A row of [`HISTORY_COLUMNS`]: the card and its answer. By position,
/// beside the list that fixes it: this runs once per logged answer, a
/// million rows in a long-used collection, where a lookup by name compares
/// column names on each one.
fn row_to_answer(r: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, Answer)> {
    let card_id: i64 = r.get(0)?;
    let day: Day = r.get(1)?;
    let grade = Grade::try_from(r.get::<_, u8>(2)?).unwrap_or(Grade::ALL[0]);
    Ok((card_id, Answer { day, grade }))
}

/// A row of [`HISTORY_COLUMNS`]: the card's SM-2 state before the answer,
/// when it was not new then. Read for a card's first answer only.
fn row_to_start(r: &rusqlite::Row<'_>) -> rusqlite::Result<Option<Start>> {
    let due_before: Option<Day> = r.get(3)?;
    let interval: u32 = r.get(4)?;
    let ease: u16 = r.get(5)?;
    Ok(due_before.map(|d| Start {
        ease: Ease(ease),
        interval,
        last_day: d.saturating_sub(interval as Day),
    }))
}

/// Every card's review log (cards with at least one answer), in card order.
fn histories(conn: &Connection, deck: Option<i64>) -> Result<Vec<CardHistory>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {HISTORY_COLUMNS}
             FROM revlog r JOIN cards c ON c.id = r.card_id
             WHERE ?1 IS NULL OR c.deck_id = ?1
             ORDER BY r.card_id, r.id"
    ))?;
    let mut rows = stmt.query([deck])?;
    let mut out: Vec<CardHistory> = Vec::new();
    while let Some(r) = rows.next()? {
        let (card_id, answer) = row_to_answer(r)?;
        match out.last_mut() {
            Some(h) if h.card_id == card_id => h.answers.push(answer),
            _ => out.push(CardHistory {
                card_id,
                answers: vec![answer],
                start: row_to_start(r)?,
            }),
        }
    }
    Ok(out)
}

/// Sets every reviewed card's memory state from its log (or from its
/// SM-2 ease and interval when it has none), in one transaction.
fn recompute_memory(conn: &Connection, fsrs: &Fsrs) -> Result<(u32, u32)> {
    let histories = histories(conn, None)?;
    let model = fsrs.model();
    let mut set =
        conn.prepare_cached("UPDATE cards SET stability = ?2, difficulty = ?3 WHERE id = ?1")?;
    let mut from_log = 0;
    for h in &histories {
        let m = fs::memory_from_history(model, &h.answers, h.start);
        set.execute(params![
            h.card_id,
            m.map(|m| m.stability),
            m.map(|m| m.difficulty)
        ])?;
        from_log += 1;
    }
    // Reviewed cards with no log (progress imported without one).
    let mut no_log = conn.prepare_cached(
        "SELECT id, ease, interval FROM cards c WHERE due IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM revlog r WHERE r.card_id = c.id)",
    )?;
    let rows: Vec<(i64, u16, u32)> = no_log
        .query_map([], |r| {
            Ok((r.get("id")?, r.get("ease")?, r.get("interval")?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    for (id, ease, interval) in &rows {
        let m: Option<Memory> = fs::from_sm2(model, Ease(*ease), *interval);
        set.execute(params![id, m.map(|m| m.stability), m.map(|m| m.difficulty)])?;
    }
    conn.execute(
        "UPDATE cards SET stability = NULL, difficulty = NULL WHERE due IS NULL",
        [],
    )?;
    Ok((from_log, rows.len() as u32))
}
