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
