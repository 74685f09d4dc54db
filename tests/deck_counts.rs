//! The per-deck card counts behind `py201 decks` and `py201 stats` (schema
//! 9's `deck_counts`, kept by triggers) stay exactly what counting the
//! cards gives, through everything that changes cards: imports, answers
//! with same-day repeats and undo, suspending, burying, retiring, moving a
//! card to another deck and deleting a deck's cards. After each step the
//! table is compared with a count of the cards, `decks` and the state
//! counts of `stats` with the same figures counted card by card, and
//! `doctor` must find nothing; tampered counts are found and rebuilt.

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;
use py201::collection::Collection;
use py201::collection::cards::Status;
use py201::collection::counts::{COUNTS_FROM_CARDS, VALUES_FROM_CARDS};
use py201::collection::stats::StateRow;

/// The study day of `at_day(n)`: day 1 is 2026-01-05.
fn study_day(n: i64) -> i32 {
    let date = chrono::NaiveDate::from_ymd_opt(2026, 1, 4).unwrap() + chrono::Duration::days(n);
    py201::clock::date_to_day(date)
}

/// Rows by which `deck_counts` and `deck_values` and a count of the
/// cards differ.
fn drift(conn: &rusqlite::Connection) -> i64 {
    let mut drift = 0;
    for (rows, from_cards) in [
        (
            "SELECT deck_id, class, day, n FROM deck_counts",
            COUNTS_FROM_CARDS,
        ),
        (
            "SELECT deck_id, what, value, n FROM deck_values",
            VALUES_FROM_CARDS,
        ),
    ] {
        drift += conn
            .query_row(
                &format!(
                    "SELECT (SELECT count(*) FROM (SELECT * FROM ({from_cards}) EXCEPT {rows}))
                          + (SELECT count(*) FROM ({rows} EXCEPT SELECT * FROM ({from_cards})))"
                ),
                [],
                |r| r.get::<_, i64>(0),
            )
            .unwrap();
    }
    drift
}

/// Each deck's states counted card by card, as `Card::status` says.
fn states_card_by_card(col: &Collection, today: i32) -> Vec<StateRow> {
    let mut rows = col.state_counts(today, None).unwrap();
    for row in &mut rows {
        *row = StateRow {
            deck: row.deck.clone(),
            ..StateRow::default()
        };
    }
    for card in col.cards(None).unwrap() {
        let Some(row) = rows.iter_mut().find(|r| r.deck == card.deck) else {
            continue;
        };
        let n = match card.status(today) {
            Status::New => &mut row.new,
            Status::Learning => &mut row.learning,
            Status::Review if card.state.interval < 21 => &mut row.young,
            Status::Review => &mut row.mature,
            Status::Suspended => &mut row.suspended,
            Status::Buried => &mut row.buried,
            Status::Retired => &mut row.retired,
        };
        *n += 1;
    }
    rows
}

