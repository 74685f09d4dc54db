//! The SQL of `py201 sync` (src/sync/flags.rs, src/sync/settings.rs) for
//! what is neither an answer nor a card's text: forgets (a card made new
//! again, its log kept), decks turned off or on, and shared settings.

use crate::error::Result;
use rusqlite::{Connection, OptionalExtension, params};

/// Each card's latest forget found in its log: the time of the last answer
/// before a forget (an answer whose card was new again although an answer
/// before it had scheduled it, or a new card with answers).
const FORGETS: &str = "
    SELECT c.uid, max(p.time_ms) AS reset FROM revlog r JOIN cards c ON c.id = r.card_id
      JOIN revlog p ON p.id = (SELECT max(q.id) FROM revlog q WHERE q.card_id = r.card_id AND q.id < r.id)
      WHERE r.due_before IS NULL AND p.due_after IS NOT NULL GROUP BY c.uid
    UNION ALL
    SELECT c.uid, l.time_ms FROM cards c
      JOIN revlog l ON l.id = (SELECT max(q.id) FROM revlog q WHERE q.card_id = c.id)
      WHERE c.due IS NULL AND l.due_after IS NOT NULL";

/// Forgets found in the log that sync does not know yet: (uid, time).
pub fn new_forgets(conn: &Connection) -> Result<Vec<(String, i64)>> {
    let sql = format!(
        "SELECT f.uid, max(f.reset) FROM ({FORGETS}) f LEFT JOIN sync_resets s ON s.uid = f.uid
         GROUP BY f.uid HAVING max(f.reset) > coalesce(max(s.time_ms), -1) ORDER BY f.uid"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Card `uid`'s latest forget as sync knows it.
pub fn reset_of(conn: &Connection, uid: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT time_ms FROM sync_resets WHERE uid = ?1")?
        .query_row([uid], |r| r.get(0))
        .optional()?)
}

/// Keeps the later of card `uid`'s known forget and `time_ms`; returns
/// whether it moved.
pub fn raise_reset(conn: &Connection, uid: &str, time_ms: i64) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "INSERT INTO sync_resets VALUES (?1, ?2)
             ON CONFLICT (uid) DO UPDATE SET time_ms = ?2 WHERE time_ms < ?2",
        )?
        .execute(params![uid, time_ms])?;
    Ok(n > 0)
}

/// A deck's switch as last synced: (off, time, device).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeckSwitch {
    pub off: bool,
    pub mod_ms: i64,
    pub device: String,
}

/// Every deck, on or off, with its switch as last synced.
pub fn decks(conn: &Connection) -> Result<Vec<(String, bool, Option<DeckSwitch>)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT d.name, d.off, s.off AS s_off, s.mod_ms, s.device FROM decks d
         LEFT JOIN sync_decks s ON s.name = d.name ORDER BY d.name",
    )?;
    let rows = stmt
        .query_map([], |r| {
            let mod_ms: Option<i64> = r.get("mod_ms")?;
            let switch = match mod_ms {
                Some(mod_ms) => Some(DeckSwitch {
                    off: r.get("s_off")?,
                    mod_ms,
                    device: r.get("device")?,
                }),
                None => None,
            };
            Ok((r.get("name")?, r.get("off")?, switch))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn deck_switch(conn: &Connection, name: &str) -> Result<Option<DeckSwitch>> {
    Ok(conn
        .prepare_cached("SELECT off, mod_ms, device FROM sync_decks WHERE name = ?1")?
        .query_row([name], |r| {
            Ok(DeckSwitch {
                off: r.get(0)?,
                mod_ms: r.get(1)?,
                device: r.get(2)?,
            })
        })
        .optional()?)
}

pub fn set_deck_switch(conn: &Connection, name: &str, s: &DeckSwitch) -> Result<()> {
    conn.prepare_cached("INSERT OR REPLACE INTO sync_decks VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![name, s.off, s.mod_ms, s.device])?;
    Ok(())
}

/// Turns deck `name` off or on, if this collection has it.
pub fn set_deck_off(conn: &Connection, name: &str, off: bool) -> Result<()> {
    conn.prepare_cached("UPDATE decks SET off = ?2 WHERE name = ?1")?
        .execute(params![name, off])?;
    Ok(())
}

/// A shared setting's record as last synced (or as sent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingSwitch {
    pub value: String,
    pub mod_ms: i64,
    pub device: String,
}

/// A setting this collection has set, with its record as last synced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetHere {
    pub key: String,
    pub value: String,
    /// When it was set (here, or on the device whose record a sync took).
    pub set_ms: i64,
    pub held: Option<SettingSwitch>,
}

/// Each setting of `keys` this collection has set (its `config` rows).
pub fn settings(conn: &Connection, keys: &[&str]) -> Result<Vec<SetHere>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.key, c.value, c.modified_ms, s.value AS s_value, s.mod_ms, s.device
         FROM config c LEFT JOIN sync_settings s ON s.key = c.key ORDER BY c.key",
    )?;
    let rows: Vec<SetHere> = stmt
        .query_map([], |r| {
            let mod_ms: Option<i64> = r.get("mod_ms")?;
            let held = match mod_ms {
                Some(mod_ms) => Some(SettingSwitch {
                    value: r.get("s_value")?,
                    mod_ms,
                    device: r.get("device")?,
                }),
                None => None,
            };
            Ok(SetHere {
                key: r.get(0)?,
                value: r.get(1)?,
                set_ms: r.get(2)?,
                held,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows
        .into_iter()
        .filter(|s| keys.contains(&s.key.as_str()))
        .collect())
}

pub fn setting_switch(conn: &Connection, key: &str) -> Result<Option<SettingSwitch>> {
    Ok(conn
        .prepare_cached("SELECT value, mod_ms, device FROM sync_settings WHERE key = ?1")?
        .query_row([key], |r| {
            Ok(SettingSwitch {
                value: r.get(0)?,
                mod_ms: r.get(1)?,
                device: r.get(2)?,
            })
        })
        .optional()?)
}

pub fn set_setting_switch(conn: &Connection, key: &str, s: &SettingSwitch) -> Result<()> {
    conn.prepare_cached("INSERT OR REPLACE INTO sync_settings VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![key, s.value, s.mod_ms, s.device])?;
    Ok(())
}

/// The values of `keys` as stored (a key never set: empty), one line each:
/// what the cards' replay last ran under is kept as this text.
pub fn settings_text(conn: &Connection, keys: &[&str]) -> Result<String> {
    let mut stmt = conn.prepare_cached("SELECT value FROM config WHERE key = ?1")?;
    let mut text = String::new();
    for k in keys {
        let v: Option<String> = stmt.query_row([k], |r| r.get(0)).optional()?;
        text.push_str(&format!("{k}={}\n", v.unwrap_or_default()));
    }
    Ok(text)
}
