//! The SQL of `py201 sync` (src/sync/): this collection's device id, the
//! devices and segments it has seen, the link between each synced answer
//! (device, number) and its log row, each card's last synced record, and
//! the writes of a replayed card log. Every function takes the connection
//! of the one transaction a sync runs in; none of them commits.

use super::cards::{AnswerTime, write_state};
use crate::clock::Day;
use crate::error::Result;
use crate::scheduler::{CardState, Grade, Outcome};
use rusqlite::{Connection, OptionalExtension, params};

/// A device as this collection knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub id: String,
    pub name: String,
    /// Segments written (this collection's own) or applied (another's).
    pub segments: i64,
    /// The last answer number given (this collection's own).
    pub answers: i64,
}

fn row_to_device(r: &rusqlite::Row<'_>) -> rusqlite::Result<Device> {
    Ok(Device {
        id: r.get("id")?,
        name: r.get("name")?,
        segments: r.get("segments")?,
        answers: r.get("answers")?,
    })
}

/// This collection's own device, once it has one.
pub fn own_device(conn: &Connection) -> Result<Option<Device>> {
    Ok(conn
        .prepare_cached("SELECT * FROM sync_devices WHERE self = 1")?
        .query_row([], row_to_device)
        .optional()?)
}

/// A device this collection has read segments from (or `None`).
pub fn peer(conn: &Connection, id: &str) -> Result<Option<Device>> {
    Ok(conn
        .prepare_cached("SELECT * FROM sync_devices WHERE id = ?1 AND self = 0")?
        .query_row([id], row_to_device)
        .optional()?)
}

/// Makes `id` this collection's device; a former own id stays as a peer,
/// whose segments are then read like any other device's.
pub fn set_own_device(conn: &Connection, id: &str, name: &str) -> Result<()> {
    conn.execute("UPDATE sync_devices SET self = 0 WHERE self = 1", [])?;
    conn.execute(
        "INSERT INTO sync_devices (id, self, name) VALUES (?1, 1, ?2)",
        params![id, name],
    )?;
    Ok(())
}

/// Saves a device's name and counters (inserting a peer seen the first time).
pub fn save_device(conn: &Connection, d: &Device) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO sync_devices (id, name, segments, answers) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET name = ?2, segments = ?3, answers = ?4",
    )?
    .execute(params![d.id, d.name, d.segments, d.answers])?;
    Ok(())
}

/// The checksum of segment `seq` of `device` as written or applied here.
pub fn segment_sha(conn: &Connection, device: &str, seq: i64) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT sha1 FROM sync_segments WHERE device = ?1 AND seq = ?2")?
        .query_row(params![device, seq], |r| r.get(0))
        .optional()?)
}

/// Records segment `seq` of `device`; `body` for one of this collection's
/// own that is still to be written to the folder.
pub fn record_segment(
    conn: &Connection,
    (device, seq): (&str, i64),
    sha: &str,
    body: Option<&[u8]>,
) -> Result<()> {
    conn.prepare_cached("INSERT OR REPLACE INTO sync_segments VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![device, seq, sha, body])?;
    Ok(())
}

/// This collection's segments still to be written to the folder, oldest first.
pub fn unwritten(conn: &Connection, device: &str) -> Result<Vec<(i64, Vec<u8>)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, body FROM sync_segments WHERE device = ?1 AND body IS NOT NULL ORDER BY seq",
    )?;
    let rows = stmt
        .query_map([device], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Segment `seq` is in the folder now.
pub fn written(conn: &Connection, device: &str, seq: i64) -> Result<()> {
    conn.prepare_cached("UPDATE sync_segments SET body = NULL WHERE device = ?1 AND seq = ?2")?
        .execute(params![device, seq])?;
    Ok(())
}

/// A value of `meta` (sync's settings: `sync-dir`, `sync-auto`).
pub fn meta(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?)
}

pub fn set_meta(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.prepare_cached("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)")?
        .execute([key, value])?;
    Ok(())
}

/// An answer in this collection's log, with its sync key when it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logged {
    pub revlog_id: i64,
    pub card_id: i64,
    pub uid: String,
    pub time_ms: i64,
    pub day: Day,
    pub grade: u8,
    pub taken_ms: i64,
    pub key: Option<(String, i64)>,
}

