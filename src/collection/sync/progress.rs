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
use crate::collection::dump::{RevlogRow, review_values};
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

/// The columns of a log row an import writes, in the order
/// [`bind_answer`] binds them.
const ANSWER_COLUMNS: &str = "card_id, time_ms, day, grade, is_repeat, taken_ms,
    reps_before, reps_after, interval_before, interval_after, ease_before, ease_after,
    due_before, due_after, lapses_before, lapses_after, repeat_on_before, repeat_on_after,
    stability_before, stability_after, difficulty_before, difficulty_after,
    step_before, step_after, step_due_ms_before, step_due_ms_after";
const ANSWER_PARAMS: usize = 26;

/// How many answers one statement inserts: a statement per answer spent
/// most of a million-answer import stepping the VM and binding (as one per
/// card did for cards; see `DeckSync::flush`).
const ANSWER_BATCH: usize = 64;

/// The statement inserting `n` answers. OR FAIL, as the sync's own
/// writes: a failure fails the whole import, which is rolled back, so a
/// statement needs no journal of its own.
fn insert_answers_sql(n: usize) -> String {
    let row = format!("({})", vec!["?"; ANSWER_PARAMS].join(", "));
    format!(
        "INSERT OR FAIL INTO revlog ({ANSWER_COLUMNS}) VALUES {}",
        vec![row; n].join(", ")
    )
}

const SET_STATE: &str = "UPDATE OR FAIL cards SET reps = ?2, interval = ?3, ease = ?4, due = ?5,
    lapses = ?6, repeat_on = NULL, suspended = ?7, buried_until = ?8, stability = ?9,
    difficulty = ?10, step = NULL, step_due_ms = NULL WHERE id = ?1";

/// The page cache, in KiB, while an import writes its answers (see
/// [`DeckSync::begin_progress`]).
const BULK_CACHE_KIB: i64 = 20_000;

/// The triggers an import's progress does without: the daily summaries
/// are added to once from all its answers, and the synced decks' counts
/// made again from their cards, instead of a trigger run per answer and
/// per card (a million-answer import spent most of its time in them).
/// The log rows a device sync is to send are noted once too: its trigger,
/// though it does nothing in a collection that does not sync, cost 3 s of
/// a million-answer import.
const BULK_TRIGGERS: [&str; 4] = [
    "revlog_days_insert",
    "deck_counts_update",
    "deck_values_update",
    "sync_log_added",
];

/// What `sync_log_added` would have noted of the answers written since a
/// row id (schema 11): all of them, once the collection syncs.
fn note_for_sync(since: i64) -> String {
    format!(
        "INSERT OR IGNORE INTO sync_log_changes SELECT id FROM revlog
         WHERE id > {since} AND EXISTS (SELECT 1 FROM sync_devices WHERE self = 1)"
    )
}

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

/// `deck_counts` and `deck_values` of the decks `ids` made again from
/// their cards (the statements `doctor` rebuilds them with, limited to
/// those decks: their cards are read through `cards_state`, which begins
/// with the deck).
fn recount(ids: &str) -> String {
    use crate::collection::counts::{COUNTS_FROM_CARDS, VALUES_FROM_CARDS};
    let counts = COUNTS_FROM_CARDS.replace(
        "FROM cards GROUP BY",
        &format!("FROM cards WHERE deck_id IN ({ids}) GROUP BY"),
    );
    let values = VALUES_FROM_CARDS.replace(
        "WHERE retired = 0",
        &format!("WHERE deck_id IN ({ids}) AND retired = 0"),
    );
    format!(
        "DELETE FROM deck_counts WHERE deck_id IN ({ids}); INSERT INTO deck_counts {counts};
         DELETE FROM deck_values WHERE deck_id IN ({ids}); INSERT INTO deck_values {values};"
    )
}

/// The bulk writing of an import's answers: begun by
/// [`DeckSync::begin_progress`], ended by [`DeckSync::end_progress`].
#[derive(Debug)]
pub struct Bulk {
    /// The last log row before the import's.
    since: i64,
    /// The collection's `cache_size` before, set again at the end.
    cache: i64,
    /// The triggers of [`BULK_TRIGGERS`] as stored, made again at the end.
    triggers: Vec<String>,
    /// Answers not yet written: (card row, answer).
    answers: Vec<(i64, RevlogRow)>,
}

