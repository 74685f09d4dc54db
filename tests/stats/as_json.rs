//! `py201 stats --json` over the scripted history of `tests/stats.rs`, for
//! all decks, one deck and a wider window.

use super::*;

#[test]
fn stats_json_holds_every_figure_of_the_history() {
    let env = env_with("stats.toml");
    history(&env);
    let mut j = stats_json(&env, &[]);
    let b = builtin_cards();

    // Times are real milliseconds; they must at least add up.
    let days = j["history"]["days"]
        .as_array()
        .cloned()
        .expect("history.days");
    let day_times: i64 = days
        .iter()
        .map(|d| d["time_ms"].as_i64().expect("every day has its time_ms"))
        .sum();
    assert_eq!(j["history"]["time_ms"].as_i64(), Some(day_times));
    assert_eq!(j["today"]["time_ms"], days[29]["time_ms"]);
    strip_times(&mut j);

    // 37 Stats answers (3 + 4 + 5 * 2 + 4 + 2 + 1 + 2 + 3 + 4 + 1 + 3) and 7 Test ones.
    assert_eq!(
        (&j["date"], &j["deck"], &j["days"], &j["reviews"]),
        (&json!("2026-03-18"), &Value::Null, &json!(30), &json!(44))
    );
    // As in the table test.
    assert_eq!(
        j["today"],
        json!({"cards": 3, "reviews": 3, "due": 2, "repeats": 1, "new": 2,
               "streak": 4, "longest_streak": 10})
    );
    let decks = j["cards"]["decks"]
        .as_array()
        .cloned()
        .expect("cards.decks");
    let deck = |name: &str| decks.iter().find(|d| d["deck"] == name).cloned();
    assert_eq!(
        deck("Stats"),
        Some(
            json!({"deck": "Stats", "new": 3, "learning": 1, "young": 2, "mature": 1,
                    "suspended": 2, "buried": 1, "retired": 1, "total": 11})
        )
    );
    assert_eq!(
        deck("Test"),
        Some(
            json!({"deck": "Test", "new": 0, "learning": 0, "young": 3, "mature": 0,
                    "suspended": 0, "buried": 0, "retired": 0, "total": 3})
        )
    );
    assert_eq!(
        j["cards"]["all"],
        json!({"new": 3 + b, "learning": 1, "young": 5, "mature": 1,
               "suspended": 2, "buried": 1, "retired": 1, "total": 14 + b})
    );
    assert_eq!(
        j["forecast"],
        json!({
            "overdue": 1, "today": 1,
            "days": [
                {"date": "2026-03-19", "cards": 2}, {"date": "2026-03-20", "cards": 0},
                {"date": "2026-03-21", "cards": 0}, {"date": "2026-03-22", "cards": 2},
                {"date": "2026-03-23", "cards": 0}, {"date": "2026-03-24", "cards": 0},
                {"date": "2026-03-25", "cards": 0}
            ],
            "weeks": [
                {"from": "2026-03-19", "to": "2026-03-25", "cards": 4},
                {"from": "2026-03-26", "to": "2026-04-01", "cards": 0},
                {"from": "2026-04-02", "to": "2026-04-08", "cards": 0},
                {"from": "2026-04-09", "to": "2026-04-15", "cards": 0}
            ]
        })
    );
    // 30 days from 2026-02-17 (day 44); answers only on days 70-73.
    let history = &j["history"];
    assert_eq!(
        (&history["reviews"], &history["active_days"]),
        (&json!(18), &json!(4))
    );
    let days = history["days"].as_array().cloned().expect("history.days");
    assert_eq!(days.len(), 30);
    assert_eq!(days[0], json!({"date": "2026-02-17", "reviews": 0}));
    assert_eq!(
        days[26..],
        [
            json!({"date": "2026-03-15", "reviews": 4}),
            json!({"date": "2026-03-16", "reviews": 8}),
            json!({"date": "2026-03-17", "reviews": 3}),
            json!({"date": "2026-03-18", "reviews": 3}),
        ]
    );
    assert!(days[1..26].iter().all(|d| d["reviews"] == 0));
    // Every answer per study day (day 1 = 2026-01-05), repeats included.
    assert_eq!(
        j["calendar"],
        json!({
            "from": "2025-03-19", "to": "2026-03-18",
            "days": [
                {"date": "2026-01-05", "reviews": 3}, {"date": "2026-01-06", "reviews": 4},
                {"date": "2026-01-07", "reviews": 2}, {"date": "2026-01-08", "reviews": 2},
                {"date": "2026-01-09", "reviews": 2}, {"date": "2026-01-10", "reviews": 2},
                {"date": "2026-01-11", "reviews": 2}, {"date": "2026-01-12", "reviews": 4},
                {"date": "2026-01-13", "reviews": 2}, {"date": "2026-01-14", "reviews": 1},
                {"date": "2026-01-29", "reviews": 2}, {"date": "2026-03-15", "reviews": 4},
                {"date": "2026-03-16", "reviews": 8}, {"date": "2026-03-17", "reviews": 3},
                {"date": "2026-03-18", "reviews": 3}
            ]
        })
    );
    let rate = |p: u32, n: u32, pct: Value| json!({"passed": p, "reviews": n, "percent": pct});
    assert_eq!(
        j["retention"],
        json!({
            "young": rate(3, 5, json!(60.0)),
            "mature": rate(1, 2, json!(50.0)),
            "all": rate(4, 7, json!(57.1)),
            "decks": [
                {"deck": "Stats", "young": rate(2, 3, json!(66.7)),
                 "mature": rate(1, 2, json!(50.0)), "all": rate(3, 5, json!(60.0))},
                {"deck": "Test", "young": rate(1, 2, json!(50.0)),
                 "mature": rate(0, 0, Value::Null), "all": rate(1, 2, json!(50.0))}
            ]
        })
    );
    let ef_buckets = |n: [u32; 8]| {
        let bounds = [1.3, 1.5, 1.7, 1.9, 2.1, 2.3, 2.5, 2.7];
        (0..8)
            .map(|i| json!({"from": bounds[i], "to": bounds.get(i + 1), "cards": n[i]}))
            .collect::<Vec<_>>()
    };
    let ivl_buckets = |n: [u32; 8]| {
        let bounds = [1, 2, 7, 14, 21, 60, 180, 365];
        (0..8)
            .map(|i| json!({"from": bounds[i], "to": bounds.get(i + 1), "cards": n[i]}))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        j["ease"],
        json!({"cards": 8, "average": 2.36, "buckets": ef_buckets([1, 0, 0, 0, 1, 3, 2, 1])})
    );
    assert_eq!(
        j["intervals"],
        json!({"cards": 8, "average": 20, "buckets": ivl_buckets([5, 2, 0, 0, 0, 1, 0, 0])})
    );
    let hard = |id: &str, deck: &str, lapses: u32, ef: f64, ivl: u32, leech: bool| json!({"id": id, "deck": deck, "lapses": lapses, "ef": ef, "interval": ivl, "leech": leech});
    let mut hardest = j["hardest"].as_array().cloned().expect("hardest");
    let fronts: Vec<Value> = hardest
        .iter_mut()
        .map(|h| {
            h.as_object_mut()
                .and_then(|o| o.remove("front"))
                .expect("every hardest card has a front")
        })
        .collect();
    assert_eq!(
        hardest,
        [
            hard("s-l", "Stats", 8, 1.3, 1, true),
            hard("t-b", "Test", 1, 2.28, 1, false),
            hard("s-m2", "Stats", 1, 2.48, 1, false),
            hard("s-y", "Stats", 0, 2.36, 6, false),
            hard("t-c", "Test", 0, 2.36, 1, false),
        ]
    );
    assert_eq!(fronts[0], "What does `super()` without arguments look up?");
    assert_eq!(j["leeches"], 1);
    assert_eq!(
        j["buttons"],
        json!({
            "new": [0, 0, 1, 1, 2, 2],
            "young": [0, 1, 1, 1, 1, 1],
            "mature": [0, 0, 1, 0, 0, 1],
            "repeat": [0, 0, 0, 0, 3, 2]
        })
    );
}

