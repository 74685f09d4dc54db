//! Whole-process benchmark: times real `py201` processes on generated
//! collections and prints medians and peak memory as a Markdown table.
//!
//!     cargo bench --bench cli                          # N = 1k, 10k, 100k
//!     PY201_BENCH_SIZES=1000,10000,100000,1000000 cargo bench --bench cli
//!
//! Each figure is the median of PY201_BENCH_RUNS (default 5) runs of the
//! whole process (start-up included); peak memory is the child's maximum
//! resident set size (wait4). Collections are generated once per size under
//! target/bench/ (N cards, R = min(10 N, 1,000,000) review-log rows, half of
//! the cards due) and reused. Beside them, per size: a code-heavy TSV of N
//! cards (70% with multi-line code in quoted fields), imported into an
//! empty collection, and that import's collection (N new cards, no
//! history) for the first card of a collection just imported.

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]
// wait4 (a child's own peak memory) and sync(2) are libc calls; nothing else here is unsafe.
#![allow(unsafe_code)]

#[path = "support/gen.rs"]
mod generator;
#[path = "support/harness.rs"]
mod harness;

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const NOW: &str = "2026-11-25T09:00:00Z";

struct Sample {
    ms: f64,
    rss_kb: i64,
}

/// Writes every dirty page to disk before a run, so a run's own `fsync`s
/// do not wait on the write-back of the runs before it (an import writes
/// 50 MB; without this, back-to-back imports took 0.41 to 0.49 s at random).
fn settle() {
    // SAFETY: sync(2) takes no arguments and cannot fail.
    unsafe { libc::sync() };
}

/// Runs `py201 args` with `stdin`, returning wall time and peak RSS.
///
/// The child is started by a fresh, small copy of this benchmark (see
/// [`measure_child`]) rather than by this process: Linux carries a process's
/// peak RSS across fork and exec, so a child of this process, which holds a
/// generated collection's TSV in memory, would report this process's peak.
fn run(bin: &Path, db: &Path, args: &[&str], stdin: &[u8]) -> Sample {
    let mut command: Vec<OsString> = vec![bin.into(), "--db".into(), db.into(), "-q".into()];
    command.extend(args.iter().map(OsString::from));
    measure(&command, stdin)
}

/// Runs `command` (a program and its arguments) with `stdin` under the
/// measuring child, returning wall time and peak RSS.
fn measure(command: &[OsString], stdin: &[u8]) -> Sample {
    let args = command;
    settle();
    let me = std::env::current_exe().expect("current exe");
    let mut child = Command::new(me)
        .env("PY201_BENCH_CHILD", "1")
        .args(command)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn the measuring child");
    let mut i = child.stdin.take().expect("stdin is piped");
    i.write_all(stdin)
        .expect("write the measuring child's input");
    drop(i);
    let out = child.wait_with_output().expect("measuring child");
    assert!(out.status.success(), "{args:?} failed");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut it = text.split_whitespace();
    // The measuring child always prints "milliseconds peak-RSS-KiB".
    let ms = it
        .next()
        .and_then(|v| v.parse().ok())
        .expect("milliseconds");
    let rss_kb = it.next().and_then(|v| v.parse().ok()).expect("peak RSS");
    Sample { ms, rss_kb }
}

/// The measuring child: runs its arguments as a command with this process's
/// stdin, times it, and prints "milliseconds peak-RSS-KiB" (wait4).
// libc::wait4 reaps the child (std cannot report its rusage).
#[allow(clippy::zombie_processes)]
fn measure_child() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((bin, rest)) = args.split_first() else {
        panic!("measuring child: no command");
    };
    let start = Instant::now();
    let child = Command::new(bin)
        .args(rest)
        .env("PY201_NOW", NOW)
        .env("TZ", "UTC")
        .stdin(Stdio::inherit())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {bin}: {e}"));
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our child, status and usage point to live locals.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(r, pid, "wait4");
    if !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0) {
        std::process::exit(1);
    }
    println!("{ms} {}", usage.ru_maxrss);
}

