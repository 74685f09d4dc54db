//! Scheduling and review history brought with imported cards (an Anki
//! package's), written in the import's transaction after its cards. The
//! review log is the record: every answer not already logged is added
//! (an answer is the same one when its card and grade match and it was
//! given within the same second: Anki keys answers by millisecond, and a
//! package moves answers given in the same millisecond a few apart), and a card
//! takes the imported state only when the imported log's last answer is
//! later than its own, so reviews done in py201 meanwhile are kept.

use super::DeckSync;
use crate::clock::Day;
use crate::collection::dump::RevlogRow;
use crate::error::Result;
use rusqlite::params;

/// A card's scheduling state as imported; `due: None` is a new card.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportedState {
    pub reps: u32,
    pub interval: u32,
    pub ease: u16,
    pub due: Option<Day>,
    pub lapses: u32,
    pub suspended: bool,
    pub buried: bool,
    /// FSRS memory: stability (days), difficulty.
    pub memory: Option<(f64, f64)>,
}

/// One imported card's progress: which card (by uid), its state, its log
/// in time order (`id` and `card_id` are set when written).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CardProgress {
    pub uid: String,
    pub state: ImportedState,
    pub log: Vec<RevlogRow>,
}

/// What the progress of an import changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProgressReport {
    pub reviews: u32,
    pub scheduled: u32,
}

// OR FAIL, as the sync's own writes: a failure fails the whole import,
// which is rolled back, so a statement needs no journal of its own (with
// ABORT, SQLite copies every page a statement and its triggers touch).
const INSERT_ANSWER: &str =
    "INSERT OR FAIL INTO revlog (card_id, time_ms, day, grade, is_repeat, taken_ms,
    reps_before, reps_after, interval_before, interval_after, ease_before, ease_after,
    due_before, due_after, lapses_before, lapses_after, repeat_on_before, repeat_on_after,
    stability_before, stability_after, difficulty_before, difficulty_after,
    step_before, step_after, step_due_ms_before, step_due_ms_after)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
            ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26)";

const SET_STATE: &str = "UPDATE OR FAIL cards SET reps = ?2, interval = ?3, ease = ?4, due = ?5,
    lapses = ?6, repeat_on = NULL, suspended = ?7, buried_until = ?8, stability = ?9,
    difficulty = ?10, step = NULL, step_due_ms = NULL WHERE id = ?1";

/// Where the log's answers are added to their days' totals: the summary
/// trigger's own statement, for the answers written since a row id.
fn add_to_summaries(since: i64) -> String {
    let from_log = crate::collection::doctor::SUMMARY_FROM_LOG
        .replace("WHERE true", &format!("WHERE r.id > {since}"));
    format!(
        "INSERT INTO revlog_days {from_log} ON CONFLICT (day, deck_id, kind) DO UPDATE SET
           g0 = g0 + excluded.g0, g1 = g1 + excluded.g1, g2 = g2 + excluded.g2,
           g3 = g3 + excluded.g3, g4 = g4 + excluded.g4, g5 = g5 + excluded.g5,
           time_ms = time_ms + excluded.time_ms"
    )
}

/// The bulk writing of an import's answers: begun by
/// [`DeckSync::begin_progress`], ended by [`DeckSync::end_progress`].
#[derive(Debug)]
pub struct Bulk {
    /// The last log row before the import's.
    since: i64,
    /// `revlog_days_insert` as stored, made again at the end.
    trigger: String,
}

