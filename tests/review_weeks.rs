//! Several simulated weeks through the real `py201 review`, with answers
//! piped in and `fuzz off`: every interval, EF and due date must follow SM-2
//! as worked out by hand in the comments.

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;
use serde_json::{Value, json};

fn sched(c: &Value) -> (Value, Value, Value, Value, Value, Value) {
    (
        c["interval"].clone(),
        c["ef"].clone(),
        c["reps"].clone(),
        c["lapses"].clone(),
        c["due"].clone(),
        c["state"].clone(),
    )
}

/// (interval, EF, reps, lapses, due) of card `id`, in state "review".
fn expect(env: &Env, now: &str, id: &str, want: (u32, f64, u32, u32, &str)) {
    let c = env.card(now, "Test", id);
    let (interval, ef, reps, lapses, due) = want;
    assert_eq!(
        sched(&c),
        (
            json!(interval),
            json!(ef),
            json!(reps),
            json!(lapses),
            json!(due),
            json!("review")
        ),
        "card {id} at {now}"
    );
}

#[test]
fn three_cards_over_three_weeks_follow_sm2_exactly() {
    let env = env_with("test.toml");
    env.config("fuzz", "off");
    let review =
        |day: i64, input: &str| env.run_ok(&at_day(day), &["review", "--deck", "Test"], input);

    // Day 1 (2026-01-05): three new cards in course order, graded 5, 3, 1.
    // b (3) and c (1) are below 4, so SM-2 repeats them after the day's cards:
    // b gets 4 (done), c gets 2 (again), then 4 (done).
    let out = review(1, "\n5\n\n3\n\n1\n\n4\n\n2\n\n4\n");
    let a = "Which dunder does `a + b` try first?";
    let b = "Which dunder does `len(obj)` call?";
    let c = "Which marker ends the positional-only parameters?";
    assert_eq!(questions(&out), vec![a, b, c, b, c, c]);
    assert!(
        out.contains("Reviewed 3 cards (6 answers, 3 same-day repeats); 67% graded 3 or higher"),
        "{out}"
    );
    assert!(
        out.contains("Next due: 2026-01-06 (tomorrow), 3 cards."),
        "{out}"
    );
    // All three were introduced today and come back tomorrow; the first day
    // with a review starts the streak.
    assert!(out.contains("Tomorrow: 3 due, 0 new."), "{out}");
    assert!(out.contains("Streak: 1 day in a row."), "{out}");
    // q=5 on a new card: 1 day, EF 2.5+0.1. q=3: 1 day, EF 2.5-0.14. q=1: 1 day, n=0,
    // EF 2.5-0.54; not a lapse (the card was new). Repeats change nothing.
    expect(&env, &at_day(1), "t-a", (1, 2.6, 1, 0, "2026-01-06"));
    expect(&env, &at_day(1), "t-b", (1, 2.36, 1, 0, "2026-01-06"));
    expect(&env, &at_day(1), "t-c", (1, 1.96, 0, 0, "2026-01-06"));

    // Day 2: all due; a 5 -> n=1 -> 6 days, EF 2.7; b 4 -> 6 days, EF 2.36;
    // c 4 -> n was 0 -> 1 day, EF 1.96.
    let out = review(2, "\n5\n\n4\n\n4\n");
    assert_eq!(questions(&out), vec![a, b, c]);
    // c comes back on day 3; a and b on day 8.
    assert!(out.contains("Tomorrow: 1 due, 0 new."), "{out}");
    assert!(out.contains("Streak: 2 days in a row."), "{out}");
    expect(&env, &at_day(2), "t-a", (6, 2.7, 2, 0, "2026-01-12"));
    expect(&env, &at_day(2), "t-b", (6, 2.36, 2, 0, "2026-01-12"));
    expect(&env, &at_day(2), "t-c", (1, 1.96, 1, 0, "2026-01-07"));

    // Day 3: c 5 -> 6 days, EF 2.06.
    assert_eq!(questions(&review(3, "\n5\n")), vec![c]);
    expect(&env, &at_day(3), "t-c", (6, 2.06, 2, 0, "2026-01-13"));

    // Day 4: nothing due in this deck.
    let out = review(4, "");
    assert!(questions(&out).is_empty());
    assert!(out.contains("No cards reviewed."), "{out}");
    assert!(
        out.contains("Next due: 2026-01-12 (in 4 days), 2 cards."),
        "{out}"
    );
    // Days 1-3 had reviews; day 4 has none yet, so the streak still stands.
    assert!(out.contains("Tomorrow: 0 due, 0 new."), "{out}");
    assert!(out.contains("Streak: 3 days in a row."), "{out}");

    // Day 8: a 4 -> ceil(6 * 2.7) = 17 days. b 2 -> failure: 1 day, n=0,
    // EF 2.36-0.32 = 2.04, first lapse; then its same-day repeat, graded 5.
    let out = review(8, "\n4\n\n2\n\n5\n");
    assert_eq!(questions(&out), vec![a, b, b]);
    // Days 4-7 had no review: a new streak starts. b (1 day) and c (due
    // day 9 since day 3's 6 days) are due tomorrow.
    assert!(out.contains("Streak: 1 day in a row."), "{out}");
    assert!(out.contains("Tomorrow: 2 due, 0 new."), "{out}");
    expect(&env, &at_day(8), "t-a", (17, 2.7, 3, 0, "2026-01-29"));
    expect(&env, &at_day(8), "t-b", (1, 2.04, 0, 1, "2026-01-13"));

    // Day 9: b and c due the same day (course order breaks the tie).
    // b 5 -> n=0 -> 1 day, EF 2.14. c 3 -> ceil(6 * 2.06) = 13 days with the
    // EF from before the update, then EF 1.92; repeat c with 4.
    let out = review(9, "\n5\n\n3\n\n4\n");
    assert_eq!(questions(&out), vec![b, c, c]);
    expect(&env, &at_day(9), "t-b", (1, 2.14, 1, 1, "2026-01-14"));
    expect(&env, &at_day(9), "t-c", (13, 1.92, 3, 0, "2026-01-26"));

    // Day 10: b 5 -> n=1 -> 6 days, EF 2.24.
    review(10, "\n5\n");
    expect(&env, &at_day(10), "t-b", (6, 2.24, 2, 1, "2026-01-20"));

    // Day 26 (2026-01-30): all three are overdue, most overdue first:
    // b (due 01-20) 4 -> ceil(6 * 2.24) = 14 days; c (due 01-26) 4 ->
    // ceil(13 * 1.92) = 25 days; a (due 01-29) 5 -> ceil(17 * 2.7) = 46 days, EF 2.8.
    let out = review(26, "\n4\n\n4\n\n5\n");
    assert_eq!(questions(&out), vec![b, c, a], "most overdue first");
    expect(&env, &at_day(26), "t-b", (14, 2.24, 3, 1, "2026-02-13"));
    expect(&env, &at_day(26), "t-c", (25, 1.92, 4, 0, "2026-02-24"));
    expect(&env, &at_day(26), "t-a", (46, 2.8, 4, 0, "2026-03-17"));

    // The log holds every answer, repeats marked and leaving the state as it was.
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    let (total, repeats, unchanged): (i64, i64, i64) = conn
        .query_row(
            "SELECT count(*), sum(is_repeat),
               sum(is_repeat AND interval_before = interval_after AND ease_before = ease_after
                   AND reps_before = reps_after AND due_before IS due_after)
             FROM revlog",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (total, repeats, unchanged),
        (6 + 3 + 1 + 3 + 3 + 1 + 3, 5, 5)
    );
}
