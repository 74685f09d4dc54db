//! The storage layer in memory: deck sync keeps progress, undo is exact.

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use py201::clock::Day;
use py201::collection::{Collection, cards::AnswerTime};
use py201::decks::parse;
use py201::scheduler::{CardState, FuzzSeed, Grade, Scheduler, Settings, sm2::Sm2};

fn deck(cards: &[(&str, &str)]) -> py201::model::DeckContent {
    let mut s = String::from("[deck]\nname = \"D\"\n");
    for (id, front) in cards {
        s.push_str(&format!(
            "\n[[cards]]\nid = \"{id}\"\nfront = \"{front}\"\nback = \"x\"\n"
        ));
    }
    parse("d.toml", &s).unwrap().content
}

fn answer(col: &mut Collection, id: i64, q: u8, day: Day) -> i64 {
    let g = Grade::try_from(q).unwrap();
    let s = Sm2::new(Settings {
        fuzz: false,
        max_interval: 36_500,
    });
    let at = AnswerTime {
        time_ms: 0,
        day,
        taken_ms: 1000,
    };
    col.answer(id, g, at, None, |st| s.answer(st, g, day, FuzzSeed(0)))
        .unwrap()
        .expect("the card exists, so it is answered")
        .2
}

#[test]
fn resync_updates_text_in_place_adds_and_retires_without_losing_progress() {
    let mut col = Collection::in_memory().unwrap();
    let r = col
        .sync_decks(&[deck(&[("a", "A?"), ("b", "B?"), ("c", "C?")])], false)
        .unwrap();
    assert_eq!((r.added, r.updated, r.unchanged, r.retired), (3, 0, 0, 0));
    let a = col
        .next_new(100, None)
        .unwrap()
        .expect("three new cards were added");
    answer(&mut col, a.id, 5, 100);
    answer(&mut col, a.id, 4, 101);
    let before = col.card(a.id).unwrap().expect("card a").state;
    // Typo fixed in a, b removed, d added.
    let r = col
        .sync_decks(
            &[deck(&[("a", "A, fixed?"), ("c", "C?"), ("d", "D?")])],
            false,
        )
        .unwrap();
    assert_eq!((r.added, r.updated, r.unchanged, r.retired), (1, 1, 1, 1));
    let cards = col.cards(None).unwrap();
    let a2 = cards
        .iter()
        .find(|c| c.uid == "a")
        .expect("card a is still stored");
    assert_eq!(a2.front, "A, fixed?");
    assert_eq!(a2.state, before, "progress kept across a text change");
    assert!(cards.iter().any(|c| c.uid == "b" && c.retired));
    assert_eq!(col.revlog_count().unwrap(), 2, "history kept");
    // Syncing the same content again changes nothing.
    let r = col
        .sync_decks(
            &[deck(&[("a", "A, fixed?"), ("c", "C?"), ("d", "D?")])],
            false,
        )
        .unwrap();
    assert!(!r.changed());
    // A retired card that comes back is live again, with its history.
    let r = col
        .sync_decks(
            &[deck(&[
                ("a", "A, fixed?"),
                ("b", "B?"),
                ("c", "C?"),
                ("d", "D?"),
            ])],
            false,
        )
        .unwrap();
    assert_eq!((r.added, r.updated), (0, 1));
}

/// A deck of `ids`, each card's front "F<id>", under the name `name`.
fn named_deck(name: &str, ids: impl Iterator<Item = usize>) -> py201::model::DeckContent {
    let mut d = deck(&[]);
    let cards: Vec<(String, String)> = ids.map(|i| (format!("k{i}"), format!("F{i}"))).collect();
    let refs: Vec<(&str, &str)> = cards
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let full = deck(&refs);
    d.name = name.to_string();
    d.cards = full.cards;
    d.notes = full.notes;
    d
}

