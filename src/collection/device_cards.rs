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
    /// The learner's own text over a built-in card (`card_overrides`).
    pub own_text: bool,
    /// When its text, deck, tags or flags last changed (0: not known).
    pub modified_ms: i64,
}

/// Each card's record as last synced: when and by which device it was set,
/// and the digest of its fields then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Synced {
    pub mod_ms: i64,
    pub device: String,
    pub digest: String,
    /// The record it was made over (time, device), when it had one.
    pub base: Option<(i64, String)>,
}

impl Synced {
    /// The record's identity: its time and device.
    pub fn id(&self) -> (i64, String) {
        (self.mod_ms, self.device.clone())
    }
}

fn row_to_synced(r: &rusqlite::Row<'_>) -> rusqlite::Result<Synced> {
    let base_ms: Option<i64> = r.get("base_ms")?;
    let base_device: Option<String> = r.get("base_device")?;
    Ok(Synced {
        mod_ms: r.get("mod_ms")?,
        device: r.get("device")?,
        digest: r.get("digest")?,
        base: base_ms.zip(base_device),
    })
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
        own_text: r.get("own_text")?,
        modified_ms: r.get("modified_ms")?,
    })
}

const TEXT_SQL: &str = "SELECT c.uid, d.name AS deck, c.kind, c.front, c.back, c.code, c.tags,
       c.source, c.note_id, c.position, c.suspended, c.buried_until, c.retired, d.builtin,
       c.modified_ms, EXISTS (SELECT 1 FROM card_overrides o WHERE o.card_id = c.id) AS own_text,
       nd.name AS note_deck, n.position AS note_position, n.fields AS note_fields
     FROM cards c JOIN decks d ON d.id = c.deck_id
     LEFT JOIN notes n ON n.id = c.note_id LEFT JOIN decks nd ON nd.id = n.deck_id";

/// Every card's text with its last synced record, if any.
pub fn cards_and_records(conn: &Connection) -> Result<Vec<(CardText, Option<Synced>)>> {
    let sql = format!(
        "SELECT t.*, s.mod_ms, s.device, s.digest, s.base_ms, s.base_device FROM ({TEXT_SQL}) t
         LEFT JOIN sync_cards s ON s.uid = t.uid ORDER BY t.position, t.uid"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map([], |r| {
            let mod_ms: Option<i64> = r.get("mod_ms")?;
            let synced = match mod_ms {
                Some(_) => Some(row_to_synced(r)?),
                None => None,
            };
            Ok((row_to_text(r)?, synced))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Cards synced once and deleted here since (not yet sent as deleted),
/// with their last record.
pub fn deleted_here(conn: &Connection) -> Result<Vec<(String, Synced)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT * FROM sync_cards s WHERE digest <> ?1
           AND NOT EXISTS (SELECT 1 FROM cards c WHERE c.uid = s.uid) ORDER BY uid",
    )?;
    let rows = stmt
        .query_map([DELETED], |r| Ok((r.get("uid")?, row_to_synced(r)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn record(conn: &Connection, uid: &str) -> Result<Option<Synced>> {
    Ok(conn
        .prepare_cached("SELECT * FROM sync_cards WHERE uid = ?1")?
        .query_row([uid], row_to_synced)
        .optional()?)
}

pub fn set_record(conn: &Connection, uid: &str, s: &Synced) -> Result<()> {
    let (base_ms, base_device) = s.base.clone().unzip();
    conn.prepare_cached(
        "INSERT OR REPLACE INTO sync_cards (uid, mod_ms, device, digest, base_ms, base_device)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        uid,
        s.mod_ms,
        s.device,
        s.digest,
        base_ms,
        base_device
    ])?;
    Ok(())
}

/// Card `uid`'s text as it stands here, if this collection has it.
pub fn card_text(conn: &Connection, uid: &str) -> Result<Option<CardText>> {
    let sql = format!("SELECT * FROM ({TEXT_SQL}) t WHERE t.uid = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([uid], row_to_text)
        .optional()?)
}

/// A card edit that lost to a later one of another device, kept in the
/// card's history (`superseded_edits`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Superseded {
    pub uid: String,
    pub edited_ms: i64,
    pub device: String,
    pub kept_ms: i64,
    pub kept_device: String,
    pub deck: String,
    pub front: String,
    pub back: String,
    pub code: Option<String>,
    pub tags: String,
    pub deleted: bool,
}

/// Keeps an edit that lost (once, however often a sync meets it).
pub fn keep_superseded(conn: &Connection, s: &Superseded) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO superseded_edits (uid, edited_ms, device, kept_ms, kept_device, deck, front,
             back, code, tags, deleted)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11
         WHERE NOT EXISTS (SELECT 1 FROM superseded_edits WHERE uid = ?1 AND edited_ms = ?2
             AND device = ?3 AND front = ?7 AND back = ?8 AND tags = ?10 AND deleted = ?11)",
    )?
    .execute(params![
        s.uid,
        s.edited_ms,
        s.device,
        s.kept_ms,
        s.kept_device,
        s.deck,
        s.front,
        s.back,
        s.code,
        s.tags,
        s.deleted
    ])?;
    Ok(())
}

