//! Bad input gets one clear line, a non-zero exit, and no change to any file.

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;

fn bytes(p: &std::path::Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn unknown_deck_names_the_decks_there_are() {
    let env = env_with("test.toml");
    for args in [
        &["review", "--deck", "Nope"][..],
        &["cards", "--deck", "Nope"][..],
    ] {
        let out = env.cmd(T0).args(args).output().unwrap();
        let err = one_line_error(&out);
        assert!(
            err.contains("no deck named \"Nope\"") && err.contains("Test"),
            "{err}"
        );
    }
    // Deck names match without regard to case.
    env.run_ok(T0, &["review", "--deck", "test"], "q\n");
}

#[test]
fn db_that_is_a_directory() {
    let env = empty_env();
    let dir = env.dir.path().join("somedir");
    std::fs::create_dir(&dir).unwrap();
    let out = env
        .cmd(T0)
        .args(["--db"])
        .arg(&dir)
        .arg("review")
        .output()
        .unwrap();
    let err = one_line_error(&out);
    assert!(err.contains("is a directory"), "{err}");
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        0,
        "nothing written inside"
    );
}

#[test]
fn db_that_is_a_text_file_is_left_untouched() {
    let env = empty_env();
    let file = env.dir.path().join("notes.txt");
    std::fs::write(&file, "my precious notes\n".repeat(300)).unwrap();
    let before = bytes(&file);
    for cmd in ["review", "decks", "cards"] {
        let out = env
            .cmd(T0)
            .arg("--db")
            .arg(&file)
            .arg(cmd)
            .output()
            .unwrap();
        let err = one_line_error(&out);
        assert!(err.contains("notes.txt: not a py201 collection"), "{err}");
    }
    assert_eq!(bytes(&file), before);
    let names: Vec<_> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "no -wal/-shm files beside it: {names:?}");
}

#[test]
fn truncated_database_is_refused_and_left_untouched() {
    let env = env_with_text(&many_cards(2000));
    let full = bytes(&env.db);
    assert!(full.len() > 64 * 1024, "fixture big enough: {}", full.len());
    std::fs::write(&env.db, &full[..full.len() / 2]).unwrap();
    let before = bytes(&env.db);
    let out = env.cmd(T0).arg("review").output().unwrap();
    let err = one_line_error(&out);
    assert!(err.contains("truncated"), "{err}");
    assert_eq!(bytes(&env.db), before);
}

#[test]
fn another_programs_sqlite_database_is_refused() {
    let env = empty_env();
    {
        let conn = rusqlite::Connection::open(&env.db).unwrap();
        conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
            .unwrap();
    }
    let before = bytes(&env.db);
    let err = one_line_error(&env.cmd(T0).arg("decks").output().unwrap());
    assert!(
        err.contains("an SQLite database, but not a py201 collection"),
        "{err}"
    );
    assert_eq!(bytes(&env.db), before);
}

#[test]
fn collection_from_a_newer_py201_is_refused_naming_both_versions() {
    let env = env_with("test.toml");
    {
        let conn = rusqlite::Connection::open(&env.db).unwrap();
        conn.execute_batch("PRAGMA user_version = 99;").unwrap();
    }
    let err = one_line_error(&env.cmd(T0).arg("decks").output().unwrap());
    assert!(
        err.contains("schema version 99")
            && err.contains(&format!(
                "knows up to {}",
                py201::collection::SCHEMA_VERSION
            )),
        "{err}"
    );
}

