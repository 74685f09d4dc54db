//! The one place that reads "now".
//!
//! `PY201_NOW` (an RFC 3339 time) replaces the system clock so tests and
//! simulations can replay weeks in a second. Everything else in py201 receives
//! times and day numbers from here; the scheduler never sees a clock at all.
//!
//! A *study day* starts at a configurable hour in local time (default 04:00, as
//! in Anki), so a review at 01:00 still counts for the previous evening.

use chrono::{DateTime, Duration, Local, NaiveDate};
use std::time::Instant;

use crate::error::Error;

/// Days since 1970-01-01 in study-day terms (after the rollover hour).
pub type Day = i32;

/// Name of the environment variable that overrides the clock.
pub const NOW_VAR: &str = "PY201_NOW";

/// A source of wall-clock time (possibly fixed) and of elapsed time.
#[derive(Debug, Clone)]
pub struct Clock {
    fixed: Option<DateTime<Local>>,
    started: Instant,
}

impl Clock {
    /// The system clock, unless `PY201_NOW` is set.
    pub fn from_env() -> Result<Self, Error> {
        let fixed = match std::env::var(NOW_VAR) {
            Ok(s) => Some(parse_now(&s)?),
            Err(std::env::VarError::NotPresent) => None,
            Err(std::env::VarError::NotUnicode(_)) => {
                return Err(Error::BadValue(format!("{NOW_VAR} is not valid UTF-8")));
            }
        };
        Ok(Self {
            fixed,
            started: Instant::now(),
        })
    }

    /// A clock stopped at `t` (for tests and benchmarks).
    pub fn fixed(t: DateTime<Local>) -> Self {
        Self {
            fixed: Some(t),
            started: Instant::now(),
        }
    }

    pub fn now(&self) -> DateTime<Local> {
        self.fixed.unwrap_or_else(Local::now)
    }

    /// Milliseconds since the clock was made: review durations are real time
    /// even when `PY201_NOW` pins the date.
    pub fn elapsed_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    pub fn today(&self, rollover_hour: u8) -> Day {
        study_day(self.now(), rollover_hour)
    }
}

fn parse_now(s: &str) -> Result<DateTime<Local>, Error> {
    DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.with_timezone(&Local))
        .map_err(|e| {
            Error::BadValue(format!(
                "{NOW_VAR}={s:?} is not an RFC 3339 time ({e}); example: 2026-11-25T09:00:00Z"
            ))
        })
}

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()
}

/// The study day `t` falls on: its local date, shifted back by the rollover hour.
pub fn study_day(t: DateTime<Local>, rollover_hour: u8) -> Day {
    let shifted = t.naive_local() - Duration::hours(i64::from(rollover_hour));
    date_to_day(shifted.date())
}

pub fn date_to_day(d: NaiveDate) -> Day {
    i32::try_from((d - epoch()).num_days()).unwrap_or(i32::MAX)
}

pub fn day_to_date(d: Day) -> NaiveDate {
    epoch() + Duration::days(i64::from(d))
}

/// `YYYY-MM-DD` for a day number.
pub fn day_string(d: Day) -> String {
    day_to_date(d).format("%Y-%m-%d").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn rollover_hour_moves_early_morning_to_previous_day() {
        // study_day works on local wall-clock time, so the test needs local
        // times; no time zone changes its offset on Wednesday 2026-11-25, so
        // both exist exactly once wherever the test runs.
        let local = |h, m| {
            Local
                .with_ymd_and_hms(2026, 11, 25, h, m, 0)
                .single()
                .expect("2026-11-25 has no DST change in the local time zone")
        };
        let (late, early) = (local(3, 59), local(4, 0));
        assert_eq!(study_day(late, 4) + 1, study_day(early, 4));
        assert_eq!(day_string(study_day(early, 4)), "2026-11-25");
        assert_eq!(day_string(study_day(late, 4)), "2026-11-24");
        assert_eq!(study_day(late, 0), study_day(early, 0));
    }

    #[test]
    fn day_numbers_round_trip() {
        // Fixed dates, not epoch(): comparing with the code's own epoch
        // would pass whatever date it picked.
        assert_eq!(day_to_date(0), NaiveDate::from_ymd_opt(1970, 1, 1).unwrap());
        let d = NaiveDate::from_ymd_opt(2026, 2, 28).unwrap();
        assert_eq!(date_to_day(d), 20_512);
        assert_eq!(day_to_date(date_to_day(d)), d);
    }

    #[test]
    fn bad_now_is_a_clear_error() {
        let e = parse_now("yesterday")
            .expect_err("\"yesterday\" is not a time")
            .to_string();
        assert!(e.contains("PY201_NOW") && e.contains("RFC 3339"), "{e}");
    }
}
