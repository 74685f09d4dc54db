//! A collection on a read-only filesystem or a full disk: a clear one-line
//! error and nothing half-written. Uses a small tmpfs, which needs root (as
//! in CI) or an unprivileged mount namespace; neither available is a failure.

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;
use std::path::Path;
use std::process::Command;

struct Mount(std::path::PathBuf);

impl Mount {
    fn tmpfs(dir: &Path, size: &str) -> Mount {
        std::fs::create_dir_all(dir).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .status()
            .unwrap_or_else(|e| panic!("mount: {e}"))
            .success();
        assert!(
            ok,
            "cannot mount a tmpfs at {} (this test needs root, as CI has)",
            dir.display()
        );
        Mount(dir.to_path_buf())
    }

    fn remount(&self, opts: &str) {
        let ok = Command::new("mount")
            .args(["-o", &format!("remount,{opts}")])
            .arg(&self.0)
            .status()
            .unwrap_or_else(|e| panic!("mount: {e}"));
        assert!(ok.success(), "remount {opts}");
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

fn integrity(db: &Path) -> String {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn read_only_filesystem_is_a_clear_error_and_changes_nothing() {
    let env = empty_env();
    let mnt = Mount::tmpfs(&env.dir.path().join("ro"), "16m");
    let db = mnt.0.join("collection.db");
    let run = |args: &[&str]| {
        env.cmd(T0)
            .arg("--db")
            .arg(&db)
            .args(args)
            .output()
            .unwrap()
    };
    assert!(run(&["decks"]).status.success());
    let before = std::fs::read(&db).unwrap();
    mnt.remount("ro");
    for args in [
        &["review"][..],
        &["config", "fuzz", "off"][..],
        &["decks"][..],
    ] {
        let err = one_line_error(&run(args));
        assert!(
            err.contains("cannot write to the collection (read-only file or folder)"),
            "{args:?}: {err}"
        );
    }
    assert_eq!(std::fs::read(&db).unwrap(), before);
    mnt.remount("rw");
    assert_eq!(integrity(&db), "ok");
}

#[test]
fn full_disk_is_a_clear_error_and_nothing_is_half_written() {
    let env = empty_env();
    let mnt = Mount::tmpfs(&env.dir.path().join("full"), "3m");
    let db = mnt.0.join("collection.db");
    let run = |args: &[&str]| {
        env.cmd(T0)
            .arg("--db")
            .arg(&db)
            .args(args)
            .output()
            .unwrap()
    };
    assert!(run(&["decks"]).status.success());
    // A deck far bigger than the space left.
    let mut tsv = String::from("#separator:tab\n#html:false\n#columns:id\tfront\tback\n");
    for i in 0..40_000 {
        tsv.push_str(&format!(
            "big-{i}\tquestion number {i} with some padding text\tanswer {i}\n"
        ));
    }
    let f = env.dir.path().join("big.tsv");
    std::fs::write(&f, tsv).unwrap();
    let before = run(&["cards", "--json"]).stdout;
    let out = env
        .cmd(T0)
        .arg("--db")
        .arg(&db)
        .arg("import")
        .arg(&f)
        .output()
        .unwrap();
    let err = one_line_error(&out);
    eprintln!("full disk: {err}");
    assert!(
        err.contains("the disk is full; nothing was written"),
        "{err}"
    );
    assert_eq!(integrity(&db), "ok");
    assert_eq!(
        run(&["cards", "--json"]).stdout,
        before,
        "no card of the failed import is there"
    );
}
