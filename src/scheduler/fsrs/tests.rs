//! The FSRS scheduler against the `fsrs` crate called directly.

//! Expected values come from the `fsrs` crate itself, called directly,
//! then rounded as the module docs say; the steps from the documented
//! delays.
use super::*;
use crate::scheduler::{Ease, sm2::next_ease};

const NOW: i64 = 1_767_600_000_000;
const TODAY: Day = 20_458;

fn g(v: u8) -> Grade {
    Grade::try_from(v).unwrap()
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
    .unwrap()
}

fn crate_model() -> FSRS {
    FSRS::new(&[]).unwrap()
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
    let s = Steps::parse("1m 10m").expect("parse");
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
    let next = crate_model().next_states(None, 0.9, 0).unwrap();
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
    let first = f.answer(&CardState::NEW, g(4), TODAY, FuzzSeed(0));
    let later = Fsrs {
        now_ms: NOW + 600_000,
        ..f.clone()
    };
    let p = later.preview(&first.state, TODAY);
    let m0: MemoryState = first.state.memory.map(Into::into).expect("memory");
    let next = crate_model().next_states(Some(m0), 0.9, 0).unwrap();
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
        let next = model.next_states(Some(memory), r, 10).unwrap();
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
            learning_steps: Steps::new(&[]).expect("steps"),
            ..FsrsSettings::default()
        },
        ..exact(0.9)
    };
    let next = crate_model().next_states(None, 0.9, 0).unwrap();
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
    let expected = model.memory_state(item, None).unwrap();
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
    .unwrap();
    let mut state = CardState::NEW;
    let seed = FuzzSeed(1);
    for a in &history {
        // Each answer on its day, whatever the schedule said: a card in a
        // step is shown as it is (its due day is the step's day); a
        // graduated one as due that day, its interval reaching back to
        // its last answer.
        let shown = match (state.step, state.due) {
            (None, Some(_)) => CardState {
                interval: u32::try_from(a.day - last_day(&state))
                    .expect("answers come in day order"),
                due: Some(a.day),
                ..state
            },
            _ => state,
        };
        state = f.answer(&shown, a.grade, a.day, seed).state;
    }
    assert_eq!(state.memory, Some(expected.into()));
}

fn last_day(s: &CardState) -> Day {
    s.due.expect("a graduated card has a due day") - s.interval as Day
}

#[test]
fn a_card_without_a_log_starts_from_its_sm2_state() {
    let model = crate_model();
    let m = model.memory_state_from_sm2(2.5, 30.0, 0.9).unwrap();
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
