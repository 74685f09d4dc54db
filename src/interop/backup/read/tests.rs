use super::*;
use crate::collection::Collection;
use crate::interop::backup::BackupFile;
use crate::model::{CardContent, CardKind, DeckContent, NoteContent};

/// The one line a file is refused with.
fn line(e: Error) -> String {
    match e {
        Error::Import(p) if p.len() == 1 => p[0].to_string(),
        other => panic!("not one problem: {other}"),
    }
}

fn problem(text: &str) -> String {
    line(read("f.json", text).unwrap_err())
}

/// A good backup's `data` with one deck, and the card row `card`.
fn data(card: &str) -> String {
    format!(
        r#"{{"config": [["a", "b"]], "decks": [{{"id": 1, "name": "D", "description": "", "position": 0, "builtin": false}}],
"notes": [],
"cards": [{card}],
"revlog": []}}"#
    )
}

const CARD: &str = r#"{"id": 1, "uid": "a", "note_id": "a", "deck_id": 1, "position": 0, "kind": "basic", "front": "Q", "back": "A", "code": null, "tags": "", "source": "", "reps": 0, "interval": 0, "ease": 2500, "due": null, "lapses": 0, "repeat_on": null, "suspended": false, "buried_until": null, "retired": false}"#;

fn head(schema: i64) -> String {
    format!(r#""format": "py201-backup", "schema": {schema}, "created": "x""#)
}

#[test]
fn a_good_backup_gives_every_row() {
    let dump = read(
        "f.json",
        &format!("{{{}, \"data\": {}}}", head(1), data(CARD)),
    )
    .unwrap();
    assert_eq!(dump.config, [("a".to_string(), "b".to_string())]);
    assert_eq!(dump.decks.len(), 1);
    assert_eq!(dump.cards.len(), 1);
    assert_eq!(dump.cards[0].uid, "a");
    // The header may come after the rows: they are read once it is.
    let late = read(
        "f.json",
        &format!("{{\"data\": {}, {}}}", data(CARD), head(1)),
    )
    .unwrap();
    assert_eq!(late, dump);
}

#[test]
fn a_newer_backup_is_named_as_such_wherever_its_header_is() {
    let newer = CARD.replace(
        "\"retired\": false",
        "\"retired\": false, \"added_in_99\": 1",
    );
    let newer_why = "f.json: made by a newer py201 (schema version 99; this py201 knows up to";
    for text in [
        format!("{{{}, \"data\": {}}}", head(99), data(&newer)),
        format!("{{\"data\": {}, {}}}", data(&newer), head(99)),
    ] {
        assert!(problem(&text).starts_with(newer_why), "{}", problem(&text));
    }
    // This version's schema: the unknown field is the problem, by its line.
    let text = format!("{{{}, \"data\": {}}}", head(1), data(&newer));
    assert!(
        problem(&text).starts_with(
            "f.json:3: not a valid py201 backup: unknown field `added_in_99`, expected one of"
        ),
        "{}",
        problem(&text)
    );
}

#[test]
fn problems_are_named_in_the_order_of_a_whole_parse() {
    let bad_row = CARD.replace("\"uid\": \"a\", ", "");
    // A syntax error later in the file comes before a bad row.
    let cut = format!("{{{}, \"data\": {}", head(1), data(&bad_row));
    let whole_parse = serde_json::from_str::<serde_json::Value>(&cut).unwrap_err();
    assert_eq!(
        problem(&cut),
        format!("f.json:4: not a valid JSON backup: {whole_parse}")
    );
    let whole = format!("{cut}}}");
    assert_eq!(
        problem(&whole),
        "f.json:3: not a valid py201 backup: missing field `uid`"
    );
    let not_ours = "f.json: not a py201 backup (no \"format\": \"py201-backup\")";
    for text in [
        "[1, 2]",
        "\"x\"",
        "{\"format\": \"other\", \"data\": 1}",
        "{}",
    ] {
        assert_eq!(problem(text), not_ours, "{text}");
    }
    assert_eq!(
        problem("[1, 2"),
        "f.json:1: not a valid JSON backup: EOF while parsing a list at line 1 column 5"
    );
    for (text, why) in [
        (
            format!("{{{}, \"x\": [], \"data\": {}}}", head(1), data(CARD)),
            "unknown field `x`, expected one of `format`, `schema`, `created`, `data`",
        ),
        (
            format!(
                "{{{}, \"data\": {}, \"data\": {}}}",
                head(1),
                data(CARD),
                data(CARD)
            ),
            "duplicate field `data`",
        ),
        (
            format!("{{{}, \"schema\": 1, \"data\": {}}}", head(1), data(CARD)),
            "duplicate field `schema`",
        ),
        (
            format!(
                "{{\"format\": \"py201-backup\", \"schema\": \"1\", \"created\": \"x\", \"data\": {}}}",
                data(CARD)
            ),
            "invalid type: string \"1\", expected i64",
        ),
        (
            format!(
                "{{\"format\": \"py201-backup\", \"schema\": 1, \"data\": {}}}",
                data(CARD)
            ),
            "missing field `created`",
        ),
        (format!("{{{}}}", head(1)), "missing field `data`"),
    ] {
        assert_eq!(
            problem(&text),
            format!("f.json: not a valid py201 backup: {why}"),
            "{text}"
        );
    }
    let no_log = format!(
        "{{{}, \"data\": {}}}",
        head(1),
        data(CARD).replace(",\n\"revlog\": []", "")
    );
    assert_eq!(
        problem(&no_log),
        "f.json:3: not a valid py201 backup: missing field `revlog`"
    );
}

fn card(uid: &str, note: &str, kind: CardKind) -> CardContent {
    CardContent {
        note: note.into(),
        uid: uid.into(),
        kind,
        front: "Q".into(),
        back: "A".into(),
        code: None,
        tags: vec!["t".into()],
        source: String::new(),
    }
}

/// A collection with a note that is its card (no row), one that is
/// more (a row), a cloze note and a review.
fn collection() -> Collection {
    let mut col = Collection::in_memory().unwrap();
    let deck = DeckContent {
        name: "D".into(),
        description: String::new(),
        cards: vec![
            card("a", "a", CardKind::Basic),
            card("b:c1", "b", CardKind::Cloze),
            card("c", "c", CardKind::Basic),
        ],
        notes: vec![
            NoteContent {
                id: "a".into(),
                fields: String::new(),
            },
            NoteContent {
                id: "b".into(),
                fields: r#"{"text":"{{c1::x}}"}"#.into(),
            },
            NoteContent {
                id: "c".into(),
                fields: r#"{"id":"c","front":"Q","back":"A","tags":["t"],"ref":"https://x"}"#
                    .into(),
            },
        ],
    };
    col.sync_decks(&[deck], false).unwrap();
    col.conn
        .execute_batch(
            "INSERT INTO revlog (card_id, time_ms, day, grade, is_repeat, taken_ms, reps_before,
                reps_after, interval_before, interval_after, ease_before, ease_after,
                lapses_before, lapses_after)
             VALUES ((SELECT min(id) FROM cards), 1, 1, 4, 0, 1, 0, 1, 0, 1, 2500, 2500, 0, 0)",
        )
        .unwrap();
    col
}