impl DeckSync<'_> {
    /// Before an import's answers are written: the daily summaries are then
    /// added to once, from all of them, instead of by a trigger per answer
    /// (most of a million-answer import's time). Dropping the trigger is
    /// part of the import's transaction: rolled back with it.
    pub fn begin_progress(&mut self) -> Result<Bulk> {
        let since: i64 = self
            .tx
            .query_row("SELECT coalesce(max(id), 0) FROM revlog", [], |r| r.get(0))?;
        let trigger: String = self.tx.query_row(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'revlog_days_insert'",
            [],
            |r| r.get(0),
        )?;
        self.tx.execute_batch("DROP TRIGGER revlog_days_insert")?;
        Ok(Bulk { since, trigger })
    }

    /// After an import's answers: their days' totals added, the trigger back.
    pub fn end_progress(&mut self, bulk: Bulk) -> Result<()> {
        self.tx.execute_batch(&add_to_summaries(bulk.since))?;
        self.tx.execute_batch(&bulk.trigger)?;
        Ok(())
    }

    /// Writes every card given so far and counts them in `deck_counts`, so
    /// that their rows can be updated (the count triggers then follow).
    pub fn flush_all(&mut self) -> Result<()> {
        self.flush_notes()?;
        self.flush()?;
        self.count_added()
    }

    /// Adds `p`'s answers that the card's log lacks, and gives the card
    /// `p`'s state if `p`'s last answer is its latest. `today`: buried
    /// cards stay buried until tomorrow.
    pub fn apply_progress(&mut self, p: &CardProgress, today: Day) -> Result<ProgressReport> {
        let mut report = ProgressReport::default();
        let card: Option<i64> = self
            .tx
            .prepare_cached("SELECT id FROM cards WHERE uid = ?1 AND retired = 0")?
            .query_row([&p.uid], |r| r.get(0))
            .ok();
        let Some(card) = card else {
            return Ok(report);
        };
        let (ours, last_row): (Option<i64>, i64) = self
            .tx
            .prepare_cached(
                "SELECT (SELECT max(time_ms) FROM revlog WHERE card_id = ?1),
                        (SELECT coalesce(max(id), 0) FROM revlog)",
            )?
            .query_row([card], |r| Ok((r.get(0)?, r.get(1)?)))?;
        for row in &p.log {
            // A card with no answers logged here has none to match (the
            // whole log of a first import: no lookup per answer).
            let known: bool = ours.is_some()
                && self
                    .tx
                    .prepare_cached(
                        // Only rows logged before: two answers in this file are
                        // two answers, however close.
                        "SELECT EXISTS (SELECT 1 FROM revlog WHERE card_id = ?1 AND grade = ?3
                       AND time_ms BETWEEN ?2 - 999 AND ?2 + 999 AND id <= ?4)",
                    )?
                    .query_row(params![card, row.time_ms, row.grade, last_row], |r| {
                        r.get(0)
                    })?;
            if !known {
                self.insert_answer(card, row)?;
                report.reviews += 1;
            }
        }
        let theirs = p.log.last().map(|r| r.time_ms);
        let take = match (theirs, ours) {
            (Some(t), Some(o)) => t > o,
            (Some(_), None) => true,
            // No answers on either side: a suspension or burial still counts.
            (None, None) => self.flags_differ(card, &p.state)?,
            (None, Some(_)) => false,
        };
        if take {
            self.set_state(card, &p.state, today)?;
            report.scheduled += 1;
        }
        Ok(report)
    }

    /// Whether the card's suspension or burial differs from the imported one.
    fn flags_differ(&mut self, card: i64, s: &ImportedState) -> Result<bool> {
        let (suspended, buried): (bool, bool) = self
            .tx
            .prepare_cached("SELECT suspended, buried_until IS NOT NULL FROM cards WHERE id = ?1")?
            .query_row([card], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok((suspended, buried) != (s.suspended, s.buried))
    }

    fn insert_answer(&mut self, card: i64, r: &RevlogRow) -> Result<()> {
        self.tx.prepare_cached(INSERT_ANSWER)?.execute(params![
            card,
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
            r.step_due_ms_after,
        ])?;
        Ok(())
    }

    fn set_state(&mut self, card: i64, s: &ImportedState, today: Day) -> Result<()> {
        self.tx.prepare_cached(SET_STATE)?.execute(params![
            card,
            s.reps,
            s.interval,
            s.ease,
            s.due,
            s.lapses,
            s.suspended,
            s.buried.then_some(today + 1),
            s.memory.map(|m| m.0),
            s.memory.map(|m| m.1),
        ])?;
        Ok(())
    }
}
