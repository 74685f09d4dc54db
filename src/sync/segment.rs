//! The change segment: the one file format of the sync folder, its
//! checksum and its atomic write. The serde structs here are the file
//! format, kept apart from the collection's types so either can change
//! without the other.
//!
//! A segment is `DIR/<device id>/<seq, 8 digits>.seg`: a first line
//! `py201-sync <format> <sha1 of the rest, hex>` and then one JSON object.
//! It is written to a hidden temporary name in the same folder and renamed
//! into place, so a reader never meets a half-written file under a
//! segment's name; a half-copied one (a file sync tool still at work) fails
//! its checksum and is left for the next sync. This module never touches
//! the collection.

use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The segment format this py201 writes and the newest it reads. 2 added
/// shared settings, edit times and the learner's own text of built-in
/// cards: a py201 that reads only 1 would drop them unseen, and diverge.
pub const FORMAT: u32 = 2;
const MAGIC: &str = "py201-sync";

/// One device's batch of changes, as written in a segment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    /// The writing device's id (also its folder's name).
    pub device: String,
    /// Its name for people ("laptop"), shown by `sync`.
    pub name: String,
    /// 1, 2, 3... per device, with no gaps.
    pub seq: i64,
    #[serde(default)]
    pub answers: Vec<Answer>,
    /// Answers undone since, on this device or another: `(device, seq)`.
    #[serde(default)]
    pub undone: Vec<(String, i64)>,
    #[serde(default)]
    pub cards: Vec<CardRecord>,
    /// Cards forgotten: (card, time of the last answer before the forget).
    #[serde(default)]
    pub resets: Vec<(String, i64)>,
    #[serde(default)]
    pub decks: Vec<DeckRecord>,
    /// Shared settings the learner changed (`config KEY VALUE`).
    #[serde(default)]
    pub settings: Vec<SettingRecord>,
}

/// A shared setting's value as one device set it; the later record wins
/// (by time, then device id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingRecord {
    pub key: String,
    pub value: String,
    pub mod_ms: i64,
    pub device: String,
}

/// A deck turned off or on; the later record wins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeckRecord {
    pub name: String,
    pub off: bool,
    pub mod_ms: i64,
    pub device: String,
}

impl Segment {
    /// Whether it carries nothing (and need not be written).
    pub fn is_empty(&self) -> bool {
        self.answers.is_empty()
            && self.undone.is_empty()
            && self.cards.is_empty()
            && self.resets.is_empty()
            && self.decks.is_empty()
            && self.settings.is_empty()
    }
}

/// One answer, given on the segment's device, with its number there (a
/// device sends only its own answers). The state before and after are not
/// sent: every device replays the card's log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub seq: i64,
    /// The card's id in its deck file (the same on every device).
    pub card: String,
    pub time_ms: i64,
    pub day: i32,
    pub grade: u8,
    pub taken_ms: i64,
}

/// A card's text, place and flags as one device last set them; the later
/// record (by `mod_ms`, the time of the edit, then device id) wins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardRecord {
    pub uid: String,
    pub mod_ms: i64,
    pub device: String,
    /// The record this edit was made over (its time and device), when the
    /// device had one: an edit made over the record held is no conflict.
    #[serde(default)]
    pub base: Option<(i64, String)>,
    /// The card was deleted: its fields are those it had.
    #[serde(default)]
    pub deleted: bool,
    pub fields: CardFields,
}

/// The fields of a card that sync carries (its scheduling state is not
/// among them: that is its log's to give).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardFields {
    pub deck: String,
    pub kind: String,
    pub front: String,
    pub back: String,
    pub code: Option<String>,
    pub tags: String,
    pub source: String,
    pub note_id: String,
    pub position: i64,
    pub suspended: bool,
    pub buried_until: Option<i32>,
    pub retired: bool,
    /// The note's row when the card's note has one (cloze notes).
    pub note: Option<NoteFields>,
    /// The text is the learner's own over a built-in card (`py201 edit`):
    /// the receiving device keeps it as such, over deck updates. Left out
    /// when false, so the digest of every other card is as before.
    #[serde(default, skip_serializing_if = "is_false")]
    pub own_text: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteFields {
    pub deck: String,
    pub position: i64,
    pub fields: String,
}

impl CardFields {
    /// A digest of the fields, to see whether a card changed since the
    /// record last synced.
    pub fn digest(&self) -> String {
        let json = serde_json::to_string(self).unwrap_or_default();
        sha1_smol::Sha1::from(json).digest().to_string()
    }
}

/// Why a segment file was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// Unreadable, not a segment, or its checksum does not match.
    Damaged(String),
    /// Written by a py201 that knows a newer format.
    Newer(u32),
}

/// A segment's bytes and their checksum.
pub fn encode(seg: &Segment) -> (Vec<u8>, String) {
    let body = serde_json::to_string(seg).unwrap_or_default();
    let sha = sha1_smol::Sha1::from(&body).digest().to_string();
    let text = format!("{MAGIC} {FORMAT} {sha}\n{body}\n");
    (text.into_bytes(), sha)
}

/// Reads a segment's bytes, checking its header and checksum.
pub fn decode(bytes: &[u8]) -> Result<(Segment, String), Refused> {
    let text = std::str::from_utf8(bytes).map_err(|_| damaged("not UTF-8 text"))?;
    let (header, body) = text
        .split_once('\n')
        .ok_or_else(|| damaged("no header line"))?;
    let mut parts = header.split(' ');
    if parts.next() != Some(MAGIC) {
        return Err(damaged("not a py201 sync segment"));
    }
    let format: u32 = parts
        .next()
        .and_then(|f| f.parse().ok())
        .ok_or_else(|| damaged("no format version"))?;
    if format > FORMAT {
        return Err(Refused::Newer(format));
    }
    let sha = parts.next().unwrap_or_default();
    let body = body.strip_suffix('\n').unwrap_or(body);
    if sha1_smol::Sha1::from(body).digest().to_string() != sha {
        return Err(damaged(
            "checksum mismatch (damaged, or not fully copied yet)",
        ));
    }
    let seg = serde_json::from_str(body).map_err(|e| damaged(&format!("bad contents: {e}")))?;
    Ok((seg, sha.to_string()))
}

