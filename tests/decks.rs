//! The built-in decks: valid, covering every course section, and true: every
//! card's Python check passes on each installed CPython it is about.

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use py201::decks::{ParsedDeck, builtin::BUILTIN_DECKS, parse_all, pycheck};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

fn decks() -> Vec<ParsedDeck> {
    parse_all(BUILTIN_DECKS.iter().map(|(n, t)| (*n, *t))).unwrap_or_else(|p| {
        panic!(
            "{}",
            p.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        )
    })
}

fn manifest(p: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

/// (heading, is a sub-section) from the fixture list, in course order.
fn headings() -> Vec<(String, bool)> {
    let text = std::fs::read_to_string(manifest("tests/fixtures/course/headings.txt"))
        .expect("tests/fixtures/course/headings.txt");
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| (l.trim().to_string(), l.starts_with("  ")))
        .collect()
}

/// The built-in decks are valid and well made: `py201 check --strict`
/// passes on them, embedded (no path) and as the files in decks/.
#[test]
fn py201_check_strict_passes_on_the_builtin_decks() {
    for paths in [vec![], vec![manifest("decks")]] {
        let out = assert_cmd::Command::cargo_bin("py201")
            .unwrap()
            .args(["check", "--strict"])
            .args(&paths)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(stdout.lines().count(), 1, "{stdout}");
        assert!(stdout.ends_with(": no problems\n"), "{stdout}");
    }
}

#[test]
fn py201_check_lists_every_problem_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.toml");
    let b = dir.path().join("b.toml");
    std::fs::write(&a, "[deck]\nname = \"A\"\n\n[[cards]]\nid = \"x\"\nfront = \"q\"\nback = \"a\"\n\n[[cards]]\nid = \"y\"\nkind = \"cloze\"\ntext = \"{{c1::oops\"\n").unwrap();
    std::fs::write(&b, "[deck]\nname = \"B\"\n\n[[cards]]\nid = \"x\"\nkind = \"flash\"\nfront = \"q\"\nback = \"a\"\n\n[[cards]]\nfront = \"\"\n").unwrap();
    let out = assert_cmd::Command::cargo_bin("py201")
        .unwrap()
        .arg("check")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(
        lines[0].ends_with("a.toml:9: card y: cloze c1 is not closed with }}"),
        "{stdout}"
    );
    assert!(
        lines[1].ends_with("b.toml:4: card x: unknown kind \"flash\" (kinds: basic, cloze, typed)"),
        "{stdout}"
    );
    assert!(lines[2].ends_with("b.toml:10: card has no id"), "{stdout}");
    // A duplicate id across files is found once each file parses.
    std::fs::write(
        &b,
        "[deck]\nname = \"B\"\n\n[[cards]]\nid = \"x\"\nfront = \"q\"\nback = \"a\"\n",
    )
    .unwrap();
    let out = assert_cmd::Command::cargo_bin("py201")
        .unwrap()
        .arg("check")
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("b.toml:4: duplicate card id \"x\" (also in"),
        "{stdout}"
    );
}

