//! The sync folder as files: which devices are in it, the segments of each
//! that this collection has not applied yet (checked, in order), and the
//! check that no other collection writes under this one's device id.
//! Reads and writes files only; what they mean is for the caller.

use super::segment::{self, Refused, Segment};
use crate::collection::devices;
use crate::error::Result;
use rusqlite::Connection;
use std::path::{Path, PathBuf};

/// A device id: 32 lowercase hex digits (also its folder's name).
pub fn is_device_id(name: &str) -> bool {
    name.len() == 32
        && name
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A new device id, made once per collection.
pub fn new_device_id() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// The device folders in `dir` other than `own`, sorted (so every device
/// applies them in the same order, though the result does not depend on it).
pub fn peers(dir: &Path, own: &str) -> std::io::Result<Vec<String>> {
    let mut ids: Vec<String> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| is_device_id(n) && n != own)
        .collect();
    ids.sort();
    Ok(ids)
}

/// Segments of one device read in order from `from` on, up to the first
/// one missing or refused (a later one may rest on it), with the reason a
/// file was refused.
pub struct Read {
    pub segments: Vec<(Segment, String)>,
    pub refused: Option<String>,
}

/// Reads the new segments of device `id` in `dir`, from `from` on.
pub fn read_new(dir: &Path, id: &str, from: i64) -> Read {
    let mut read = Read {
        segments: Vec::new(),
        refused: None,
    };
    let mut seq = from;
    loop {
        let mut path = dir.join(id).join(segment::file_name(seq));
        let mut last = seq;
        if !path.exists() {
            // Compacted away: the snapshot that covers it, if there is one.
            let Some(upto) = snapshot_covering(&dir.join(id), seq) else {
                return read;
            };
            path = dir.join(id).join(segment::snapshot_name(upto));
            last = upto;
        }
        let Ok(bytes) = std::fs::read(&path) else {
            return read;
        };
        match segment::decode(&bytes) {
            Ok((seg, sha)) if seg.device == id && seg.seq == last => {
                read.segments.push((seg, sha));
                seq = last + 1;
            }
            other => {
                read.refused = Some(refusal(&path, other.err()));
                return read;
            }
        }
    }
}

/// Why the segment at `path` was refused, in one line.
fn refusal(path: &Path, why: Option<Refused>) -> String {
    let path = path.display();
    match why {
        None => format!("{path}: names another device or number than its place; not applied"),
        Some(Refused::Damaged(why)) => format!("{path}: {why}; not applied"),
        Some(Refused::Newer(v)) => format!(
            "{path}: written by a newer py201 (segment format {v}; this py201 reads up to {}); not applied, upgrade py201",
            segment::FORMAT
        ),
    }
}

/// The snapshot in `dev_dir` that covers segment `seq` (the first of them).
fn snapshot_covering(dev_dir: &Path, seq: i64) -> Option<i64> {
    std::fs::read_dir(dev_dir)
        .ok()?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|n| segment::snapshot_of(&n))
        .filter(|&upto| upto >= seq)
        .min()
}

/// Own segments at which a device compacts its folder into a snapshot.
pub const COMPACT_AT: usize = 64;

/// Compacts this device's own segment files into one snapshot once there
/// are [`COMPACT_AT`] of them: fewer files for the sync tool and for git,
/// the same changes. Only this device's own files are written or removed;
/// a reader that meets a removed file reads the snapshot (applying again
/// what it had is idempotent). Returns how many files went.
pub fn compact_own(own_dir: &Path, id: &str) -> std::io::Result<usize> {
    let mut files: Vec<(i64, PathBuf)> = Vec::new();
    let mut snapshot: Option<(i64, PathBuf)> = None;
    for e in std::fs::read_dir(own_dir)?.filter_map(|e| e.ok()) {
        let name = e.file_name().to_string_lossy().into_owned();
        if let Some(upto) = segment::snapshot_of(&name) {
            snapshot = snapshot.max(Some((upto, e.path())));
        } else if let Some(seq) = segment::seq_of(&name) {
            files.push((seq, e.path()));
        }
    }
    if files.len() < COMPACT_AT {
        return Ok(0);
    }
    files.sort();
    let mut parts = Vec::new();
    for (_, path) in snapshot.iter().chain(&files) {
        match segment::decode(&std::fs::read(path)?) {
            Ok((seg, _)) if seg.device == id => parts.push(seg),
            // Not a whole segment of ours: leave the folder as it is.
            _ => return Ok(0),
        }
    }
    let merged = segment::merge(parts);
    let (bytes, _) = segment::encode(&merged);
    segment::write_atomic(own_dir, &segment::snapshot_name(merged.seq), &bytes)?;
    for (_, path) in snapshot.iter().chain(&files) {
        std::fs::remove_file(path)?;
    }
    Ok(files.len())
}

