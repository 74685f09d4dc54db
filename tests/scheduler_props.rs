//! Invariants of the scheduler for any grade sequence and any settings.

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use py201::scheduler::{
    CardState, FuzzSeed, Grade, ReviewKind, Scheduler, Settings,
    sm2::{Sm2, fuzz_range},
};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn ef_interval_and_due_stay_in_bounds(
        grades in proptest::collection::vec((0u8..=5, 0i32..40, any::<bool>()), 1..60),
        fuzz in any::<bool>(),
        max_interval in 1u32..=36_500,
        seed in any::<u64>(),
    ) {
        let s = Sm2::new(Settings { fuzz, max_interval });
        let exact = Sm2::new(Settings { fuzz: false, max_interval });
        let mut state = CardState::NEW;
        let mut today = 10_000;
        for (q, gap, same_day) in grades {
            let g = Grade::try_from(q).map_err(|_| TestCaseError::fail("grade"))?;
            let out = s.answer(&state, g, today, FuzzSeed(seed ^ u64::from(today as u32)));
            let st = out.state;
            prop_assert!(st.ease.0 >= 1300);
            prop_assert!(st.interval >= 1 && st.interval <= max_interval);
            prop_assert!(st.due.is_some_and(|d| d > today));
            match out.kind {
                ReviewKind::Repeat => prop_assert_eq!((st.interval, st.ease, st.reps, st.due), (state.interval, state.ease, state.reps, state.due)),
                ReviewKind::First => {
                    let plain = exact.answer(&state, g, today, FuzzSeed(seed)).state.interval;
                    match fuzz.then(|| fuzz_range(plain, max_interval)).flatten() {
                        Some((lo, hi)) => prop_assert!((lo..=hi).contains(&st.interval)),
                        None => prop_assert_eq!(st.interval, plain),
                    }
                }
            }
            prop_assert_eq!(st.repeat_on.is_some(), q < 4);
            state = st;
            if !same_day {
                today += 1 + gap;
            }
        }
    }
}
