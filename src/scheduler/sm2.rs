//! SM-2 exactly as SuperMemo published it (Wozniak, 1987), plus py201's two
//! documented additions: optional interval fuzz and a maximum interval.
//!
//! * After every first review of the day (failures included):
//!   `EF' = EF + (0.1 - (5-q)(0.08 + (5-q)*0.02))`, never below 1.3. A failure
//!   does not reset EF.
//! * q >= 3: n = 0 -> 1 day, n = 1 -> 6 days, n >= 2 -> ceil(I * EF) with the
//!   EF from *before* this review's update; then n += 1.
//! * q < 3: n = 0 and the interval is 1 day.
//! * Same-day repeats (a card graded < 4 today, asked again until it gets 4 or
//!   5) change nothing but the pending-repeat mark.
//! * An early review (`py201 review --ahead`: a card answered before its due
//!   day) is SM-2's step measured on the days that really passed, as Anki's
//!   "review ahead" does: a pass gets `ceil(elapsed * EF)` days, never more
//!   than a review on time would get, and never less than the interval it
//!   had (grade 4 or 5) or half of it (grade 3), so studying ahead neither
//!   rewards nor punishes; a failure is a lapse as on any day.

use super::{CardState, Ease, FuzzSeed, Grade, Outcome, ReviewKind, Scheduler, Settings};
use crate::clock::Day;

#[derive(Debug, Clone, Copy, Default)]
pub struct Sm2 {
    pub settings: Settings,
}

impl Sm2 {
    pub fn new(settings: Settings) -> Self {
        Self { settings }
    }

    /// The exact SM-2 step, before fuzz and the maximum interval.
    fn step(&self, s: &CardState, grade: Grade, today: Day) -> Outcome {
        if s.needs_repeat(today) {
            let state = CardState {
                repeat_on: (grade.value() < 4).then_some(today),
                ..*s
            };
            return Outcome {
                state,
                kind: ReviewKind::Repeat,
            };
        }
        let ease = next_ease(s.ease, grade);
        let (reps, interval, lapses) = if grade.is_pass() {
            let on_time = match s.reps {
                0 => 1,
                1 => 6,
                _ => mul_ceil(s.interval.max(1), s.ease),
            };
            let interval = match early_elapsed(s, today) {
                Some(elapsed) => early_interval(s, grade, elapsed, on_time),
                None => on_time,
            };
            (s.reps + 1, interval, s.lapses)
        } else {
            (0, 1, s.lapses + u32::from(!s.is_new()))
        };
        let interval = interval.clamp(1, self.settings.max_interval.max(1));
        let state = CardState {
            reps,
            interval,
            ease,
            due: Some(today.saturating_add(interval as Day)),
            lapses,
            repeat_on: (grade.value() < 4).then_some(today),
            // SM-2 leaves the FSRS memory state alone (it is recomputed from
            // the log on the next switch to FSRS) and knows no learning steps.
            memory: s.memory,
            step: None,
        };
        Outcome {
            state,
            kind: ReviewKind::First,
        }
    }
}

impl Scheduler for Sm2 {
    fn answer(&self, state: &CardState, grade: Grade, today: Day, fuzz: FuzzSeed) -> Outcome {
        let mut out = self.step(state, grade, today);
        if out.kind == ReviewKind::First && self.settings.fuzz {
            apply_fuzz(&mut out, today, self.settings.max_interval, fuzz);
        }
        out
    }

    fn preview(&self, state: &CardState, today: Day) -> [Outcome; 6] {
        Grade::ALL.map(|g| self.step(state, g, today))
    }
}

/// EF after grade `q`, in exact thousandths: the deltas for q = 5..0 are
/// +100, 0, -140, -320, -540, -800.
pub fn next_ease(ef: Ease, q: Grade) -> Ease {
    let d = i32::from(5 - q.value());
    let delta = 100 - d * (80 + d * 20);
    let ef = (i32::from(ef.0) + delta).max(i32::from(Ease::MIN.0));
    Ease(u16::try_from(ef).unwrap_or(u16::MAX))
}