/// What SQLite alone takes to store what importing the N-card TSV stores
/// (a deck and N cards, each its own note, which has no row of its own;
/// one transaction, the same pragmas and indexes) when the rows come from one `INSERT …
/// SELECT` with no file read, no parsing and no parameters bound. The gap
/// between this and the import row is py201's own work; this row is the
/// floor that gap sits on.
fn sqlite_floor(db: &Path, n: usize) -> Sample {
    settle();
    let start = Instant::now();
    let conn = rusqlite::Connection::open(db).expect("open");
    conn.execute_batch(
        // As `py201 import` writes when it has the file to itself
        // (`Collection::bulk`): the rollback journal, full sync.
        "PRAGMA journal_mode = DELETE; PRAGMA synchronous = FULL; PRAGMA foreign_keys = OFF;
         BEGIN IMMEDIATE;",
    )
    .expect("begin");
    let deck: i64 = conn
        .query_row(
            "INSERT INTO decks (name, position) VALUES ('floor', 1000) RETURNING id",
            [],
            |r| r.get(0),
        )
        .expect("deck");
    // As an import does (DeckSync::count_added): the cards it adds are
    // counted per deck at the end, not by the insert trigger per card.
    let trigger: String = conn
        .query_row(
            "SELECT sql FROM sqlite_master WHERE name = 'deck_counts_insert'",
            [],
            |r| r.get(0),
        )
        .expect("the insert trigger");
    conn.execute_batch("DROP TRIGGER deck_counts_insert")
        .expect("drop trigger");
    let series = format!(
        "WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < {})",
        n - 1
    );
    conn.execute_batch(&format!(
        "{series} INSERT OR FAIL INTO cards (uid, note_id, deck_id, position, kind, front, back, tags)
         SELECT 'imp-' || i, 'imp-' || i, {deck}, 1000000000 + i, 'basic',
                'Imported question ' || i || ': what is asked here?', 'Answer ' || i, 'tag' || (i % 7)
         FROM s;
         INSERT INTO deck_counts VALUES ({deck}, 0, 0, {n});
         {trigger};
         COMMIT; PRAGMA journal_mode = WAL;"
    ))
    .expect("insert");
    drop(conn);
    Sample {
        ms: start.elapsed().as_secs_f64() * 1000.0,
        rss_kb: 0,
    }
}

/// A code-heavy TSV deck of `n` cards, as people export theirs: 70% of the
/// cards hold code (backticks, quotes, `<`, `>`, `&`, multi-line snippets in
/// quoted fields with doubled quotes), a few fields a literal tab.
/// Deterministic: the same file for the same `n`.
fn code_heavy_tsv(n: usize) -> String {
    const SNIPPETS: [&str; 5] = [
        "def f(xs: list[int]) -> dict[str, int]:\n    \"\"\"Count <even> & odd.\"\"\"\n    return {\"even\": sum(x % 2 == 0 for x in xs), 'odd': len(xs)}",
        "class Meta(type):\n    def __new__(mcs, name, bases, ns):\n        ns[\"tag\"] = f\"<{name}>\"\n        return super().__new__(mcs, name, bases, ns)",
        "async def main():\n    async with asyncio.timeout(1.0):\n        r = await fetch(\"a&b\")\n    print(r if r > 0 else `r`)",
        "x = [i for i in range(10) if i & 1]\nprint(x[::-1], \"<\" * 3, '>' * 2)",
        "with open(\"f.txt\") as fh:\n\tfor line in fh:\n\t\tprint(repr(line), end=\"\")",
    ];
    let mut s =
        String::from("#separator:tab\n#html:false\n#columns:id\tnotetype\tfront\tback\ttags\n");
    for i in 0..n {
        let quote = |f: &str| format!("\"{}\"", f.replace('"', "\"\""));
        // A card with code is typed (py201 asks a code card for a check or
        // a typed answer).
        let (kind, front, back) = if i % 10 < 7 {
            let code = SNIPPETS[i % SNIPPETS.len()];
            let front = format!(
                "What does `snippet {i}` print when `a < b && c > d`?\n\n```python\n{code}\n```"
            );
            let back = quote(&format!("It prints \"{i}\" & <nothing> else"));
            ("Basic (type in the answer)", quote(&front), back)
        } else {
            (
                "Basic",
                format!("Plain question {i}: what is `x` here?"),
                format!("Answer {i}"),
            )
        };
        s.push_str(&format!(
            "code-{i}\t{kind}\t{front}\t{back}\tcode tag{}\n",
            i % 7
        ));
    }
    s
}

