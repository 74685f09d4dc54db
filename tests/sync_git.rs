//! `py201 sync` through a real git repository: two clones of one bare
//! repository, each machine syncing into its clone, committing, pulling
//! and pushing; both answer on the same day, some of them the same card.
//! Every merge is clean (each device writes only its own files), and both
//! end with the same cards, statistics and log, every answer kept.

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod sync_support;
use std::path::Path;
use std::process::Command;
use sync_support::*;

const MINUTE: i64 = 60_000;

/// Runs git in `dir`, which must succeed; returns its output.
fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("git is installed");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A clone of `origin` at `dir`, with a committer of its own.
fn clone(origin: &Path, dir: &Path, who: &str) {
    git(
        origin.parent().unwrap(),
        &[
            "clone",
            "-q",
            origin.to_str().unwrap(),
            dir.to_str().unwrap(),
        ],
    );
    git(dir, &["config", "user.name", who]);
    git(
        dir,
        &["config", "user.email", &format!("{who}@example.com")],
    );
    git(dir, &["config", "pull.rebase", "false"]);
}

/// What a learner's script does: sync, commit what sync wrote, pull (a
/// merge), sync again to apply what came, then push.
fn sync_through_git(d: &Device, at: i64, clone: &Path) -> Vec<String> {
    let mut said = vec![d.sync(at, clone)];
    git(clone, &["add", "-A"]);
    if !git(clone, &["status", "--porcelain"]).is_empty() {
        git(
            clone,
            &["commit", "-q", "-m", &format!("py201 sync on {}", d.name)],
        );
    }
    git(clone, &["pull", "-q", "--no-edit", "origin", "main"]);
    said.push(d.sync(at, clone));
    git(clone, &["push", "-q", "origin", "HEAD:main"]);
    said
}

#[test]
fn two_clones_of_a_git_repository_sync_answers_given_on_the_same_day() {
    let tmp = tempfile::tempdir().unwrap();
    let origin = tmp.path().join("origin.git");
    std::fs::create_dir(&origin).unwrap();
    git(&origin, &["init", "-q", "--bare", "-b", "main"]);
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    clone(&origin, &a, "laptop");
    std::fs::write(a.join("README"), "py201 sync folder\n").unwrap();
    git(&a, &["add", "README"]);
    git(&a, &["commit", "-q", "-m", "start"]);
    git(&a, &["push", "-q", "origin", "HEAD:main"]);
    clone(&origin, &b, "desk");

    let laptop = Device::new(tmp.path(), "laptop");
    let desk = Device::new(tmp.path(), "desk");
    let t = START + 60 * MINUTE;
    // The same first new cards on both machines, the same morning.
    laptop.review(t, &[4, 5, 3]);
    desk.review(t + 5 * MINUTE, &[5, 2]);
    assert_eq!(
        sync_through_git(&laptop, t + 10 * MINUTE, &a),
        ["3 answers sent.", "Nothing new to send or apply."]
    );
    assert_eq!(
        sync_through_git(&desk, t + 20 * MINUTE, &b),
        ["2 answers sent.", "3 answers from laptop."]
    );
    // Later that day, once more on each side.
    laptop.review(t + 120 * MINUTE, &[4]);
    desk.review(t + 125 * MINUTE, &[4, 4]);
    assert_eq!(
        sync_through_git(&laptop, t + 130 * MINUTE, &a),
        ["1 answer sent.", "2 answers from desk."]
    );
    assert_eq!(
        sync_through_git(&desk, t + 140 * MINUTE, &b),
        ["2 answers sent.", "1 answer from laptop."]
    );
    assert_eq!(
        sync_through_git(&laptop, t + 150 * MINUTE, &a),
        ["Nothing new to send or apply.", "2 answers from desk."]
    );
    assert_converged(&[laptop, desk], t + 160 * MINUTE, "after git pull/push");
    let laptop = Device::new(tmp.path(), "laptop");
    assert_eq!(laptop.answers().len(), 3 + 2 + 1 + 2, "every answer kept");
    // The first card was answered on both machines: its log holds both
    // answers of the morning in time order, laptop's first.
    let first = laptop.query(
        "SELECT count(*) FROM revlog r JOIN cards c ON c.id = r.card_id
         WHERE c.uid = 'dm-binop-calls-type-method:c1' AND r.day = 20458",
    );
    assert_eq!(first, 2, "both machines' answers to the first card");
    // Only each device's own files were ever written: no merge commit
    // touched a file of two devices.
    let files = git(&a, &["ls-files"]);
    let devices: std::collections::BTreeSet<&str> = files
        .lines()
        .filter_map(|l| l.split_once('/').map(|(d, _)| d))
        .collect();
    assert_eq!(devices.len(), 2, "{files}");
}
