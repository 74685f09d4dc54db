//! py201 and the real Anki. Anki's own library (the `anki` package from
//! PyPI, run by tests/anki/anki_tool.py) imports what py201 exports, and
//! py201 imports what Anki exports, with the same cards:
//!
//! * an .apkg from `py201 export --format apkg` opens with every card, and
//!   with `--with-progress` with each card's scheduling state and review log;
//!   a newer package updates the notes an earlier one brought (stable guids);
//! * a TSV from `py201 export --format tsv` goes through Anki's CSV import;
//! * Anki's "Notes in Plain Text" (HTML, guid, note type, deck and tags
//!   columns) goes through `py201 import`.
//!
//! The library is installed on first use into a virtualenv under target/
//! (`target/tmp/anki-venv`: Cargo's test scratch directory) and reused
//! after that.
//! Without it these tests fail, saying why; they never pass silently.

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;
use py201::collection::Collection;
use py201::model::CardKind;
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// What the tests are written against: Anki's Python API of the 26.x releases.
const ANKI_REQUIREMENT: &str = "anki>=26,<27";

/// The virtualenv's python, installing the library the first time.
fn anki_python() -> PathBuf {
    static PYTHON: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match PYTHON.get_or_init(install_anki) {
        Ok(p) => p.clone(),
        Err(why) => panic!(
            "the Anki tests need Anki's Python library ({ANKI_REQUIREMENT} from PyPI) and could not install it: {why}"
        ),
    }
}

fn venv_python(venv: &Path) -> PathBuf {
    if cfg!(windows) {
        venv.join("Scripts").join("python.exe")
    } else {
        venv.join("bin").join("python")
    }
}

