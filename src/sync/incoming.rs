//! Applying another device's segments: its card records (the later record
//! wins, by time, then device id; the loser is reported), its undos and its
//! answers (a grow-only set: an answer already known, kept or undone, is
//! skipped, so applying a segment twice changes nothing). The cards whose
//! log changed are collected for replay.

use super::outgoing::{from_fields, to_fields};
use super::replay::Entry;
use super::segment::{CardFields, CardRecord, Segment};
use crate::collection::device_cards::{self, DELETED, Synced};
use crate::collection::devices;
use crate::error::Result;
use rusqlite::Connection;
use std::collections::BTreeMap;

/// What one device's segments brought.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Brought {
    pub answers: u64,
    pub undos: u64,
    pub edits: u64,
}

/// Cards to replay, each with the answers that arrived for it.
pub type Touched = BTreeMap<i64, Vec<Entry>>;

/// Applies `seg`, adding to `touched` and `conflicts`.
pub fn apply(
    conn: &Connection,
    seg: &Segment,
    touched: &mut Touched,
    conflicts: &mut Vec<String>,
) -> Result<Brought> {
    let mut brought = Brought::default();
    for r in &seg.cards {
        if apply_record(conn, r, &seg.name, conflicts)? {
            brought.edits += 1;
        }
    }
    brought.edits += super::flags::apply(conn, seg, touched)?;
    for (device, seq) in &seg.undone {
        if let Some(card) = devices::mark_undone(conn, (device, *seq))? {
            touched.entry(card).or_default();
            brought.undos += 1;
        }
    }
    for a in &seg.answers {
        if devices::answer_known(conn, &seg.device, a.seq)? {
            continue;
        }
        let Some(card) = device_cards::card_id(conn, &a.card)? else {
            // Its card was deleted here: known, and gone with its card.
            devices::link_gone(conn, (&seg.device, a.seq), a.time_ms)?;
            continue;
        };
        touched.entry(card).or_default().push(Entry {
            key: (seg.device.clone(), a.seq),
            time_ms: a.time_ms,
            day: a.day,
            grade: a.grade,
            taken_ms: a.taken_ms,
        });
        brought.answers += 1;
    }
    Ok(brought)
}

/// Applies a card record if it is later than the one held; returns whether
/// it changed the card.
fn apply_record(
    conn: &Connection,
    r: &CardRecord,
    from: &str,
    conflicts: &mut Vec<String>,
) -> Result<bool> {
    let digest = if r.deleted {
        DELETED.to_string()
    } else {
        r.fields.digest()
    };
    let held = device_cards::record(conn, &r.uid)?;
    if let Some(h) = &held {
        if h.digest == digest {
            return Ok(false);
        }
        let held_wins = (h.mod_ms, h.device.as_str()) >= (r.mod_ms, r.device.as_str());
        if concurrent(h, r) {
            conflict(conn, h, r, (held_wins, from), conflicts)?;
        }
        if held_wins {
            return Ok(false);
        }
    }
    if r.deleted {
        device_cards::delete_card(conn, &r.uid)?;
    } else {
        device_cards::put_card(conn, &from_fields(&r.uid, &r.fields, r.mod_ms))?;
    }
    let synced = Synced {
        mod_ms: r.mod_ms,
        device: r.device.clone(),
        digest,
        base: r.base.clone(),
    };
    device_cards::set_record(conn, &r.uid, &synced)?;
    Ok(true)
}

/// Whether the held record `h` and the arriving `r` are two edits made
/// apart: neither made over the other, and neither a card as it stood
/// before its device joined with no known change (time 0), which any edit
/// replaces.
fn concurrent(h: &Synced, r: &CardRecord) -> bool {
    let r_id = (r.mod_ms, r.device.clone());
    h.mod_ms > 0
        && r.mod_ms > 0
        && r.base.as_ref() != Some(&h.id())
        && h.base.as_ref() != Some(&r_id)
}

/// Two edits of one card: the one that lost is kept in the card's history
/// (`superseded_edits`, shown by `py201 show`) and the conflict reported.
/// Every device that meets both keeps the same loser.
fn conflict(
    conn: &Connection,
    h: &Synced,
    r: &CardRecord,
    (held_wins, from): (bool, &str),
    conflicts: &mut Vec<String>,
) -> Result<()> {
    let held_name = devices::name_of(conn, &h.device)?;
    let (won, lost) = if held_wins {
        (held_name.as_str(), from)
    } else {
        (from, held_name.as_str())
    };
    conflicts.push(format!(
        "card {}: edited on {lost} and {won}; {won}'s later edit kept",
        r.uid
    ));
    // The held record's text is the card's here: a sync sends this
    // device's changes before it applies any other's.
    let lost_fields = if held_wins {
        Some((r.deleted, to_text(&r.fields)))
    } else {
        device_cards::card_text(conn, &r.uid)?
            .map(|t| (false, to_text(&to_fields(&t))))
            .or(Some((true, to_text(&Default::default()))))
    };
    let (kept, lost_rec) = if held_wins {
        (h.id(), (r.mod_ms, from.to_string()))
    } else {
        ((r.mod_ms, r.device.clone()), (h.mod_ms, held_name.clone()))
    };
    if let Some((deleted, (deck, front, back, code, tags))) = lost_fields {
        let s = device_cards::Superseded {
            uid: r.uid.clone(),
            edited_ms: lost_rec.0,
            device: lost_rec.1,
            kept_ms: kept.0,
            kept_device: won.to_string(),
            deck,
            front,
            back,
            code,
            tags,
            deleted,
        };
        device_cards::keep_superseded(conn, &s)?;
    }
    Ok(())
}

/// The text a superseded edit keeps: deck, front, back, code, tags.
fn to_text(f: &CardFields) -> (String, String, String, Option<String>, String) {
    (
        f.deck.clone(),
        f.front.clone(),
        f.back.clone(),
        f.code.clone(),
        f.tags.clone(),
    )
}
