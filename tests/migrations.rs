//! Every released schema version keeps opening: a fixture collection per
//! version (made by that version of py201 from a known history) is opened by
//! this py201, upgraded if needed, and must hold exactly that history.
//!
//! tests/fixtures/collections/v1.db: the Test fixture deck, `fuzz off`, one
//! session on 2026-01-05 grading t-a 5, t-b 3, t-c 1, then the same-day
//! repeats t-b 4, t-c 2, t-c 4.

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
    let old = empty_env();
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/collections/v1.db");
    std::fs::copy(&fixture, &old.db).unwrap_or_else(|e| panic!("{e}"));
    old.run_ok(T0, &["decks"], "");
    assert_eq!(schema(&old.db), schema(&fresh.db));
}
