//! What Anki knew about each card: its scheduling state and its review
//! log, read from a package's collection and put in py201's terms.
//!
//! * Grades: Anki's Again, Hard, Good, Easy are py201's 1, 3, 4, 5 (the
//!   reverse of the export's 0-2, 3, 4, 5 -> Again, Hard, Good, Easy).
//! * The log: each answer (not Anki's manual reschedules, `ease` 0) is one
//!   row at its own time; a card's first answer is its first view, learning
//!   and relearning steps after it are same-day repeats, review answers are
//!   reviews. Intervals are Anki's (learning steps, kept in seconds, are 0
//!   days); EF is Anki's ease factor.
//! * The state: review cards are due on Anki's due date (days from the
//!   collection's creation day) with its interval and ease; cards in
//!   (re)learning are due the day their step ends, with an interval of at
//!   least a day; SM-2's n is the run of passing answers since the last
//!   lapse; suspended and buried cards stay so; FSRS memory (`s`, `d` in
//!   the card's data) is kept.

use super::{Package, note_id, schema};
use crate::clock::{Day, study_day};
use crate::collection::dump::RevlogRow;
use crate::collection::sync::progress::{ImportedState, ProgressWriter, Target};
use crate::error::Result;
use chrono::{Local, TimeZone};
use rusqlite::Connection;
use std::collections::HashMap;
use std::path::Path;
use std::sync::mpsc::{SyncSender, sync_channel};

/// Anki's card types.
const TYPE_NEW: i64 = 0;
const TYPE_REVIEW: i64 = 2;
/// Anki's queues for suspended and buried cards.
const QUEUE_SUSPENDED: i64 = -1;
const QUEUE_BURIED: [i64; 2] = [-2, -3];
/// Anki's revlog types.
const REVLOG_REVIEW: i64 = 1;
const REVLOG_FILTERED: i64 = 3;

/// A due value above this is a time in seconds (a learning step), below
/// it a day number: Anki uses both in the same column.
const DUE_IS_SECONDS: i64 = 1_000_000_000;

/// The study day of a time in milliseconds.
fn day_of_ms(ms: i64, rollover: u8) -> Day {
    match Local.timestamp_millis_opt(ms).earliest() {
        Some(t) => study_day(t, rollover),
        None => 0,
    }
}

/// Study days of times given mostly in order, remembered for the last
/// quarter of an hour: every time zone's offset, and so its changes and
/// the hour a study day starts at, fall on quarter hours, so a quarter
/// hour is in one study day. A million answers each converted to local
/// time took a tenth of a second of an import.
struct Days {
    rollover: u8,
    quarter: i64,
    day: i64,
}

impl Days {
    const QUARTER_MS: i64 = 15 * 60 * 1000;

    fn new(rollover: u8) -> Self {
        Days {
            rollover,
            quarter: i64::MIN,
            day: 0,
        }
    }

    fn of(&mut self, ms: i64) -> i64 {
        let quarter = ms.div_euclid(Self::QUARTER_MS);
        if quarter != self.quarter {
            self.quarter = quarter;
            self.day = i64::from(day_of_ms(ms, self.rollover));
        }
        self.day
    }
}

/// One row of Anki's revlog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnkiAnswer {
    pub id: i64,
    pub ease: i64,
    pub ivl: i64,
    pub last_ivl: i64,
    pub factor: i64,
    pub time: i64,
    pub kind: i64,
}

/// Days of an Anki interval: negative ones are learning steps in seconds.
fn days(ivl: i64) -> i64 {
    ivl.max(0)
}

/// Anki's button as a py201 grade.
pub fn grade(ease: i64) -> i64 {
    match ease {
        1 => 1,
        2 => 3,
        3 => 4,
        _ => 5,
    }
}

/// What py201's log keeps running through a card's answers, to write
/// each as a row: SM-2's run of passes, lapses, ease and due day so far.
#[derive(Debug, Clone, Copy)]
pub struct Steps {
    answered: bool,
    reps: i64,
    lapses: i64,
    ease: i64,
    due: Option<i64>,
}

impl Default for Steps {
    fn default() -> Self {
        Steps {
            answered: false,
            reps: 0,
            lapses: 0,
            ease: 2500,
            due: None,
        }
    }
}

