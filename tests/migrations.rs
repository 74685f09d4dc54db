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
//! cards hold the memory states their logs give (and SM-2 schedules). 4
//! keeps a note that is exactly its one card without a JSON copy (fields
//! '', as the v4 fixture's Test notes are) and dropped `notes_deck`; the v4
//! fixture was made with `py201 import tests/fixtures/decks/test.toml`,
//! `config fuzz off` and the session above, all at 2026-01-05T09:00:00Z. 5
//! indexes cards by note id only where that is not their own uid (the cards
//! of cloze notes); its fixture was made as v4's. 6 keeps no row at all for
//! a note that is exactly its card (rebuilding `cards` without its foreign
//! key to `notes`); its fixture was made as v4's. 7 merges the two indexes
//! of cards in deck order into one; its fixture was made as v4's. 8 makes
//! the kind of answer the daily summaries count a log row as a computed
//! column of the log (`answer_kind`), which their triggers read instead of
//! each spelling it out; its fixture was made as v4's (taken_ms, measured,
//! differs). 9 keeps each deck's cards counted by class and due day
//! (`deck_counts`, filled from the cards on upgrade, kept by triggers) and
//! indexes buried cards; its fixture was made as v4's. 10 lets the learner
//! turn decks off (`decks.off`) and keeps their edits of built-in cards
//! (`card_overrides`); its fixture was made as v4's. 11 adds the
//! bookkeeping of `py201 sync` (`sync_devices`, `sync_segments`,
//! `sync_answers`, `sync_cards`); its fixture was made as v4's. 12 gives
//! cards and settings the time they were last changed (`modified_ms`),
//! keeps the edits that lost to a later one on another device
//! (`superseded_edits`) and the shared settings as last synced
//! (`sync_settings`); its fixture was made as v4's.

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;
use rusqlite::OptionalExtension;
use serde_json::json;

/// Every released schema version, oldest first.
const FIXTURES: [&str; 12] = [
    "v1.db", "v2.db", "v3.db", "v4.db", "v5.db", "v6.db", "v7.db", "v8.db", "v9.db", "v10.db",
    "v11.db", "v12.db",
];

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
    std::fs::copy(fixture(name), &env.db).unwrap();
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
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    let (rows, repeats): (i64, i64) = conn
        .query_row("SELECT count(*), sum(is_repeat) FROM revlog", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((rows, repeats), (6, 3));
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, py201::collection::SCHEMA_VERSION);
    // The statistics come from the upgraded summaries: 6 answers, 3 of them
    // same-day repeats; doctor recomputes the summaries from the log.
    let stats: serde_json::Value =
        serde_json::from_str(&env.run_ok(now, &["stats", "--deck", "Test", "--json"], "")).unwrap();
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
    std::fs::copy(fixture("v3.db"), &env.db).unwrap();
    let now = "2026-01-05T20:00:00Z";
    // The crate's memory state for each card's day-1 log (grades mapped 0-2
    // Again, 3 Hard, 4 Good, 5 Easy; same-day answers 0 days apart).
    let model = fsrs::FSRS::new(&[]).unwrap();
    let mem = |ratings: &[u32]| {
        let reviews = ratings
            .iter()
            .map(|&rating| fsrs::FSRSReview { rating, delta_t: 0 })
            .collect();
        model
            .memory_state(fsrs::FSRSItem { reviews }, None)
            .unwrap()
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

/// A CREATE statement as SQLite parses it: its tokens, without comments or
/// layout, identifiers unquoted and words lower-cased (string literals kept
/// exactly). SQLite keeps each statement's text as it was written, so a
/// table an upgrade made with ALTER TABLE ADD COLUMN reads
/// `..., repeat_on_after INTEGER\n, stability_before REAL, ...)` where
/// schema.sql lays its columns out one a line with comments; the two define
/// the same table exactly when their tokens are the same.
fn tokens(sql: &str) -> String {
    let b = sql.as_bytes();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let rest = &sql[i..];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if rest.starts_with("--") {
            i += rest.find('\n').unwrap_or(rest.len());
        } else if rest.starts_with("/*") {
            i += rest.find("*/").expect("closed comment") + 2;
        } else if c == b'\'' {
            // A string literal, '' standing for a quote inside it.
            let mut j = i + 1;
            while !(b[j] == b'\'' && b.get(j + 1) != Some(&b'\'')) {
                j += if b[j] == b'\'' { 2 } else { 1 };
            }
            out.push(sql[i..=j].to_string());
            i = j + 1;
        } else if matches!(c, b'"' | b'`' | b'[') {
            let close = if c == b'[' { ']' } else { c as char };
            let len = rest[1..].find(close).expect("closed identifier");
            out.push(rest[1..=len].to_lowercase());
            i += len + 2;
        } else if c.is_ascii_alphanumeric() || c == b'_' {
            let len = rest
                .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                .unwrap_or(rest.len());
            out.push(rest[..len].to_lowercase());
            i += len;
        } else {
            out.push((c as char).to_string());
            i += 1;
        }
    }
    out.join(" ")
}

