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
use crate::collection::sync::progress::{CardProgress, ImportedState};
use crate::error::Result;
use chrono::{Local, TimeZone};

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

/// A card's Anki log as py201 rows, in time order.
pub fn log_rows(answers: &[AnkiAnswer], rollover: u8) -> Vec<RevlogRow> {
    let mut rows: Vec<RevlogRow> = Vec::with_capacity(answers.len());
    let (mut reps, mut lapses, mut ease, mut due) = (0i64, 0i64, 2500i64, None::<i64>);
    for a in answers.iter().filter(|a| a.ease > 0) {
        let day = i64::from(day_of_ms(a.id, rollover));
        let g = grade(a.ease);
        let first = rows.is_empty();
        let review = matches!(a.kind, REVLOG_REVIEW | REVLOG_FILTERED) && !first;
        let is_repeat = !first && !review;
        let (reps_before, lapses_before, ease_before, due_before) = (reps, lapses, ease, due);
        if !is_repeat {
            if g >= 3 {
                reps += 1;
            } else {
                if review {
                    lapses += 1;
                }
                reps = 0;
            }
        }
        if a.factor > 0 {
            ease = a.factor.max(1300);
        }
        let interval_after = days(a.ivl);
        if !is_repeat || interval_after > 0 {
            due = Some(day + interval_after.max(if first { 0 } else { 1 }));
        }
        rows.push(RevlogRow {
            id: 0,
            card_id: 0,
            time_ms: a.id,
            day,
            grade: g,
            is_repeat,
            taken_ms: a.time.clamp(0, 60_000),
            reps_before,
            reps_after: reps,
            interval_before: days(a.last_ivl),
            interval_after,
            ease_before,
            ease_after: ease,
            due_before: if first { None } else { due_before },
            due_after: due,
            lapses_before,
            lapses_after: lapses,
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
        });
    }
    rows
}

/// One Anki card's scheduling columns.
#[derive(Debug, Clone, Default)]
pub struct AnkiCard {
    pub kind: i64,
    pub queue: i64,
    pub due: i64,
    pub ivl: i64,
    pub factor: i64,
    pub lapses: i64,
    pub data: String,
}

/// An Anki card's state in py201's terms; `log`: its rows as py201's.
pub fn state(c: &AnkiCard, log: &[RevlogRow], crt_day: Day, rollover: u8) -> ImportedState {
    let memory = fsrs_memory(&c.data);
    let mut s = ImportedState {
        suspended: c.queue == QUEUE_SUSPENDED,
        buried: QUEUE_BURIED.contains(&c.queue),
        ease: 2500,
        memory,
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
    let run = log.last().map_or(0, |r| r.reps_after);
    // Never due before its last answer (a collection whose clock or
    // creation date was moved can say so).
    let last = log
        .last()
        .map_or(due, |r| Day::try_from(r.day).unwrap_or(due));
    s.due = Some(due.max(last));
    s.interval = u32::try_from(c.ivl.max(1)).unwrap_or(1);
    s.ease = u16::try_from(if c.factor > 0 {
        c.factor.max(1300)
    } else {
        2500
    })
    .unwrap_or(2500);
    s.lapses = u32::try_from(c.lapses.max(0)).unwrap_or(0);
    s.reps = u32::try_from(if c.kind == TYPE_REVIEW {
        run.max(1)
    } else {
        run
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
fn read_answer(row: Option<&rusqlite::Row<'_>>) -> rusqlite::Result<Option<(i64, AnkiAnswer)>> {
    let Some(a) = row else {
        return Ok(None);
    };
    Ok(Some((
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
    )))
}

/// Calls `f` with the progress of every card of the package, a card at a
/// time (its log read with it, never the whole log at once).
pub fn for_each(
    pkg: &Package,
    file: &str,
    rollover: u8,
    f: &mut dyn FnMut(CardProgress) -> Result<()>,
) -> Result<()> {
    let crt: i64 = pkg
        .conn
        .query_row("SELECT crt FROM col", [], |r| r.get(0))?;
    let crt_day = day_of_ms(crt.saturating_mul(1000), rollover);
    let types = schema::note_types(&pkg.conn, file)?;
    let mut cards = pkg.conn.prepare(
        "SELECT c.id, n.guid, n.mid, c.ord, c.type, c.queue,
                CASE WHEN c.odid <> 0 THEN c.odue ELSE c.due END, c.ivl, c.factor, c.lapses, c.data
         FROM cards c JOIN notes n ON n.id = c.nid ORDER BY c.id",
    )?;
    // The whole log in card order, read alongside the cards (also in id
    // order): one pass, not a query per card. Sorted by SQLite's sorter
    // (`+cid` keeps it off Anki's index by card): the log is stored in
    // time order, so going through the index reads its pages in random
    // order, a third of a million-answer import; the sorter reads them
    // once, in order, and spills to scratch files, not memory.
    let mut answers = pkg.conn.prepare(
        "SELECT cid, id, ease, ivl, lastIvl, factor, time, type FROM revlog ORDER BY +cid, id",
    )?;
    let mut log_rows_iter = answers.query([])?;
    let mut next: Option<(i64, AnkiAnswer)> = read_answer(log_rows_iter.next()?)?;
    let mut rows = cards.query([])?;
    while let Some(r) = rows.next()? {
        let cid: i64 = r.get(0)?;
        let guid: String = r.get(1)?;
        let cloze = types.get(&r.get::<_, i64>(2)?).is_some_and(|t| t.cloze);
        let ord: u32 = r.get(3)?;
        let base = note_id(Some(&guid), "");
        let uid = match (cloze, ord) {
            (true, _) => format!("{base}:c{}", ord + 1),
            (false, 0) => base,
            (false, _) => format!("{base}-{}", ord + 1),
        };
        let card = AnkiCard {
            kind: r.get(4)?,
            queue: r.get(5)?,
            due: r.get(6)?,
            ivl: r.get(7)?,
            factor: r.get(8)?,
            lapses: r.get(9)?,
            data: r.get::<_, Option<String>>(10)?.unwrap_or_default(),
        };
        // Answers of cards the package does not hold are skipped.
        while next.as_ref().is_some_and(|(c, _)| *c < cid) {
            next = read_answer(log_rows_iter.next()?)?;
        }
        let mut log: Vec<AnkiAnswer> = vec![];
        while let Some((_, a)) = next.filter(|(c, _)| *c == cid) {
            log.push(a);
            next = read_answer(log_rows_iter.next()?)?;
        }
        let log = log_rows(&log, rollover);
        let state = state(&card, &log, crt_day, rollover);
        f(CardProgress { uid, state, log })?;
    }
    Ok(())
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
            data: r#"{"s":12.5,"d":5.25}"#.into(),
        };
        let s = state(&review, &[], crt_day, 4);
        assert_eq!(
            (s.due, s.interval, s.ease, s.lapses, s.reps, s.memory),
            (Some(20_030), 12, 2650, 1, 1, Some((12.5, 5.25)))
        );
        let suspended_new = AnkiCard {
            queue: -1,
            ..AnkiCard::default()
        };
        let s = state(&suspended_new, &[], crt_day, 4);
        assert!(s.suspended && s.due.is_none());
        let buried = AnkiCard {
            kind: 2,
            queue: -3,
            due: 1,
            ivl: 3,
            factor: 0,
            ..AnkiCard::default()
        };
        let s = state(&buried, &[], crt_day, 4);
        assert!(s.buried && s.ease == 2500 && s.due == Some(20_001));
    }
}
