//! Every released schema version keeps opening: a fixture collection per
//! version (made by that version of py201 from a known history) is opened by
//! this py201, upgraded if needed, and must hold exactly that history.
//!
//! tests/fixtures/collections/vN.db, made by the py201 of schema version N:
//! the Test fixture deck, `fuzz off`, one session on 2026-01-05 grading t-a 5,
//! t-b 3, t-c 1, then the same-day repeats t-b 4, t-c 2, t-c 4.
//!
//! Versions: 1, the first release; 2 added the daily review summaries
//! (`revlog_days`, filled from the log on upgrade) and the indexes behind
//! `py201 decks` and `py201 stats`; 3 added the FSRS memory state and
//! learning step (cards) and their values before and after (revlog). The v3
//! fixture also switched to FSRS and back to SM-2 at 20:00 on day 1, so its
//! cards hold the memory states their logs give (and SM-2 schedules).

mod common;
use common::*;
use serde_json::json;

/// Every released schema version, oldest first.
const FIXTURES: [&str; 3] = ["v1.db", "v2.db", "v3.db"];

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/collections")
        .join(name)
}

#[test]
fn every_released_version_has_a_fixture() {
    assert_eq!(
        FIXTURES.len() as i64,
        py201::collection::SCHEMA_VERSION,
        "a schema change needs a fixture made by its py201"
    );
    for f in FIXTURES {
        assert!(fixture(f).exists(), "{f}");
    }
}

#[test]
fn every_schema_version_opens_with_its_history() {
    for f in FIXTURES {
        collection_opens_with_its_history(f);
    }
}

fn collection_opens_with_its_history(name: &str) {
    let env = empty_env();
    std::fs::copy(fixture(name), &env.db).unwrap_or_else(|e| panic!("{e}"));
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
    // The statistics come from the upgraded summaries: 6 answers, 3 of them
    // same-day repeats; doctor recomputes the summaries from the log.
    let stats: serde_json::Value =
        serde_json::from_str(&env.run_ok(now, &["stats", "--deck", "Test", "--json"], ""))
            .unwrap_or_default();
    assert_eq!(stats["reviews"], json!(6), "{name}");
    let doctor = env.run_ok(now, &["doctor"], "");
    assert!(doctor.starts_with("No problems found"), "{name}: {doctor}");
    // And it keeps working: the next day's review continues the schedule.
    let out = env.run_ok(&at_day(2), &["review", "--deck", "Test"], "\n5\n\n4\n\n4\n");
    assert_eq!(questions(&out).len(), 3);
    assert_eq!(env.card(&at_day(2), "Test", "t-a")["interval"], json!(6));
}

#[test]
fn schema_v3_collection_keeps_its_fsrs_memory_states() {
    let env = empty_env();
    std::fs::copy(fixture("v3.db"), &env.db).unwrap_or_else(|e| panic!("{e}"));
    let now = "2026-01-05T20:00:00Z";
    // The crate's memory state for each card's day-1 log (grades mapped 0-2
    // Again, 3 Hard, 4 Good, 5 Easy; same-day answers 0 days apart).
    let model = fsrs::FSRS::new(&[]).unwrap_or_else(|e| panic!("{e}"));
    let mem = |ratings: &[u32]| {
        let reviews = ratings
            .iter()
            .map(|&rating| fsrs::FSRSReview { rating, delta_t: 0 })
            .collect();
        model
            .memory_state(fsrs::FSRSItem { reviews }, None)
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let r4 = |v: f32| json!((f64::from(v) * 10_000.0).round() / 10_000.0);
    let expected = [
        ("t-a", mem(&[4])),
        ("t-b", mem(&[2, 3])),
        ("t-c", mem(&[1, 1, 3])),
    ];
    for (id, m) in expected {
        let c = env.card(now, "Test", id);
        assert_eq!(
            (&c["stability"], &c["difficulty"]),
            (&r4(m.stability), &r4(m.difficulty)),
            "{id}"
        );
    }
    assert_eq!(env.run_ok(now, &["config", "scheduler"], ""), "sm2\n");
    // Switching to FSRS again recomputes the same states from the log.
    env.run_ok(now, &["config", "scheduler", "fsrs"], "");
    for (id, m) in expected {
        let c = env.card(now, "Test", id);
        assert_eq!(c["stability"], r4(m.stability), "{id}");
    }
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
    for f in FIXTURES {
        let old = empty_env();
        std::fs::copy(fixture(f), &old.db).unwrap_or_else(|e| panic!("{e}"));
        old.run_ok(T0, &["decks"], "");
        assert_eq!(schema(&old.db), schema(&fresh.db), "{f}");
    }
}
