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

use super::{CardState, Grade, Outcome, ReviewKind, Scheduler, Settings, sm2};
use crate::clock::Day;
use fsrs::{FSRS, FSRSItem, FSRSReview, MemoryState, NextStates};
use rand::{Rng, RngExt};
use serde::{Deserialize, Serialize};

/// Desired retention when none is set.
pub const DEFAULT_RETENTION: f32 = 0.9;
/// The retention SM-2's intervals are assumed to have been aiming at when a
/// card's memory state is estimated from its SM-2 ease and interval (Anki's
/// default for the same conversion).
pub const SM2_RETENTION: f32 = 0.9;
const DAY_SECS: u32 = 86_400;

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

/// Learning or relearning steps: up to 8 delays, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Steps {
    secs: [u32; Steps::MAX],
    len: u8,
}

impl Steps {
    pub const MAX: usize = 8;

    pub fn new(secs: &[u32]) -> Option<Steps> {
        if secs.len() > Self::MAX || secs.contains(&0) {
            return None;
        }
        let mut out = Steps {
            secs: [0; Self::MAX],
            len: secs.len() as u8,
        };
        out.secs[..secs.len()].copy_from_slice(secs);
        Some(out)
    }

    /// Parses `"1m 10m"`: whole numbers with a unit s, m, h or d, separated by
    /// spaces or commas; each step at most 30 days. An empty text means no steps.
    pub fn parse(text: &str) -> Option<Steps> {
        let mut secs = Vec::new();
        for tok in text.split([' ', ',', '\t']).filter(|t| !t.is_empty()) {
            let (num, unit) = tok.split_at(tok.len().checked_sub(1)?);
            let n: u32 = num.parse().ok()?;
            let mult = match unit {
                "s" => 1,
                "m" => 60,
                "h" => 3600,
                "d" => DAY_SECS,
                _ => return None,
            };
            let s = n.checked_mul(mult)?;
            if s > 30 * DAY_SECS {
                return None;
            }
            secs.push(s);
        }
        Steps::new(&secs)
    }

