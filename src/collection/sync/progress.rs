//! Scheduling and review history brought with imported cards (an Anki
//! package's), written in the import's transaction after its cards. The
//! review log is the record: every answer not already logged is added
//! (an answer is the same one when its card and grade match and it was
//! given within the same second: Anki keys answers by millisecond, and a
//! package moves answers given in the same millisecond a few apart), and a card
//! takes the imported state only when the imported log's last answer is
//! later than its own, so reviews done in py201 meanwhile are kept.

mod answers;
mod counts;

use super::{DeckSync, set_aside};
use crate::clock::Day;
use crate::collection::dump::RevlogRow;
use crate::error::Result;
use answers::{
    ADD_TOTALS, ANSWER_BATCH, ANSWER_PARAMS, LEAN_PARAMS, Totals, answer_kind, batch_sql,
    bind_answer, is_lean,
};
use counts::{CountChanges, Counted};
use rusqlite::{OptionalExtension, params};
use std::collections::HashMap;

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

/// The card of the collection an imported card's progress is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub card: i64,
    pub deck: i64,
    /// The time of its latest answer logged here before the import (none:
    /// no answers, so none of the imported ones can be known already).
    pub ours: Option<i64>,
    /// Its state as its deck's counts have it, before the import's.
    was: Counted,
}

/// What the progress of an import changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProgressReport {
    pub reviews: u32,
    pub scheduled: u32,
}

const SET_STATE: &str = "UPDATE OR FAIL cards SET reps = ?2, interval = ?3, ease = ?4, due = ?5,
    lapses = ?6, repeat_on = NULL, suspended = ?7, buried_until = ?8, stability = ?9,
    difficulty = ?10, step = NULL, step_due_ms = NULL WHERE id = ?1";

/// The page cache, in KiB, while an import writes its answers (see
/// [`DeckSync::progress`]).
const BULK_CACHE_KIB: i64 = 20_000;

/// The triggers an import's progress does without: the daily summaries
/// are added to once from all its answers, and the decks' counts once
/// from what the states given changed, instead of a trigger run per
/// answer and per card (a million-answer import spent most of its time in
/// them).
/// The log rows a device sync is to send are noted once too: its trigger,
/// though it does nothing in a collection that does not sync, cost 3 s of
/// a million-answer import.
const BULK_TRIGGERS: [&str; 4] = [
    "revlog_days_insert",
    "deck_counts_update",
    "deck_values_update",
    "sync_log_added",
];

/// The threads SQLite may start to sort with while the indexes set aside
/// are made again, beside the import's own (two helpers were no faster on
/// two cores).
const SORT_THREADS: u8 = 1;

/// The log's indexes, which an import into a log of few rows (see
/// [`LOG_IN_MEMORY`]) makes after its answers instead of keeping them in
/// step with each (see [`DeckSync::progress`]).
const LOG_INDEXES: [&str; 2] = ["revlog_card", "revlog_day"];

/// The card indexes an imported state moves a card in (out of `cards_new`,
/// into the others), which an import that brought most of the
/// collection's cards makes again after the states instead of keeping
/// them in step with each (see [`DeckSync::progress`]).
const STATE_INDEXES: [&str; 4] = ["cards_new", "cards_due", "cards_state", "cards_hardest"];

/// A log of up to this many rows is held in memory while an import writes
/// its answers (about 3 MB), so that the log's indexes can be set aside
/// when the learner has answered cards already too, not only into an
/// empty log.
const LOG_IN_MEMORY: i64 = 100_000;

/// The answers logged before an import, by card: (time, grade).
type Logged = HashMap<i64, Vec<(i64, i64)>>;

/// What `sync_log_added` would have noted of the answers written since
/// row id `since` (schema 11): all of them, once the collection syncs.
/// Asked first, not in the statement's WHERE: SQLite would still step
/// through every answer written (a million in 0.04 s) to find none.
fn note_for_sync(tx: &rusqlite::Transaction, since: i64) -> Result<()> {
    let syncs: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM sync_devices WHERE self = 1)",
        [],
        |r| r.get(0),
    )?;
    if syncs {
        tx.execute(
            "INSERT OR IGNORE INTO sync_log_changes SELECT id FROM revlog WHERE id > ?1",
            [since],
        )?;
    }
    Ok(())
}