fn imports_anki(python: &Path) -> bool {
    Command::new(python)
        .args(["-c", "import anki.collection"])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn run_logged(cmd: &mut Command) -> Result<(), String> {
    let out = cmd.output().map_err(|e| format!("{cmd:?}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{cmd:?} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// Builds the virtualenv beside its final place and renames it there when
/// it works, so a test binary running at the same time (or one killed
/// halfway) never sees a half-installed one.
fn install_anki() -> Result<PathBuf, String> {
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let venv = scratch.join("anki-venv");
    let python = venv_python(&venv);
    if imports_anki(&python) {
        return Ok(python);
    }
    if venv.exists() {
        std::fs::remove_dir_all(&venv).map_err(|e| format!("{}: {e}", venv.display()))?;
    }
    let staging = scratch.join(format!("anki-venv.{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
    let started = std::time::Instant::now();
    let installed = run_logged(Command::new("python3").args(["-m", "venv"]).arg(&staging))
        .map_err(|e| format!("creating a virtualenv needs python3 with venv: {e}"))
        .and_then(|()| {
            run_logged(
                Command::new(venv_python(&staging))
                    .args([
                        "-m",
                        "pip",
                        "install",
                        "--quiet",
                        "--disable-pip-version-check",
                    ])
                    .arg(ANKI_REQUIREMENT),
            )
        });
    if let Err(why) = installed {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(why);
    }
    if std::fs::rename(&staging, &venv).is_ok() {
        eprintln!(
            "installed {ANKI_REQUIREMENT} into {} in {:.1} s",
            venv.display(),
            started.elapsed().as_secs_f64()
        );
    } else {
        // Another test process finished first; use its copy.
        let _ = std::fs::remove_dir_all(&staging);
    }
    if imports_anki(&python) {
        Ok(python)
    } else {
        Err(format!("{} cannot import anki", python.display()))
    }
}

/// Runs tests/anki/anki_tool.py with `args`; its standard output.
fn anki_tool(args: &[&Path]) -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/anki/anki_tool.py");
    let out = Command::new(anki_python())
        .arg(script)
        .args(args)
        .env("TZ", "UTC")
        .output()
        .expect("anki_tool.py");
    assert!(
        out.status.success(),
        "anki_tool.py {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Anki's cards after importing `files` into a new collection.
fn anki_cards(files: &[&Path]) -> Vec<Value> {
    let mut args = vec![Path::new("dump")];
    args.extend_from_slice(files);
    let out = anki_tool(&args);
    let dump: Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("anki_tool.py dump: {e}\n{out}"));
    dump["cards"]
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("anki_tool.py dump has no cards array:\n{out}"))
}

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/decks")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// A new collection holding the Tricky, Kinds and Test fixture decks:
/// multi-line code, quotes, tabs, commas, clozes with hints, typed cards.
fn with_fixtures() -> Env {
    let env = empty_env();
    let files = ["tricky.toml", "kinds.toml", "test.toml"].map(fixture);
    let mut args = vec!["import"];
    args.extend(files.iter().map(String::as_str));
    env.run_ok(T0, &args, "");
    env
}

/// The live cards of `decks` as py201 stores them.
fn py201_cards(env: &Env, decks: &[&str]) -> Vec<py201::collection::cards::Card> {
    let col = Collection::open(&env.db).expect("open");
    col.cards(None)
        .expect("cards")
        .into_iter()
        .filter(|c| !c.retired && decks.contains(&c.deck.as_str()))
        .collect()
}

/// The note (Anki guid) and Anki card ordinal of a py201 card id.
fn guid_and_ord(uid: &str) -> (String, i64) {
    match uid.rsplit_once(":c") {
        Some((note, n)) if n.parse::<i64>().is_ok() => {
            (note.to_string(), n.parse::<i64>().unwrap() - 1)
        }
        _ => (uid.to_string(), 0),
    }
}

/// Text compared line by line, without trailing spaces or blank lines: what
/// a person sees on the card, whatever HTML block structure produced it.
fn lines(s: &str) -> String {
    s.lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn find<'a>(anki: &'a [Value], deck: &str, guid: &str, ord: i64) -> &'a Value {
    anki.iter()
        .find(|c| c["deck"] == deck && c["guid"] == guid && c["ord"] == ord)
        .unwrap_or_else(|| panic!("no Anki card for {guid} (ordinal {ord}) in deck {deck}"))
}

fn str_of(v: &Value) -> &str {
    v.as_str()
        .unwrap_or_else(|| panic!("expected a JSON string, got {v}"))
}

fn tags_of(card: &py201::collection::cards::Card) -> Vec<String> {
    let mut t: Vec<String> = card.tags.split_whitespace().map(str::to_string).collect();
    t.sort();
    t
}

fn lower(tags: Vec<String>) -> Vec<String> {
    tags.into_iter().map(|t| t.to_lowercase()).collect()
}

fn json_tags(v: &Value) -> Vec<String> {
    let mut t: Vec<String> = v
        .as_array()
        .unwrap_or_else(|| panic!("expected an array of tags, got {v}"))
        .iter()
        .map(|t| str_of(t).to_string())
        .collect();
    t.sort();
    t
}

#[test]
fn apkg_opens_in_anki_with_every_card() {
    let env = with_fixtures();
    let pkg = env.dir.path().join("py201.apkg");
    // Without --deck: the whole collection, the built-in decks included.
    env.run_ok(
        T0,
        &["export", "--format", "apkg", "-o", pkg.to_str().unwrap()],
        "",
    );
    let anki = anki_cards(&[&pkg]);
    let cards: Vec<_> = Collection::open(&env.db)
        .and_then(|col| col.cards(None))
        .expect("cards")
        .into_iter()
        .filter(|c| !c.retired)
        .collect();
    assert_eq!(anki.len(), cards.len(), "every live card, no more");
    assert_eq!(
        py201_cards(&env, &["Tricky", "Kinds", "Test"]).len(),
        3 + 2 + 4,
        "fixture cards"
    );
    for card in &cards {
        let (guid, ord) = guid_and_ord(&card.uid);
        let a = find(&anki, &card.deck, &guid, ord);
        let question = match &card.code {
            Some(code) => format!("{}\n{code}", card.front),
            None => card.front.clone(),
        };
        let notetype = str_of(&a["notetype"]);
        match card.kind {
            CardKind::Basic => assert!(
                notetype.starts_with("Basic") && !notetype.contains("type in"),
                "{notetype}"
            ),
            CardKind::Typed => assert!(
                notetype.starts_with("Basic (type in the answer)"),
                "{notetype}"
            ),
            CardKind::Cloze => assert!(notetype.starts_with("Cloze"), "{notetype}"),
        }
        let answer = if card.kind == CardKind::Cloze {
            // Anki shows the code (part of the Text field) between the
            // revealed text and the Back Extra field.
            let extra = str_of(&a["fields"][1]);
            let revealed = card
                .back
                .strip_suffix(extra)
                .unwrap_or(&card.back)
                .trim_end();
            [revealed, card.code.as_deref().unwrap_or(""), extra].join("\n")
        } else {
            // The fields hold exactly the text: escaping and <br> undone.
            assert_eq!(str_of(&a["fields"][0]), question, "{}", card.uid);
            assert_eq!(str_of(&a["fields"][1]), card.back, "{}", card.uid);
            card.back.clone()
        };
        assert_eq!(
            lines(str_of(&a["question"])),
            lines(&question),
            "{} question",
            card.uid
        );
        assert_eq!(
            lines(str_of(&a["answer"])),
            lines(&answer),
            "{} answer",
            card.uid
        );
        // Anki's tags ignore case: a collection keeps one spelling of each
        // (a built-in deck has both `KW_ONLY` and `kw_only`).
        assert_eq!(
            lower(json_tags(&a["tags"])),
            lower(tags_of(card)),
            "{}",
            card.uid
        );
        assert_eq!(
            (&a["type"], &a["queue"]),
            (&Value::from(0), &Value::from(0)),
            "new"
        );
        assert_eq!(a["revlog"], serde_json::json!([]));
    }
    // The cloze hint and the code block, as a person sees them in Anki.
    let c2 = find(&anki, "Tricky", "tr-cloze", 1);
    assert_eq!(
        c2["question"],
        "`deque.rotate(1)` moves the last item [where?]."
    );
    let typed = find(&anki, "Tricky", "tr-multiline", 0);
    assert!(
        str_of(&typed["question"]).contains("\n    print(\"got\", x, sep=\",\\t\")\n\ng = gen()"),
        "{}",
        typed["question"]
    );
}

/// Day 1: t-a 5, t-b 2 (a same-day repeat, then 4), t-c 4. Day 2: t-a 4,
/// t-b 1 (a lapse, repeated with 5), t-c suspended. Day 3: t-b buried;
/// tr-multiline typed right (4), tr-commas 2 (its repeat still pending),
/// the cloze cards left new.
fn studied() -> Env {
    let env = with_fixtures();
    env.config("fuzz", "off");
    env.run_ok(
        &at_day(1),
        &["review", "--deck", "Test"],
        "\n5\n\n2\n\n4\n\n4\n",
    );
    env.run_ok(
        &at_day(2),
        &["review", "--deck", "Test"],
        "\n4\n\n1\n\ns\n\n5\n",
    );
    env.run_ok(&at_day(3), &["review", "--deck", "Test"], "\nb\n");
    env.run_ok(
        &at_day(3),
        &["review", "--deck", "Tricky"],
        "1\n4\n\n2\nq\n",
    );
    env
}

#[test]
fn apkg_with_progress_carries_scheduling_state_and_review_log() {
    let env = studied();
    let now = at_day(3);
    let pkg = env.dir.path().join("progress.apkg");
    let pkg_s = pkg.to_str().unwrap();
    env.run_ok(
        &now,
        &["export", "--format", "apkg", "--with-progress", "-o", pkg_s],
        "",
    );
    let anki = anki_cards(&[&pkg]);
    let backup: Value =
        serde_json::from_str(&env.run_ok(&now, &["export", "--format", "json"], ""))
            .expect("backup");
    let uids: HashMap<i64, String> = backup["data"]["cards"]
        .as_array()
        .expect("the backup's cards")
        .iter()
        .map(|c| {
            (
                c["id"].as_i64().expect("card id"),
                str_of(&c["uid"]).to_string(),
            )
        })
        .collect();
    let mut states = Vec::new();
    for deck in ["Test", "Tricky"] {
        for card in env.cards(&now, deck) {
            let uid = str_of(&card["id"]);
            let (guid, ord) = guid_and_ord(uid);
            let a = find(&anki, deck, &guid, ord);
            let log: Vec<&Value> = backup["data"]["revlog"]
                .as_array()
                .expect("the backup's review log")
                .iter()
                .filter(|r| {
                    let card = r["card_id"].as_i64().expect("revlog card_id");
                    uids.get(&card).map(String::as_str) == Some(uid)
                })
                .collect();
            let state = str_of(&card["state"]);
            states.push(format!("{uid} {state}"));
            if state == "new" {
                assert_eq!((&a["type"], &a["queue"]), (&0.into(), &0.into()), "{uid}");
                assert_eq!((&a["reps"], &a["ivl"]), (&0.into(), &0.into()), "{uid}");
                continue;
            }
            // A learning card (repeat pending today) is a review card in Anki,
            // due when SM-2 scheduled it.
            let queue = match state {
                "suspended" => -1,
                "buried" => -3,
                _ => 2,
            };
            assert_eq!(a["type"], 2, "{uid}: a review card");
            assert_eq!(a["queue"], queue, "{uid} is {state}");
            assert_eq!(a["due_date"], card["due"], "{uid}: due date");
            assert_eq!(a["ivl"], card["interval"], "{uid}");
            let ef = card["ef"].as_f64().expect("a studied card has an EF");
            assert_eq!(a["factor"].as_f64(), Some((ef * 1000.0).round()), "{uid}");
            assert_eq!(a["lapses"], card["lapses"], "{uid}");
            assert_eq!(
                a["reps"],
                log.len(),
                "{uid}: Anki's reps counts every answer"
            );
            let anki_log = a["revlog"].as_array().cloned().expect("Anki's revlog");
            assert_eq!(anki_log.len(), log.len(), "{uid}: review log");
            for (i, (r, ar)) in log.iter().zip(&anki_log).enumerate() {
                let button = match r["grade"].as_i64().expect("revlog grade") {
                    0..=2 => 1,
                    3 => 2,
                    4 => 3,
                    _ => 4,
                };
                assert_eq!(ar["ease"], button, "{uid} answer {i}");
                assert_eq!(ar["ivl"], r["interval_after"], "{uid} answer {i}");
                assert_eq!(ar["lastIvl"], r["interval_before"], "{uid} answer {i}");
                assert_eq!(ar["factor"], r["ease_after"], "{uid} answer {i}");
                assert_eq!(ar["time"], r["taken_ms"], "{uid} answer {i}");
                let (id, at) = (
                    ar["id"].as_i64().expect("Anki revlog id"),
                    r["time_ms"].as_i64().expect("revlog time_ms"),
                );
                assert!(
                    (at..at + 100).contains(&id),
                    "{uid} answer {i}: id {id}, answered at {at}"
                );
                // First views and same-day repeats are Anki's learning, a
                // repeat after a lapse its relearning, the rest reviews.
                let kind = if r["due_before"].is_null() {
                    0
                } else if r["is_repeat"] == true {
                    if r["reps_before"] == 0 && r["lapses_before"] != 0 {
                        2
                    } else {
                        0
                    }
                } else {
                    1
                };
                assert_eq!(ar["type"], kind, "{uid} answer {i}: revlog type");
            }
        }
    }
    assert_eq!(
        states,
        [
            "t-a review",
            "t-b buried",
            "t-c suspended",
            "tr-multiline review",
            "tr-commas learning",
            "tr-cloze:c1 new",
            "tr-cloze:c2 new"
        ]
    );
    assert_eq!(
        anki.iter()
            .map(|a| a["revlog"].as_array().map_or(0, Vec::len))
            .sum::<usize>(),
        9,
        "every answer, same-day repeats included"
    );

    // Without --with-progress the same cards arrive new, with no history.
    env.run_ok(
        &now,
        &["export", "--format", "apkg", "--deck", "Test", "-o", pkg_s],
        "",
    );
    let zero = Value::from(0);
    let anki = anki_cards(&[&pkg]);
    assert_eq!(anki.len(), 3, "the Test deck only");
    for a in anki {
        assert_eq!(
            (&a["type"], &a["queue"], &a["ivl"], &a["reps"], &a["lapses"]),
            (&zero, &zero, &zero, &zero, &zero),
            "{a}"
        );
        assert_eq!(a["revlog"], serde_json::json!([]));
    }
}

#[test]
fn tsv_export_imports_into_anki() {
    let env = with_fixtures();
    // Every deck in one file, the built-in decks included.
    let tsv = env.dir.path().join("py201.tsv");
    env.run_ok(
        T0,
        &["export", "--format", "tsv", "-o", tsv.to_str().unwrap()],
        "",
    );
    let anki = anki_cards(&[&tsv]);
    let cards: Vec<_> = Collection::open(&env.db)
        .and_then(|col| col.cards(None))
        .expect("cards")
        .into_iter()
        .filter(|c| !c.retired)
        .collect();
    assert_eq!(anki.len(), cards.len(), "every live card, no more");
    for card in &cards {
        let (guid, ord) = guid_and_ord(&card.uid);
        let a = find(&anki, &card.deck, &guid, ord);
        // The TSV carries code as a fenced block in the question field.
        let fenced = |text: &str| match &card.code {
            Some(code) => format!("{text}\n\n```python\n{code}\n```"),
            None => text.to_string(),
        };
        let expected_notetype = match card.kind {
            CardKind::Basic => "Basic",
            CardKind::Typed => "Basic (type in the answer)",
            CardKind::Cloze => "Cloze",
        };
        assert_eq!(
            a["notetype"], expected_notetype,
            "{}: Anki's own note type",
            card.uid
        );
        assert_eq!(
            lower(json_tags(&a["tags"])),
            lower(tags_of(card)),
            "{}",
            card.uid
        );
        assert_eq!(
            lines(str_of(&a["question"])),
            lines(&fenced(&card.front)),
            "{} question",
            card.uid
        );
        if card.kind == CardKind::Cloze {
            let extra = str_of(&a["fields"][1]);
            let revealed = card
                .back
                .strip_suffix(extra)
                .unwrap_or(&card.back)
                .trim_end();
            assert_eq!(
                lines(str_of(&a["answer"])),
                lines(&format!("{}\n{extra}", fenced(revealed))),
                "{} answer",
                card.uid
            );
        } else {
            assert_eq!(str_of(&a["fields"][0]), fenced(&card.front), "{}", card.uid);
            assert_eq!(str_of(&a["fields"][1]), card.back, "{}", card.uid);
            assert_eq!(
                lines(str_of(&a["answer"])),
                lines(&card.back),
                "{}",
                card.uid
            );
        }
    }
}

/// Anki's "Notes in Plain Text" of a collection made from `sources`, then
/// imported by py201 into a new collection: the same cards as `env`'s.
fn through_anki_plain_text(env: &Env, sources: &[PathBuf], decks: &[&str]) -> String {
    let txt = env.dir.path().join("anki-notes.txt");
    let mut args = vec![Path::new("export-tsv"), txt.as_path()];
    args.extend(sources.iter().map(PathBuf::as_path));
    anki_tool(&args);
    let text = std::fs::read_to_string(&txt).unwrap();
    assert!(
        text.starts_with(
            "#separator:tab\n#html:true\n#guid column:1\n#notetype column:2\n#deck column:3\n"
        ),
        "{text}"
    );
    let back = empty_env();
    back.run_ok(T0, &["import", txt.to_str().unwrap()], "");
    let plain = |c: &py201::collection::cards::Card| {
        (
            c.uid.clone(),
            c.deck.clone(),
            c.kind.as_str(),
            c.front.clone(),
            c.back.clone(),
            c.code.clone(),
            tags_of(c),
        )
    };
    // Anki lists notes in its own order: compare the cards, not their order.
    let mut original: Vec<_> = py201_cards(env, decks).iter().map(plain).collect();
    let mut imported: Vec<_> = py201_cards(&back, decks).iter().map(plain).collect();
    original.sort();
    imported.sort();
    assert_eq!(imported.len(), original.len());
    for (i, o) in imported.iter().zip(&original) {
        assert_eq!(i, o);
    }
    text
}

#[test]
fn anki_plain_text_export_imports_into_py201() {
    let env = with_fixtures();
    let decks = ["Tricky", "Kinds", "Test"];
    // Notes that came to Anki in py201's packages (code in a <pre> block),
    // one per deck: the later ones reuse the note types the first brought.
    let packages: Vec<PathBuf> = decks
        .iter()
        .map(|d| {
            let f = env.dir.path().join(format!("{d}.apkg"));
            env.run_ok(
                T0,
                &[
                    "export",
                    "--format",
                    "apkg",
                    "--deck",
                    d,
                    "-o",
                    f.to_str().unwrap(),
                ],
                "",
            );
            f
        })
        .collect();
    let text = through_anki_plain_text(&env, &packages, &decks);
    let mut notetypes: Vec<String> = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .has_headers(false)
        // Note types differ in their number of fields.
        .flexible(true)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().get(1).expect("a notetype column").to_string())
        .collect();
    notetypes.sort();
    notetypes.dedup();
    assert_eq!(notetypes.len(), 3, "{notetypes:?}");
    // ...and notes that came as py201's TSV (code as a fenced block).
    let tsv: Vec<PathBuf> = decks
        .iter()
        .map(|d| {
            let f = env.dir.path().join(format!("{d}.tsv"));
            env.run_ok(
                T0,
                &[
                    "export",
                    "--format",
                    "tsv",
                    "--deck",
                    d,
                    "-o",
                    f.to_str().unwrap(),
                ],
                "",
            );
            f
        })
        .collect();
    through_anki_plain_text(&env, &tsv, &decks);
}

#[test]
fn a_newer_package_updates_the_notes_anki_already_has() {
    let env = empty_env();
    let deck = std::fs::read_to_string(fixture("test.toml")).unwrap();
    let first = env.dir.path().join("first.apkg");
    let second = env.dir.path().join("second.apkg");
    let f = env.dir.path().join("test.toml");
    std::fs::write(&f, &deck).unwrap();
    env.run_ok(T0, &["import", f.to_str().unwrap()], "");
    let export = |now: &str, to: &Path| {
        env.run_ok(
            now,
            &[
                "export",
                "--format",
                "apkg",
                "--deck",
                "Test",
                "-o",
                to.to_str().unwrap(),
            ],
            "",
        );
    };
    export(T0, &first);
    let changed = deck.replace(
        "Which dunder does `a + b` try first?",
        "Which dunder does `a + b` call first?",
    );
    std::fs::write(&f, changed).unwrap();
    env.run_ok(T0, &["import", f.to_str().unwrap()], "");
    export("2026-01-05T10:00:00Z", &second);
    let anki = anki_cards(&[&first, &second]);
    assert_eq!(anki.len(), 3, "matched by guid, no copies");
    assert_eq!(
        find(&anki, "Test", "t-a", 0)["fields"][0],
        "Which dunder does `a + b` call first?"
    );
}

/// Issue 19: py201 reads what Anki writes. Anki builds a collection with a
/// note of every stock kind and one of the learner's own note type (a
/// conditional and a filter in its template), HTML with a `<pre>` block,
/// a cloze with a hint, sub-decks, tags and a sound file, and exports it as
/// a current .apkg (zstd, schema 18), a legacy .apkg (schema 11) and a
/// .colpkg. Each imports into py201 with the same cards, one per Anki card.
#[test]
fn every_package_format_and_note_type_anki_writes_imports() {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("p");
    anki_tool(&[Path::new("packages"), &prefix]);
    let in_anki: Value =
        serde_json::from_str(&anki_tool(&[Path::new("dump"), &dir.path().join("p.apkg")])).unwrap();
    let mut imported = vec![];
    for name in ["p.apkg", "p-legacy.apkg", "p.colpkg"] {
        let env = empty_env();
        let path = dir.path().join(name);
        let out = env.run_ok(T0, &["import", path.to_str().unwrap()], "");
        assert!(out.contains("1 media file skipped"), "{name}: {out}");
        let all: Vec<Value> =
            serde_json::from_str(&env.run_ok(T0, &["cards", "--json"], "")).unwrap();
        let mut cards: Vec<(String, String, String, String, String)> = all
            .iter()
            .filter(|c| c["id"].as_str().unwrap().starts_with("anki-"))
            .map(|c| {
                let s = |k: &str| c[k].as_str().unwrap_or_default().to_string();
                let tags = c["tags"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| t.as_str().unwrap())
                    .collect::<Vec<_>>()
                    .join(" ");
                (s("deck"), s("kind"), s("front"), s("back"), tags)
            })
            .collect();
        cards.sort();
        // Importing the same package again changes nothing: ids come from guids.
        let again = env.run_ok(T0, &["import", path.to_str().unwrap()], "");
        assert!(again.contains("Nothing to change."), "{name}: {again}");
        let conn = rusqlite::Connection::open(&env.db).unwrap();
        let code: String = conn
            .query_row(
                "SELECT code FROM cards WHERE front = 'What does `len` call?'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(code, "print(len(\"ab\"))", "{name}");
        imported.push(cards);
    }
    assert_eq!(imported[0], imported[1], "legacy .apkg");
    assert_eq!(imported[0], imported[2], ".colpkg");
    assert_eq!(
        imported[0].len(),
        in_anki["cards"].as_array().unwrap().len(),
        "one card per Anki card"
    );
    let row = |d: &str, k: &str, f: &str, b: &str, t: &str| {
        (
            d.to_string(),
            k.to_string(),
            f.to_string(),
            b.to_string(),
            t.to_string(),
        )
    };
    let extra = "The GIL protects bytecode execution\n\nsee [sound: gil.mp3]";
    let mut want = vec![
        row(
            "Py::Sub",
            "basic",
            "What does `len` call?",
            "__len__ & 2",
            "dunder len",
        ),
        row("Lang", "basic", "dog", "chien", ""),
        row("Lang", "basic", "chien", "dog", ""),
        row("Lang", "basic", "cat", "chat", ""),
        row("Lang", "basic", "chat", "cat", ""),
        row("Lang", "basic", "cow", "vache", ""),
        row("Lang", "basic", "chat\nle chat", "cat", ""),
        row("Lang", "basic", "chien (no example)", "dog", ""),
        row("Default", "typed", "2 + 2?", "4", ""),
        row(
            "Py",
            "cloze",
            "The [a lock] protects bytecode execution",
            extra,
            "",
        ),
        row("Py", "cloze", "The GIL protects [...] execution", extra, ""),
    ];
    want.sort();
    assert_eq!(imported[0], want);
}

/// Issue 19: schedules and review history come from Anki. Eight cards are
/// answered through Anki's own scheduler over a week (every button, a
/// lapse, learning steps), one suspended and one buried, and exported with
/// scheduling. py201 takes every answer (Anki's Again/Hard/Good/Easy as 1,
/// 3, 4, 5), each card's interval, ease, lapses and due date, and the
/// suspension and burial; `doctor` finds nothing wrong. Importing again
/// changes nothing, and the round trip py201 -> .apkg -> Anki keeps every
/// answer and, back in py201, adds none twice.
#[test]
fn anki_schedules_and_review_history_import_and_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let apkg = dir.path().join("r.apkg");
    anki_tool(&[Path::new("reviewed"), &apkg]);
    let anki: Value = serde_json::from_str(&anki_tool(&[Path::new("dump"), &apkg])).unwrap();
    let anki_cards = anki["cards"].as_array().unwrap();
    let today = anki["today"].as_str().unwrap();
    // Anki answered in real time: py201 runs on the same day.
    let now = format!("{today}T12:00:00Z");
    let env = empty_env();
    let out = env.run_ok(&now, &["import", apkg.to_str().unwrap()], "");
    let answers: usize = anki_cards
        .iter()
        .map(|c| c["revlog"].as_array().unwrap().len())
        .sum();
    assert_eq!(answers, 12);
    assert!(
        out.contains(
            "Progress: 12 reviews added to the review log, 8 cards given their imported schedule."
        ),
        "{out}"
    );
    let py: Vec<Value> =
        serde_json::from_str(&env.run_ok(&now, &["cards", "--deck", "Sched", "--json"], ""))
            .unwrap();
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    for a in anki_cards {
        let front = a["fields"][0].as_str().unwrap();
        let p = py.iter().find(|c| c["front"] == front).unwrap();
        assert_eq!(p["lapses"], a["lapses"], "{front}");
        match (a["type"].as_i64().unwrap(), a["queue"].as_i64().unwrap()) {
            (_, -1) => assert_eq!(p["state"], "suspended", "{front}"),
            (_, -3) => assert_eq!(p["state"], "buried", "{front}"),
            (kind @ 1..=3, _) => {
                if kind == 2 {
                    assert_eq!(p["interval"], a["ivl"], "{front}");
                    assert_eq!(
                        p["ef"].as_f64().unwrap(),
                        a["factor"].as_f64().unwrap() / 1000.0
                    );
                }
                // Never due before the day of its last answer (today). A
                // learning step is due the day it ends: today, or tomorrow
                // when Anki answered it minutes before the day's rollover
                // (this test once failed at 03:49 for assuming today).
                let due = a["due_date"].as_str().unwrap().max(today);
                assert_eq!(p["due"], due, "{front}");
            }
            other => panic!("{front}: unexpected card {other:?}"),
        }
        let grades: Vec<i64> = conn
            .prepare("SELECT r.grade FROM revlog r JOIN cards c ON c.id = r.card_id WHERE c.front = ?1 ORDER BY r.time_ms")
            .unwrap()
            .query_map([front], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let want: Vec<i64> = a["revlog"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| match r["ease"].as_i64().unwrap() {
                1 => 1,
                2 => 3,
                3 => 4,
                _ => 5,
            })
            .collect();
        assert_eq!(grades, want, "{front}");
    }
    let doctor = env.run_ok(&now, &["doctor"], "");
    assert!(doctor.contains("No problems found"), "{doctor}");
    let again = env.run_ok(&now, &["import", apkg.to_str().unwrap()], "");
    assert!(again.contains("Nothing to change."), "{again}");

    // The round trip: every answer reaches Anki, and comes back once.
    let back = dir.path().join("back.apkg");
    env.run_ok(
        &now,
        &[
            "export",
            "--deck",
            "Sched",
            "--format",
            "apkg",
            "--with-progress",
            "-o",
            back.to_str().unwrap(),
        ],
        "",
    );
    let there: Value = serde_json::from_str(&anki_tool(&[Path::new("dump"), &back])).unwrap();
    let there: usize = there["cards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["revlog"].as_array().unwrap().len())
        .sum();
    assert_eq!(there, 12);
    let home = env.run_ok(&now, &["import", back.to_str().unwrap()], "");
    assert!(home.contains("Nothing to change."), "{home}");
}

/// Issue 19: a collection that scheduled with FSRS in Anki keeps each
/// card's memory state; py201 says so and switches to FSRS only when asked
/// (`--scheduler fsrs`).
#[test]
fn an_fsrs_collection_keeps_its_memory_and_switches_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let colpkg = dir.path().join("f.colpkg");
    anki_tool(&[Path::new("fsrs"), &colpkg]);
    // Anki answered just now (its `dump` cannot open a .colpkg).
    let now = chrono::Utc::now().to_rfc3339();
    let env = empty_env();
    let out = env.run_ok(&now, &["import", colpkg.to_str().unwrap()], "");
    assert!(out.contains("this collection used FSRS in Anki"), "{out}");
    assert_eq!(env.run_ok(&now, &["config", "scheduler"], "").trim(), "sm2");
    let cards: Vec<Value> =
        serde_json::from_str(&env.run_ok(&now, &["cards", "--deck", "Memory", "--json"], ""))
            .unwrap();
    assert_eq!(cards.len(), 2);
    for c in &cards {
        let (s, d) = (c["stability"].as_f64(), c["difficulty"].as_f64());
        assert!(
            s.is_some_and(|s| s > 0.0) && d.is_some_and(|d| (1.0..=10.0).contains(&d)),
            "{c}"
        );
    }
    // Asked: py201 switches, keeping the memory states Anki had.
    let env = empty_env();
    let out = env
        .cmd(&now)
        .args(["import", "--scheduler", "fsrs", colpkg.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        env.run_ok(&now, &["config", "scheduler"], "").trim(),
        "fsrs"
    );
    let after: Vec<Value> =
        serde_json::from_str(&env.run_ok(&now, &["cards", "--deck", "Memory", "--json"], ""))
            .unwrap();
    for (a, b) in cards.iter().zip(&after) {
        assert_eq!(a["stability"], b["stability"], "memory kept: {b}");
    }
}

/// Issue 19, back and forth: cards reviewed in py201 go to Anki with their
/// progress, are reviewed there, and come back: py201 adds the answers
/// given in Anki (and none twice), each card takes the state of its latest
/// answer, and the course section survives the trip.
#[test]
fn reviews_done_in_anki_come_back_to_py201() {
    let env = env_with("test.toml");
    env.run_ok(T0, &["review", "--deck", "Test"], " \n4\n \n4\n \n4\n");
    let dir = tempfile::tempdir().unwrap();
    let (there, back) = (dir.path().join("a.apkg"), dir.path().join("b.apkg"));
    env.run_ok(
        T0,
        &[
            "export",
            "--deck",
            "Test",
            "--format",
            "apkg",
            "--with-progress",
            "-o",
            there.to_str().unwrap(),
        ],
        "",
    );
    let answered = anki_tool(&[Path::new("answer-all"), &there, &back]);
    assert_eq!(answered.trim(), "3", "Anki answered every card");
    let anki: Value = serde_json::from_str(&anki_tool(&[Path::new("dump"), &back])).unwrap();
    let now = format!("{}T12:00:00Z", anki["today"].as_str().unwrap());
    let out = env.run_ok(&now, &["import", back.to_str().unwrap()], "");
    assert!(
        out.contains("Test ┆     0 ┆       0 ┆         3"),
        "content unchanged, source kept: {out}"
    );
    assert!(
        out.contains(
            "Progress: 3 reviews added to the review log, 3 cards given their imported schedule."
        ),
        "{out}"
    );
    let cards = env.cards(&now, "Test");
    for a in anki["cards"].as_array().unwrap() {
        let p = cards.iter().find(|c| c["front"] == a["fields"][0]).unwrap();
        assert_eq!(p["interval"], a["ivl"], "{p}");
        assert_eq!(p["due"], a["due_date"], "{p}");
        assert_ne!(p["source"], "", "{p}");
    }
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    let rows: i64 = conn
        .query_row("SELECT count(*) FROM revlog", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 6, "three answers here, three in Anki");
    let again = env.run_ok(&now, &["import", back.to_str().unwrap()], "");
    assert!(again.contains("Nothing to change."), "{again}");
}