impl Steps {
    /// The card's next answer `a`, given on study day `day`, as a py201
    /// row (none for a manual reschedule, which is not an answer).
    pub fn next(&mut self, a: &AnkiAnswer, day: i64) -> Option<RevlogRow> {
        if a.ease <= 0 {
            return None;
        }
        let g = grade(a.ease);
        let first = !self.answered;
        let review = matches!(a.kind, REVLOG_REVIEW | REVLOG_FILTERED) && !first;
        let is_repeat = !first && !review;
        let (reps_before, lapses_before, ease_before, due_before) =
            (self.reps, self.lapses, self.ease, self.due);
        if !is_repeat {
            if g >= 3 {
                self.reps += 1;
            } else {
                if review {
                    self.lapses += 1;
                }
                self.reps = 0;
            }
        }
        if a.factor > 0 {
            self.ease = a.factor.max(1300);
        }
        let interval_after = days(a.ivl);
        if !is_repeat || interval_after > 0 {
            self.due = Some(day + interval_after.max(if first { 0 } else { 1 }));
        }
        self.answered = true;
        Some(RevlogRow {
            id: 0,
            card_id: 0,
            time_ms: a.id,
            day,
            grade: g,
            is_repeat,
            taken_ms: a.time.clamp(0, 60_000),
            reps_before,
            reps_after: self.reps,
            interval_before: days(a.last_ivl),
            interval_after,
            ease_before,
            ease_after: self.ease,
            due_before: if first { None } else { due_before },
            due_after: self.due,
            lapses_before,
            lapses_after: self.lapses,
            repeat_on_before: None,
            repeat_on_after: None,
            stability_before: None,
            stability_after: None,
            difficulty_before: None,
            difficulty_after: None,
            step_before: None,
            step_after: None,
            step_due_ms_before: None,
            step_due_ms_after: None,
        })
    }
}

/// A card's Anki log as py201 rows, in time order.
pub fn log_rows(answers: &[AnkiAnswer], rollover: u8) -> Vec<RevlogRow> {
    let mut steps = Steps::default();
    let mut days = Days::new(rollover);
    answers
        .iter()
        .filter_map(|a| steps.next(a, days.of(a.id)))
        .collect()
}

/// A card's last answer as py201 logs it: its day and SM-2's run of
/// passes after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Last {
    pub day: i64,
    pub reps_after: i64,
}

impl From<&RevlogRow> for Last {
    fn from(r: &RevlogRow) -> Self {
        Last {
            day: r.day,
            reps_after: r.reps_after,
        }
    }
}

/// One Anki card's scheduling columns (`memory`: FSRS's, from its data).
#[derive(Debug, Clone, Copy, Default)]
pub struct AnkiCard {
    pub kind: i64,
    pub queue: i64,
    pub due: i64,
    pub ivl: i64,
    pub factor: i64,
    pub lapses: i64,
    pub memory: Option<(f64, f64)>,
}

/// An Anki card's state in py201's terms; `last`: its last answer as
/// py201's log has it.
pub fn state(c: &AnkiCard, last: Option<Last>, crt_day: Day, rollover: u8) -> ImportedState {
    let mut s = ImportedState {
        suspended: c.queue == QUEUE_SUSPENDED,
        buried: QUEUE_BURIED.contains(&c.queue),
        ease: 2500,
        memory: c.memory,
        ..ImportedState::default()
    };
    if c.kind == TYPE_NEW {
        return s;
    }
    let due = if c.due > DUE_IS_SECONDS {
        day_of_ms(c.due.saturating_mul(1000), rollover)
    } else {
        crt_day + i32::try_from(c.due).unwrap_or(0)
    };
    let run = last.map_or(0, |r| r.reps_after);
    let logged = last.is_some();
    // Never due before its last answer (a collection whose clock or
    // creation date was moved can say so).
    let last = last.map_or(due, |r| Day::try_from(r.day).unwrap_or(due));
    s.due = Some(due.max(last));
    s.interval = u32::try_from(c.ivl.max(1)).unwrap_or(1);
    s.ease = u16::try_from(if c.factor > 0 {
        c.factor.max(1300)
    } else {
        2500
    })
    .unwrap_or(2500);
    s.lapses = u32::try_from(c.lapses.max(0)).unwrap_or(0);
    // SM-2's n is the log's run of passes since its last lapse; a review
    // card known without its log (none: `state` is then not taken, see
    // `ProgressWriter::state`) has passed once at least.
    s.reps = u32::try_from(match (logged, c.kind) {
        (false, TYPE_REVIEW) => 1,
        _ => run,
    })
    .unwrap_or(0);
    s
}