impl DeckSync<'_> {
    /// Before an import's answers are written: the triggers of
    /// [`BULK_TRIGGERS`] dropped, their work done once at the end. Dropping
    /// them is part of the import's transaction: rolled back with it.
    pub fn begin_progress(&mut self) -> Result<Bulk> {
        let since: i64 = self
            .tx
            .query_row("SELECT coalesce(max(id), 0) FROM revlog", [], |r| r.get(0))?;
        let mut triggers = Vec::with_capacity(BULK_TRIGGERS.len());
        for name in BULK_TRIGGERS {
            let sql: String = self.tx.query_row(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?1",
                [name],
                |r| r.get(0),
            )?;
            self.tx.execute_batch(&format!("DROP TRIGGER {name}"))?;
            triggers.push(sql);
        }
        // The answers go into the log's index by day in random order: a
        // cache of the default 2 MB spilt pages to the file and read them
        // back again and again (a sixth of the time of a million answers).
        let cache: i64 = self.tx.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
        self.tx
            .execute_batch(&format!("PRAGMA cache_size = -{BULK_CACHE_KIB}"))?;
        Ok(Bulk {
            since,
            cache,
            triggers,
            answers: Vec::with_capacity(ANSWER_BATCH),
        })
    }

    /// After an import's answers: the last ones written, their days'
    /// totals added, the synced decks counted again, the triggers back.
    pub fn end_progress(&mut self, mut bulk: Bulk) -> Result<()> {
        self.flush_answers(&mut bulk)?;
        self.tx.execute_batch(&add_to_summaries(bulk.since))?;
        self.tx.execute_batch(&note_for_sync(bulk.since))?;
        let ids: Vec<String> = self.decks.iter().map(|d| d.id.to_string()).collect();
        if !ids.is_empty() {
            self.tx.execute_batch(&recount(&ids.join(", ")))?;
        }
        for sql in &bulk.triggers {
            self.tx.execute_batch(sql)?;
        }
        self.tx
            .execute_batch(&format!("PRAGMA cache_size = {}", bulk.cache))?;
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
    /// cards stay buried until tomorrow. The answers are written in
    /// batches (see [`Bulk`]); those of a card given again are written
    /// before it is looked at.
    pub fn apply_progress(
        &mut self,
        bulk: &mut Bulk,
        p: &CardProgress,
        today: Day,
    ) -> Result<ProgressReport> {
        let mut report = ProgressReport::default();
        let card: Option<i64> = self
            .tx
            .prepare_cached("SELECT id FROM cards WHERE uid = ?1 AND retired = 0")?
            .query_row([&p.uid], |r| r.get(0))
            .ok();
        let Some(card) = card else {
            return Ok(report);
        };
        if bulk.answers.iter().any(|(c, _)| *c == card) {
            self.flush_answers(bulk)?;
        }
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
            if ours.is_none() || !self.known(card, row, last_row)? {
                bulk.answers.push((card, row.clone()));
                if bulk.answers.len() == ANSWER_BATCH {
                    self.flush_answers(bulk)?;
                }
                report.reviews += 1;
            }
        }
        if self.takes_state(card, p, ours)? {
            self.set_state(card, &p.state, today)?;
            report.scheduled += 1;
        }
        Ok(report)
    }

    /// Whether the card takes `p`'s state: when `p`'s last answer is later
    /// than the card's latest logged here (`ours`).
    fn takes_state(&mut self, card: i64, p: &CardProgress, ours: Option<i64>) -> Result<bool> {
        let theirs = p.log.last().map(|r| r.time_ms);
        Ok(match (theirs, ours) {
            (Some(t), Some(o)) => t > o,
            (Some(_), None) => true,
            // No answers on either side: a suspension or burial still counts.
            (None, None) => self.flags_differ(card, &p.state)?,
            (None, Some(_)) => false,
        })
    }

    /// Whether the card's log already holds `row`: the same grade within
    /// a second, among the rows up to `before`, those logged before this
    /// card's answers (two answers in this file are two answers, however
    /// close).
    fn known(&mut self, card: i64, row: &RevlogRow, before: i64) -> Result<bool> {
        Ok(self
            .tx
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM revlog WHERE card_id = ?1 AND grade = ?3
                   AND time_ms BETWEEN ?2 - 999 AND ?2 + 999 AND id <= ?4)",
            )?
            .query_row(params![card, row.time_ms, row.grade, before], |r| r.get(0))?)
    }

    /// Whether the card's suspension or burial differs from the imported one.
    fn flags_differ(&mut self, card: i64, s: &ImportedState) -> Result<bool> {
        let (suspended, buried): (bool, bool) = self
            .tx
            .prepare_cached("SELECT suspended, buried_until IS NOT NULL FROM cards WHERE id = ?1")?
            .query_row([card], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok((suspended, buried) != (s.suspended, s.buried))
    }

    /// Writes the answers `bulk` holds, with one statement.
    fn flush_answers(&mut self, bulk: &mut Bulk) -> Result<()> {
        if bulk.answers.is_empty() {
            return Ok(());
        }
        let mut st = self
            .tx
            .prepare_cached(&insert_answers_sql(bulk.answers.len()))?;
        for (i, (card, r)) in bulk.answers.iter().enumerate() {
            bind_answer(&mut st, i * ANSWER_PARAMS, *card, r)?;
        }
        st.raw_execute()?;
        bulk.answers.clear();
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

/// Binds answer `r` of `card` as the parameters after `at`, in the order
/// of [`ANSWER_COLUMNS`].
fn bind_answer(
    st: &mut rusqlite::CachedStatement<'_>,
    at: usize,
    card: i64,
    r: &RevlogRow,
) -> rusqlite::Result<()> {
    st.raw_bind_parameter(at + 1, card)?;
    // A backup row's values after its own id and card id: the same order.
    for (k, v) in review_values(r)[2..].iter().enumerate() {
        st.raw_bind_parameter(at + k + 2, v)?;
    }
    Ok(())
}