#[test]
fn large_syncs_mixing_new_and_stored_cards_keep_every_card_in_its_place() {
    // Cards are written in batches of a few hundred: new and stored cards
    // interleave across batch boundaries here, and every card must still end
    // up with its own text, in file order, once.
    let mut col = Collection::in_memory().unwrap();
    let r = col
        .sync_decks(&[named_deck("D", (0..900).step_by(3))], false)
        .unwrap();
    assert_eq!((r.added, r.updated, r.unchanged), (300, 0, 0));
    let mut full = named_deck("D", 0..900);
    full.cards[600].front = "changed".into();
    let r = col.sync_decks(&[full], false).unwrap();
    assert_eq!((r.added, r.updated, r.unchanged), (600, 1, 299));
    let cards = col.cards(None).unwrap();
    let ours: Vec<_> = cards.iter().filter(|c| c.uid.starts_with('k')).collect();
    assert_eq!(ours.len(), 900);
    for (i, c) in ours.iter().enumerate() {
        assert_eq!(c.uid, format!("k{i}"), "file order");
        let front = if i == 600 {
            "changed".into()
        } else {
            format!("F{i}")
        };
        assert_eq!(c.front, front, "card k{i}");
    }
    let mut ids: Vec<i64> = ours.iter().map(|c| c.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 900, "one row per card");

    // A second deck that repeats a card of D far into its batch conflicts,
    // and the whole sync changes nothing.
    let other = named_deck("E", (1000..1400).chain([700]).chain(1400..1500));
    let r = col.sync_decks(&[other], false).unwrap();
    assert_eq!(
        r.conflicts,
        vec!["card id \"k700\" already belongs to deck \"D\"".to_string()]
    );
    assert_eq!(col.cards(None).unwrap().len(), cards.len());
    // The same card twice among new ones of one sync is caught too.
    let r = col
        .sync_decks(
            &[
                named_deck("F", 2000..2300),
                named_deck("G", (2300..2400).chain([2100])),
            ],
            false,
        )
        .unwrap();
    assert_eq!(
        r.conflicts,
        vec!["card id \"k2100\" is in two imported decks (\"F\" and \"G\")".to_string()]
    );
    assert_eq!(col.cards(None).unwrap().len(), cards.len());
}

#[test]
fn undo_restores_the_exact_state_and_removes_the_log_row() {
    let mut col = Collection::in_memory().unwrap();
    col.sync_decks(&[deck(&[("a", "A?")])], false).unwrap();
    let id = col.cards(None).unwrap()[0].id;
    let mut states = vec![CardState::NEW];
    let mut logs = vec![];
    for (q, day) in [(5, 10), (1, 11), (2, 11), (4, 11), (5, 12)] {
        logs.push(answer(&mut col, id, q, day));
        states.push(col.card(id).unwrap().expect("card a").state);
    }
    while let Some(log) = logs.pop() {
        states.pop();
        assert!(col.undo_answer(log).unwrap(), "log {log} is undone");
        let now = col.card(id).unwrap().expect("card a").state;
        assert_eq!(Some(&now), states.last());
    }
    assert_eq!(col.revlog_count().unwrap(), 0);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// For any grade sequence, undoing answers one by one walks back through
    /// exactly the states the card had.
    #[test]
    fn undo_restores_every_previous_state(answers in proptest::collection::vec((0u8..=5, 0i32..3), 1..25)) {
        let mut col = Collection::in_memory().unwrap();
        col.sync_decks(&[deck(&[("a", "A?")])], false).unwrap();
        let id = col.cards(None).unwrap()[0].id;
        let mut states = vec![CardState::NEW];
        let mut logs = vec![];
        let mut day = 100;
        for (q, gap) in answers {
            day += gap;
            logs.push(answer(&mut col, id, q, day));
            states.push(col.card(id).unwrap().expect("card a").state);
        }
        while let Some(log) = logs.pop() {
            states.pop();
            proptest::prop_assert!(col.undo_answer(log).unwrap(), "log {} is undone", log);
            let now = col.card(id).unwrap().expect("card a").state;
            proptest::prop_assert_eq!(Some(&now), states.last());
        }
    }
}

