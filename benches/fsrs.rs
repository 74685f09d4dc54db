//! FSRS whole-process figures on a large collection with a realistic log:
//! the switch to FSRS, the first card with FSRS on, and `optimize`.
//!
//!     cargo bench --bench fsrs        # 100,000 cards, 1,000,000 reviews
//!
//! The collection (target/bench/fsrs-100000.db) is generated once: every
//! card's history runs forward in time, with intervals growing as SM-2's do
//! and each answer a recall or a lapse drawn from the FSRS memory model
//! (the crate's default parameters), so the optimizer sees the kind of log a
//! learner leaves. Figures are medians of PY201_BENCH_RUNS runs (default 3).

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/harness.rs"]
mod harness;

use py201::clock::Day;
use py201::collection::Collection;
use rand::{RngExt, SeedableRng, rngs::StdRng};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

const NOW: &str = "2026-11-25T09:00:00Z";
const CARDS: usize = 100_000;
const REVIEWS: usize = 1_000_000;

fn generate(path: &Path, today: Day) -> Result<(), String> {
    let e = |e: rusqlite::Error| e.to_string();
    let mut col = Collection::open(path).map_err(|e| e.to_string())?;
    py201::decks::builtin::ensure(&mut col, 0).map_err(|e| e.to_string())?;
    let model = fsrs::FSRS::new(&[]).map_err(|e| e.to_string())?;
    let mut rng = StdRng::seed_from_u64(42);
    let tx = col.conn.transaction().map_err(e)?;
    {
        let deck: i64 = tx
            .query_row(
                "INSERT INTO decks (name, description, position, builtin) VALUES ('Bench', '', 1000, 0) RETURNING id",
                [],
                |r| r.get(0),
            )
            .map_err(e)?;
        let mut note = tx
            .prepare("INSERT INTO notes (id, deck_id, position, fields) VALUES (?1, ?2, ?3, '{}')")
            .map_err(e)?;
        let mut card = tx
            .prepare(
                "INSERT INTO cards (uid, note_id, deck_id, position, kind, front, back,
                    reps, interval, ease, due, lapses)
                 VALUES (?1, ?1, ?2, ?3, 'basic', ?4, 'answer', ?5, ?6, ?7, ?8, ?9) RETURNING id",
            )
            .map_err(e)?;
        let mut log = tx
            .prepare(
                "INSERT INTO revlog (card_id, time_ms, day, grade, is_repeat, taken_ms,
                    reps_before, reps_after, interval_before, interval_after, ease_before, ease_after,
                    due_before, due_after, lapses_before, lapses_after)
                 VALUES (?1, ?2, ?3, ?4, 0, 8000, 0, 0, ?5, ?6, 2500, 2500, ?7, ?8, 0, 0)",
            )
            .map_err(e)?;
        let per_card = REVIEWS / CARDS;
        for i in 0..CARDS {
            let uid = format!("fsrs-bench-{i}");
            note.execute(rusqlite::params![uid, deck, 1_000_000_000 + i as i64])
                .map_err(e)?;
            // A history of `per_card` answers ending before today.
            // Run forward from day 0, then shift so the last answer falls
            // in the past month.
            let mut day: Day = 0;
            let mut days_grades = Vec::with_capacity(per_card);
            let mut memory: Option<fsrs::MemoryState> = None;
            let mut ivl: i32 = 0;
            let mut last = day;
            for n in 0..per_card {
                let elapsed = (day - last) as u32;
                let recalled = match memory {
                    None => rng.random_range(0.0..1.0) < 0.7,
                    Some(m) => {
                        rng.random_range(0.0..1.0)
                            < fsrs::current_retrievability(m, elapsed as f32, 0.1542)
                    }
                };
                let grade: u8 = if recalled {
                    rng.random_range(3..6)
                } else {
                    rng.random_range(0..3)
                };
                let next = model
                    .next_states(memory, 0.9, elapsed)
                    .map_err(|e| e.to_string())?;
                memory = Some(match grade {
                    0..=2 => next.again.memory,
                    3 => next.hard.memory,
                    4 => next.good.memory,
                    _ => next.easy.memory,
                });
                ivl = if grade < 3 {
                    1
                } else {
                    match n {
                        0 => 1,
                        1 => 6,
                        _ => (f64::from(ivl) * 2.5).ceil() as i32,
                    }
                };
                ivl = ivl.min(365);
                days_grades.push((day, grade, ivl));
                last = day;
                day += ivl;
            }
            let shift = today - 1 - rng.random_range(0..30) - last;
            for dg in &mut days_grades {
                dg.0 += shift;
            }
            last += shift;
            let (due, ivl) = (last + ivl, ivl);
            let id: i64 = card
                .query_row(
                    rusqlite::params![
                        uid,
                        deck,
                        1_000_000_000 + i as i64,
                        format!("Question {i}"),
                        days_grades.len() as i64,
                        ivl,
                        2500,
                        due,
                        0
                    ],
                    |r| r.get(0),
                )
                .map_err(e)?;
            let mut prev: Option<(Day, i32)> = None;
            for (d, g, iv) in days_grades {
                log.execute(rusqlite::params![
                    id,
                    i64::from(d) * 86_400_000 + 36_000_000,
                    d,
                    g,
                    prev.map_or(0, |p| p.1),
                    iv,
                    prev.map(|p| p.0 + p.1),
                    d + iv
                ])
                .map_err(e)?;
                prev = Some((d, iv));
            }
        }
    }
    tx.commit().map_err(e)?;
    col.conn
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
        .map_err(e)?;
    Ok(())
}

