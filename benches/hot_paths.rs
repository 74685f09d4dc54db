//! In-process hot paths: scheduling one answer (pure), finding the next
//! card, and one answer's whole transaction, on a generated collection.
//!
//!     cargo bench --bench hot_paths

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/gen.rs"]
mod generator;

use criterion::{Criterion, criterion_group, criterion_main};
use py201::collection::{Collection, cards::AnswerTime};
use py201::scheduler::{CardState, Ease, FuzzSeed, Grade, Scheduler, Settings, sm2::Sm2};
use std::hint::black_box;

fn benches(c: &mut Criterion) {
    let sched = Sm2::new(Settings::default());
    let state = CardState {
        reps: 4,
        interval: 40,
        ease: Ease(2500),
        due: Some(20_000),
        lapses: 1,
        repeat_on: None,
        ..CardState::NEW
    };
    let g = Grade::try_from(4).unwrap();
    c.bench_function("sm2: schedule one answer", |b| {
        b.iter(|| sched.answer(black_box(&state), g, black_box(20_000), FuzzSeed(1)))
    });

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let today = 20_600;
    generator::generate(&path, 100_000, 1_000_000, 7, today).unwrap();
    let mut col = Collection::open(&path).unwrap();
    c.bench_function("queue: next due card (100k cards)", |b| {
        b.iter(|| col.next_due(black_box(today), None))
    });
    c.bench_function("queue: today's counts (100k cards)", |b| {
        b.iter(|| col.day_counts(black_box(today), None))
    });
    // The same card answered over and over: the cost is the transaction
    // (read state, update card, insert log row, commit), not the queue.
    let card = col
        .next_due(today, None)
        .unwrap()
        .expect("the generated collection has a due card");
    c.bench_function("answer: whole transaction (100k cards, 1M reviews)", |b| {
        b.iter(|| {
            let at = AnswerTime {
                time_ms: 0,
                day: today,
                taken_ms: 1000,
            };
            col.answer(card.id, g, at, None, |st| {
                sched.answer(st, g, today, FuzzSeed(1))
            })
        })
    });
}

criterion_group! {
    name = hot;
    config = Criterion::default().sample_size(30);
    targets = benches
}
criterion_main!(hot);
