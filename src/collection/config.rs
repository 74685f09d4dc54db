//! The settings a learner can change with `py201 config KEY VALUE`.
//!
//! Each key has one parser, so a bad value is rejected at the edge with a
//! message naming what is allowed, and the rest of py201 only sees typed values.

use crate::error::Error;
use crate::scheduler::Settings;
use crate::scheduler::fsrs::{FsrsSettings, Steps};

/// Which scheduler decides intervals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SchedulerKind {
    #[default]
    Sm2,
    Fsrs,
}

impl SchedulerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SchedulerKind::Sm2 => "sm2",
            SchedulerKind::Fsrs => "fsrs",
        }
    }
}

/// Every setting, with its parsed value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    pub fuzz: bool,
    pub max_interval: u32,
    pub new_per_day: u32,
    pub reviews_per_day: u32,
    pub day_starts_at: u8,
    pub scheduler: SchedulerKind,
    /// FSRS's desired retention in thousandths (900 = 0.90).
    pub desired_retention: u16,
    pub learning_steps: Steps,
    pub relearning_steps: Steps,
    /// Lapses that make a card a leech (then every half as many again).
    pub leech_threshold: u32,
    /// What a card that becomes a leech gets: the tag, or the tag and a suspension.
    pub leech_suspend: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            fuzz: true,
            max_interval: 36_500,
            new_per_day: 20,
            reviews_per_day: 200,
            day_starts_at: 4,
            scheduler: SchedulerKind::Sm2,
            desired_retention: 900,
            learning_steps: FsrsSettings::default().learning_steps,
            relearning_steps: FsrsSettings::default().relearning_steps,
            leech_threshold: crate::stats::LEECH_LAPSES,
            leech_suspend: false,
        }
    }
}

/// The settings `py201 sync` shares between devices (docs/sync.md): those
/// a card's replayed log depends on (every device must replay with the
/// same, or they diverge), the daily limits and the leech rule, and the
/// fitted FSRS parameters (a `config` row that only `optimize` sets). The
/// hour a day starts (each machine's own clock and time zone) and sync's
/// own settings (`device-name`, `sync-dir`, `sync-auto`) stay per device.
/// The ones a card's replay depends on come first (see [`REPLAYED`]).
pub const SHARED: &[&str] = &[
    "scheduler",
    "fuzz",
    "max-interval",
    "desired-retention",
    "learning-steps",
    "relearning-steps",
    "fsrs-params",
    "new-per-day",
    "reviews-per-day",
    "leech-threshold",
    "leech-action",
];

