//! `py201 edit` of a built-in card: the learner's text is kept over py201's
//! as their own edit, marked by `show`, kept (with their tags on built-in
//! cards) when a newer py201 updates its decks, a change of py201's text
//! under the edit reported rather than applied, and `edit --revert` goes
//! back to py201's text.

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;
use serde_json::{Value, json};
use std::os::unix::fs::PermissionsExt;

const CARD: &str = "dm-data-model-definition";
const DECK: &str = "Data Model";

/// An "editor": a shell script run on the template's path.
fn editor(env: &Env, name: &str, body: &str) -> String {
    let path = env.dir.path().join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.display().to_string()
}

fn edit(env: &Env, script: &str, args: &[&str]) -> std::process::Output {
    env.cmd(T0)
        .arg("edit")
        .args(args)
        .env("VISUAL", script)
        .output()
        .unwrap()
}

fn show(env: &Env) -> Value {
    serde_json::from_str(&env.run_ok(T0, &["show", "--json", CARD], "")).unwrap()
}

/// Makes the collection look as if an older py201 had shipped other text
/// for the edited card (when `older_text`) and lets the next start update
/// the built-in decks.
fn older_decks(env: &Env, older_text: bool) {
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    if older_text {
        conn.execute("UPDATE card_overrides SET base_back = 'older wording'", [])
            .unwrap();
    }
    conn.execute(
        "UPDATE meta SET value = 'older' WHERE key = 'builtin_decks_hash'",
        [],
    )
    .unwrap();
}

#[test]
fn an_edit_of_a_built_in_card_is_kept_over_deck_updates() {
    let env = empty_env();
    env.config("fuzz", "off");
    env.run_ok(T0, &["review", "--limit", "2"], "\n5\n\n4\n");
    let before = env.card(T0, DECK, CARD);
    let builtin_back = before["back"].as_str().unwrap().to_string();
    env.run_ok(
        T0,
        &["tag", "id:dm-binop-calls-type-method:c1", "+mine"],
        "",
    );

    let sed = editor(
        &env,
        "sed.sh",
        "sed -i 's/^back = .*/back = \"My own words.\"/' \"$1\"",
    );
    let out = edit(&env, &sed, &[CARD]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .starts_with(&format!("Edited {CARD}; your text is kept over py201's")),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let after = env.card(T0, DECK, CARD);
    assert_eq!(after["back"], "My own words.");
    for key in ["front", "state", "due", "interval", "ef", "reps"] {
        assert_eq!(after[key], before[key], "{key}");
    }
    let s = show(&env);
    assert_eq!(s["edited"]["builtin_back"], json!(builtin_back));
    assert_eq!(s["edited"]["builtin_changed_at"], Value::Null);
    assert_eq!(s["history"].as_array().unwrap().len(), 1);
    let text = env.run_ok(T0, &["show", CARD], "");
    assert!(text.contains("Edited your text, since"), "{text}");

    // A newer py201 whose text for the card is unchanged: the edit stays,
    // and there is nothing to say.
    older_decks(&env, false);
    let out = env.cmd(T0).arg("decks").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_eq!(env.card(T0, DECK, CARD)["back"], "My own words.");

    // A newer py201 that changed the card: reported, not applied; its text
    // becomes the base `show` offers; the learner's tag elsewhere is kept.
    older_decks(&env, true);
    let out = env.cmd(T0).arg("decks").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        format!(
            "py201: built-in decks updated: 0 added, 1 updated, 0 retired (progress kept); \
             1 card you edited changed too: your text is kept (`py201 show {CARD}`)"
        )
    );
    assert_eq!(env.card(T0, DECK, CARD)["back"], "My own words.");
    let s = show(&env);
    assert_eq!(s["edited"]["builtin_back"], json!(builtin_back));
    assert!(s["edited"]["builtin_changed_at"].is_string(), "{s}");
    let tagged = env.card(T0, DECK, "dm-binop-calls-type-method:c1");
    assert!(
        tagged["tags"].as_array().unwrap().contains(&json!("mine")),
        "{tagged}"
    );

    // Revert: py201's text again, schedule kept, no edit left.
    let out = edit(&env, &sed, &["--revert", CARD]);
    assert!(out.status.success());
    let reverted = env.card(T0, DECK, CARD);
    assert_eq!(reverted["back"], json!(builtin_back));
    assert_eq!(reverted["reps"], before["reps"]);
    assert_eq!(show(&env)["edited"], Value::Null);
    let out = edit(&env, &sed, &["--revert", CARD]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("{CARD} has no edit of yours; nothing changed.\n")
    );
}

#[test]
fn a_built_in_card_keeps_its_kind_and_deck() {
    let env = empty_env();
    let before = env.card(T0, DECK, CARD);
    // The kind changed: the template comes back with the error; an editor
    // that then changes nothing gives up, and nothing is changed.
    let typed = editor(
        &env,
        "typed.sh",
        "sed -i 's/^kind = .*/kind = \"typed\"/' \"$1\"",
    );
    let out = edit(&env, &typed, &[CARD]);
    assert_eq!(
        one_line_error(&out),
        "py201: error: edit: a built-in card keeps its kind (\"basic\"); nothing changed\n"
    );
    let moved = editor(
        &env,
        "mv.sh",
        "sed -i 's/^deck = .*/deck = \"Other\"/' \"$1\"",
    );
    let out = edit(&env, &moved, &[CARD]);
    assert!(one_line_error(&out).contains("a card stays in its deck"));
    assert_eq!(env.card(T0, DECK, CARD), before);
    assert_eq!(show(&env)["edited"], Value::Null);
}
