//! The review prompt driven through a pipe: bad keys, undo, suspend, bury,
//! typed answers, limits, and end of input.

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;
use serde_json::json;

const A: &str = "Which dunder does `a + b` try first?";
const B: &str = "Which dunder does `len(obj)` call?";
const C: &str = "Which marker ends the positional-only parameters?";

fn revlog_rows(env: &Env) -> i64 {
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    conn.query_row("SELECT count(*) FROM revlog", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn bad_keys_re_ask_and_record_nothing_wrong() {
    let env = env_with("test.toml");
    let out = env.run_ok(
        T0,
        &["review", "--deck", "Test", "--limit", "1"],
        "\n7\nx\n\n-1\n4\n",
    );
    for bad in ["\"7\"", "\"x\"", "\"\"", "\"-1\""] {
        assert!(
            out.contains(&format!("{bad} is not a grade: type 0-5")),
            "{bad}: {out}"
        );
    }
    let a = env.card(T0, "Test", "t-a");
    assert_eq!(
        (&a["interval"], &a["ef"], &a["reps"]),
        (&json!(1), &json!(2.5), &json!(1))
    );
    assert_eq!(revlog_rows(&env), 1);
    assert_eq!(env.card(T0, "Test", "t-b")["state"], "new");
}

#[test]
fn undo_restores_the_exact_previous_state_and_shows_the_card_again() {
    let env = env_with("test.toml");
    // a graded 1; at b's reveal prompt `u` undoes it; a comes back and gets 5;
    // b gets 4 but `u` at c's grade prompt undoes that; b again gets 3; then quit.
    let out = env.run_ok(
        T0,
        &["review", "--deck", "Test"],
        "\n1\nu\n\n5\n\n4\n\nu\n\n3\nq\n",
    );
    assert_eq!(questions(&out), vec![A, B, A, B, C, B, C]);
    let a = env.card(T0, "Test", "t-a");
    assert_eq!(
        (&a["ef"], &a["reps"], &a["interval"]),
        (&json!(2.6), &json!(1), &json!(1))
    );
    let b = env.card(T0, "Test", "t-b");
    assert_eq!(
        (&b["ef"], &b["reps"], &b["state"]),
        (&json!(2.36), &json!(1), &json!("learning"))
    );
    assert_eq!(env.card(T0, "Test", "t-c")["state"], "new");
    assert_eq!(revlog_rows(&env), 2);
    assert!(
        out.contains("Reviewed 2 cards (2 answers, 0 same-day repeats)"),
        "{out}"
    );
}

#[test]
fn undo_with_nothing_to_undo_says_so() {
    let env = env_with("test.toml");
    let out = env.run_ok(T0, &["review", "--deck", "Test"], "u\nq\n");
    assert!(out.contains("Nothing to undo in this session."), "{out}");
    assert_eq!(questions(&out), vec![A, A]);
}

#[test]
fn suspend_and_bury() {
    let env = env_with("test.toml");
    // a suspended at the reveal prompt, b buried at the grade prompt, c graded 4.
    let out = env.run_ok(T0, &["review", "--deck", "Test"], "s\n\nb\n\n4\n");
    assert_eq!(questions(&out), vec![A, B, C]);
    let states: Vec<_> = env
        .cards(T0, "Test")
        .iter()
        .map(|c| c["state"].clone())
        .collect();
    assert_eq!(
        states,
        vec![json!("suspended"), json!("buried"), json!("review")]
    );
    // Tomorrow the buried card is back (still new); the suspended one is not.
    let out = env.run_ok(&at_day(2), &["review", "--deck", "Test"], "\n4\n\n4\n");
    assert_eq!(questions(&out), vec![C, B]);
    assert_eq!(env.card(&at_day(2), "Test", "t-a")["state"], "suspended");
}

#[test]
fn typed_answers_are_compared_before_grading() {
    let env = env_with("kinds.toml");
    let out = env.run_ok(T0, &["review", "--deck", "Kinds"], "  2  \n4\n\n5\n");
    assert!(out.contains("Your answer: 2 ✓ matches"), "{out}");
    assert!(
        out.contains("    print(1 + 1)"),
        "code shown as an indented block: {out}"
    );
    assert!(
        out.contains("Q: `__iadd__` on a list returns [...]."),
        "{out}"
    );
    assert!(
        out.contains("A: `__iadd__` on a list returns the same list."),
        "{out}"
    );
    let env = env_with("kinds.toml");
    let out = env.run_ok(T0, &["review", "--deck", "Kinds", "--limit", "1"], "3\n1\n");
    assert!(out.contains("Your answer: 3 ✗ differs"), "{out}");
    assert!(out.contains("A: 2"), "{out}");
}

#[test]
fn end_of_input_ends_the_session_and_keeps_every_answer() {
    let env = env_with("test.toml");
    let out = env.run_ok(T0, &["review", "--deck", "Test"], "\n5\n\n");
    assert!(
        out.contains("Reviewed 1 card (1 answer, 0 same-day repeats); 100% graded 3 or higher"),
        "{out}"
    );
    assert!(
        out.contains("Still to do today: 0 due, 2 new, 0 repeats."),
        "{out}"
    );
    assert_eq!(revlog_rows(&env), 1);
}

#[test]
fn limit_and_new_cards_per_day() {
    let env = env_with_text(&many_cards(6));
    env.config("new-per-day", "4");
    let out = env.run_ok(
        T0,
        &["review", "--deck", "Many", "--limit", "2"],
        "\n4\n\n4\n\n4\n",
    );
    assert_eq!(questions(&out), vec!["Question 0", "Question 1"]);
    assert!(out.contains("[Many] 1/2 · new"), "{out}");
    // Two more new cards are left for today, then the limit of 4 is reached.
    let out = env.run_ok(T0, &["review", "--deck", "Many"], "\n4\n\n4\n\n4\n");
    assert_eq!(questions(&out), vec!["Question 2", "Question 3"]);
    // Next day: the four cards seen yesterday are due (first), then new cards 4 and 5.
    let out = env.run_ok(
        &at_day(2),
        &["review", "--deck", "Many"],
        &"\n4\n".repeat(6),
    );
    let shown: Vec<String> = (0..6).map(|i| format!("Question {i}")).collect();
    assert_eq!(questions(&out), shown);
    assert!(out.contains("[Many] 5/6 · new"), "{out}");
}

#[test]
fn first_run_on_a_fresh_machine_reviews_the_built_in_decks() {
    let env = empty_env();
    let out = env
        .cmd(T0)
        .arg("review")
        .write_stdin("q\n")
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("new collection at"), "{stderr}");
    assert_eq!(questions(&stdout).len(), 1, "{stdout}");
    // The first card of the first built-in deck, in course order.
    let first = py201::decks::builtin::decks()
        .unwrap()
        .into_iter()
        .next()
        .expect("at least one built-in deck")
        .name;
    assert!(
        stdout.contains(&format!("[{first}] 1/20 · new")),
        "{stdout}"
    );
    // The second start does no deck work and says nothing.
    let out = env.cmd(T0).arg("decks").output().unwrap();
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The summary's time is the time spent answering, the figure `stats`
/// sums from the log, not the session's wall clock (issue 17: the summary
/// said 59s where stats said 42s). One answer after ~1.5 s of thought, an
/// undone one, then 2 s idle before the session ends.
#[test]
fn summary_time_is_the_time_stats_counts() {
    use std::io::Write;
    let env = env_with("test.toml");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_py201"))
        .args(["review", "--deck", "Test"])
        .env("PY201_DB", &env.db)
        .env("PY201_NOW", T0)
        .env("TZ", "UTC")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let pause = |ms| std::thread::sleep(std::time::Duration::from_millis(ms));
    input.write_all(b"\n").unwrap();
    pause(1500);
    input.write_all(b"5\n\n").unwrap();
    pause(1200);
    input.write_all(b"4\nu\n").unwrap();
    pause(2000);
    drop(input);
    let out = child.wait_with_output().unwrap();
    let out = String::from_utf8_lossy(&out.stdout);
    let stats = env.run_ok(T0, &["stats", "--json"], "");
    let j: serde_json::Value = serde_json::from_str(&stats).unwrap();
    let ms = j["today"]["time_ms"].as_i64().expect("today's time_ms");
    // The kept answer's thought, not the undone one's nor the idle end (the
    // session took over 4.7 s in all).
    // (Not asserted to be over 1 s: on a loaded machine start-up can eat
    // the think time; it is always well under the 4.7 s the session took.)
    assert!((0..4000).contains(&ms), "stats counts {ms} ms");
    let said = format!("; time answering {}s.", ms / 1000);
    assert!(out.contains(&said), "{said}\n{out}");
}