/// Every answer logged, by card (see [`LOG_IN_MEMORY`]).
fn read_logged(tx: &rusqlite::Transaction) -> Result<Logged> {
    let mut logged = Logged::new();
    let mut st = tx.prepare("SELECT card_id, time_ms, grade FROM revlog")?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        logged
            .entry(r.get(0)?)
            .or_default()
            .push((r.get(1)?, r.get(2)?));
    }
    Ok(logged)
}

/// The writing of an import's progress (its cards' states and answers),
/// begun by [`DeckSync::progress`] and ended by [`ProgressWriter::finish`].
///
/// An importer calls [`ProgressWriter::target`] for each of its cards (or
/// of a slice of them), then [`ProgressWriter::answer`] for each of their
/// answers in time order (the order a log is stored in, so nothing is
/// sorted), then [`ProgressWriter::state`] for each. Answers are written in
/// batches, and added to their days' totals in memory (a few rows per
/// day), not by a trigger per row nor a grouping of the whole log after.
pub struct ProgressWriter<'s, 'c> {
    sync: &'s mut DeckSync<'c>,
    today: Day,
    /// The last log row before the import.
    since: i64,
    /// The last log row before the source being read: answers logged up
    /// to it are the ones an imported answer may already be.
    before: i64,
    /// The collection's `cache_size` before, set again at the end.
    cache: i64,
    /// The triggers of [`BULK_TRIGGERS`] as stored, made again at the end.
    triggers: Vec<String>,
    /// The indexes of [`LOG_INDEXES`] as stored, when dropped: made again
    /// before a source that needs them, or at the end.
    indexes: Vec<String>,
    /// The indexes of [`STATE_INDEXES`] as stored, when dropped: made
    /// again at the end.
    card_indexes: Vec<String>,
    /// While they are dropped, the answers logged before the import (none
    /// for an empty log), which imported answers are matched against.
    logged: Option<Logged>,
    /// Answers not yet written: (card row, answer).
    answers: Vec<(i64, RevlogRow)>,
    /// The answers' totals by (day, deck, kind).
    totals: HashMap<(i64, i64, i64), Totals>,
    /// What the states given change in the decks' counts.
    counts: CountChanges,
    report: ProgressReport,
}

impl<'c> DeckSync<'c> {
    /// Writes every card given so far and counts them in `deck_counts`, so
    /// that their rows can be updated (the count triggers then follow).
    pub fn flush_all(&mut self) -> Result<()> {
        self.flush_notes()?;
        self.flush()?;
        self.count_added()
    }

    /// Before an import's progress is written: every card given so far
    /// written and counted (so their rows can be updated), and the
    /// triggers of [`BULK_TRIGGERS`] dropped, their work done once at the
    /// end. Dropping them is part of the import's transaction: rolled back
    /// with it.
    pub fn progress<'s>(&'s mut self, today: Day) -> Result<ProgressWriter<'s, 'c>> {
        self.flush_all()?;
        let since: i64 = self
            .tx
            .query_row("SELECT coalesce(max(id), 0) FROM revlog", [], |r| r.get(0))?;
        let triggers = set_aside(&self.tx, "TRIGGER", &BULK_TRIGGERS)?;
        // Giving 100,000 cards their states moved each in four indexes,
        // where making them again over the cards takes a fraction of it;
        // not worth it when the collection is mostly cards from before,
        // whose entries would be sorted again too.
        let added: u32 = self.decks.iter().map(|d| d.report.added).sum();
        // The largest card id, not a count: as large as the number of
        // cards or larger, and found without reading them.
        let cards: i64 = self
            .tx
            .query_row("SELECT coalesce(max(id), 0) FROM cards", [], |r| r.get(0))?;
        let card_indexes = if added > 0 && 2 * i64::from(added) >= cards {
            set_aside(&self.tx, "INDEX", &STATE_INDEXES)?
        } else {
            vec![]
        };
        let cache: i64 = self.tx.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
        // Imported answers come in time order, so a card's go into the
        // log's index by card at random places: a million answers 2.4 s of
        // B-tree inserts even with the larger cache below, where sorting
        // them into a new index once after takes 0.5 s. Imported answers
        // are matched against those logged before, read into memory for
        // it when there are few (row ids count them from above).
        let (indexes, logged) = if since <= LOG_IN_MEMORY {
            let logged = if since > 0 {
                Some(read_logged(&self.tx)?)
            } else {
                None
            };
            (set_aside(&self.tx, "INDEX", &LOG_INDEXES)?, logged)
        } else {
            // Then the answers of a card go into the log's index by card
            // wherever the card's earlier answers are: a cache of the
            // default 2 MB spilt pages to the file and read them back again
            // and again.
            self.tx
                .execute_batch(&format!("PRAGMA cache_size = -{BULK_CACHE_KIB}"))?;
            (vec![], None)
        };
        Ok(ProgressWriter {
            sync: self,
            today,
            since,
            before: since,
            cache,
            triggers,
            indexes,
            card_indexes,
            logged,
            answers: Vec::with_capacity(ANSWER_BATCH),
            totals: HashMap::new(),
            counts: CountChanges::default(),
            report: ProgressReport::default(),
        })
    }
}

