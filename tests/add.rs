//! `py201 add` end to end: from flags, and in an editor (a script standing
//! in for one through VISUAL).

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;
use std::os::unix::fs::PermissionsExt;

/// An "editor": a shell script run on the template's path.
fn editor(env: &Env, name: &str, body: &str) -> String {
    let path = env.dir.path().join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.display().to_string()
}

#[test]
fn add_from_flags_into_a_deck_of_your_own() {
    let env = env_with("test.toml");
    let out = env.run_ok(
        T0,
        &[
            "add",
            "--deck",
            "Mine",
            "--front",
            "What is the GIL?",
            "--back",
            "A lock.",
            "--tag",
            "gil",
            "--tag",
            "mine",
        ],
        "",
    );
    assert_eq!(
        out,
        "Added what-is-the-gil to \"Mine\"; `py201 show what-is-the-gil` shows it.\n"
    );
    let cards = env.cards(T0, "Mine");
    assert_eq!(cards.len(), 1);
    assert_eq!(cards[0]["tags"], serde_json::json!(["gil", "mine"]));
    assert_eq!(cards[0]["state"], "new");
    // Into the same deck again: a free id, after the first card; `--json`
    // says which, and the deck as stored.
    let out = env.run_ok(
        T0,
        &[
            "add",
            "--deck",
            "mine",
            "--front",
            "What is the GIL?",
            "--back",
            "Still a lock.",
            "--json",
        ],
        "",
    );
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out).unwrap(),
        serde_json::json!({"id": "what-is-the-gil-2", "deck": "Mine"})
    );
    let ids: Vec<String> = env
        .cards(T0, "Mine")
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["what-is-the-gil", "what-is-the-gil-2"]);
    let deck = env.run_ok(T0, &["export", "--format", "deck", "--deck", "Mine"], "");
    assert!(
        deck.contains("id = \"what-is-the-gil-2\"") && deck.contains("Still a lock."),
        "{deck}"
    );
    // The new cards are reviewed like any, in the order they were added.
    env.run_ok(T0, &["review", "deck:mine"], "\n4\nq\n");
    let rated = env.run_ok(T0, &["cards", "--json", "rated:1"], "");
    assert!(
        rated.contains("\"what-is-the-gil\"") && !rated.contains("gil-2"),
        "{rated}"
    );
}

#[test]
fn add_refuses_what_it_cannot_add_and_changes_nothing() {
    let env = env_with("test.toml");
    for (args, says) in [
        (
            vec!["add", "--deck", "asyncio", "--front", "a", "--back", "b"],
            "is built in",
        ),
        (
            vec!["add", "--front", "a", "--back", " "],
            "needs a front and a back",
        ),
        (
            vec!["add", "--front", "a", "--back", "b", "--id", "Bad Id"],
            "may hold only",
        ),
        (
            vec!["add", "--front", "a", "--back", "b", "--id", "t-a"],
            "exists already",
        ),
        (
            vec!["add", "--front", "a", "--back", "b", "--code", "print(1)"],
            "must be typed",
        ),
    ] {
        let out = env.cmd(T0).args(&args).output().unwrap();
        let err = one_line_error(&out);
        assert!(err.contains(says), "{args:?}: {err}");
    }
    let out = env
        .cmd(T0)
        .args(["add"])
        .env_remove("VISUAL")
        .env_remove("EDITOR")
        .output()
        .unwrap();
    assert!(one_line_error(&out).contains("set VISUAL or EDITOR"));
    let all = env.run_ok(T0, &["cards", "--json", "-deck:test", "-is:new"], "");
    assert_eq!(all.trim(), "[]");
    assert!(!env.run_ok(T0, &["decks"], "").contains("My cards"));
}

