//! Compaction end to end: a device that has written 64 segments merges
//! them into one snapshot (`upto-00000064.seg`) and removes them; a new
//! device syncing from that folder gets everything, and a device that had
//! read only part of them before the compaction keeps converging.

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod sync_support;
use sync_support::*;

const MINUTE: i64 = 60_000;

fn own_id(d: &Device) -> String {
    let conn = rusqlite::Connection::open(&d.db).unwrap();
    conn.query_row("SELECT id FROM sync_devices WHERE self = 1", [], |r| {
        r.get(0)
    })
    .unwrap()
}

/// The file names in device `d`'s own folder, sorted.
fn files_of(dir: &std::path::Path, d: &Device) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join(own_id(d)))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

#[test]
fn a_compacted_folder_syncs_a_new_device_and_an_existing_one() {
    let (tmp, dir) = folder();
    let (laptop, desk) = (
        Device::new(tmp.path(), "laptop"),
        Device::new(tmp.path(), "desk"),
    );
    let mut at = START;
    // 70 syncs on laptop, each with something new: a tag, and now and
    // then an answer, so each writes one segment.
    for i in 1..=70 {
        at += MINUTE;
        let tag = format!("+t{i}");
        laptop.ok(at, &["tag", "id:gil-what-it-prevents", &tag], "");
        if i % 10 == 0 {
            laptop.review(at, &[4]);
        }
        laptop.sync(at, &dir);
        if i == 30 {
            // Desk reads segments 1 to 30, and sends an answer of its own.
            desk.review(at, &[5]);
            desk.sync(at, &dir);
        }
    }
    let mut expected: Vec<String> = (65..=70).map(|n| format!("{n:08}.seg")).collect();
    expected.push("upto-00000064.seg".into());
    assert_eq!(files_of(&dir, &laptop), expected);

    // Desk had applied up to segment 30: it reads the snapshot for 31 on,
    // then 65 to 70.
    at += MINUTE;
    let line = desk.sync(at, &dir);
    assert!(
        line.contains("answers") && line.contains("from laptop"),
        "{line}"
    );
    // A new, empty device gets everything.
    let phone = Device::new(tmp.path(), "phone");
    phone.sync(at, &dir);
    laptop.sync(at, &dir);
    assert_eq!(phone.answers(), laptop.answers());
    assert_eq!(laptop.answers().len(), 8);
    assert_converged(&[laptop, desk, phone], at + MINUTE, "after compaction");
}
