//! The settings a learner can change with `py201 config KEY VALUE`.
//!
//! Each key has one parser, so a bad value is rejected at the edge with a
//! message naming what is allowed, and the rest of py201 only sees typed values.

use crate::error::Error;
use crate::scheduler::Settings;

/// Every setting, with its parsed value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    pub fuzz: bool,
    pub max_interval: u32,
    pub new_per_day: u32,
    pub reviews_per_day: u32,
    pub day_starts_at: u8,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            fuzz: true,
            max_interval: 36_500,
            new_per_day: 20,
            reviews_per_day: 200,
            day_starts_at: 4,
        }
    }
}

/// Key, allowed values (for messages and the listing), description.
pub const KEYS: &[(&str, &str, &str)] = &[
    (
        "fuzz",
        "on or off",
        "spread intervals of 3+ days slightly so cards learned together drift apart; off = exact SM-2",
    ),
    (
        "max-interval",
        "a whole number of days from 1 to 36500",
        "no card waits longer than this",
    ),
    (
        "new-per-day",
        "a whole number from 0 to 9999",
        "new cards introduced per study day",
    ),
    (
        "reviews-per-day",
        "a whole number from 0 to 99999",
        "due cards reviewed per study day",
    ),
    (
        "day-starts-at",
        "an hour from 0 to 23 (local time)",
        "the hour a new study day begins",
    ),
];

fn number(key: &str, v: &str, lo: u32, hi: u32) -> Result<u32, Error> {
    v.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| (lo..=hi).contains(n))
        .ok_or_else(|| bad(key, v))
}

fn bad(key: &str, v: &str) -> Error {
    let allowed = KEYS.iter().find(|k| k.0 == key).map(|k| k.1).unwrap_or("?");
    Error::BadValue(format!("config {key}: {v:?} is not allowed; use {allowed}"))
}

impl Config {
    /// Sets `key` from user text; an unknown key or bad value changes nothing.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), Error> {
        match key {
            "fuzz" => {
                self.fuzz = match value.trim().to_ascii_lowercase().as_str() {
                    "on" | "true" | "yes" => true,
                    "off" | "false" | "no" => false,
                    _ => return Err(bad(key, value)),
                }
            }
            "max-interval" => self.max_interval = number(key, value, 1, 36_500)?,
            "new-per-day" => self.new_per_day = number(key, value, 0, 9_999)?,
            "reviews-per-day" => self.reviews_per_day = number(key, value, 0, 99_999)?,
            "day-starts-at" => self.day_starts_at = number(key, value, 0, 23)? as u8,
            _ => {
                let known: Vec<&str> = KEYS.iter().map(|k| k.0).collect();
                return Err(Error::BadValue(format!(
                    "config: unknown key {key:?}; keys are {}",
                    known.join(", ")
                )));
            }
        }
        Ok(())
    }

    /// The value of `key` as `py201 config` shows and stores it.
    pub fn get(&self, key: &str) -> Option<String> {
        Some(match key {
            "fuzz" => if self.fuzz { "on" } else { "off" }.to_string(),
            "max-interval" => self.max_interval.to_string(),
            "new-per-day" => self.new_per_day.to_string(),
            "reviews-per-day" => self.reviews_per_day.to_string(),
            "day-starts-at" => self.day_starts_at.to_string(),
            _ => return None,
        })
    }

    pub fn scheduler_settings(&self) -> Settings {
        Settings {
            fuzz: self.fuzz,
            max_interval: self.max_interval,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_round_trips_its_default() {
        let d = Config::default();
        for (k, _, _) in KEYS {
            let mut c = Config::default();
            let v = d.get(k).unwrap_or_default();
            assert!(c.set(k, &v).is_ok(), "{k}");
            assert_eq!(c, d);
        }
    }

    #[test]
    fn bad_values_name_the_allowed_ones_and_change_nothing() {
        let mut c = Config::default();
        for (k, v) in [
            ("fuzz", "maybe"),
            ("max-interval", "0"),
            ("new-per-day", "-1"),
            ("day-starts-at", "24"),
            ("reviews-per-day", "lots"),
        ] {
            let e = c.set(k, v).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(e.contains(k) && e.contains("use "), "{e}");
        }
        assert_eq!(c, Config::default());
        let e = c
            .set("colour", "blue")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            e.contains("unknown key") && e.contains("new-per-day"),
            "{e}"
        );
    }
}
