//! Shared settings in segments (docs/sync.md): a record for each shared
//! setting the learner set (`config KEY VALUE`, with its time); of two
//! devices' records of one setting, the later wins (by time, then device
//! id), as for cards. A change of a setting the replay depends on replays
//! every card's log under the settings now in force, so that all devices,
//! once they hold the same records, hold the same settings and the same
//! card states.

use super::segment::{Segment, SettingRecord};
use crate::collection::config::{REPLAYED, SHARED};
use crate::collection::device_flags::{self, SettingSwitch};
use crate::collection::{devices, load_config, store_setting};
use crate::error::Result;
use rusqlite::Connection;

/// The `meta` key of the replayed settings the cards' logs were last
/// replayed under.
const REPLAYED_UNDER: &str = "sync_replayed_under";

/// This device's shared settings changed since their record, into `seg`;
/// returns how many.
pub fn gather(conn: &Connection, me: &str, seg: &mut Segment) -> Result<u64> {
    let mut n = 0;
    for here in device_flags::settings(conn, SHARED)? {
        let (key, value, set_ms) = (here.key, here.value, here.set_ms);
        let mod_ms = match &here.held {
            Some(h) if h.value == value => continue,
            // A change made over the record held beats it, whatever the
            // clocks say: every device that holds that record takes it.
            Some(h) => set_ms.max(h.mod_ms + 1),
            None => set_ms,
        };
        let switch = SettingSwitch {
            value: value.clone(),
            mod_ms,
            device: me.to_string(),
        };
        device_flags::set_setting_switch(conn, &key, &switch)?;
        seg.settings.push(SettingRecord {
            key,
            value,
            mod_ms,
            device: me.to_string(),
        });
        n += 1;
    }
    Ok(n)
}

/// Applies another device's setting records; returns "key value" of each
/// that changed a setting here.
pub fn apply(conn: &Connection, seg: &Segment) -> Result<Vec<String>> {
    let mut changed = Vec::new();
    for s in &seg.settings {
        if !SHARED.contains(&s.key.as_str()) {
            continue; // a setting this py201 does not share
        }
        let held = device_flags::setting_switch(conn, &s.key)?;
        let wins =
            held.is_none_or(|h| (h.mod_ms, h.device.as_str()) < (s.mod_ms, s.device.as_str()));
        if !wins {
            continue;
        }
        let switch = SettingSwitch {
            value: s.value.clone(),
            mod_ms: s.mod_ms,
            device: s.device.clone(),
        };
        device_flags::set_setting_switch(conn, &s.key, &switch)?;
        let here = device_flags::settings(conn, &[s.key.as_str()])?;
        let current = match here.into_iter().next() {
            Some(h) => Some(h.value),
            None => load_config(conn)?.get(&s.key),
        };
        store_setting(conn, &s.key, &s.value, s.mod_ms)?;
        if current.as_deref() != Some(s.value.as_str()) {
            changed.push(format!("{} {}", s.key, s.value));
        }
    }
    Ok(changed)
}

/// Every card with a log, when the settings its replay depends on are not
/// those it was last replayed under (a change sent or received, or a first
/// sync); notes the settings now in force.
pub fn replay_all(conn: &Connection) -> Result<Vec<i64>> {
    let now = device_flags::settings_text(conn, REPLAYED)?;
    if devices::meta(conn, REPLAYED_UNDER)?.as_deref() == Some(now.as_str()) {
        return Ok(Vec::new());
    }
    devices::set_meta(conn, REPLAYED_UNDER, &now)?;
    devices::cards_with_log(conn)
}
