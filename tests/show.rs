//! `py201 show ID` end to end: the card, every answer it was given, and
//! under FSRS its recall; an unknown id answered with the nearest ones.

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;

fn show_json(env: &Env, now: &str, id: &str) -> serde_json::Value {
    let out = env.run_ok(now, &["show", "--json", id], "");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}\n{out}"))
}

#[test]
fn show_lists_the_card_and_every_answer() {
    let env = env_with("test.toml");
    // t-a: 1 (wrong, a repeat follows), then 4 on the repeat; next day 5.
    env.run_ok(
        T0,
        &["review", "--deck", "test", "--limit", "1"],
        "\n1\n\n4\nq\n",
    );
    env.run_ok(
        &at_day(2),
        &["review", "--deck", "test", "--limit", "1"],
        "\n5\nq\n",
    );
    let j = show_json(&env, &at_day(2), "t-a");
    assert_eq!(j["card"]["id"], "t-a");
    assert_eq!(j["card"]["deck"], "Test");
    assert_eq!(j["recall"], serde_json::Value::Null);
    let h = j["history"].as_array().unwrap();
    let grades: Vec<(u64, bool)> = h
        .iter()
        .map(|a| (a["grade"].as_u64().unwrap(), a["repeat"].as_bool().unwrap()))
        .collect();
    assert_eq!(grades, [(1, false), (4, true), (5, false)]);
    assert_eq!(h[0]["time"], "2026-01-05T09:00:00Z");
    assert_eq!(h[2]["day"], "2026-01-06");
    assert_eq!(
        (&h[2]["interval_before"], &h[2]["interval_after"]),
        (&1.into(), &1.into())
    );
    assert_eq!(h[0]["ef_before"], 2.5);
    assert_eq!(h[0]["ef_after"], 1.96);
    let text = env.run_ok(&at_day(2), &["show", "T-A"], "");
    assert!(text.starts_with("t-a · Test · basic · review\n"), "{text}");
    assert!(
        text.contains("Front  Which dunder does `a + b` try first?"),
        "{text}"
    );
    assert!(text.contains("3 answers:"), "{text}");
    assert!(text.contains("2026-01-05 09:00 ┆ 4 (repeat)"), "{text}");
    assert!(text.contains("2.50 → 1.96"), "{text}");
}

#[test]
fn under_fsrs_show_gives_recall_and_when_it_falls_to_the_retention() {
    let env = env_with("test.toml");
    env.run_ok(
        T0,
        &["review", "--deck", "test", "--limit", "1"],
        "\n5\nq\n",
    );
    env.config("scheduler", "fsrs");
    let j = show_json(&env, &at_day(3), "t-a");
    let r = j["recall"].as_f64().unwrap();
    assert!(r > 0.5 && r < 1.0, "{r}");
    let falls = j["recall_falls_to_retention_on"]
        .as_str()
        .unwrap()
        .to_string();
    // On that day recall is at or below 90%, the day before above it.
    let day = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
    let t0 = day("2026-01-05");
    let n = (day(&falls) - t0).num_days();
    let on = show_json(&env, &at_day(n + 1), "t-a")["recall"]
        .as_f64()
        .unwrap();
    let before = show_json(&env, &at_day(n), "t-a")["recall"]
        .as_f64()
        .unwrap();
    assert!(on <= 0.9 && before > 0.9, "{falls}: {before} then {on}");
    let text = env.run_ok(&at_day(3), &["show", "t-a"], "");
    assert!(
        text.contains("recall today") && text.contains(&format!("falls to 90% on {falls}")),
        "{text}"
    );
}

#[test]
fn an_unknown_id_names_the_closest_ones() {
    let env = env_with("test.toml");
    let out = env.cmd(T0).args(["show", "t-x"]).output().unwrap();
    let err = one_line_error(&out);
    assert!(
        err.contains("no card \"t-x\" (closest: t-a, t-b, t-c;"),
        "{err}"
    );
}
