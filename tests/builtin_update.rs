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
