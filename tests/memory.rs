//! Peak memory of the real binary on huge input: every reader of a user's
//! file streams it and refuses a line or field too long for any card as
//! soon as it is read, so no input file costs more than 50 MB.
//!
//! Its own test binary, so that the process the child is forked from is
//! small: Linux carries a parent's peak RSS into its child's, and a test
//! binary running other tests beside this one could hold more than the
//! bound.

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]
// wait4 (a child's own peak memory) is a libc call; nothing else here is unsafe.
#![allow(unsafe_code)]

mod common;
use common::*;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// The most any import may hold, in KiB.
const BOUND_KB: i64 = 50 * 1024;

/// Runs `py201 args` on the collection of `env`; its exit code, stderr and
/// peak resident memory in KiB (wait4's, of that process alone).
// libc::wait4 reaps the child (std cannot report its rusage).
#[allow(clippy::zombie_processes)]
fn run_measured(env: &Env, args: &[&Path]) -> (i32, String, i64) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_py201"))
        .arg("--db")
        .arg(&env.db)
        .args(args)
        .env("PY201_NOW", T0)
        .env("TZ", "UTC")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let reading = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut s).unwrap();
        s
    });
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: the pid is our child's; status and usage point to live locals.
    let r = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    assert_eq!(r, child.id() as libc::pid_t, "wait4");
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    (code, reading.join().unwrap(), usage.ru_maxrss)
}

/// Writes `head`, then `middle` until the file holds 50 MB, then `tail`,
/// without holding the file in this process's memory.
fn write_huge(path: &Path, head: &str, middle: &str, tail: &str) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    f.write_all(head.as_bytes()).unwrap();
    let chunk = middle.repeat(64 * 1024 / middle.len());
    for _ in 0..(50 * 1024 * 1024 / chunk.len()) {
        f.write_all(chunk.as_bytes()).unwrap();
    }
    f.write_all(tail.as_bytes()).unwrap();
    f.flush().unwrap();
}

#[test]
fn a_fifty_megabyte_line_or_field_is_refused_in_bounded_memory() {
    let env = empty_env();
    let (code, err, _) = run_measured(&env, &[Path::new("decks")]);
    assert_eq!(code, 0, "{err}");
    let decks = || env.run_ok(T0, &["decks"], "");
    let before = decks();
    let dir = env.dir.path();
    let cases = [
        // One line, one field.
        ("line.csv", "", "x", ",b\n", "a field of more than"),
        // One quoted field of many short lines.
        (
            "quoted.tsv",
            "\"",
            "ab\n",
            "\"\tb\n",
            "a field of more than",
        ),
        // Many fields in one row, each short.
        (
            "row.tsv",
            "#separator:tab\n",
            "abc\t",
            "\n",
            "a row of more than",
        ),
        // A file that says nothing of its format: read as CSV/TSV.
        ("notes", "q,", "y", "\n", "a field of more than"),
        // A JSON backup with one huge string.
        (
            "backup.json",
            "{\"format\": \"py201-backup\", \"x\": \"",
            "z",
            "\"}\n",
            "a string of more than",
        ),
        // A header line.
        ("header.csv", "#columns:", "c", "\n", "a line of more than"),
        // A deck file: refused by its size before it is read.
        (
            "deck.toml",
            "[deck]\nname = \"B\"\n[[cards]]\nfront = \"",
            "w",
            "\"\n",
            "a deck file is read whole",
        ),
    ];
    for (name, head, middle, tail, why) in cases {
        let file = dir.join(name);
        write_huge(&file, head, middle, tail);
        let (code, err, peak_kb) = run_measured(&env, &[Path::new("import"), &file]);
        std::fs::remove_file(&file).unwrap();
        eprintln!("{name}: peak {} KiB", peak_kb);
        assert!(
            peak_kb <= BOUND_KB,
            "{name}: peak {} MB, bound {} MB",
            peak_kb / 1024,
            BOUND_KB / 1024
        );
        assert_eq!(code, 1, "{name}: {err}");
        assert!(err.contains(why), "{name}: {err}");
        let last = err.lines().last().unwrap();
        assert!(
            last.starts_with("py201: error: import failed: 1 problem; nothing was changed"),
            "{name}: {err}"
        );
        assert_eq!(decks(), before, "{name}: nothing changed");
    }
}

/// The most importing a JSON backup may hold, in KiB, whatever its size:
/// the debug binary alone (its pages, SQLite's cache) is about 22 MB, and
/// a backup read whole took ten times its file's size.
const BACKUP_BOUND_KB: i64 = 30 * 1024;

