//! Import and export through the real binary: round trips for every format,
//! progress kept across re-imports, and bad input refused with nothing changed.

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/decks")
        .join(name)
}

fn write(env: &Env, name: &str, data: &[u8]) -> PathBuf {
    let p = env.dir.path().join(name);
    std::fs::write(&p, data).unwrap();
    p
}

/// A zip archive holding these files.
fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in files {
        w.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn import(env: &Env, args: &[&str]) -> std::process::Output {
    env.cmd(T0).arg("import").args(args).output().unwrap()
}

/// The whole collection as `export --format json` sees it: equal before and
/// after means nothing changed.
fn snapshot(env: &Env) -> String {
    env.run_ok(T0, &["export", "--format", "json"], "")
}

/// Card content and state, without the fields that differ between collections.
fn cards_of(env: &Env, deck: &str) -> Vec<serde_json::Value> {
    env.cards(T0, deck)
}

fn fresh_with(fixture_name: &str) -> Env {
    let env = empty_env();
    let p = fixture(fixture_name);
    env.run_ok(T0, &["import", p.to_str().unwrap()], "");
    env
}

#[test]
fn deck_file_round_trip_changes_nothing() {
    let env = fresh_with("tricky.toml");
    let before = cards_of(&env, "Tricky");
    let first = env.run_ok(T0, &["export", "--deck", "Tricky", "--format", "deck"], "");
    let f = write(&env, "tricky-export.toml", first.as_bytes());
    let out = env.run_ok(T0, &["import", f.to_str().unwrap()], "");
    assert!(out.contains("Nothing to change."), "{out}");
    assert_eq!(cards_of(&env, "Tricky"), before);
    // And exporting again gives the same file.
    assert_eq!(
        env.run_ok(T0, &["export", "--deck", "Tricky", "--format", "deck"], ""),
        first
    );
    // The exported file is a valid deck for `py201 check` (whose design
    // lint notices the fixture's cloze that hides only a number).
    let out = env.run_ok(T0, &["check", f.to_str().unwrap()], "");
    assert!(
        out.ends_with("1 file, 1 deck, 4 cards: no problems, 1 design warning\n"),
        "{out}"
    );
    assert!(out.contains("card tr-cloze:c1: warning: "), "{out}");
}

#[test]
fn csv_and_tsv_round_trip_multi_line_code_quotes_and_separators() {
    for format in ["tsv", "csv"] {
        let src = fresh_with("tricky.toml");
        let exported = src.run_ok(T0, &["export", "--deck", "Tricky", "--format", format], "");
        assert!(exported.starts_with(&format!(
            "#separator:{}\n#html:false\n",
            if format == "tsv" { "tab" } else { "comma" }
        )));
        let dst = empty_env();
        let f = write(&dst, &format!("tricky.{format}"), exported.as_bytes());
        let out = dst.run_ok(T0, &["import", f.to_str().unwrap()], "");
        assert!(out.contains("Tricky"), "{out}");
        assert_eq!(
            cards_of(&dst, "Tricky"),
            cards_of(&src, "Tricky"),
            "{format}"
        );
        // Exporting the imported deck gives the same file again.
        assert_eq!(
            dst.run_ok(T0, &["export", "--deck", "Tricky", "--format", format], ""),
            exported
        );
    }
}

#[test]
fn json_backup_restores_every_card_setting_and_review() {
    let src = env_with("test.toml");
    src.config("fuzz", "off");
    src.config("new-per-day", "7");
    src.run_ok(
        &at_day(1),
        &["review", "--deck", "Test"],
        "\n5\n\n2\n\n1\n\n4\n\n3\n\n5\n",
    );
    src.run_ok(&at_day(2), &["review", "--deck", "Test"], "\n4\n\n4\n\n5\n");
    let backup = src.run_ok(T0, &["export", "--format", "json", "-o", "-"], "");
    let dst = empty_env();
    let f = write(&dst, "backup.json", backup.as_bytes());
    dst.run_ok(T0, &["decks"], ""); // a new, empty collection (built-in decks only)
    let out = dst.run_ok(T0, &["import", f.to_str().unwrap()], "");
    assert!(out.contains("Restored."), "{out}");
    for now in [at_day(2), at_day(9)] {
        assert_eq!(
            dst.run_ok(&now, &["cards", "--json"], ""),
            src.run_ok(&now, &["cards", "--json"], ""),
            "byte-identical cards --json at {now}"
        );
    }
    assert_eq!(dst.run_ok(T0, &["config", "new-per-day"], ""), "7\n");
    assert_eq!(snapshot(&dst), snapshot(&src));
    for args in [
        &["stats", "--json"][..],
        &["stats"][..],
        &["stats", "--deck", "Test", "--days", "90"][..],
    ] {
        assert_eq!(
            dst.run_ok(&at_day(3), args, ""),
            src.run_ok(&at_day(3), args, ""),
            "identical {args:?}"
        );
    }
    // A backup refuses to replace a collection that has its own history.
    let out = import(&src, &[f.to_str().unwrap()]);
    let err = one_line_error(&out);
    assert!(err.contains("already holds 9 reviews"), "{err}");
}

#[test]
fn reimporting_a_changed_deck_updates_in_place_and_keeps_progress() {
    let env = fresh_with("test.toml");
    env.config("fuzz", "off");
    env.run_ok(&at_day(1), &["review", "--deck", "Test"], "\n5\n\n5\n\n5\n");
    let text = std::fs::read_to_string(fixture("test.toml")).unwrap();
    let changed = text
        .replace(
            "Which dunder does `a + b` try first?",
            "Which method does `a + b` try first?",
        )
        .replace("id = \"t-c\"", "id = \"t-d\"")
        .replace(
            "Which marker ends the positional-only parameters?",
            "Which marker starts the keyword-only parameters?",
        )
        .replace("back = \"`/`\"", "back = \"`*`\"");
    let f = write(&env, "test-v2.toml", changed.as_bytes());
    let before = snapshot(&env);
    let out = env.run_ok(T0, &["import", "--dry-run", f.to_str().unwrap()], "");
    assert!(
        out.contains("│ Test ┆     1 ┆       1 ┆         1 ┆       1 │"),
        "{out}"
    );
    assert!(out.contains("Dry run: nothing was changed."));
    assert_eq!(snapshot(&env), before, "a dry run changes nothing");
    env.run_ok(T0, &["import", f.to_str().unwrap()], "");
    let cards = env.cards(&at_day(1), "Test");
    let a = cards
        .iter()
        .find(|c| c["id"] == "t-a")
        .cloned()
        .expect("card t-a");
    assert_eq!(a["front"], "Which method does `a + b` try first?");
    assert_eq!(
        (&a["reps"], &a["ef"], &a["due"]),
        (
            &serde_json::json!(1),
            &serde_json::json!(2.6),
            &serde_json::json!("2026-01-06")
        )
    );
    let c = cards
        .iter()
        .find(|c| c["id"] == "t-c")
        .cloned()
        .expect("card t-c is kept");
    assert_eq!(c["state"], "retired", "removed cards are kept, retired");
    assert_eq!(
        cards
            .iter()
            .find(|c| c["id"] == "t-d")
            .map(|c| c["state"].clone()),
        Some("new".into())
    );
    // An export holds the live notes in course order, the retired one left out.
    let tsv = env.run_ok(T0, &["export", "--deck", "Test", "--format", "tsv"], "");
    let ids: Vec<&str> = tsv
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split('\t').next())
        .collect();
    assert_eq!(ids, ["t-a", "t-b", "t-d"], "{tsv}");
    // Retired cards are not reviewed.
    let out = env.run_ok(&at_day(2), &["review", "--deck", "Test"], "\n4\n\n4\n\n4\n");
    assert!(!out.contains("positional-only"), "{out}");
    assert!(
        out.contains("keyword-only"),
        "the new card is introduced: {out}"
    );
    let backups = env.run_ok(T0, &["backups"], "");
    assert!(backups.contains("collection-"), "{backups}");
}

