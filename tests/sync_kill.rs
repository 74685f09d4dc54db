//! A sync killed (SIGKILL) at any moment leaves the collection as it was
//! before, or exactly as a sync that ran to its end leaves it; and the
//! next sync then completes it, the segment it owed included.

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod sync_support;
use std::path::Path;
use sync_support::*;

const MINUTE: i64 = 60_000;

/// What a sync changes in a collection, row ids aside.
fn state(d: &Device, at: i64) -> (String, Vec<String>, i64) {
    let segments = d.query("SELECT count(*) FROM sync_segments");
    (d.cards_json(at), d.log(), segments)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.path().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn a_killed_sync_leaves_the_collection_as_before_or_as_synced() {
    let (tmp, dir) = folder();
    let (laptop, desk) = (
        Device::new(tmp.path(), "laptop"),
        Device::new(tmp.path(), "desk"),
    );
    laptop.review(START, &[4, 3, 5, 2, 4, 5]);
    laptop.sync(START + MINUTE, &dir);
    desk.review(START + 2 * MINUTE, &[5, 4, 4]);
    let at = START + 3 * MINUTE;
    // The starting point of every run, and what a whole sync makes of it.
    let (start_db, start_dir) = (tmp.path().join("start.db"), tmp.path().join("start-sync"));
    assert!(
        !desk.db.with_extension("db-wal").exists(),
        "a closed collection is one file"
    );
    std::fs::copy(&desk.db, &start_db).unwrap();
    copy_dir(&dir, &start_dir);
    let before = state(&desk, at);
    let started = std::time::Instant::now();
    desk.sync(at, &dir);
    let whole = started.elapsed();
    let synced = state(&desk, at);
    assert_ne!(before, synced);
    let (mut as_before, mut as_synced) = (0, 0);
    // Kills spread over nearly twice the time a whole sync took: a loaded
    // machine (CI, a build beside it) can make a run slower than that one.
    for run in 0..12u32 {
        // A killed process leaves its write-ahead log beside the file.
        for ext in ["db-wal", "db-shm"] {
            let _ = std::fs::remove_file(desk.db.with_extension(ext));
        }
        std::fs::copy(&start_db, &desk.db).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        copy_dir(&start_dir, &dir);
        let mut child = desk
            .cmd(at)
            .args(["sync", dir.to_str().unwrap()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(whole * run / 6);
        child.kill().unwrap();
        child.wait().unwrap();
        let now = state(&desk, at);
        if now == before {
            as_before += 1;
        } else {
            assert!(now == synced, "run {run}: a partly synced collection");
            as_synced += 1;
        }
        // Either way the next sync completes it: laptop then gets desk's
        // answers, whatever the kill interrupted.
        desk.sync(at + MINUTE, &dir);
        assert_eq!(state(&desk, at).1, synced.1, "run {run}");
        let own = dir.join(desk_id(&desk));
        assert_eq!(
            std::fs::read_dir(&own).unwrap().count(),
            1,
            "run {run}: its segment"
        );
    }
    eprintln!(
        "12 kills over {whole:?}: {as_before} left the collection as before, {as_synced} as synced"
    );
    assert!(
        as_before > 0 && as_synced > 0,
        "the kills landed on both sides of the commit"
    );
}

fn desk_id(d: &Device) -> String {
    let conn = rusqlite::Connection::open(&d.db).unwrap();
    conn.query_row("SELECT id FROM sync_devices WHERE self = 1", [], |r| {
        r.get(0)
    })
    .unwrap()
}
