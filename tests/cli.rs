//! The CLI fits the shell: completions, a man page, --version, --help, and
//! pipes whose reader goes away.

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]
// pipe(2) and close(2), to hand a child a pipe whose reader is gone.
#![allow(unsafe_code)]

mod common;
use common::*;

#[test]
fn completions_man_page_version_and_help() {
    let env = empty_env();
    let bash = env.run_ok(T0, &["completions", "bash"], "");
    assert!(
        bash.contains("_py201()") && bash.contains("review") && bash.contains("--deck"),
        "bash"
    );
    let zsh = env.run_ok(T0, &["completions", "zsh"], "");
    assert!(zsh.starts_with("#compdef py201"));
    let fish = env.run_ok(T0, &["completions", "fish"], "");
    assert!(fish.contains("complete -c py201") && fish.contains("import"));
    let man = env.run_ok(T0, &["man"], "");
    assert!(man.contains(".TH py201 1") && man.contains("review"), "man");
    // Every command has its page, with its options, in the one manual.
    let commands = <py201::cli::Cli as clap::CommandFactory>::command();
    for c in commands.get_subcommands() {
        let name = c.get_name();
        assert!(
            man.contains(&format!(".TH py201-{name} 1")),
            "man: page of {name}"
        );
        for long in c.get_arguments().filter_map(|a| a.get_long()) {
            let roff = format!("\\-\\-{}", long.replace('-', "\\-"));
            assert!(man.contains(&roff), "man: {name} --{long}");
        }
    }
    let review = env.run_ok(T0, &["man", "review"], "");
    assert_eq!(review.matches(".TH ").count(), 1, "{review}");
    assert!(review.contains(".TH py201-review 1") && review.contains("\\-\\-limit"));
    // What the manual points to exists.
    for doc in man.split(|c: char| c.is_whitespace() || c == '(' || c == ')') {
        if let Some(path) = doc.strip_prefix("docs/").filter(|p| p.ends_with(".md")) {
            let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("docs")
                .join(path);
            assert!(file.exists(), "man points to {doc}");
        }
    }
    let version = env.run_ok(T0, &["--version"], "");
    assert_eq!(version, format!("py201 {}\n", env!("CARGO_PKG_VERSION")));
    let help = env.run_ok(T0, &["--help"], "");
    for cmd in [
        "review",
        "decks",
        "cards",
        "config",
        "check",
        "import",
        "export",
        "backups",
        "restore",
        "doctor",
        "completions",
        "man",
    ] {
        assert!(
            help.contains(&format!("  {cmd} ")),
            "--help lists {cmd}:\n{help}"
        );
    }
    // Help wraps at the terminal's width: an 80-column terminal, every
    // command's help included, gets no line it would fold itself.
    let commands = <py201::cli::Cli as clap::CommandFactory>::command();
    let names = commands.get_subcommands().map(|c| c.get_name().to_string());
    for args in [vec!["--help".to_string()]]
        .into_iter()
        .chain(names.map(|n| vec![n, "--help".to_string()]))
    {
        let out = env
            .cmd(T0)
            .env("COLUMNS", "80")
            .args(&args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        let long = text.lines().find(|l| l.chars().count() > 80);
        assert!(long.is_none(), "{args:?} at 80 columns: {long:?}");
    }
    // None of these touched a collection.
    assert!(!env.db.exists());
}

/// A pipe whose reader is already gone: the first write to it fails with
/// EPIPE, as for `py201 decks | head -1` once `head` has exited.
fn closed_pipe() -> std::process::Stdio {
    use std::os::fd::{FromRawFd, OwnedFd};
    let mut fds = [0; 2];
    // SAFETY: pipe(2) writes two new descriptors into `fds`, which this
    // function then owns: the read end is closed here, the write end handed
    // to the child through OwnedFd, which closes it once.
    unsafe {
        assert_eq!(libc::pipe(fds.as_mut_ptr()), 0, "pipe(2)");
        libc::close(fds[0]);
        std::process::Stdio::from(OwnedFd::from_raw_fd(fds[1]))
    }
}

/// A reader that goes away ends every command quietly with exit 0, as for
/// ripgrep: no panic, no "Broken pipe" error (issue 17).
#[test]
fn every_command_ends_quietly_on_a_closed_stdout() {
    let env = env_with("test.toml");
    let deck = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/decks/test.toml"
    );
    for args in [
        &["decks"][..],
        &["cards"],
        &["cards", "--json"],
        &["stats"],
        &["stats", "--json"],
        &["config"],
        &["config", "fuzz"],
        &["backups"],
        &["man"],
        &["completions", "bash"],
        &["export", "--format", "tsv"],
        &["export", "--format", "csv"],
        &["export", "--format", "json"],
        &["export", "--format", "deck", "--deck", "Test"],
        &["check", deck],
        &["import", "--dry-run", deck],
        &["simulate", "--days", "5"],
        &["doctor"],
        &["review", "--limit", "1"],
        &["--help"],
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_py201"))
            .args(args)
            .env("PY201_DB", &env.db)
            .env("PY201_NOW", T0)
            .env("TZ", "UTC")
            .stdin(std::process::Stdio::null())
            .stdout(closed_pipe())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && stderr.is_empty(),
            "py201 {args:?}: {:?}\n{stderr}",
            out.status
        );
    }
}