#[test]
fn notes_kept_as_their_card_come_back_exactly_as_authored() {
    // Notes that are exactly their one card are stored without a JSON copy
    // (schema v4); every other note keeps its JSON. Both must give back the
    // note as written, in exports and in backups.
    let text = r#"
[deck]
name = "D"

[[cards]]
id = "plain"
source = "Somewhere"
front = "F?"
back = "B"
tags = ["x", "y"]

[[cards]]
id = "typed"
kind = "typed"
front = "What does this print?"
code = "print(1)"
back = "1"

[[cards]]
id = "hint"
front = "F?"
back = "B"
ref = "https://docs.python.org/3/"

[[cards]]
id = "cl"
kind = "cloze"
text = "{{c1::a}} and {{c2::b}}"

[[cards]]
id = "spaced"
front = "  F?  "
back = "B"

[[cards]]
id = "basic-said"
kind = "basic"
front = "F?"
back = "B"
"#;
    #[derive(serde::Deserialize)]
    struct File {
        #[allow(dead_code)]
        deck: toml::Value,
        cards: Vec<py201::decks::NoteSpec>,
    }
    let authored: File = toml::from_str(text).unwrap();
    let deck = parse("d.toml", text).unwrap();
    let lean: Vec<&str> = deck
        .content
        .notes
        .iter()
        .filter(|n| n.fields.is_empty())
        .map(|n| n.id.as_str())
        .collect();
    assert_eq!(lean, ["plain", "typed"]);
    let mut col = Collection::in_memory().unwrap();
    col.sync_decks(&[deck.content], false).unwrap();
    let decks = col.deck_notes(None).unwrap();
    let d = decks.iter().find(|d| d.name == "D").expect("deck D");
    let exported: Vec<py201::decks::NoteSpec> =
        d.notes.iter().map(|(id, n)| n.spec(id).unwrap()).collect();
    assert_eq!(exported, authored.cards);
    let dump = col.dump().unwrap();
    for spec in &authored.cards {
        let id = spec.id.clone().expect("every card in the deck has an id");
        let row = dump
            .notes
            .iter()
            .find(|n| n.id == id)
            .unwrap_or_else(|| panic!("{id} in the backup"));
        let backed_up: py201::decks::NoteSpec =
            serde_json::from_str(&row.fields).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(&backed_up, spec, "{id}");
    }
}

/// Schema 6: only notes that are not exactly their card have a row. A note
/// that changes kind on re-import gains or loses its row, a restore stores
/// rows only for those notes, and a backup that leaves a card's note out is
/// refused with nothing changed.
#[test]
fn only_notes_that_are_not_their_card_have_rows() {
    let deck_text = |plain_ref: bool, hint_ref: bool| {
        let r = |on: bool| {
            if on {
                "ref = \"https://docs.python.org/3/\"\n"
            } else {
                ""
            }
        };
        format!(
            "[deck]\nname = \"D\"\n\n[[cards]]\nid = \"plain\"\nfront = \"F?\"\nback = \"B\"\n{}\n[[cards]]\nid = \"hint\"\nfront = \"H?\"\nback = \"B\"\n{}\n[[cards]]\nid = \"cl\"\nkind = \"cloze\"\ntext = \"{{{{c1::a}}}} and {{{{c2::b}}}}\"\n",
            r(plain_ref),
            r(hint_ref)
        )
    };
    let rows = |col: &Collection| -> Vec<String> {
        col.conn
            .prepare("SELECT id FROM notes WHERE id IN ('plain', 'hint', 'cl') ORDER BY id")
            .and_then(|mut st| {
                st.query_map([], |r| r.get(0))?
                    .collect::<rusqlite::Result<Vec<String>>>()
            })
            .unwrap()
    };
    let specs = |col: &Collection| -> Vec<py201::decks::NoteSpec> {
        let decks = col.deck_notes(None).unwrap();
        let d = decks.iter().find(|d| d.name == "D").expect("deck D");
        d.notes.iter().map(|(id, n)| n.spec(id).unwrap()).collect()
    };
    let sync = |col: &mut Collection, text: &str| {
        let deck = parse("d.toml", text).unwrap();
        col.sync_decks(&[deck.content], false).unwrap();
    };
    let authored = |text: &str| -> Vec<py201::decks::NoteSpec> {
        #[derive(serde::Deserialize)]
        struct File {
            cards: Vec<py201::decks::NoteSpec>,
        }
        toml::from_str::<File>(text).unwrap().cards
    };
    let mut col = Collection::in_memory().unwrap();
    let first = deck_text(false, true);
    sync(&mut col, &first);
    assert_eq!(rows(&col), ["cl", "hint"]);
    assert_eq!(specs(&col), authored(&first));

    // plain gains a reference (a row), hint loses its own (its row goes).
    let second = deck_text(true, false);
    sync(&mut col, &second);
    assert_eq!(rows(&col), ["cl", "plain"]);
    assert_eq!(specs(&col), authored(&second));

    // A backup gives every note in full; restoring keeps rows only for
    // the notes that need them, and the decks read back the same.
    let dump = col.dump().unwrap();
    assert!(
        dump.notes.iter().any(|n| n.id == "hint"),
        "hint is backed up"
    );
    let mut restored = Collection::in_memory().unwrap();
    restored.replace_with(&dump).unwrap();
    assert_eq!(rows(&restored), ["cl", "plain"]);
    assert_eq!(specs(&restored), authored(&second));

    // A backup without the cloze note: its cards would have no note.
    let mut broken = dump;
    broken.notes.retain(|n| n.id != "cl");
    let err = restored
        .replace_with(&broken)
        .expect_err("a backup missing a card's note is refused")
        .to_string();
    assert!(err.contains("backup is inconsistent"), "{err}");
    assert_eq!(rows(&restored), ["cl", "plain"], "nothing changed");
}