    pub fn as_slice(&self) -> &[u32] {
        &self.secs[..usize::from(self.len)]
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl std::fmt::Display for Steps {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.as_slice().iter().map(|&s| short_delay(s)).collect();
        f.write_str(&parts.join(" "))
    }
}

/// `600` -> `10m`: the largest unit that divides the delay exactly.
pub fn short_delay(secs: u32) -> String {
    for (unit, size) in [("d", DAY_SECS), ("h", 3600), ("m", 60)] {
        if secs % size == 0 {
            return format!("{}{unit}", secs / size);
        }
    }
    format!("{secs}s")
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

    /// The forgetting curve's decay (parameter 21).
    pub fn decay(&self) -> f32 {
        self.params
            .get(20)
            .copied()
            .unwrap_or(fsrs::FSRS6_DEFAULT_DECAY)
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
        let learning = s.is_new() || (s.step.is_some() && s.interval == 0);
        let steps = if learning {
            self.fsrs.learning_steps
        } else {
            self.fsrs.relearning_steps
        };
        let steps = steps.as_slice();
        // Where the card stands in its steps: new cards start at the first
        // learning step; review cards are in none.
        let current = match s.step {
            Some(st) => Some((st.index as usize).min(steps.len().saturating_sub(1))),
            None if learning => Some(0),
            None => None,
        };
        let ivls = items.each_ref().map(|i| self.graduating(i.interval));
        let kind = if s.step.is_some() && s.due == Some(today) {
            ReviewKind::Repeat
        } else {
            ReviewKind::First
        };
        let mut out = [Outcome { state: *s, kind }; 4];
        let nexts: [Next; 4] = std::array::from_fn(|r| match (current, r) {
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
        });
        // Among the grades that graduate, Hard < Good < Easy by at least a
        // day each (Anki's rule), within the maximum interval.
        let max = self.settings.max_interval.max(1);
        let mut ivls = ivls;
        for r in 2..4 {
            if matches!(nexts[r], Next::Graduate) && matches!(nexts[r - 1], Next::Graduate) {
                ivls[r] = ivls[r].max(ivls[r - 1] + 1).min(max);
            }
        }
        for (r, o) in out.iter_mut().enumerate() {
            let next = &nexts[r];
            let mut st = CardState {
                memory: Some(items[r].memory.into()),
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
                    st.interval = ivls[r];
                    st.due = Some(today.saturating_add(ivls[r] as Day));
                }
            }
            if kind == ReviewKind::First {
                // SM-2's n, EF and lapses, as SM-2 would have them.
                let grade = match r {
                    0 => 0,
                    1 => 3,
                    2 => 4,
                    _ => 5,
                };
                let grade = Grade::try_from(grade).unwrap_or(Grade::ALL[0]);
                st.ease = sm2::next_ease(s.ease, grade);
                if r == 0 {
                    st.reps = 0;
                    st.lapses = s.lapses + u32::from(!s.is_new());
                } else {
                    st.reps = s.reps + 1;
                }
            }
            o.state = st;
        }
        out
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
    fn answer<R: Rng + ?Sized>(
        &self,
        state: &CardState,
        grade: Grade,
        today: Day,
        rng: &mut R,
    ) -> Outcome {
        let mut out = self.outcome(state, grade, today);
        if self.settings.fuzz && out.state.step.is_none() {
            if let Some((lo, hi)) = sm2::fuzz_range(out.state.interval, self.settings.max_interval)
            {
                let interval = rng.random_range(lo..=hi);
                out.state.interval = interval;
                out.state.due = Some(today.saturating_add(interval as Day));
            }
        }
        out
    }

    fn preview(&self, state: &CardState, today: Day) -> [Outcome; 6] {
        Grade::ALL.map(|g| self.outcome(state, g, today))
    }
}

#[cfg(test)]
mod tests {
    //! Expected values come from the `fsrs` crate itself, called directly,
    //! then rounded as the module docs say; the steps from the documented
    //! delays.
    use super::*;
    use crate::scheduler::{Ease, sm2::next_ease};
    use rand::{SeedableRng, rngs::StdRng};

    const NOW: i64 = 1_767_600_000_000;
    const TODAY: Day = 20_458;

    fn g(v: u8) -> Grade {
        Grade::try_from(v).unwrap_or(Grade::ALL[0])
    }

