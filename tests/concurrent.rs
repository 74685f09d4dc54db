//! Two review sessions and an import on one collection at the same time: all
//! work, no answer is lost, and a card answered in one session is not shown
//! (nor graded) again today in the other.

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

struct Session {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
}

impl Session {
    fn start(env: &Env) -> Session {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("py201"))
            .args(["review", "--deck", "Many"])
            .env("PY201_DB", &env.db)
            .env("PY201_NOW", T0)
            .env("TZ", "UTC")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().expect("stdout is piped");
        let stdin = child.stdin.take().expect("stdin is piped");
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for l in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(l).is_err() {
                    break;
                }
            }
        });
        Session {
            child,
            stdin,
            lines,
        }
    }

    /// Reads until the next question; returns it and any notes printed before it.
    fn next_question(&self) -> (String, Vec<String>) {
        let mut notes = Vec::new();
        loop {
            let l = self.lines.recv_timeout(Duration::from_secs(20)).unwrap();
            if let Some(q) = l.strip_prefix("Q: ") {
                return (q.to_string(), notes);
            }
            notes.push(l);
        }
    }

    fn answer(&mut self, grade: &str) {
        self.stdin
            .write_all(format!("\n{grade}\n").as_bytes())
            .unwrap();
        self.stdin.flush().unwrap();
    }

    fn quit(mut self) -> String {
        // The session is showing a question: it is alive and reads this.
        self.stdin.write_all(b"q\n").unwrap();
        drop(self.stdin);
        let status = self.child.wait().unwrap();
        assert!(status.success());
        self.lines.iter().collect::<Vec<_>>().join("\n")
    }
}

#[test]
fn two_reviews_and_an_import_at_once() {
    let env = env_with_text(&many_cards(40));
    env.config("new-per-day", "100");
    let mut a = Session::start(&env);
    let mut b = Session::start(&env);
    // An import runs alongside, several times over.
    let importer = {
        let db = env.db.clone();
        let dir = env.dir.path().to_path_buf();
        std::thread::spawn(move || {
            for i in 0..5 {
                let f = dir.join(format!("side{i}.toml"));
                let deck = format!(
                    "[deck]\nname = \"Side {i}\"\n[[cards]]\nid = \"side-{i}\"\nfront = \"q\"\nback = \"a\"\n"
                );
                std::fs::write(&f, deck).unwrap();
                let out = Command::new(assert_cmd::cargo::cargo_bin("py201"))
                    .args(["import"])
                    .arg(&f)
                    .env("PY201_DB", &db)
                    .env("PY201_NOW", format!("2026-01-05T09:00:0{i}Z"))
                    .output()
                    .unwrap();
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        })
    };
    let mut answered_by_other: [HashSet<String>; 2] = [HashSet::new(), HashSet::new()];
    let mut accepted = 0;
    let (mut qa, _) = a.next_question();
    let (mut qb, _) = b.next_question();
    for round in 0..12 {
        // A answers what it shows; then B answers what it shows.
        a.answer("4");
        answered_by_other[1].insert(qa.clone());
        let (next_a, notes_a) = a.next_question();
        accepted += usize::from(!notes_a.iter().any(|n| n.contains("another session")));
        b.answer("4");
        let (next_b, notes_b) = b.next_question();
        let b_conflict = notes_b.iter().any(|n| n.contains("another session"));
        assert_eq!(
            b_conflict,
            qb == qa,
            "round {round}: B answered a card A had just answered iff it was the same card"
        );
        if !b_conflict {
            accepted += 1;
            answered_by_other[0].insert(qb.clone());
        }
        assert!(
            !answered_by_other[1].contains(&next_b),
            "round {round}: B shows {next_b:?}, already answered by A"
        );
        assert!(
            !answered_by_other[0].contains(&next_a) || next_a == qb,
            "round {round}: A shows {next_a:?}"
        );
        qa = next_a;
        qb = next_b;
    }
    importer.join().expect("the importer thread");
    a.quit();
    b.quit();
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    let (rows, distinct): (i64, i64) = conn
        .query_row(
            "SELECT count(*), count(DISTINCT card_id) FROM revlog",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(rows as usize, accepted, "every accepted answer is logged");
    assert_eq!(rows, distinct, "no card was graded twice today");
    let decks: i64 = conn
        .query_row(
            "SELECT count(*) FROM decks WHERE name LIKE 'Side %'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(decks, 5, "every import went through");
}

/// A large import writes with the rollback journal when it has the file to
/// itself (see `Collection::bulk`): beside an open connection it must fall
/// back to WAL at once rather than wait for that connection, and on its own
/// it must leave the file in WAL mode for the processes after it.
#[test]
fn an_import_beside_an_open_reader_does_not_wait_and_leaves_wal() {
    let env = empty_env();
    let import = |name: &str| {
        let f = env.dir.path().join(format!("{name}.toml"));
        let text = many_cards(300).replace("\"Many\"", &format!("\"{name}\""));
        let text = text.replace("id = \"m-", &format!("id = \"{}-", name.to_lowercase()));
        std::fs::write(&f, text).unwrap();
        let start = std::time::Instant::now();
        env.run_ok(T0, &["import", &f.to_string_lossy()], "");
        start.elapsed()
    };
    env.run_ok(T0, &["decks"], "");
    let reader = rusqlite::Connection::open(&env.db).unwrap();
    let count = |c: &rusqlite::Connection| -> i64 {
        c.query_row(
            "SELECT count(*) FROM cards WHERE uid LIKE 'side%'",
            [],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert_eq!(count(&reader), 0);
    let took = import("SideA");
    assert!(
        took < Duration::from_secs(4),
        "the import waited for the reader: {took:?}"
    );
    assert_eq!(count(&reader), 300, "the reader sees the import");
    drop(reader);
    import("SideB");
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(count(&conn), 600);
}
