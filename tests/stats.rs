//! `py201 stats` over a scripted history made through the real `py201
//! review` (piped answers, `fuzz off`, `PY201_NOW`): every figure is worked
//! out by hand from the grades piped in (see `history`), then checked in the
//! table output and in `--json`.

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;
use serde_json::{Value, json};

// Submodules live under tests/stats/ so Cargo does not build them as test
// crates of their own.
#[path = "stats/as_json.rs"]
mod as_json;
#[path = "stats/edges.rs"]
mod edges;

/// Day 73 (Wed 2026-03-18), the day the statistics are taken.
const T: i64 = 73;

/// `py201 review --deck DECK [extra...]` on day `day` with `input` piped in.
fn review(env: &Env, day: i64, deck: &str, extra: &[&str], input: &str) -> String {
    let mut args = vec!["review", "--deck", deck];
    args.extend(extra);
    env.run_ok(&at_day(day), &args, input)
}

fn fixture(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/decks")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The scripted history; returns the review output of day 10 (the leech's).
///
/// Decks (course order): Stats (s-m1, s-m2, s-l, s-y, s-r, s-s, s-n1..s-n5),
/// then Test (t-a, t-b, t-c). Settings: fuzz off, new-per-day 3.
/// EF deltas for q = 5..0: +0.1, 0, -0.14, -0.32, -0.54, -0.8 (floor 1.3).
///
/// | day | deck  | answers (card grade; "r" = same-day repeat)            |
/// |-----|-------|--------------------------------------------------------|
/// | 1   | Stats | s-m1 5, s-m2 5, s-l 5 (new)                            |
/// | 2   | Stats | s-m1 5, s-m2 5, s-l 0 (lapse 1), s-l r4                |
/// | 3-7 | Stats | s-l 0 (lapses 2-6), s-l r4                             |
/// | 8   | Stats | s-m1 5, s-m2 5, s-l 0 (lapse 7), s-l r4                |
/// | 9   | Stats | s-l 0 (lapse 8), s-l r4                                |
/// | 10  | Stats | s-l 3 (a leech now), its repeat suspended with `s`     |
/// | 25  | Stats | s-m1 5, s-m2 4                                         |
/// | 70  | Stats | s-y 4, s-r 2 (new), s-r r5                             |
/// | 70  | Test  | t-a 5 (new; the day's 3 new cards are used up)         |
/// | 71  | Stats | s-y 3, s-r 1 (lapse 1), s-y r4, s-r r4                 |
/// | 71  | Test  | t-a 4, t-b 5 (new), t-c 3 (new), t-c r5                |
/// | 72  | Stats | s-r 5; then s-r is retired (removed from the deck file)|
/// | 72  | Test  | t-b 2 (lapse 1), t-b r4; t-c, also due, is left        |
/// | 73  | Stats | s-m1 5, s-m2 2 (lapse 1), s-s suspended, s-n1 buried,  |
/// |     |       | s-n2 4 (new), then input ends: s-m2's repeat pending   |
///
/// Card states after day 73 (interval, EF, due):
/// * s-m1: 1, 6, ceil(6*2.7)=17, ceil(17*2.8)=48, ceil(48*2.9)=140 days; EF 3.0;
///   due day 213: mature.
/// * s-m2: 1, 6, 17, 48 (EF 2.8 after its 4), then failed: 1 day, EF 2.48,
///   due day 74, 1 lapse, repeat pending: learning.
/// * s-l: EF 2.6, 1.8, then 1.3 (floor) to the end; 8 lapses; suspended.
/// * s-y: 1 day, EF 2.5; then 6 days, EF 2.36, due day 77: young.
/// * s-r: EF 2.18, 1.64, 1.74; retired.
/// * s-n2: 1 day, EF 2.5, due day 74: young. s-n3..s-n5: new.
/// * t-a: EF 2.6, 6 days, due day 77; t-b: EF 2.6 then 2.28, 1 day, due
///   day 73; t-c: EF 2.36, 1 day, due day 72 (overdue): all young.
fn history(env: &Env) -> String {
    env.config("fuzz", "off");
    env.config("new-per-day", "3");
    let test_deck =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/decks/test.toml");
    let test_deck = test_deck.to_string_lossy();
    env.run_ok(&at_day(1), &["import", &test_deck], "");

    review(env, 1, "Stats", &[], "\n5\n\n5\n\n5\n");
    // --limit keeps the new cards out, so the day's repeats follow at once.
    review(env, 2, "Stats", &["--limit", "3"], "\n5\n\n5\n\n0\n\n4\n");
    for day in 3..=7 {
        review(env, day, "Stats", &["--limit", "1"], "\n0\n\n4\n");
    }
    review(env, 8, "Stats", &["--limit", "3"], "\n5\n\n5\n\n0\n\n4\n");
    let day9 = review(env, 9, "Stats", &["--limit", "1"], "\n0\n\n4\n");
    // Shown with 7 lapses, failed (the 8th), then shown again as a repeat.
    let notices: Vec<usize> = day9
        .lines()
        .enumerate()
        .filter(|(_, l)| *l == "Leech: this card has failed 8 times.")
        .map(|(i, _)| i)
        .collect();
    let second_q = day9
        .lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with("Q: "))
        .nth(1);
    assert_eq!(notices.len(), 1, "{day9}");
    assert_eq!(
        second_q.map(|(i, _)| i + 1),
        notices.first().copied(),
        "{day9}"
    );
    let day10 = review(env, 10, "Stats", &["--limit", "1"], "\n3\ns\n");
    review(env, 25, "Stats", &["--limit", "2"], "\n5\n\n4\n");

    review(env, 70, "Stats", &["--limit", "2"], "\n4\n\n2\n\n5\n");
    review(env, 70, "Test", &[], "\n5\n");
    review(env, 71, "Stats", &["--limit", "2"], "\n3\n\n1\n\n4\n\n4\n");
    review(env, 71, "Test", &[], "\n4\n\n5\n\n3\n\n5\n");
    review(env, 72, "Stats", &["--limit", "1"], "\n5\n");
    review(env, 72, "Test", &["--limit", "1"], "\n2\n\n4\n");

    // Retire s-r: import the Stats deck without it.
    let stats = fixture("stats.toml");
    let without: Vec<&str> = stats
        .split("\n[[cards]]\n")
        .filter(|block| !block.starts_with("id = \"s-r\""))
        .collect();
    let path = env.dir.path().join("stats-without-s-r.toml");
    std::fs::write(&path, without.join("\n[[cards]]\n")).unwrap();
    env.run_ok(&at_day(72), &["import", &path.to_string_lossy()], "");

    review(env, T, "Stats", &[], "\n5\n\n2\ns\nb\n\n4\n");
    day10
}

