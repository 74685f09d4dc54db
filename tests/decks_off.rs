//! `py201 decks off NAME` / `decks on NAME`: a deck that is off is neither
//! reviewed nor counted, built-in ones included, and keeps its cards'
//! progress and history for when it is on again.

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;
use serde_json::{Value, json};

fn decks_json(env: &Env, now: &str) -> Vec<Value> {
    serde_json::from_str(&env.run_ok(now, &["decks", "--json"], "")).unwrap()
}

fn deck_row<'a>(rows: &'a [Value], name: &str) -> &'a Value {
    rows.iter().find(|r| r["deck"] == name).unwrap()
}

/// The "Deck" names `stats --json` counts cards for.
fn stats_decks(env: &Env, now: &str) -> Vec<String> {
    let stats: Value = serde_json::from_str(&env.run_ok(now, &["stats", "--json"], "")).unwrap();
    stats["cards"]["decks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["deck"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn an_off_deck_is_not_reviewed_or_counted_and_keeps_its_history() {
    let env = env_with("test.toml");
    // Day 1: the three Test cards answered (5, 4, 5): each due on day 2.
    env.run_ok(T0, &["review", "--deck", "Test"], "\n5\n\n4\n\n5\n");
    let before = env.cards(T0, "Test");
    let rows = decks_json(&env, &at_day(2));
    assert_eq!(
        (
            &deck_row(&rows, "Test")["due"],
            &deck_row(&rows, "Test")["off"]
        ),
        (&json!(3), &json!(false))
    );

    let out = env.run_ok(&at_day(2), &["decks", "off", "test"], "");
    assert!(out.starts_with("Deck \"Test\" is off"), "{out}");
    assert_eq!(
        env.run_ok(&at_day(2), &["decks", "off", "Test"], ""),
        "Deck \"Test\" was already off.\n"
    );
    let rows = decks_json(&env, &at_day(2));
    assert_eq!(deck_row(&rows, "Test")["off"], json!(true));
    // The table marks it and leaves it out of "All decks".
    let table = env.run_ok(&at_day(2), &["decks"], "");
    assert!(table.contains("Test (off)"), "{table}");
    let on_total: u64 = rows
        .iter()
        .filter(|r| r["off"] == json!(false))
        .map(|r| r["total"].as_u64().unwrap())
        .sum();
    let all = table.lines().find(|l| l.contains("All decks")).unwrap();
    assert!(
        all.contains(&format!(" {on_total} ")),
        "{all} vs {on_total}"
    );
    assert!(!stats_decks(&env, &at_day(2)).contains(&"Test".to_string()));
    // Asked for by name, its cards are still counted.
    let stats: Value =
        serde_json::from_str(&env.run_ok(&at_day(2), &["stats", "--deck", "Test", "--json"], ""))
            .unwrap();
    assert_eq!(stats["cards"]["decks"][0]["young"], json!(3), "{stats}");

    // Not reviewed: not by --deck (one line, nothing changed), not by a search,
    // not in the whole review (its three due cards would come first).
    let out = env
        .cmd(&at_day(2))
        .args(["review", "--deck", "Test"])
        .output()
        .unwrap();
    assert_eq!(
        one_line_error(&out),
        "py201: error: deck \"Test\" is off; `py201 decks on \"Test\"` turns it on again\n"
    );
    let out = env.run_ok(&at_day(2), &["review", "deck:Test"], "");
    assert!(out.contains("No cards reviewed."), "{out}");
    let fronts: Vec<String> = before
        .iter()
        .map(|c| c["front"].as_str().unwrap().into())
        .collect();
    let out = env.run_ok(&at_day(2), &["review", "--limit", "3"], "\n5\n\n5\n\n5\n");
    let shown = questions(&out);
    assert_eq!(shown.len(), 3, "{out}");
    assert!(shown.iter().all(|q| !fronts.contains(q)), "{shown:?}");
    assert_eq!(env.cards(&at_day(2), "Test"), before, "progress kept");

    // On again: the same three cards are due, with their history.
    assert_eq!(
        env.run_ok(&at_day(3), &["decks", "on", "Test"], ""),
        "Deck \"Test\" is on again.\n"
    );
    let out = env.run_ok(&at_day(3), &["review", "--deck", "Test"], "\n4\n\n4\n\n4\n");
    assert_eq!(questions(&out), fronts);
    let show: Value =
        serde_json::from_str(&env.run_ok(&at_day(3), &["show", "t-a", "--json"], "")).unwrap();
    assert_eq!(show["history"].as_array().unwrap().len(), 2);
}

#[test]
fn a_built_in_deck_can_be_turned_off() {
    let env = empty_env();
    env.run_ok(T0, &["decks", "off", "data model"], "");
    let rows = decks_json(&env, T0);
    assert_eq!(deck_row(&rows, "Data Model")["off"], json!(true));
    // The day's new cards now come from the next deck in course order.
    let out = env.run_ok(T0, &["review", "--limit", "2"], "\n5\n\n5\n");
    assert_eq!(questions(&out).len(), 2, "{out}");
    let answered: Vec<Value> =
        serde_json::from_str(&env.run_ok(T0, &["cards", "--json", "rated:1"], "")).unwrap();
    let decks: Vec<&str> = answered
        .iter()
        .map(|c| c["deck"].as_str().unwrap())
        .collect();
    assert_eq!(decks, ["Function Internals", "Function Internals"]);
    // An unknown deck: one line naming it, nothing changed.
    let out = env.cmd(T0).args(["decks", "off", "Nope"]).output().unwrap();
    assert!(one_line_error(&out).contains("Nope"));
}
