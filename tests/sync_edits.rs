//! Card edits through `py201 sync`: an edit carries its own time (the
//! later edit wins, whichever device syncs first), the edit that lost is
//! kept in the card's history (`show`, `show --json`), an edit made over
//! another device's is no conflict, and an edit of a built-in card arrives
//! as the learner's own (kept over a deck update there; `edit --revert`
//! travels too).

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod sync_support;
use serde_json::{Value, json};
use std::os::unix::fs::PermissionsExt;
use sync_support::*;

const MINUTE: i64 = 60_000;

/// `py201 edit ID` on `d` at `at` with an "editor" that sets the back.
fn edit_back(d: &Device, at: i64, id: &str, back: &str) {
    let script = d.db.with_extension("editor.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\nsed -i \"s/^back = .*/back = \\\"$NEW_BACK\\\"/\" \"$1\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = d
        .cmd(at)
        .args(["edit", id])
        .env("VISUAL", &script)
        .env("NEW_BACK", back)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}: edit {id}: {}",
        d.name,
        String::from_utf8_lossy(&out.stderr)
    );
}

fn show_json(d: &Device, at: i64, id: &str) -> Value {
    serde_json::from_str(&d.ok(at, &["show", "--json", id], "")).unwrap()
}

fn back_of(d: &Device, at: i64, id: &str) -> Value {
    show_json(d, at, id)["card"]["back"].clone()
}

#[test]
fn the_later_edit_wins_by_its_own_time_and_the_loser_stays_in_the_history() {
    let (tmp, dir) = folder();
    let (laptop, desk) = (
        Device::new(tmp.path(), "laptop"),
        Device::new(tmp.path(), "desk"),
    );
    let add = [
        "add", "--deck", "Mine", "--id", "my-card", "--front", "Q?", "--back", "A.",
    ];
    laptop.ok(START, &add, "");
    laptop.sync(START + MINUTE, &dir);
    assert_eq!(desk.sync(START + MINUTE, &dir), "1 edit from laptop.");
    // Desk edits first, laptop a minute later; laptop's later edit reaches
    // the folder first. By edit time, laptop's wins on both, though desk
    // syncs last.
    edit_back(&desk, START + 2 * MINUTE, "my-card", "desk's words");
    edit_back(&laptop, START + 3 * MINUTE, "my-card", "laptop's words");
    assert_eq!(laptop.sync(START + 4 * MINUTE, &dir), "1 edit sent.");
    let conflict = "card my-card: edited on desk and laptop; laptop's later edit kept";
    assert_eq!(
        desk.sync(START + 5 * MINUTE, &dir),
        format!("1 edit from laptop, 1 edit sent.\n{conflict}")
    );
    assert_eq!(
        laptop.sync(START + 6 * MINUTE, &dir),
        format!("Nothing new to send or apply.\n{conflict}")
    );
    let at = START + 7 * MINUTE;
    for d in [&laptop, &desk] {
        assert_eq!(
            back_of(d, at, "my-card"),
            json!("laptop's words"),
            "{}",
            d.name
        );
        // The losing text, in the card's history on both devices.
        assert_eq!(
            show_json(d, at, "my-card")["superseded_edits"],
            json!([{
                "edited_at": "2026-01-05T08:02:00Z",
                "device": "desk",
                "kept_at": "2026-01-05T08:03:00Z",
                "kept_device": "laptop",
                "deleted": false,
                "deck": "Mine",
                "front": "Q?",
                "back": "desk's words",
                "code": null,
                "tags": []
            }]),
            "{}",
            d.name
        );
        let text = d.ok(at, &["show", "my-card"], "");
        // (Folded to the terminal's width.)
        let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            one_line.contains(
                "Lost 2026-01-05 08:02 on desk: front \"Q?\", back \"desk's words\", tags \"\", deck \"Mine\"; laptop's later edit kept"
            ),
            "{}: {text}",
            d.name
        );
    }
    assert_converged(&[laptop, desk], at, "after the conflict");

    // An edit made over the other device's is its next version: no conflict.
    let (laptop, desk) = (
        Device::new(tmp.path(), "laptop"),
        Device::new(tmp.path(), "desk"),
    );
    edit_back(&desk, START + 8 * MINUTE, "my-card", "desk, later");
    assert_eq!(desk.sync(START + 9 * MINUTE, &dir), "1 edit sent.");
    assert_eq!(laptop.sync(START + 10 * MINUTE, &dir), "1 edit from desk.");
    assert_eq!(
        back_of(&laptop, START + 11 * MINUTE, "my-card"),
        json!("desk, later")
    );
    assert_eq!(
        show_json(&laptop, START + 11 * MINUTE, "my-card")["superseded_edits"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

const BUILTIN: &str = "dm-data-model-definition";

#[test]
fn an_edit_of_a_built_in_card_arrives_as_the_learners_own() {
    let (tmp, dir) = folder();
    let (laptop, desk) = (
        Device::new(tmp.path(), "laptop"),
        Device::new(tmp.path(), "desk"),
    );
    laptop.sync(START, &dir);
    desk.sync(START, &dir);
    let builtin_back = back_of(&desk, START, BUILTIN);
    edit_back(&laptop, START + MINUTE, BUILTIN, "My own words.");
    assert_eq!(laptop.sync(START + 2 * MINUTE, &dir), "1 edit sent.");
    assert_eq!(desk.sync(START + 3 * MINUTE, &dir), "1 edit from laptop.");
    let shown = show_json(&desk, START + 3 * MINUTE, BUILTIN);
    assert_eq!(shown["card"]["back"], json!("My own words."));
    assert_eq!(shown["edited"]["builtin_back"], builtin_back);
    assert_eq!(shown["edited"]["at"], json!("2026-01-05T08:01:00Z"));

    // A newer py201 updating the built-in decks on desk keeps the text.
    let conn = rusqlite::Connection::open(&desk.db).unwrap();
    conn.execute(
        "UPDATE meta SET value = 'older' WHERE key = 'builtin_decks_hash'",
        [],
    )
    .unwrap();
    drop(conn);
    desk.ok(START + 4 * MINUTE, &["decks"], "");
    assert_eq!(
        back_of(&desk, START + 4 * MINUTE, BUILTIN),
        json!("My own words.")
    );

    // `edit --revert` on desk travels back: py201's text, no edit left.
    desk.ok(START + 5 * MINUTE, &["edit", "--revert", BUILTIN], "");
    assert_eq!(desk.sync(START + 6 * MINUTE, &dir), "1 edit sent.");
    assert_eq!(laptop.sync(START + 7 * MINUTE, &dir), "1 edit from desk.");
    let shown = show_json(&laptop, START + 7 * MINUTE, BUILTIN);
    assert_eq!(shown["card"]["back"], builtin_back);
    assert_eq!(shown["edited"], Value::Null);
    assert_eq!(laptop.query("SELECT count(*) FROM card_overrides"), 0);
    assert_converged(&[laptop, desk], START + 8 * MINUTE, "after the revert");
}