#[test]
fn deck_and_window_narrow_every_figure() {
    let env = env_with("stats.toml");
    history(&env);

    // --deck Stats --days 90: the whole history of Stats (from 2025-12-19).
    let mut j = stats_json(&env, &["--deck", "stats", "--days", "90"]);
    strip_times(&mut j);
    assert_eq!(
        (&j["deck"], &j["days"], &j["reviews"]),
        (&json!("Stats"), &json!(90), &json!(37))
    );
    // Today as for all decks, but nothing of Test is due.
    assert_eq!(
        j["today"],
        json!({"cards": 3, "reviews": 3, "due": 0, "repeats": 1, "new": 2,
               "streak": 4, "longest_streak": 10})
    );
    let stats_counts = json!({"new": 3, "learning": 1, "young": 2, "mature": 1,
                              "suspended": 2, "buried": 1, "retired": 1, "total": 11});
    assert_eq!(j["cards"]["all"], stats_counts);
    assert_eq!(j["cards"]["decks"].as_array().map(Vec::len), Some(1));
    // s-m2 and s-n2 tomorrow, s-y on Sunday.
    assert_eq!(
        (&j["forecast"]["overdue"], &j["forecast"]["today"]),
        (&json!(0), &json!(0))
    );
    let due: Vec<&Value> = j["forecast"]["days"]
        .as_array()
        .map(|d| d.iter().map(|d| &d["cards"]).collect())
        .expect("forecast.days");
    assert_eq!(due, [2, 0, 0, 1, 0, 0, 0]);
    let weeks: Vec<&Value> = j["forecast"]["weeks"]
        .as_array()
        .map(|d| d.iter().map(|d| &d["cards"]).collect())
        .expect("forecast.weeks");
    assert_eq!(weeks, [3, 0, 0, 0]);
    assert_eq!(
        (&j["history"]["reviews"], &j["history"]["active_days"]),
        (&json!(37), &json!(15))
    );
    assert_eq!(j["history"]["days"][0]["date"], "2025-12-19");
    // Young, first answers of cards in review: day 2: 5, 5, 0; days 3-7: 0
    // five times; day 8: 5, 5, 0; day 9: 0; day 10: 3; day 25: 5, 4 (interval
    // 17 before: still young); day 71: 3, 1; day 72: 5. 9 passed of 18.
    let rate = |p: u32, n: u32, pct: f64| json!({"passed": p, "reviews": n, "percent": pct});
    assert_eq!(j["retention"]["young"], rate(9, 18, 50.0));
    assert_eq!(j["retention"]["mature"], rate(1, 2, 50.0));
    assert_eq!(j["retention"]["all"], rate(10, 20, 50.0));
    // EF 3.0, 2.48, 1.3, 2.36, 2.5: 11.64 / 5 = 2.328. Intervals 140, 1, 1,
    // 6, 1: 149 / 5 = 29.8 -> 30.
    assert_eq!(
        (&j["ease"]["cards"], &j["ease"]["average"]),
        (&json!(5), &json!(2.328))
    );
    let ef: Vec<&Value> = j["ease"]["buckets"]
        .as_array()
        .map(|b| b.iter().map(|b| &b["cards"]).collect())
        .expect("ease.buckets");
    assert_eq!(ef, [1, 0, 0, 0, 0, 2, 1, 1]);
    assert_eq!(j["intervals"]["average"], 30);
    let ids: Vec<&Value> = j["hardest"]
        .as_array()
        .map(|h| h.iter().map(|h| &h["id"]).collect())
        .expect("hardest");
    assert_eq!(ids, ["s-l", "s-m2", "s-y"]);
    // New: 5, 5, 5 (day 1), 4, 2 (day 70), 4 (day 73). Young as for
    // retention. Repeats: s-l's eight 4s (days 2-9), s-r 5 (day 70), s-y 4
    // and s-r 4 (day 71).
    assert_eq!(
        j["buttons"],
        json!({
            "new": [0, 0, 1, 0, 2, 3],
            "young": [8, 1, 0, 2, 1, 6],
            "mature": [0, 0, 1, 0, 0, 1],
            "repeat": [0, 0, 0, 0, 10, 1]
        })
    );

    // --deck Test, default window: not reviewed today, so the streak runs
    // to yesterday: days 70-72.
    let mut j = stats_json(&env, &["--deck", "Test"]);
    strip_times(&mut j);
    assert_eq!(
        j["today"],
        json!({"cards": 0, "reviews": 0, "due": 2, "repeats": 0, "new": 0,
               "streak": 3, "longest_streak": 3})
    );
    assert_eq!(
        j["retention"]["decks"],
        json!([{"deck": "Test",
                "young": {"passed": 1, "reviews": 2, "percent": 50.0},
                "mature": {"passed": 0, "reviews": 0, "percent": null},
                "all": {"passed": 1, "reviews": 2, "percent": 50.0}}])
    );
    // EF 2.6, 2.28, 2.36: 7.24 / 3 = 2.41333 -> 2.413.
    assert_eq!(j["ease"]["average"], 2.413);
    assert_eq!(j["leeches"], 0);
    assert_eq!(
        j["buttons"],
        json!({"new": [0, 0, 0, 1, 0, 2], "young": [0, 0, 1, 0, 1, 0],
               "mature": [0, 0, 0, 0, 0, 0], "repeat": [0, 0, 0, 0, 1, 1]})
    );

    // The same narrowing in the table.
    let out = stats(&env, &["--deck", "Test"]);
    assert!(
        out.starts_with("Statistics for deck \"Test\" on 2026-03-18\n"),
        "{out}"
    );
    let today = section(&out, "Today");
    has_row(today, &["Cards reviewed", "0"]);
    has_row(today, &["Study streak", "3 days"]);
    let states = section(&out, "Cards by state");
    assert!(
        !states.contains("Stats") && !states.contains("All decks"),
        "{states}"
    );
    let r = section(&out, "Retention");
    has_row(r, &["Test", "50.0% (1/2)", "—", "50.0% (1/2)"]);
    let h = section(&out, "History");
    has_row(h, &["Total", "7", "0s", "on 3 of 30 days"]);
    let hard = section(&out, "Hardest cards");
    assert!(hard.contains("Leeches (8 or more lapses): 0 ("), "{hard}");
}