fn row_to_superseded(r: &rusqlite::Row<'_>) -> rusqlite::Result<Superseded> {
    Ok(Superseded {
        uid: r.get("uid")?,
        edited_ms: r.get("edited_ms")?,
        device: r.get("device")?,
        kept_ms: r.get("kept_ms")?,
        kept_device: r.get("kept_device")?,
        deck: r.get("deck")?,
        front: r.get("front")?,
        back: r.get("back")?,
        code: r.get("code")?,
        tags: r.get("tags")?,
        deleted: r.get("deleted")?,
    })
}

/// Card `uid`'s superseded edits, oldest first.
pub fn superseded(conn: &Connection, uid: &str) -> Result<Vec<Superseded>> {
    let mut stmt = conn
        .prepare_cached("SELECT * FROM superseded_edits WHERE uid = ?1 ORDER BY edited_ms, id")?;
    let rows = stmt
        .query_map([uid], row_to_superseded)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
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

/// Writes a card's text and flags (adding the card, new, when missing),
/// modified at `t.modified_ms`; returns its id. Its scheduling state is
/// left to its log's replay. The learner's own text of a built-in card is
/// kept as their edit (`card_overrides`), over the built-in text here, so a
/// deck update keeps it; a built-in card's text that is not their own
/// drops such an edit (an `edit --revert` elsewhere).
pub fn put_card(conn: &Connection, t: &CardText) -> Result<i64> {
    own_text(conn, t)?;
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
        t.retired,
        t.modified_ms
    ];
    let id = match card_id(conn, &t.uid)? {
        Some(id) => {
            conn.prepare_cached(
                "UPDATE cards SET note_id = ?2, deck_id = ?3, position = ?4, kind = ?5, front = ?6,
                   back = ?7, code = ?8, tags = ?9, source = ?10, suspended = ?11,
                   buried_until = ?12, retired = ?13, modified_ms = ?14
                 WHERE uid = ?1",
            )?
            .execute(values)?;
            id
        }
        None => {
            conn.prepare_cached(
                "INSERT INTO cards (uid, note_id, deck_id, position, kind, front, back, code, tags,
                   source, suspended, buried_until, retired, modified_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            )?
            .execute(values)?;
            conn.last_insert_rowid()
        }
    };
    Ok(id)
}

/// Before card `t` is written: the learner's own text of a built-in card
/// becomes their edit here (its base the built-in text this collection
/// holds, or the edit's base it had); other text of a built-in card ends
/// any such edit.
fn own_text(conn: &Connection, t: &CardText) -> Result<()> {
    let builtin: Option<(i64, bool)> = conn
        .prepare_cached(
            "SELECT c.id, d.builtin FROM cards c JOIN decks d ON d.id = c.deck_id WHERE c.uid = ?1",
        )?
        .query_row([&t.uid], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((id, true)) = builtin else {
        return Ok(());
    };
    if t.own_text {
        let text = super::overrides::Text {
            front: t.front.clone(),
            back: t.back.clone(),
            code: t.code.clone(),
            tags: t.tags.clone(),
        };
        super::overrides::record(conn, id, &text, t.modified_ms)?;
    } else {
        conn.prepare_cached("DELETE FROM card_overrides WHERE card_id = ?1")?
            .execute([id])?;
    }
    Ok(())
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
    conn.execute("DELETE FROM card_overrides WHERE card_id = ?1", [id])?;
    conn.execute("DELETE FROM cards WHERE id = ?1", [id])?;
    conn.execute(
        "DELETE FROM notes WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM cards WHERE note_id = ?1)",
        [&note],
    )?;
    Ok(true)
}