#[test]
fn tokens_ignore_layout_comments_and_quoting_only() {
    assert_eq!(
        tokens("CREATE TABLE \"cards\" (\n  -- it's\n  a INT, /* x */ b TEXT DEFAULT 'It''s'\n)"),
        tokens("create table cards (a int, b text default 'It''s')")
    );
    assert_ne!(tokens("CHECK (x IN ('A'))"), tokens("CHECK (x IN ('a'))"));
    assert_ne!(tokens("x < 21"), tokens("x < 22"));
    assert_ne!(tokens("(a, b)"), tokens("(b, a)"));
}

/// Everything in a collection's `sqlite_schema` (type, name, table, the
/// statement's tokens), and what SQLite reports of each table and index
/// through its pragmas: every column (type, NOT NULL, default, key,
/// generated), foreign key and index, and each index's columns, order and
/// collation. The statements already say all of it; the pragmas check the
/// same from SQLite's side of the parse.
fn schema_of(conn: &rusqlite::Connection) -> Vec<String> {
    let all = |sql: &str| -> Vec<Vec<rusqlite::types::Value>> {
        let mut st = conn.prepare(sql).unwrap();
        let n = st.column_count();
        st.query_map([], |r| (0..n).map(|i| r.get(i)).collect())
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let objects: Vec<(String, String, String, Option<String>)> = conn
        .prepare(
            "SELECT type, name, tbl_name, sql FROM sqlite_schema
             WHERE name NOT LIKE 'sqlite_stat%' ORDER BY type, name",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = Vec::new();
    for (kind, name, table, sql) in objects {
        out.push(format!(
            "{kind} {name} ON {table}: {}",
            sql.as_deref().map_or("(made by SQLite)".into(), tokens)
        ));
        let quoted = name.replace('\'', "''");
        // Each pragma's rows in an order that is the schema's, not the
        // order in which the objects were made (index_list's `seq`).
        let pragmas: &[(&str, &str)] = match kind.as_str() {
            "table" => &[
                ("table_xinfo", "*"),
                ("foreign_key_list", "*"),
                ("index_list", "name, \"unique\", origin, partial"),
            ],
            "index" => &[("index_xinfo", "*")],
            _ => &[],
        };
        for (pragma, columns) in pragmas {
            let sql = format!("SELECT {columns} FROM pragma_{pragma}('{quoted}') ORDER BY 1, 2");
            for row in all(&sql) {
                out.push(format!("  {pragma} {name}: {row:?}"));
            }
        }
    }
    out
}

/// Every row of `table` in `key` order, as `SELECT {columns}` gives them.
fn rows_of(
    conn: &rusqlite::Connection,
    (table, key): (&str, &str),
    columns: &[String],
) -> Vec<Vec<rusqlite::types::Value>> {
    let columns = columns.join(", ");
    let mut st = conn
        .prepare(&format!("SELECT {columns} FROM {table} ORDER BY {key}"))
        .unwrap();
    let n = st.column_count();
    st.query_map([], |r| (0..n).map(|i| r.get(i)).collect())
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// The stored columns of `table` (not the computed ones, whose values the
/// doctor checks below cover).
fn columns_of(conn: &rusqlite::Connection, table: &str) -> Vec<String> {
    conn.prepare(&format!(
        "SELECT name FROM pragma_table_xinfo('{table}') WHERE hidden = 0"
    ))
    .unwrap()
    .query_map([], |r| r.get(0))
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// The tables whose rows no upgrade changes (notes are kept differently
/// from version 4 on: see the tests below), each with its key.
const KEPT: [(&str, &str); 5] = [
    ("cards", "id"),
    ("revlog", "id"),
    ("decks", "id"),
    ("config", "key"),
    ("meta", "key"),
];

/// schema.sql is the current schema: a collection of every released
/// version, upgraded by this py201 (backup first), ends with exactly the
/// schema of a new collection, every card and log row as it was (a column
/// added since holds NULL), and daily summaries that agree with its log.
#[test]
fn upgraded_fixtures_have_exactly_the_schema_of_a_new_collection() {
    use py201::collection::{Collection, SCHEMA_VERSION};
    let fresh = empty_env();
    let new = Collection::open(&fresh.db).unwrap();
    assert!(new.created);
    let want = schema_of(&new.conn);
    assert!(
        want.iter()
            .any(|l| l.starts_with("trigger revlog_days_move ON cards")),
        "{want:#?}"
    );
    for (v, f) in (1..).zip(FIXTURES) {
        let env = empty_env();
        std::fs::copy(fixture(f), &env.db).unwrap();
        let (before, added) = {
            let old = rusqlite::Connection::open(&env.db).unwrap();
            let version: i64 = old
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .unwrap();
            assert_eq!(version, v, "{f} is made by py201 of schema {v}");
            let mut before = Vec::new();
            let mut added = Vec::new();
            for table in KEPT {
                let old_columns = columns_of(&old, table.0);
                let rows = rows_of(&old, table, &old_columns);
                assert!(!rows.is_empty(), "{f}: {} is empty", table.0);
                before.push((table, old_columns, rows));
            }
            let new_columns: Vec<Vec<String>> =
                KEPT.iter().map(|(t, _)| columns_of(&new.conn, t)).collect();
            for ((table, old_columns, _), all) in before.iter().zip(&new_columns) {
                for c in all.iter().filter(|c| !old_columns.contains(c)) {
                    added.push((table.0, c.clone()));
                }
            }
            (before, added)
        };
        let col = Collection::open(&env.db).unwrap();
        assert!(!col.created);
        let version: i64 = col
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION, "{f}");
        let backup = env
            .dir
            .path()
            .join(format!("backups/collection-schema-{v}.db"));
        assert_eq!(
            backup.exists(),
            v < SCHEMA_VERSION,
            "{f}: {}",
            backup.display()
        );

        let got = schema_of(&col.conn);
        let only = |a: &[String], b: &[String]| -> Vec<String> {
            a.iter().filter(|l| !b.contains(l)).cloned().collect()
        };
        assert!(
            got == want,
            "{f} upgraded differs from a new collection:\nonly upgraded: {:#?}\nonly new: {:#?}",
            only(&got, &want),
            only(&want, &got)
        );
        for (table, old_columns, rows) in &before {
            let after = rows_of(&col.conn, *table, old_columns);
            assert_eq!(&after, rows, "{f}: the rows of {}", table.0);
        }
        for (table, column) in &added {
            // A new column holds its declared default (NULL without one).
            let default: Option<String> = col
                .conn
                .query_row(
                    &format!("SELECT dflt_value FROM pragma_table_info('{table}') WHERE name = ?1"),
                    [column],
                    |r| r.get(0),
                )
                .unwrap();
            let default = default.unwrap_or_else(|| "NULL".into());
            let set: i64 = col
                .conn
                .query_row(
                    &format!("SELECT count(*) FROM {table} WHERE {column} IS NOT {default}"),
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(set, 0, "{f}: {table}.{column} is new, so {default}");
        }
        assert_eq!(col.doctor().unwrap(), vec![], "{f}");

        // The upgraded triggers keep the summaries as `py201 doctor`
        // computes them from the log (its own spelling of the kind of
        // answer): answers of every kind, an undone one, a card moved to
        // another deck and back.
        let changes = [
            "DELETE FROM revlog WHERE id = (SELECT max(id) FROM revlog)",
            "INSERT INTO revlog (card_id, time_ms, day, grade, is_repeat, taken_ms,
                 reps_before, reps_after, interval_before, interval_after, ease_before,
                 ease_after, due_before, due_after, lapses_before, lapses_after)
             SELECT id, 0, 20459, 4, 0, 700, 3, 4, i, 40, 2500, 2500, 20459, 20499, 0, 0
             FROM cards, (SELECT 20 AS i UNION ALL SELECT 21) WHERE uid = 't-a'",
            "UPDATE cards SET deck_id = 1 WHERE uid = 't-c'",
            "UPDATE cards SET deck_id = (SELECT id FROM decks WHERE name = 'Test') WHERE uid = 't-c'",
            "UPDATE cards SET deck_id = 2 WHERE uid = 't-b'",
        ];
        for sql in changes {
            col.conn.execute_batch(sql).unwrap();
            assert_eq!(col.doctor().unwrap(), vec![], "{f}: after {sql}");
        }
        let kinds: String = col
            .conn
            .query_row(
                "SELECT group_concat(DISTINCT kind) FROM (SELECT kind FROM revlog_days ORDER BY kind)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(kinds, "0,1,2,3", "{f}");
    }
}

/// Notes kept as JSON by older versions and notes kept as their card (v4)
/// export the same deck file.
#[test]
fn notes_kept_either_way_export_the_same_deck() {
    let export = |name: &str| {
        let env = empty_env();
        std::fs::copy(fixture(name), &env.db).unwrap();
        env.run_ok(T0, &["export", "--deck", "Test", "--format", "deck"], "")
    };
    let conn = rusqlite::Connection::open(fixture("v4.db")).unwrap();
    let lean: i64 = conn
        .query_row(
            "SELECT count(*) FROM notes WHERE fields = '' AND id LIKE 't-%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        lean, 3,
        "the v4 fixture's Test notes are kept as their cards"
    );
    let v3 = export("v3.db");
    assert!(v3.contains("id = \"t-c\""), "{v3}");
    assert_eq!(export("v4.db"), v3);
    assert_eq!(export("v5.db"), v3);
    assert_eq!(export("v6.db"), v3);
    assert_eq!(export("v7.db"), v3);
    assert_eq!(export("v8.db"), v3);
}

/// Schema 6: a note that is exactly its card has no row, and cards have no
/// foreign key to notes any more; the rebuilt table keeps every card, its
/// row id and its history.
#[test]
fn upgrading_to_v6_drops_the_rows_of_notes_that_are_their_card() {
    let env = empty_env();
    std::fs::copy(fixture("v5.db"), &env.db).unwrap();
    // Cards up to row `upto`: the binary's built-in decks may add cards to
    // the fixture's; the ones it had must all be kept.
    let snapshot = |conn: &rusqlite::Connection, upto: i64| -> (i64, i64, i64, String) {
        conn.query_row(
            "SELECT (SELECT count(*) FROM notes WHERE id LIKE 't-%'),
                    (SELECT count(*) FROM cards WHERE id <= ?1), (SELECT count(*) FROM revlog),
                    (SELECT group_concat(id || ':' || uid || ':' || reps || ':' || ifnull(due, '-'), ' ')
                     FROM (SELECT * FROM cards WHERE uid LIKE 't-%' ORDER BY id))",
            [upto],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap()
    };
    let (before, last) = {
        let conn = rusqlite::Connection::open(&env.db).unwrap();
        let last: i64 = conn
            .query_row("SELECT max(id) FROM cards", [], |r| r.get(0))
            .unwrap();
        (snapshot(&conn, i64::MAX), last)
    };
    assert_eq!(before.0, 3, "v5 keeps a row (fields '') for each Test note");
    env.run_ok(T0, &["decks"], "");
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    let after = snapshot(&conn, last);
    assert_eq!(after.0, 0);
    assert_eq!(
        (after.1, after.2, &after.3),
        (before.1, before.2, &before.3)
    );
    let to_notes: i64 = conn
        .query_row(
            "SELECT count(*) FROM pragma_foreign_key_list('cards') WHERE \"table\" = 'notes'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(to_notes, 0);
    assert!(
        env.run_ok(T0, &["doctor"], "")
            .starts_with("No problems found")
    );
}

/// A note as py201 v3 stored it, with its card: id, fields, kind, front,
/// back, code, tags, source, and whether v4 keeps it as its card.
type V3Note = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
    &'static str,
    bool,
);

/// The upgrade to schema 4 drops the JSON copy of every note that is
/// exactly its card, in SQL; each note must still read back exactly as it
/// was stored, whichever way it is kept now.
#[test]
fn upgrading_to_v4_keeps_every_note_exactly() {
    let notes = |db: &std::path::Path| -> Vec<(String, py201::decks::NoteSpec)> {
        let col = py201::collection::Collection::open(db).unwrap();
        col.dump()
            .unwrap()
            .notes
            .into_iter()
            .map(|n| {
                let spec =
                    serde_json::from_str(&n.fields).unwrap_or_else(|e| panic!("{}: {e}", n.id));
                (n.id, spec)
            })
            .collect()
    };
    let env = empty_env();
    std::fs::copy(fixture("v3.db"), &env.db).unwrap();
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    // Notes as a v3 py201 stored them, each with its card as v3 made it.
    let cases: [V3Note; 8] = [
        (
            "m-typed",
            r#"{"id":"m-typed","kind":"typed","source":"S","front":"Q?","code":"print(1)","back":"1","tags":["a","b"]}"#,
            "typed",
            "Q?",
            "1",
            Some("print(1)"),
            "a b",
            "S",
            true,
        ),
        (
            "m-plain",
            r#"{"id":"m-plain","front":"Q?","back":"A"}"#,
            "basic",
            "Q?",
            "A",
            None,
            "",
            "",
            true,
        ),
        (
            "m-said-basic",
            r#"{"id":"m-said-basic","kind":"basic","front":"Q?","back":"A"}"#,
            "basic",
            "Q?",
            "A",
            None,
            "",
            "",
            false,
        ),
        (
            "m-untrimmed",
            r#"{"id":"m-untrimmed","front":" Q? ","back":"A"}"#,
            "basic",
            "Q?",
            "A",
            None,
            "",
            "",
            false,
        ),
        (
            "m-spaced-tag",
            r#"{"id":"m-spaced-tag","front":"Q?","back":"A","tags":["a b"]}"#,
            "basic",
            "Q?",
            "A",
            None,
            "a_b",
            "",
            false,
        ),
        (
            "m-ref",
            r#"{"id":"m-ref","front":"Q?","back":"A","ref":"https://docs.python.org/"}"#,
            "basic",
            "Q?",
            "A",
            None,
            "",
            "",
            false,
        ),
        (
            "m-check",
            r#"{"id":"m-check","kind":"typed","front":"Q?","code":"print(2)","back":"2","check":{"code":"print(2)","expect":"2"}}"#,
            "typed",
            "Q?",
            "2",
            Some("print(2)"),
            "",
            "",
            false,
        ),
        (
            "m-code-end",
            r#"{"id":"m-code-end","kind":"typed","front":"Q?","code":"print(3)\n","back":"3"}"#,
            "typed",
            "Q?",
            "3",
            Some("print(3)"),
            "",
            "",
            false,
        ),
    ];
    for (i, (id, fields, kind, front, back, code, tags, source, _)) in cases.iter().enumerate() {
        conn.execute(
            "INSERT INTO notes (id, deck_id, position, fields)
             SELECT ?1, id, 900 + ?2, ?3 FROM decks WHERE name = 'Test'",
            rusqlite::params![id, i as i64, fields],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO cards (uid, note_id, deck_id, position, kind, front, back, code, tags, source)
             SELECT ?1, ?1, id, 900 + ?2, ?3, ?4, ?5, ?6, ?7, ?8 FROM decks WHERE name = 'Test'",
            rusqlite::params![id, i as i64, kind, front, back, code, tags, source],
        )
        .unwrap();
    }
    let mut before: Vec<(String, py201::decks::NoteSpec)> = conn
        .prepare("SELECT id, fields FROM notes ORDER BY id")
        .and_then(|mut st| {
            st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
                .collect::<Result<Vec<_>, _>>()
        })
        .unwrap()
        .into_iter()
        .map(|(id, f)| {
            let spec = serde_json::from_str(&f).unwrap_or_else(|e| panic!("{id}: {e}"));
            (id, spec)
        })
        .collect();
    drop(conn);
    before.sort_by(|a, b| a.0.cmp(&b.0));
    let after = notes(&env.db);
    assert_eq!(after.len(), before.len());
    for (a, b) in after.iter().zip(&before) {
        assert_eq!(a, b, "{}", b.0);
    }
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    let rows: i64 = conn
        .query_row("SELECT count(*) FROM notes", [], |r| r.get(0))
        .unwrap();
    // The Test deck's three notes at least have no row (schema 6); most
    // built-in notes carry a reference or a check and keep their JSON.
    assert!(
        rows + 3 <= after.len() as i64 && rows > 0,
        "{rows} rows for {} notes",
        after.len()
    );
    for (id, .., kept_as_card) in cases {
        let fields: Option<String> = conn
            .query_row("SELECT fields FROM notes WHERE id = ?1", [id], |r| r.get(0))
            .optional()
            .unwrap();
        assert_eq!(fields.is_none(), kept_as_card, "{id}: {fields:?}");
        assert!(fields.is_none_or(|f| !f.is_empty()), "{id}");
    }
}
