//! Backups belong to their collection: two collections in one folder keep
//! their backups apart in names, listings, pruning and restore (issue 17).
//! A JSON backup is checked whole before anything changes, then restored
//! as it is read again (issue 21).

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/decks/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn two_collections_in_one_folder_keep_their_backups_apart() {
    let env = empty_env();
    let folder = env.dir.path();
    let (a, b) = (folder.join("a.db"), folder.join("b.db"));
    let run = |db: &std::path::Path, now: &str, args: &[&str]| {
        let out = env
            .cmd(now)
            .arg("--db")
            .arg(db)
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // Each import backs its collection up first.
    for (db, now) in [(&a, &at_day(1)), (&b, &at_day(2))] {
        assert_eq!(run(db, now, &["import", &fixture("test.toml")]).0, Some(0));
        assert_eq!(run(db, now, &["import", &fixture("kinds.toml")]).0, Some(0));
    }
    let backups = folder.join("backups");
    let a_first = backups.join("a-20260105-090000.db");
    let b_first = backups.join("b-20260106-090000.db");
    assert!(a_first.exists() && b_first.exists());

    let (code, listed, _) = run(&a, &at_day(3), &["backups"]);
    assert_eq!(code, Some(0));
    assert!(listed.contains("a-20260105-090000.db"), "{listed}");
    assert!(
        !listed.contains("b-2026"),
        "a's listing shows only a's backups:\n{listed}"
    );
    assert!(
        listed.contains("2026-01-05 09:00:00"),
        "when it was made:\n{listed}"
    );

    // b's backup is refused over a, and a is left as it was.
    let a_cards = run(&a, &at_day(3), &["cards", "--json"]).1;
    let (code, _, err) = run(&a, &at_day(3), &["restore", b_first.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("a backup of another collection") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(run(&a, &at_day(3), &["cards", "--json"]).1, a_cards);
    // Its own backup is restored; another's only with --force.
    assert_eq!(
        run(&a, &at_day(3), &["restore", a_first.to_str().unwrap()]).0,
        Some(0)
    );
    let (code, out, err) = run(
        &a,
        &at_day(4),
        &["restore", "--force", b_first.to_str().unwrap()],
    );
    assert_eq!(code, Some(0), "{out}{err}");
}

/// `py201 import backup.json`: the first pass checks every row (a bad one
/// near the end refuses the file by its line, with nothing changed and no
/// backup kept) and counts them for the dry run; the second restores the
/// same collection, `doctor` clean.
#[test]
fn a_json_backup_is_checked_whole_then_restored_as_it_is_read() {
    let src = env_with("test.toml");
    src.config("new-per-day", "7");
    src.run_ok(&at_day(1), &["review", "--deck", "Test"], "\n5\n\n2\n\n4\n");
    let backup = src.run_ok(T0, &["export", "--format", "json", "-o", "-"], "");
    let dst = env_with("kinds.toml");
    let dir = dst.dir.path();
    let good = dir.join("backup.json");
    std::fs::write(&good, &backup).unwrap();
    let before = dst.run_ok(T0, &["cards", "--json"], "");

    // The last review's grade made a string: refused by its line.
    let at = backup.rfind("\"grade\": ").unwrap();
    let line = backup[..at].lines().count();
    let mut bad_text = backup.clone();
    bad_text.replace_range(at..at + "\"grade\": 4".len(), "\"grade\": \"4\"");
    let bad = dir.join("bad.json");
    std::fs::write(&bad, &bad_text).unwrap();
    let out = dst.cmd(T0).args(["import", "bad.json"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "bad.json:{line}: not a valid py201 backup: invalid type: string \"4\", expected i64\n"
        )),
        "{err}"
    );
    assert_eq!(dst.run_ok(T0, &["cards", "--json"], ""), before);
    assert!(!dir.join("backups").exists(), "no backup kept");

    let dry = dst.run_ok(T0, &["import", "--dry-run", "backup.json"], "");
    let decks = backup.matches("\"builtin\": ").count();
    let cards = backup.matches("\"uid\": ").count();
    assert_eq!(
        dry,
        format!(
            "backup.json: {decks} decks, {cards} cards, 3 reviews\nDry run: nothing was changed.\n"
        )
    );
    let out = dst.run_ok(T0, &["import", "backup.json"], "");
    assert!(
        out.starts_with(&format!(
            "backup.json: {decks} decks, {cards} cards, 3 reviews\nRestored."
        )),
        "{out}"
    );
    assert_eq!(
        dst.run_ok(T0, &["export", "--format", "json", "-o", "-"], "")
            .split_once("\"data\"")
            .map(|(_, d)| d.to_string()),
        backup.split_once("\"data\"").map(|(_, d)| d.to_string()),
        "the same rows, read back"
    );
    assert_eq!(
        dst.run_ok(&at_day(1), &["cards", "--json"], ""),
        src.run_ok(&at_day(1), &["cards", "--json"], "")
    );
    let doctor = dst.run_ok(T0, &["doctor"], "");
    assert!(doctor.contains("No problems found"), "{doctor}");
}
