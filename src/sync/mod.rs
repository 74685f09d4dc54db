//! `py201 sync DIR`: studying on several machines through a folder that
//! Syncthing, Dropbox or git already keeps in step (docs/sync.md).
//!
//! Each collection is a device with an id made once. In the folder each
//! device writes only its own change segments (`DIR/<device id>/`,
//! [`segment`]), never another's, so a file sync tool never sees two
//! writers of one file and git merges are always clean. A sync is one
//! immediate transaction: it takes what is new here as this device's next
//! segment ([`outgoing`]), applies every other device's new segments
//! ([`incoming`]), and replays the log of every card whose answers changed
//! ([`replay`]); the segment reaches the folder after the commit (it is
//! kept in the collection until then), so a sync killed at any point leaves
//! the collection as before, or synced with its segment still to write.
//!
//! This module never touches another device's files, and never reads
//! "now": the caller passes the time.

pub mod flags;
pub mod folder;
pub mod incoming;
pub mod outgoing;
pub mod replay;
pub mod report;
pub mod segment;
pub mod settings;

use crate::collection::Collection;
use crate::collection::config::SchedulerKind;
use crate::collection::devices::{self, Device};
use crate::collection::fsrs::load_params;
use crate::error::{Error, Result};
use crate::scheduler::{Active, fsrs::Fsrs, sm2::Sm2};
use incoming::Touched;
use report::Report;
use rusqlite::Connection;
use std::path::Path;

/// Syncs `col` with the folder `dir` at `now_ms`.
pub fn sync(col: &mut Collection, dir: &Path, now_ms: i64) -> Result<Report> {
    if !dir.is_dir() {
        return Err(Error::Sync(format!(
            "{}: no such folder (make it, or check the path: a sync folder is one Syncthing, Dropbox or git keeps)",
            dir.display()
        )));
    }
    let conn = &col.conn;
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let mut report = match run(conn, dir, now_ms) {
        Ok(r) => r,
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            return Err(e);
        }
    };
    conn.execute_batch("COMMIT")?;
    // Settings may have arrived.
    col.config = col.load_config()?;
    write_pending(&col.conn, dir, &mut report)?;
    Ok(report)
}

/// The collection's scheduler under the settings in force (those a sync
/// applied included), as a review session makes it.
fn scheduler(conn: &Connection, now_ms: i64) -> Result<Active> {
    let cfg = crate::collection::load_config(conn)?;
    Ok(match cfg.scheduler {
        SchedulerKind::Sm2 => Active::Sm2(Sm2::new(cfg.scheduler_settings())),
        SchedulerKind::Fsrs => Active::Fsrs(Box::new(
            Fsrs::new(
                &load_params(conn)?,
                cfg.fsrs_settings(),
                cfg.scheduler_settings(),
                now_ms,
            )
            .map_err(|e| Error::BadValue(format!("FSRS parameters: {e}")))?,
        )),
    })
}

/// This collection's device, made (once) when it has none.
pub fn own_device(conn: &Connection) -> Result<Device> {
    if let Some(d) = devices::own_device(conn)? {
        return Ok(d);
    }
    let id = folder::new_device_id();
    devices::set_own_device(conn, &id, &default_name(&id))?;
    devices::own_device(conn)?.ok_or_else(|| Error::Damaged("sync: no device row".into()))
}

/// Gives this collection a new device id (its old one stays as another
/// device's, whose segments are then read like any other's); returns it.
pub fn new_device_id(conn: &Connection) -> Result<String> {
    let name = own_device(conn)?.name;
    let id = folder::new_device_id();
    devices::set_own_device(conn, &id, &name)?;
    Ok(id)
}

/// The machine's host name, else the start of the device id.
fn default_name(id: &str) -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| format!("device {}", &id[..8.min(id.len())]))
}

/// The sync's steps inside its transaction.
fn run(conn: &Connection, dir: &Path, now_ms: i64) -> Result<Report> {
    let mut me = own_device(conn)?;
    let mut report = Report::default();
    let mut touched = Touched::new();
    match folder::foreign_in_own(conn, &dir.join(&me.id), &me.id)? {
        Some(problem) => report.problems.push(problem),
        None => send(conn, &mut me, now_ms, &mut report, &mut touched)?,
    }
    let peers = folder::peers(dir, &me.id)
        .map_err(|e| Error::Sync(format!("{}: cannot read: {e}", dir.display())))?;
    for peer in peers {
        receive(conn, dir, &peer, &mut report, &mut touched)?;
    }
    // Under the settings in force now: a change of those the replay
    // depends on (sent or received) replays every card.
    for card in settings::replay_all(conn)? {
        touched.entry(card).or_default();
    }
    let mut sched = scheduler(conn, now_ms)?;
    replay_touched(conn, &mut sched, touched, &me.id)?;
    devices::forget_log_changes(conn)?;
    Ok(report)
}

