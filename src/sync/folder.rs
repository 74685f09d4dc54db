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
    name.len() == 32 && name.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
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
        let path = dir.join(id).join(segment::file_name(seq));
        let Ok(bytes) = std::fs::read(&path) else {
            return read;
        };
        match segment::decode(&bytes) {
            Ok((seg, sha)) if seg.device == id && seg.seq == seq => read.segments.push((seg, sha)),
            Ok(_) => {
                read.refused = Some(format!(
                    "{}: names another device or number than its place",
                    path.display()
                ));
                return read;
            }
            Err(Refused::Damaged(why)) => {
                read.refused = Some(format!("{}: {why}; not applied", path.display()));
                return read;
            }
            Err(Refused::Newer(v)) => {
                read.refused = Some(format!(
                    "{}: written by a newer py201 (segment format {v}; this py201 reads up to {}); not applied, upgrade py201",
                    path.display(),
                    segment::FORMAT
                ));
                return read;
            }
        }
        seq += 1;
    }
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