/// The collections and files one size is measured on, made once and kept
/// under target/bench/.
struct Inputs {
    /// N cards, R reviews, half of the cards due.
    db: PathBuf,
    /// N plain cards to import.
    tsv: PathBuf,
    /// N code-heavy cards to import.
    code_tsv: PathBuf,
    /// A collection with the built-in decks only.
    empty: PathBuf,
    /// `empty` with `code_tsv` imported: N new cards, no history.
    all_new: PathBuf,
    /// `db`'s own decks (not the built-in ones) exported as an Anki
    /// package with their progress: N cards, R reviews.
    package: PathBuf,
    /// `package` with its fields in HTML as Anki's editor writes it.
    html_package: PathBuf,
    /// `package` as Anki exports it today (see support/anki_export.py),
    /// when Anki is at hand.
    current_package: Option<PathBuf>,
}

/// Makes (or finds) the inputs for N = `n` cards and R = `r` reviews;
/// `anki`, a Python with Anki, for the package Anki exports.
fn inputs(bin: &Path, dir: &Path, n: usize, r: usize, anki: Option<&Path>) -> Inputs {
    let today = py201::clock::date_to_day(chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap());
    let db = dir.join(format!("c-{n}-{r}.db"));
    if !db.exists() {
        let t = Instant::now();
        let tmp = dir.join("generating.db");
        let _ = std::fs::remove_file(&tmp);
        generator::generate(&tmp, n, r, 42, today).expect("generate");
        std::fs::rename(&tmp, &db).unwrap();
        eprintln!(
            "generated {n} cards, {r} reviews in {:.1} s",
            t.elapsed().as_secs_f64()
        );
    }
    let tsv = dir.join(format!("cards-{n}.tsv"));
    if !tsv.exists() {
        let mut s = String::from("#separator:tab\n#html:false\n#columns:id\tfront\tback\ttags\n");
        for i in 0..n {
            s.push_str(&format!(
                "imp-{i}\tImported question {i}: what is asked here?\tAnswer {i}\ttag{}\n",
                i % 7
            ));
        }
        std::fs::write(&tsv, s).unwrap();
    }
    let code_tsv = dir.join(format!("code-{n}.tsv"));
    if !code_tsv.exists() {
        std::fs::write(&code_tsv, code_heavy_tsv(n)).unwrap();
    }
    let empty = dir.join("empty.db");
    if !empty.exists() {
        run(bin, &empty, &["decks"], b"");
    }
    // A collection just imported: the code-heavy deck, every card new, no
    // history (beside the built-in decks).
    let all_new = dir.join(format!("new-{n}.db"));
    if !all_new.exists() {
        let tmp = dir.join("new-generating.db");
        remove_db(&tmp);
        std::fs::copy(&empty, &tmp).unwrap();
        run(bin, &tmp, &["import", &code_tsv.to_string_lossy()], b"");
        std::fs::rename(&tmp, &all_new).unwrap();
    }
    let package = dir.join(format!("anki-{n}-{r}.apkg"));
    if !package.exists() {
        anki_package(bin, dir, &db, &package);
    }
    let html_package = dir.join(format!("anki-html-{n}-{r}.apkg"));
    if !html_package.exists() {
        anki_html_package(dir, &package, &html_package);
    }
    let current_package = anki.filter(|_| n <= ANKI_MAX_CARDS).map(|python| {
        let out = dir.join(format!("anki21b-{n}-{r}.apkg"));
        if !out.exists() {
            anki_current_package(python, dir, &package, &out);
        }
        out
    });
    Inputs {
        db,
        tsv,
        code_tsv,
        empty,
        all_new,
        package,
        html_package,
        current_package,
    }
}

/// `package` imported into Anki and exported again in Anki's current
/// format (support/anki_export.py).
fn anki_current_package(python: &Path, dir: &Path, package: &Path, out: &Path) {
    let t = Instant::now();
    let generating = dir.join("anki21b-generating.apkg");
    let _ = std::fs::remove_file(&generating);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/support/anki_export.py");
    let status = Command::new(python)
        .arg(script)
        .arg(package)
        .arg(&generating)
        .status()
        .expect("run support/anki_export.py");
    assert!(status.success(), "support/anki_export.py failed");
    std::fs::rename(&generating, out).unwrap();
    eprintln!(
        "Anki exported {} in {:.1} s",
        out.display(),
        t.elapsed().as_secs_f64()
    );
}