#[test]
fn every_card_is_checked_or_cites_a_source() {
    let mut missing = Vec::new();
    for (d, (file, _)) in decks().iter().zip(BUILTIN_DECKS) {
        for n in &d.notes {
            if !n.has_ref && !n.has_check {
                missing.push(format!(
                    "decks/{file}:{}: card {} has neither a check nor a ref",
                    n.line, n.id
                ));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn every_course_heading_has_cards_and_every_card_names_a_heading() {
    let course = std::fs::read_to_string(manifest("tests/fixtures/course/py201.txt"))
        .expect("tests/fixtures/course/py201.txt");
    let course_lines: BTreeSet<&str> = course.lines().map(str::trim).collect();
    let heads = headings();
    assert!(
        heads.len() >= 40,
        "heading list incomplete: {}",
        heads.len()
    );
    let known: BTreeSet<&str> = heads.iter().map(|h| h.0.as_str()).collect();
    let mut per_source: BTreeMap<String, usize> = BTreeMap::new();
    let mut problems = Vec::new();
    for d in decks() {
        for n in &d.notes {
            if !known.contains(n.source.as_str()) {
                problems.push(format!(
                    "card {}: source {:?} is not a course heading",
                    n.id, n.source
                ));
            }
            *per_source.entry(n.source.clone()).or_default() += 1;
        }
    }
    for (h, _) in &heads {
        assert!(
            course_lines.contains(h.as_str()),
            "heading {h:?} is not a line of the course text"
        );
        if per_source.get(h).copied().unwrap_or(0) == 0 {
            problems.push(format!("course section {h:?} has no cards"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_product_brief_examples_are_in() {
    // decks() panics on a deck that does not parse, rather than leaving
    // its cards out of the count.
    let all: Vec<(String, String)> = decks()
        .into_iter()
        .flat_map(|d| d.content.cards)
        .map(|c| (c.uid, c.front.to_lowercase()))
        .collect();
    let front = |id: &str| {
        all.iter()
            .find(|c| c.0 == id)
            .map(|c| c.1.clone())
            .unwrap_or_else(|| panic!("no built-in card {id}"))
    };
    // By their stable ids, so rewording them cannot silently drop them.
    assert!(
        front("dm-iadd-mutable-returns-self").contains("+="),
        "the `+=` on a mutable card"
    );
    assert!(
        front("fn-param-kinds-list:c1").contains("parameter kinds"),
        "the parameter kinds card"
    );
    assert!(all.len() >= 300, "only {} cards", all.len());
}

/// Runs every Python check with every installed interpreter it applies to;
/// a check that starts processes runs once under each multiprocessing
/// start method (fork, forkserver, spawn), forced by the wrapper in
/// `pycheck::run_with`, so a card keeps passing when Linux's default moves
/// to forkserver (3.14) and on macOS/Windows (spawn).
/// Long form: `py201 check --python [--start-method M]` prints the same verdicts.
#[test]
fn every_python_check_passes_on_each_installed_cpython() {
    let pys = pycheck::interpreters();
    assert!(
        !pys.is_empty(),
        "no CPython 3.11+ found (python3.11, python3.12, ... on PATH or under pyenv)"
    );
    let minors: Vec<u32> = pys.iter().map(|p| p.minor).collect();
    type Job = (
        py201::decks::PyCheck,
        pycheck::Interpreter,
        Option<pycheck::StartMethod>,
    );
    let jobs: Vec<Job> = decks()
        .into_iter()
        .flat_map(|d| d.checks)
        .flat_map(|c| {
            let want = pycheck::wanted(c.python.as_deref(), &minors);
            let methods: Vec<Option<pycheck::StartMethod>> = if pycheck::starts_processes(&c) {
                pycheck::StartMethod::ALL.into_iter().map(Some).collect()
            } else {
                vec![None]
            };
            pys.iter()
                .filter(|p| want.contains(&p.minor))
                .flat_map(|p| methods.iter().map(|m| (c.clone(), p.clone(), *m)))
                .collect::<Vec<_>>()
        })
        .collect();
    let forced = jobs.iter().filter(|j| j.2.is_some()).count();
    assert!(
        forced >= 3 * 20,
        "only {forced} runs under a forced start method: are the multiprocessing checks found?"
    );
    let total_checks: usize = decks().iter().map(|d| d.checks.len()).sum();
    let skipped: Vec<String> = decks()
        .into_iter()
        .flat_map(|d| d.checks)
        .filter(|c| pycheck::wanted(c.python.as_deref(), &minors).is_empty())
        .map(|c| {
            format!(
                "card {} skipped: needs CPython {:?}, not installed",
                c.card, c.python
            )
        })
        .collect();
    let queue = Mutex::new(jobs.into_iter());
    let failures = Mutex::new(Vec::new());
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .min(8);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    // The lock is released before the check runs.
                    let next = queue.lock().unwrap().next();
                    let Some((check, py, start)) = next else {
                        break;
                    };
                    if let pycheck::Verdict::Fail(why) =
                        pycheck::run_with(&check, &py, Duration::from_secs(60), start)
                    {
                        let method = start.map_or("default", |m| m.name());
                        failures.lock().unwrap().push(format!(
                            "{}:{}: card {}: python 3.{} ({method} start): {why}",
                            check.file, check.line, check.card, py.minor
                        ));
                    }
                }
            });
        }
    });
    for s in &skipped {
        eprintln!("{s}");
    }
    eprintln!(
        "{total_checks} checks on CPython 3.{:?}; {} skipped",
        minors,
        skipped.len()
    );
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{} failing checks:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        total_checks >= 150,
        "only {total_checks} cards carry a Python check"
    );
}

/// Design warnings are said with the card and a suggestion, and pass the
/// check; `--strict` makes the same deck fail.
#[test]
fn py201_check_warns_on_card_design_and_strict_fails() {
    let dir = tempfile::tempdir().unwrap();
    let deck = dir.path().join("d.toml");
    std::fs::write(
        &deck,
        "[deck]\nname = \"D\"\n\n[[cards]]\nid = \"v\"\nkind = \"cloze\"\n\
         text = \"`pairwise` was added in Python {{c1::3.10}}.\"\n",
    )
    .unwrap();
    let run = |strict: bool| {
        let mut cmd = assert_cmd::Command::cargo_bin("py201").unwrap();
        cmd.arg("check").arg(&deck);
        if strict {
            cmd.arg("--strict");
        }
        cmd.output().unwrap()
    };
    let out = run(false);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("d.toml:4: card v:c1: warning: the deletion hides only \"3.10\" [trivial-cloze]; suggestion: "),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("1 file, 1 deck, 1 card: no problems, 1 design warning\n"),
        "{stdout}"
    );
    let out = run(true);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("(--strict: failing)"), "{stdout}");
}