#[test]
fn bad_input_is_refused_with_nothing_changed() {
    let env = fresh_with("test.toml");
    let before = snapshot(&env);
    let current = format!("\"schema\": {}", py201::collection::SCHEMA_VERSION);
    let snap = snapshot(&env);
    assert!(snap.contains(&current), "a backup names its schema version");
    let newer = snap.replacen(&current, "\"schema\": 99", 1);
    let mut zip = b"PK\x03\x04".to_vec();
    zip.extend_from_slice(&[0u8; 64]);
    // A zstd stream that starts well and breaks off: found while the
    // collection is inflated, after the first chunks were written.
    let mut cut = zstd::bulk::compress(
        &(0..1_000_000u32)
            .flat_map(|i| i.to_le_bytes())
            .collect::<Vec<u8>>(),
        1,
    )
    .unwrap();
    cut.truncate(cut.len() / 2);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.tsv", b"".to_vec(), "is empty"),
        ("binary.csv", vec![0x00, 0x01, 0x02, 0xff, 0x00], "binary file"),
        ("latin1.tsv", b"caf\xe9\tcoffee\n".to_vec(), "not valid UTF-8"),
        ("ragged.csv", b"a,b\nc,d,e\n".to_vec(), "row has 3 fields, the rows before it have 2"),
        ("dupes.toml", b"[deck]\nname = \"D\"\n[[cards]]\nid = \"x\"\nfront = \"q\"\nback = \"a\"\n[[cards]]\nid = \"x\"\nfront = \"r\"\nback = \"b\"\n".to_vec(), "duplicate card id"),
        ("nocloze.toml", b"[deck]\nname = \"D\"\n[[cards]]\nid = \"x\"\nkind = \"cloze\"\ntext = \"no deletion here\"\n".to_vec(), "no deletion"),
        ("newer.json", newer.into_bytes(), "made by a newer py201 (schema version 99"),
        ("truncated.json", before.as_bytes()[..before.len() / 2].to_vec(), "not a valid JSON backup"),
        ("deck.apkg", zip.clone(), "is not a readable zip archive"),
        ("photos.zip", zip_of(&[("cat.jpg", b"jpeg")]), "is a zip archive but not an Anki package"),
        // Package version 9 in `meta` (protobuf: field 1 = 9).
        ("future.apkg", zip_of(&[("meta", &[0x08, 0x09])]), "made by a newer Anki (package version 9"),
        (
            "badzstd.apkg",
            zip_of(&[("meta", &[0x08, 0x03]), ("collection.anki21b", b"not zstd at all")]),
            "collection.anki21b: not a zstd stream",
        ),
        (
            "cutzstd.apkg",
            zip_of(&[("meta", &[0x08, 0x03]), ("collection.anki21b", &cut)]),
            "collection.anki21b: damaged",
        ),
        (
            "notsqlite.colpkg",
            zip_of(&[("collection.anki2", b"SQLite? no")]),
            "collection.anki2: not an Anki collection",
        ),
    ];
    for (name, data, why) in cases {
        let f = write(&env, name, &data);
        let out = import(&env, &[f.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(name) && err.contains(why), "{name}: {err}");
        assert!(
            err.lines()
                .last()
                .expect("an error on stderr")
                .starts_with("py201: error: import failed"),
            "{name}: {err}"
        );
        assert!(!err.contains("panicked"));
        assert_eq!(snapshot(&env), before, "{name} changed the collection");
    }
    for (args, why) in [
        (vec!["missing.toml"], "missing.toml: cannot read"),
        (vec!["."], "is a directory"),
    ] {
        let out = import(&env, &args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && err.contains(why),
            "{args:?}: {err}"
        );
    }
    // All or nothing: a good file beside a bad one imports nothing, and every problem is listed.
    let good = fixture("tricky.toml");
    let bad1 = write(&env, "bad1.csv", b"a,b\nc,d,e\n");
    let bad2 = write(
        &env,
        "bad2.toml",
        b"[deck]\nname = \"E\"\n[[cards]]\nid = \"Q Q\"\nfront = \"q\"\nback = \"a\"\n",
    );
    let out = import(
        &env,
        &[
            good.to_str().unwrap(),
            bad1.to_str().unwrap(),
            bad2.to_str().unwrap(),
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad1.csv:2:") && err.contains("bad2.toml:3: card id \"Q Q\""),
        "{err}"
    );
    assert!(
        err.contains("import failed: 2 problems; nothing was changed"),
        "{err}"
    );
    assert_eq!(snapshot(&env), before);
}

