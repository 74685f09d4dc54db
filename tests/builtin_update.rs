//! A newer binary's decks reach an existing collection: text updated in
//! place by id, new cards added, removed ones retired, progress kept, and one
//! line says what changed.

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;

#[test]
fn changed_builtin_decks_update_the_collection_in_place() {
    let env = empty_env();
    env.run_ok(T0, &["config", "fuzz", "off"], "");
    // Review the first built-in card so it has progress to keep.
    let out = env.run_ok(T0, &["review", "--limit", "1"], "\n5\n");
    assert_eq!(questions(&out).len(), 1);
    let first = py201::decks::builtin::decks().unwrap().remove(0);
    let card = &first.cards[0];
    // Make the collection look like one made by an older py201: that card's
    // text was different, one card did not exist yet, and one card existed
    // that the new decks no longer have.
    {
        let conn = rusqlite::Connection::open(&env.db).unwrap();
        conn.execute(
            "UPDATE cards SET front = 'old wording' WHERE uid = ?1",
            [&card.uid],
        )
        .unwrap();
        let gone = &first.cards[1].uid;
        conn.execute("DELETE FROM cards WHERE uid = ?1", [gone])
            .unwrap();
        conn.execute_batch(&format!(
            "INSERT INTO notes (id, deck_id, position, fields) SELECT 'old-note', deck_id, 0, '{{}}' FROM cards WHERE uid = '{}';
             INSERT INTO cards (uid, note_id, deck_id, position, kind, front, back)
               SELECT 'old-card', 'old-note', deck_id, 0, 'basic', 'q', 'a' FROM cards WHERE uid = '{}';
             UPDATE meta SET value = 'older' WHERE key = 'builtin_decks_hash';",
            card.uid, card.uid
        ))
        .unwrap();
    }
    let out = env.cmd(T0).arg("decks").output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err.trim(),
        "py201: built-in decks updated: 1 added, 1 updated, 1 retired (progress kept)"
    );
    let c = env.card(T0, &first.name, &card.uid);
    assert_eq!(
        c["front"],
        serde_json::json!(card.front),
        "text updated in place"
    );
    assert_eq!(
        (&c["reps"], &c["ef"]),
        (&serde_json::json!(1), &serde_json::json!(2.6)),
        "progress kept"
    );
    assert_eq!(env.card(T0, &first.name, "old-card")["state"], "retired");
    // The next start has nothing to do and says nothing.
    let out = env.cmd(T0).arg("decks").output().unwrap();
    assert!(out.stderr.is_empty());
}

/// A collection made before issue 20 reworked the decks: a basic card that
/// became a cloze note (`fn-param-kinds-list`), cards merged away
/// (`dm-op-plus`, `ft-cp-lock-311`), a card reworded under its id
/// (`gil-not-thread-safety`) and a card that did not exist
/// (`gil-race-where-it-shows`). The update retires what went, with its
/// progress, adds the new cards, and rewrites the reworded one in place.
#[test]
fn decks_from_before_the_design_rework_update_by_id() {
    let env = empty_env();
    env.run_ok(T0, &["decks"], "");
    {
        let conn = rusqlite::Connection::open(&env.db).unwrap();
        conn.execute_batch(
            "DELETE FROM cards WHERE uid LIKE 'fn-param-kinds-list:c%' OR uid = 'gil-race-where-it-shows';
             INSERT INTO cards (uid, note_id, deck_id, position, kind, front, back, reps, interval, due)
               SELECT 'fn-param-kinds-list', 'fn-param-kinds-list', deck_id, 0, 'basic',
                      'Name the five parameter kinds', 'POSITIONAL_ONLY, ...', 3, 6, 20000
               FROM cards WHERE uid = 'fn-posonly-why';
             INSERT INTO cards (uid, note_id, deck_id, position, kind, front, back, reps)
               SELECT 'dm-op-plus', 'dm-op-plus', deck_id, 0, 'basic', 'a + b?', '__add__', 2
               FROM cards WHERE uid = 'dm-data-model-definition';
             INSERT INTO cards (uid, note_id, deck_id, position, kind, front, back, reps)
               SELECT 'ft-cp-lock-311', 'ft-cp-lock-311', deck_id, 0, 'typed', 'q', '1', 1
               FROM cards WHERE uid = 'ft-cp-lock-history';
             UPDATE cards SET front = 'Why can counter += 1 lose updates even with the GIL?', reps = 4
               WHERE uid = 'gil-not-thread-safety';
             UPDATE meta SET value = 'older' WHERE key = 'builtin_decks_hash';",
        )
        .unwrap();
    }
    let out = env.cmd(T0).arg("decks").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "py201: built-in decks updated: 6 added, 1 updated, 3 retired (progress kept)"
    );
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    let state = |uid: &str| -> (i64, i64) {
        conn.query_row(
            "SELECT retired, reps FROM cards WHERE uid = ?1",
            [uid],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    };
    for (uid, reps) in [
        ("fn-param-kinds-list", 3),
        ("dm-op-plus", 2),
        ("ft-cp-lock-311", 1),
    ] {
        assert_eq!(state(uid), (1, reps), "{uid} retired, history kept");
    }
    for n in 1..=5 {
        assert_eq!(state(&format!("fn-param-kinds-list:c{n}")), (0, 0));
    }
    assert_eq!(state("gil-race-where-it-shows"), (0, 0));
    let front: String = conn
        .query_row(
            "SELECT front FROM cards WHERE uid = 'gil-not-thread-safety'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(front.contains("guaranteed to be atomic"), "{front}");
    assert_eq!(state("gil-not-thread-safety"), (0, 4), "progress kept");
}
