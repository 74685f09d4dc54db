//! SIGKILL at random points loses nothing: every answer whose next card (or
//! summary) was on screen is in the collection, an interrupted import left no
//! partial change, and the file always passes `PRAGMA integrity_check`.
//!
//! CI runs 100 review kills and 100 import kills; the long form is
//! `PY201_KILL_RUNS=2000 cargo test --release --test kill`.

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;
use rand::{RngExt, SeedableRng, rngs::StdRng};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

fn runs() -> usize {
    std::env::var("PY201_KILL_RUNS")
        .ok()
        .map(|v| v.parse().expect("PY201_KILL_RUNS is a number of runs"))
        .unwrap_or(100)
}

fn spawn(env: &Env, args: &[&str]) -> Child {
    Command::new(assert_cmd::cargo::cargo_bin("py201"))
        .args(args)
        .env("PY201_DB", &env.db)
        .env("PY201_NOW", T0)
        .env("TZ", "UTC")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn")
}

fn query(env: &Env, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Answers `n` cards, then either waits for card n+1 on screen and kills
/// (`in_flight` false), or sends one more grade and kills at once.
fn kill_review(env: &Env, n: usize, in_flight: bool) {
    let mut child = spawn(env, &["review", "--deck", "Many"]);
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let wait_for = |prefix: &str| loop {
        let line = rx
            .recv_timeout(Duration::from_secs(20))
            .unwrap_or_else(|e| panic!("waiting for {prefix}: {e}"));
        if line.starts_with(prefix) {
            return;
        }
    };
    let mut send = |s: &[u8]| {
        stdin.write_all(s).unwrap();
        stdin.flush().unwrap();
    };
    for _ in 0..n {
        wait_for("Q: ");
        send(b"\n");
        wait_for("Grade: ");
        send(b"4\n");
    }
    wait_for("Q: ");
    if in_flight {
        send(b"\n3\n");
    }
    child.kill().expect("kill");
    child.wait().expect("reap the killed review");
}

#[test]
fn sigkill_during_review_keeps_every_answer_on_screen() {
    let env = env_with_text(&many_cards(2000));
    env.config("new-per-day", "9999");
    let mut rng = StdRng::seed_from_u64(201);
    let mut shown = 0i64;
    for run in 0..runs() {
        let n = rng.random_range(0..4usize);
        let in_flight = rng.random_bool(0.5);
        kill_review(&env, n, in_flight);
        shown += n as i64;
        let rows = query(&env, "SELECT count(*) FROM revlog");
        // An answer sent just before the kill may or may not have committed;
        // every answer whose next card appeared must have.
        assert!(
            rows == shown || (in_flight && rows == shown + 1),
            "run {run}: {rows} rows, {shown} answers on screen"
        );
        shown = rows;
        // Each logged answer's card holds the state the log says.
        let mismatched = query(
            &env,
            "SELECT count(*) FROM cards c JOIN revlog r ON r.id = (SELECT max(id) FROM revlog WHERE card_id = c.id)
             WHERE c.interval <> r.interval_after OR c.ease <> r.ease_after OR c.due IS NOT r.due_after",
        );
        assert_eq!(mismatched, 0, "run {run}");
    }
    assert!(shown > 0);
    env.run_ok(T0, &["doctor"], "");
}

#[test]
fn sigkill_during_import_leaves_all_or_nothing() {
    let env = empty_env();
    env.run_ok(T0, &["decks"], "");
    let base = query(&env, "SELECT count(*) FROM cards");
    let mut rng = StdRng::seed_from_u64(7);
    let mut imported = 0i64;
    let (mut none, mut all) = (0, 0);
    for run in 0..runs() {
        // A new deck each run, big enough that the kill often lands inside the transaction.
        let cards = 3000;
        let mut tsv = String::from("#separator:tab\n#html:false\n#columns:id\tfront\tback\n");
        for i in 0..cards {
            tsv.push_str(&format!("k{run}-{i}\tquestion {run} {i}\tanswer {i}\n"));
        }
        let f = env.dir.path().join(format!("deck{run}.tsv"));
        std::fs::write(&f, tsv).unwrap();
        let mut child = spawn(&env, &["import", f.to_str().unwrap()]);
        std::thread::sleep(Duration::from_micros(rng.random_range(0..150_000)));
        // Not reaped yet, so this succeeds even if the import already exited.
        child.kill().expect("kill");
        let finished = child.wait().expect("reap the import").success();
        let now = query(&env, "SELECT count(*) FROM cards") - base;
        let this_run = now - imported;
        assert!(
            this_run == 0 || this_run == cards,
            "run {run}: {this_run} of {cards} cards: a partial import"
        );
        if finished {
            assert_eq!(this_run, cards, "run {run}: the import said it succeeded");
        }
        if this_run == 0 {
            none += 1
        } else {
            all += 1
        }
        imported = now;
    }
    eprintln!(
        "{} import kills: {none} left nothing, {all} completed before the kill",
        runs()
    );
    assert!(
        none > 0,
        "no kill landed before the commit: the test proves nothing"
    );
    env.run_ok(T0, &["doctor"], "");
}
