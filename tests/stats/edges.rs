//! `py201 stats` apart from the scripted history: no reviews yet, bad
//! arguments, the rollover hour, and exact answer times.

use super::*;

#[test]
fn no_reviews_yet_is_said_plainly_and_json_has_no_division_by_zero() {
    let env = env_with("test.toml");
    let out = stats(&env, &["--deck", "Test"]);
    assert_eq!(
        out,
        // Folded at 100 columns (not a terminal), the command kept whole.
        "No reviews yet in deck \"Test\", so there are no statistics to show; 3 cards wait: run\n\
         `py201 review --deck \"Test\"`, and statistics appear after the first answer.\n"
    );
    let out = stats(&env, &[]);
    assert!(
        out.starts_with("No reviews yet, so there are no statistics"),
        "{out}"
    );
    assert!(!out.contains('┌'), "no tables: {out}");

    let j = stats_json(&env, &["--deck", "Test"]);
    assert_eq!(j["reviews"], 0);
    assert_eq!(
        j["today"],
        json!({"cards": 0, "reviews": 0, "time_ms": 0, "due": 0, "repeats": 0, "new": 3,
               "streak": 0, "longest_streak": 0})
    );
    let none = json!({"passed": 0, "reviews": 0, "percent": null});
    assert_eq!(
        j["retention"],
        json!({"young": none, "mature": none, "all": none, "decks": []})
    );
    assert_eq!(
        (&j["ease"]["cards"], &j["ease"]["average"]),
        (&json!(0), &Value::Null)
    );
    assert_eq!(j["intervals"]["average"], Value::Null);
    assert_eq!(
        (&j["hardest"], &j["calendar"]["days"]),
        (&json!([]), &json!([]))
    );
    assert_eq!(
        (&j["history"]["reviews"], &j["history"]["active_days"]),
        (&json!(0), &json!(0))
    );

    // Another deck's answers do not count for this one.
    let other = env_with("stats.toml");
    other.run_ok(
        &at_day(1),
        &["review", "--deck", "Stats", "--limit", "1"],
        "\n5\n",
    );
    let test_deck =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/decks/test.toml");
    other.run_ok(&at_day(1), &["import", &test_deck.to_string_lossy()], "");
    let out = stats_at(&other, &at_day(1), &["--deck", "Test"]);
    assert!(out.starts_with("No reviews yet in deck \"Test\""), "{out}");
}

#[test]
fn bad_arguments_are_refused() {
    let env = env_with("test.toml");
    // The first run adds any built-in decks and says so on stderr.
    env.run_ok(T0, &["decks"], "");
    for days in ["0", "36501", "many"] {
        let out = env
            .cmd(T0)
            .args(["stats", "--days", days])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "--days {days}");
    }
    let out = env
        .cmd(T0)
        .args(["stats", "--deck", "Nope"])
        .output()
        .unwrap();
    let err = one_line_error(&out);
    assert!(err.contains("no deck named \"Nope\""), "{err}");
}

/// Days start at `day-starts-at` local time: an answer at 02:00 belongs to
/// the study day before, for the streak, the history and the calendar.
#[test]
fn study_days_start_at_the_rollover_hour() {
    for (hour, want_date, want_streak) in [
        // 02:00 on Wed 01-07 is still Tuesday's study day: Mon, Tue reviewed,
        // and at 09:00 on Wednesday the streak (to yesterday) is 2.
        ("4", "2026-01-06", (2, 2)),
        // With days starting at midnight it is Wednesday: Mon, then a gap.
        ("0", "2026-01-07", (1, 1)),
    ] {
        let env = env_with("test.toml");
        env.config("fuzz", "off");
        env.config("day-starts-at", hour);
        env.run_ok(
            &at_day(1),
            &["review", "--deck", "Test", "--limit", "1"],
            "\n5\n",
        );
        env.run_ok(
            "2026-01-07T02:00:00Z",
            &["review", "--deck", "Test"],
            "\n5\n",
        );
        let j = stats_json_at(&env, "2026-01-07T09:00:00Z", &["--days", "7"]);
        let active: Vec<&Value> = j["calendar"]["days"]
            .as_array()
            .map(|d| d.iter().map(|d| &d["date"]).collect())
            .expect("calendar.days");
        assert_eq!(active, ["2026-01-05", want_date], "day-starts-at {hour}");
        assert_eq!(
            (&j["today"]["streak"], &j["today"]["longest_streak"]),
            (&json!(want_streak.0), &json!(want_streak.1)),
            "day-starts-at {hour}"
        );
    }
}

/// Time figures sum `taken_ms` exactly. Piped reviews take a few real
/// milliseconds, so these answers are written through the collection's own
/// answer path with known durations.
#[test]
fn answer_times_add_up() {
    use py201::collection::{Collection, cards::AnswerTime};
    use py201::scheduler::{Grade, Scheduler, sm2::Sm2};

    let env = env_with("test.toml");
    let mut col = Collection::open(&env.db).unwrap();
    let test = col.deck_id("Test").unwrap();
    let ids: Vec<i64> = col
        .cards(Some(test))
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    let day1 = py201::clock::date_to_day(chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap());
    // Day 1: t-a 5 in 5 s. Day 2: t-a 5 in 45 s, t-b 4 in 30 s, t-c 3 in
    // 59 s and its repeat 4 in 12 s: 146 s = 2m 26s.
    for (id, day, grade, taken_ms) in [
        (ids[0], day1, 5, 5_000),
        (ids[0], day1 + 1, 5, 45_000),
        (ids[1], day1 + 1, 4, 30_000),
        (ids[2], day1 + 1, 3, 59_000),
        (ids[2], day1 + 1, 4, 12_000),
    ] {
        let grade = Grade::try_from(grade).unwrap();
        let at = AnswerTime {
            time_ms: 0,
            day,
            taken_ms,
        };
        col.answer(id, grade, at, None, |st| {
            Sm2::default().preview(st, day)[usize::from(grade.value())]
        })
        .unwrap()
        .expect("the card exists, so the answer is written");
    }
    drop(col);
    let j = stats_json_at(&env, &at_day(2), &["--days", "2"]);
    assert_eq!(
        (&j["today"]["time_ms"], &j["today"]["reviews"]),
        (&json!(146_000), &json!(4))
    );
    assert_eq!(j["history"]["time_ms"], 151_000);
    let times: Vec<&Value> = j["history"]["days"]
        .as_array()
        .map(|d| d.iter().map(|d| &d["time_ms"]).collect())
        .expect("history.days");
    assert_eq!(times, [5_000, 146_000]);
    let out = stats_at(&env, &at_day(2), &["--days", "2"]);
    assert_eq!(
        row(section(&out, "Today"), "Time"),
        cells(&["Time", "2m 26s"])
    );
    let h = section(&out, "History");
    has_row(h, &["Mon 2026-01-05", "1", "5s", &bar(8)]);
    has_row(h, &["Tue 2026-01-06", "4", "2m 26s", &bar(30)]);
    has_row(h, &["Total", "5", "2m 31s", "on 2 of 2 days"]);
}
