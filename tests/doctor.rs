//! `py201 doctor` finds damage and impossible states; `--fix` repairs what
//! is safe after a backup.

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;

#[test]
fn doctor_finds_and_fixes_impossible_states() {
    let env = env_with("test.toml");
    env.config("fuzz", "off");
    env.run_ok(&at_day(1), &["review", "--deck", "Test"], "\n5\n\n4\n\n5\n");
    let healthy = env.run_ok(T0, &["doctor"], "");
    assert!(healthy.starts_with("No problems found"), "{healthy}");
    let good = env.cards(&at_day(1), "Test");
    {
        let conn = rusqlite::Connection::open(&env.db).unwrap();
        // Damage the kind a hand edit or a buggy tool could do, bypassing the schema's checks.
        conn.execute_batch(
            "PRAGMA ignore_check_constraints = ON; PRAGMA foreign_keys = OFF;
             UPDATE cards SET ease = 900 WHERE uid = 't-a';
             UPDATE cards SET interval = -3 WHERE uid = 't-b';
             UPDATE cards SET due = 1 WHERE uid = 't-c';
             INSERT INTO revlog (card_id, time_ms, day, grade, is_repeat, taken_ms, reps_before, reps_after,
                 interval_before, interval_after, ease_before, ease_after, due_before, due_after,
                 lapses_before, lapses_after)
               VALUES (9999, 0, 20000, 3, 0, 0, 0, 1, 0, 1, 2500, 2360, NULL, 20001, 0, 0);",
        )
        .unwrap();
    }
    let out = env.cmd(T0).arg("doctor").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = String::from_utf8_lossy(&out.stdout);
    for line in [
        "review-log rows of cards that do not exist: 1 (fixable with --fix)",
        "cards with EF below 1.3: 1 (fixable with --fix)",
        "cards with a negative interval, repetition or lapse count: 1 (fixable with --fix)",
        "cards due before their first review: 1 (fixable with --fix)",
    ] {
        assert!(report.contains(line), "{line}\n{report}");
    }
    let fixed = env.run_ok(T0, &["doctor", "--fix"], "");
    assert!(
        fixed.contains("Backed up to") && fixed.contains("removed 1 review-log rows"),
        "{fixed}"
    );
    assert!(
        fixed.contains("rebuilt 3 cards' scheduling state from their review log"),
        "{fixed}"
    );
    assert_eq!(
        env.cards(&at_day(1), "Test"),
        good,
        "the log restores each card's state exactly"
    );
    assert!(
        env.run_ok(T0, &["doctor"], "")
            .starts_with("No problems found")
    );
}

/// The daily summaries behind `py201 stats` follow every answer and undo
/// exactly (doctor recomputes them from the log and finds no difference);
/// if they drift anyway, doctor says so and `--fix` rebuilds them.
#[test]
fn daily_summaries_follow_answers_and_undo_and_are_rebuilt_when_off() {
    let env = env_with("test.toml");
    env.config("fuzz", "off");
    // Answers, a failure with its same-day repeats, and two undos.
    env.run_ok(
        &at_day(1),
        &["review", "--deck", "Test"],
        "\n5\n\n3\nu\n\n2\n\n1\n\n4\nu\n\n4\n\n5\n",
    );
    env.run_ok(
        &at_day(2),
        &["review", "--deck", "Test"],
        "\n4\n\n1\nu\n\n3\n",
    );
    let healthy = env.run_ok(at_day(2).as_str(), &["doctor"], "");
    assert!(healthy.starts_with("No problems found"), "{healthy}");
    // A card that moves to another deck takes its history along.
    {
        let conn = rusqlite::Connection::open(&env.db).unwrap();
        conn.execute_batch(
            "INSERT INTO decks (name, position) VALUES ('Other', 99);
             UPDATE cards SET deck_id = (SELECT id FROM decks WHERE name = 'Other') WHERE uid = 't-b';",
        )
        .unwrap();
    }
    let healthy = env.run_ok(at_day(2).as_str(), &["doctor"], "");
    assert!(healthy.starts_with("No problems found"), "{healthy}");
    let other = env.run_ok(&at_day(2), &["stats", "--deck", "Other", "--json"], "");
    let other: serde_json::Value =
        serde_json::from_str(&other).unwrap_or_else(|e| panic!("stats --json: {e}\n{other}"));
    // The deck's review count is the moved card's log, counted row by row.
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    let logged: i64 = conn
        .query_row(
            "SELECT count(*) FROM revlog r JOIN cards c ON c.id = r.card_id WHERE c.uid = 't-b'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(logged > 0);
    assert_eq!(other["reviews"], serde_json::json!(logged), "{other}");
    let stats = env.run_ok(&at_day(2), &["stats", "--json"], "");
    {
        let conn = rusqlite::Connection::open(&env.db).unwrap();
        conn.execute_batch(
            "UPDATE revlog_days SET g5 = g5 + 7, time_ms = time_ms + 1000;
             INSERT INTO revlog_days VALUES (1, 1, 0, 1, 0, 0, 0, 0, 0, 5);",
        )
        .unwrap();
    }
    let out = env.cmd(&at_day(2)).arg("doctor").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains("daily statistics summaries that disagree with the review log"),
        "{report}"
    );
    assert_ne!(env.run_ok(&at_day(2), &["stats", "--json"], ""), stats);
    let fixed = env.run_ok(&at_day(2), &["doctor", "--fix"], "");
    assert!(
        fixed.contains("rebuilt the daily statistics summaries from the review log"),
        "{fixed}"
    );
    assert_eq!(env.run_ok(&at_day(2), &["stats", "--json"], ""), stats);
    assert!(
        env.run_ok(&at_day(2), &["doctor"], "")
            .starts_with("No problems found")
    );
}

