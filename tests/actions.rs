//! Actions on the cards a search finds, and `py201 undo`, end to end: the
//! real binary, separate processes as separate sessions, a fixed clock.

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;

fn states(env: &Env, now: &str) -> Vec<(String, String)> {
    env.cards(now, "Test")
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_string(),
                c["state"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn each_action_says_how_many_cards_it_changed() {
    let env = env_with("test.toml");
    let out = env.run_ok(T0, &["suspend", "deck:test", "-id:t-c"], "");
    assert_eq!(out, "Suspended 2 cards; `py201 undo` undoes it.\n");
    // Already suspended: nothing changes, and it says so.
    let out = env.run_ok(T0, &["suspend", "id:t-a"], "");
    assert_eq!(out, "Suspended 0 cards.\n");
    assert_eq!(
        states(&env, T0),
        pairs(&[("t-a", "suspended"), ("t-b", "suspended"), ("t-c", "new")])
    );
    let out = env.run_ok(T0, &["unsuspend", "is:suspended", "--deck", "test"], "");
    assert_eq!(out, "Unsuspended 2 cards; `py201 undo` undoes it.\n");
    env.run_ok(T0, &["bury", "id:t-b"], "");
    assert_eq!(states(&env, T0)[1].1, "buried");
    // Buried until tomorrow, as in review.
    assert_eq!(states(&env, &at_day(2))[1].1, "new");
    let out = env.run_ok(T0, &["unbury", "deck:test"], "");
    assert_eq!(out, "Unburied 1 card; `py201 undo` undoes it.\n");
    assert_eq!(states(&env, T0)[1].1, "new");
}

#[test]
fn a_dry_run_lists_the_cards_and_changes_nothing() {
    let env = env_with("test.toml");
    let out = env.run_ok(T0, &["suspend", "--dry-run", "deck:test", "dunder"], "");
    assert_eq!(
        out,
        "Would suspend 2 cards:\n  t-a  Which dunder does `a + b` try first?\n  t-b  Which dunder does `len(obj)` call?\n"
    );
    assert!(states(&env, T0).iter().all(|(_, s)| s == "new"));
    let out = env.run_ok(T0, &["undo"], "");
    assert_eq!(out, "Nothing to undo.\n");
}

#[test]
fn forget_makes_cards_new_and_keeps_their_log() {
    let env = env_with("test.toml");
    env.run_ok(
        T0,
        &["review", "--deck", "test", "--limit", "1"],
        "\n4\nq\n",
    );
    let out = env.run_ok(T0, &["forget", "is:review"], "");
    assert_eq!(out, "Forgotten 1 card; `py201 undo` undoes it.\n");
    let card = env.card(T0, "Test", "t-a");
    assert_eq!((&card["state"], &card["reps"]), (&"new".into(), &0.into()));
    let show = env.run_ok(T0, &["show", "--json", "t-a"], "");
    assert!(show.contains("\"grade\": 4"), "the log is kept: {show}");
    // A forgotten card with answers is no damage for doctor.
    env.run_ok(T0, &["doctor"], "");
}

#[test]
fn undo_takes_back_the_newest_answer_or_action_from_any_session() {
    let env = env_with("test.toml");
    env.run_ok(
        T0,
        &["review", "--deck", "test", "--limit", "1"],
        "\n4\nq\n",
    );
    env.run_ok(T0, &["suspend", "id:t-c"], "");
    env.run_ok(
        T0,
        &["review", "--deck", "test", "--limit", "1"],
        "\n1\nq\n",
    );
    let reviewed = states(&env, T0);
    assert_eq!(
        reviewed,
        pairs(&[("t-a", "review"), ("t-b", "learning"), ("t-c", "suspended")])
    );
    let undo = |expect: &str| assert_eq!(env.run_ok(T0, &["undo"], ""), expect);
    undo("Undid the answer 1 to t-b (2026-01-05 09:00): the card is as it was before it.\n");
    undo("Undid `py201 suspend id:t-c`: 1 card as before.\n");
    undo("Undid the answer 4 to t-a (2026-01-05 09:00): the card is as it was before it.\n");
    undo("Nothing to undo.\n");
    assert!(states(&env, T0).iter().all(|(_, s)| s == "new"));
}

#[test]
fn delete_asks_or_needs_yes_backs_up_and_is_undone_exactly() {
    let env = env_with("test.toml");
    env.run_ok(
        T0,
        &["review", "--deck", "test", "--limit", "2"],
        "\n4\n\n5\nq\n",
    );
    let before = env.run_ok(T0, &["cards", "--json", "deck:test"], "");
    let stats = env.run_ok(T0, &["stats", "--json"], "");
    // Not a terminal: --yes must say it; nothing changes.
    let out = env.cmd(T0).args(["delete", "deck:test"]).output().unwrap();
    assert!(one_line_error(&out).contains("add --yes"));
    // Only built-in cards: they can't be deleted.
    let out = env
        .cmd(T0)
        .args(["delete", "--yes", "deck:asyncio"])
        .output()
        .unwrap();
    assert!(one_line_error(&out).contains("only suspended"));
    let out = env.run_ok(
        T0,
        &["delete", "--yes", "deck:test", "or", "deck:asyncio"],
        "",
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "Deleted 3 cards and 2 answers; `py201 undo` undoes it."
    );
    assert!(
        lines[1].starts_with("The collection was backed up first to "),
        "{out}"
    );
    assert!(lines[2].starts_with("Left ") && lines[2].contains("built-in cards can't be deleted"));
    assert_eq!(
        env.run_ok(T0, &["cards", "--json", "deck:test"], "").trim(),
        "[]"
    );
    let backups = env.run_ok(T0, &["backups"], "");
    assert!(backups.contains("collection-20260105-090000"), "{backups}");
    let out = env.run_ok(T0, &["undo"], "");
    assert_eq!(
        out,
        "Undid `py201 delete deck:test or deck:asyncio`: 3 cards as before.\n"
    );
    assert_eq!(
        env.run_ok(T0, &["cards", "--json", "deck:test"], ""),
        before
    );
    assert_eq!(env.run_ok(T0, &["stats", "--json"], ""), stats);
}

#[test]
fn a_card_that_keeps_lapsing_becomes_a_leech_and_undo_takes_it_back() {
    let env = env_with("test.toml");
    env.config("leech-threshold", "2");
    env.config("leech-action", "suspend");
    let review = |day: i64, input: &str| {
        env.run_ok(
            &at_day(day),
            &["review", "--deck", "test", "--limit", "1"],
            input,
        )
    };
    review(1, "\n4\nq\n");
    let out = review(2, "\n1\n\n4\nq\n");
    assert!(!out.contains("Leech"), "{out}");
    let out = review(3, "\n1\nq\n");
    assert!(
        out.contains("Leech: this card has now failed 2 times; tagged leech and suspended."),
        "{out}"
    );
    let day3 = at_day(3);
    let card = env.card(&day3, "Test", "t-a");
    assert_eq!(
        (&card["state"], &card["tags"]),
        (&"suspended".into(), &serde_json::json!(["leech"]))
    );
    let leeches = env.run_ok(&day3, &["cards", "--json", "is:leech"], "");
    assert!(leeches.contains("\"t-a\""), "{leeches}");
    // Undoing the answer undoes what it did to the card: tag and suspension.
    let out = env.run_ok(&day3, &["undo"], "");
    assert!(out.starts_with("Undid the answer 1 to t-a"), "{out}");
    let card = env.card(&day3, "Test", "t-a");
    assert_eq!(
        (&card["state"], &card["lapses"]),
        (&"review".into(), &1.into())
    );
    assert_eq!(card["tags"], serde_json::json!([]));
    // With the default action the card is only tagged.
    env.config("leech-action", "tag");
    // Undone in the session (`u` at the repeat's question), the same.
    review(3, "\n1\nu\nq\n");
    assert_eq!(
        env.card(&day3, "Test", "t-a")["tags"],
        serde_json::json!([])
    );
    let out = review(3, "\n1\nq\n");
    assert!(out.contains("; tagged leech. Rewrite"), "{out}");
    assert_eq!(env.card(&day3, "Test", "t-a")["state"], "learning");
}

#[test]
fn tag_adds_and_removes_tags_and_undo_takes_them_back() {
    let env = env_with("test.toml");
    let out = env.run_ok(T0, &["tag", "deck:test", "dunder", "+hard", "+py"], "");
    assert_eq!(
        out,
        "Changed the tags of 2 cards; `py201 undo` undoes it.\n"
    );
    let out = env.run_ok(T0, &["tag", "--dry-run", "tag:hard", "-hard"], "");
    assert_eq!(out, "Would change the tags of 2 cards:\n  t-a\n  t-b\n");
    // A negated search term stays in the search; the trailing words are changes.
    let out = env.run_ok(T0, &["tag", "deck:test", "-tag:hard", "+easy", "-py"], "");
    assert_eq!(out, "Changed the tags of 1 card; `py201 undo` undoes it.\n");
    let tags: Vec<serde_json::Value> = env
        .cards(T0, "Test")
        .iter()
        .map(|c| c["tags"].clone())
        .collect();
    assert_eq!(
        tags,
        [
            serde_json::json!(["hard", "py"]),
            serde_json::json!(["hard", "py"]),
            serde_json::json!(["easy"])
        ]
    );
    assert_eq!(
        env.run_ok(T0, &["undo"], ""),
        "Undid `py201 tag deck:test -tag:hard +easy -py`: 1 card as before.\n"
    );
    assert_eq!(env.card(T0, "Test", "t-c")["tags"], serde_json::json!([]));
    let out = env.cmd(T0).args(["tag", "deck:test"]).output().unwrap();
    assert!(one_line_error(&out).contains("no change given"));
}

#[test]
fn a_suspend_or_bury_in_review_is_undone_there_or_later_by_undo() {
    let env = env_with("test.toml");
    let review = |input: &str| env.run_ok(T0, &["review", "--deck", "test"], input);
    // Suspended, then undone in the session: nothing left for `py201 undo`.
    review("\ns\nu\nq\n");
    assert_eq!(env.card(T0, "Test", "t-a")["state"], "new");
    assert_eq!(env.run_ok(T0, &["undo"], ""), "Nothing to undo.\n");
    // Buried in one session, undone from another.
    review("\nb\nq\n");
    assert_eq!(env.card(T0, "Test", "t-a")["state"], "buried");
    assert_eq!(
        env.run_ok(T0, &["undo"], ""),
        "Undid `py201 bury id:t-a`: 1 card as before.\n"
    );
    assert_eq!(env.card(T0, "Test", "t-a")["state"], "new");
}

#[test]
fn a_delete_too_large_for_the_journal_points_to_its_backup() {
    let env = env_with("test.toml");
    // 20,001 more cards in the deck, written directly: importing that many
    // through a deck file takes minutes in a debug build.
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    conn.execute_batch(
        "INSERT INTO cards (uid, note_id, deck_id, position, kind, front, back)
         WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k WHERE n < 20000)
         SELECT 'm-' || n, 'm-' || n, (SELECT id FROM decks WHERE name = 'Test'),
                900000 + n, 'basic', 'Q' || n, 'A' || n FROM k",
    )
    .unwrap();
    drop(conn);
    let out = env.run_ok(T0, &["-q", "delete", "--yes", "deck:test"], "");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "Deleted 20004 cards and 0 answers; too many to undo with `py201 undo`: restore the backup below."
    );
    // Said even with -q: it is the way back.
    assert!(
        lines[1].starts_with("The collection was backed up first to "),
        "{out}"
    );
    let out = env.run_ok(T0, &["undo"], "");
    assert!(
        out.starts_with(
            "`py201 delete deck:test` removed too much to undo here; nothing was changed."
        ),
        "{out}"
    );
    assert_eq!(env.run_ok(T0, &["undo"], ""), "Nothing to undo.\n");
    let left = env.run_ok(T0, &["cards", "--json", "deck:test"], "");
    assert_eq!(left.trim(), "[]");
}

