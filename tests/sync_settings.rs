//! Shared settings through `py201 sync`: a setting changed on one device
//! is taken by the others and said ("settings from laptop: scheduler
//! fsrs"), the later of two changes wins whichever syncs first, every card
//! is replayed under the settings in force, and per-device settings stay.

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod sync_support;
use sync_support::*;

const MINUTE: i64 = 60_000;
const DAY: i64 = 24 * 60 * MINUTE;

fn setting(d: &Device, at: i64, key: &str) -> String {
    d.ok(at, &["config", key], "").trim_end().to_string()
}

#[test]
fn a_shared_setting_travels_and_the_later_change_wins() {
    let (tmp, dir) = folder();
    let (laptop, desk) = (
        Device::new(tmp.path(), "laptop"),
        Device::new(tmp.path(), "desk"),
    );
    laptop.review(START, &[4, 3, 5]);
    desk.review(START + MINUTE, &[4, 4]);
    laptop.sync(START + 2 * MINUTE, &dir);
    desk.sync(START + 3 * MINUTE, &dir);
    laptop.sync(START + 4 * MINUTE, &dir);
    let day2 = START + DAY;
    laptop.review(day2, &[4, 4]);
    laptop.ok(day2 + MINUTE, &["config", "scheduler", "fsrs"], "");
    // Not shared: each machine's own clock and hours.
    laptop.ok(day2 + MINUTE, &["config", "day-starts-at", "6"], "");
    assert_eq!(
        laptop.sync(day2 + 2 * MINUTE, &dir),
        "2 answers and 1 edit sent."
    );
    assert_eq!(
        desk.sync(day2 + 3 * MINUTE, &dir),
        "2 answers and 1 edit from laptop.\nsettings from laptop: scheduler fsrs"
    );
    assert_eq!(setting(&desk, day2, "scheduler"), "fsrs");
    assert_eq!(setting(&desk, day2, "day-starts-at"), "4");
    // Every card's log replayed under FSRS on both: the same states.
    assert_eq!(
        desk.query("SELECT count(*) FROM cards WHERE due IS NOT NULL AND stability IS NULL"),
        0
    );
    desk.ok(day2, &["config", "day-starts-at", "6"], "");
    assert_converged(&[laptop, desk], day2 + 4 * MINUTE, "after fsrs");

    // Two changes of one setting: desk's first, laptop's later; desk syncs
    // last, and laptop's still wins on both.
    let (laptop, desk) = (
        Device::new(tmp.path(), "laptop"),
        Device::new(tmp.path(), "desk"),
    );
    desk.ok(day2 + 5 * MINUTE, &["config", "max-interval", "100"], "");
    laptop.ok(day2 + 6 * MINUTE, &["config", "max-interval", "200"], "");
    assert_eq!(laptop.sync(day2 + 7 * MINUTE, &dir), "1 edit sent.");
    assert_eq!(
        desk.sync(day2 + 8 * MINUTE, &dir),
        "1 edit from laptop, 1 edit sent.\nsettings from laptop: max-interval 200"
    );
    assert_eq!(
        laptop.sync(day2 + 9 * MINUTE, &dir),
        "Nothing new to send or apply."
    );
    for d in [&laptop, &desk] {
        assert_eq!(setting(d, day2, "max-interval"), "200", "{}", d.name);
    }
    assert_converged(&[laptop, desk], day2 + 10 * MINUTE, "after max-interval");
}

/// Fuzz turned off on one device: the other replays every card without
/// fuzz, so both hold the intervals that an exact SM-2 gives.
#[test]
fn fuzz_turned_off_elsewhere_replays_every_card_without_it() {
    let (tmp, dir) = folder();
    let (laptop, desk) = (
        Device::new(tmp.path(), "laptop"),
        Device::new(tmp.path(), "desk"),
    );
    for day in 0..6 {
        laptop.review(START + day * DAY, &[5, 5, 5, 4, 5]);
    }
    let at = START + 6 * DAY;
    laptop.sync(at, &dir);
    desk.sync(at, &dir);
    let fuzzed = desk.cards_json(at);
    desk.ok(at + MINUTE, &["config", "fuzz", "off"], "");
    assert_eq!(desk.sync(at + 2 * MINUTE, &dir), "1 edit sent.");
    assert_ne!(desk.cards_json(at), fuzzed, "a replay without fuzz");
    assert_eq!(
        laptop.sync(at + 3 * MINUTE, &dir),
        "1 edit from desk.\nsettings from desk: fuzz off"
    );
    // The same as a device that never had fuzz: a fresh one syncing down.
    let phone = Device::new(tmp.path(), "phone");
    phone.ok(at, &["config", "fuzz", "off"], "");
    phone.sync(at + 4 * MINUTE, &dir);
    assert_converged(&[laptop, desk, phone], at + 5 * MINUTE, "fuzz off");
}
