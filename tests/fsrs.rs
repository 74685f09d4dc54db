//! FSRS end to end through the real binary: switching schedulers with a
//! scripted history (`PY201_NOW`, answers piped in), undo, `optimize` and
//! `simulate`. Expected memory states and intervals come from the `fsrs`
//! crate called here directly on the scripted grades, rounded as py201
//! documents (intervals to whole days, `cards --json` to 4 decimals).

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;
use fsrs::{FSRS, FSRSItem, FSRSReview, MemoryState};
use serde_json::{Value, json};

const A: &str = "Which dunder does `a + b` try first?";
const B: &str = "Which dunder does `len(obj)` call?";
const C: &str = "Which marker ends the positional-only parameters?";

fn model() -> FSRS {
    FSRS::new(&[]).unwrap()
}

fn round4(v: f32) -> Value {
    json!((f64::from(v) * 10_000.0).round() / 10_000.0)
}

/// The crate's memory state after `(days since previous answer, rating)`s.
fn memory(reviews: &[(u32, u32)]) -> MemoryState {
    let item = FSRSItem {
        reviews: reviews
            .iter()
            .map(|&(delta_t, rating)| FSRSReview { rating, delta_t })
            .collect(),
    };
    model().memory_state(item, None).unwrap()
}

fn assert_memory(c: &Value, m: MemoryState, what: &str) {
    assert_eq!(
        (&c["stability"], &c["difficulty"]),
        (&round4(m.stability), &round4(m.difficulty)),
        "{what}"
    );
}

fn sm2_fields(c: &Value) -> (Value, Value, Value, Value, Value) {
    (
        c["interval"].clone(),
        c["ef"].clone(),
        c["reps"].clone(),
        c["lapses"].clone(),
        c["due"].clone(),
    )
}