    fn exact(retention: f32) -> Fsrs {
        Fsrs::new(
            &[],
            FsrsSettings {
                desired_retention: retention,
                ..FsrsSettings::default()
            },
            Settings {
                fuzz: false,
                max_interval: 36_500,
            },
            NOW,
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    fn crate_model() -> FSRS {
        FSRS::new(&[]).unwrap_or_else(|e| panic!("{e}"))
    }

    fn days(ivl: f32) -> u32 {
        ivl.round().max(1.0) as u32
    }

    #[test]
    fn grades_map_to_again_hard_good_easy() {
        let r: Vec<u32> = Grade::ALL.iter().map(|&g| rating(g)).collect();
        assert_eq!(r, [1, 1, 1, 2, 3, 4]);
    }

    #[test]
    fn steps_parse_and_print() {
        let s = Steps::parse("1m 10m").unwrap_or_else(|| panic!("parse"));
        assert_eq!(s.as_slice(), &[60, 600]);
        assert_eq!(s.to_string(), "1m 10m");
        assert_eq!(
            Steps::parse("90s, 2h 1d").map(|s| s.to_string()).as_deref(),
            Some("90s 2h 1d")
        );
        assert_eq!(Steps::parse("").map(|s| s.is_empty()), Some(true));
        for bad in ["10", "5x", "0m", "31d", "-1m", "1m 1m 1m 1m 1m 1m 1m 1m 1m"] {
            assert_eq!(Steps::parse(bad), None, "{bad}");
        }
        assert_eq!(FsrsSettings::default().learning_steps.to_string(), "1m 10m");
        assert_eq!(FsrsSettings::default().relearning_steps.to_string(), "10m");
    }

    #[test]
    fn a_new_card_goes_through_the_learning_steps() {
        let f = exact(0.9);
        let next = crate_model()
            .next_states(None, 0.9, 0)
            .unwrap_or_else(|e| panic!("{e}"));
        let p = f.preview(&CardState::NEW, TODAY);
        // Again (0, 1, 2): first step, 1 minute; Hard: mean of 1m and 10m;
        // Good: second step, 10 minutes; Easy: graduates.
        for (grade, index, secs) in [(0, 0, 60), (2, 0, 60), (3, 0, 330), (4, 1, 600)] {
            let s = p[grade].state;
            assert_eq!(
                s.step,
                Some(LearnStep {
                    index,
                    due_ms: NOW + secs * 1000
                }),
                "grade {grade}"
            );
            assert_eq!((s.due, s.interval), (Some(TODAY), 0), "grade {grade}");
            assert_eq!(p[grade].kind, ReviewKind::First);
        }
        assert_eq!(p[0].state.memory, Some(next.again.memory.into()));
        assert_eq!(p[3].state.memory, Some(next.hard.memory.into()));
        assert_eq!(p[4].state.memory, Some(next.good.memory.into()));
        let easy = p[5].state;
        assert_eq!(easy.step, None);
        assert_eq!(easy.memory, Some(next.easy.memory.into()));
        assert_eq!(easy.interval, days(next.easy.interval));
        assert_eq!(easy.due, Some(TODAY + easy.interval as Day));
        // SM-2's own fields follow SM-2: n, EF, and no lapse for a new card.
        assert_eq!(
            (p[0].state.reps, p[0].state.ease, p[0].state.lapses),
            (0, Ease(1700), 0)
        );
        assert_eq!((easy.reps, easy.ease), (1, Ease(2600)));
    }

    #[test]
    fn the_last_learning_step_graduates_with_the_crates_interval() {
        let f = exact(0.9);
        let first = f.answer(&CardState::NEW, g(4), TODAY, &mut StdRng::seed_from_u64(0));
        let later = Fsrs {
            now_ms: NOW + 600_000,
            ..f.clone()
        };
        let p = later.preview(&first.state, TODAY);
        let m0: MemoryState = first
            .state
            .memory
            .map(Into::into)
            .unwrap_or_else(|| panic!("memory"));
        let next = crate_model()
            .next_states(Some(m0), 0.9, 0)
            .unwrap_or_else(|e| panic!("{e}"));
        let good = p[4].state;
        assert_eq!(
            p[4].kind,
            ReviewKind::Repeat,
            "a same-day step is not the day's first answer"
        );
        assert_eq!(good.step, None);
        assert_eq!(good.memory, Some(next.good.memory.into()));
        assert_eq!(good.interval, days(next.good.interval));
        let easy = p[5].state;
        assert_eq!(
            easy.interval,
            days(next.easy.interval).max(good.interval + 1)
        );
        // A same-day step leaves SM-2's fields as the first answer set them.
        assert_eq!((good.reps, good.ease), (first.state.reps, first.state.ease));
        // Hard on the last of two steps repeats it: 10 minutes.
        assert_eq!(
            p[3].state.step.map(|s| (s.index, s.due_ms)),
            Some((1, NOW + 600_000 + 600_000))
        );
    }

    #[test]
    fn review_intervals_are_the_crates_rounded_for_each_retention() {
        let model = crate_model();
        let memory = MemoryState {
            stability: 12.5,
            difficulty: 6.2,
        };
        // Reviewed 10 days ago, due now.
        let state = CardState {
            reps: 3,
            interval: 10,
            ease: Ease(2360),
            due: Some(TODAY),
            memory: Some(memory.into()),
            ..CardState::NEW
        };
        for r in [0.8f32, 0.9, 0.95] {
            let next = model
                .next_states(Some(memory), r, 10)
                .unwrap_or_else(|e| panic!("{e}"));
            let p = exact(r).preview(&state, TODAY);
            let hard = days(next.hard.interval);
            let good = days(next.good.interval).max(hard + 1);
            let easy = days(next.easy.interval).max(good + 1);
            let ivls: Vec<u32> = p[3..].iter().map(|o| o.state.interval).collect();
            assert_eq!(ivls, [hard, good, easy], "retention {r}");
            for (o, item) in p[3..].iter().zip([next.hard, next.good, next.easy]) {
                assert_eq!(o.state.memory, Some(item.memory.into()));
                assert_eq!(o.state.step, None);
                assert_eq!(o.state.due, Some(TODAY + o.state.interval as Day));
            }
            // A lapse: the relearning step (10 minutes), the crate's Again state.
            let again = p[1].state;
            assert_eq!(again.memory, Some(next.again.memory.into()));
            assert_eq!(again.step.map(|s| s.due_ms), Some(NOW + 600_000));
            assert_eq!((again.lapses, again.reps, again.interval), (1, 0, 10));
            assert_eq!(again.ease, next_ease(Ease(2360), g(1)));
        }
    }

    #[test]
    fn without_steps_every_grade_graduates() {
        let f = Fsrs {
            fsrs: FsrsSettings {
                learning_steps: Steps::new(&[]).unwrap_or_else(|| panic!("steps")),
                ..FsrsSettings::default()
            },
            ..exact(0.9)
        };
        let next = crate_model()
            .next_states(None, 0.9, 0)
            .unwrap_or_else(|e| panic!("{e}"));
        let p = f.preview(&CardState::NEW, TODAY);
        assert!(p.iter().all(|o| o.state.step.is_none()));
        assert_eq!(p[0].state.interval, days(next.again.interval));
    }

    #[test]
    fn memory_from_a_history_is_the_crates() {
        let model = crate_model();
        // Days 0, 0 (a same-day step), 1, 4, 15 (forgotten), 16; grades 4 4 5 3 1 4.
        let history: Vec<Answer> = [(0, 4), (0, 4), (1, 5), (4, 3), (15, 1), (16, 4)]
            .iter()
            .map(|&(d, gr)| Answer {
                day: TODAY + d,
                grade: g(gr),
            })
            .collect();
        let item = FSRSItem {
            reviews: [(0, 3), (0, 3), (1, 4), (3, 2), (11, 1), (1, 3)]
                .iter()
                .map(|&(delta_t, rating)| FSRSReview { rating, delta_t })
                .collect(),
        };
        let expected = model
            .memory_state(item, None)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            memory_from_history(&model, &history, None),
            Some(expected.into())
        );
        // And answering the same history one by one through the scheduler
        // arrives at the same state (what is stored matches what a switch computes).
        let f = Fsrs::new(
            &[],
            FsrsSettings::default(),
            Settings {
                fuzz: false,
                max_interval: 36_500,
            },
            NOW,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let mut state = CardState::NEW;
        let mut rng = StdRng::seed_from_u64(1);
        for a in &history {
            // Each answer on its day, whatever the schedule said: a card in a
            // step is shown as it is (its due day is the step's day); a
            // graduated one as due that day, its interval reaching back to
            // its last answer.
            let shown = match (state.step, state.due) {
                (None, Some(_)) => CardState {
                    interval: u32::try_from(a.day - last_day(&state)).unwrap_or(0),
                    due: Some(a.day),
                    ..state
                },
                _ => state,
            };
            state = f.answer(&shown, a.grade, a.day, &mut rng).state;
        }
        assert_eq!(state.memory, Some(expected.into()));
    }

    fn last_day(s: &CardState) -> Day {
        s.due.unwrap_or(0) - s.interval as Day
    }

    #[test]
    fn a_card_without_a_log_starts_from_its_sm2_state() {
        let model = crate_model();
        let m = model
            .memory_state_from_sm2(2.5, 30.0, 0.9)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            memory_from_history(
                &model,
                &[],
                Some(Start {
                    ease: Ease(2500),
                    interval: 30,
                    last_day: TODAY
                })
            ),
            Some(m.into())
        );
    }
}