fn stats_at(env: &Env, now: &str, args: &[&str]) -> String {
    let mut all = vec!["stats"];
    all.extend(args);
    env.run_ok(now, &all, "")
}

fn stats_json_at(env: &Env, now: &str, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend(args);
    let out = stats_at(env, now, &all);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("stats --json: {e}\n{out}"))
}

/// `py201 stats ARGS` on day `T`.
fn stats(env: &Env, args: &[&str]) -> String {
    stats_at(env, &at_day(T), args)
}

fn stats_json(env: &Env, args: &[&str]) -> Value {
    stats_json_at(env, &at_day(T), args)
}

/// `py201 stats ARGS` on day `T`, laid out for `columns` columns.
fn stats_in(env: &Env, columns: &str, args: &[&str]) -> String {
    let out = env
        .cmd(&at_day(T))
        .env("COLUMNS", columns)
        .arg("stats")
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// The block of `out` whose title line starts with `title` (blocks are
/// separated by a blank line).
fn section<'a>(out: &'a str, title: &str) -> &'a str {
    out.split("\n\n")
        .find(|b| b.starts_with(title))
        .unwrap_or_else(|| panic!("no section {title:?} in:\n{out}"))
}

/// The cells of the table row of `block` whose first cell is `first`.
fn row(block: &str, first: &str) -> Vec<String> {
    block
        .lines()
        .filter(|l| l.starts_with('│'))
        .map(|l| {
            l.trim_matches('│')
                .split('┆')
                .map(|c| c.trim().to_string())
                .collect::<Vec<_>>()
        })
        .find(|cells| cells.first().is_some_and(|c| c == first))
        .unwrap_or_else(|| panic!("no row {first:?} in:\n{block}"))
}