fn revlog_rows(env: &Env) -> i64 {
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    conn.query_row("SELECT count(*) FROM revlog", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn switching_sm2_fsrs_sm2_keeps_every_card_and_log_row() {
    let env = env_with("test.toml");
    env.config("fuzz", "off");
    let review =
        |day: i64, input: &str| env.run_ok(&at_day(day), &["review", "--deck", "Test"], input);
    let all_cards = env.cards(T0, "Test").len() + env.cards(T0, "Data Model").len();

    // Day 1 under SM-2 (as tests/review_weeks.rs): a 5; b 3 then repeat 4;
    // c 1 then repeats 2 and 4. Everything due on day 2.
    let out = review(1, "\n5\n\n3\n\n1\n\n4\n\n2\n\n4\n");
    assert_eq!(questions(&out), vec![A, B, C, B, C, C]);
    let before: Vec<_> = ["t-a", "t-b", "t-c"]
        .iter()
        .map(|id| sm2_fields(&env.card(&at_day(2), "Test", id)))
        .collect();
    assert!(
        env.card(&at_day(2), "Test", "t-a")["stability"].is_null(),
        "no memory state under SM-2"
    );

    // Day 2: switch to FSRS. Each card's memory state is the crate's for its
    // whole log (same-day repeats included, 0 days apart), and nothing of
    // SM-2's state changes.
    env.run_ok(&at_day(2), &["config", "scheduler", "fsrs"], "");
    let mem_a = memory(&[(0, 4)]);
    let mem_b = memory(&[(0, 2), (0, 3)]);
    let mem_c = memory(&[(0, 1), (0, 1), (0, 3)]);
    for ((id, m), sm2) in [("t-a", mem_a), ("t-b", mem_b), ("t-c", mem_c)]
        .into_iter()
        .zip(&before)
    {
        let c = env.card(&at_day(2), "Test", id);
        assert_memory(&c, m, id);
        assert_eq!(&sm2_fields(&c), sm2, "{id}: SM-2 state kept on the switch");
    }
    assert_eq!(revlog_rows(&env), 6);

    // Day 2 under FSRS: a 4 (Good), b 1 (Again: relearning step), c 4; then
    // b's 10-minute step is learned ahead as nothing else is left, and b 4.
    let next_a = model().next_states(Some(mem_a), 0.9, 1).unwrap();
    let next_b = model().next_states(Some(mem_b), 0.9, 1).unwrap();
    let days = |i: f32| i.round().max(1.0) as u32;
    let a_good = days(next_a.good.interval);
    let out = review(2, "\n4\n\n1\n\n4\n\n4\n");
    assert_eq!(questions(&out), vec![A, B, C, B]);
    assert!(
        out.contains(&format!("4 good ({a_good}d)")),
        "the grade preview is FSRS's:\n{out}"
    );
    assert!(
        out.contains("1 wrong (10m)"),
        "a lapse goes to the 10-minute relearning step:\n{out}"
    );
    assert!(out.contains("· learning"), "{out}");
    let a = env.card(&at_day(2), "Test", "t-a");
    assert_memory(&a, next_a.good.memory, "t-a after Good");
    assert_eq!(a["interval"], json!(a_good));
    let b_relearn = model()
        .next_states(Some(next_b.again.memory), 0.9, 0)
        .unwrap();
    let b = env.card(&at_day(2), "Test", "t-b");
    assert_memory(&b, b_relearn.good.memory, "t-b after Again, then Good");
    assert_eq!(b["interval"], json!(days(b_relearn.good.interval)));
    // SM-2's fields kept up under FSRS: b lapsed (EF 2.36 - 0.54), reps reset.
    assert_eq!(
        (&b["ef"], &b["reps"], &b["lapses"]),
        (&json!(1.82), &json!(0), &json!(1))
    );
    assert_eq!(revlog_rows(&env), 10);

    // Day 3: c fails and is left in its relearning step; switching back to
    // SM-2 makes it what SM-2 makes of a failure: a same-day repeat now,
    // due tomorrow, interval 1.
    let c_due = env.card(&at_day(3), "Test", "t-c")["due"].clone();
    let day_of = |d: &Value| {
        chrono::NaiveDate::parse_from_str(d.as_str().expect("a due date"), "%Y-%m-%d")
            .unwrap()
            .signed_duration_since(chrono::NaiveDate::from_ymd_opt(2026, 1, 4).unwrap())
            .num_days()
    };
    let c_day = day_of(&c_due);
    // Cards due by then come first (by due day, then course order): good answers.
    let ahead: Vec<&str> = [("t-a", A), ("t-b", B)]
        .into_iter()
        .filter(|(id, _)| {
            let due = env.card(&at_day(c_day), "Test", id)["due"].clone();
            day_of(&due) < c_day || (day_of(&due) == c_day && *id < "t-c")
        })
        .map(|(_, front)| front)
        .collect();
    let input = "\n4\n".repeat(ahead.len()) + "\n0\nq\n";
    let out = review(c_day, &input);
    // c fails, and comes straight back (its step learned ahead): quit there.
    let mut shown = ahead.clone();
    shown.extend([C, C]);
    assert_eq!(questions(&out), shown);
    assert_eq!(
        env.card(&at_day(c_day), "Test", "t-c")["state"],
        json!("learning")
    );
    let rows = revlog_rows(&env);
    env.run_ok(&at_day(c_day), &["config", "scheduler", "sm2"], "");
    let c = env.card(&at_day(c_day), "Test", "t-c");
    let tomorrow = at_day(c_day + 1)[..10].to_string();
    assert_eq!(
        (&c["state"], &c["due"], &c["reps"]),
        (&json!("learning"), &json!(tomorrow), &json!(0))
    );
    // SM-2 then repeats it today until a 4, as it always does.
    let out = review(c_day, "\n4\n");
    assert_eq!(questions(&out), vec![C]);
    assert!(out.contains("· repeat"), "{out}");
    assert_eq!(
        env.card(&at_day(c_day), "Test", "t-c")["state"],
        json!("review")
    );
    // Nothing lost: every card, every log row.
    assert_eq!(revlog_rows(&env), rows + 1);
    assert_eq!(
        env.cards(T0, "Test").len() + env.cards(T0, "Data Model").len(),
        all_cards
    );
    // And back to FSRS once more: memory states again from the whole log.
    env.run_ok(&at_day(c_day), &["config", "scheduler", "fsrs"], "");
    let a = env.card(&at_day(c_day), "Test", "t-a");
    assert_memory(&a, memory(&[(0, 4), (1, 3)]), "t-a from its log");
}

#[test]
fn undo_under_fsrs_restores_the_card_exactly() {
    let env = env_with("test.toml");
    env.run_ok(T0, &["config", "scheduler", "fsrs"], "");
    let before = env.cards(T0, "Test");
    // Answer a (Good: a learning step), then undo, then quit.
    let out = env.run_ok(T0, &["review", "--deck", "Test"], "\n4\nu\nq\n");
    assert!(out.contains("Undone."), "{out}");
    assert_eq!(env.cards(T0, "Test"), before);
    assert_eq!(revlog_rows(&env), 0);
    // Undo of a graduating answer of a learning card also restores its step.
    env.run_ok(
        T0,
        &["review", "--deck", "Test", "--limit", "1"],
        "\n4\nq\n",
    );
    let stepped = env.cards(T0, "Test");
    env.run_ok(T0, &["review", "--deck", "Test"], "\n5\nu\nq\n");
    assert_eq!(env.cards(T0, "Test"), stepped);
}

#[test]
fn a_learning_card_comes_back_when_its_step_ends_or_when_nothing_else_is_left() {
    let env = env_with("test.toml");
    env.run_ok(T0, &["config", "scheduler", "fsrs"], "");
    // 09:00: a is new, Good: its second learning step, 10 minutes. Quit.
    let out = env.run_ok(T0, &["review", "--deck", "Test"], "\n4\nq\n");
    assert!(out.contains("4 good (10m)"), "{out}");
    // 09:05: the step has not ended; new cards first, then a, learned ahead.
    let out = env.run_ok(
        "2026-01-05T09:05:00Z",
        &["review", "--deck", "Test"],
        "\n4\nq\n",
    );
    assert_eq!(questions(&out)[0], B, "{out}");
    // The summary names FSRS's same-day answers for what they are: a and b
    // wait in their steps, c is still new.
    assert!(
        out.contains("Still to do today: 0 due, 1 new, 2 learning steps."),
        "{out}"
    );
    // 09:11: a's step ended at 09:10, so it comes before the new card c
    // (b is in its own step now, until 09:15).
    let out = env.run_ok("2026-01-05T09:11:00Z", &["review", "--deck", "Test"], "q\n");
    assert_eq!(questions(&out), vec![A], "{out}");
    assert!(out.contains("· learning"), "{out}");
}

#[test]
fn fsrs_settings_are_checked() {
    let env = env_with("test.toml");
    for (k, v) in [
        ("scheduler", "sm17"),
        ("desired-retention", "0.5"),
        ("desired-retention", "0.995"),
        ("learning-steps", "5x"),
        ("relearning-steps", "0m"),
    ] {
        let out = env.cmd(T0).args(["config", k, v]).output().unwrap();
        let err = one_line_error(&out);
        assert!(err.contains(k), "{err}");
    }
    env.run_ok(T0, &["config", "desired-retention", "0.85"], "");
    env.run_ok(T0, &["config", "learning-steps", "30s 5m 1h"], "");
    let list = env.run_ok(T0, &["config"], "");
    assert!(
        list.contains("0.85") && list.contains("30s 5m 1h"),
        "{list}"
    );
}

/// A deterministic synthetic history: 300 cards, each answered about nine
/// times on growing intervals, recalled with the probability the FSRS model
/// gives for a learner whose parameters differ from the defaults.
fn synthetic_history(env: &Env) -> Vec<(i64, Vec<(i32, u8)>)> {
    use rand::{RngExt, SeedableRng, rngs::StdRng};
    let mut rng = StdRng::seed_from_u64(2026);
    let mut learner = fsrs::DEFAULT_PARAMETERS;
    // A learner who forgets much faster than average.
    for w in &mut learner[0..4] {
        *w *= 0.25;
    }
    learner[8] -= 0.6;
    let truth = FSRS::new(&learner).unwrap();
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    let ids: Vec<i64> = conn
        .prepare("SELECT c.id FROM cards c JOIN decks d ON d.id = c.deck_id WHERE d.name = 'Many' ORDER BY c.position")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .unwrap();
    let mut out = Vec::new();
    for &id in &ids {
        let mut day = 20_000 + rng.random_range(0..30);
        let mut mem: Option<MemoryState> = None;
        let mut last = day;
        let mut answers = Vec::new();
        let mut ivl = 1;
        for _ in 0..9 {
            let elapsed = (day - last) as u32;
            let r = mem.map_or(0.7, |m| {
                fsrs::current_retrievability(m, elapsed as f32, learner[20])
            });
            let recalled = rng.random_range(0.0f32..1.0) < r;
            let grade: u8 = if recalled {
                [3, 4, 4, 4, 5][rng.random_range(0..5)]
            } else {
                1
            };
            let rating = match grade {
                1 => 1,
                3 => 2,
                4 => 3,
                _ => 4,
            };
            let n = truth.next_states(mem, 0.9, elapsed).unwrap();
            mem = Some([n.again, n.hard, n.good, n.easy][rating - 1].memory);
            answers.push((day, grade));
            ivl = if recalled {
                (ivl * 2).min(60) + rng.random_range(0..3)
            } else {
                1
            };
            last = day;
            day += ivl;
        }
        for &(d, g) in &answers {
            conn.execute(
                "INSERT INTO revlog (card_id, time_ms, day, grade, is_repeat, taken_ms,
                    reps_before, reps_after, interval_before, interval_after, ease_before, ease_after,
                    due_before, due_after, lapses_before, lapses_after)
                 VALUES (?1, ?2, ?3, ?4, 0, 5000, 0, 0, 0, 1, 2500, 2500, NULL, ?5, 0, 0)",
                rusqlite::params![id, i64::from(d) * 86_400_000, d, g, d + 1],
            )
            .unwrap();
        }
        conn.execute(
            "UPDATE cards SET due = ?2, interval = 1, reps = 1 WHERE id = ?1",
            rusqlite::params![id, answers.last().map_or(0, |a| a.0) + 1],
        )
        .unwrap();
        out.push((id, answers));
    }
    out
}

/// The crate's log loss for `params` on the same items py201 trains on:
/// one per answer a day or more after the previous one, with its history.
fn log_loss(params: &[f32], history: &[(i64, Vec<(i32, u8)>)]) -> f32 {
    let mut items = Vec::new();
    for (_, answers) in history {
        let reviews: Vec<FSRSReview> = answers
            .iter()
            .enumerate()
            .map(|(i, &(d, g))| FSRSReview {
                rating: match g {
                    0..=2 => 1,
                    3 => 2,
                    4 => 3,
                    _ => 4,
                },
                delta_t: if i == 0 {
                    0
                } else {
                    (d - answers[i - 1].0) as u32
                },
            })
            .collect();
        for i in 1..reviews.len() {
            if reviews[i].delta_t > 0 {
                items.push(FSRSItem {
                    reviews: reviews[..=i].to_vec(),
                });
            }
        }
    }
    FSRS::new(params)
        .and_then(|m| m.evaluate(items, |_| true))
        .unwrap()
        .log_loss
}

/// The stored parameters; None only when there is no such row (any other
/// error fails the test rather than reading as "nothing stored").
fn stored_params(env: &Env) -> Option<Vec<f32>> {
    use rusqlite::OptionalExtension;
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    conn.query_row(
        "SELECT value FROM config WHERE key = 'fsrs-params'",
        [],
        |r| r.get::<_, String>(0),
    )
    .optional()
    .unwrap()
    .map(|t| {
        t.split_whitespace()
            .map(|v| v.parse().unwrap_or_else(|e| panic!("parameter {v:?}: {e}")))
            .collect()
    })
}

#[test]
fn optimize_fits_a_synthetic_history_better_than_the_defaults() {
    let env = env_with_text(&many_cards(300));
    let history = synthetic_history(&env);
    let out = env.run_ok(T0, &["optimize", "--dry-run"], "");
    assert!(out.contains("default") && out.contains("fitted"), "{out}");
    assert!(out.contains("Dry run: nothing stored."), "{out}");
    assert_eq!(stored_params(&env), None);

    let out = env.run_ok(T0, &["optimize"], "");
    assert!(out.contains("Stored"), "{out}");
    let fitted = stored_params(&env).expect("optimize stored the parameters");
    assert_eq!(fitted.len(), 21);
    let (default_loss, fitted_loss) = (
        log_loss(&fsrs::DEFAULT_PARAMETERS, &history),
        log_loss(&fitted, &history),
    );
    assert!(
        fitted_loss < default_loss,
        "fitted {fitted_loss} vs default {default_loss}"
    );
    // The printed figures are these (4 decimals).
    assert!(out.contains(&format!("{default_loss:.4}")), "{out}");
}

#[test]
fn optimize_with_too_few_reviews_says_how_many_more_it_needs() {
    let env = env_with("test.toml");
    env.run_ok(&at_day(1), &["review", "--deck", "Test"], "\n5\n\n5\n\n5\n");
    env.run_ok(&at_day(2), &["review", "--deck", "Test"], "\n5\n\n5\n\n5\n");
    let out = env.cmd(&at_day(2)).args(["optimize"]).output().unwrap();
    let err = one_line_error(&out);
    assert!(
        err.contains("this collection has 3, so 397 more are needed"),
        "{err}"
    );
}

#[test]
fn simulate_is_deterministic_for_a_seed() {
    let env = env_with("test.toml");
    env.run_ok(
        &at_day(1),
        &["review", "--deck", "Test"],
        "\n5\n\n3\n\n1\n\n4\n\n2\n\n4\n",
    );
    let run = |seed: &str| {
        env.run_ok(
            &at_day(2),
            &[
                "simulate",
                "--days",
                "90",
                "--deck",
                "Data Model",
                "--seed",
                seed,
            ],
            "",
        )
    };
    let first = run("5");
    assert_eq!(first, run("5"));
    assert_ne!(first, run("6"));
    for name in ["SM-2", "FSRS 0.80", "FSRS 0.85", "FSRS 0.90", "FSRS 0.95"] {
        let rows = first
            .lines()
            .filter(|l| l.starts_with(&format!("│ {name} ")) || l.starts_with(&format!("{name} ")))
            .count();
        assert_eq!(rows, 2, "{name}: one table row and one chart line\n{first}");
    }
    assert!(first.contains("Assumptions:"), "{first}");
}

#[test]
fn fsrs_state_survives_a_json_backup_and_doctor_finds_nothing_wrong() {
    let src = env_with("test.toml");
    src.run_ok(T0, &["config", "scheduler", "fsrs"], "");
    // a: Good, into its second learning step; b: Easy, graduated; quit at c.
    src.run_ok(T0, &["review", "--deck", "Test"], "\n4\n\n5\nq\n");
    let a = src.card(T0, "Test", "t-a");
    assert_eq!(a["state"], json!("learning"));
    assert_eq!(a["interval"], json!(0));
    let healthy = src.run_ok(T0, &["doctor"], "");
    assert!(
        healthy.starts_with("No problems found"),
        "a card in a learning step is no damage:\n{healthy}"
    );
    let backup = src.run_ok(T0, &["export", "--format", "json", "-o", "-"], "");
    let dst = empty_env();
    let f = dst.dir.path().join("backup.json");
    std::fs::write(&f, backup.as_bytes()).unwrap();
    dst.run_ok(T0, &["decks"], "");
    let out = dst.run_ok(T0, &["import", f.to_str().unwrap()], "");
    assert!(out.contains("Restored."), "{out}");
    assert_eq!(
        dst.run_ok(T0, &["cards", "--json"], ""),
        src.run_ok(T0, &["cards", "--json"], ""),
        "memory states and steps restored exactly"
    );
    assert_eq!(dst.run_ok(T0, &["config", "scheduler"], ""), "fsrs\n");
    // And the restored learning step still comes back in review.
    let out = dst.run_ok("2026-01-05T09:30:00Z", &["review", "--deck", "Test"], "q\n");
    assert_eq!(questions(&out), vec![A], "{out}");
}

#[test]
fn stats_with_fsrs_on_report_predicted_recall_and_stability() {
    let env = env_with("test.toml");
    env.config("fuzz", "off");
    env.run_ok(
        &at_day(1),
        &["review", "--deck", "Test"],
        "\n5\n\n3\n\n1\n\n4\n\n2\n\n4\n",
    );
    let sm2 = env.run_ok(&at_day(3), &["stats", "--json", "--deck", "Test"], "");
    assert!(!sm2.contains("\"fsrs\""), "no FSRS figures under SM-2");
    env.run_ok(&at_day(2), &["config", "scheduler", "fsrs"], "");
    // On day 3 every card was last answered 2 days ago (day 1).
    let mems = [
        memory(&[(0, 4)]),
        memory(&[(0, 2), (0, 3)]),
        memory(&[(0, 1), (0, 1), (0, 3)]),
    ];
    let decay = fsrs::DEFAULT_PARAMETERS[20];
    let recall: Vec<f32> = mems
        .iter()
        .map(|&m| fsrs::current_retrievability(m, 2.0, decay))
        .collect();
    let mean = recall.iter().map(|&r| f64::from(r)).sum::<f64>() / 3.0;
    let below = recall.iter().filter(|&&r| r < 0.9).count();
    let out = env.run_ok(&at_day(3), &["stats", "--json", "--deck", "Test"], "");
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}\n{out}"));
    let f = &v["fsrs"];
    assert_eq!(f["cards"], json!(3));
    assert_eq!(f["parameters"], json!("default"));
    assert_eq!(f["desired_retention"], json!(0.9));
    assert_eq!(
        f["average_recall"],
        json!((mean * 10_000.0).round() / 10_000.0)
    );
    assert_eq!(f["below_retention"], json!(below));
    // Stability histogram: whole days rounded down, buckets from 0, 1, 7, 21, ...
    let bounds = [0u32, 1, 7, 21, 60, 180, 365, 1000];
    let mut want = [0u32; 8];
    for m in &mems {
        let d = m.stability.floor() as u32;
        let i = bounds.iter().rposition(|&lo| d >= lo).unwrap_or(0);
        want[i] += 1;
    }
    let got: Vec<u32> = f["stability"]["buckets"]
        .as_array()
        .map(|b| {
            b.iter()
                .map(|x| x["cards"].as_u64().expect("a bucket's cards") as u32)
                .collect()
        })
        .expect("fsrs.stability.buckets");
    assert_eq!(got, want);
    let table = env.run_ok(&at_day(3), &["stats", "--deck", "Test"], "");
    assert!(
        table.contains("FSRS: predicted recall and stability")
            && table.contains(&format!(
                "Average predicted recall today {:.1}% over 3 cards (default parameters); {below} below the desired retention of 90%.",
                mean * 100.0
            )),
        "{table}"
    );
}