#[test]
fn add_in_an_editor() {
    let env = env_with("test.toml");
    let fill = editor(
        &env,
        "fill.sh",
        "cat > \"$1\" <<'X'\ndeck = \"Edited\"\nkind = \"typed\"\nfront = \"What does this print?\"\ncode = '''\nprint(2 * 3)\n'''\nback = \"6\"\ntags = [\"math\"]\nX",
    );
    let out = env
        .cmd(T0)
        .arg("add")
        .env("VISUAL", &fill)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "Added what-does-this-print to \"Edited\"; `py201 show what-does-this-print` shows it.\n"
    );
    let card = env.card(T0, "Edited", "what-does-this-print");
    assert_eq!(
        (&card["kind"], &card["code"]),
        (&"typed".into(), &"print(2 * 3)".into())
    );

    // The template, left as it is (front empty): nothing added.
    let out = env
        .cmd(T0)
        .arg("add")
        .env("VISUAL", editor(&env, "keep.sh", "true"))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "Nothing added.\n");
    // An editor that fails: one line, nothing added.
    let out = env
        .cmd(T0)
        .arg("add")
        .env("VISUAL", editor(&env, "fail.sh", "exit 3"))
        .output()
        .unwrap();
    assert!(one_line_error(&out).contains("exited with exit status: 3; nothing added"));
    // Invalid TOML: shown again with the error on top; the same again gives up.
    let seen = env.dir.path().join("seen");
    let bad = editor(
        &env,
        "bad.sh",
        &format!(
            "grep '^# error' \"$1\" >> {}; printf 'deck = \"E\"\\nfront = \"Q\"\\nback = \\n' > \"$1\"",
            seen.display()
        ),
    );
    let out = env.cmd(T0).arg("add").env("VISUAL", &bad).output().unwrap();
    let err = one_line_error(&out);
    assert!(err.contains("nothing added"), "{err}");
    let shown = std::fs::read_to_string(&seen).unwrap();
    assert!(
        shown.starts_with("# error: "),
        "the second time, the error on top: {shown}"
    );
    assert_eq!(env.cards(T0, "Edited").len(), 1);
}

#[test]
fn edit_changes_the_text_and_keeps_id_schedule_and_history() {
    let env = env_with("test.toml");
    env.run_ok(
        T0,
        &[
            "add",
            "--deck",
            "Mine",
            "--front",
            "What is the GIL?",
            "--back",
            "A lock.",
            "--tag",
            "gil",
        ],
        "",
    );
    env.run_ok(T0, &["review", "deck:mine"], "\n4\nq\n");
    let before = env.card(T0, "Mine", "what-is-the-gil");
    let sed = editor(
        &env,
        "sed.sh",
        "sed -i -e 's/A lock./A mutex./' -e 's/\"gil\"/\"gil\", \"edited\"/' \"$1\"",
    );
    let out = env
        .cmd(T0)
        .args(["edit", "what-is-the-gil"])
        .env("VISUAL", &sed)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "Edited what-is-the-gil; its schedule and history are kept.\n"
    );
    let after = env.card(T0, "Mine", "what-is-the-gil");
    assert_eq!(after["back"], "A mutex.");
    assert_eq!(after["tags"], serde_json::json!(["gil", "edited"]));
    for key in ["state", "due", "interval", "ef", "reps"] {
        assert_eq!(after[key], before[key], "{key}");
    }
    let show = env.run_ok(T0, &["show", "--json", "what-is-the-gil"], "");
    assert!(show.contains("\"grade\": 4"), "{show}");
    // (Built-in cards: tests/builtin_edit.rs.)
    // Moving to another deck is refused.
    let mv = editor(
        &env,
        "mv.sh",
        "sed -i 's/^deck = .*/deck = \"Other\"/' \"$1\"",
    );
    let out = env
        .cmd(T0)
        .args(["edit", "what-is-the-gil"])
        .env("VISUAL", &mv)
        .output()
        .unwrap();
    assert!(one_line_error(&out).contains("a card stays in its deck"));
    assert_eq!(env.card(T0, "Mine", "what-is-the-gil")["back"], "A mutex.");
}
