//! Every statement on the daily path (building the queue, answering, undo,
//! the session's counts and summary, `py201 decks`) uses an index: each one
//! is recorded as it runs, then EXPLAIN QUERY PLAN must show no full scan of
//! the cards table or the review log, and no statement but a queue's own
//! (with its LIMIT) walks a queue's index: not `decks` nor the card counts
//! of `stats`, which read the per-deck counts (schema 9), and not the
//! first card of a collection of new cards only.

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use py201::collection::{Collection, cards::AnswerTime};
use py201::decks::parse;
use py201::scheduler::{FuzzSeed, Grade, Scheduler, Settings, sm2::Sm2};
use rusqlite::trace::{TraceEvent, TraceEventCodes};
use std::sync::{Arc, Mutex};

fn deck(name: &str, n: usize) -> py201::model::DeckContent {
    let mut s = format!("[deck]\nname = \"{name}\"\n");
    for i in 0..n {
        s.push_str(&format!(
            "\n[[cards]]\nid = \"{name}-{i}\"\nfront = \"Q{i}?\"\nback = \"A{i}\"\n"
        ));
    }
    parse("d.toml", &s).unwrap().content
}

/// Runs `f`, returning the distinct statements it executed (trigger bodies
/// aside: they run inside the statements that fire them).
fn recorded(col: &mut Collection, f: impl FnOnce(&mut Collection)) -> Vec<String> {
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = seen.clone();
    col.conn
        .trace_v2(
            TraceEventCodes::SQLITE_TRACE_STMT,
            Some(move |e: TraceEvent<'_>| {
                if let TraceEvent::Stmt(stmt, text) = e {
                    if !text.starts_with("--") {
                        // Never drop a statement; a panic here would abort
                        // (it is called from SQLite), so take a poisoned
                        // lock's data as it is.
                        let mut v = sink.lock().unwrap_or_else(|e| e.into_inner());
                        let sql = stmt.sql().into_owned();
                        if !v.contains(&sql) {
                            v.push(sql);
                        }
                    }
                }
            }),
        )
        .unwrap();
    f(col);
    col.conn
        .trace_v2(TraceEventCodes::empty(), None::<fn(TraceEvent<'_>)>)
        .unwrap();
    seen.lock().unwrap().clone()
}

/// The plan's lines for one statement.
fn plan(col: &Collection, sql: &str) -> Vec<String> {
    let mut st = col
        .conn
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .unwrap_or_else(|e| panic!("{e}: {sql}"));
    // Parameters stay unbound (NULL): the plan is chosen before binding.
    let mut rows = st.raw_query();
    let mut out = Vec::new();
    while let Some(r) = rows.next().unwrap() {
        out.push(r.get::<_, String>(3).unwrap());
    }
    out
}

/// The partial indexes that hold only one queue's cards (schema.sql): walking
/// one in order with a LIMIT reads the few cards the session shows next.
const QUEUE_INDEXES: [&str; 4] = ["cards_due", "cards_new", "cards_repeat", "cards_step"];

/// Whether a plan line reads all of `cards` or `revlog` (under any alias):
/// a SCAN of the table, or of an index that holds every row (allowed with
/// `covering_ok` when it is a covering index: `decks` must count every card).
fn full_scan(line: &str, covering_ok: bool) -> bool {
    let Some(rest) = line.strip_prefix("SCAN ") else {
        return false;
    };
    let table = rest.split_whitespace().next().unwrap_or("");
    if !matches!(table, "cards" | "c" | "revlog" | "r") {
        return false;
    }
    let index = rest.split_whitespace().last().unwrap_or("");
    if rest.contains(" INDEX ") && QUEUE_INDEXES.contains(&index) {
        return false;
    }
    !(covering_ok && rest.contains("USING COVERING INDEX"))
}

#[test]
fn the_daily_path_never_scans_cards_or_the_log() {
    let mut col = Collection::in_memory().unwrap();
    col.sync_decks(&[deck("a", 300), deck("b", 300)], false)
        .unwrap();
    let deck_b = col.deck_id("b").unwrap();
    let sm2 = Sm2::new(Settings {
        fuzz: false,
        max_interval: 36_500,
    });
    let today = 20_000;
    // Some history first, so the planner sees a collection in use.
    for day in today - 30..today {
        for _ in 0..5 {
            let Some(c) = col.next_new(day, None).unwrap() else {
                break;
            };
            let g = Grade::try_from(4).unwrap();
            let at = AnswerTime {
                time_ms: 0,
                day,
                taken_ms: 900,
            };
            col.answer(c.id, g, at, None, |s| sm2.answer(s, g, day, FuzzSeed(7)))
                .unwrap()
                .expect("answered");
        }
    }
    let queue = recorded(&mut col, |col| {
        for deck in [None, Some(deck_b)] {
            col.day_counts(today, deck).unwrap();
            col.next_repeat(today, deck).unwrap();
            col.next_learning(today, deck).unwrap();
            col.next_due(today, deck).unwrap();
            col.next_new(today, deck).unwrap();
            col.next_due_day(today, deck).unwrap();
        }
        let c = col.next_due(today, None).unwrap().expect("a card is due");
        col.card(c.id).unwrap();
        for q in [2, 4] {
            let g = Grade::try_from(q).unwrap();
            let at = AnswerTime {
                time_ms: 1,
                day: today,
                taken_ms: 900,
            };
            let shown = Some(col.card(c.id).unwrap().expect("the due card").state);
            let (_, _, log) = col
                .answer(c.id, g, at, shown.as_ref(), |s| {
                    sm2.answer(s, g, today, FuzzSeed(7))
                })
                .unwrap()
                .expect("answered");
            if q == 4 {
                col.undo_answer(log).unwrap();
            }
        }
        col.set_buried_until(c.id, Some(today + 1)).unwrap();
        col.set_suspended(c.id, true).unwrap();
        col.current_streak(today).unwrap();
        col.new_card_count(today, None).unwrap();
    });
    assert!(queue.len() >= 10, "recorded {queue:#?}");
    let decks = recorded(&mut col, |col| {
        col.deck_counts(today).unwrap();
        col.state_counts(today, None).unwrap();
    });
    assert!(!decks.is_empty());
    let mut bad = Vec::new();
    for (sqls, covering_ok) in [(&queue, false), (&decks, false)] {
        for sql in sqls {
            let p = plan(&col, sql);
            if p.iter().any(|l| full_scan(l, covering_ok)) {
                bad.push(format!("{sql}\n  -> {}", p.join("\n  -> ")));
            }
        }
    }
    assert!(bad.is_empty(), "full scans:\n{}", bad.join("\n\n"));
}

/// Whether a statement walks the index of every new or every due card to
/// its end: a SCAN of one with no LIMIT to stop it (counting every new
/// card grew with them). The indexes of same-day repeats and learning
/// steps hold only the cards in learning today.
fn walks_a_queue(sql: &str, plan: &[String]) -> bool {
    !sql.contains("LIMIT")
        && plan.iter().any(|l| {
            l.starts_with("SCAN ") && (l.ends_with("cards_new") || l.ends_with("cards_due"))
        })
}

/// A collection just imported, every card new and no history: the first
/// card, the header's counts and the summary (today's, tomorrow's, the
/// next due day, the new cards waiting), `decks` and the card counts of
/// `stats` read a few index entries each, never all the new cards.
#[test]
fn the_first_card_of_an_all_new_collection_reads_no_other_card() {
    let mut col = Collection::in_memory().unwrap();
    col.sync_decks(&[deck("a", 300), deck("b", 300)], false)
        .unwrap();
    let deck_b = col.deck_id("b").unwrap();
    let today = 20_000;
    let first = recorded(&mut col, |col| {
        for deck in [None, Some(deck_b)] {
            for day in [today, today + 1] {
                col.day_counts(day, deck).unwrap();
            }
            col.next_repeat(today, deck).unwrap();
            col.next_learning(today, deck).unwrap();
            col.next_due(today, deck).unwrap();
            col.next_new(today, deck).unwrap().expect("a new card");
            col.next_due_day(today, deck).unwrap();
            col.new_card_count(today, deck).unwrap();
            col.state_counts(today, deck).unwrap();
            col.due_offsets(today, 28, deck).unwrap();
        }
        col.deck_counts(today).unwrap();
    });
    assert!(first.len() >= 10, "recorded {first:#?}");
    let mut bad = Vec::new();
    for sql in &first {
        let p = plan(&col, sql);
        if p.iter().any(|l| full_scan(l, false)) || walks_a_queue(sql, &p) {
            bad.push(format!("{sql}\n  -> {}", p.join("\n  -> ")));
        }
    }
    assert!(
        bad.is_empty(),
        "reads every new card:\n{}",
        bad.join("\n\n")
    );
}

/// The check itself catches a scan: a query without a usable index fails it.
#[test]
fn the_check_sees_a_full_scan() {
    let col = Collection::in_memory().unwrap();
    let p = plan(&col, "SELECT count(*) FROM cards c WHERE c.front = 'x'");
    assert!(p.iter().any(|l| full_scan(l, false)), "{p:?}");
    let p = plan(&col, "SELECT * FROM revlog r WHERE r.taken_ms > 5");
    assert!(p.iter().any(|l| full_scan(l, true)), "{p:?}");
    let p = plan(&col, "SELECT * FROM cards WHERE id = 1");
    assert!(!p.iter().any(|l| full_scan(l, false)), "{p:?}");
    // Counting every new card walks their index to its end.
    let count_new = "SELECT count(*) FROM cards c INDEXED BY cards_new
                     WHERE c.due IS NULL AND c.retired = 0 AND c.suspended = 0";
    assert!(walks_a_queue(count_new, &plan(&col, count_new)));
    let first_new = "SELECT id FROM cards c INDEXED BY cards_new WHERE c.due IS NULL AND c.retired = 0 AND c.suspended = 0 ORDER BY position LIMIT 1";
    assert!(!walks_a_queue(first_new, &plan(&col, first_new)));
    // Walking the index of every card's state is a full scan on the queue path.
    let p = plan(&col, "SELECT count(*) FROM cards c WHERE c.ease > 0");
    assert!(p.iter().any(|l| full_scan(l, false)), "{p:?}");
}

/// The search filters on indexed columns use their index: a query on a
/// deck, a queue state, the due day, an id or recent answers never reads
/// every card (or every answer).
#[test]
fn indexed_search_filters_never_scan_cards_or_the_log() {
    let mut col = Collection::in_memory().unwrap();
    col.sync_decks(&[deck("a", 300), deck("b", 300)], false)
        .unwrap();
    let today = 20_000;
    let scope = col.search_scope(today, None).unwrap();
    let in_b = py201::collection::search::Scope {
        deck: Some(col.deck_id("b").unwrap()),
        ..scope
    };
    let mut bad = Vec::new();
    for (q, scope) in [
        ("deck:a", &scope),
        ("deck:a*", &scope),
        ("is:new", &scope),
        ("is:new", &in_b),
        ("is:due", &scope),
        ("prop:due<0", &scope),
        ("prop:due=1", &in_b),
        ("id:a-7", &scope),
        ("rated:7", &scope),
        ("rated:1:1", &scope),
        ("introduced:7", &scope),
        ("deck:b is:due", &scope),
    ] {
        let node = py201::search::parse(q).unwrap();
        let compiled = col.compile(&node, scope).unwrap();
        let sql = Collection::search_statement(&compiled);
        let p = plan(&col, &sql);
        if p.iter().any(|l| full_scan(l, false)) {
            bad.push(format!("{q}\n  -> {}", p.join("\n  -> ")));
        }
    }
    assert!(bad.is_empty(), "full scans:\n{}", bad.join("\n\n"));
}

/// `py201 review QUERY`: the queue narrowed to the cards a search found
/// still walks the queue's indexes, never the whole table.
#[test]
fn a_review_narrowed_by_a_search_never_scans_cards() {
    let mut col = Collection::in_memory().unwrap();
    col.sync_decks(&[deck("a", 300), deck("b", 300)], false)
        .unwrap();
    let today = 20_000;
    let scope = col.search_scope(today, None).unwrap();
    let node = py201::search::parse("deck:b -id:b-7").unwrap();
    let compiled = col.compile(&node, &scope).unwrap();
    assert_eq!(col.restrict_review(&compiled).unwrap(), 299);
    let queue = recorded(&mut col, |col| {
        col.day_counts(today, None).unwrap();
        col.next_repeat(today, None).unwrap();
        col.next_learning(today, None).unwrap();
        col.next_due(today, None).unwrap();
        let first = col.next_new(today, None).unwrap().expect("a new card");
        assert_eq!(first.uid, "b-0");
        col.next_due_day(today, None).unwrap();
        col.new_card_count(today, None).unwrap();
    });
    assert!(
        queue.iter().all(|q| q.contains("review_scope")),
        "{queue:#?}"
    );
    let bad: Vec<String> = queue
        .iter()
        .map(|sql| (sql, plan(&col, sql)))
        .filter(|(_, p)| p.iter().any(|l| full_scan(l, false)))
        .map(|(sql, p)| format!("{sql}\n  -> {}", p.join("\n  -> ")))
        .collect();
    assert!(bad.is_empty(), "full scans:\n{}", bad.join("\n\n"));
}

/// A session counts what is left before every card, no further than it
/// can still show: with `review --limit N` at most N due and N new cards
/// are counted, however many are due (a high review limit with tens of
/// thousands due made 1,000 answers take seconds, the benchmark's row).
#[test]
fn a_session_counts_no_further_than_it_can_show() {
    let mut col = Collection::in_memory().unwrap();
    col.sync_decks(&[deck("a", 300)], false).unwrap();
    let today = 20_000;
    col.conn
        .execute(
            "UPDATE cards SET due = ?1, interval = 1, reps = 1 WHERE position % 2 = 0",
            [today - 1],
        )
        .unwrap();
    let all = col.day_counts(today, None).unwrap();
    assert_eq!(
        (all.due, all.new),
        (150, 20),
        "the daily limits: 200 due, 20 new"
    );
    let within = col.day_counts_within(today, None, 7).unwrap();
    assert_eq!((within.due, within.new), (7, 7));
}
