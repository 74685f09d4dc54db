//! The CLI fits the shell: completions, a man page, --version, --help.

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

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
    // None of these touched a collection.
    assert!(!env.db.exists());
}
