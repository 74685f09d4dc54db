//! Hostile input: huge files and cards, SQL and terminal metacharacters in
//! card text, awkward paths. Refused clearly or handled as plain data.

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;
use std::os::unix::ffi::OsStrExt;

#[test]
fn fifty_megabyte_single_line_files_are_refused_quickly() {
    let env = empty_env();
    let line = "x".repeat(50 * 1024 * 1024);
    for (name, content) in [
        ("big.csv", format!("{line},b\n")),
        (
            "big.toml",
            format!(
                "[deck]\nname = \"B\"\n[[cards]]\nid = \"a\"\nfront = \"{line}\"\nback = \"b\"\n"
            ),
        ),
    ] {
        let f = env.dir.path().join(name);
        std::fs::write(&f, content).unwrap();
        let started = std::time::Instant::now();
        let out = env.cmd(T0).arg("import").arg(&f).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        // The CSV line is read up to the first byte past the longest
        // field read; the deck file is refused by its size unread.
        assert!(
            err.contains("bytes; a card field holds at most 65536")
                || err.contains("a deck file is read whole and holds at most 1 MiB"),
            "{err}"
        );
        assert!(
            started.elapsed().as_secs() < 20,
            "took {:?}",
            started.elapsed()
        );
    }
}

#[test]
fn sql_and_terminal_metacharacters_are_plain_text() {
    let front = r#"'; DROP TABLE cards; -- \"quoted\" \u001b[2J\u001b]0;pwned\u0007 %s {}"#;
    let deck = format!(
        "[deck]\nname = \"Evil'; --\"\n[[cards]]\nid = \"evil\"\nfront = \"{front}\"\nback = \"ok\"\n"
    );
    let env = env_with_text(&deck);
    let cards = env.cards(T0, "Evil'; --");
    assert_eq!(cards.len(), 1);
    let stored = cards[0]["front"]
        .as_str()
        .expect("front is a string")
        .to_string();
    assert!(
        stored.starts_with("'; DROP TABLE cards; --") && stored.contains('\u{1b}'),
        "stored verbatim: {stored:?}"
    );
    let out = env
        .cmd(T0)
        .args(["review", "--deck", "Evil'; --"])
        .write_stdin("\n4\n")
        .output()
        .unwrap();
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(
        !screen.contains('\u{1b}') && !screen.contains('\u{7}'),
        "escape sequences reached the terminal: {screen:?}"
    );
    assert!(screen.contains("^[[2J^[]0;pwned^G"), "{screen}");
    let decks = env.run_ok(T0, &["decks"], "");
    assert!(decks.contains("Evil'; --"));
}

#[test]
fn paths_with_spaces_and_non_utf8_bytes() {
    let env = empty_env();
    let dir = env
        .dir
        .path()
        .join(std::ffi::OsStr::from_bytes(b"my decks \xff\xfe"));
    std::fs::create_dir(&dir).unwrap();
    let db = dir.join("my collection.db");
    let deck = dir.join(std::ffi::OsStr::from_bytes(b"deck \xe9.toml"));
    std::fs::write(&deck, many_cards(2)).unwrap();
    let run = |args: &[&std::ffi::OsStr]| {
        let out = env
            .cmd(T0)
            .arg("--db")
            .arg(&db)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    run(&["import".as_ref(), deck.as_os_str()]);
    let out = run(&[
        "cards".as_ref(),
        "--deck".as_ref(),
        "Many".as_ref(),
        "--json".as_ref(),
    ]);
    assert!(out.contains("\"m-1\""), "{out}");
    // A bad file with such a name is named (lossily) in the error.
    let bad = dir.join(std::ffi::OsStr::from_bytes(b"bad \xff.csv"));
    std::fs::write(&bad, "a,b\nc\n").unwrap();
    let out = env
        .cmd(T0)
        .arg("--db")
        .arg(&db)
        .arg("import")
        .arg(&bad)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad \u{fffd}.csv:2:"));
}