/// Days since the last answer of a card answered before its due day, or
/// `None` when it is answered on or after that day (or is new).
fn early_elapsed(s: &CardState, today: Day) -> Option<u32> {
    let due = s.due.filter(|&d| d > today && s.reps > 0)?;
    let ahead = u32::try_from(due - today).unwrap_or(u32::MAX);
    Some(s.interval.saturating_sub(ahead))
}

/// An early pass's interval (see the module's doc): the step on the days
/// that passed, between a floor kept from the interval it had and what a
/// review on time (`on_time`) would give.
fn early_interval(s: &CardState, grade: Grade, elapsed: u32, on_time: u32) -> u32 {
    let floor = if grade.value() >= 4 {
        s.interval
    } else {
        s.interval.div_ceil(2)
    };
    mul_ceil(elapsed, s.ease).max(floor).min(on_time).max(1)
}

/// `ceil(interval * ef)` in integers.
fn mul_ceil(interval: u32, ef: Ease) -> u32 {
    let v = (u64::from(interval) * u64::from(ef.0)).div_ceil(1000);
    u32::try_from(v).unwrap_or(u32::MAX)
}

/// Draws the outcome's interval from [`fuzz_range`] and moves its due day
/// with it. Both schedulers fuzz this one way, so `fuzz` means the same
/// under SM-2 and FSRS.
pub fn apply_fuzz(out: &mut Outcome, today: Day, max_interval: u32, fuzz: FuzzSeed) {
    if let Some((lo, hi)) = fuzz_range(out.state.interval, max_interval) {
        let interval = fuzz.pick(lo, hi);
        out.state.interval = interval;
        out.state.due = Some(today.saturating_add(interval as Day));
    }
}