/// Cards are inserted by batches, and a batch whose cards are all of one
/// kind and each their own note gets a statement of its own (the kind as a
/// literal, the uid bound once for uid and note id): every shape of batch
/// must store each card's own kind and note.
#[test]
fn every_batch_shape_stores_each_cards_kind_and_note() {
    let card = |id: &str, kind: &str| {
        if kind == "typed" {
            format!(
                "\n[[cards]]\nid = \"{id}\"\nkind = \"typed\"\nfront = \"What does this print?\"\ncode = \"print(1)\"\nback = \"1\"\n"
            )
        } else {
            format!("\n[[cards]]\nid = \"{id}\"\nfront = \"F {id}?\"\nback = \"B\"\n")
        }
    };
    let mut text = String::from("[deck]\nname = \"Shapes\"\n");
    // 300 typed cards (a full batch of one kind, then the rest), 300 basic
    // ones, then a cloze note among basic cards (a mixed batch).
    for i in 0..300 {
        text.push_str(&card(&format!("t{i}"), "typed"));
    }
    for i in 0..300 {
        text.push_str(&card(&format!("b{i}"), "basic"));
    }
    text.push_str(
        "\n[[cards]]\nid = \"cl\"\nkind = \"cloze\"\ntext = \"{{c1::a}} and {{c2::b}}\"\n",
    );
    text.push_str(&card("last", "basic"));
    let deck = parse("d.toml", &text).unwrap();
    let mut col = Collection::in_memory().unwrap();
    col.sync_decks(&[deck.content], false).unwrap();
    let rows: Vec<(String, String, String)> = col
        .conn
        .prepare(
            "SELECT c.uid, c.kind, c.note_id FROM cards c JOIN decks d ON d.id = c.deck_id
             WHERE d.name = 'Shapes' ORDER BY c.position",
        )
        .and_then(|mut st| {
            st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .unwrap();
    assert_eq!(rows.len(), 603);
    for (uid, kind, note) in &rows {
        let want = match uid.chars().next() {
            Some('t') => "typed",
            _ if uid.starts_with("cl") => "cloze",
            _ => "basic",
        };
        assert_eq!(kind, want, "{uid}");
        if want == "cloze" {
            assert_eq!(note, "cl", "{uid}");
        } else {
            assert_eq!(note, uid);
        }
    }
}