/// Every table fits the width it is read at: `COLUMNS` when output is not
/// a terminal, else 100 columns; narrow columns wrap inside their cells,
/// and `cards` leaves columns to `--json` below 100 (issue 17: `config`
/// printed 203 columns, `cards` 173).
#[test]
fn tables_fit_the_width() {
    let env = env_with("stats.toml");
    env.run_ok(T0, &["review", "--deck", "Stats"], "\n5\n\n1\n\n4\n\n4\n");
    // A deck with no reviews, for the sentence `stats` says instead of tables.
    let deck = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/decks/test.toml"
    );
    env.run_ok(T0, &["import", deck], "");
    let table_lines = |out: &str| -> Vec<String> {
        out.lines()
            .filter(|l| l.starts_with(['┌', '│', '╞', '├', '└']))
            .map(str::to_string)
            .collect()
    };
    for columns in [None, Some(80), Some(60)] {
        let width = columns.unwrap_or(100);
        for args in [
            &["config"][..],
            &["cards"],
            &["decks"],
            &["stats"],
            &["stats", "--deck", "Test"],
            &["simulate", "--days", "30"],
            &["show", "s-l"],
            &["suspend", "--dry-run", "deck:Stats"],
            &["backups"],
        ] {
            let mut cmd = env.cmd(T0);
            cmd.env_remove("COLUMNS");
            if let Some(c) = columns {
                cmd.env("COLUMNS", c.to_string());
            }
            let out = cmd.args(args).output().unwrap();
            let out = String::from_utf8_lossy(&out.stdout);
            let lines = table_lines(&out);
            assert!(
                !lines.is_empty()
                    || args == ["backups"]
                    || args[0] == "suspend"
                    || args[1..] == ["--deck", "Test"],
                "{args:?}: a table\n{out}"
            );
            for l in lines {
                assert!(l.chars().count() <= width, "{args:?} at {width}: {l}");
            }
            // Prose and charts too, not only the tables (issue 17: the
            // empty-stats sentence was 133 columns).
            for l in out.lines() {
                assert!(l.chars().count() <= width, "{args:?} at {width}: {l}");
            }
            if args == ["cards"] {
                let narrow = width < 100;
                assert_eq!(out.contains("Lapses"), !narrow, "{out}");
                // The note is prose, folded at the width.
                assert_eq!(
                    out.replace('\n', " ")
                        .contains("`py201 cards --json` has every field"),
                    narrow,
                    "{out}"
                );
            }
        }
    }
}

/// Issue 18: a deck of one's own can be renamed, its cards keeping their
/// progress; a built-in deck, a taken name or an unknown deck is one clear
/// line with nothing changed.
#[test]
fn decks_rename_keeps_progress_and_refuses_what_it_cannot_do() {
    let env = env_with("test.toml");
    env.run_ok(T0, &["review", "--deck", "Test"], " \n4\nq\n");
    let before = env.cards(T0, "Test");
    let out = env.run_ok(T0, &["decks", "rename", "test", "My dunders"], "");
    assert_eq!(
        out.trim(),
        "Renamed deck \"test\" to \"My dunders\"; its cards keep their progress."
    );
    let after = env.cards(T0, "My dunders");
    assert_eq!(after.len(), before.len());
    for (a, b) in before.iter().zip(&after) {
        assert_eq!(
            (&a["id"], &a["due"], &a["reps"]),
            (&b["id"], &b["due"], &b["reps"])
        );
        assert_eq!(b["deck"], "My dunders");
    }
    assert!(env.run_ok(T0, &["decks"], "").contains("My dunders"));
    for (args, why) in [
        (
            &["decks", "rename", "asyncio", "Mine"][..],
            "cannot rename deck \"asyncio\": it is built in",
        ),
        (
            &["decks", "rename", "My dunders", "ASYNCIO"],
            "a deck named \"ASYNCIO\" exists already",
        ),
        (
            &["decks", "rename", "My dunders", "  "],
            "the new name is empty",
        ),
        (&["decks", "rename", "Nope", "X"], "no deck named \"Nope\""),
    ] {
        let out = env.cmd(T0).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = one_line_error(&out);
        assert!(err.contains(why), "{args:?}: {err}");
    }
    assert_eq!(env.cards(T0, "My dunders"), after, "nothing changed");
}

/// `show` and an action's `--dry-run` list fold or cut long card text to
/// the width they are read at (they printed 150-column lines at 60).
#[test]
fn show_and_dry_run_fit_the_width() {
    let long = "Evaluating a + b does not call a builtin function: it calls special methods looked up on the type, the forward one being the left operand's";
    let env = env_with_text(&format!(
        "[deck]\nname = \"Long\"\n\n[[cards]]\nid = \"l-1\"\nfront = \"{long}?\"\nback = \"{long}.\"\n"
    ));
    for args in [&["show", "l-1"][..], &["suspend", "--dry-run", "deck:Long"]] {
        let out = env
            .cmd(T0)
            .env("COLUMNS", "60")
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        for l in text.lines() {
            assert!(l.chars().count() <= 60, "{args:?}: {l}");
        }
        if args[0] == "show" {
            let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(
                joined.contains(&format!("Front {long}?")),
                "nothing lost: {text}"
            );
        }
    }
}