#[test]
fn anki_style_csv_with_html_and_named_columns() {
    let env = empty_env();
    let f = write(
        &env,
        "anki.txt",
        "#separator:Semicolon\n#html:true\n#columns:Front;Back;Tags\n#deck:Imported\n\"What does <code>len(x)</code> call?\";\"<b>__len__</b><br>always\";dunder len\nWhich is O(1): <i>deque.popleft</i> or list.pop(0)?;deque.popleft;\n".as_bytes(),
    );
    env.run_ok(T0, &["import", f.to_str().unwrap()], "");
    let cards = env.cards(T0, "Imported");
    assert_eq!(cards.len(), 2);
    // Inline <code> is py201's `code` (shown in the code colour).
    assert_eq!(cards[0]["front"], "What does `len(x)` call?");
    assert_eq!(cards[0]["back"], "__len__\nalways");
    assert_eq!(cards[0]["tags"], serde_json::json!(["dunder", "len"]));
    assert_eq!(
        cards[1]["front"],
        "Which is O(1): deque.popleft or list.pop(0)?"
    );
    // Re-importing the same file matches notes by their first field: nothing changes.
    let out = env.run_ok(T0, &["import", f.to_str().unwrap()], "");
    assert!(out.contains("Nothing to change."), "{out}");
}