/// `package` again with each note's fields as Anki's editor stores what
/// a learner types: each line a `<div>`, a non-breaking space, bold and
/// an empty line. py201's export writes its plain text as it is, which
/// the import reads without an HTML parser; a learner's own collection
/// is HTML throughout.
fn anki_html_package(dir: &Path, package: &Path, out: &Path) {
    let tmp = dir.join("html-package-generating");
    let _ = std::fs::remove_dir_all(&tmp);
    let mut zip = zip::ZipArchive::new(std::fs::File::open(package).unwrap()).unwrap();
    zip.extract(&tmp).unwrap();
    let names: Vec<String> = zip.file_names().map(str::to_string).collect();
    let conn = rusqlite::Connection::open(tmp.join("collection.anki2")).unwrap();
    conn.execute_batch(
        "UPDATE notes SET flds = '<div>'
           || replace(replace(flds, ': ', ':&nbsp;<b>'), char(31),
                      '</b></div><div><br></div>' || char(31) || '<div style=\"text-align: left;\">')
           || '</div>'",
    )
    .unwrap();
    drop(conn);
    let generating = dir.join("html-package-generating.apkg");
    let mut w = zip::ZipWriter::new(std::fs::File::create(&generating).unwrap());
    for name in names {
        w.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::copy(&mut std::fs::File::open(tmp.join(&name)).unwrap(), &mut w).unwrap();
    }
    w.finish().unwrap();
    std::fs::rename(&generating, out).unwrap();
    std::fs::remove_dir_all(&tmp).unwrap();
}

/// Exports `db`'s generated decks with their progress as an Anki package
/// at `out`, as a learner's own collection would be: from a copy without
/// the built-in decks (which `py201` does not add again: the collection
/// records that it has this binary's).
fn anki_package(bin: &Path, dir: &Path, db: &Path, out: &Path) {
    let tmp = dir.join("package-generating.db");
    remove_db(&tmp);
    std::fs::copy(db, &tmp).unwrap();
    let conn = rusqlite::Connection::open(&tmp).unwrap();
    conn.execute_batch(
        "PRAGMA foreign_keys = OFF;
         DELETE FROM revlog WHERE card_id IN
            (SELECT c.id FROM cards c JOIN decks d ON d.id = c.deck_id WHERE d.builtin);
         DELETE FROM cards WHERE deck_id IN (SELECT id FROM decks WHERE builtin);
         DELETE FROM notes WHERE deck_id IN (SELECT id FROM decks WHERE builtin);
         DELETE FROM decks WHERE builtin;",
    )
    .unwrap();
    drop(conn);
    let path = out.to_string_lossy();
    run(
        bin,
        &tmp,
        &["export", "--format", "apkg", "--with-progress", "-o", &path],
        b"",
    );
    remove_db(&tmp);
}

/// Removes a collection and its -wal and -shm files.
fn remove_db(path: &Path) {
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
    }
}

/// What the operations of one size run on.
struct Bench<'a> {
    bin: &'a Path,
    inputs: &'a Inputs,
    n: usize,
    /// The collection an operation that writes works on, a fresh copy.
    scratch: PathBuf,
    answers: String,
    out: String,
    apkg: String,
    /// A Python that imports `anki`, for Anki's own figures.
    anki: Option<&'a Path>,
}

impl Bench<'_> {
    /// `scratch` as a fresh copy of `from`.
    fn copy(&self, from: &Path) {
        remove_db(&self.scratch);
        std::fs::copy(from, &self.scratch).unwrap();
    }

    fn review(&self, db: &Path, input: &[u8], args: &[&str]) -> Sample {
        run(self.bin, db, &[&["review"], args].concat(), input)
    }

    fn import(&self, file: &Path) -> Sample {
        self.copy(&self.inputs.empty);
        run(
            self.bin,
            &self.scratch,
            &["import", &file.to_string_lossy()],
            b"",
        )
    }

    fn export(&self, args: &[&str]) -> Sample {
        run(
            self.bin,
            &self.inputs.db,
            &[&["export"], args].concat(),
            b"",
        )
    }

    /// Anki's own import of `file` into a new collection (see
    /// support/anki_import.py).
    fn anki_import(&self, python: &Path, file: &Path) -> Sample {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/support/anki_import.py");
        measure(&[python.into(), script.into(), file.into()], b"")
    }

    fn thousand_answers(&self) -> Sample {
        self.copy(&self.inputs.db);
        // Limits high enough that the session really answers 1,000 cards.
        run(
            self.bin,
            &self.scratch,
            &["config", "reviews-per-day", "99999"],
            b"",
        );
        self.review(&self.scratch, self.answers.as_bytes(), &["--limit", "1000"])
    }
}