/// The shared settings a card's replay depends on: a change of any of them
/// replays every card's log.
pub const REPLAYED: &[&str] = SHARED.split_at(7).0;

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
    (
        "scheduler",
        "sm2 or fsrs",
        "who decides intervals: SM-2 (1987) or FSRS-6; switching keeps every card's progress",
    ),
    (
        "desired-retention",
        "a number from 0.70 to 0.99",
        "FSRS: the probability of recall each review aims at",
    ),
    (
        "learning-steps",
        "up to 8 delays such as \"1m 10m\" (units s, m, h, d; each at most 30d), or \"\"",
        "FSRS: same-day steps a new card goes through before its first interval",
    ),
    (
        "relearning-steps",
        "up to 8 delays such as \"10m\" (units s, m, h, d; each at most 30d), or \"\"",
        "FSRS: same-day steps a forgotten card goes through before its new interval",
    ),
    (
        "leech-threshold",
        "a whole number from 1 to 99",
        "lapses that make a card a leech (tagged `leech`), and every half as many again",
    ),
    (
        "leech-action",
        "tag or suspend",
        "what a card that becomes a leech gets: the tag, or the tag and a suspension",
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
            "scheduler" => {
                self.scheduler = match value.trim().to_ascii_lowercase().as_str() {
                    "sm2" | "sm-2" => SchedulerKind::Sm2,
                    "fsrs" => SchedulerKind::Fsrs,
                    _ => return Err(bad(key, value)),
                }
            }
            "desired-retention" => {
                self.desired_retention = value
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|r| (0.70..=0.99).contains(r))
                    .map(|r| (r * 1000.0).round() as u16)
                    .ok_or_else(|| bad(key, value))?
            }
            "learning-steps" => {
                self.learning_steps = Steps::parse(value).ok_or_else(|| bad(key, value))?
            }
            "relearning-steps" => {
                self.relearning_steps = Steps::parse(value).ok_or_else(|| bad(key, value))?
            }
            "leech-threshold" => self.leech_threshold = number(key, value, 1, 99)?,
            "leech-action" => {
                self.leech_suspend = match value.trim().to_ascii_lowercase().as_str() {
                    "tag" => false,
                    "suspend" => true,
                    _ => return Err(bad(key, value)),
                }
            }
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
            "scheduler" => self.scheduler.as_str().to_string(),
            "desired-retention" => retention_text(self.desired_retention),
            "learning-steps" => self.learning_steps.to_string(),
            "relearning-steps" => self.relearning_steps.to_string(),
            "leech-threshold" => self.leech_threshold.to_string(),
            "leech-action" => if self.leech_suspend { "suspend" } else { "tag" }.to_string(),
            _ => return None,
        })
    }

    pub fn fsrs_settings(&self) -> FsrsSettings {
        FsrsSettings {
            desired_retention: f32::from(self.desired_retention) / 1000.0,
            learning_steps: self.learning_steps,
            relearning_steps: self.relearning_steps,
        }
    }

    /// Whether an answer that took a card from `before` to `after` lapses
    /// makes it a leech: at the threshold, then every half threshold more
    /// (as Anki does), so a leech that keeps failing is flagged again.
    pub fn becomes_leech(&self, before: u32, after: u32) -> bool {
        let t = self.leech_threshold;
        after > before && after >= t && (after - t) % (t / 2).max(1) == 0
    }

    pub fn scheduler_settings(&self) -> Settings {
        Settings {
            fuzz: self.fuzz,
            max_interval: self.max_interval,
        }
    }
}

/// 900 -> "0.90", 905 -> "0.905".
fn retention_text(thousandths: u16) -> String {
    if thousandths % 10 == 0 {
        format!("{:.2}", f64::from(thousandths) / 1000.0)
    } else {
        format!("{:.3}", f64::from(thousandths) / 1000.0)
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
            let v = d.get(k).expect("every key has a default");
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
            ("scheduler", "sm17"),
            ("desired-retention", "0.5"),
            ("desired-retention", "1"),
            ("learning-steps", "10x"),
            ("relearning-steps", "0m"),
        ] {
            let e = c.set(k, v).expect_err(k).to_string();
            assert!(e.contains(k) && e.contains("use "), "{e}");
        }
        assert_eq!(c, Config::default());
        let e = c.set("colour", "blue").expect_err("colour").to_string();
        assert!(
            e.contains("unknown key") && e.contains("new-per-day"),
            "{e}"
        );
    }

    #[test]
    fn fsrs_settings_parse_and_show() {
        let mut c = Config::default();
        assert!(c.set("desired-retention", "0.85").is_ok());
        assert_eq!(c.desired_retention, 850);
        assert_eq!(c.get("desired-retention").as_deref(), Some("0.85"));
        assert!(c.set("learning-steps", "30s 5m,1h 1d").is_ok());
        assert_eq!(c.learning_steps.as_slice(), &[30, 300, 3600, 86_400]);
        assert_eq!(c.get("learning-steps").as_deref(), Some("30s 5m 1h 1d"));
        assert!(c.set("relearning-steps", "").is_ok());
        assert!(c.relearning_steps.is_empty());
        assert!(c.set("scheduler", "FSRS").is_ok());
        assert_eq!(c.get("scheduler").as_deref(), Some("fsrs"));
    }
}
