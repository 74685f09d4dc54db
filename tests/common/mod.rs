//! Shared helpers for end-to-end tests: a temporary collection holding a
//! fixture deck, and the real `py201` binary run against it.
#![allow(dead_code)]

use assert_cmd::Command;
use py201::collection::Collection;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

pub const T0: &str = "2026-01-05T09:00:00Z";

pub struct Env {
    pub dir: TempDir,
    pub db: PathBuf,
}

/// A fresh collection with the deck in `tests/fixtures/decks/{fixture}` added.
pub fn env_with(fixture: &str) -> Env {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/decks")
        .join(fixture);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    env_with_text(&text)
}

/// A fresh collection with the deck file `text` added.
pub fn env_with_text(text: &str) -> Env {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("collection.db");
    let deck = py201::decks::parse("fixture.toml", text).unwrap();
    let mut col = Collection::open(&db).expect("open");
    // As the binary would on first use, so its first run has nothing to say.
    py201::decks::builtin::ensure(&mut col, 0).expect("built-in decks");
    col.sync_decks(&[deck.content], false).expect("sync");
    Env { dir, db }
}

pub fn empty_env() -> Env {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("collection.db");
    Env { dir, db }
}

impl Env {
    /// The real binary, pointed at this collection, at time `now`, in UTC.
    pub fn cmd(&self, now: &str) -> Command {
        let mut c = Command::cargo_bin("py201").expect("binary");
        c.env("PY201_DB", &self.db)
            .env("PY201_NOW", now)
            .env("TZ", "UTC")
            // Anki packages' cards a few at a time, so that the tests'
            // small packages go through the import's slices.
            .env("PY201_IMPORT_SLICE", "4")
            .env_remove("NO_COLOR")
            .current_dir(self.dir.path());
        c
    }

    pub fn run_ok(&self, now: &str, args: &[&str], stdin: &str) -> String {
        let out = self
            .cmd(now)
            .args(args)
            .write_stdin(stdin)
            .output()
            .expect("run");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "py201 {args:?} failed: {}\nstdout:\n{stdout}",
            String::from_utf8_lossy(&out.stderr)
        );
        stdout
    }

    pub fn config(&self, key: &str, value: &str) {
        self.run_ok(T0, &["config", key, value], "");
    }

    /// `py201 cards --json --deck NAME` parsed.
    pub fn cards(&self, now: &str, deck: &str) -> Vec<serde_json::Value> {
        let out = self.run_ok(now, &["cards", "--json", "--deck", deck], "");
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("cards --json: {e}\n{out}"))
    }

    pub fn card(&self, now: &str, deck: &str, id: &str) -> serde_json::Value {
        self.cards(now, deck)
            .into_iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("no card {id}"))
    }
}

/// The fronts shown, in order ("Q: ..." lines).
pub fn questions(out: &str) -> Vec<String> {
    out.lines()
        .filter_map(|l| l.strip_prefix("Q: "))
        .map(str::to_string)
        .collect()
}

pub fn at_day(n: i64) -> String {
    // Day 1 is 2026-01-05.
    let d = chrono::NaiveDate::from_ymd_opt(2026, 1, 4).unwrap() + chrono::Duration::days(n);
    format!("{}T09:00:00Z", d.format("%Y-%m-%d"))
}

/// A deck "Many" of `n` basic cards m-0, m-1, ...
pub fn many_cards(n: usize) -> String {
    let mut s = String::from("[deck]\nname = \"Many\"\n");
    for i in 0..n {
        s.push_str(&format!(
            "\n[[cards]]\nid = \"m-{i}\"\nfront = \"Question {i}\"\nback = \"Answer {i}\"\n"
        ));
    }
    s
}

/// The one line a failing command printed on stderr.
pub fn one_line_error(out: &std::process::Output) -> String {
    assert!(
        !out.status.success(),
        "expected failure, got success: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(out.status.code(), Some(1), "exit code");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(err.lines().count(), 1, "one line expected:\n{err}");
    assert!(err.starts_with("py201: error: "), "{err}");
    assert!(
        !err.contains("panicked") && !err.contains("backtrace"),
        "{err}"
    );
    err
}