type Op<'a> = (&'a str, Box<dyn Fn() -> Sample + 'a>);

/// Anki is timed up to this many cards (its import of 1,000,000 takes
/// minutes a run).
const ANKI_MAX_CARDS: usize = 100_000;

/// Every operation measured, in table order.
fn operations<'a>(b: &'a Bench<'a>) -> Vec<Op<'a>> {
    let mut ops = py201_operations(b);
    if let Some(python) = b.anki.filter(|_| b.n <= ANKI_MAX_CARDS) {
        let i = b.inputs;
        if let Some(current) = &i.current_package {
            ops.push((
                "import .apkg as Anki 26.9 exports it (the same package: .anki21b, zstd)",
                Box::new(move || b.import(current)),
            ));
        }
        ops.extend([
            (
                "Anki 26.9 on the same input: import the code-heavy TSV",
                Box::new(move || b.anki_import(python, &i.code_tsv)) as Box<dyn Fn() -> Sample>,
            ),
            (
                "Anki 26.9 on the same input: import the .apkg",
                Box::new(move || b.anki_import(python, &i.package)),
            ),
        ]);
    }
    ops
}

/// The operations of py201, in table order.
fn py201_operations<'a>(b: &'a Bench<'a>) -> Vec<Op<'a>> {
    let i = b.inputs;
    vec![
        (
            "review: start to first card, quit",
            Box::new(|| b.review(&i.db, b"q\n", &[])),
        ),
        ("review: 1,000 answers", Box::new(|| b.thousand_answers())),
        ("stats", Box::new(|| run(b.bin, &i.db, &["stats"], b""))),
        ("decks", Box::new(|| run(b.bin, &i.db, &["decks"], b""))),
        ("import TSV of N cards", Box::new(|| b.import(&i.tsv))),
        (
            "import code-heavy TSV of N cards (70% with code)",
            Box::new(|| b.import(&i.code_tsv)),
        ),
        (
            "import .apkg of N cards and R reviews (Anki package with progress)",
            Box::new(|| b.import(&i.package)),
        ),
        (
            "import .apkg, the same with its fields in HTML as Anki's editor writes it",
            Box::new(|| b.import(&i.html_package)),
        ),
        (
            "review: first card, all N new (just imported), quit",
            Box::new(|| b.review(&i.all_new, b"q\n", &[])),
        ),
        (
            "import floor: SQLite alone writes the same rows (in-process, no RSS)",
            Box::new(|| {
                b.copy(&i.empty);
                sqlite_floor(&b.scratch, b.n)
            }),
        ),
        // `py201 cards QUERY` (issue 18): filters the indexes serve, and a
        // word looked for in every card's text. Built-in decks' names, tags
        // and words, so each finds a few dozen cards at any N.
        (
            "search: cards deck:Descriptors --json (deck)",
            Box::new(|| run(b.bin, &i.db, &["cards", "--json", "deck:Descriptors"], b"")),
        ),
        (
            "search: cards prop:due=1 --json (due tomorrow)",
            Box::new(|| run(b.bin, &i.db, &["cards", "--json", "prop:due=1"], b"")),
        ),
        (
            "search: cards is:suspended --json (state)",
            Box::new(|| run(b.bin, &i.db, &["cards", "--json", "is:suspended"], b"")),
        ),
        (
            "search: cards tag:descriptors --json (tag)",
            Box::new(|| run(b.bin, &i.db, &["cards", "--json", "tag:descriptors"], b"")),
        ),
        (
            "search: cards generator --json (a word, full text)",
            Box::new(|| run(b.bin, &i.db, &["cards", "--json", "generator"], b"")),
        ),
        (
            "export TSV",
            Box::new(|| b.export(&["--format", "tsv", "-o", &b.out])),
        ),
        (
            "export .apkg",
            Box::new(|| b.export(&["--format", "apkg", "-o", &b.apkg])),
        ),
        (
            "export .apkg --with-progress",
            Box::new(|| b.export(&["--format", "apkg", "--with-progress", "-o", &b.apkg])),
        ),
    ]
}

/// One row of the table: the median, minimum and maximum time, and the
/// largest peak memory, of `samples`.
fn report(name: &str, n: usize, r: usize, samples: &[Sample]) {
    let ms: Vec<f64> = samples.iter().map(|s| s.ms).collect();
    let rss = match samples.iter().map(|s| s.rss_kb).max().unwrap_or(0) {
        0 => "–".to_string(),
        kb => format!("{:.1}", kb as f64 / 1024.0),
    };
    let (lo, hi) = (
        ms.iter().cloned().fold(f64::MAX, f64::min),
        ms.iter().cloned().fold(0.0, f64::max),
    );
    println!(
        "| {name} | {n} | {r} | {:.1} | {lo:.1} | {hi:.1} | {rss} |",
        harness::median(ms.clone())
    );
}

