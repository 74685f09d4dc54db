//! Bad input in a sync folder: a segment with a bad checksum, a segment
//! from a newer py201, a folder this device cannot write, and two
//! collections claiming the same device id (a copied collection file).
//! Each is one clear error line and a non-zero exit; nothing is applied
//! from the bad file, and the rest of the folder is still synced.

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod sync_support;
use std::path::{Path, PathBuf};
use sync_support::*;

const MINUTE: i64 = 60_000;

/// Three devices and a folder; laptop and phone have each sent answers.
struct Setup {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    laptop: Device,
    phone: Device,
    desk: Device,
}

fn setup() -> Setup {
    let (tmp, dir) = folder();
    let laptop = Device::new(tmp.path(), "laptop");
    let phone = Device::new(tmp.path(), "phone");
    let desk = Device::new(tmp.path(), "desk");
    laptop.review(START, &[4, 4]);
    assert_eq!(laptop.sync(START + MINUTE, &dir), "2 answers sent.");
    phone.review(START + 2 * MINUTE, &[5, 5, 5]);
    assert_eq!(
        phone.sync(START + 3 * MINUTE, &dir),
        "2 answers from laptop, 3 answers sent."
    );
    Setup {
        _tmp: tmp,
        dir,
        laptop,
        phone,
        desk,
    }
}

/// This device's id, as its collection holds it.
fn device_id(d: &Device) -> String {
    let conn = rusqlite::Connection::open(&d.db).unwrap();
    conn.query_row("SELECT id FROM sync_devices WHERE self = 1", [], |r| {
        r.get(0)
    })
    .unwrap()
}

/// The one segment of `d` in the folder.
fn first_segment(dir: &Path, d: &Device) -> PathBuf {
    dir.join(device_id(d)).join("00000001.seg")
}

