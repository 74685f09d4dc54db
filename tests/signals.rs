//! Ctrl-C, a closed terminal (SIGHUP) and a broken pipe end a review without
//! losing anything.

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};

/// These tests spawn and signal children; run them one at a time so a child
/// of one test never holds an inherited end of the other's pipes.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn start(env: &Env) -> std::process::Child {
    Command::new(assert_cmd::cargo::cargo_bin("py201"))
        .args(["review", "--deck", "Many"])
        .env("PY201_DB", &env.db)
        .env("PY201_NOW", T0)
        .env("TZ", "UTC")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn revlog(env: &Env) -> i64 {
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    conn.query_row("SELECT count(*) FROM revlog", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_signal_ends_the_session_with_its_summary() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    for signal in ["-INT", "-HUP", "-TERM"] {
        let env = env_with_text(&many_cards(5));
        let mut child = start(&env);
        let mut stdin = child.stdin.take().expect("stdin is piped");
        let mut out = BufReader::new(child.stdout.take().expect("stdout is piped"));
        let mut seen = String::new();
        let mut questions = 0;
        while questions < 2 {
            let mut line = String::new();
            if out.read_line(&mut line).unwrap() == 0 {
                panic!("ended early: {seen}");
            }
            if line.starts_with("Q: ") {
                questions += 1;
                if questions == 1 {
                    stdin.write_all(b"\n5\n").unwrap();
                    stdin.flush().unwrap();
                }
            }
            seen.push_str(&line);
        }
        let pid = child.id().to_string();
        let status = Command::new("kill").args([signal, &pid]).status().unwrap();
        assert!(status.success());
        let mut rest = String::new();
        out.read_to_string(&mut rest).unwrap();
        let code = child.wait().unwrap();
        assert!(code.success(), "{signal}: {code:?}");
        assert!(
            rest.contains("Interrupted; every answer so far is saved."),
            "{signal}: {rest}"
        );
        assert!(
            rest.contains("Reviewed 1 card (1 answer, 0 same-day repeats)"),
            "{signal}: {rest}"
        );
        assert_eq!(revlog(&env), 1);
        drop(stdin);
    }
}

#[test]
fn a_broken_pipe_loses_no_answer() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let env = env_with_text(&many_cards(5));
    let mut child = start(&env);
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let mut out = BufReader::new(child.stdout.take().expect("stdout is piped"));
    let mut questions = 0;
    while questions < 2 {
        let mut line = String::new();
        if out.read_line(&mut line).unwrap() == 0 {
            panic!("ended early");
        }
        if line.starts_with("Q: ") {
            questions += 1;
            if questions == 1 {
                stdin.write_all(b"\n4\n").unwrap();
                stdin.flush().unwrap();
            }
        }
    }
    drop(out); // the reader goes away: the next write hits a broken pipe
    // The child may already have exited on the broken pipe: whether this
    // write reaches it does not matter, only that it loses nothing.
    let _ = stdin.write_all(b"\n4\n\n4\n");
    drop(stdin);
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .expect("stderr is piped")
        .read_to_string(&mut err)
        .unwrap();
    assert!(!err.contains("panicked"), "{err}");
    assert!(status.success(), "{status:?} {err}");
    assert_eq!(
        revlog(&env),
        1,
        "the answer given before the pipe broke is saved, and only it"
    );
}