/// A note that is exactly its card (no row of its own since schema 6) whose
/// card is gone: doctor names it, and an export stops with one line naming
/// the note instead of writing a file without it.
#[test]
fn a_note_without_its_card_is_found_and_named() {
    let env = env_with("test.toml");
    {
        let conn = rusqlite::Connection::open(&env.db).unwrap();
        let rows: i64 = conn
            .query_row("SELECT count(*) FROM notes WHERE id = 't-c'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(rows, 0, "t-c is kept as its card");
        conn.execute_batch("UPDATE cards SET uid = 't-x' WHERE uid = 't-c';")
            .unwrap();
    }
    let out = env.cmd(T0).arg("doctor").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains("cards whose note is missing: 1"),
        "{report}"
    );
    let out = env
        .cmd(T0)
        .args(["export", "--deck", "Test", "--format", "tsv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = one_line_error(&out);
    assert!(
        err.contains(
            "note t-c (of card t-x): its text is missing or out of course order; run `py201 doctor`"
        ),
        "{err}"
    );
}

/// A collection too damaged to open (here cut in half, as a full disk or a
/// bad copy leaves it) is brought back by py201 alone: `doctor` names the
/// damage and points to `restore`, `backups` lists what can restore it, and
/// `restore` puts a backup in place, keeping the damaged file (issue 17).
#[test]
fn a_truncated_collection_is_restored_with_py201_alone() {
    let env = env_with("test.toml");
    env.config("fuzz", "off");
    env.run_ok(&at_day(1), &["review", "--deck", "Test"], "\n5\n\n4\n\n5\n");
    // Backups come the way a learner gets them: before each import.
    let deck = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/decks/kinds.toml"
    );
    env.run_ok(&at_day(1), &["import", deck], "");
    let answered = env.cards(&at_day(1), "Test");
    // Grow the file well past its first pages, then cut it in half.
    env.run_ok(
        &at_day(2),
        &[
            "import",
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/decks/tricky.toml"
            ),
        ],
        "",
    );
    let full = std::fs::read(&env.db).unwrap();
    std::fs::write(&env.db, &full[..full.len() / 2]).unwrap();
    let damaged = std::fs::read(&env.db).unwrap();

    let out = env.cmd(&at_day(2)).arg("doctor").output().unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert!(report.contains("collection file is truncated"), "{report}");
    assert!(report.contains("py201 restore FILE"), "{report}");

    let listed = env.run_ok(&at_day(2), &["backups"], "");
    let backup = env
        .dir
        .path()
        .join("backups")
        .join("collection-20260106-090000.db");
    assert!(listed.contains("collection-20260106-090000.db"), "{listed}");
    assert!(
        listed.contains(&format!("in {}:", backup.parent().unwrap().display())),
        "{listed}"
    );

    // Restored by the name `backups` lists.
    let restored = env.run_ok(
        &at_day(2),
        &["restore", "collection-20260106-090000.db"],
        "",
    );
    assert!(restored.starts_with("Restored "), "{restored}");
    let kept = env
        .dir
        .path()
        .join("backups")
        .join("collection-damaged-20260106-090000.db");
    assert!(restored.contains(&kept.display().to_string()), "{restored}");
    assert_eq!(
        std::fs::read(&kept).unwrap(),
        damaged,
        "the damaged file is kept whole"
    );
    // The collection is the newest backup (made just before the second
    // import): Test's answers as they were, and a healthy file.
    assert_eq!(env.cards(&at_day(1), "Test"), answered);
    let healthy = env.run_ok(&at_day(2), &["doctor"], "");
    assert!(healthy.starts_with("No problems found"), "{healthy}");
}
