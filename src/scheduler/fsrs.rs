//! FSRS-6 as py201's second scheduler, through the `fsrs` crate (the reference
//! implementation Anki uses). Every memory-model figure (stability,
//! difficulty, retrievability, intervals) comes from the crate; this module
//! only maps py201's grades and card states onto it and adds Anki's
//! (re)learning steps. Like SM-2 it is pure: no database, no clock (the time
//! of the answer is passed in as `now_ms`), RNG passed in.
//!
//! * Grades: 0-2 -> Again, 3 -> Hard, 4 -> Good, 5 -> Easy.
//! * New cards go through the learning steps (default `1m 10m`), failed review
//!   cards through the relearning steps (default `10m`), as in Anki: Again
//!   goes back to the first step, Hard repeats the step (on the first of
//!   several steps it waits the mean of the first two; with a single step,
//!   1.5 times it, at most a day more), Good moves to the next step or
//!   graduates, Easy graduates at once.
//! * A graduating card waits the crate's interval for the desired retention,
//!   rounded to whole days, at least 1, at most `max-interval`. For review
//!   cards Hard < Good < Easy is kept by at least a day each, as Anki does.
//!   Fuzz, when on, spreads the interval exactly as SM-2's does.
//! * SM-2's own fields (n, EF, lapses) keep following SM-2's rules on each
//!   day's first answer, so switching back to SM-2 loses nothing.

use super::{CardState, FuzzSeed, Grade, Outcome, ReviewKind, Scheduler, Settings, sm2};
use crate::clock::Day;
use fsrs::{FSRS, FSRSItem, FSRSReview, MemoryState, NextStates};
use serde::{Deserialize, Serialize};

mod steps;
pub use steps::{Steps, short_delay};

/// Desired retention when none is set.
pub const DEFAULT_RETENTION: f32 = 0.9;
/// The retention SM-2's intervals are assumed to have been aiming at when a
/// card's memory state is estimated from its SM-2 ease and interval (Anki's
/// default for the same conversion).
pub const SM2_RETENTION: f32 = 0.9;
const DAY_SECS: u32 = 86_400;

/// Where FSRS-6 keeps the forgetting curve's decay among its parameters (the
/// 21st); a shorter set has none and gets the crate's default.
const DECAY_PARAM: usize = 20;

/// The forgetting curve's decay that `params` give.
pub fn decay_of(params: &[f32]) -> f32 {
    params
        .get(DECAY_PARAM)
        .copied()
        .unwrap_or(fsrs::FSRS6_DEFAULT_DECAY)
}

/// A card's FSRS memory state, exactly as the crate returns it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Memory {
    /// Days until recall probability falls to 90%.
    pub stability: f32,
    /// 1 (easy) to 10 (hard).
    pub difficulty: f32,
}

// The crate only returns finite values (it validates every state), so
// equality is an equivalence here.
impl Eq for Memory {}

impl From<MemoryState> for Memory {
    fn from(m: MemoryState) -> Self {
        Memory {
            stability: m.stability,
            difficulty: m.difficulty,
        }
    }
}

impl From<Memory> for MemoryState {
    fn from(m: Memory) -> Self {
        MemoryState {
            stability: m.stability,
            difficulty: m.difficulty,
        }
    }
}

/// A card in a (re)learning step: which step, and when it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LearnStep {
    pub index: u32,
    /// Milliseconds since the Unix epoch.
    pub due_ms: i64,
}

/// FSRS's rating (1 Again, 2 Hard, 3 Good, 4 Easy) for a py201 grade.
pub fn rating(g: Grade) -> u32 {
    match g.value() {
        0..=2 => 1,
        3 => 2,
        4 => 3,
        _ => 4,
    }
}

/// What FSRS needs besides the parameters: py201's settings for it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FsrsSettings {
    pub desired_retention: f32,
    pub learning_steps: Steps,
    pub relearning_steps: Steps,
}

impl Default for FsrsSettings {
    fn default() -> Self {
        Self {
            desired_retention: DEFAULT_RETENTION,
            learning_steps: Steps {
                secs: [60, 600, 0, 0, 0, 0, 0, 0],
                len: 2,
            },
            relearning_steps: Steps {
                secs: [600, 0, 0, 0, 0, 0, 0, 0],
                len: 1,
            },
        }
    }
}

/// The FSRS scheduler at one moment (`now_ms`, the answer's wall-clock time).
#[derive(Debug, Clone)]
pub struct Fsrs {
    model: FSRS,
    pub params: Vec<f32>,
    pub fsrs: FsrsSettings,
    pub settings: Settings,
    pub now_ms: i64,
}

enum Next {
    Step { index: u32, delay: u32 },
    Graduate,
}

impl Fsrs {
    /// `params`: 21 FSRS-6 parameters, or empty for the crate's defaults.
    pub fn new(
        params: &[f32],
        fsrs: FsrsSettings,
        settings: Settings,
        now_ms: i64,
    ) -> Result<Self, fsrs::FSRSError> {
        Ok(Self {
            model: FSRS::new(params)?,
            params: if params.is_empty() {
                fsrs::DEFAULT_PARAMETERS.to_vec()
            } else {
                params.to_vec()
            },
            fsrs,
            settings,
            now_ms,
        })
    }