/// Asserts that `block` has the table row `want` (its first cell names it).
fn has_row(block: &str, want: &[&str]) {
    let first = want.first().copied().expect("a row has its first cell");
    assert_eq!(row(block, first), cells(want), "{block}");
}

fn cells(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn bar(n: usize) -> String {
    "█".repeat(n)
}

/// Cards in the built-in decks: all new, so they add to "new" and "total"
/// only (none while `decks/` is empty).
fn builtin_cards() -> u32 {
    py201::decks::builtin::decks()
        .unwrap()
        .iter()
        .map(|d| d.cards.len() as u32)
        .sum()
}

/// Removes every `time_ms`: piped answers take a few real milliseconds,
/// which vary from run to run (exact times: `answer_times_add_up`).
fn strip_times(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.remove("time_ms");
            m.values_mut().for_each(strip_times);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_times),
        _ => {}
    }
}

#[test]
fn leech_notice_appears_under_the_question_from_the_eighth_lapse() {
    let env = env_with("stats.toml");
    let day10 = history(&env);
    // Day 10: s-l (8 lapses) is graded 3, which is no lapse, and shown again
    // as a repeat: the notice follows the question both times.
    let lines: Vec<&str> = day10.lines().collect();
    let notices: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i] == "Leech: this card has failed 8 times.")
        .collect();
    assert_eq!(notices.len(), 2, "{day10}");
    for i in notices {
        assert!(
            lines[i - 1].starts_with("Q: What does `super()`"),
            "{day10}"
        );
        assert!(
            lines[i + 1].starts_with("(Enter shows the answer"),
            "{day10}"
        );
    }
    let s_l = env.card(&at_day(T), "Stats", "s-l");
    assert_eq!(
        (&s_l["lapses"], &s_l["state"]),
        (&json!(8), &json!("suspended"))
    );
}