/// FSRS memory from a card's `data` (`{"s": stability, "d": difficulty}`).
fn fsrs_memory(data: &str) -> Option<(f64, f64)> {
    let v: serde_json::Value = serde_json::from_str(data).ok()?;
    Some((v["s"].as_f64()?, v["d"].as_f64()?))
}

/// One row of the log query: the card, and the answer.
fn read_answer(a: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, AnkiAnswer)> {
    Ok((
        a.get(0)?,
        AnkiAnswer {
            id: a.get(1)?,
            ease: a.get(2)?,
            ivl: a.get(3)?,
            last_ivl: a.get(4)?,
            factor: a.get(5)?,
            time: a.get(6)?,
            kind: a.get(7)?,
        },
    ))
}

/// An Anki card the collection has.
struct Entry {
    cid: i64,
    target: Target,
    card: AnkiCard,
}

/// What a card's answers so far gave, kept by the log's reader.
#[derive(Debug, Clone, Copy, Default)]
struct Run {
    steps: Steps,
    /// Its last answer: time, and as py201 logs it.
    last: Option<(i64, Last)>,
}

/// How many of the package's cards are taken at a time: their running
/// values are held while the whole log is read for them (about 200 bytes
/// a card, so a package of a million cards needs no more than one of
/// 65,536; the log is read once per slice).
const CARDS_AT_ONCE: usize = 65_536;

/// [`CARDS_AT_ONCE`], or `PY201_IMPORT_SLICE` when set: the tests take
/// slices of 4 so that their small packages go through several.
fn cards_at_once() -> usize {
    std::env::var("PY201_IMPORT_SLICE")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(CARDS_AT_ONCE)
}

/// The next slice of the package's cards that the collection has (the
/// import wrote them), in Anki's card id order after `after`, and the
/// last card id looked at (none: no cards left).
fn entries(
    pkg: &Package,
    types: &HashMap<i64, schema::NoteType>,
    w: &mut ProgressWriter,
    after: i64,
) -> Result<(Vec<Entry>, Option<i64>)> {
    let mut cards = pkg.conn.prepare_cached(
        "SELECT c.id, n.guid, n.mid, c.ord, c.type, c.queue,
                CASE WHEN c.odid <> 0 THEN c.odue ELSE c.due END, c.ivl, c.factor, c.lapses, c.data
         FROM cards c JOIN notes n ON n.id = c.nid WHERE c.id > ?1 ORDER BY c.id LIMIT ?2",
    )?;
    let limit = i64::try_from(cards_at_once()).unwrap_or(i64::MAX);
    let mut rows = cards.query(rusqlite::params![after, limit])?;
    let (mut entries, mut last) = (vec![], None);
    while let Some(r) = rows.next()? {
        let cid: i64 = r.get(0)?;
        last = Some(cid);
        let guid: String = r.get(1)?;
        let cloze = types.get(&r.get::<_, i64>(2)?).is_some_and(|t| t.cloze);
        let ord: u32 = r.get(3)?;
        let base = note_id(Some(&guid), "");
        let uid = match (cloze, ord) {
            (true, _) => format!("{base}:c{}", ord + 1),
            (false, 0) => base,
            (false, _) => format!("{base}-{}", ord + 1),
        };
        let Some(target) = w.target(&uid)? else {
            continue;
        };
        let data: Option<String> = r.get(10)?;
        entries.push(Entry {
            cid,
            target,
            card: AnkiCard {
                kind: r.get(4)?,
                queue: r.get(5)?,
                due: r.get(6)?,
                ivl: r.get(7)?,
                factor: r.get(8)?,
                lapses: r.get(9)?,
                memory: data.as_deref().and_then(fsrs_memory),
            },
        });
    }
    Ok((entries, last))
}

/// How many answers go from the log's reader to the writer at a time.
const LOG_BATCH: usize = 1024;

/// Answers sent from the log's reader: (the card's target, its row).
type LogBatch = Result<Vec<(Target, RevlogRow)>>;

