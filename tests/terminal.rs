//! `py201 review` in a real pseudo-terminal, keys sent one at a time, the
//! screen read back through a terminal emulator (vt100) at each step.

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Tty {
    screen: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    master: Box<dyn portable_pty::MasterPty + Send>,
}

fn size(rows: u16, cols: u16) -> PtySize {
    PtySize {
        rows,
        cols,
        pixel_width: 0,
        pixel_height: 0,
    }
}

fn nonzero(n: u16) -> std::num::NonZero<u16> {
    std::num::NonZero::new(n).unwrap()
}

impl Tty {
    fn start(env: &Env, args: &[&str], extra_env: &[(&str, &str)]) -> Tty {
        Tty::start_sized(env, args, extra_env, (30, 90))
    }

    fn start_sized(
        env: &Env,
        args: &[&str],
        extra_env: &[(&str, &str)],
        (rows, cols): (u16, u16),
    ) -> Tty {
        let pty = native_pty_system()
            .openpty(size(rows, cols))
            .expect("openpty");
        let mut cmd = CommandBuilder::new(assert_cmd::cargo::cargo_bin("py201"));
        cmd.args(args);
        cmd.env("PY201_DB", &env.db);
        cmd.env("PY201_NOW", T0);
        cmd.env("TZ", "UTC");
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        let child = pty.slave.spawn_command(cmd).expect("spawn");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().unwrap();
        let writer = pty.master.take_writer().unwrap();
        let screen = Arc::new(Mutex::new(vt100::Parser::new(
            nonzero(rows),
            nonzero(cols),
            0,
        )));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (s, r) = (screen.clone(), raw.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            // A pty's reader ends with an error (EIO) once the child has
            // exited and the slave side is closed: that is its end of file.
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                s.lock().unwrap().process(&buf[..n]);
                r.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Tty {
            screen,
            raw,
            writer,
            child,
            master: pty.master,
        }
    }

    /// Resizes the terminal, as a user dragging its window does (SIGWINCH).
    fn resize(&self, rows: u16, cols: u16) {
        self.screen
            .lock()
            .unwrap()
            .set_size(nonzero(rows), nonzero(cols));
        self.master.resize(size(rows, cols)).unwrap();
    }

    /// The screen's rows, as shown.
    fn rows(&self) -> Vec<String> {
        let p = self.screen.lock().unwrap();
        let (_, cols) = p.screen().size();
        p.screen().rows(0, cols.into()).collect()
    }

    /// Waits until `test` holds for the screen's rows; returns them.
    fn wait_rows(&self, what: &str, test: impl Fn(&[String]) -> bool) -> Vec<String> {
        let start = Instant::now();
        loop {
            let rows = self.rows();
            if test(&rows) {
                return rows;
            }
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "waited for {what}; screen:\n{}",
                rows.join("\n")
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Every byte the program wrote, once it holds `what`: the reader thread
    /// may still be catching up with a process that has exited.
    fn wait_raw(&self, what: &str) -> String {
        let start = Instant::now();
        loop {
            let raw = self.raw_text();
            if raw.contains(what) || start.elapsed() > Duration::from_secs(15) {
                return raw;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Every byte the program wrote, as text (bars that were drawn and cleared included).
    fn raw_text(&self) -> String {
        let bytes = self.raw.lock().unwrap().clone();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    fn text(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// Waits until the screen shows `what`; returns the screen.
    fn wait_for(&self, what: &str) -> String {
        let start = Instant::now();
        loop {
            let t = self.text();
            if t.contains(what) {
                return t;
            }
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "waited for {what:?}; screen:\n{t}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn keys(&mut self, k: &str) {
        self.writer.write_all(k.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    fn wait_exit(&mut self) {
        let start = Instant::now();
        while self.child.try_wait().unwrap().is_none() {
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "py201 did not exit:\n{}",
                self.text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

#[test]
fn a_review_as_the_learner_sees_it() {
    let env = env_with("tricky.toml");
    let mut t = Tty::start(&env, &["review", "--deck", "Tricky"], &[]);
    // A typed card: header, question, code in a box, the answer line.
    let s = t.wait_for("Your answer:");
    assert!(s.contains("Tricky · 1/4 · new, typed"), "{s}");
    assert!(s.contains("new 4 · due 0 · repeats 0"), "{s}");
    assert!(s.contains("│ def gen():"), "{s}");
    assert!(s.contains("│     x = yield 1"), "indentation kept: {s}");
    // Type a wrong answer: single keys, no line protocol.
    t.keys("2");
    t.wait_for("Your answer: 2");
    t.keys("\r");
    let s = t.wait_for("✗ differs");
    assert!(s.contains("Expected:    1"), "{s}");
    // The grade preview comes from the scheduler: a new card goes 1 day on any grade.
    assert!(
        s.contains("4 good 1d") && s.contains("0 blackout 1d"),
        "{s}"
    );
    // A key that is not a grade is refused without recording anything.
    t.keys("x");
    t.wait_for("grade with 0-5");
    t.keys("1");
    // Next card: the screen is redrawn, not scrolled.
    // 5 now: the failed card comes back as a same-day repeat.
    let s = t.wait_for("Tricky · 2/5 · new");
    assert!(!s.contains("def gen()"), "old card still on screen: {s}");
    assert!(
        s.contains("repeats 1"),
        "the failed card waits for its repeat: {s}"
    );
    t.keys("?");
    t.wait_for("Keys");
    t.keys("z");
    t.wait_for("Counter('a,b') has");
    t.keys(" ");
    let s = t.wait_for("(a comma;");
    assert!(s.contains("second line"), "{s}");
    t.keys("4");
    let s = t.wait_for("Tricky · 3/5");
    assert!(
        s.contains("[...]") || s.contains("[where?]"),
        "a cloze card: {s}"
    );
    t.keys("q");
    t.wait_exit();
    let s = t.text();
    assert!(
        s.contains("Reviewed 2 cards (2 answers, 0 same-day repeats); 50% graded 3 or higher"),
        "{s}"
    );
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    let rows: i64 = conn
        .query_row("SELECT count(*) FROM revlog", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 2);
}

#[test]
fn ctrl_c_ends_the_session_with_the_summary() {
    let env = env_with("test.toml");
    let mut t = Tty::start(&env, &["review", "--deck", "Test"], &[]);
    t.wait_for("Test · 1/3 · new");
    t.keys(" ");
    t.wait_for("4 good");
    t.keys("4");
    t.wait_for("Test · 2/3");
    t.keys("\x03");
    t.wait_exit();
    let screen = t.text();
    assert!(screen.contains("Reviewed 1 card (1 answer"), "{screen}");
    // Then tomorrow and the streak: the one card answered (4, new) is due
    // tomorrow, and the two not reached are still new (the limit is 20).
    assert!(screen.contains("Tomorrow: 1 due, 2 new."), "{screen}");
    assert!(screen.contains("Streak: 1 day in a row."), "{screen}");
}

#[test]
fn colour_follows_no_color_and_the_flag() {
    let sgr_colour = |raw: &[u8]| {
        raw.windows(4)
            .any(|w| w == b"\x1b[38" || w == b"\x1b[32" || w == b"\x1b[36")
    };
    for (args, extra, want) in [
        (vec!["review", "--deck", "Kinds"], vec![], true),
        (
            vec!["review", "--deck", "Kinds"],
            vec![("NO_COLOR", "1")],
            false,
        ),
        (
            vec!["--color", "never", "review", "--deck", "Kinds"],
            vec![],
            false,
        ),
    ] {
        let env = env_with("kinds.toml");
        let mut t = Tty::start(&env, &args, &extra);
        t.wait_for("Your answer:");
        t.keys("\x1b");
        t.wait_exit();
        let raw = t.raw.lock().unwrap().clone();
        assert_eq!(sgr_colour(&raw), want, "{args:?} {extra:?}");
    }
}

#[test]
fn a_closed_terminal_ends_the_session_and_keeps_the_answers() {
    let env = env_with("test.toml");
    let mut t = Tty::start(&env, &["review", "--deck", "Test"], &[]);
    t.wait_for("Test · 1/3 · new");
    t.keys(" ");
    t.wait_for("4 good");
    t.keys("4");
    t.wait_for("Test · 2/3");
    let pid = t.child.process_id().expect("the child's pid");
    let sent = std::process::Command::new("kill")
        .args(["-HUP", &pid.to_string()])
        .status();
    assert!(sent.unwrap().success(), "kill -HUP {pid}");
    t.wait_exit();
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    let rows: i64 = conn
        .query_row("SELECT count(*) FROM revlog", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 1);
}

/// A TSV of `n` cards, in the format Anki writes.
fn big_tsv(dir: &std::path::Path, n: usize) -> std::path::PathBuf {
    let mut s = String::from("#separator:tab\n#html:false\n#columns:id\tfront\tback\n");
    for i in 0..n {
        s.push_str(&format!("big-{i}\tQuestion {i}?\tAnswer {i}\n"));
    }
    let path = dir.join("big.tsv");
    std::fs::write(&path, s).unwrap();
    path
}

#[test]
fn large_imports_and_exports_show_a_progress_bar_on_a_terminal() {
    let env = empty_env();
    let tsv = big_tsv(env.dir.path(), 6_000);
    let tsv = tsv.to_string_lossy().into_owned();
    let mut t = Tty::start(&env, &["import", &tsv], &[]);
    // The last line on screen means every byte before it was read (the
    // process can exit before the reader thread has caught up).
    t.wait_for("6000");
    t.wait_exit();
    let raw = t.raw_text();
    // The bar is drawn (then cleared); its count is in the byte stream.
    assert!(raw.contains("importing ["), "{raw}");
    assert!(raw.contains("/6,000 cards"), "{raw}");
    assert!(t.text().contains("6000"), "{}", t.text());

    let out = env.dir.path().join("out.tsv");
    let out = out.to_string_lossy().into_owned();
    let mut t = Tty::start(
        &env,
        &["export", "--deck", "big", "--format", "tsv", "-o", &out],
        &[],
    );
    t.wait_exit();
    let raw = t.wait_raw("/6,000 cards");
    assert!(raw.contains("exporting ["), "{raw}");
    assert!(raw.contains("/6,000 cards"), "{raw}");
}

#[test]
fn no_progress_bar_in_a_pipe_or_for_a_small_import() {
    let env = empty_env();
    env.run_ok(T0, &["decks"], "");
    let tsv = big_tsv(env.dir.path(), 6_000);
    let out = env.cmd(T0).arg("import").arg(&tsv).output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    // A small import on a terminal: no bar either.
    let small = env.dir.path().join("small.tsv");
    std::fs::write(
        &small,
        "#separator:tab\n#columns:id\tfront\tback\ns-1\tQ?\tA\n",
    )
    .unwrap();
    let small = small.to_string_lossy().into_owned();
    let mut t = Tty::start(&env, &["import", &small], &[]);
    t.wait_exit();
    let raw = t.raw_text();
    assert!(!raw.contains("importing"), "{raw}");
}

#[test]
fn a_terminal_lists_the_first_twenty_import_problems_a_pipe_all() {
    let env = empty_env();
    env.run_ok(T0, &["decks"], "");
    let mut s = String::from("#separator:tab\n#columns:id\tfront\tback\n");
    for i in 0..31 {
        s.push_str(&format!("same\tQuestion {i}?\tAnswer\n"));
    }
    let tsv = env.dir.path().join("dups.tsv");
    std::fs::write(&tsv, s).unwrap();
    let tsv = tsv.to_string_lossy().into_owned();
    let mut t = Tty::start(&env, &["import", &tsv], &[]);
    // The last line on screen means every byte before it was read (the
    // process can exit before the reader thread has caught up).
    t.wait_for("import failed");
    t.wait_exit();
    let text = t.raw_text();
    assert_eq!(text.matches("duplicate card id").count(), 20, "{text}");
    assert!(text.contains("… and 10 more"), "{text}");
    assert!(text.contains("import failed: 30 problems"), "{text}");
    let out = env.cmd(T0).args(["import", &tsv]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.matches("duplicate card id").count(), 30, "{err}");
    assert!(!err.contains("more"), "{err}");
    let decks = env.run_ok(T0, &["decks"], "");
    assert!(!decks.contains("dups"), "nothing imported: {decks}");
}

/// On a typed card letters are the answer, so the card's commands are on
/// Ctrl keys, and the footer says so (issue 17: u/s/b could not be
/// reached before the reveal and nothing said so).
#[test]
fn a_typed_card_can_be_suspended_before_its_answer() {
    let env = env_with("tricky.toml");
    let mut t = Tty::start(&env, &["review", "--deck", "Tricky"], &[]);
    let s = t.wait_for("Your answer:");
    assert!(s.contains("Tricky · 1/4 · new, typed"), "{s}");
    assert!(s.contains("^S suspend") && s.contains("^B bury"), "{s}");
    t.keys("s");
    t.wait_for("Your answer: s");
    t.keys("\x13"); // Ctrl-S
    t.wait_for("Tricky · 1/3");
    t.keys("q");
    t.wait_exit();
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    let (suspended, rows): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT count(*) FROM cards WHERE suspended = 1),
                    (SELECT count(*) FROM revlog)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((suspended, rows), (1, 0), "suspended, not answered");
}

/// Whether a whole screen is drawn: its last row, the keys, is there.
fn drawn(rows: &[String]) -> bool {
    rows.last().is_some_and(|l| l.contains("quit"))
}

/// The built-in card that takes the most rows (code, question and answer),
/// alone in the queue: every other card is suspended. Returns its deck and
/// the first line of its question.
fn longest_card_alone(env: &Env) -> (String, String) {
    env.run_ok(T0, &["decks"], "");
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    let lines = |col: &str| {
        format!(
            "(length(ifnull({col}, '')) - length(replace(ifnull({col}, ''), char(10), '')) + length(ifnull({col}, '')) / 70)"
        )
    };
    let (uid, deck, front): (String, String, String) = conn
        .query_row(
            &format!(
                "SELECT c.uid, d.name, c.front FROM cards c JOIN decks d ON d.id = c.deck_id
                 WHERE c.retired = 0 ORDER BY {} + {} + {} DESC, c.uid LIMIT 1",
                lines("c.code"),
                lines("c.front"),
                lines("c.back")
            ),
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    conn.execute("UPDATE cards SET suspended = 1 WHERE uid <> ?1", [&uid])
        .unwrap();
    let first = front.lines().next().unwrap_or("").to_string();
    (deck, first)
}

/// Issue 17: on 80×24 the header vanished after the reveal, a long card was
/// cut off from the top (question included) and the grade line wrapped.
/// At every size people have: the header is the first row, the question
/// stays, the rest scrolls with a note saying how much is hidden, and the
/// grade keys fit the width.
#[test]
fn the_longest_card_at_80x24_60x20_and_120x40() {
    for (rows, cols) in [(24u16, 80u16), (20, 60), (40, 120)] {
        let env = empty_env();
        let (deck, question) = longest_card_alone(&env);
        let words: String = question.chars().take(20).collect();
        let mut t = Tty::start_sized(&env, &["review"], &[], (rows, cols));
        let header = format!("{deck} · 1/1");
        // The footer is drawn last: once it is there, the whole screen is.
        let s = t.wait_rows("the question", |s| s[0].contains(&header) && drawn(s));
        let at = format!("{cols}x{rows}");
        assert!(s[0].contains("due 0"), "{at}: {s:#?}");
        assert!(
            s[2].contains(&words),
            "{at}: the question under the header {s:#?}"
        );
        let tall = s.iter().any(|l| l.contains("more line"));
        assert!(
            tall || s.iter().any(|l| l.contains('└')),
            "{at}: the code is cut off with no note: {s:#?}"
        );
        if tall {
            // Scroll to the end: the box's last row comes into view.
            t.keys("\x1b[F");
            t.wait_rows("the end of the code", |s| s.iter().any(|l| l.contains('└')));
            t.keys("\x1b[H");
            t.wait_rows("the top again", |s| {
                s.iter().any(|l| l.contains("more line"))
            });
        }
        // Reveal (the card may be typed: an empty answer is a wrong one).
        t.keys("\r");
        let s = t.wait_rows("the answer", |s| s.iter().any(|l| l.contains("5 perfect")));
        assert!(
            s[0].contains(&header),
            "{at}: header after the reveal {s:#?}"
        );
        assert!(
            s[2].contains(&words),
            "{at}: question after the reveal {s:#?}"
        );
        assert!(
            s.iter().any(|l| l.contains('┄')),
            "{at}: the answer in view {s:#?}"
        );
        assert!(s.iter().any(|l| l.contains("0 blackout")), "{at}: {s:#?}");
        for l in &s {
            assert!(l.chars().count() <= usize::from(cols), "{at}: {l}");
        }
        t.keys("4");
        // The summary, once the reader has caught up with the exited process.
        t.wait_for("Reviewed 1 card");
        t.wait_exit();
    }
}

/// A resize redraws the screen at the new size (SIGWINCH), header first.
#[test]
fn a_resized_terminal_is_redrawn_to_fit() {
    let env = empty_env();
    let (deck, _) = longest_card_alone(&env);
    let mut t = Tty::start_sized(&env, &["review"], &[], (40, 120));
    let header = format!("{deck} · 1/1");
    t.wait_rows("the question", |s| s[0].contains(&header));
    t.resize(20, 60);
    let rule = format!(" {}", "─".repeat(58));
    let s = t.wait_rows("a redraw at 60 columns", |s| s[1] == rule && drawn(s));
    assert!(s[0].contains(&header) && s[0].contains("due 0"), "{s:#?}");
    assert!(s.iter().any(|l| l.contains("more line")), "{s:#?}");
    t.resize(24, 80);
    let rule = format!(" {}", "─".repeat(78));
    t.wait_rows("a redraw at 80 columns", |s| s[1] == rule);
    t.keys("\x1b");
    t.wait_exit();
}

/// Issue 17: the "new collection" line was printed before the full screen
/// took over, so it was seen only after quitting. It is on the first screen.
#[test]
fn the_new_collection_note_is_on_the_first_screen() {
    let env = empty_env();
    let mut t = Tty::start(&env, &["review"], &[]);
    let s = t.wait_rows("the first card", drawn);
    let all = s.join("\n");
    assert!(all.contains("new collection at"), "{all}");
    assert!(all.contains("Py201 cards"), "{all}");
    t.keys("q");
    t.wait_exit();
}

/// Issue 17: the header's counts were those of the session's start, stale
/// once another session had answered a card. They are read again before
/// each card.
#[test]
fn the_header_counts_follow_answers_from_another_session() {
    let env = env_with("test.toml");
    let mut t = Tty::start(&env, &["review", "--deck", "Test"], &[]);
    t.wait_rows("the first card", |s| {
        s[0].contains("Test · 1/3 · new") && s[0].contains("new 3") && drawn(s)
    });
    // Meanwhile a script answers the first card (4) and the second (2).
    let out = env.run_ok(T0, &["review", "--deck", "Test"], " \n4\n \n2\nq\n");
    assert!(out.contains("Reviewed 2 cards"), "{out}");
    // Here the first card is answered too: refused, and the next card's
    // header says what is really left: 1 new card, 1 same-day repeat.
    t.keys(" ");
    t.wait_for("4 good");
    t.keys("4");
    let s = t.wait_rows("the next card", |s| s[0].contains("Test · 1/2") && drawn(s));
    assert!(s[0].contains("new 1 · due 0 · repeats 1"), "{s:#?}");
    t.keys("q");
    t.wait_exit();
}