fn row_to_logged(r: &rusqlite::Row<'_>) -> rusqlite::Result<Logged> {
    let device: Option<String> = r.get("device")?;
    let seq: Option<i64> = r.get("seq")?;
    Ok(Logged {
        revlog_id: r.get("id")?,
        card_id: r.get("card_id")?,
        uid: r.get("uid")?,
        time_ms: r.get("time_ms")?,
        day: r.get("day")?,
        grade: r.get("grade")?,
        taken_ms: r.get("taken_ms")?,
        key: device.zip(seq),
    })
}

/// A link holds while its log row is still the answer it was made for.
const LINKED: &str = "LEFT JOIN sync_answers s ON s.revlog_id = r.id
    AND s.card_id = r.card_id AND s.time_ms = r.time_ms";

/// The log rows added or removed since the last sync, as the triggers
/// noted them.
const CHANGED: &str = "IN (SELECT revlog_id FROM sync_log_changes)";

/// Synced answers whose log row is gone (undone here, or its card
/// deleted), among the rows changed since the last sync or (`whole`) all.
pub fn broken_links(conn: &Connection, whole: bool) -> Result<Vec<(String, i64)>> {
    let ids = if whole { "IS NOT NULL" } else { CHANGED };
    let sql = format!(
        "SELECT device, seq FROM sync_answers s WHERE revlog_id {ids} AND NOT EXISTS
           (SELECT 1 FROM revlog r WHERE r.id = s.revlog_id AND r.card_id = s.card_id
              AND r.time_ms = s.time_ms)"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Marks answer `(device, seq)` undone; returns the card it was linked to,
/// if it was. An undo that arrives before its answer is kept, so the answer
/// is refused when it comes.
pub fn mark_undone(conn: &Connection, (device, seq): (&str, i64)) -> Result<Option<i64>> {
    let card: Option<Option<i64>> = conn
        .prepare_cached(
            "SELECT card_id FROM sync_answers WHERE device = ?1 AND seq = ?2 AND revlog_id IS NOT NULL",
        )?
        .query_row(params![device, seq], |r| r.get(0))
        .optional()?;
    // The log row goes too, when the link to it still holds.
    conn.prepare_cached(
        "DELETE FROM revlog WHERE id = (SELECT s.revlog_id FROM sync_answers s
           JOIN revlog r ON r.id = s.revlog_id AND r.card_id = s.card_id AND r.time_ms = s.time_ms
           WHERE s.device = ?1 AND s.seq = ?2)",
    )?
    .execute(params![device, seq])?;
    conn.prepare_cached(
        "INSERT INTO sync_answers (device, seq, revlog_id, card_id, time_ms) VALUES (?1, ?2, NULL, NULL, 0)
         ON CONFLICT (device, seq) DO UPDATE SET revlog_id = NULL",
    )?
    .execute(params![device, seq])?;
    Ok(card.flatten())
}

/// Keeps answer `(device, seq)` known, with no log row: its card was
/// deleted here.
pub fn link_gone(conn: &Connection, (device, seq): (&str, i64), time_ms: i64) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO sync_answers (device, seq, revlog_id, card_id, time_ms)
         VALUES (?1, ?2, NULL, NULL, ?3)",
    )?
    .execute(params![device, seq, time_ms])?;
    Ok(())
}

/// Card `id`'s uid, if the card is still here.
pub fn uid_of(conn: &Connection, id: i64) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT uid FROM cards WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?)
}

