//! Forgets and deck switches in segments. A forget makes a card new again
//! and keeps its log: sync finds it in the log (the first answer after it
//! starts from a new card, or the card is new with answers behind it) and
//! sends the time of the last answer before it; every device then replays
//! the card with the answers up to that time kept but no longer counting.
//! The latest forget of a card holds. A deck's off/on switch is a record:
//! the later wins, as for cards.

use super::incoming::Touched;
use super::segment::{DeckRecord, Segment};
use crate::collection::device_cards;
use crate::collection::device_flags::{self, DeckSwitch};
use crate::error::Result;
use rusqlite::Connection;

/// This device's new forgets and deck switches, into `seg`; the cards of
/// the forgets join `touched`.
pub fn gather(
    conn: &Connection,
    me: &str,
    now_ms: i64,
    seg: &mut Segment,
    touched: &mut Touched,
) -> Result<()> {
    for (uid, time_ms) in device_flags::new_forgets(conn)? {
        device_flags::raise_reset(conn, &uid, time_ms)?;
        if let Some(card) = device_cards::card_id(conn, &uid)? {
            touched.entry(card).or_default();
        }
        seg.resets.push((uid, time_ms));
    }
    for (name, off, switch) in device_flags::decks(conn)? {
        let mod_ms = match switch {
            Some(s) if s.off == off => continue,
            Some(_) => now_ms,
            // Never synced: on is every deck's start; off is this device's
            // starting point, which any later switch beats.
            None if !off => {
                let base = DeckSwitch {
                    off,
                    mod_ms: 0,
                    device: String::new(),
                };
                device_flags::set_deck_switch(conn, &name, &base)?;
                continue;
            }
            None => 0,
        };
        let record = DeckRecord {
            name,
            off,
            mod_ms,
            device: me.to_string(),
        };
        let switch = DeckSwitch {
            off,
            mod_ms,
            device: me.to_string(),
        };
        device_flags::set_deck_switch(conn, &record.name, &switch)?;
        seg.decks.push(record);
    }
    Ok(())
}

/// Applies another device's forgets and deck switches; returns how many
/// changed something here.
pub fn apply(conn: &Connection, seg: &Segment, touched: &mut Touched) -> Result<u64> {
    let mut changed = 0;
    for (uid, time_ms) in &seg.resets {
        if device_flags::raise_reset(conn, uid, *time_ms)? {
            if let Some(card) = device_cards::card_id(conn, uid)? {
                touched.entry(card).or_default();
                changed += 1;
            }
        }
    }
    for d in &seg.decks {
        let held = device_flags::deck_switch(conn, &d.name)?;
        let wins =
            held.is_none_or(|h| (h.mod_ms, h.device.as_str()) < (d.mod_ms, d.device.as_str()));
        if wins {
            let switch = DeckSwitch {
                off: d.off,
                mod_ms: d.mod_ms,
                device: d.device.clone(),
            };
            device_flags::set_deck_switch(conn, &d.name, &switch)?;
            device_flags::set_deck_off(conn, &d.name, d.off)?;
            changed += 1;
        }
    }
    Ok(changed)
}
