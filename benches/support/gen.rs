//! Writes a benchmark collection: N cards in 20 decks, R review-log rows,
//! half of the cards due today or overdue, 10% new, the rest due within a
//! year. Deterministic from a seed. It goes through py201's own schema (a
//! collection opened by the library) and then inserts rows directly, the way
//! years of reviews would have left them.

use py201::clock::Day;
use py201::collection::Collection;
use rand::{RngExt, SeedableRng, rngs::StdRng};
use std::path::Path;

pub fn generate(
    path: &Path,
    cards: usize,
    reviews: usize,
    seed: u64,
    today: Day,
) -> Result<(), String> {
    let mut col = Collection::open(path).map_err(|e| e.to_string())?;
    py201::decks::builtin::ensure(&mut col, 0).map_err(|e| e.to_string())?;
    let mut rng = StdRng::seed_from_u64(seed);
    let tx = col.conn.transaction().map_err(|e| e.to_string())?;
    {
        let mut deck = tx
            .prepare("INSERT INTO decks (name, description, position, builtin) VALUES (?1, '', ?2, 0) RETURNING id")
            .map_err(|e| e.to_string())?;
        let mut note = tx
            .prepare("INSERT INTO notes (id, deck_id, position, fields) VALUES (?1, ?2, ?3, ?4)")
            .map_err(|e| e.to_string())?;
        let mut card = tx
            .prepare(
                "INSERT INTO cards (uid, note_id, deck_id, position, kind, front, back, tags, source,
                    reps, interval, ease, due, lapses)
                 VALUES (?1, ?1, ?2, ?3, 'basic', ?4, ?5, 'bench', 'Benchmark', ?6, ?7, ?8, ?9, ?10)",
            )
            .map_err(|e| e.to_string())?;
        let decks: Vec<i64> = (0..20)
            .map(|d| {
                deck.query_row(rusqlite::params![format!("Bench {d:02}"), 1000 + d], |r| {
                    r.get(0)
                })
            })
            .collect::<Result<_, _>>()
            .map_err(|e| e.to_string())?;
        // Deck by deck, as importing 20 deck files would store them (card i
        // is in deck i % 20): a deck's rows are then next to each other in
        // the table, as in a real collection. Interleaved row by row, a TSV
        // export (which reads deck by deck) seeks the table for every card
        // and takes about twice as long (250 ms for 100,000 cards).
        for i in (0..20).flat_map(|d| (d..cards).step_by(20)) {
            let d = i % 20;
            let uid = format!("bench-{i}");
            let front = format!("Benchmark question number {i}: what does this card ask?");
            let back = format!("Answer {i}, short and to the point.");
            // As an import stores it: a note that is exactly its card has
            // no text of its own (schema 4).
            let pos = (1000 + d as i64) * 1_000_000 + (i / 20) as i64;
            note.execute(rusqlite::params![uid, decks[d], pos, ""])
                .map_err(|e| e.to_string())?;
            let roll = rng.random_range(0..100);
            let (reps, interval, ease, due, lapses): (u32, u32, u32, Option<Day>, u32) =
                if roll < 10 {
                    (0, 0, 2500, None, 0)
                } else {
                    let interval = rng.random_range(1..400);
                    let due = if roll < 60 {
                        today - rng.random_range(0..30)
                    } else {
                        today + rng.random_range(1..365)
                    };
                    (
                        rng.random_range(1..12),
                        interval,
                        rng.random_range(1300..3000),
                        Some(due),
                        rng.random_range(0..5),
                    )
                };
            card.execute(rusqlite::params![
                uid, decks[d], pos, front, back, reps, interval, ease, due, lapses
            ])
            .map_err(|e| e.to_string())?;
        }
        let mut log = tx
            .prepare(
                "INSERT INTO revlog (card_id, time_ms, day, grade, is_repeat, taken_ms, reps_before, reps_after,
                    interval_before, interval_after, ease_before, ease_after, due_before, due_after,
                    lapses_before, lapses_after)
                 VALUES (?1, ?2, ?3, ?4, 0, ?5, 1, 2, ?6, ?7, 2500, 2500, ?8, ?9, 0, 0)",
            )
            .map_err(|e| e.to_string())?;
        let first: i64 = tx
            .query_row(
                "SELECT min(id) FROM cards WHERE uid LIKE 'bench-%'",
                [],
                |r| r.get(0),
            )
            .map_err(|e| e.to_string())?;
        for _ in 0..reviews {
            let c = first + rng.random_range(0..cards as i64);
            let day = today - rng.random_range(1..365);
            let ivl: i64 = rng.random_range(1..100);
            let time = i64::from(day) * 86_400_000 + 36_000_000;
            log.execute(rusqlite::params![
                c,
                time,
                day,
                rng.random_range(0..6),
                rng.random_range(2000..20000),
                ivl,
                ivl * 2,
                day,
                day + ivl as i32
            ])
            .map_err(|e| e.to_string())?;
        }
    }
    tx.commit().map_err(|e| e.to_string())?;
    col.conn
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
        .map_err(|e| e.to_string())?;
    Ok(())
}
