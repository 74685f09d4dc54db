//! The measurement behind docs/sync.md's table: the sync folder after 1 and
//! 10 years of daily study on 2 and 10 devices, its size, and how long a
//! sync takes. Not run by `cargo test` (minutes in a debug build); run it
//! with
//!
//! `cargo test --release --test sync_scale -- --ignored --nocapture`
//!
//! The folder is written as the devices would have left it: a deck of 5,000
//! cards (each device imported the same deck file), 100 answers a day,
//! each study day on one device (chosen at random), which syncs that
//! evening: one segment per study day. Then, timed through the library (no
//! process start-up): a new, empty device syncing everything down (the
//! worst case: every answer applied and every card's log replayed), a daily
//! sync of an up-to-date device receiving one day of another device's
//! answers, and a daily sync sending 100 answers given here.

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use py201::clock::Day;
use py201::collection::Collection;
use py201::collection::cards::AnswerTime;
use py201::scheduler::{FuzzSeed, Grade, Scheduler, Settings, sm2::Sm2};
use py201::sync::segment::{self, Answer, Segment};
use rand::{RngExt, SeedableRng, rngs::StdRng};
use std::path::Path;
use std::time::Instant;

const CARDS: usize = 5_000;
const PER_DAY: usize = 100;
const FIRST_DAY: Day = 20_458;
const DAY_MS: i64 = 86_400_000;

fn deck() -> py201::model::DeckContent {
    let mut s = String::from("[deck]\nname = \"Many\"\n");
    for i in 0..CARDS {
        s.push_str(&format!(
            "\n[[cards]]\nid = \"m-{i}\"\nfront = \"Question {i}\"\nback = \"Answer {i}\"\n"
        ));
    }
    py201::decks::parse("many.toml", &s).unwrap().content
}

fn device_id(n: usize) -> String {
    format!("{n:032x}")
}

/// Day `day`'s answers given on `device`, its `seq`th segment: new cards
/// in course order while there are any, then cards again, grades mostly
/// passing.
fn day_segment(rng: &mut StdRng, device: usize, seq: i64, day: i64, answers: &mut i64) -> Segment {
    let mut seg = Segment {
        device: device_id(device),
        name: format!("device {device}"),
        seq,
        ..Segment::default()
    };
    for k in 0..PER_DAY {
        *answers += 1;
        seg.answers.push(Answer {
            seq: *answers,
            card: format!("m-{}", (day as usize * 37 + k * 53) % CARDS),
            time_ms: (FIRST_DAY as i64 + day) * DAY_MS + 8 * 3_600_000 + k as i64 * 20_000,
            day: FIRST_DAY + day as Day,
            grade: [2, 3, 4, 4, 5, 5][rng.random_range(0..6)],
            taken_ms: 4_000,
        });
    }
    seg
}

/// Writes `days` of study by `devices` into `dir`; returns (files, bytes).
fn write_folder(dir: &Path, days: i64, devices: usize) -> (u64, u64) {
    let mut rng = StdRng::seed_from_u64(22);
    let mut seqs = vec![0i64; devices];
    let mut answers = vec![0i64; devices];
    let (mut files, mut bytes) = (0, 0);
    for day in 0..days {
        let d = rng.random_range(0..devices);
        seqs[d] += 1;
        let seg = day_segment(&mut rng, d, seqs[d], day, &mut answers[d]);
        let (data, _) = segment::encode(&seg);
        let own = dir.join(device_id(d));
        std::fs::create_dir_all(&own).unwrap();
        std::fs::write(own.join(segment::file_name(seqs[d])), &data).unwrap();
        files += 1;
        bytes += data.len() as u64;
    }
    (files, bytes)
}

fn new_device(path: &Path) -> Collection {
    let mut col = Collection::open(path).unwrap();
    col.sync_decks(&[deck()], false).unwrap();
    col
}

/// 100 answers given here on `day`, as a review session writes them.
fn answer_here(col: &mut Collection, day: i64) {
    let sm2 = Sm2::new(Settings::default());
    let today = FIRST_DAY + day as Day;
    for k in 0..PER_DAY {
        let uid = format!("m-{}", (k * 47) % CARDS);
        let card = col.card_by_uid(&uid).unwrap().unwrap();
        let n = col.answers_to(card.id).unwrap();
        let g = Grade::try_from(4).unwrap();
        let at = AnswerTime {
            time_ms: (FIRST_DAY as i64 + day) * DAY_MS + 20 * 3_600_000 + k as i64,
            day: today,
            taken_ms: 3_000,
        };
        col.answer(card.id, g, at, None, |s| {
            sm2.answer(s, g, today, FuzzSeed::for_card(&uid, n))
        })
        .unwrap();
    }
}

fn measure(years: i64, devices: usize) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("Sync");
    std::fs::create_dir(&dir).unwrap();
    let days = 365 * years;
    let (files, bytes) = write_folder(&dir, days, devices);
    let mut col = new_device(&tmp.path().join("new.db"));
    let now = (FIRST_DAY as i64 + days) * DAY_MS;
    let t = Instant::now();
    let report = py201::sync::sync(&mut col, &dir, now).unwrap();
    let everything = t.elapsed();
    let got: u64 = report.from.iter().map(|(_, b)| b.answers).sum();
    assert_eq!(got as i64, days * PER_DAY as i64);
    // One more day from another device, applied by this up-to-date one.
    let mut rng = StdRng::seed_from_u64(days as u64);
    let mut answers = 1_000_000;
    let seg = day_segment(&mut rng, 0, 1_000, days, &mut answers);
    let peer = dir.join(device_id(0));
    std::fs::create_dir_all(&peer).unwrap();
    // Applied after the device's last segment: renumber it as the next.
    let next = std::fs::read_dir(&peer).unwrap().count() as i64 + 1;
    let seg = Segment { seq: next, ..seg };
    std::fs::write(peer.join(segment::file_name(next)), segment::encode(&seg).0).unwrap();
    let t = Instant::now();
    py201::sync::sync(&mut col, &dir, now + 3_600_000).unwrap();
    let receive = t.elapsed();
    answer_here(&mut col, days);
    let t = Instant::now();
    let sent = py201::sync::sync(&mut col, &dir, now + 2 * 3_600_000).unwrap();
    let send = t.elapsed();
    assert_eq!(sent.sent.answers, PER_DAY as u64);
    println!(
        "| {years} | {devices} | {} | {files} | {:.1} MB | {:.1} s | {} ms | {} ms |",
        days * PER_DAY as i64,
        bytes as f64 / 1e6,
        everything.as_secs_f64(),
        receive.as_millis(),
        send.as_millis()
    );
}

#[test]
#[ignore = "a measurement of minutes: run with --ignored --nocapture (docs/sync.md)"]
fn sync_time_and_folder_size_at_scale() {
    println!(
        "| years | devices | answers | segments | folder | new device, all down | daily sync, receive 100 | daily sync, send 100 |"
    );
    for (years, devices) in [(1, 2), (1, 10), (10, 2), (10, 10)] {
        measure(years, devices);
    }
}