fn damaged(why: &str) -> Refused {
    Refused::Damaged(why.to_string())
}

/// The file name of segment `seq`.
pub fn file_name(seq: i64) -> String {
    format!("{seq:08}.seg")
}

/// The segment number a file name holds, if it is a segment's name.
pub fn seq_of(name: &str) -> Option<i64> {
    let digits = name.strip_suffix(".seg")?;
    (digits.len() == 8 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

/// The file name of a snapshot: a device's segments 1 to `upto` in one.
pub fn snapshot_name(upto: i64) -> String {
    format!("upto-{upto:08}.seg")
}

/// The last segment a snapshot's file name covers, if it is one.
pub fn snapshot_of(name: &str) -> Option<i64> {
    seq_of(name.strip_prefix("upto-")?)
}

/// Segments of one device, oldest first, as one: every answer and undo,
/// the last record of each card and deck, the latest forget of each card.
/// Applying it is applying them all (each part is idempotent).
pub fn merge(parts: Vec<Segment>) -> Segment {
    let mut out = Segment::default();
    let mut cards = std::collections::BTreeMap::new();
    let mut decks = std::collections::BTreeMap::new();
    let mut resets: std::collections::BTreeMap<String, i64> = std::collections::BTreeMap::new();
    let mut settings = std::collections::BTreeMap::new();
    for p in parts {
        (out.device, out.name, out.seq) = (p.device, p.name, p.seq);
        out.answers.extend(p.answers);
        out.undone.extend(p.undone);
        cards.extend(p.cards.into_iter().map(|c| (c.uid.clone(), c)));
        decks.extend(p.decks.into_iter().map(|d| (d.name.clone(), d)));
        settings.extend(p.settings.into_iter().map(|s| (s.key.clone(), s)));
        for (uid, t) in p.resets {
            let e = resets.entry(uid).or_insert(t);
            *e = (*e).max(t);
        }
    }
    out.cards = cards.into_values().collect();
    out.decks = decks.into_values().collect();
    out.resets = resets.into_iter().collect();
    out.settings = settings.into_values().collect();
    out
}

/// Writes `bytes` as `dir/name` atomically: a temporary file in `dir`,
/// flushed to disk, then renamed over the name (and the folder synced, so
/// the rename survives a power cut).
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    let mut tmp = tempfile::Builder::new()
        .prefix(".tmp-")
        .suffix(".part")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    let path = dir.join(name);
    tmp.persist(&path).map_err(|e| e.error)?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Segment {
        Segment {
            device: "d1".into(),
            name: "laptop".into(),
            seq: 3,
            answers: vec![Answer {
                seq: 9,
                card: "gil".into(),
                time_ms: 1_000,
                day: 20_000,
                grade: 4,
                taken_ms: 2_000,
            }],
            undone: vec![("d2".into(), 4)],
            ..Segment::default()
        }
    }

    #[test]
    fn a_segment_reads_back_as_written() {
        let (bytes, sha) = encode(&sample());
        assert_eq!(decode(&bytes), Ok((sample(), sha)));
    }

    #[test]
    fn a_changed_byte_fails_the_checksum() {
        let (mut bytes, _) = encode(&sample());
        let at = bytes.len() - 5;
        bytes[at] = b'7';
        assert!(matches!(decode(&bytes), Err(Refused::Damaged(w)) if w.contains("checksum")));
        let (bytes, _) = encode(&sample());
        assert!(matches!(
            decode(&bytes[..bytes.len() / 2]),
            Err(Refused::Damaged(_))
        ));
    }

    #[test]
    fn a_newer_format_is_refused_before_its_contents_are_read() {
        assert_eq!(
            decode(b"py201-sync 3 abc\n{not json at all"),
            Err(Refused::Newer(3))
        );
    }

    #[test]
    fn a_merge_keeps_every_answer_and_the_last_record() {
        let mut later = sample();
        later.seq = 4;
        later.answers[0].seq = 10;
        let merged = merge(vec![sample(), later.clone()]);
        assert_eq!(merged.seq, 4);
        assert_eq!(merged.answers.len(), 2);
        assert_eq!(merged.undone, vec![("d2".into(), 4), ("d2".into(), 4)]);
        assert_eq!(snapshot_of(&snapshot_name(4)), Some(4));
        assert_eq!(snapshot_of("00000004.seg"), None);
    }

    #[test]
    fn a_merge_keeps_the_last_record_of_each_setting() {
        let setting = |value: &str, mod_ms| SettingRecord {
            key: "fuzz".into(),
            value: value.into(),
            mod_ms,
            device: "d1".into(),
        };
        let mut first = sample();
        first.settings = vec![setting("off", 5)];
        let mut later = sample();
        later.seq = 4;
        later.answers.clear();
        later.settings = vec![setting("on", 9)];
        assert!(!later.is_empty());
        assert_eq!(merge(vec![first, later]).settings, vec![setting("on", 9)]);
    }

    #[test]
    fn only_segment_names_count() {
        assert_eq!(seq_of("00000012.seg"), Some(12));
        assert_eq!(file_name(12), "00000012.seg");
        for name in [
            "12.seg",
            ".tmp-x.part",
            "00000012.seg.sync-conflict",
            "0000001a.seg",
        ] {
            assert_eq!(seq_of(name), None, "{name}");
        }
    }
}