/// The cards of a slice as the log's reader sees them: each card's entry
/// by its Anki id, the card of the collection it goes to, and what its
/// answers so far gave.
struct Runs<'a> {
    index: &'a HashMap<i64, u32>,
    entries: &'a [Entry],
    runs: &'a mut [Run],
    days: Days,
}

/// Reads the answers of the cards with ids in `cards` from Anki's log in
/// the order it is stored (time order, so nothing is sorted: `+cid` keeps
/// SQLite off Anki's index by card, whose order would read the log's pages
/// at random), puts each in py201's terms as its card's answers so far
/// have it, and sends the rows on in batches until the log ends or the
/// receiver is gone (the import failed).
fn read_log(
    db: &Path,
    cards: (i64, i64),
    mut runs: Runs<'_>,
    send: &SyncSender<LogBatch>,
) -> Result<()> {
    let conn = Connection::open_with_flags(db, super::package::READ_ONLY)?;
    let mut answers = conn.prepare(
        "SELECT cid, id, ease, ivl, lastIvl, factor, time, type FROM revlog
         WHERE +cid > ?1 AND +cid <= ?2 ORDER BY id",
    )?;
    let mut rows = answers.query([cards.0, cards.1])?;
    let mut batch = Vec::with_capacity(LOG_BATCH);
    while let Some(r) = rows.next()? {
        let (cid, a) = read_answer(r)?;
        // Answers of cards the collection does not have are skipped.
        let Some(&i) = runs.index.get(&cid) else {
            continue;
        };
        let (Some(run), Some(Entry { target: t, .. })) =
            (runs.runs.get_mut(i as usize), runs.entries.get(i as usize))
        else {
            continue;
        };
        if let Some(row) = run.steps.next(&a, runs.days.of(a.id)) {
            run.last = Some((row.time_ms, Last::from(&row)));
            batch.push((*t, row));
        }
        if batch.len() == LOG_BATCH {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(LOG_BATCH));
            if send.send(Ok(full)).is_err() {
                return Ok(());
            }
        }
    }
    let _ = send.send(Ok(batch));
    Ok(())
}

/// Writes the answers of `entries` (the cards with ids in `cards`) through
/// `w`, and returns what each card's answers gave. The log is read, and
/// each answer put in py201's terms, on a thread of its own: reading it was
/// a fifth of a million-answer import, and finding each answer's card
/// among the slice's (in time order, so at random) as much again, both now
/// done while the answers are written.
fn write_answers(
    pkg: &Package,
    cards: (i64, i64),
    entries: &[Entry],
    rollover: u8,
    w: &mut ProgressWriter,
) -> Result<Vec<Run>> {
    // A million lookups: a binary search over the entries themselves
    // missed the cache at each step (1.2 s of a million-answer import).
    let index: HashMap<i64, u32> = entries.iter().zip(0..).map(|(e, i)| (e.cid, i)).collect();
    let mut runs = vec![Run::default(); entries.len()];
    let db = pkg.db.as_path();
    let reader = Runs {
        index: &index,
        entries,
        runs: &mut runs,
        days: Days::new(rollover),
    };
    std::thread::scope(|s| -> Result<()> {
        let (send, receive) = sync_channel(4);
        s.spawn(move || {
            if let Err(e) = read_log(db, cards, reader, &send) {
                let _ = send.send(Err(e));
            }
        });
        for batch in receive {
            for (t, row) in batch? {
                w.answer(&t, row)?;
            }
        }
        Ok(())
    })?;
    Ok(runs)
}