#[test]
fn stats_table_shows_every_figure_of_the_history() {
    let env = env_with("stats.toml");
    history(&env);
    // The figures, one table row a line: laid out wide enough that no cell
    // wraps (the layout at 100 columns is checked in tests/cli.rs and by
    // the documented example).
    let out = stats_in(&env, "200", &[]);
    let b = builtin_cards();
    assert!(
        out.starts_with("Statistics for all decks on 2026-03-18\n"),
        "{out}"
    );

    // Today (day 73): s-m1, s-m2, s-n2 answered once each. Still due: t-b
    // (due today) and t-c (due day 72). Repeat pending: s-m2. New cards: the
    // limit 3 minus s-n2 = 2 (s-n3..s-n5 and any built-in cards wait).
    // Streak: days 70-73 = 4; longest: days 1-10 = 10 (the gaps after day
    // 10 and after day 25 broke it).
    let today = section(&out, "Today");
    for (label, want) in [
        ("Cards reviewed", "3"),
        ("Reviews (with repeats)", "3"),
        ("Still due", "2"),
        ("Repeats pending", "1"),
        ("New cards left", "2"),
        ("Study streak", "4 days"),
        ("Longest streak", "10 days"),
    ] {
        has_row(today, &[label, want]);
    }
    // Piped answers take milliseconds; exact times: see answer_times_add_up.
    has_row(today, &["Time", "0s"]);

    // Cards by state, from the card states listed in `history`.
    let states = section(&out, "Cards by state");
    has_row(states, &["Stats", "3", "1", "2", "1", "2", "1", "1", "11"]);
    has_row(states, &["Test", "0", "0", "3", "0", "0", "0", "0", "3"]);
    let (new, total) = ((3 + b).to_string(), (14 + b).to_string());
    has_row(
        states,
        &["All decks", &new, "1", "5", "1", "2", "1", "1", &total],
    );

    // Forecast: overdue t-c; today t-b; Thu 03-19 (day 74): s-m2, s-n2;
    // Sun 03-22 (day 77): s-y, t-a. s-m1 (day 213) is beyond 4 weeks.
    // Bars: 30 blocks for the largest day (2), 15 for 1; weeks scale apart.
    let f = section(&out, "Forecast");
    has_row(f, &["overdue", "1", &bar(15)]);
    has_row(f, &["today", "1", &bar(15)]);
    has_row(f, &["Thu 2026-03-19", "2", &bar(30)]);
    has_row(f, &["Fri 2026-03-20", "0", ""]);
    has_row(f, &["Sun 2026-03-22", "2", &bar(30)]);
    has_row(f, &["Wed 2026-03-25", "0", ""]);
    let week1 = "2026-03-19 to 2026-03-25";
    has_row(f, &[week1, "4", &bar(30)]);
    for week in [
        "2026-03-26 to 2026-04-01",
        "2026-04-02 to 2026-04-08",
        "2026-04-09 to 2026-04-15",
    ] {
        has_row(f, &[week, "0", ""]);
    }

    // History, last 30 days (days 44-73): day 70 = 3 Stats + 1 Test answers,
    // day 71 = 4 + 4, day 72 = 1 + 2, day 73 = 3. Bars: 8 -> 30,
    // 4 -> 15, 3 -> round(90 / 8) = 11.
    let h = section(&out, "History: the last 30 days");
    assert_eq!(
        h.lines().filter(|l| l.starts_with("│ ")).count(),
        1 + 30 + 1
    );
    let first_day = h.lines().filter(|l| l.starts_with("│ ")).nth(1);
    assert!(
        first_day.is_some_and(|l| l.contains("Tue 2026-02-17")),
        "day 44 first:\n{h}"
    );
    has_row(h, &["Tue 2026-02-17", "0", "0s", ""]);
    has_row(h, &["Sun 2026-03-15", "4", "0s", &bar(15)]);
    has_row(h, &["Mon 2026-03-16", "8", "0s", &bar(30)]);
    has_row(h, &["Tue 2026-03-17", "3", "0s", &bar(11)]);
    has_row(h, &["Wed 2026-03-18", "3", "0s", &bar(11)]);
    has_row(h, &["Total", "18", "0s", "on 4 of 30 days"]);

    // Calendar: answers on days 1-10, 25 and 70-73 (15 days); the busiest
    // is day 71 with 8. Shade = ceil(4n / 8): 1-2 answers ░ (days 3-7 with
    // 2 each, 9, 10, 25: 8 days), 3-4 ▒ (days 1, 2, 8, 70, 72, 73: 6 days),
    // 8 █ (day 71). Columns are weeks from Mon 2025-03-17 (the window opens
    // on Wed 2025-03-19), so today's week is column 366 / 7 = 52: Mon 03-16
    // (day 71) █, Tue ▒, Wed (today) ▒, and nothing after today.
    let cal = section(&out, "Calendar");
    assert!(
        cal.contains("2025-03-19 to 2026-03-18: reviews on 15 days."),
        "{cal}"
    );
    let grid: Vec<&str> = cal.lines().skip(3).collect();
    assert_eq!(grid.len(), 7, "{cal}");
    let count = |ch: char| {
        grid.iter()
            .map(|l| l[4..].matches(ch).count())
            .sum::<usize>()
    };
    assert_eq!(
        (count('·'), count('░'), count('▒'), count('▓'), count('█')),
        (365 - 15, 8, 6, 0, 1),
        "{cal}"
    );
    let last: Vec<Option<char>> = grid.iter().map(|l| l.chars().nth(4 + 52)).collect();
    assert_eq!(
        last,
        [Some('█'), Some('▒'), Some('▒'), None, None, None, None],
        "{cal}"
    );

    // Retention, days 44-73, first answers of cards in review. Stats young:
    // s-y 3 (pass), s-r 1 (fail) on day 71, s-r 5 on day 72 -> 2/3; mature
    // (interval 48 before): s-m1 5, s-m2 2 -> 1/2. Test young: t-a 4 on day
    // 71, t-b 2 on day 72 -> 1/2; no mature answers.
    let r = section(&out, "Retention");
    has_row(r, &["Stats", "66.7% (2/3)", "50.0% (1/2)", "60.0% (3/5)"]);
    has_row(r, &["Test", "50.0% (1/2)", "—", "50.0% (1/2)"]);
    has_row(
        r,
        &["All decks", "60.0% (3/5)", "50.0% (1/2)", "57.1% (4/7)"],
    );

    // Ease of the 8 studied cards (s-r retired, new cards left out): s-m1
    // 3.0, s-m2 2.48, s-l 1.3, s-y 2.36, s-n2 2.5, t-a 2.6, t-b 2.28, t-c
    // 2.36: mean 18.88 / 8 = 2.36. Intervals 140, 1, 1, 6, 1, 6, 1, 1: mean
    // 157 / 8 = 19.6, shown as 20 days. Bars: 3 of 3 -> 30, 2 -> 20, 1 -> 10;
    // 5 of 5 -> 30, 2 -> 12, 1 -> 6.
    let e = section(&out, "Ease and intervals");
    assert!(
        e.contains("Average EF 2.36 and average interval 20 days over 8 studied cards."),
        "{e}"
    );
    for (label, n, len) in [
        ("1.30-1.49", "1", 10),
        ("1.50-1.69", "0", 0),
        ("1.70-1.89", "0", 0),
        ("1.90-2.09", "0", 0),
        ("2.10-2.29", "1", 10),
        ("2.30-2.49", "3", 30),
        ("2.50-2.69", "2", 20),
        ("2.70+", "1", 10),
        ("1 d", "5", 30),
        ("2-6 d", "2", 12),
        ("7-13 d", "0", 0),
        ("14-20 d", "0", 0),
        ("21-59 d", "0", 0),
        ("60-179 d", "1", 6),
        ("180-364 d", "0", 0),
        ("365+ d", "0", 0),
    ] {
        has_row(e, &[label, n, &bar(len)]);
    }

    // Hardest: most lapses first, then lowest EF; s-m1 (EF 3.0, no lapse)
    // and s-n2 (EF 2.5) are not hard; s-r is retired.
    let hard = section(&out, "Hardest cards");
    #[rustfmt::skip]
    let want = [
        ["s-l", "Stats", "8", "1.30", "1 day", "leech", "What does `super()` without arguments look up?"],
        ["t-b", "Test", "1", "2.28", "1 day", "", "Which dunder does `len(obj)` call?"],
        ["s-m2", "Stats", "1", "2.48", "1 day", "", "What does `next(it)` call?"],
        ["s-y", "Stats", "0", "2.36", "6 days", "", "Which dunder makes `x[k]` work?"],
        ["t-c", "Test", "0", "2.36", "1 day", "", "Which marker ends the positional-only parameters?"],
    ];
    let got: Vec<&str> = hard
        .lines()
        .filter(|l| l.starts_with("│ "))
        .skip(1)
        .collect();
    assert_eq!(got.len(), want.len(), "{hard}");
    for w in want {
        has_row(hard, &w);
    }
    assert!(hard.contains("Leeches (8 or more lapses): 1 ("), "{hard}");

    // Answer buttons, days 44-73. New: s-y 4, s-r 2, t-a 5, t-b 5, t-c 3,
    // s-n2 4. Young: s-y 3, s-r 1, t-a 4, s-r 5, t-b 2. Mature: s-m1 5,
    // s-m2 2. Repeats: s-r 5, s-y 4, s-r 4, t-c 5, t-b 4.
    let btn = section(&out, "Answer buttons");
    #[rustfmt::skip]
    let want = [
        ["new", "0", "0", "1", "1", "2", "2", "6", "83.3%"],
        ["young", "0", "1", "1", "1", "1", "1", "5", "60.0%"],
        ["mature", "0", "0", "1", "0", "0", "1", "2", "50.0%"],
        ["repeat", "0", "0", "0", "0", "3", "2", "5", "100.0%"],
    ];
    for w in want {
        has_row(btn, &w);
    }
}