/// Writes a backup of `cards` basic cards, each its own note (given in
/// full, as py201 writes every note; every 1000th with a reference, so it
/// keeps a row), and `reviews` log rows spread over them: JSON written
/// directly, a row at a time, as `py201 export --format json` would.
fn write_backup(path: &Path, cards: usize, reviews: usize) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let schema = py201::collection::SCHEMA_VERSION;
    write!(
        f,
        "{{\"format\": \"py201-backup\", \"schema\": {schema}, \"created\": \"now\", \"data\": {{\n\
         \"config\": [[\"new-per-day\", \"7\"]],\n\
         \"decks\": [{{\"id\": 1, \"name\": \"Big\", \"description\": \"\", \"position\": 0, \"builtin\": false}}],\n\
         \"notes\": ["
    )
    .unwrap();
    let sep = |i: usize| if i == 0 { "\n" } else { ",\n" };
    for i in 0..cards {
        let link = if i % 1000 == 0 {
            ",\\\"ref\\\":\\\"https://x\\\""
        } else {
            ""
        };
        write!(
            f,
            "{}{{\"id\": \"n{i}\", \"deck_id\": 1, \"position\": {i}, \"fields\": \"{{\\\"id\\\":\\\"n{i}\\\",\\\"front\\\":\\\"Question {i} about something\\\",\\\"back\\\":\\\"Answer {i}\\\",\\\"tags\\\":[\\\"t\\\"]{link}}}\"}}",
            sep(i)
        )
        .unwrap();
    }
    write!(f, "],\n\"cards\": [").unwrap();
    for i in 0..cards {
        write!(
            f,
            "{}{{\"id\": {}, \"uid\": \"n{i}\", \"note_id\": \"n{i}\", \"deck_id\": 1, \"position\": {i}, \"kind\": \"basic\", \"front\": \"Question {i} about something\", \"back\": \"Answer {i}\", \"code\": null, \"tags\": \"t\", \"source\": \"\", \"reps\": 5, \"interval\": 10, \"ease\": 2500, \"due\": 20500, \"lapses\": 0, \"repeat_on\": null, \"suspended\": false, \"buried_until\": null, \"retired\": false}}",
            sep(i),
            i + 1
        )
        .unwrap();
    }
    write!(f, "],\n\"revlog\": [").unwrap();
    for i in 0..reviews {
        write!(
            f,
            "{}{{\"id\": {}, \"card_id\": {}, \"time_ms\": {}, \"day\": 20458, \"grade\": 4, \"is_repeat\": false, \"taken_ms\": 1000, \"reps_before\": 0, \"reps_after\": 1, \"interval_before\": 0, \"interval_after\": 1, \"ease_before\": 2500, \"ease_after\": 2500, \"due_before\": null, \"due_after\": 20459, \"lapses_before\": 0, \"lapses_after\": 0, \"repeat_on_before\": null, \"repeat_on_after\": null}}",
            sep(i),
            i + 1,
            i % cards + 1,
            1_767_603_600_000_u64 + i as u64
        )
        .unwrap();
    }
    write!(f, "]\n}}\n}}\n").unwrap();
    f.flush().unwrap();
}

/// Imports a backup of `cards` cards and `reviews` reviews into a new
/// collection; asserts the peak bound and every row restored.
fn backup_imports_within_bound(cards: usize, reviews: usize) {
    let env = empty_env();
    let file = env.dir.path().join("backup.json");
    write_backup(&file, cards, reviews);
    let bytes = std::fs::metadata(&file).unwrap().len();
    let (code, err, peak_kb) = run_measured(&env, &[Path::new("import"), &file]);
    eprintln!(
        "backup of {} MB ({cards} cards, {reviews} reviews): peak {peak_kb} KiB",
        bytes >> 20
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        peak_kb <= BACKUP_BOUND_KB,
        "peak {} MB, bound {} MB, file {} MB",
        peak_kb / 1024,
        BACKUP_BOUND_KB / 1024,
        bytes >> 20
    );
    let db = rusqlite::Connection::open(&env.db).unwrap();
    let count = |sql: &str| db.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    assert_eq!(count("SELECT count(*) FROM cards") as usize, cards);
    assert_eq!(count("SELECT count(*) FROM revlog") as usize, reviews);
    // Only the notes that are more than their card keep a row.
    assert_eq!(
        count("SELECT count(*) FROM notes") as usize,
        cards.div_ceil(1000)
    );
    assert_eq!(
        count("SELECT count(*) FROM config WHERE key = 'new-per-day'"),
        1
    );
}

/// A 45 MB backup (20,000 cards, 100,000 reviews), read whole, took 440
/// MB; streamed, the peak is the binary's own (22 MB, as for a backup of
/// ten cards). About 20 s in a debug build.
#[test]
fn a_json_backup_is_imported_in_bounded_memory() {
    backup_imports_within_bound(20_000, 100_000);
}

/// The size: a 480 MB backup of 200,000 cards and 1,000,000
/// reviews (read whole, 4.2 GB), in the same bound. Minutes in a debug
/// build, so run on demand:
/// `cargo test --release --test memory -- --ignored`.
#[test]
#[ignore = "minutes in a debug build; run with --release -- --ignored"]
fn a_large_json_backup_is_imported_in_bounded_memory() {
    backup_imports_within_bound(200_000, 1_000_000);
}