/// Writes the progress of every card of the package through `w`, a slice
/// of cards at a time (memory stays the same whatever the package's
/// size): the cards looked up, their answers written, each given its
/// state.
pub fn write(pkg: &Package, file: &str, rollover: u8, w: &mut ProgressWriter) -> Result<()> {
    let crt: i64 = pkg
        .conn
        .query_row("SELECT crt FROM col", [], |r| r.get(0))?;
    let crt_day = day_of_ms(crt.saturating_mul(1000), rollover);
    let types = schema::note_types(&pkg.conn, file)?;
    let mut after = i64::MIN;
    loop {
        let (entries, Some(last)) = entries(pkg, &types, w, after)? else {
            return Ok(());
        };
        let runs = write_answers(pkg, (after, last), &entries, rollover, w)?;
        for (e, run) in entries.iter().zip(&runs) {
            let s = state(&e.card, run.last.map(|l| l.1), crt_day, rollover);
            w.state(&e.target, run.last.map(|l| l.0), &s)?;
        }
        after = last;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(id: i64, ease: i64, ivl: i64, last_ivl: i64, factor: i64, kind: i64) -> AnkiAnswer {
        AnkiAnswer {
            id,
            ease,
            ivl,
            last_ivl,
            factor,
            time: 7_000,
            kind,
        }
    }

    const DAY_MS: i64 = 86_400_000;

    /// The remembered quarter hour gives the day a conversion gives, for
    /// times in order and out of order, across day starts.
    #[test]
    fn days_remembered_by_the_quarter_hour_are_the_days() {
        let t0 = 1_700_000_000_000;
        let mut days = Days::new(4);
        let times = (0..3 * 24 * 60 / 7).map(|i| t0 + i * 7 * 60_000);
        for ms in times.clone().chain(times.rev().step_by(5)) {
            assert_eq!(days.of(ms), i64::from(day_of_ms(ms, 4)), "at {ms}");
        }
    }

    /// A new card learnt (Good, then Good again in its step), reviewed a
    /// week later (Again: a lapse), relearnt, and a manual reschedule
    /// (ease 0) that is not an answer.
    #[test]
    fn an_anki_log_becomes_py201_rows() {
        let t0 = 1_700_000_000_000 + 12 * 3_600_000;
        let log = [
            answer(t0, 3, -600, 0, 0, 0),
            answer(t0 + 600_000, 3, 1, -600, 2500, 0),
            answer(t0 + 7 * DAY_MS, 1, -600, 1, 2300, 1),
            answer(t0 + 7 * DAY_MS + 600_000, 3, 1, -600, 2300, 2),
            answer(t0 + 8 * DAY_MS, 0, 5, 1, 2300, 4),
        ];
        let rows = log_rows(&log, 4);
        assert_eq!(rows.len(), 4, "the manual reschedule is not an answer");
        let d0 = i64::from(day_of_ms(t0, 4));
        let got: Vec<_> = rows
            .iter()
            .map(|r| {
                (
                    r.day - d0,
                    r.grade,
                    r.is_repeat,
                    r.due_before.map(|d| d - d0),
                    r.reps_after,
                    r.lapses_after,
                    r.ease_after,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (0, 4, false, None, 1, 0, 2500),
                (0, 4, true, Some(0), 1, 0, 2500),
                (7, 1, false, Some(1), 0, 1, 2300),
                // After a lapse the card is due tomorrow, as SM-2 has it,
                // with its relearning step a same-day repeat.
                (7, 4, true, Some(8), 0, 1, 2300),
            ]
        );
        assert!(rows.iter().all(|r| r.taken_ms == 7_000));
    }

    #[test]
    fn anki_states_become_py201_states() {
        let crt_day = 20_000;
        let review = AnkiCard {
            kind: 2,
            queue: 2,
            due: 30,
            ivl: 12,
            factor: 2650,
            lapses: 1,
            memory: fsrs_memory(r#"{"s":12.5,"d":5.25}"#),
        };
        let s = state(&review, None, crt_day, 4);
        assert_eq!(
            (s.due, s.interval, s.ease, s.lapses, s.reps, s.memory),
            (Some(20_030), 12, 2650, 1, 1, Some((12.5, 5.25)))
        );
        // Failed on its first view (py201's grade 2 exported as a review
        // card due tomorrow): its log's run of passes, none, not one.
        let failed = Last {
            day: 20_029,
            reps_after: 0,
        };
        let s = state(&review, Some(failed), crt_day, 4);
        assert_eq!((s.reps, s.due), (0, Some(20_030)));
        let suspended_new = AnkiCard {
            queue: -1,
            ..AnkiCard::default()
        };
        let s = state(&suspended_new, None, crt_day, 4);
        assert!(s.suspended && s.due.is_none());
        let buried = AnkiCard {
            kind: 2,
            queue: -3,
            due: 1,
            ivl: 3,
            factor: 0,
            ..AnkiCard::default()
        };
        let s = state(&buried, None, crt_day, 4);
        assert!(s.buried && s.ease == 2500 && s.due == Some(20_001));
    }
}
