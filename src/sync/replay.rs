//! A card's state is what replaying its merged log gives: every answer it
//! has, from any device, in the order (time, device id, answer number),
//! through the collection's scheduler, from a new card. The fuzz of each
//! answer comes from the card's id and how many answers came before it
//! (`scheduler::fuzz`), so every device that holds the same answers writes
//! the same log rows and the same state. The log is written again in that
//! order, so its row ids follow time within the card, as undo, `show` and
//! FSRS's history read them.

use crate::collection::cards::AnswerTime;
use crate::collection::device_flags;
use crate::collection::devices::{self, Logged, Replayed};
use crate::error::Result;
use crate::scheduler::{Active, CardState, FuzzSeed, Grade, Scheduler};
use rusqlite::Connection;

/// One answer of a card's merged log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// (device, number): the answer's identity everywhere.
    pub key: (String, i64),
    pub time_ms: i64,
    pub day: i32,
    pub grade: u8,
    pub taken_ms: i64,
}

impl Entry {
    /// A log row of this collection; one never sent (sync failed to number
    /// it) sorts after any numbered answer of the same millisecond.
    pub fn from_logged(l: Logged, own: &str) -> Self {
        Entry {
            key: l
                .key
                .unwrap_or_else(|| (own.to_string(), i64::MAX - l.revlog_id)),
            time_ms: l.time_ms,
            day: l.day,
            grade: l.grade,
            taken_ms: l.taken_ms,
        }
    }

    /// The same answer (time, grade, time taken) under another device.
    fn same_answer_elsewhere(&self, other: &Entry) -> bool {
        self.key.0 != other.key.0
            && (self.time_ms, self.grade, self.taken_ms)
                == (other.time_ms, other.grade, other.taken_ms)
    }

    fn order(&self) -> (i64, &str, i64) {
        (self.time_ms, &self.key.0, self.key.1)
    }
}

/// Rewrites card `card_id`'s (`uid`) log as its stored answers and `more`
/// merged, replayed through `sched`, and stores the state it ends in.
pub fn replay_card(
    conn: &Connection,
    sched: &mut Active,
    (card_id, uid): (i64, &str),
    more: Vec<Entry>,
    own: &str,
) -> Result<()> {
    let mut log: Vec<Entry> = devices::card_log(conn, card_id)?
        .into_iter()
        .map(|l| Entry::from_logged(l, own))
        .chain(more)
        .collect();
    log.sort_by(|a, b| a.order().cmp(&b.order()));
    // The same answer under two devices' keys travelled twice (a collection
    // rebuilt from an export joins as a new device): no two devices answer
    // a card in the same millisecond. The smaller device id's copy stays.
    log.dedup_by(|a, b| a.key == b.key || a.same_answer_elsewhere(b));
    devices::clear_card_log(conn, card_id)?;
    // A forget: the answers up to it are kept, and the card starts anew.
    let mut reset = device_flags::reset_of(conn, uid)?;
    let mut state = CardState::NEW;
    for (n, e) in log.iter().enumerate() {
        if reset.is_some_and(|r| e.time_ms > r) {
            state = CardState::NEW;
            reset = None;
        }
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        state = replay_one(conn, sched, (card_id, uid), e, (&state, n))?;
    }
    if reset.is_some() {
        state = CardState::NEW;
    }
    devices::set_state(conn, card_id, &state)
}

/// Answer `e` replayed on `state` (after `n` earlier answers) and written
/// as the card's next log row; returns the state after it. A grade that is
/// not a valid one (no py201 wrote it) leaves the state as it was.
fn replay_one(
    conn: &Connection,
    sched: &mut Active,
    (card_id, uid): (i64, &str),
    e: &Entry,
    (state, n): (&CardState, u32),
) -> Result<CardState> {
    let Ok(grade) = Grade::try_from(e.grade) else {
        return Ok(*state);
    };
    if let Active::Fsrs(f) = sched {
        f.now_ms = e.time_ms;
    }
    let out = sched.answer(state, grade, e.day, FuzzSeed::for_card(uid, n));
    let at = AnswerTime {
        time_ms: e.time_ms,
        day: e.day,
        taken_ms: e.taken_ms,
    };
    let row = Replayed {
        grade,
        at,
        before: state,
        out: &out,
    };
    let id = devices::insert_answer(conn, card_id, &row)?;
    if e.key.1 < i64::MAX / 2 {
        devices::link(conn, (&e.key.0, e.key.1), id, card_id, e.time_ms)?;
    }
    Ok(out.state)
}