fn time(bin: &Path, db: &Path, args: &[&str], stdin: &str) -> f64 {
    let start = Instant::now();
    let mut child = Command::new(bin)
        .arg("--db")
        .arg(db)
        .arg("-q")
        .args(args)
        .env("PY201_NOW", NOW)
        .env("TZ", "UTC")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut i = child.stdin.take().expect("stdin is piped");
    std::io::Write::write_all(&mut i, stdin.as_bytes()).expect("write py201's input");
    drop(i);
    let status = child.wait().expect("wait");
    assert!(status.success(), "py201 {args:?} failed");
    start.elapsed().as_secs_f64() * 1000.0
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bin = harness::release_binary(root);
    let runs = harness::runs(3);
    let dir = harness::target_dir(root).join("bench");
    std::fs::create_dir_all(&dir).unwrap();
    let today = py201::clock::date_to_day(chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap());
    let db = dir.join(format!("fsrs-{CARDS}.db"));
    if !db.exists() {
        let t = Instant::now();
        let tmp = dir.join("fsrs-generating.db");
        let _ = std::fs::remove_file(&tmp);
        generate(&tmp, today).expect("generate");
        std::fs::rename(&tmp, &db).unwrap();
        eprintln!("generated in {:.1} s", t.elapsed().as_secs_f64());
    }
    let scratch = dir.join("fsrs-scratch.db");
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", scratch.display()));
    }
    std::fs::copy(&db, &scratch).unwrap();
    let reviews: i64 = rusqlite::Connection::open(&scratch)
        .and_then(|c| c.query_row("SELECT count(*) FROM revlog", [], |r| r.get(0)))
        .unwrap();
    println!("| operation ({CARDS} cards, {reviews} reviews) | median ms |");
    println!("|---|---:|");
    let switch = time(&bin, &scratch, &["config", "scheduler", "fsrs"], "");
    println!("| config scheduler fsrs (memory states from the log) | {switch:.0} |");
    let first = harness::median(
        (0..runs.max(5))
            .map(|_| time(&bin, &scratch, &["review"], "q\n"))
            .collect(),
    );
    println!("| review with FSRS on: start to first card, quit | {first:.1} |");
    let opt = harness::median(
        (0..runs)
            .map(|_| time(&bin, &scratch, &["optimize", "--dry-run"], ""))
            .collect(),
    );
    println!("| optimize --dry-run | {opt:.0} |");
}