/// A check whose worker function lives in the check's own `__main__` runs
/// under a forced start method; spawn and forkserver children re-import
/// that main module, which only works when it is a file.
#[test]
fn py201_check_python_forces_a_start_method() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("d.toml"),
        "[deck]\nname = \"D\"\n\n[[cards]]\nid = \"mp\"\nkind = \"typed\"\nsource = \"S\"\n\
         front = \"What does this print?\"\ncode = '''\nimport multiprocessing as mp\n\
         def child(q):\n    q.put(mp.current_process().name)\n\
         if __name__ == \"__main__\":\n    q = mp.Queue()\n    p = mp.Process(target=child, args=(q,), name=\"kid\")\n\
         \x20   p.start()\n    print(q.get(timeout=20), mp.get_start_method())\n    p.join()\n'''\n\
         back = \"kid spawn\"\n",
    )
    .unwrap();
    let out = assert_cmd::Command::cargo_bin("py201")
        .unwrap()
        .args(["check", "--python", "--start-method", "spawn"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("(start method spawn): "), "{stdout}");
    assert!(stdout.contains(" 0 failed, 0 skipped"), "{stdout}");
}

/// The table of cards per course section in docs/decks.md, rendered from
/// the decks and the course text: (heading, is a sub-section, share of the
/// course text in percent, cards). A top-level row counts its sub-sections.
fn section_balance() -> String {
    let course = std::fs::read_to_string(manifest("tests/fixtures/course/py201.txt")).unwrap();
    let heads = headings();
    let index: BTreeMap<&str, usize> = heads
        .iter()
        .enumerate()
        .map(|(i, h)| (h.0.as_str(), i))
        .collect();
    // Course characters and cards under each heading, then rolled up.
    let mut chars = vec![0usize; heads.len()];
    let mut current = None;
    for line in course.lines() {
        match index.get(line.trim()) {
            Some(&i) => current = Some(i),
            None => {
                if let Some(i) = current {
                    chars[i] += line.chars().count();
                }
            }
        }
    }
    let mut cards = vec![0usize; heads.len()];
    for d in decks() {
        for c in &d.content.cards {
            cards[index[c.source.as_str()]] += 1;
        }
    }
    let parent_of = |i: usize| (0..=i).rev().find(|&j| !heads[j].1).unwrap();
    let (mut chars_all, mut cards_all) = (chars.clone(), cards.clone());
    for i in 0..heads.len() {
        if heads[i].1 {
            let p = parent_of(i);
            chars_all[p] += chars[i];
            cards_all[p] += cards[i];
        }
    }
    let total_chars: usize = chars.iter().sum();
    let total_cards: usize = cards.iter().sum();
    let pct = |n: usize, of: usize| format!("{:.1}%", 100.0 * n as f64 / of as f64);
    let mut out = String::from(
        "| Course section | Share of the course text | Cards | Share of the cards |\n|---|--:|--:|--:|\n",
    );
    for (i, (h, sub)) in heads.iter().enumerate() {
        let name = h
            .replace('|', "\\|")
            .replace('*', "\\*")
            .replace("__", "\\_\\_");
        let name = if *sub {
            format!("· {name}")
        } else {
            format!("**{name}**")
        };
        out.push_str(&format!(
            "| {name} | {} | {} | {} |\n",
            pct(chars_all[i], total_chars),
            cards_all[i],
            pct(cards_all[i], total_cards)
        ));
    }
    out.push_str(&format!("| Total | 100% | {total_cards} | 100% |\n"));
    out
}

/// docs/decks.md shows the cards per course section as the decks are now,
/// so the balance can't drift from what ships. `PY201_BLESS=1 cargo test
/// --test decks docs_` rewrites the table after a deck change.
#[test]
fn docs_show_the_cards_per_course_section() {
    const START: &str = "<!-- section-balance: start (tests/decks.rs writes this table) -->\n";
    const END: &str = "<!-- section-balance: end -->";
    let path = manifest("docs/decks.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let (before, rest) = doc
        .split_once(START)
        .expect("docs/decks.md: no start marker");
    let (table, after) = rest.split_once(END).expect("docs/decks.md: no end marker");
    let want = section_balance();
    if table == want {
        return;
    }
    if std::env::var_os("PY201_BLESS").is_some() {
        std::fs::write(&path, format!("{before}{START}{want}{END}{after}")).unwrap();
        return;
    }
    panic!(
        "docs/decks.md is out of date; run `PY201_BLESS=1 cargo test --test decks docs_`.\nExpected table:\n{want}"
    );
}

/// Read file by file, card by card, the built-in decks follow the course:
/// no card's section comes before the section of a card above it.
#[test]
fn the_decks_follow_the_course_order() {
    let order: BTreeMap<String, usize> = headings()
        .into_iter()
        .enumerate()
        .map(|(i, h)| (h.0, i))
        .collect();
    let mut furthest = (0, String::new());
    let mut behind = Vec::new();
    for (d, (file, _)) in decks().iter().zip(BUILTIN_DECKS) {
        for n in &d.notes {
            let at = order[&n.source];
            if at < furthest.0 {
                behind.push(format!(
                    "decks/{file}:{}: card {} ({:?}) comes after a card of {:?}",
                    n.line, n.id, n.source, furthest.1
                ));
            } else {
                furthest = (at, n.source.clone());
            }
        }
    }
    assert!(behind.is_empty(), "{}", behind.join("\n"));
}