/// Checks that every segment in this collection's own folder is one it
/// wrote: another collection with the same device id (a copied collection
/// file, a restored backup) would otherwise write over its files. Returns
/// the problem in one line.
pub fn foreign_in_own(conn: &Connection, own_dir: &Path, id: &str) -> Result<Option<String>> {
    let Ok(entries) = std::fs::read_dir(own_dir) else {
        return Ok(None);
    };
    let mut names: Vec<(i64, PathBuf)> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            Some((segment::seq_of(&name)?, e.path()))
        })
        .collect();
    names.sort();
    for (seq, path) in names {
        let ours = devices::segment_sha(conn, id, seq)?;
        let sha = std::fs::read(&path)
            .ok()
            .and_then(|b| segment::decode(&b).ok())
            .map(|(_, sha)| sha);
        let clash = match (&ours, &sha) {
            (None, _) => true,
            (Some(ours), Some(sha)) => ours != sha,
            // Our own file, damaged in the folder: written again below.
            (Some(_), None) => false,
        };
        if clash {
            return Ok(Some(format!(
                "{}: written by another collection with this collection's device id {id} (a copied collection file or a restored backup?); this collection's changes were not sent: run `py201 sync --new-device-id` on one of the two",
                path.display()
            )));
        }
    }
    Ok(None)
}

/// Leftover temporary files of this device's own interrupted writes.
pub fn clean_own(own_dir: &Path) {
    let Ok(entries) = std::fs::read_dir(own_dir) else {
        return;
    };
    for e in entries.filter_map(|e| e.ok()) {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(".tmp-") && name.ends_with(".part") {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::segment::{Answer, Segment, encode, file_name, write_atomic};

    fn seg(id: &str, seq: i64) -> Segment {
        Segment {
            device: id.into(),
            name: "laptop".into(),
            seq,
            answers: vec![Answer {
                seq,
                card: "c".into(),
                time_ms: seq,
                day: 1,
                grade: 4,
                taken_ms: 1,
            }],
            ..Segment::default()
        }
    }

    #[test]
    fn compaction_leaves_one_snapshot_that_readers_at_any_point_read() {
        let tmp = tempfile::tempdir().unwrap();
        let id = "ab".repeat(16);
        let own = tmp.path().join(&id);
        std::fs::create_dir(&own).unwrap();
        let write = |seq| write_atomic(&own, &file_name(seq), &encode(&seg(&id, seq)).0).unwrap();
        for seq in 1..COMPACT_AT as i64 {
            write(seq);
        }
        assert_eq!(compact_own(&own, &id).unwrap(), 0, "not yet");
        write(COMPACT_AT as i64);
        assert_eq!(compact_own(&own, &id).unwrap(), COMPACT_AT);
        let names: Vec<String> = std::fs::read_dir(&own)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, vec!["upto-00000064.seg".to_string()]);
        // A new device reads it all; one that had read 10 reads it too (the
        // first ten again, which applying skips); one up to date, nothing.
        for (from, answers) in [(1, 64), (11, 64), (65, 0)] {
            let read = read_new(tmp.path(), &id, from);
            assert_eq!(read.refused, None);
            let got: usize = read.segments.iter().map(|(s, _)| s.answers.len()).sum();
            assert_eq!(got, answers, "from {from}");
        }
        // Later segments follow the snapshot, and compact into it again.
        write(65);
        let read = read_new(tmp.path(), &id, 1);
        assert_eq!(
            read.segments.iter().map(|(s, _)| s.seq).collect::<Vec<_>>(),
            [64, 65]
        );
    }
}
