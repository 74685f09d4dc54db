//! Every released schema version keeps opening: a fixture collection per
//! version (made by that version of py201 from a known history) is opened by
//! this py201, upgraded if needed, and must hold exactly that history.
//!
//! tests/fixtures/collections/v1.db: the Test fixture deck, `fuzz off`, one
//! session on 2026-01-05 grading t-a 5, t-b 3, t-c 1, then the same-day
//! repeats t-b 4, t-c 2, t-c 4.
//!
//! tests/fixtures/collections/v2.db (schema 2, FSRS): the same day 1 as v1,
//! then on 2026-01-06 `config scheduler fsrs` and one session grading t-a 4,
//! t-b 1, t-c 4, then t-b's relearning step 4. Made by the py201 of issue 9
//! with the default FSRS parameters (then VACUUMed).

mod common;
use common::*;
use serde_json::json;

#[test]
fn schema_v1_collection_opens_with_its_history() {
    let env = empty_env();
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/collections/v1.db");
    std::fs::copy(&fixture, &env.db).unwrap_or_else(|e| panic!("{e}"));
    let now = "2026-01-05T20:00:00Z";
    // Hand-worked SM-2 (see tests/review_weeks.rs, day 1).
    for (id, interval, ef, reps) in [("t-a", 1, 2.6, 1), ("t-b", 1, 2.36, 1), ("t-c", 1, 1.96, 0)] {
        let c = env.card(now, "Test", id);
        assert_eq!(
            (&c["interval"], &c["ef"], &c["reps"], &c["due"]),
            (
                &json!(interval),
                &json!(ef),
                &json!(reps),
                &json!("2026-01-06")
            ),
            "{id}"
        );
    }
    let conn = rusqlite::Connection::open(&env.db).unwrap_or_else(|e| panic!("{e}"));
    let (rows, repeats): (i64, i64) = conn
        .query_row("SELECT count(*), sum(is_repeat) FROM revlog", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((rows, repeats), (6, 3));
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap_or(0);
    assert_eq!(version, py201::collection::SCHEMA_VERSION);
    // And it keeps working: the next day's review continues the schedule.
    let out = env.run_ok(&at_day(2), &["review", "--deck", "Test"], "\n5\n\n4\n\n4\n");
    assert_eq!(questions(&out).len(), 3);
    assert_eq!(env.card(&at_day(2), "Test", "t-a")["interval"], json!(6));
}

#[test]
fn schema_v2_collection_opens_with_its_fsrs_history() {
    let env = empty_env();
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/collections/v2.db");
    std::fs::copy(&fixture, &env.db).unwrap_or_else(|e| panic!("{e}"));
    let now = "2026-01-06T20:00:00Z";
    // The memory states are the crate's for each card's log (grades mapped
    // 0-2 Again, 3 Hard, 4 Good, 5 Easy; same-day answers 0 days apart).
    let model = fsrs::FSRS::new(&[]).unwrap_or_else(|e| panic!("{e}"));
    let mem = |reviews: &[(u32, u32)]| {
        model
            .memory_state(
                fsrs::FSRSItem {
                    reviews: reviews
                        .iter()
                        .map(|&(delta_t, rating)| fsrs::FSRSReview { rating, delta_t })
                        .collect(),
                },
                None,
            )
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let r4 = |v: f32| json!((f64::from(v) * 10_000.0).round() / 10_000.0);
    for (id, m, ef) in [
        ("t-a", mem(&[(0, 4), (1, 3)]), 2.6),
        ("t-b", mem(&[(0, 2), (0, 3), (1, 1), (0, 3)]), 1.82),
        ("t-c", mem(&[(0, 1), (0, 1), (0, 3), (1, 3)]), 1.96),
    ] {
        let c = env.card(now, "Test", id);
        assert_eq!(
            (&c["stability"], &c["difficulty"], &c["ef"]),
            (&r4(m.stability), &r4(m.difficulty), &json!(ef)),
            "{id}"
        );
    }
    let conn = rusqlite::Connection::open(&env.db).unwrap_or_else(|e| panic!("{e}"));
    let rows: i64 = conn
        .query_row("SELECT count(*) FROM revlog", [], |r| r.get(0))
        .unwrap_or(0);
    assert_eq!(rows, 10);
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap_or(0);
    assert_eq!(version, py201::collection::SCHEMA_VERSION);
    assert_eq!(env.run_ok(now, &["config", "scheduler"], ""), "fsrs\n");
}

/// schema.sql is the current schema, and every step on top of an old
/// collection must arrive at exactly it.
#[test]
fn upgraded_fixtures_have_exactly_the_schema_of_a_new_collection() {
    let schema = |db: &std::path::Path| -> Vec<(String, String, Option<String>)> {
        let conn = rusqlite::Connection::open(db).unwrap_or_else(|e| panic!("{e}"));
        let mut st = conn
            .prepare("SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY name")
            .unwrap_or_else(|e| panic!("{e}"));
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap_or_else(|e| panic!("{e}"))
            .collect::<Result<_, _>>()
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let fresh = empty_env();
    fresh.run_ok(T0, &["decks"], "");
    for v in ["v1", "v2"] {
        let old = empty_env();
        let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(format!("tests/fixtures/collections/{v}.db"));
        std::fs::copy(&fixture, &old.db).unwrap_or_else(|e| panic!("{e}"));
        old.run_ok(T0, &["decks"], "");
        assert_eq!(schema(&old.db), schema(&fresh.db), "{v}");
    }
}