impl ProgressWriter<'_, '_> {
    /// Before each source: its answers are matched against everything
    /// logged before it, the sources before it included.
    pub fn next_source(&mut self) -> Result<()> {
        self.flush_answers()?;
        self.before =
            self.sync
                .tx
                .query_row("SELECT coalesce(max(id), 0) FROM revlog", [], |r| r.get(0))?;
        // An earlier source of this import wrote answers, which this one's
        // are matched against too: through the log's indexes.
        if self.before > self.since {
            self.make_indexes()?;
        }
        Ok(())
    }

    /// The log's indexes made again, if they were dropped; matching goes
    /// through them from then on.
    fn make_indexes(&mut self) -> Result<()> {
        self.logged = None;
        for sql in std::mem::take(&mut self.indexes) {
            self.sync.tx.execute_batch(&sql)?;
        }
        Ok(())
    }

    /// The card whose uid is `uid`, if the collection has it (live).
    pub fn target(&mut self, uid: &str) -> Result<Option<Target>> {
        let Some((card, deck, was)) = self
            .sync
            .tx
            .prepare_cached(
                "SELECT id, deck_id, suspended, due, interval, ease FROM cards
                 WHERE uid = ?1 AND retired = 0",
            )?
            .query_row([uid], |r| {
                let was = Counted {
                    suspended: r.get(2)?,
                    due: r.get(3)?,
                    interval: r.get(4)?,
                    ease: r.get(5)?,
                };
                Ok((r.get(0)?, r.get(1)?, was))
            })
            .optional()?
        else {
            return Ok(None);
        };
        // Into a collection with no answers yet (the usual first import),
        // no card has a latest one: 100,000 look-ups saved.
        let ours = if self.before == 0 {
            None
        } else {
            self.latest(card)?
        };
        Ok(Some(Target {
            card,
            deck,
            ours,
            was,
        }))
    }

    /// The time of the card's latest answer logged before this source.
    fn latest(&self, card: i64) -> Result<Option<i64>> {
        if let Some(logged) = &self.logged {
            return Ok(logged
                .get(&card)
                .and_then(|a| a.iter().map(|&(time, _)| time).max()));
        }
        Ok(self
            .sync
            .tx
            .prepare_cached(
                "SELECT time_ms FROM revlog WHERE card_id = ?1 ORDER BY time_ms DESC LIMIT 1",
            )?
            .query_row([card], |r| r.get(0))
            .optional()?)
    }

    /// One imported answer of `t`'s card, given in time order: written
    /// unless the card's log already holds it.
    pub fn answer(&mut self, t: &Target, row: RevlogRow) -> Result<()> {
        if t.ours.is_some() && self.known(t.card, &row)? {
            return Ok(());
        }
        let totals = self
            .totals
            .entry((row.day, t.deck, answer_kind(&row)))
            .or_default();
        if let Some(g) = usize::try_from(row.grade).ok().filter(|g| *g < 6) {
            totals[g] += 1;
        }
        totals[6] += row.taken_ms;
        self.answers.push((t.card, row));
        if self.answers.len() == ANSWER_BATCH {
            self.flush_answers()?;
        }
        self.report.reviews += 1;
        Ok(())
    }

