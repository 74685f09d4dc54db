//! The SQL of `py201 sync` for cards' records (src/sync/): a card's text,
//! deck, tags and flags as sync carries them, the record last synced for
//! each card, and writing a record that won. A card's scheduling state is
//! not here: sync rebuilds it from the card's log (collection::devices).

use crate::clock::Day;
use crate::error::Result;
use rusqlite::{Connection, OptionalExtension, params};

/// What sync carries of a card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardText {
    pub uid: String,
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
    pub buried_until: Option<Day>,
    pub retired: bool,
    /// The note's row (deck, position, fields) when it has one.
    pub note: Option<(String, i64, String)>,
    /// In a built-in deck (read here, never carried).
    pub builtin: bool,
}

/// Each card's record as last synced: when and by which device it was set,
/// and the digest of its fields then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Synced {
    pub mod_ms: i64,
    pub device: String,
    pub digest: String,
}

/// The digest kept for a card deleted.
pub const DELETED: &str = "deleted";

fn row_to_text(r: &rusqlite::Row<'_>) -> rusqlite::Result<CardText> {
    let note_deck: Option<String> = r.get("note_deck")?;
    let note_pos: Option<i64> = r.get("note_position")?;
    let note_fields: Option<String> = r.get("note_fields")?;
    Ok(CardText {
        uid: r.get("uid")?,
        deck: r.get("deck")?,
        kind: r.get("kind")?,
        front: r.get("front")?,
        back: r.get("back")?,
        code: r.get("code")?,
        tags: r.get("tags")?,
        source: r.get("source")?,
        note_id: r.get("note_id")?,
        position: r.get("position")?,
        suspended: r.get("suspended")?,
        buried_until: r.get("buried_until")?,
        retired: r.get("retired")?,
        note: note_deck
            .zip(note_pos)
            .zip(note_fields)
            .map(|((d, p), f)| (d, p, f)),
        builtin: r.get("builtin")?,
    })
}

const TEXT_SQL: &str = "SELECT c.uid, d.name AS deck, c.kind, c.front, c.back, c.code, c.tags,
       c.source, c.note_id, c.position, c.suspended, c.buried_until, c.retired, d.builtin,
       nd.name AS note_deck, n.position AS note_position, n.fields AS note_fields
     FROM cards c JOIN decks d ON d.id = c.deck_id
     LEFT JOIN notes n ON n.id = c.note_id LEFT JOIN decks nd ON nd.id = n.deck_id";

/// Every card's text with its last synced record, if any.
pub fn cards_and_records(conn: &Connection) -> Result<Vec<(CardText, Option<Synced>)>> {
    let sql = format!(
        "SELECT t.*, s.mod_ms, s.device, s.digest FROM ({TEXT_SQL}) t
         LEFT JOIN sync_cards s ON s.uid = t.uid ORDER BY t.position, t.uid"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map([], |r| {
            let mod_ms: Option<i64> = r.get("mod_ms")?;
            let synced = match mod_ms {
                Some(mod_ms) => Some(Synced {
                    mod_ms,
                    device: r.get("device")?,
                    digest: r.get("digest")?,
                }),
                None => None,
            };
            Ok((row_to_text(r)?, synced))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Cards synced once and deleted here since (not yet sent as deleted).
pub fn deleted_here(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT uid FROM sync_cards s WHERE digest <> ?1
           AND NOT EXISTS (SELECT 1 FROM cards c WHERE c.uid = s.uid) ORDER BY uid",
    )?;
    let rows = stmt
        .query_map([DELETED], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn record(conn: &Connection, uid: &str) -> Result<Option<Synced>> {
    Ok(conn
        .prepare_cached("SELECT mod_ms, device, digest FROM sync_cards WHERE uid = ?1")?
        .query_row([uid], |r| {
            Ok(Synced {
                mod_ms: r.get(0)?,
                device: r.get(1)?,
                digest: r.get(2)?,
            })
        })
        .optional()?)
}

pub fn set_record(conn: &Connection, uid: &str, s: &Synced) -> Result<()> {
    conn.prepare_cached("INSERT OR REPLACE INTO sync_cards VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![uid, s.mod_ms, s.device, s.digest])?;
    Ok(())
}

/// The id of card `uid`, if this collection has it.
pub fn card_id(conn: &Connection, uid: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT id FROM cards WHERE uid = ?1")?
        .query_row([uid], |r| r.get(0))
        .optional()?)
}

/// The id of deck `name`, made (after the learner's decks) when missing.
fn deck_id(conn: &Connection, name: &str) -> Result<i64> {
    let found: Option<i64> = conn
        .prepare_cached("SELECT id FROM decks WHERE name = ?1")?
        .query_row([name], |r| r.get(0))
        .optional()?;
    match found {
        Some(id) => Ok(id),
        None => Ok(conn.query_row(
            "INSERT INTO decks (name, position, builtin)
             VALUES (?1, (SELECT coalesce(max(position) + 1, 1000) FROM decks WHERE builtin = 0), 0)
             RETURNING id",
            [name],
            |r| r.get(0),
        )?),
    }
}

/// Writes a card's text and flags (adding the card, new, when missing);
/// returns its id. Its scheduling state is left to its log's replay.
pub fn put_card(conn: &Connection, t: &CardText) -> Result<i64> {
    let deck = deck_id(conn, &t.deck)?;
    if let Some((note_deck, position, fields)) = &t.note {
        let note_deck = deck_id(conn, note_deck)?;
        conn.prepare_cached(
            "INSERT OR REPLACE INTO notes (id, deck_id, position, fields) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![t.note_id, note_deck, position, fields])?;
    }
    let values = params![
        t.uid,
        t.note_id,
        deck,
        t.position,
        t.kind,
        t.front,
        t.back,
        t.code,
        t.tags,
        t.source,
        t.suspended,
        t.buried_until,
        t.retired
    ];
    let id = match card_id(conn, &t.uid)? {
        Some(id) => {
            conn.prepare_cached(
                "UPDATE cards SET note_id = ?2, deck_id = ?3, position = ?4, kind = ?5, front = ?6,
                   back = ?7, code = ?8, tags = ?9, source = ?10, suspended = ?11,
                   buried_until = ?12, retired = ?13
                 WHERE uid = ?1",
            )?
            .execute(values)?;
            id
        }
        None => {
            conn.prepare_cached(
                "INSERT INTO cards (uid, note_id, deck_id, position, kind, front, back, code, tags,
                   source, suspended, buried_until, retired)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )?
            .execute(values)?;
            conn.last_insert_rowid()
        }
    };
    Ok(id)
}

/// Deletes card `uid` with its log, and its note when no card is left in
/// it; the links of its answers are unmade (the answers stay known).
pub fn delete_card(conn: &Connection, uid: &str) -> Result<bool> {
    let Some(id) = card_id(conn, uid)? else {
        return Ok(false);
    };
    super::devices::clear_card_log(conn, id)?;
    let note: String = conn.query_row("SELECT note_id FROM cards WHERE id = ?1", [id], |r| {
        r.get(0)
    })?;
    conn.execute("DELETE FROM cards WHERE id = ?1", [id])?;
    conn.execute(
        "DELETE FROM notes WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM cards WHERE note_id = ?1)",
        [&note],
    )?;
    Ok(true)
}