/// The inclusive range a fuzzed interval is drawn from, or `None` when the
/// interval is left exact (under 3 days). The spread is ±15% under a week,
/// ±10% under 20 days, ±5% beyond, and at least ±1 day; the range never goes
/// below 1 or above `max`.
pub fn fuzz_range(interval: u32, max: u32) -> Option<(u32, u32)> {
    if interval < 3 {
        return None;
    }
    let pct = match interval {
        0..7 => 15,
        7..20 => 10,
        _ => 5,
    };
    let spread = ((u64::from(interval) * pct + 50) / 100).max(1) as u32;
    let lo = interval.saturating_sub(spread).max(1);
    let hi = interval.saturating_add(spread).min(max.max(1));
    Some((lo.min(hi), hi))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact() -> Sm2 {
        Sm2::new(Settings {
            fuzz: false,
            max_interval: 36_500,
        })
    }

    fn g(v: u8) -> Grade {
        Grade::try_from(v).unwrap()
    }

    /// Walks one card through `grades`, one review per day on its due date,
    /// and checks (interval, EF in thousandths, n, lapses) after each answer.
    fn walk(grades: &[u8], expected: &[(u32, u16, u32, u32)]) {
        let s = exact();
        let seed = FuzzSeed(0);
        let mut state = CardState::NEW;
        let mut today: Day = 20_000;
        for (i, (&q, &(ivl, ef, n, lapses))) in grades.iter().zip(expected).enumerate() {
            let out = s.answer(&state, g(q), today, seed);
            assert_eq!(out.kind, ReviewKind::First, "step {i}");
            let st = out.state;
            assert_eq!(
                (st.interval, st.ease.0, st.reps, st.lapses),
                (ivl, ef, n, lapses),
                "step {i} (q={q})"
            );
            assert_eq!(st.due, Some(today + ivl as Day), "due at step {i}");
            state = st;
            today += ivl as Day;
        }
    }

    #[test]
    fn sequence_5_5_4_4_5_3_1_4_5_5_matches_hand_worked_values() {
        // Worked by hand from the formulas in the module docs:
        //  q=5: n0 -> 1d, EF 2.6        q=5: n1 -> 6d, EF 2.7
        //  q=4: ceil(6*2.7)=17, EF 2.7  q=4: ceil(17*2.7)=46
        //  q=5: ceil(46*2.7)=125, EF 2.8
        //  q=3: ceil(125*2.8)=350 (exactly; EF before the update), EF 2.66
        //  q=1: fail -> 1d, n=0, EF 2.12, 1 lapse
        //  q=4: n0 -> 1d   q=5: n1 -> 6d, EF 2.22   q=5: ceil(6*2.22)=14, EF 2.32
        walk(
            &[5, 5, 4, 4, 5, 3, 1, 4, 5, 5],
            &[
                (1, 2600, 1, 0),
                (6, 2700, 2, 0),
                (17, 2700, 3, 0),
                (46, 2700, 4, 0),
                (125, 2800, 5, 0),
                (350, 2660, 6, 0),
                (1, 2120, 0, 1),
                (1, 2120, 1, 1),
                (6, 2220, 2, 1),
                (14, 2320, 3, 1),
            ],
        );
    }

    #[test]
    fn sequence_0_0_5_5_3_floors_ef_at_1_3() {
        // q=0 on a new card: EF 1.7, not a lapse (never learned).
        // q=0 again: EF 0.9 -> floor 1.3; a lapse now. q=5: 1d, EF 1.4.
        // q=5: 6d, EF 1.5. q=3: ceil(6*1.5)=9, EF 1.36.
        walk(
            &[0, 0, 5, 5, 3],
            &[
                (1, 1700, 0, 0),
                (1, 1300, 0, 1),
                (1, 1400, 1, 1),
                (6, 1500, 2, 1),
                (9, 1360, 3, 1),
            ],
        );
    }

    /// A review card: interval 15 d, EF 2.5, n 3, last answered on day 100.
    fn reviewing() -> CardState {
        CardState {
            reps: 3,
            interval: 15,
            ease: Ease(2500),
            due: Some(115),
            ..CardState::NEW
        }
    }

    #[test]
    fn an_early_pass_is_sm2_on_the_days_that_passed() {
        let s = exact();
        let seed = FuzzSeed(0);
        let at = |q, today| s.answer(&reviewing(), g(q), today, seed).state;
        // Day 110, 10 days after the last answer: ceil(10 * 2.5) = 25 days
        // (on time, day 115, it would be ceil(15 * 2.5) = 38).
        let st = at(4, 110);
        assert_eq!(
            (st.interval, st.due, st.reps, st.ease.0),
            (25, Some(135), 4, 2500)
        );
        assert_eq!(at(4, 115).interval, 38, "on the due day: the plain step");
        // Day 101: ceil(1 * 2.5) = 3, but a 4 or 5 keeps the 15 days it had.
        assert_eq!(at(4, 101).interval, 15);
        assert_eq!(at(5, 101).interval, 15);
        // A 3 may halve it: max(ceil(2 * 2.5), ceil(15 / 2)) = 8.
        assert_eq!(at(3, 102).interval, 8);
        // Never more than on time: day 114 gives ceil(14 * 2.5) = 35 < 38.
        assert_eq!(at(5, 114).interval, 35);
        // A failure ahead of time is a lapse like any other.
        let st = at(2, 105);
        assert_eq!((st.interval, st.reps, st.lapses), (1, 0, 1));
    }

    #[test]
    fn an_early_pass_of_a_card_due_tomorrow_keeps_it_due_tomorrow() {
        // Answered 5 on day 100 (n=1, 1 day), reviewed ahead the same day:
        // no day has passed, so it keeps its 1 day rather than jumping to 6.
        let s = exact();
        let seed = FuzzSeed(0);
        let first = s.answer(&CardState::NEW, g(5), 100, seed).state;
        let again = s.answer(&first, g(5), 100, seed).state;
        assert_eq!((again.interval, again.due, again.reps), (1, Some(101), 2));
    }

    #[test]
    fn ease_deltas_per_grade() {
        let deltas: Vec<i32> = Grade::ALL
            .iter()
            .map(|&q| i32::from(next_ease(Ease(2500), q).0) - 2500)
            .collect();
        assert_eq!(deltas, vec![-800, -540, -320, -140, 0, 100]);
    }

    #[test]
    fn below_four_marks_a_same_day_repeat_which_changes_nothing_else() {
        let s = exact();
        let seed = FuzzSeed(1);
        let today = 100;
        let first = s.answer(&CardState::NEW, g(3), today, seed).state;
        assert_eq!(first.repeat_on, Some(today));
        assert_eq!((first.interval, first.ease.0, first.reps), (1, 2360, 1));
        let again = s.answer(&first, g(2), today, seed);
        assert_eq!(again.kind, ReviewKind::Repeat);
        assert_eq!(
            again.state, first,
            "a failed repeat keeps everything, still pending"
        );
        let done = s.answer(&again.state, g(4), today, seed);
        assert_eq!(done.kind, ReviewKind::Repeat);
        assert_eq!(
            done.state,
            CardState {
                repeat_on: None,
                ..first
            }
        );
        // A pending repeat from an earlier day is stale: the next answer is a normal review.
        let next_day = s.answer(&first, g(5), today + 1, seed);
        assert_eq!(next_day.kind, ReviewKind::First);
        assert_eq!(next_day.state.interval, 6);
    }

    #[test]
    fn maximum_interval_caps_growth() {
        let s = Sm2::new(Settings {
            fuzz: false,
            max_interval: 30,
        });
        let state = CardState {
            reps: 5,
            interval: 25,
            ease: Ease(2500),
            due: Some(10),
            ..CardState::NEW
        };
        let out = s.answer(&state, g(5), 10, FuzzSeed(0));
        assert_eq!(out.state.interval, 30);
        assert_eq!(out.state.due, Some(40));
    }

    #[test]
    fn fuzz_ranges_are_documented_bounds() {
        assert_eq!(fuzz_range(1, 100), None);
        assert_eq!(fuzz_range(2, 100), None);
        assert_eq!(fuzz_range(3, 100), Some((2, 4)));
        assert_eq!(fuzz_range(6, 100), Some((5, 7)));
        assert_eq!(fuzz_range(17, 100), Some((15, 19)));
        assert_eq!(fuzz_range(350, 36_500), Some((332, 368)));
        assert_eq!(fuzz_range(100, 100), Some((95, 100)));
    }

    #[test]
    fn fuzz_is_deterministic_for_a_seed_and_stays_in_range() {
        let s = Sm2::new(Settings {
            fuzz: true,
            max_interval: 36_500,
        });
        let state = CardState {
            reps: 2,
            interval: 6,
            ease: Ease(2500),
            due: Some(50),
            ..CardState::NEW
        };
        let draw = |seed| {
            s.answer(&state, g(4), 50, FuzzSeed::for_card("card", seed))
                .state
                .interval
        };
        let mut seen = std::collections::BTreeSet::new();
        for seed in 0..200 {
            let i = draw(seed);
            assert_eq!(i, draw(seed));
            assert!(
                (13..=17).contains(&i),
                "15 fuzzed to {i} (range ±2: 10% of 15, rounded)"
            );
            seen.insert(i);
        }
        assert_eq!(seen.len(), 5, "fuzz should actually spread: {seen:?}");
    }

    #[test]
    fn preview_matches_unfuzzed_answers() {
        let s = exact();
        let state = CardState {
            reps: 2,
            interval: 6,
            ease: Ease(2500),
            due: Some(50),
            ..CardState::NEW
        };
        let p = s.preview(&state, 50);
        let ivls: Vec<u32> = p.iter().map(|o| o.state.interval).collect();
        assert_eq!(ivls, vec![1, 1, 1, 15, 15, 15]);
    }
}