/// PY201_BENCH_SIZES, else 1,000, 10,000 and 100,000.
fn sizes() -> Vec<usize> {
    std::env::var("PY201_BENCH_SIZES")
        .unwrap_or_else(|_| "1000,10000,100000".into())
        .split(',')
        .map(|s| {
            s.trim()
                .parse()
                .unwrap_or_else(|e| panic!("PY201_BENCH_SIZES: {s:?}: {e}"))
        })
        .collect()
}

/// The Python of the virtualenv the tests install Anki into
/// (tests/anki.rs), or PY201_BENCH_ANKI_PYTHON, if it imports `anki`;
/// without one, Anki's rows are left out.
fn anki_python(root: &Path) -> Option<PathBuf> {
    let python = std::env::var_os("PY201_BENCH_ANKI_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| harness::target_dir(root).join("tmp/anki-venv/bin/python"));
    let ok = Command::new(&python)
        .args(["-c", "import anki.collection"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!(
            "{}: no anki library; Anki's rows left out",
            python.display()
        );
    }
    ok.then_some(python)
}

/// A deck file of `n` cards (TOML, the format `py201 check` lints).
fn deck_file(n: usize) -> String {
    let mut s = String::from("[deck]\nname = \"Deck file\"\n");
    for i in 0..n {
        s.push_str(&format!(
            "\n[[cards]]\nid = \"deck-{i}\"\nfront = \"Question {i}?\"\nback = \"Answer {i}\"\n"
        ));
    }
    s
}

/// Cards in the deck-file row: about the most a deck file may hold (1 MiB).
const DECK_FILE_CARDS: usize = 14_000;

/// The deck-file import, which does not depend on N: one row after the
/// sizes (its import was quadratic in the cards once: 205 s in a debug
/// build for this many).
fn deck_file_row(bin: &Path, dir: &Path, runs: usize) {
    let file = dir.join(format!("deck-{DECK_FILE_CARDS}.toml"));
    if !file.exists() {
        std::fs::write(&file, deck_file(DECK_FILE_CARDS)).unwrap();
    }
    let (empty, scratch) = (dir.join("empty.db"), dir.join("scratch.db"));
    let samples: Vec<Sample> = (0..runs)
        .map(|_| {
            remove_db(&scratch);
            std::fs::copy(&empty, &scratch).unwrap();
            run(bin, &scratch, &["import", &file.to_string_lossy()], b"")
        })
        .collect();
    report("import a deck file (TOML)", DECK_FILE_CARDS, 0, &samples);
}

/// Whether the operation `name` is measured: PY201_BENCH_ONLY, if set,
/// names a part of the operations to run (e.g. "apkg").
fn wanted(name: &str) -> bool {
    std::env::var("PY201_BENCH_ONLY").map_or(true, |only| name.contains(&only))
}

fn main() {
    if std::env::var_os("PY201_BENCH_CHILD").is_some() {
        return measure_child();
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bin = harness::release_binary(root);
    let runs = harness::runs(5);
    let dir = harness::target_dir(root).join("bench");
    std::fs::create_dir_all(&dir).unwrap();
    let anki = anki_python(root);
    println!("| operation | cards | reviews | median ms | min ms | max ms | peak RSS MB |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for n in sizes() {
        let r = (10 * n).min(1_000_000);
        let inputs = inputs(&bin, &dir, n, r, anki.as_deref());
        let bench = Bench {
            bin: &bin,
            inputs: &inputs,
            n,
            scratch: dir.join("scratch.db"),
            answers: "\n4\n".repeat(1000),
            out: dir.join("export.out").to_string_lossy().into_owned(),
            apkg: dir.join("export.apkg").to_string_lossy().into_owned(),
            anki: anki.as_deref(),
        };
        for (name, op) in operations(&bench).iter().filter(|(name, _)| wanted(name)) {
            let samples: Vec<Sample> = (0..runs).map(|_| op()).collect();
            report(name, n, r, &samples);
        }
    }
    if wanted("deck file") {
        deck_file_row(&bin, &dir, runs);
    }
}
