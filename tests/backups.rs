//! Backups belong to their collection: two collections in one folder keep
//! their backups apart in names, listings, pruning and restore (issue 17).

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