    pub fn model(&self) -> &FSRS {
        &self.model
    }

    /// The forgetting curve's decay.
    pub fn decay(&self) -> f32 {
        decay_of(&self.params)
    }

    /// A card's memory state, or the one its SM-2 ease and interval imply
    /// when it has none (reviewed, but never under FSRS); `None` for new cards.
    pub fn memory_of(&self, s: &CardState) -> Option<Memory> {
        if s.is_new() {
            return None;
        }
        s.memory
            .or_else(|| from_sm2(&self.model, s.ease, s.interval))
    }

    /// Predicted probability of recall on `today` (`None` for new cards).
    pub fn recall(&self, s: &CardState, today: Day) -> Option<f32> {
        let m = self.memory_of(s)?;
        Some(fsrs::current_retrievability(
            m.into(),
            elapsed_days(s, today) as f32,
            self.decay(),
        ))
    }

    fn next_states(&self, s: &CardState, today: Day) -> Option<NextStates> {
        let mem = self.memory_of(s).map(MemoryState::from);
        let r = self.fsrs.desired_retention;
        self.model
            .next_states(mem, r, elapsed_days(s, today))
            .or_else(|_| self.model.next_states(None, r, 0))
            .ok()
    }

    fn graduating(&self, ivl: f32) -> u32 {
        let max = self.settings.max_interval.max(1);
        if !ivl.is_finite() {
            return max;
        }
        (ivl.round().clamp(1.0, max as f32)) as u32
    }

    /// What each FSRS rating (Again, Hard, Good, Easy) does, before fuzz.
    pub fn outcomes(&self, s: &CardState, today: Day) -> [Outcome; 4] {
        let Some(next) = self.next_states(s, today) else {
            // Unreachable with parameters the crate accepted; SM-2 keeps the card moving.
            let sm2 = sm2::Sm2::new(self.settings);
            return [0u8, 3, 4, 5].map(|g| sm2.preview(s, today)[usize::from(g)]);
        };
        let items = [next.again, next.hard, next.good, next.easy];
        let (steps, current) = self.steps_of(s);
        let nexts = next_steps(steps, current);
        let ivls = self.spread(
            items.each_ref().map(|i| self.graduating(i.interval)),
            &nexts,
        );
        let kind = if s.step.is_some() && s.due == Some(today) {
            ReviewKind::Repeat
        } else {
            ReviewKind::First
        };
        std::array::from_fn(|r| {
            let mut state = self.after(s, &nexts[r], ivls[r], today);
            state.memory = Some(items[r].memory.into());
            if kind == ReviewKind::First {
                sm2_fields(&mut state, s, r);
            }
            Outcome { state, kind }
        })
    }

    /// The card's steps (learning for a new card or one that never
    /// graduated, else relearning) and where it stands in them: new cards
    /// start at the first learning step; review cards are in none.
    fn steps_of(&self, s: &CardState) -> (&[u32], Option<usize>) {
        let learning = s.is_new() || (s.step.is_some() && s.interval == 0);
        let steps = if learning {
            &self.fsrs.learning_steps
        } else {
            &self.fsrs.relearning_steps
        };
        let steps = steps.as_slice();
        let current = match s.step {
            Some(st) => Some((st.index as usize).min(steps.len().saturating_sub(1))),
            None if learning => Some(0),
            None => None,
        };
        (steps, current)
    }

    /// Among the grades that graduate, Hard < Good < Easy by at least a
    /// day each (Anki's rule), within the maximum interval.
    fn spread(&self, mut ivls: [u32; 4], nexts: &[Next; 4]) -> [u32; 4] {
        let max = self.settings.max_interval.max(1);
        for r in 2..4 {
            if matches!(nexts[r], Next::Graduate) && matches!(nexts[r - 1], Next::Graduate) {
                ivls[r] = ivls[r].max(ivls[r - 1] + 1).min(max);
            }
        }
        ivls
    }

    /// The card's step, interval and due day after a rating that leads to
    /// `next` (`ivl` the interval if it graduates); the rest as before.
    fn after(&self, s: &CardState, next: &Next, ivl: u32, today: Day) -> CardState {
        let mut st = CardState {
            repeat_on: None,
            ..*s
        };
        match *next {
            Next::Step { index, delay } => {
                st.step = Some(LearnStep {
                    index,
                    due_ms: self.now_ms.saturating_add(i64::from(delay) * 1000),
                });
                st.due = Some(today.saturating_add((delay / DAY_SECS) as Day));
            }
            Next::Graduate => {
                st.step = None;
                st.interval = ivl;
                st.due = Some(today.saturating_add(ivl as Day));
            }
        }
        st
    }

    fn outcome(&self, s: &CardState, grade: Grade, today: Day) -> Outcome {
        let mut o = self.outcomes(s, today)[(rating(grade) - 1) as usize];
        if o.kind == ReviewKind::First {
            // The exact SM-2 EF for this grade (Again stands for 0, 1 and 2).
            o.state.ease = sm2::next_ease(s.ease, grade);
        }
        o
    }
}