/// Runs `sync`, which must fail with exactly one error line; returns
/// (stdout, that line).
fn failing_sync(d: &Device, at: i64, dir: &Path) -> (String, String) {
    let out = d.run(at, &["sync", dir.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(1), "sync must fail");
    let stderr = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one error line: {stderr}");
    assert!(lines[0].starts_with("py201: error: "), "{stderr}");
    (String::from_utf8(out.stdout).unwrap(), lines[0].to_string())
}

#[test]
fn a_segment_with_a_bad_checksum_is_refused_and_the_rest_applied() {
    let s = setup();
    let seg = first_segment(&s.dir, &s.laptop);
    let mut bytes = std::fs::read(&seg).unwrap();
    let at = bytes.len() - 10;
    bytes[at] ^= 1;
    std::fs::write(&seg, bytes).unwrap();
    let (said, error) = failing_sync(&s.desk, START + 10 * MINUTE, &s.dir);
    assert_eq!(said, "3 answers from phone.\n");
    assert!(error.contains(&seg.display().to_string()), "{error}");
    assert!(
        error.contains("checksum mismatch") && error.contains("not applied"),
        "{error}"
    );
    // Phone's 3 answers, none of laptop's 2.
    assert_eq!(s.desk.answers().len(), 3);
    // Syncing again says it again, and still applies nothing from it.
    let (said, again) = failing_sync(&s.desk, START + 11 * MINUTE, &s.dir);
    assert_eq!(
        (said.as_str(), again),
        ("Nothing new to send or apply.\n", error)
    );
    assert_eq!(s.desk.answers().len(), 3);
}

#[test]
fn a_damaged_segment_is_read_once_it_is_whole_again() {
    let s = setup();
    let seg = first_segment(&s.dir, &s.laptop);
    let whole = std::fs::read(&seg).unwrap();
    std::fs::write(&seg, &whole[..whole.len() / 2]).unwrap();
    let (said, error) = failing_sync(&s.desk, START + 10 * MINUTE, &s.dir);
    assert_eq!(said, "3 answers from phone.\n");
    assert!(error.contains("checksum mismatch"), "{error}");
    std::fs::write(&seg, &whole).unwrap();
    assert_eq!(
        s.desk.sync(START + 11 * MINUTE, &s.dir),
        "2 answers from laptop."
    );
    assert_eq!(
        s.laptop.sync(START + 11 * MINUTE, &s.dir),
        "3 answers from phone."
    );
    assert_converged(
        &[s.laptop, s.phone, s.desk],
        START + 12 * MINUTE,
        "whole again",
    );
}

#[test]
fn a_segment_from_a_newer_py201_is_not_applied() {
    let s = setup();
    let newer = s.dir.join("0123456789abcdef0123456789abcdef");
    std::fs::create_dir(&newer).unwrap();
    std::fs::write(
        newer.join("00000001.seg"),
        "py201-sync 3 0000\n{\"a format\": \"this py201 does not know\"}\n",
    )
    .unwrap();
    let (said, error) = failing_sync(&s.desk, START + 10 * MINUTE, &s.dir);
    assert_eq!(said, "2 answers from laptop, 3 answers from phone.\n");
    assert!(
        error.contains("00000001.seg: written by a newer py201 (segment format 3; this py201 reads up to 2); not applied, upgrade py201"),
        "{error}"
    );
    assert_eq!(s.desk.answers().len(), 5);
}

#[test]
fn a_folder_this_device_cannot_write_keeps_its_answers_for_the_next_sync() {
    let s = setup();
    s.desk.review(START + 5 * MINUTE, &[3]);
    // The device's own folder cannot be made: a file has its name (as
    // root, which ignores permissions, this is what makes a folder
    // unwritable).
    let own = s.dir.join(device_id(&s.desk));
    std::fs::write(&own, "not a folder").unwrap();
    let (said, error) = failing_sync(&s.desk, START + 10 * MINUTE, &s.dir);
    assert_eq!(
        said,
        "2 answers from laptop, 3 answers from phone, 1 answer sent.\n"
    );
    assert!(
        error.contains(&own.display().to_string()) && error.contains("cannot write"),
        "{error}"
    );
    assert!(error.contains("kept and sent by the next sync"), "{error}");
    assert_eq!(s.desk.answers().len(), 6, "others' answers applied");
    std::fs::remove_file(&own).unwrap();
    assert_eq!(
        s.desk.sync(START + 11 * MINUTE, &s.dir),
        "Nothing new to send or apply."
    );
    assert_eq!(
        s.laptop.sync(START + 12 * MINUTE, &s.dir),
        "1 answer from desk, 3 answers from phone."
    );
}

#[test]
fn a_copied_collection_is_caught_and_a_new_device_id_sorts_it_out() {
    let s = setup();
    let copy = Device {
        db: s.laptop.db.with_file_name("copy.db"),
        name: "copy".into(),
    };
    std::fs::copy(&s.laptop.db, &copy.db).unwrap();
    copy.review(START + 20 * MINUTE, &[4]);
    // The copy syncs first: as far as it knows it is laptop.
    assert_eq!(
        copy.sync(START + 21 * MINUTE, &s.dir),
        "3 answers from phone, 1 answer sent."
    );
    s.laptop.review(START + 22 * MINUTE, &[5]);
    let (said, error) = failing_sync(&s.laptop, START + 23 * MINUTE, &s.dir);
    assert_eq!(said, "3 answers from phone.\n");
    assert!(
        error.contains(
            "00000002.seg: written by another collection with this collection's device id"
        ),
        "{error}"
    );
    assert!(error.contains("py201 sync --new-device-id"), "{error}");
    // Nothing was written over the copy's file.
    let own = s.dir.join(device_id(&s.laptop));
    assert_eq!(std::fs::read_dir(&own).unwrap().count(), 2);
    let out = s.laptop.run(
        START + 24 * MINUTE,
        &["sync", "--new-device-id", s.dir.to_str().unwrap()],
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "1 answer from laptop, 1 answer sent.\n",
        "the copy's answer, read as another device's, and laptop's own"
    );
    assert_eq!(
        s.phone.sync(START + 25 * MINUTE, &s.dir),
        "2 answers from laptop."
    );
    assert_converged(
        &[s.laptop, s.phone],
        START + 26 * MINUTE,
        "after a new device id",
    );
}