fn note_rows(col: &Collection) -> Vec<String> {
    let mut st = col
        .conn
        .prepare("SELECT id FROM notes ORDER BY id")
        .unwrap();
    st.query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

/// Restored as the rows come, in the file's order: keys sorted, so the
/// header follows the rows, and cards come before their decks and notes.
#[test]
fn a_backup_is_restored_the_same_whatever_its_tables_order() {
    let col = collection();
    let file = BackupFile {
        format: FORMAT.into(),
        schema: SCHEMA_VERSION,
        created: "now".into(),
        data: col.dump().unwrap().into(),
    };
    let sorted = serde_json::to_value(&file).unwrap().to_string();
    assert!(
        sorted.starts_with("{\"created\":\"now\",\"data\":{\"cards\":["),
        "{sorted}"
    );
    let canonical = serde_json::to_string_pretty(&file).unwrap();
    for text in [&canonical, &sorted] {
        let mut restored = Collection::in_memory().unwrap();
        restored
            .replace_each(|row| read_from("f.json", &|| Ok(text.as_bytes()), row).map(drop))
            .unwrap();
        assert_eq!(restored.dump().unwrap(), col.dump().unwrap());
        assert_eq!(note_rows(&restored), ["b", "c"], "a's note is its card");
    }
}

/// The second pass reads the file again: one changed since the first is
/// refused, and the restore with it.
#[test]
fn a_backup_changed_between_the_passes_is_refused() {
    let col = collection();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b.json");
    let file = BackupFile {
        format: FORMAT.into(),
        schema: SCHEMA_VERSION,
        created: "now".into(),
        data: col.dump().unwrap().into(),
    };
    std::fs::write(&path, serde_json::to_string(&file).unwrap()).unwrap();
    let checked = check(&path, "b.json").unwrap();
    assert_eq!(
        checked.counts,
        Counts {
            decks: 1,
            notes: 3,
            cards: 3,
            reviews: 1
        }
    );
    let mut fewer = file;
    fewer.data.revlog.clear();
    std::fs::write(&path, serde_json::to_string(&fewer).unwrap()).unwrap();
    let mut restored = collection();
    let before = restored.dump().unwrap();
    let err = restored
        .replace_each(|row| checked.read_each(row))
        .unwrap_err();
    assert_eq!(
        line(err),
        "b.json: changed while it was being imported; nothing was changed, import it again"
    );
    assert_eq!(restored.dump().unwrap(), before, "nothing changed");
}