/// Where each rating (Again, Hard, Good, Easy) takes a card that stands at
/// step `current` of `steps` (`None`: a review card, in no step).
fn next_steps(steps: &[u32], current: Option<usize>) -> [Next; 4] {
    std::array::from_fn(|r| match (current, r) {
        _ if steps.is_empty() => Next::Graduate,
        (None, 0) => Next::Step {
            index: 0,
            delay: steps[0],
        },
        (None, _) => Next::Graduate,
        (Some(_), 0) => Next::Step {
            index: 0,
            delay: steps[0],
        },
        (Some(i), 1) => Next::Step {
            index: i as u32,
            delay: hard_delay(steps, i),
        },
        (Some(i), 2) if i + 1 < steps.len() => Next::Step {
            index: i as u32 + 1,
            delay: steps[i + 1],
        },
        (Some(_), _) => Next::Graduate,
    })
}

/// SM-2's n, EF and lapses after rating `r` (index of Again, Hard, Good,
/// Easy), as SM-2 would have them, so switching back to SM-2 loses nothing.
fn sm2_fields(st: &mut CardState, before: &CardState, r: usize) {
    let grade = match r {
        0 => 0,
        1 => 3,
        2 => 4,
        _ => 5,
    };
    let grade = Grade::try_from(grade).unwrap_or(Grade::ALL[0]);
    st.ease = sm2::next_ease(before.ease, grade);
    if r == 0 {
        st.reps = 0;
        st.lapses = before.lapses + u32::from(!before.is_new());
    } else {
        st.reps = before.reps + 1;
    }
}

fn hard_delay(steps: &[u32], i: usize) -> u32 {
    match (steps.len(), i) {
        (1, _) => (steps[0] + steps[0] / 2).min(steps[0] + DAY_SECS),
        (_, 0) => (steps[0] + steps[1]) / 2,
        _ => steps[i],
    }
}

/// Days since the card's last answer. A card in a step is answered again on
/// the day its step ends (steps shorter than a day); a graduated card was last
/// answered `interval` days before its due day.
pub fn elapsed_days(s: &CardState, today: Day) -> u32 {
    let last = match (s.step, s.due) {
        (_, None) => return 0,
        (Some(_), Some(d)) => d,
        (None, Some(d)) => d.saturating_sub(s.interval as Day),
    };
    u32::try_from(today.saturating_sub(last)).unwrap_or(0)
}

/// The memory state SM-2's ease and interval imply (the crate's conversion).
pub fn from_sm2(model: &FSRS, ease: super::Ease, interval: u32) -> Option<Memory> {
    model
        .memory_state_from_sm2(ease.as_f64() as f32, interval.max(1) as f32, SM2_RETENTION)
        .ok()
        .map(Memory::from)
}

/// One answer of a card's history, for FSRS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer {
    pub day: Day,
    pub grade: Grade,
}

/// Where a card stood before its first logged answer, when it was not new
/// then (progress imported without a log).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Start {
    pub ease: super::Ease,
    pub interval: u32,
    /// The day of the review before the log begins.
    pub last_day: Day,
}

/// The crate's reviews for a history: ratings with days since the previous answer.
pub fn reviews(history: &[Answer], start: Option<Start>) -> Vec<FSRSReview> {
    let mut prev = start.map(|s| s.last_day);
    history
        .iter()
        .map(|a| {
            let delta = prev.map_or(0, |p| u32::try_from(a.day - p).unwrap_or(0));
            prev = Some(a.day);
            FSRSReview {
                rating: rating(a.grade),
                delta_t: delta,
            }
        })
        .collect()
}

/// A card's memory state from its review log (what switching to FSRS
/// computes): the crate replays every answer, same-day ones included; a card
/// whose log starts after it was learned starts from its SM-2 state; a card
/// with no log at all gets the state its SM-2 ease and interval imply.
pub fn memory_from_history(
    model: &FSRS,
    history: &[Answer],
    start: Option<Start>,
) -> Option<Memory> {
    let start_state = start.and_then(|s| from_sm2(model, s.ease, s.interval));
    if history.is_empty() {
        return start_state;
    }
    let item = FSRSItem {
        reviews: reviews(history, start.filter(|_| start_state.is_some())),
    };
    model
        .memory_state(item, start_state.map(MemoryState::from))
        .ok()
        .map(Memory::from)
}

impl Scheduler for Fsrs {
    fn answer(&self, state: &CardState, grade: Grade, today: Day, fuzz: FuzzSeed) -> Outcome {
        let mut out = self.outcome(state, grade, today);
        if self.settings.fuzz && out.state.step.is_none() {
            sm2::apply_fuzz(&mut out, today, self.settings.max_interval, fuzz);
        }
        out
    }

    fn preview(&self, state: &CardState, today: Day) -> [Outcome; 6] {
        Grade::ALL.map(|g| self.outcome(state, g, today))
    }
}

#[cfg(test)]
mod tests;