#[test]
fn bad_config_values_are_refused_and_change_nothing() {
    let env = env_with("test.toml");
    let listing = env.run_ok(T0, &["config"], "");
    for (k, v, allowed) in [
        ("fuzz", "sometimes", "on or off"),
        ("max-interval", "0", "from 1 to 36500"),
        ("new-per-day", "ten", "from 0 to 9999"),
        ("reviews-per-day", "-5", "from 0 to 99999"),
        ("day-starts-at", "25", "from 0 to 23"),
    ] {
        let out = env.cmd(T0).args(["config", k, v]).output().unwrap();
        let err = one_line_error(&out);
        assert!(err.contains(k) && err.contains(allowed), "{err}");
    }
    let err = one_line_error(
        &env.cmd(T0)
            .args(["config", "colour", "blue"])
            .output()
            .unwrap(),
    );
    assert!(
        err.contains("unknown key \"colour\"") && err.contains("new-per-day"),
        "{err}"
    );
    assert_eq!(env.run_ok(T0, &["config"], ""), listing);
    // A good value is stored and shown.
    assert_eq!(
        env.run_ok(T0, &["config", "new-per-day", "7"], ""),
        "new-per-day = 7\n"
    );
    assert_eq!(env.run_ok(T0, &["config", "new-per-day"], ""), "7\n");
}

#[test]
fn bad_clock() {
    let env = env_with("test.toml");
    let err = one_line_error(&env.cmd("next tuesday").arg("decks").output().unwrap());
    assert!(
        err.contains("PY201_NOW") && err.contains("RFC 3339"),
        "{err}"
    );
}

#[test]
fn usage_errors_exit_2_without_a_panic() {
    let env = env_with("test.toml");
    let out = env
        .cmd(T0)
        .args(["review", "--limit", "many"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

/// A usage error exits 2 with clap's message and its usage line, whether
/// clap's parser finds it or the command does (a flag that only makes sense
/// with another's value); nothing is written.
#[test]
fn usage_errors_exit_2_in_clap_words() {
    let env = env_with("test.toml");
    let out_file = env.dir.path().join("x.tsv");
    let usage_error = |args: &[&str], says: &str| {
        let out = env
            .cmd(T0)
            .args(args)
            .arg("-o")
            .arg(&out_file)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.starts_with("error: ") && err.contains(says),
            "{args:?}: {err}"
        );
        assert!(!out_file.exists(), "{args:?}: nothing is written");
    };
    for format in ["tsv", "csv", "deck", "json"] {
        usage_error(
            &[
                "export",
                "--deck",
                "Test",
                "--format",
                format,
                "--with-progress",
            ],
            "--with-progress is for --format apkg",
        );
    }
    usage_error(
        &["export", "--format", "xml"],
        "[possible values: deck, csv, tsv, json, apkg]",
    );
    let out = env
        .cmd(T0)
        .args(["review", "--limit", "0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid value '0' for '--limit <N>'"));
}

/// A --db in a folder that does not exist is refused, naming the folder,
/// and creates nothing; a new file in an existing folder is fine (issue 17).
#[test]
fn db_in_a_missing_folder_is_refused_and_nothing_is_created() {
    let env = empty_env();
    let typo = env.dir.path().join("no-such-folder").join("c.db");
    let out = env
        .cmd(T0)
        .arg("--db")
        .arg(&typo)
        .arg("decks")
        .output()
        .unwrap();
    let err = one_line_error(&out);
    assert!(
        err.contains("folder") && err.contains("no-such-folder") && err.contains("does not exist"),
        "{err}"
    );
    assert!(!typo.parent().unwrap().exists(), "no folder was made");
    let fine = env.dir.path().join("new.db");
    env.cmd(T0)
        .arg("--db")
        .arg(&fine)
        .arg("decks")
        .assert()
        .success();
    assert!(fine.exists());
}

/// An import that fails into a --db that did not exist leaves no new
/// collection behind (issue 17).
#[test]
fn a_failed_import_into_a_new_collection_leaves_nothing() {
    let env = empty_env();
    let bad = env.dir.path().join("bad.csv");
    std::fs::write(&bad, "#separator:comma\n#columns:front\n\"unclosed\n").unwrap();
    let out = env.cmd(T0).arg("import").arg(&bad).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for suffix in ["", "-wal", "-shm"] {
        let f = format!("{}{suffix}", env.db.display());
        assert!(!std::path::Path::new(&f).exists(), "{f} left behind");
    }
}