/// At 80 and 60 columns "Cards by state" fits without cutting a count or
/// a header: the deck "Stats" has a card in every state, so every column
/// stays, with its short header explained below; the deck "Test" alone
/// has only young cards, so the states none of its cards is in are left
/// out and named instead.
#[test]
fn cards_by_state_fits_narrow_terminals() {
    let env = env_with("stats.toml");
    history(&env);
    let at = |columns: &str, args: &[&str]| {
        section(&stats_in(&env, columns, args), "Cards by state").to_string()
    };
    for columns in ["80", "60"] {
        let states = at(columns, &[]);
        let widest = states.lines().map(|l| l.chars().count()).max();
        assert!(widest <= columns.parse().ok(), "{columns}:\n{states}");
        let header = row(&states, "Deck");
        assert_eq!(
            header,
            cells(&[
                "Deck", "New", "Learn", "Young", "Mat", "Susp", "Bur", "Ret", "Total"
            ]),
            "{columns}:\n{states}"
        );
        has_row(&states, &["Stats", "3", "1", "2", "1", "2", "1", "1", "11"]);
        assert!(
            states
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .contains(
                    "Learn: learning, Mat: mature, Susp: suspended, Bur: buried, Ret: retired."
                ),
            "{columns}:\n{states}"
        );
    }
    let test = at("60", &["--deck", "Test"]);
    has_row(&test, &["Deck", "New", "Young", "Mature", "Total"]);
    has_row(&test, &["Test", "0", "3", "0", "3"]);
    assert!(
        test.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .contains("No cards are learning, suspended, buried or retired."),
        "{test}"
    );
    // Wide enough, every column as ever, nothing named.
    let wide = at("100", &["--deck", "Test"]);
    has_row(
        &wide,
        &[
            "Deck",
            "New",
            "Learning",
            "Young",
            "Mature",
            "Suspended",
            "Buried",
            "Retired",
            "Total",
        ],
    );
    assert!(!wide.contains("No cards are"), "{wide}");
}