/// The counts are exact on study day `day` after `step`.
fn assert_exact(env: &Env, day: i64, step: &str) {
    let today = study_day(day);
    let col = Collection::open(&env.db).unwrap();
    assert_eq!(drift(&col.conn), 0, "after {step}");
    assert_eq!(
        col.deck_counts(today).unwrap(),
        col.deck_rows(today).unwrap(),
        "decks after {step}"
    );
    assert_eq!(
        col.state_counts(today, None).unwrap(),
        states_card_by_card(&col, today),
        "stats after {step}"
    );
    let by_ease: Vec<(u32, u32)> = col
        .conn
        .prepare(
            "SELECT ease, count(*) FROM cards WHERE retired = 0 AND due IS NOT NULL
             GROUP BY ease ORDER BY ease",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(col.ease_counts(None).unwrap(), by_ease, "EF after {step}");
    drop(col);
    let report = env.run_ok(&at_day(day), &["doctor"], "");
    assert!(
        report.starts_with("No problems found"),
        "after {step}: {report}"
    );
}

/// Review input: for each card, reveal, then a grade, a suspend, a bury or
/// an undo, drawn from `seed`.
fn answers(seed: &mut u64, n: usize) -> String {
    let mut s = String::new();
    for _ in 0..n {
        *seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let pick = (*seed >> 33) % 10;
        s.push_str(match pick {
            0 => "\ns\n",
            1 => "\nb\n",
            2 => "\nu\n",
            3 => "\n1\n",
            4 => "\n2\n",
            5 | 6 => "\n4\n",
            _ => "\n5\n",
        });
    }
    s
}

#[test]
fn deck_counts_stay_exact_through_every_change_to_cards() {
    let env = env_with("test.toml");
    env.config("fuzz", "off");
    assert_exact(&env, 1, "the first import");
    let tsv = env.dir.path().join("words.tsv");
    let mut rows = String::from("#separator:tab\n#columns:id\tfront\tback\tdeck\n");
    for i in 0..40 {
        rows.push_str(&format!("w-{i}\tword {i}\tmeaning {i}\tWords {}\n", i % 3));
    }
    std::fs::write(&tsv, &rows).unwrap();
    env.run_ok(&at_day(1), &["import", tsv.to_str().unwrap()], "");
    assert_exact(&env, 1, "a TSV import into three decks");
    let mut seed = 7;
    for day in 1..=12 {
        for deck in ["Test", "Words 0", "Words 1"] {
            let input = answers(&mut seed, 12);
            env.run_ok(&at_day(day), &["review", "--deck", deck], &input);
        }
        assert_exact(&env, day, &format!("the answers of day {day}"));
        // Buried cards come back the next day: counted on it too.
        assert_exact(
            &env,
            day + 1,
            &format!("the answers of day {day}, a day later"),
        );
    }
    // Retire: the file no longer has half its rows.
    let kept: String = rows.lines().take(22).map(|l| format!("{l}\n")).collect();
    std::fs::write(&tsv, kept).unwrap();
    env.run_ok(&at_day(13), &["import", tsv.to_str().unwrap()], "");
    assert_exact(&env, 13, "retiring the cards gone from the file");
    {
        let conn = rusqlite::Connection::open(&env.db).unwrap();
        conn.execute_batch(
            "UPDATE cards SET deck_id = (SELECT id FROM decks WHERE name = 'Words 2')
               WHERE deck_id = (SELECT id FROM decks WHERE name = 'Words 1');",
        )
        .unwrap();
    }
    assert_exact(&env, 13, "moving a deck's cards to another deck");
    {
        let conn = rusqlite::Connection::open(&env.db).unwrap();
        conn.execute_batch(
            "DELETE FROM revlog WHERE card_id IN (SELECT id FROM cards
               WHERE deck_id = (SELECT id FROM decks WHERE name = 'Words 2'));
             DELETE FROM cards WHERE deck_id = (SELECT id FROM decks WHERE name = 'Words 2');",
        )
        .unwrap();
    }
    assert_exact(&env, 13, "deleting a deck's cards");
}

#[test]
fn tampered_deck_counts_are_found_and_rebuilt() {
    let env = env_with("test.toml");
    let decks = env.run_ok(T0, &["decks"], "");
    {
        let conn = rusqlite::Connection::open(&env.db).unwrap();
        conn.execute_batch(
            "UPDATE deck_counts SET n = n + 5 WHERE class = 0;
             INSERT INTO deck_values VALUES (1, 0, 2500, 3);",
        )
        .unwrap();
    }
    assert_ne!(env.run_ok(T0, &["decks"], ""), decks);
    let out = env.cmd(T0).arg("doctor").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains("deck card counts that disagree with the cards"),
        "{report}"
    );
    let fixed = env.run_ok(T0, &["doctor", "--fix"], "");
    assert!(
        fixed.contains("rebuilt the deck card counts from the cards"),
        "{fixed}"
    );
    assert_eq!(env.run_ok(T0, &["decks"], ""), decks);
    assert!(
        env.run_ok(T0, &["doctor"], "")
            .starts_with("No problems found")
    );
}

/// An upgraded collection of every older schema gets counts that agree
/// with its cards.
#[test]
fn upgrades_count_the_cards_already_there() {
    let fixtures =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/collections");
    for v in 1..=8 {
        let env = empty_env();
        std::fs::copy(fixtures.join(format!("v{v}.db")), &env.db).unwrap();
        let col = Collection::open(&env.db).unwrap();
        let cards: i64 = col
            .conn
            .query_row("SELECT count(*) FROM cards", [], |r| r.get(0))
            .unwrap();
        let counted: i64 = col
            .conn
            .query_row("SELECT sum(n) FROM deck_counts", [], |r| r.get(0))
            .unwrap();
        let studied: i64 = col
            .conn
            .query_row(
                "SELECT count(*) FROM cards WHERE retired = 0 AND due IS NOT NULL",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let valued: i64 = col
            .conn
            .query_row(
                "SELECT coalesce(sum(n), 0) FROM deck_values WHERE what = 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(valued, studied, "v{v}");
        assert_eq!((drift(&col.conn), counted), (0, cards), "v{v}");
    }
}