#[test]
fn backups_keep_the_last_ten_and_restore_works() {
    let env = fresh_with("test.toml");
    env.config("fuzz", "off");
    for i in 0..12 {
        let t = format!("2026-01-05T10:{i:02}:00Z");
        let deck = format!(
            "[deck]\nname = \"K{i}\"\n[[cards]]\nid = \"k{i}\"\nfront = \"q{i}\"\nback = \"a\"\n"
        );
        let f = write(&env, &format!("k{i}.toml"), deck.as_bytes());
        let out = env
            .cmd(&t)
            .args(["import", f.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let dir = env.dir.path().join("backups");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 10, "{names:?}");
    assert_eq!(
        names[0], "collection-20260105-100200.db",
        "the oldest two were removed"
    );
    // An import that changes nothing, or fails, leaves the ten as they were.
    let again = env.dir.path().join("k11.toml");
    let bad = write(
        &env,
        "bad.toml",
        b"[deck]\nname = \"B\"\n[[cards]]\nfront = \"q\"\n",
    );
    let out = env.run_ok(
        "2026-01-05T11:00:00Z",
        &["import", again.to_str().unwrap()],
        "",
    );
    assert!(out.contains("Nothing to change."), "{out}");
    let out = env
        .cmd("2026-01-05T11:00:00Z")
        .args(["import", bad.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "bad.toml is refused");
    let mut after: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    after.sort();
    assert_eq!(after, names);
    // Restore the state before K11 was imported: K11 disappears.
    let before_k11 = dir.join("collection-20260105-101100.db");
    env.run_ok(T0, &["restore", before_k11.to_str().unwrap()], "");
    let decks = env.run_ok(T0, &["decks"], "");
    assert!(decks.contains("K10") && !decks.contains("K11"), "{decks}");
    // A file that is not a collection is refused before anything happens.
    let txt = write(&env, "not-a-backup.db", b"hello");
    let err = one_line_error(
        &env.cmd(T0)
            .args(["restore", txt.to_str().unwrap()])
            .output()
            .unwrap(),
    );
    assert!(err.contains("not a py201 collection"), "{err}");
}

/// Files are written into the collection as they are read, so these
/// problems show up only after part of the input is stored: each must still
/// roll everything back, name the card, and leave no backup behind.
#[test]
fn problems_found_while_streaming_change_nothing() {
    let env = empty_env();
    let a = write(&env, "a.csv", b"#deck:A\n#columns:id,front,back\nx,Q?,A\n");
    let b = write(
        &env,
        "b.csv",
        b"#deck:B\n#columns:id,front,back\ny,R?,B\nx,S?,C\n",
    );
    let backups = env.dir.path().join("backups");
    // No backups folder yet means no backups; any other error is a failure.
    let count = || match std::fs::read_dir(&backups) {
        Ok(d) => d.count(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => 0,
        Err(e) => panic!("{}: {e}", backups.display()),
    };
    let before = snapshot(&env);
    let out = import(&env, &[a.to_str().unwrap(), b.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("card id \"x\" is in two imported decks (\"A\" and \"B\")"),
        "{err}"
    );
    assert_eq!(snapshot(&env), before);
    assert_eq!(count(), 0, "the backup of a failed import is removed");

    // One id twice in one deck, across two files.
    let a2 = write(
        &env,
        "a2.csv",
        b"#deck:A\n#columns:id,front,back\nx,Q2?,A2\n",
    );
    let out = import(&env, &[a.to_str().unwrap(), a2.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("card id \"x\" is twice in deck \"A\""),
        "{err}"
    );
    assert_eq!(snapshot(&env), before);

    // An id that another deck already has.
    env.run_ok(T0, &["import", a.to_str().unwrap()], "");
    let before = snapshot(&env);
    let kept = count();
    let c = write(&env, "c.csv", b"#deck:C\n#columns:id,front,back\nx,Q?,A\n");
    let out = import(&env, &[c.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("card id \"x\" already belongs to deck \"A\""),
        "{err}"
    );
    assert_eq!(snapshot(&env), before);
    assert_eq!(count(), kept);

    // A bad row after thousands of good ones, already written when it is read.
    let mut big = String::from("#deck:Big\n#columns:id,front,back\n");
    for i in 0..6000 {
        big.push_str(&format!("big-{i},Question {i}?,Answer {i}\n"));
    }
    big.push_str("big-last,Question?,\n");
    let big = write(&env, "big.csv", big.as_bytes());
    let out = import(&env, &[big.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("big.csv:6003: field 2 (back): empty"), "{err}");
    assert_eq!(snapshot(&env), before);
    assert_eq!(count(), kept);
}

/// A note is exported while any of its cards is live, and left out once all
/// are retired, whichever way its cards are found: a cloze note's through
/// the note-id index, a one-card note's by its uid (schema 5 indexes note
/// ids only for cloze cards). Notes that change kind have cards of both; a
/// reference keeps the last note's JSON, which is what the check is about.
#[test]
fn notes_with_some_live_card_are_exported_whatever_their_kind() {
    let env = empty_env();
    let v1 = r#"[deck]
name = "Kinds"

[[cards]]
id = "two"
kind = "cloze"
text = "{{c1::a}} and {{c2::b}}"

[[cards]]
id = "gone"
kind = "cloze"
text = "only {{c1::c}}"

[[cards]]
id = "to-cloze"
front = "q"
back = "a"

[[cards]]
id = "to-basic"
kind = "cloze"
text = "was {{c1::cloze}}"
"#;
    let f = write(&env, "kinds.toml", v1.as_bytes());
    env.run_ok(T0, &["import", f.to_str().unwrap()], "");
    // two loses its second deletion, gone is removed, and the last two
    // notes change kind: each keeps its id, its old card is retired.
    let v2 = r#"[deck]
name = "Kinds"

[[cards]]
id = "two"
kind = "cloze"
text = "{{c1::a}} and b"

[[cards]]
id = "to-cloze"
kind = "cloze"
text = "now {{c1::cloze}}"

[[cards]]
id = "to-basic"
front = "now"
back = "basic"
ref = "https://docs.python.org/3/"
"#;
    let f = write(&env, "kinds.toml", v2.as_bytes());
    env.run_ok(T0, &["import", f.to_str().unwrap()], "");
    let states: Vec<(String, String)> = env
        .cards(T0, "Kinds")
        .iter()
        .map(|c| {
            (
                c["id"].as_str().expect("card id").to_string(),
                c["state"].as_str().expect("card state").to_string(),
            )
        })
        .collect();
    let retired: Vec<&str> = states
        .iter()
        .filter(|(_, s)| s == "retired")
        .map(|(id, _)| id.as_str())
        .collect();
    assert_eq!(
        retired,
        ["two:c2", "gone:c1", "to-cloze", "to-basic:c1"],
        "{states:?}"
    );
    let deck = env.run_ok(T0, &["export", "--deck", "Kinds", "--format", "deck"], "");
    let f = write(&env, "kinds-export.toml", deck.as_bytes());
    let out = env.run_ok(T0, &["import", f.to_str().unwrap()], "");
    assert!(out.contains("Nothing to change."), "{out}\n{deck}");
    let ids: Vec<&str> = deck
        .lines()
        .filter_map(|l| l.strip_prefix("id = "))
        .collect();
    assert_eq!(ids, ["\"two\"", "\"to-cloze\"", "\"to-basic\""], "{deck}");
    assert!(
        deck.contains("ref = \"https://docs.python.org/3/\""),
        "{deck}"
    );
}

/// Issue 19: Anki's "Notes in Plain Text" with a code block was refused
/// ("a card with code needs a [cards.check]"). A learner's own cards import
/// as they are; only a deck that asks (`python-check = "required"`, as the
/// built-in decks do) needs a check for each card with code.
#[test]
fn own_cards_with_code_import_without_a_python_check() {
    let env = empty_env();
    let tsv = write(
        &env,
        "anki.txt",
        b"#separator:tab\n#html:true\n#guid column:1\n#notetype column:2\n#deck column:3\n\
          Ab1\tBasic\tMine\tWhat does this print?<pre>print(len('abc'))</pre>\t3\n",
    );
    env.run_ok(T0, &["import", tsv.to_str().unwrap()], "");
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    let (front, code): (String, String) = conn
        .query_row(
            "SELECT front, code FROM cards WHERE uid = 'anki-416231'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (front.as_str(), code.as_str()),
        ("What does this print?", "print(len('abc'))")
    );

    let card = "[[cards]]\nid = \"c\"\nfront = \"What does it print?\"\ncode = \"print(1)\"\nback = \"1\"\n";
    let own = write(
        &env,
        "own.toml",
        format!("[deck]\nname = \"Own\"\n\n{card}").as_bytes(),
    );
    env.run_ok(T0, &["import", own.to_str().unwrap()], "");
    let strict = write(
        &env,
        "strict.toml",
        format!("[deck]\nname = \"Strict\"\npython-check = \"required\"\n\n{card}").as_bytes(),
    );
    let before = snapshot(&env);
    let out = import(&env, &[strict.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("needs a [cards.check]"), "{err}");
    assert_eq!(snapshot(&env), before, "nothing changed");
}

/// The files of a zip archive, by name.
fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (f.name().to_string(), data)
        })
        .collect()
}

/// py201's own package of the Test deck, and its collection as a file.
fn test_package(env: &Env) -> (Vec<(String, Vec<u8>)>, PathBuf) {
    let apkg = env.dir.path().join("test.apkg");
    env.run_ok(
        T0,
        &[
            "export",
            "--deck",
            "Test",
            "--format",
            "apkg",
            "-o",
            apkg.to_str().unwrap(),
        ],
        "",
    );
    let files = unzip(&std::fs::read(&apkg).unwrap());
    let (_, col) = files.iter().find(|(n, _)| n == "collection.anki2").unwrap();
    let db = env.dir.path().join("inner.anki2");
    std::fs::write(&db, col).unwrap();
    (files, db)
}

/// Issue 19: a package whose notes name a note type it does not hold is
/// refused, naming the card, with nothing changed.
#[test]
fn a_package_note_without_its_note_type_is_refused() {
    let env = fresh_with("test.toml");
    let (files, db) = test_package(&env);
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute("UPDATE notes SET mid = 999 WHERE guid = 't-b'", [])
        .unwrap();
    drop(conn);
    let inner = std::fs::read(&db).unwrap();
    let mut entries: Vec<(&str, &[u8])> = files
        .iter()
        .filter(|(n, _)| n != "collection.anki2")
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    entries.push(("collection.anki2", &inner));
    let bad = write(&env, "bad.apkg", &zip_of(&entries));
    let before = snapshot(&env);
    let out = import(&env, &[bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("card t-b: its note type (999) is missing from the package"),
        "{err}"
    );
    assert_eq!(snapshot(&env), before);
}

/// Issue 19: media files in a package are counted, never read: a 128 MB
/// file inside does not make the import take 128 MB. (The long form of
/// this test is any size: nothing in the import depends on it.)
#[test]
// getrusage, to read the imports' peak memory.
#[allow(unsafe_code)]
fn a_huge_media_file_in_a_package_is_skipped_unread() {
    use std::io::Write;
    let env = fresh_with("test.toml");
    let (files, _) = test_package(&env);
    let path = env.dir.path().join("media.apkg");
    let mut w = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let deflate = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    for (name, data) in &files {
        w.start_file(name.as_str(), deflate).unwrap();
        w.write_all(data).unwrap();
    }
    // Stored, not compressed: quick to write, and reading it would cost
    // its full size.
    let stored = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(true);
    w.start_file("0", stored).unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..128 {
        w.write_all(&zeros).unwrap();
    }
    w.finish().unwrap();
    let out = env
        .cmd(T0)
        .args(["import", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("1 media file skipped"), "{stdout}");
    // Peak memory of the children so far: the imports, never the file.
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes the struct it is given.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr());
        usage.assume_init()
    };
    let peak_mb = usage.ru_maxrss / 1024;
    eprintln!("peak RSS of the imports: {peak_mb} MB");
    assert!(peak_mb < 64, "peak RSS {peak_mb} MB");
}

/// A streamed file's reader keeps only its latest ids (its memory must not
/// grow with the file): an id repeated further apart than that is still
/// refused, by the collection's unique card ids, with nothing changed.
#[test]
fn an_id_repeated_far_apart_in_a_large_file_is_refused() {
    let env = empty_env();
    env.run_ok(T0, &["decks"], "");
    let before = snapshot(&env);
    let mut s = String::from("#separator:tab\n#deck:Far\n#columns:id\tfront\tback\n");
    for i in 0..70_000 {
        s.push_str(&format!("far-{i}\tQ{i}?\tA\n"));
    }
    s.push_str("far-3\tQ again?\tA\n");
    let tsv = write(&env, "far.tsv", s.as_bytes());
    let out = import(&env, &[tsv.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("card id \"far-3\" is twice in deck \"Far\""),
        "{err}"
    );
    assert_eq!(snapshot(&env), before);
}

/// The collection's schema: every table, index and trigger as stored.
fn schema(env: &Env) -> Vec<String> {
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    let mut st = conn
        .prepare("SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_schema ORDER BY type, name")
        .unwrap();
    st.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

/// Imports set triggers and indexes aside while they write (the card
/// counts' triggers, the log's indexes when the log is empty) and make
/// them again in the same transaction: after a TSV import, two packages
/// with their histories at once into an empty log (the second's cards
/// looked up in the log the first wrote) and one of them again (its
/// answers matched against the log through its index by card), the
/// schema is exactly what it was and nothing is logged twice.
#[test]
fn imports_leave_every_trigger_and_index_as_they_were() {
    let phone = env_with_text(&many_cards(3));
    for (front, id) in [("Q1", "o-1"), ("Q2", "o-2")] {
        phone.run_ok(
            T0,
            &[
                "add", "--deck", "Other", "--front", front, "--back", "A", "--id", id,
            ],
            "",
        );
    }
    phone.run_ok(T0, &["review", "deck:many"], "\n4\n\n2\n\n4\n");
    phone.run_ok(T0, &["review", "deck:other"], "\n5\n\n4\n");
    let export = |deck: &str| {
        let pkg = phone.dir.path().join(format!("{deck}.apkg"));
        let p = pkg.to_str().unwrap();
        phone.run_ok(
            T0,
            &[
                "export",
                "--format",
                "apkg",
                "--with-progress",
                "--deck",
                deck,
                "-o",
                p,
            ],
            "",
        );
        pkg
    };
    let (many, other) = (export("Many"), export("Other"));

    let logged = |env: &Env| {
        let conn = rusqlite::Connection::open(&env.db).unwrap();
        conn.query_row("SELECT count(*) FROM revlog", [], |r| r.get::<_, i64>(0))
            .unwrap()
    };
    let (many, other) = (many.to_str().unwrap(), other.to_str().unwrap());

    let env = empty_env();
    env.run_ok(T0, &["decks"], "");
    let before = schema(&env);
    let tsv = write(&env, "mine.txt", b"#separator:tab\nq1\ta1\nq2\ta2\n");
    env.run_ok(T0, &["import", tsv.to_str().unwrap()], "");
    assert_eq!(schema(&env), before, "after a TSV import");
    let out = env.run_ok(T0, &["import", many], "");
    assert_eq!(schema(&env), before, "after a package with its history");
    assert!(out.contains("3 reviews added"), "{out}");
    let out = env.run_ok(T0, &["import", many], "");
    assert_eq!(schema(&env), before, "after the package again");
    assert!(out.contains("Nothing to change."), "{out}");
    assert_eq!(logged(&env), 3, "nothing logged twice");

    let env = empty_env();
    env.run_ok(T0, &["decks"], "");
    let out = env.run_ok(T0, &["import", many, other], "");
    assert_eq!(schema(&env), before, "after two packages at once");
    assert!(out.contains("5 reviews added"), "{out}");
    assert_eq!(logged(&env), 5);
    let doctor = env.run_ok(T0, &["doctor"], "");
    assert!(doctor.contains("No problems found"), "{doctor}");
}

/// A package that brings most of the collection's cards: its states are
/// given with the card indexes set aside and made again after them (see
/// `STATE_INDEXES`), which must leave the schema as it was and every card
/// where the indexes find it, as in the collection it came from.
#[test]
fn a_package_bigger_than_the_collection_leaves_its_cards_indexed() {
    const T1: &str = "2026-01-06T09:00:00Z";
    // 800 cards against the 684 built-in ones: more than half of them.
    let phone = env_with_text(&many_cards(800));
    phone.run_ok(T0, &["review", "deck:many"], "\n4\n\n2\n\n5\n");
    phone.run_ok(T0, &["suspend", "m-799"], "");
    let pkg = phone.dir.path().join("many.apkg");
    let p = pkg.to_str().unwrap();
    let args = ["export", "--format", "apkg", "--with-progress"];
    phone.run_ok(T0, &[&args[..], &["--deck", "Many", "-o", p]].concat(), "");

    let env = empty_env();
    env.run_ok(T0, &["decks"], "");
    let before = schema(&env);
    let out = env.run_ok(T0, &["import", p], "");
    assert!(out.contains("3 reviews added"), "{out}");
    assert_eq!(schema(&env), before);
    let doctor = env.run_ok(T0, &["doctor"], "");
    assert!(doctor.contains("No problems found"), "{doctor}");
    // The same cards new, due and suspended a day later, found through
    // the indexes remade, as on the phone.
    let many = |e: &Env, args: &[&str]| e.run_ok(T1, &[&["cards", "--json"], args].concat(), "");
    for query in [
        "deck:Many is:new",
        "deck:Many is:due",
        "deck:Many is:suspended",
        "deck:Many prop:ivl>0",
    ] {
        assert_eq!(many(&env, &[query]), many(&phone, &[query]), "{query}");
    }
    let rows = |e: &Env| {
        let out = e.run_ok(T1, &["decks"], "");
        out.lines()
            .filter(|l| l.contains("Many"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(rows(&env), rows(&phone));
    assert_eq!(rows(&env).len(), 1);
}
