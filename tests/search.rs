//! `py201 cards QUERY` end to end: the real binary, a temporary collection,
//! a fixed clock.

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;

const DECK: &str = r#"
[deck]
name = "Mine"

[[cards]]
id = "m-gil"
source = "The GIL"
front = "Does a thread blocked on I/O hold the GIL?"
back = "No: blocking I/O releases it."
tags = ["gil", "io"]

[[cards]]
id = "m-loop"
source = "Event Loop"
front = "What runs coroutines in asyncio?"
back = "The event loop."
tags = ["asyncio"]

[[cards]]
id = "m-typed"
kind = "typed"
source = "The GIL"
front = "What does this print?"
code = '''
print(1 + 1)
'''
back = "2"
"#;

fn ids(env: &Env, args: &[&str]) -> Vec<String> {
    let mut all = vec!["cards", "--json"];
    all.extend(args);
    let out = env.run_ok(T0, &all, "");
    let cards: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    cards
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn cards_finds_what_a_query_asks_for() {
    let env = env_with_text(DECK);
    assert_eq!(ids(&env, &["deck:mine"]), ["m-gil", "m-loop", "m-typed"]);
    // Words match front or back, all of them; a phrase as written.
    assert_eq!(ids(&env, &["deck:mine", "gil"]), ["m-gil"]);
    assert_eq!(ids(&env, &["deck:mine", "\"event loop\""]), ["m-loop"]);
    assert_eq!(
        ids(&env, &["deck:mine", "thread", "loop"]),
        Vec::<String>::new()
    );
    // Negation and flags anywhere, as a shell splits them.
    assert_eq!(
        ids(&env, &["deck:mine", "-tag:gil", "--deck", "Mine"]),
        ["m-loop", "m-typed"]
    );
    assert_eq!(
        ids(&env, &["--deck", "mine", "tag:io or kind:typed"]),
        ["m-gil", "m-typed"]
    );
    assert_eq!(ids(&env, &["source:\"the gil\"", "-kind:typed"]), ["m-gil"]);
    assert_eq!(
        ids(&env, &["id:m-*", "(tag:asyncio", "or", "tag:gil)"]),
        ["m-gil", "m-loop"]
    );
    // A built-in deck, found with a wildcard.
    let builtin = ids(&env, &["deck:asyncio*", "is:new"]);
    assert!(builtin.len() > 10 && builtin.iter().all(|i| !i.starts_with("m-")));
}

#[test]
fn json_has_code_where_a_card_has_code_and_tags() {
    let env = env_with_text(DECK);
    let out = env.run_ok(T0, &["cards", "--json", "deck:mine"], "");
    let cards: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(cards[0]["tags"], serde_json::json!(["gil", "io"]));
    assert!(cards[0].get("code").is_none(), "{}", cards[0]);
    assert_eq!(cards[2]["code"], "print(1 + 1)");
    // Keys in the documented order (docs/json.md), `code` after `back`.
    let last = &out[out.rfind("\n  {").unwrap()..];
    let keys: Vec<&str> = last
        .lines()
        .filter_map(|l| {
            l.trim()
                .strip_prefix('"')?
                .split_once("\":")
                .map(|(k, _)| k)
        })
        .collect();
    assert_eq!(
        keys,
        [
            "id",
            "deck",
            "kind",
            "state",
            "due",
            "interval",
            "ef",
            "reps",
            "lapses",
            "stability",
            "difficulty",
            "front",
            "back",
            "code",
            "tags",
            "source"
        ]
    );
}

#[test]
fn states_and_answers_are_searchable() {
    let env = env_with_text(DECK);
    // Answer the first card "wrong", then suspend the next.
    env.run_ok(
        T0,
        &["review", "--deck", "mine", "--limit", "2"],
        "\n1\ns\nq\n",
    );
    assert_eq!(ids(&env, &["deck:mine", "is:learning"]), ["m-gil"]);
    assert_eq!(ids(&env, &["deck:mine", "is:due"]), ["m-gil"]);
    assert_eq!(ids(&env, &["deck:mine", "is:suspended"]), ["m-loop"]);
    assert_eq!(ids(&env, &["deck:mine", "is:new"]), ["m-typed"]);
    assert_eq!(ids(&env, &["rated:1:1"]), ["m-gil"]);
    assert_eq!(ids(&env, &["introduced:1"]), ["m-gil"]);
    assert_eq!(ids(&env, &["deck:mine", "prop:due=1"]), ["m-gil"]);
    // Tomorrow, the answer was yesterday: rated:1 is today only.
    let tomorrow = at_day(2);
    let out = env.run_ok(&tomorrow, &["cards", "--json", "rated:1"], "");
    assert_eq!(out.trim(), "[]");
    let out = env.run_ok(&tomorrow, &["cards", "--json", "rated:2", "prop:due=0"], "");
    assert!(out.contains("\"m-gil\""), "{out}");
}

#[test]
fn a_bad_query_is_one_line_and_changes_nothing() {
    let env = empty_env();
    for (args, says) in [
        (
            vec!["cards", "gil", "\"event loop"],
            "search \"gil \\\"event loop\": column 5: unclosed quote",
        ),
        (
            vec!["cards", "prop:foo>1"],
            "search \"prop:foo>1\": column 6: expected one of ivl, ef",
        ),
        (
            vec!["cards", "(a", "b"],
            "column 5: expected \")\" to close",
        ),
        (vec!["cards", "foo:bar"], "unknown key \"foo:\""),
    ] {
        let out = env.cmd(T0).args(&args).output().unwrap();
        let err = one_line_error(&out);
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(out.stdout.is_empty());
        // Refused before a collection was made.
        assert!(!env.db.exists(), "{args:?}");
    }
    let env = env_with_text(DECK);
    let out = env.cmd(T0).args(["cards", "deck:nope"]).output().unwrap();
    let err = one_line_error(&out);
    assert!(
        err.contains("no deck named \"nope\" (decks: ") && err.contains("Mine"),
        "{err}"
    );
    let out = env.cmd(T0).args(["cards", "prop:r<0.9"]).output().unwrap();
    assert!(one_line_error(&out).contains("scheduler fsrs"));
}

#[test]
fn retrievability_under_fsrs() {
    let env = env_with_text(DECK);
    env.run_ok(
        T0,
        &["review", "--deck", "mine", "--limit", "1"],
        "\n5\nq\n",
    );
    env.config("scheduler", "fsrs");
    // Right after the answer recall is near 1; weeks later it has fallen.
    assert_eq!(ids(&env, &["prop:r<0.9"]), Vec::<String>::new());
    let later = at_day(400);
    let out = env.run_ok(&later, &["cards", "--json", "prop:r<0.9", "prop:s>0"], "");
    assert!(out.contains("\"m-gil\""), "{out}");
}

#[test]
fn review_studies_only_the_cards_a_search_finds() {
    let env = env_with_text(DECK);
    let out = env.run_ok(
        T0,
        &["review", "deck:mine", "-tag:gil", "--limit", "5"],
        "\n4\n\n4\nq\n",
    );
    assert_eq!(
        questions(&out),
        ["What runs coroutines in asyncio?", "What does this print?"],
        "{out}"
    );
    assert_eq!(ids(&env, &["rated:1"]), ["m-loop", "m-typed"]);
    // A search that finds nothing due or new: an empty session, not an error.
    let out = env.run_ok(T0, &["review", "rated:1", "is:new"], "q\n");
    assert!(questions(&out).is_empty(), "{out}");
    let out = env.cmd(T0).args(["review", "deck:nope"]).output().unwrap();
    assert!(one_line_error(&out).contains("no deck named \"nope\""));
}

/// At 80 columns each card keeps one line: the front is cut to the room
/// the other columns leave, marked with an ellipsis, not wrapped under
/// itself; where it fits it is whole.
#[test]
fn the_table_keeps_a_card_a_line_at_80_columns() {
    let env = env_with_text(DECK);
    let table = |columns: &str| {
        let out = env
            .cmd(T0)
            .env("COLUMNS", columns)
            .args(["cards", "deck:mine"])
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let narrow = table("80");
    let rows: Vec<&str> = narrow.lines().filter(|l| l.starts_with('│')).collect();
    assert_eq!(rows.len(), 1 + 3, "a header and a line a card:\n{narrow}");
    assert!(narrow.lines().all(|l| l.chars().count() <= 80), "{narrow}");
    let gil = rows.iter().find(|r| r.contains("m-gil")).unwrap();
    assert!(
        gil.contains("Does a thread blocked") && gil.contains('…'),
        "{narrow}"
    );
    let wide = table("200");
    assert!(
        wide.contains("Does a thread blocked on I/O hold the GIL?") && !wide.contains('…'),
        "{wide}"
    );
}
