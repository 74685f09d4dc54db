//! The statistics queries against hand-worked figures, and their plans.

use super::*;
use crate::collection::cards::Status;
use rusqlite::ToSql;

fn collection_with(cards: usize) -> Collection {
    let mut text = String::from("[deck]\nname = \"D\"\n");
    for i in 0..cards {
        text.push_str(&format!(
            "[[cards]]\nid = \"c{i}\"\nfront = \"q\"\nback = \"a\"\n"
        ));
    }
    let deck = crate::decks::parse("d.toml", &text).unwrap();
    let mut col = Collection::in_memory().unwrap();
    col.sync_decks(&[deck.content], false).unwrap();
    col
}

/// Every combination of the columns `Card::status` reads: the SQL must
/// put each card in the same state, review split at 21 days.
#[test]
fn state_counts_agree_with_card_status() {
    let today: Day = 100;
    let mut combos = Vec::new();
    for retired in [0, 1] {
        for suspended in [0, 1] {
            for buried in [None, Some(today), Some(today + 1)] {
                for due in [None, Some(today + 3)] {
                    for repeat_on in [None, Some(today - 1), Some(today)] {
                        for interval in [1, 20, 21] {
                            combos.push((retired, suspended, buried, due, repeat_on, interval));
                        }
                    }
                }
            }
        }
    }
    let col = collection_with(combos.len());
    for (i, (retired, suspended, buried, due, repeat_on, interval)) in combos.iter().enumerate() {
        col.conn
            .execute(
                "UPDATE cards SET retired = ?2, suspended = ?3, buried_until = ?4, due = ?5,
                   repeat_on = ?6, interval = ?7 WHERE uid = ?1",
                rusqlite::params![
                    format!("c{i}"),
                    retired,
                    suspended,
                    buried,
                    due,
                    repeat_on,
                    interval
                ],
            )
            .unwrap();
    }
    let mut want = StateRow {
        deck: "D".to_string(),
        ..StateRow::default()
    };
    for card in col.cards(None).unwrap() {
        let n = match card.status(today) {
            Status::New => &mut want.new,
            Status::Learning => &mut want.learning,
            Status::Review if card.state.interval < 21 => &mut want.young,
            Status::Review => &mut want.mature,
            Status::Suspended => &mut want.suspended,
            Status::Buried => &mut want.buried,
            Status::Retired => &mut want.retired,
        };
        *n += 1;
    }
    let every = [
        want.new,
        want.learning,
        want.young,
        want.mature,
        want.suspended,
        want.buried,
        want.retired,
    ];
    assert!(every.iter().all(|&n| n > 0), "every state occurs: {want:?}");
    let got = col.state_counts(today, None).unwrap();
    assert_eq!(got, vec![want]);
}

fn plan(col: &Collection, sql: &str, params: &[(&str, &dyn ToSql)]) -> String {
    let mut stmt = col
        .conn
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .unwrap();
    let rows = stmt
        .query_map(params, |r| r.get::<_, String>("detail"))
        .unwrap();
    rows.map(|r| r.unwrap()).collect::<Vec<_>>().join("\n")
}

/// The window queries read today's answers through the log's day index,
/// and past days through the daily summaries' primary key (which starts
/// with the day), never by a scan of every answer ever given.
#[test]
fn window_queries_use_the_day_index() {
    let col = collection_with(1);
    for deck in [None, Some(1_i64)] {
        let (today, from, horizon) = (100, 71, 28);
        let d: &dyn ToSql = &deck;
        for (name, sql, params) in [
            (
                "today",
                TODAY_LOG,
                vec![(":today", &today as &dyn ToSql), (":deck", d)],
            ),
            (
                "streaks",
                STREAKS,
                vec![(":today", &today as &dyn ToSql), (":deck", d)],
            ),
            (
                "daily log",
                DAILY_LOG,
                vec![
                    (":from", &from as &dyn ToSql),
                    (":to", &today),
                    (":deck", d),
                ],
            ),
            (
                "retention",
                RETENTION,
                vec![
                    (":from", &from as &dyn ToSql),
                    (":to", &today),
                    (":deck", d),
                ],
            ),
            (
                "buttons",
                GRADE_COUNTS,
                vec![
                    (":from", &from as &dyn ToSql),
                    (":to", &today),
                    (":deck", d),
                ],
            ),
        ] {
            let p = plan(&col, sql, &params);
            let indexed = if name == "today" {
                p.contains("SEARCH r USING INDEX revlog_day (day=?)")
            } else {
                p.contains("SEARCH s USING PRIMARY KEY (day")
            };
            assert!(indexed, "{name}, deck {deck:?}:\n{p}");
            let scans_log = p
                .lines()
                .any(|l| l == "SCAN r" || l.starts_with("SCAN r ") || l.starts_with("SCAN revlog"));
            assert!(!scans_log, "{name}, deck {deck:?}:\n{p}");
        }
        let params = [
            (":today", &today as &dyn ToSql),
            (":horizon", &horizon),
            (":deck", d),
        ];
        let p = plan(&col, crate::collection::counts::DUE_OFFSETS, &params);
        assert!(p.contains("deck_counts"), "forecast, deck {deck:?}:\n{p}");
        assert!(!p.contains("cards"), "forecast, deck {deck:?}:\n{p}");
        let params = [(":min", &8 as &dyn ToSql), (":deck", d)];
        let p = plan(&col, LEECHES, &params);
        assert!(
            p.contains("SEARCH c USING INDEX cards_hardest (lapses>?)"),
            "leeches, deck {deck:?}:\n{p}"
        );
    }
}

/// The card counts of `decks` and `stats` never read every card: the
/// per-deck counts, then each of today's exceptions through its own index.
#[test]
fn card_counts_read_no_card_but_todays_exceptions() {
    use crate::collection::counts::{CLASS_COUNTS, DECK_ROWS, TODAYS_EXCEPTIONS};
    let col = collection_with(1);
    let today: Day = 100;
    for deck in [None, Some(1_i64)] {
        let d: &dyn ToSql = &deck;
        for (name, sql, params) in [
            ("classes", CLASS_COUNTS, vec![(":deck", d)]),
            (
                "exceptions",
                TODAYS_EXCEPTIONS,
                vec![(":today", &today as &dyn ToSql), (":deck", d)],
            ),
            ("decks", DECK_ROWS, vec![(":today", &today as &dyn ToSql)]),
        ] {
            let p = plan(&col, sql, &params);
            let full_scan = p.lines().any(|l| {
                let l = l.trim_start_matches(|c: char| !c.is_ascii_alphabetic());
                (l.starts_with("SCAN c") || l.starts_with("SCAN cards"))
                    && !l.contains("INDEX cards_buried")
                    && !l.contains("INDEX cards_repeat")
                    && !l.contains("INDEX cards_step")
            });
            assert!(!full_scan, "{name}, deck {deck:?}:\n{p}");
            if name == "exceptions" {
                for index in ["cards_buried", "cards_repeat", "cards_step"] {
                    assert!(p.contains(index), "{name}: {index}\n{p}");
                }
            }
        }
    }
}