/// The hardest cards keep one line each where the other columns leave
/// room for a few characters of the front: it is cut, marked with an
/// ellipsis, rather than wrapped over several lines.
#[test]
fn hardest_cards_keep_one_line_each_when_narrow() {
    let env = env_with("stats.toml");
    history(&env);
    let out = stats_in(&env, "70", &["--deck", "Stats"]);
    let hard = section(&out, "Hardest cards");
    let lines: Vec<&str> = hard.lines().filter(|l| l.starts_with('│')).collect();
    assert!(lines.iter().all(|l| l.chars().count() <= 70), "{hard}");
    // Every row names its card: none is a wrapped row's second line.
    assert!(
        lines
            .iter()
            .all(|l| !l.trim_start_matches('│').trim_start().starts_with('┆')),
        "{hard}"
    );
    assert!(
        lines.iter().any(|l| l.contains('…')),
        "a front is cut:\n{hard}"
    );
}

/// The example in docs/statistics.md is this history's real output (its
/// figures are checked against the hand-worked values in the tests above).
#[test]
fn documented_example_is_real_output() {
    let env = env_with("stats.toml");
    history(&env);
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/statistics.md"))
        .expect("docs/statistics.md");
    let command = "$ py201 stats --deck Stats --days 7\n";
    let example = doc
        .split_once(command)
        .and_then(|(_, rest)| rest.split_once("\n```"))
        .map(|(example, _)| format!("{example}\n"))
        .unwrap_or_else(|| panic!("docs/statistics.md has no example of {command:?}"));
    assert_eq!(stats(&env, &["--deck", "Stats", "--days", "7"]), example);
}
