//! Devices for the sync tests: each a collection file driven through the
//! real binary at a time of the test's choosing, and the views of it that
//! must agree once devices have synced.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The first study day of every sync test: 2026-01-05, 08:00 UTC.
pub const START: i64 = 1_767_600_000_000;

/// `ms` since the Unix epoch as `PY201_NOW` takes it.
pub fn now(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .expect("a time in range")
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// A scratch directory and, in it, an empty sync folder `Sync`.
pub fn folder() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let dir = tmp.path().join("Sync");
    std::fs::create_dir(&dir).expect("the sync folder");
    (tmp, dir)
}

/// One machine's collection.
pub struct Device {
    pub db: PathBuf,
    pub name: String,
}

impl Device {
    /// A new collection named `name` in `dir` (made by its first command).
    pub fn new(dir: &Path, name: &str) -> Self {
        let d = Device {
            db: dir.join(format!("{name}.db")),
            name: name.to_string(),
        };
        d.ok(START, &["config", "device-name", name], "");
        d
    }

    pub fn cmd(&self, at: i64) -> Command {
        let mut c = Command::new(assert_cmd::cargo::cargo_bin("py201"));
        c.env("PY201_DB", &self.db)
            .env("PY201_NOW", now(at))
            .env("TZ", "UTC")
            .env_remove("NO_COLOR")
            .stdin(Stdio::piped());
        c
    }

    /// Runs `args` with `stdin`, whatever the outcome.
    pub fn run(&self, at: i64, args: &[&str], stdin: &str) -> Output {
        use std::io::Write;
        let mut child = self
            .cmd(at)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn py201");
        let mut input = child.stdin.take().expect("stdin is piped");
        input.write_all(stdin.as_bytes()).expect("write stdin");
        drop(input);
        child.wait_with_output().expect("py201 runs")
    }

    /// Runs `args`, which must succeed; returns stdout.
    pub fn ok(&self, at: i64, args: &[&str], stdin: &str) -> String {
        let out = self.run(at, args, stdin);
        assert!(
            out.status.success(),
            "{} {args:?}: {}",
            self.name,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("UTF-8 output")
    }

    /// `py201 sync DIR`, which must succeed; returns its summary line.
    pub fn sync(&self, at: i64, dir: &Path) -> String {
        let dir = dir.to_str().expect("a UTF-8 path");
        self.ok(at, &["sync", dir], "").trim_end().to_string()
    }

    /// Answers up to `grades.len()` cards of today's review with these grades.
    pub fn review(&self, at: i64, grades: &[u8]) -> String {
        let input: String = grades.iter().map(|g| format!("\n{g}\n")).collect();
        let limit = grades.len().to_string();
        self.ok(at, &["review", "--limit", &limit], &input)
    }

    pub fn cards_json(&self, at: i64) -> String {
        self.ok(at, &["cards", "--json"], "")
    }

    pub fn stats_json(&self, at: i64) -> String {
        self.ok(at, &["stats", "--json"], "")
    }

    /// The review log in a form that does not depend on row ids: each
    /// answer with its card and every state before and after, in order.
    pub fn log(&self) -> Vec<String> {
        let conn = rusqlite::Connection::open(&self.db).expect("open");
        let mut stmt = conn
            .prepare(
                "SELECT c.uid, r.* FROM revlog r JOIN cards c ON c.id = r.card_id
                 ORDER BY c.uid, r.time_ms, r.id",
            )
            .expect("prepare");
        let names: Vec<String> = stmt.column_names().map(str::to_string).collect();
        stmt.query_map([], |r| {
            let mut row = Vec::new();
            for (i, n) in names.iter().enumerate() {
                if n != "id" && n != "card_id" {
                    let v: rusqlite::types::Value = r.get(i)?;
                    row.push(format!("{n}={v:?}"));
                }
            }
            Ok(row.join(" "))
        })
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
    }

    /// Each answer as (card, time, grade): what no sync may lose.
    pub fn answers(&self) -> Vec<(String, i64, u8)> {
        let conn = rusqlite::Connection::open(&self.db).expect("open");
        let mut stmt = conn
            .prepare(
                "SELECT c.uid, r.time_ms, r.grade FROM revlog r JOIN cards c ON c.id = r.card_id
                 ORDER BY c.uid, r.time_ms, r.grade",
            )
            .expect("prepare");
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows")
    }

    /// One SQL value from the collection.
    pub fn query(&self, sql: &str) -> i64 {
        let conn = rusqlite::Connection::open(&self.db).expect("open");
        conn.query_row(sql, [], |r| r.get(0)).expect("query")
    }
}

/// Asserts that every device shows the same cards, decks, statistics and log.
pub fn assert_converged(devices: &[Device], at: i64, context: &str) {
    let first = &devices[0];
    let (cards, stats, log) = (first.cards_json(at), first.stats_json(at), first.log());
    let decks = first.ok(at, &["decks", "--json"], "");
    for d in &devices[1..] {
        let what = |w: &str| format!("{context}: {w} of {} and {}", first.name, d.name);
        same_lines(&cards, &d.cards_json(at), &what("cards --json"));
        same_lines(&stats, &d.stats_json(at), &what("stats --json"));
        same_lines(
            &decks,
            &d.ok(at, &["decks", "--json"], ""),
            &what("decks --json"),
        );
        same_lines(&log.join("\n"), &d.log().join("\n"), &what("review logs"));
    }
}

/// Equal texts, or a failure showing the first lines that differ.
pub fn same_lines(a: &str, b: &str, what: &str) {
    if a == b {
        return;
    }
    let (la, lb): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let at = la
        .iter()
        .zip(&lb)
        .position(|(x, y)| x != y)
        .unwrap_or(la.len().min(lb.len()));
    let from = at.saturating_sub(12);
    panic!(
        "{what} differ at line {at} ({} and {} lines):\n--- first\n{}\n--- second\n{}",
        la.len(),
        lb.len(),
        la[from..(at + 3).min(la.len())].join("\n"),
        lb[from..(at + 3).min(lb.len())].join("\n")
    );
}
