//! `py201 review --ahead`: cards not due yet, soonest first, each answered
//! as an early review (SM-2 on the days that passed, src/scheduler/sm2.rs),
//! recorded as such in the log; no new cards; the daily review limit's
//! count of today's answers does not stop it.

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;
use serde_json::{Value, json};

/// The Test deck with fuzz off, answered 5, 5, 5 on day 1 and again on day 2:
/// t-a, t-b, t-c then have n = 2, 6 days, EF 2.7, due on day 8.
fn studied() -> Env {
    let env = env_with("test.toml");
    env.config("fuzz", "off");
    env.run_ok(&at_day(1), &["review", "--deck", "Test"], "\n5\n\n5\n\n5\n");
    env.run_ok(&at_day(2), &["review", "--deck", "Test"], "\n5\n\n5\n\n5\n");
    for id in ["t-a", "t-b", "t-c"] {
        let c = env.card(&at_day(2), "Test", id);
        assert_eq!(
            (&c["interval"], &c["due"]),
            (&json!(6), &json!("2026-01-12"))
        );
    }
    env
}

#[test]
fn review_ahead_takes_cards_not_due_yet_as_early_reviews() {
    let env = studied();
    // Day 4: nothing is due, so a plain review has nothing to show.
    let out = env.run_ok(&at_day(4), &["review", "--deck", "Test"], "");
    assert!(out.contains("No cards reviewed."), "{out}");
    // Ahead: t-a graded 4 two days after its last answer: ceil(2 * 2.7) = 6,
    // never below the 6 days it had, so due on day 10 (it was day 8).
    // t-b graded 5: the same 6 days. t-c graded 3: max(ceil(2 * 2.7),
    // ceil(6 / 2)) = 6, EF 2.56.
    let out = env.run_ok(
        &at_day(4),
        &["review", "--deck", "Test", "--ahead"],
        "\n4\n\n5\n\n3\n\n4\n",
    );
    assert_eq!(
        questions(&out).len(),
        4,
        "three early reviews, one same-day repeat: {out}"
    );
    let state = |id| {
        let c = env.card(&at_day(4), "Test", id);
        (
            c["interval"].clone(),
            c["due"].clone(),
            c["ef"].clone(),
            c["reps"].clone(),
        )
    };
    assert_eq!(
        state("t-a"),
        (json!(6), json!("2026-01-14"), json!(2.7), json!(3))
    );
    assert_eq!(
        state("t-b"),
        (json!(6), json!("2026-01-14"), json!(2.8), json!(3))
    );
    assert_eq!(
        state("t-c"),
        (json!(6), json!("2026-01-14"), json!(2.56), json!(3))
    );
    // The log says which answers were early.
    let show: Value =
        serde_json::from_str(&env.run_ok(&at_day(4), &["show", "t-a", "--json"], "")).unwrap();
    let early: Vec<bool> = show["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["early"].as_bool().unwrap())
        .collect();
    assert_eq!(early, [false, false, true]);
    let text = env.run_ok(&at_day(4), &["show", "t-a"], "");
    assert!(text.contains("4 (early)"), "{text}");
    // On time later: the plain step from the early review's interval,
    // ceil(6 * 2.7) = 17.
    env.run_ok(
        &at_day(10),
        &["review", "--deck", "Test", "--limit", "1"],
        "\n4\n",
    );
    assert_eq!(env.card(&at_day(10), "Test", "t-a")["interval"], json!(17));
}

#[test]
fn review_ahead_shows_no_new_cards_and_ignores_answers_already_given_today() {
    let env = studied();
    env.config("reviews-per-day", "1");
    // Day 3, the whole collection: the soonest due Test card, no built-in new card.
    let out = env.run_ok(&at_day(3), &["review", "--ahead", "--limit", "1"], "\n5\n");
    assert_eq!(questions(&out).len(), 1, "{out}");
    // Today's one answer used the day's review limit; ahead is extra study
    // the learner asked for, so the other two still come (and only them).
    let out = env.run_ok(&at_day(3), &["review", "--ahead"], "\n5\n\n5\n");
    assert_eq!(questions(&out).len(), 2, "{out}");
    let answered: Vec<Value> =
        serde_json::from_str(&env.run_ok(&at_day(3), &["cards", "--json", "rated:1"], "")).unwrap();
    let ids: Vec<&str> = answered.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["t-a", "t-b", "t-c"]);
    // A plain review of the deck has nothing: nothing in it is due.
    let out = env.run_ok(&at_day(3), &["review", "--deck", "Test"], "");
    assert_eq!(questions(&out), Vec::<String>::new(), "{out}");
}
