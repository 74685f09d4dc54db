//! SIGKILL in the middle of a review loses no answer that was given: each
//! answer is committed before the next card is printed.

mod common;
use common::*;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Answers `n` cards, waits for card n+1 to appear, then kills the process.
fn kill_after(env: &Env, n: usize) {
    let bin = assert_cmd::cargo::cargo_bin("py201");
    let mut child = Command::new(bin)
        .args(["review", "--deck", "Many"])
        .env("PY201_DB", &env.db)
        .env("PY201_NOW", T0)
        .env("TZ", "UTC")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn: {e}"));
    let stdout = child.stdout.take().unwrap_or_else(|| panic!("stdout"));
    let mut stdin = child.stdin.take().unwrap_or_else(|| panic!("stdin"));
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
            .recv_timeout(Duration::from_secs(10))
            .unwrap_or_else(|e| panic!("waiting for {prefix}: {e}"));
        if line.starts_with(prefix) {
            return;
        }
    };
    for _ in 0..n {
        wait_for("Q: ");
        stdin.write_all(b"\n").unwrap_or_else(|e| panic!("{e}"));
        stdin.flush().unwrap_or_else(|e| panic!("{e}"));
        wait_for("Grade: ");
        stdin.write_all(b"4\n").unwrap_or_else(|e| panic!("{e}"));
        stdin.flush().unwrap_or_else(|e| panic!("{e}"));
    }
    wait_for("Q: ");
    child.kill().unwrap_or_else(|e| panic!("kill: {e}"));
    let _ = child.wait();
}

#[test]
fn sigkill_mid_session_keeps_every_answer_given() {
    let env = env_with_text(&many_cards(30));
    let mut expected = 0;
    for n in [1, 3, 0, 5, 2] {
        kill_after(&env, n);
        expected += n as i64;
        let conn = rusqlite::Connection::open(&env.db).unwrap_or_else(|e| panic!("{e}"));
        let check: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(check, "ok");
        let rows: i64 = conn
            .query_row("SELECT count(*) FROM revlog", [], |r| r.get(0))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(rows, expected, "after killing at answer {n}");
        let reviewed: i64 = conn
            .query_row(
                "SELECT count(*) FROM cards WHERE due IS NOT NULL",
                [],
                |r| r.get(0),
            )
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(reviewed, expected);
    }
    // And the collection still works normally afterwards.
    env.run_ok(T0, &["cards", "--json"], "");
}