/// The name of device `id` as last seen (its id when unknown).
pub fn name_of(conn: &Connection, id: &str) -> Result<String> {
    Ok(conn
        .prepare_cached("SELECT name FROM sync_devices WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .unwrap_or_else(|| id.to_string()))
}

/// Whether answer `(device, seq)` is known here at all (kept or undone).
pub fn answer_known(conn: &Connection, device: &str, seq: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM sync_answers WHERE device = ?1 AND seq = ?2")?
        .query_row(params![device, seq], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Log rows with no sync key yet: answers given here since the last
/// sync, among the rows changed since or (`whole`) all.
pub fn unsent_answers(conn: &Connection, whole: bool) -> Result<Vec<Logged>> {
    let rows = if whole {
        String::new()
    } else {
        format!("AND r.id {CHANGED}")
    };
    let sql = format!(
        "SELECT r.id, r.card_id, c.uid, r.time_ms, r.day, r.grade, r.taken_ms, s.device, s.seq
         FROM revlog r JOIN cards c ON c.id = r.card_id {LINKED}
         WHERE s.device IS NULL {rows} ORDER BY r.id"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map([], row_to_logged)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Card `card_id`'s log, each answer with its key when it has one.
pub fn card_log(conn: &Connection, card_id: i64) -> Result<Vec<Logged>> {
    let sql = format!(
        "SELECT r.id, r.card_id, c.uid, r.time_ms, r.day, r.grade, r.taken_ms, s.device, s.seq
         FROM revlog r JOIN cards c ON c.id = r.card_id {LINKED}
         WHERE r.card_id = ?1 ORDER BY r.id"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map([card_id], row_to_logged)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Links answer `(device, seq)` to log row `revlog_id` of `card_id`.
pub fn link(
    conn: &Connection,
    (device, seq): (&str, i64),
    revlog_id: i64,
    card_id: i64,
    time_ms: i64,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO sync_answers (device, seq, revlog_id, card_id, time_ms) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (device, seq) DO UPDATE SET revlog_id = ?3, card_id = ?4, time_ms = ?5",
    )?
    .execute(params![device, seq, revlog_id, card_id, time_ms])?;
    Ok(())
}

/// Removes card `card_id`'s whole log, to be written again in order.
/// The links of its answers are left to be remade with the new rows.
pub fn clear_card_log(conn: &Connection, card_id: i64) -> Result<()> {
    conn.prepare_cached(
        "UPDATE sync_answers SET revlog_id = NULL WHERE card_id = ?1 AND revlog_id IS NOT NULL",
    )?
    .execute([card_id])?;
    conn.prepare_cached("DELETE FROM revlog WHERE card_id = ?1")?
        .execute([card_id])?;
    Ok(())
}

/// One replayed answer to write.
pub struct Replayed<'a> {
    pub grade: Grade,
    pub at: AnswerTime,
    pub before: &'a CardState,
    pub out: &'a Outcome,
}

/// Writes a replayed answer's log row, as an answer given here writes it;
/// returns its id.
pub fn insert_answer(conn: &Connection, card_id: i64, a: &Replayed<'_>) -> Result<i64> {
    super::cards::log_answer(conn, card_id, a.grade, a.at, a.before, a.out)
}

/// Stores a card's replayed state.
pub fn set_state(conn: &Connection, card_id: i64, s: &CardState) -> Result<()> {
    write_state(conn, card_id, s)
}

/// Whether every log row is linked to a synced answer and every link to a
/// row: else some were written or removed unseen by the triggers, and the
/// next sync reads the whole log.
pub fn log_in_step(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT (SELECT count(*) FROM revlog)
              = (SELECT count(*) FROM sync_answers WHERE revlog_id IS NOT NULL)",
        [],
        |r| r.get(0),
    )?)
}

/// The log changes a sync has dealt with.
pub fn forget_log_changes(conn: &Connection) -> Result<()> {
    conn.execute("DELETE FROM sync_log_changes", [])?;
    Ok(())
}

/// Every card with at least one answer in its log.
pub fn cards_with_log(conn: &Connection) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached("SELECT DISTINCT card_id FROM revlog ORDER BY card_id")?;
    let rows = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Sync has rewritten log rows: `py201 undo` must not reach behind it (an
/// undo would take back another device's answer, or a state replay set),
/// as Anki's undo stops at a sync.
pub fn end_undo(conn: &Connection) -> Result<()> {
    let last: i64 = conn.query_row("SELECT coalesce(max(id), 0) FROM revlog", [], |r| r.get(0))?;
    set_meta(conn, "undo_floor", &last.to_string())?;
    conn.execute("DELETE FROM meta WHERE key = 'undo'", [])?;
    Ok(())
}