/// Takes what is new here as this device's next segment, kept in the
/// collection until it is written to the folder.
fn send(
    conn: &Connection,
    me: &mut Device,
    now_ms: i64,
    report: &mut Report,
    touched: &mut Touched,
) -> Result<()> {
    let mut out = outgoing::gather(conn, me, now_ms)?;
    flags::gather(conn, &me.id, now_ms, &mut out.segment, touched)?;
    settings::gather(conn, &me.id, &mut out.segment)?;
    let seg = &out.segment;
    report.sent = incoming::Brought {
        answers: seg.answers.len() as u64,
        undos: seg.undone.len() as u64,
        edits: (seg.cards.len() + seg.resets.len() + seg.decks.len() + seg.settings.len()) as u64,
    };
    for card in out.cards {
        touched.entry(card).or_default();
    }
    if !seg.is_empty() {
        let (bytes, sha) = segment::encode(seg);
        devices::record_segment(conn, (&me.id, seg.seq), &sha, Some(&bytes))?;
        me.segments = seg.seq;
    }
    devices::save_device(conn, me)
}

/// Applies device `peer`'s new segments.
fn receive(
    conn: &Connection,
    dir: &Path,
    peer: &str,
    report: &mut Report,
    touched: &mut Touched,
) -> Result<()> {
    let known = devices::peer(conn, peer)?;
    let from = known.as_ref().map_or(0, |d| d.segments) + 1;
    let read = folder::read_new(dir, peer, from);
    for (seg, sha) in &read.segments {
        let mut brought = incoming::apply(conn, seg, touched, &mut report.conflicts)?;
        let changed = settings::apply(conn, seg)?;
        brought.edits += changed.len() as u64;
        report.add_settings(&seg.name, changed);
        devices::record_segment(conn, (peer, seg.seq), sha, None)?;
        let device = Device {
            id: peer.to_string(),
            name: seg.name.clone(),
            segments: seg.seq,
            answers: 0,
        };
        devices::save_device(conn, &device)?;
        report.add_from(&seg.name, &brought);
    }
    report.problems.extend(read.refused);
    Ok(())
}

/// Replays every card whose log changed; then `undo` stops here.
fn replay_touched(conn: &Connection, sched: &mut Active, touched: Touched, me: &str) -> Result<()> {
    if touched.is_empty() {
        return Ok(());
    }
    for (card, mut more) in touched {
        let Some(uid) = devices::uid_of(conn, card)? else {
            continue; // deleted by a record of this same sync
        };
        // An answer undone in a later segment than the one that brought it.
        let mut keep = Vec::with_capacity(more.len());
        for e in more.drain(..) {
            if !devices::answer_known(conn, &e.key.0, e.key.1)? {
                keep.push(e);
            }
        }
        replay::replay_card(conn, sched, (card, &uid), keep, me)?;
    }
    devices::end_undo(conn)
}

/// Writes this collection's segments still waiting for the folder (this
/// sync's, or an earlier one's whose write failed or was killed).
fn write_pending(conn: &Connection, dir: &Path, report: &mut Report) -> Result<()> {
    let Some(me) = devices::own_device(conn)? else {
        return Ok(());
    };
    let own_dir = dir.join(&me.id);
    if folder::foreign_in_own(conn, &own_dir, &me.id)?.is_some() {
        return Ok(()); // said by the sync itself; nothing written over
    }
    folder::clean_own(&own_dir);
    for (seq, body) in devices::unwritten(conn, &me.id)? {
        let written = std::fs::create_dir_all(&own_dir)
            .and_then(|()| segment::write_atomic(&own_dir, &segment::file_name(seq), &body));
        if let Err(e) = written {
            report.problems.push(format!(
                "{}: cannot write ({e}); this collection's changes are kept and sent by the next sync",
                own_dir.display()
            ));
            return Ok(());
        }
        devices::written(conn, &me.id, seq)?;
    }
    // Compaction is housekeeping: a failure leaves the folder as it was.
    let _ = folder::compact_own(&own_dir, &me.id);
    Ok(())
}