/// `--json` on every action, `tag` and `undo`: what changed, for scripts.
#[test]
fn actions_tag_and_undo_say_what_they_did_in_json() {
    use serde_json::{Value, json};
    let env = env_with("test.toml");
    let run = |args: &[&str]| -> Value { serde_json::from_str(&env.run_ok(T0, args, "")).unwrap() };
    assert_eq!(
        run(&["suspend", "deck:test", "-id:t-c", "--dry-run", "--json"]),
        json!({"action": "suspend", "query": "deck:test -id:t-c", "dry_run": true,
               "changed": 2, "cards": ["t-a", "t-b"], "answers_deleted": 0,
               "builtin_left": 0, "undoable": false, "backup": null})
    );
    assert_eq!(states(&env, T0)[0].1, "new", "a dry run changes nothing");
    assert_eq!(
        run(&["suspend", "deck:test", "-id:t-c", "--json"]),
        json!({"action": "suspend", "query": "deck:test -id:t-c", "dry_run": false,
               "changed": 2, "cards": ["t-a", "t-b"], "answers_deleted": 0,
               "builtin_left": 0, "undoable": true, "backup": null})
    );
    assert_eq!(
        run(&["tag", "id:t-c", "+hard", "-x", "--json"]),
        json!({"action": "tag", "query": "id:t-c", "add": ["hard"], "remove": ["x"],
               "dry_run": false, "changed": 1, "cards": ["t-c"], "undoable": true})
    );
    let undo = run(&["undo", "--json"]);
    assert_eq!(undo["undone"], "action");
    assert_eq!(undo["cards"], 1);
    assert_eq!(
        run(&["undo", "--json"]),
        json!({"undone": "action", "action": "suspend", "query": "deck:test -id:t-c", "cards": 2})
    );
    assert_eq!(states(&env, T0)[0].1, "new");
    env.run_ok(T0, &["review", "--deck", "Test", "--limit", "1"], "\n4\n");
    assert_eq!(
        run(&["undo", "--json"]),
        json!({"undone": "answer", "card": "t-a", "grade": 4, "time": "2026-01-05T09:00:00Z"})
    );
    assert_eq!(run(&["undo", "--json"]), json!({"undone": "nothing"}));
    // delete of own cards: the answers deleted and the backup made.
    let del = run(&["delete", "id:t-b", "--yes", "--json"]);
    assert_eq!(
        (&del["changed"], &del["answers_deleted"]),
        (&json!(1), &json!(0))
    );
    assert!(del["backup"].as_str().unwrap().contains("backups"), "{del}");
}