    /// Gives `t`'s card the imported state `s` if the imported log's last
    /// answer (`theirs`) is later than its own, so reviews done here
    /// meanwhile are kept. `today`: buried cards stay buried until
    /// tomorrow.
    pub fn state(&mut self, t: &Target, theirs: Option<i64>, s: &ImportedState) -> Result<()> {
        let takes = match (theirs, t.ours) {
            (Some(t), Some(o)) => t > o,
            (Some(_), None) => true,
            // No answers on either side: a suspension or burial still counts.
            (None, None) => self.flags_differ(t.card, s)?,
            (None, Some(_)) => false,
        };
        if takes {
            self.set_state(t, s)?;
            self.report.scheduled += 1;
        }
        Ok(())
    }

    /// After an import's progress: the last answers written, their days'
    /// totals and the states' counts added, the triggers back.
    pub fn finish(mut self) -> Result<ProgressReport> {
        self.flush_answers()?;
        // The indexes set aside are made by sorting every entry, and a
        // sort too large for memory is cut into runs SQLite can sort on
        // a second thread while the first reads on: the log's two indexes
        // over a million answers 0.09 s sooner (see docs/performance.md).
        self.sync
            .tx
            .execute_batch(&format!("PRAGMA threads = {SORT_THREADS}"))?;
        self.make_indexes()?;
        let tx = &self.sync.tx;
        let mut add = tx.prepare(ADD_TOTALS)?;
        for ((day, deck, kind), g) in &self.totals {
            add.execute(params![
                day, deck, kind, g[0], g[1], g[2], g[3], g[4], g[5], g[6]
            ])?;
        }
        drop(add);
        note_for_sync(tx, self.since)?;
        self.counts.add_to(tx)?;
        for sql in self.triggers.iter().chain(&self.card_indexes) {
            tx.execute_batch(sql)?;
        }
        tx.execute_batch(&format!(
            "PRAGMA cache_size = {}; PRAGMA threads = 0",
            self.cache
        ))?;
        Ok(self.report)
    }

    /// Whether the card's log already holds `row`: the same grade within
    /// a second, among the rows logged before this source (two answers in
    /// one file are two answers, however close).
    fn known(&mut self, card: i64, row: &RevlogRow) -> Result<bool> {
        if let Some(logged) = &self.logged {
            return Ok(logged.get(&card).is_some_and(|a| {
                a.iter()
                    .any(|&(time, grade)| grade == row.grade && (time - row.time_ms).abs() <= 999)
            }));
        }
        Ok(self
            .sync
            .tx
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM revlog WHERE card_id = ?1 AND grade = ?3
                   AND time_ms BETWEEN ?2 - 999 AND ?2 + 999 AND id <= ?4)",
            )?
            .query_row(params![card, row.time_ms, row.grade, self.before], |r| {
                r.get(0)
            })?)
    }

    /// Whether the card's suspension or burial differs from the imported one.
    fn flags_differ(&mut self, card: i64, s: &ImportedState) -> Result<bool> {
        let (suspended, buried): (bool, bool) = self
            .sync
            .tx
            .prepare_cached("SELECT suspended, buried_until IS NOT NULL FROM cards WHERE id = ?1")?
            .query_row([card], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok((suspended, buried) != (s.suspended, s.buried))
    }

    /// Writes the answers held, with one statement.
    fn flush_answers(&mut self) -> Result<()> {
        if self.answers.is_empty() {
            return Ok(());
        }
        let lean = self.answers.iter().all(|(_, r)| is_lean(r));
        let per = if lean { LEAN_PARAMS } else { ANSWER_PARAMS };
        let mut st = self
            .sync
            .tx
            .prepare_cached(&batch_sql(self.answers.len(), per))?;
        for (i, (card, r)) in self.answers.iter().enumerate() {
            bind_answer(&mut st, i * per, per, *card, r)?;
        }
        st.raw_execute()?;
        drop(st);
        self.answers.clear();
        Ok(())
    }

    fn set_state(&mut self, t: &Target, s: &ImportedState) -> Result<()> {
        self.sync.tx.prepare_cached(SET_STATE)?.execute(params![
            t.card,
            s.reps,
            s.interval,
            s.ease,
            s.due,
            s.lapses,
            s.suspended,
            s.buried.then_some(self.today + 1),
            s.memory.map(|m| m.0),
            s.memory.map(|m| m.1),
        ])?;
        let now = Counted {
            suspended: s.suspended,
            due: s.due.map(i64::from),
            interval: i64::from(s.interval),
            ease: i64::from(s.ease),
        };
        self.counts.moved(t.deck, &t.was, &now);
        Ok(())
    }
}
