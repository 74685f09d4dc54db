//! The search language against a straightforward reference: for random
//! collections (cards in every state, tags, sources, a review log) and
//! random queries built from the grammar, the cards the one SQL statement
//! finds are exactly those an in-memory filter over the cards (the fields
//! of `py201 cards --json`) and the log finds. And every action on the
//! cards a query finds is undone exactly.

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use py201::collection::Collection;
use py201::collection::actions::{Acted, Action, Undone};
use py201::collection::cards::{Card, Status};
use py201::collection::search::{Compiled, Scope};
use py201::search::{Cmp, Filter, Is, LEECH_LAPSES, Node, Pattern, Prop};

const TODAY: i32 = 20_000;
const DECAY: f32 = 0.1542;
const WORDS: [&str; 8] = [
    "gil",
    "Lock",
    "a_b",
    "100%",
    "x*y",
    "io",
    "back\\slash",
    "é",
];
const TAGS: [&str; 5] = ["leech", "io", "io2", "x_y", "a%b"];
const SOURCES: [&str; 3] = ["Intro", "Deep Dive", "50% off"];

/// A reviewed card's state: due (from today), interval, ease, reps,
/// lapses, repeat pending today, in a step, stability (index).
type Reviewed = (i32, u32, u16, u32, u32, bool, bool, Option<usize>);

/// One card as generated: content, then the state written over it.
#[derive(Debug, Clone)]
struct Gen {
    kind: u8,
    front: Vec<usize>,
    back: Vec<usize>,
    tags: Vec<usize>,
    source: usize,
    state: Option<Reviewed>,
    suspended: bool,
    buried: Option<i32>,
    retired: bool,
    log: Vec<(i32, u8)>,
}

fn card() -> impl Strategy<Value = Gen> {
    let state = proptest::option::of((
        -4i32..4,
        1u32..40,
        1300u16..3000,
        0u32..5,
        0u32..12,
        any::<bool>(),
        any::<bool>(),
        proptest::option::of(0usize..4),
    ));
    (
        (
            0u8..3,
            proptest::collection::vec(0usize..WORDS.len(), 1..4),
            proptest::collection::vec(0usize..WORDS.len(), 1..3),
            proptest::collection::vec(0usize..TAGS.len(), 0..3),
            0usize..SOURCES.len(),
        ),
        state,
        (
            any::<bool>(),
            proptest::option::of(-1i32..2),
            prop::bool::weighted(0.15),
            proptest::collection::vec((-12i32..1, 0u8..6), 0..4),
        ),
    )
        .prop_map(
            |((kind, front, back, tags, source), state, (suspended, buried, retired, log))| Gen {
                kind,
                front,
                back,
                tags,
                source,
                state,
                suspended,
                buried,
                retired,
                log,
            },
        )
}

fn text(ix: &[usize]) -> String {
    ix.iter().map(|&i| WORDS[i]).collect::<Vec<_>>().join(" ")
}

/// A deck file of the generated cards (cloze cards hold their words in a deletion).
fn deck_file(name: &str, prefix: &str, cards: &[Gen]) -> String {
    let mut s = format!("[deck]\nname = \"{name}\"\n");
    for (i, c) in cards.iter().enumerate() {
        let tags: Vec<String> = c.tags.iter().map(|&t| format!("{:?}", TAGS[t])).collect();
        let common = format!(
            "id = \"{prefix}-{i}\"\nsource = {:?}\ntags = [{}]\n",
            SOURCES[c.source],
            tags.join(", ")
        );
        let body = match c.kind {
            0 => format!("front = {:?}\nback = {:?}\n", text(&c.front), text(&c.back)),
            1 => format!(
                "kind = \"typed\"\nfront = {:?}\nback = {:?}\n",
                text(&c.front),
                text(&c.back)
            ),
            _ => format!(
                "kind = \"cloze\"\ntext = {:?}\n",
                format!("{} {{{{c1::{}}}}}", text(&c.front), text(&c.back))
            ),
        };
        s.push_str(&format!("\n[[cards]]\n{common}{body}"));
    }
    s
}

const STABILITIES: [f64; 4] = [0.37, 1.5, 3.3, 12.7];

fn build(decks: &[Vec<Gen>; 2]) -> Collection {
    let mut col = Collection::in_memory().unwrap();
    let contents: Vec<_> = [("Alpha", "a"), ("Beta Two", "b")]
        .iter()
        .zip(decks)
        .map(|((name, prefix), cards)| {
            py201::decks::parse("d.toml", &deck_file(name, prefix, cards))
                .unwrap()
                .content
        })
        .collect();
    col.sync_decks(&contents, false).unwrap();
    for (prefix, cards) in ["a", "b"].iter().zip(decks) {
        for (i, g) in cards.iter().enumerate() {
            let uid = match g.kind {
                2 => format!("{prefix}-{i}:c1"),
                _ => format!("{prefix}-{i}"),
            };
            write_state(&col, &uid, g);
        }
    }
    col
}

fn write_state(col: &Collection, uid: &str, g: &Gen) {
    let id: i64 = col
        .conn
        .query_row("SELECT id FROM cards WHERE uid = ?1", [uid], |r| r.get(0))
        .unwrap();
    col.conn
        .execute(
            "UPDATE cards SET suspended = ?2, buried_until = ?3, retired = ?4 WHERE id = ?1",
            rusqlite::params![id, g.suspended, g.buried.map(|d| TODAY + d), g.retired],
        )
        .unwrap();
    if let Some((due, ivl, ease, reps, lapses, repeat, step, s)) = g.state {
        col.conn
            .execute(
                "UPDATE cards SET due = ?2, interval = ?3, ease = ?4, reps = ?5, lapses = ?6,
                    repeat_on = ?7, step = ?8, step_due_ms = ?9, stability = ?10, difficulty = ?11
                 WHERE id = ?1",
                rusqlite::params![
                    id,
                    TODAY + due,
                    ivl,
                    ease,
                    reps,
                    lapses,
                    repeat.then_some(TODAY),
                    step.then_some(0),
                    step.then_some(0),
                    s.map(|i| STABILITIES[i] as f32),
                    s.map(|i| 1.0 + i as f32 * 2.1),
                ],
            )
            .unwrap();
    }
    for (day, grade) in &g.log {
        col.conn
            .execute(
                "INSERT INTO revlog (card_id, time_ms, day, grade, is_repeat, taken_ms,
                    reps_before, reps_after, interval_before, interval_after, ease_before,
                    ease_after, lapses_before, lapses_after)
                 VALUES (?1, 0, ?2, ?3, 0, 1000, 0, 0, 0, 0, 2500, 2500, 0, 0)",
                rusqlite::params![id, TODAY + day, grade],
            )
            .unwrap();
    }
}

/// A query from the grammar, as text.
fn query() -> impl Strategy<Value = String> {
    let word = (0usize..WORDS.len()).prop_map(|i| WORDS[i].to_string());
    let leaf = prop_oneof![
        word.clone(),
        word.prop_map(|w| format!("{w}*")),
        (0usize..WORDS.len(), 0usize..WORDS.len())
            .prop_map(|(a, b)| format!("\"{} {}\"", WORDS[a], WORDS[b])),
        prop::sample::select(vec!["alpha", "\"BETA two\"", "*a*", "b*", "\"Beta*\"", "*"])
            .prop_map(|d| format!("deck:{d}")),
        prop::sample::select(vec![
            "leech", "io", "io*", "*2", "x_y", "a%b", "*", "i*2", "x*"
        ])
        .prop_map(|t| format!("tag:{t}")),
        prop::sample::select(vec!["basic", "cloze", "typed"]).prop_map(|k| format!("kind:{k}")),
        prop::sample::select(vec!["intro", "\"deep dive\"", "deep*", "50%*", "*"])
            .prop_map(|s| format!("source:{s}")),
        prop::sample::select(vec!["a-1", "b-0", "a-*", "*-1*"]).prop_map(|i| format!("id:{i}")),
        prop::sample::select(Is::ALL.iter().map(|(n, _)| *n).collect::<Vec<_>>())
            .prop_map(|n| format!("is:{n}")),
        (
            prop::sample::select(vec!["ivl", "ef", "lapses", "reps", "due", "s", "d", "r"]),
            prop::sample::select(vec!["<", "<=", ">", ">=", "=", "!="]),
            prop::sample::select(vec!["0", "1", "3", "-1", "2.5", "0.9", "0.5", "8"]),
        )
            .prop_filter_map("a valid property test", |(p, op, n)| {
                let whole = ["ivl", "lapses", "reps", "due"].contains(&p);
                let ok = !(whole && n.contains('.')) && !(p == "r" && (op == "=" || op == "!="));
                ok.then(|| format!("prop:{p}{op}{n}"))
            }),
        (1u32..14, proptest::option::of(0u8..6)).prop_map(|(d, g)| match g {
            Some(g) => format!("rated:{d}:{g}"),
            None => format!("rated:{d}"),
        }),
        (1u32..14).prop_map(|d| format!("introduced:{d}")),
    ];
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 2..4).prop_map(|v| v.join(" ")),
            proptest::collection::vec(inner.clone(), 2..4).prop_map(|v| v.join(" or ")),
            inner.clone().prop_map(|q| format!("-({q})")),
            inner.prop_map(|q| format!("({q})")),
        ]
    })
}

/// The log as the reference reads it: (card id, log id, day, grade).
fn log(col: &Collection) -> Vec<(i64, i64, i32, u8)> {
    let mut st = col
        .conn
        .prepare("SELECT card_id, id, day, grade FROM revlog ORDER BY id")
        .unwrap();
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

struct World {
    log: Vec<(i64, i64, i32, u8)>,
}

fn eval(n: &Node, c: &Card, w: &World) -> bool {
    match n {
        Node::And(v) => v.iter().all(|n| eval(n, c, w)),
        Node::Or(v) => v.iter().any(|n| eval(n, c, w)),
        Node::Not(n) => !eval(n, c, w),
        Node::Filter(f) => filter(f, c, w),
    }
}

fn filter(f: &Filter, c: &Card, w: &World) -> bool {
    let status = c.status(TODAY);
    let scheduled = !c.retired && c.state.due.is_some();
    match f {
        Filter::Text(p) => {
            let p = Pattern(format!("*{}*", p.0));
            p.matches(&c.front) || p.matches(&c.back)
        }
        Filter::Deck(p) => p.matches(&c.deck),
        Filter::Tag(p) => c.tags.split_whitespace().any(|t| p.matches(t)),
        Filter::Kind(k) => c.kind == *k,
        Filter::Source(p) => p.matches(&c.source),
        Filter::Id(p) => p.matches(&c.uid),
        Filter::Is(is) => match is {
            Is::New => status == Status::New,
            Is::Learning => status == Status::Learning,
            Is::Review => status == Status::Review,
            Is::Suspended => status == Status::Suspended,
            Is::Buried => status == Status::Buried,
            Is::Retired => status == Status::Retired,
            Is::Due => {
                matches!(status, Status::Learning | Status::Review)
                    && (c.state.due.is_some_and(|d| d <= TODAY) || c.state.repeat_on == Some(TODAY))
            }
            Is::Leech => {
                c.state.lapses >= LEECH_LAPSES || c.tags.split_whitespace().any(|t| t == "leech")
            }
        },
        Filter::Prop { prop, cmp, value } => property(*prop, *cmp, *value, c, scheduled),
        Filter::Rated { days, grade } => w.log.iter().any(|&(card, _, day, g)| {
            card == c.id && day > TODAY - *days as i32 && grade.is_none_or(|x| x == g)
        }),
        Filter::Introduced { days } => w
            .log
            .iter()
            .find(|&&(card, ..)| card == c.id)
            .is_some_and(|&(_, _, day, _)| day > TODAY - *days as i32),
    }
}

fn property(prop: Prop, cmp: Cmp, v: f64, c: &Card, scheduled: bool) -> bool {
    let s = &c.state;
    let memory = s.memory.filter(|_| scheduled);
    match prop {
        Prop::Lapses => cmp.holds(f64::from(s.lapses), v),
        Prop::Reps => cmp.holds(f64::from(s.reps), v),
        Prop::Ivl => scheduled && cmp.holds(f64::from(s.interval), v),
        Prop::Ef => scheduled && cmp.holds(f64::from(s.ease.0), (v * 1000.0).round()),
        Prop::Due => scheduled && !c.suspended && cmp.holds(f64::from(s.due.unwrap() - TODAY), v),
        Prop::Stability => memory.is_some_and(|m| cmp.holds(f64::from(m.stability), v)),
        Prop::Difficulty => memory.is_some_and(|m| cmp.holds(f64::from(m.difficulty), v)),
        Prop::Recall => memory.is_some_and(|m| {
            let t = f64::from(py201::scheduler::fsrs::elapsed_days(s, TODAY));
            let d = f64::from(DECAY);
            let f = 0.9f64.powf(-1.0 / d) - 1.0;
            let r = (1.0 + f * t / f64::from(m.stability)).powf(-d);
            cmp.holds(r, v)
        }),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn sql_finds_what_the_reference_filter_finds(
        a in proptest::collection::vec(card(), 1..10),
        b in proptest::collection::vec(card(), 1..10),
        queries in proptest::collection::vec(query(), 1..6),
        in_deck in any::<bool>(),
    ) {
        let col = build(&[a, b]);
        let world = World { log: log(&col) };
        let all = col.cards(None).unwrap();
        let deck = in_deck.then(|| col.deck_id("Alpha").unwrap());
        let scope = Scope { today: TODAY, deck, decay: Some(DECAY), leech_threshold: LEECH_LAPSES };
        for q in &queries {
            let node = py201::search::parse(q).unwrap_or_else(|e| panic!("{q}: {e}"));
            let found: Vec<String> = col
                .search(&node, &scope)
                .unwrap_or_else(|e| panic!("{q}: {e}"))
                .into_iter()
                .map(|c| c.uid)
                .collect();
            let expected: Vec<String> = all
                .iter()
                .filter(|c| deck.is_none_or(|d| c.deck_id == d) && eval(&node, c, &world))
                .map(|c| c.uid.clone())
                .collect();
            prop_assert_eq!(found, expected, "query {}", q);
        }
    }
}

/// Everything an action may touch, as text: the cards, the notes, the log
/// and its daily summaries.
fn snapshot(col: &Collection) -> (Vec<Card>, Vec<String>) {
    let mut tables = Vec::new();
    for sql in [
        "SELECT * FROM notes ORDER BY id",
        "SELECT * FROM revlog ORDER BY id",
        "SELECT * FROM revlog_days ORDER BY day, deck_id, kind",
        "SELECT * FROM cards ORDER BY id",
    ] {
        let mut st = col.conn.prepare(sql).unwrap();
        let n = st.column_count();
        let rows: Vec<String> = st
            .query_map([], |r| {
                Ok((0..n)
                    .map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).unwrap()))
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        tables.push(rows.join("\n"));
    }
    (col.cards(None).unwrap(), tables)
}

/// `action` (for `Tag`: add `new1` and `io`, remove `leech`).
fn run(col: &mut Collection, action: Action, query: &Compiled, q: &str, dry_run: bool) -> Acted {
    let (add, remove) = (
        vec!["new1".to_string(), "io".to_string()],
        vec!["leech".to_string()],
    );
    match action {
        Action::Tag => col.retag(query, q, (&add, &remove), 0, dry_run),
        _ => col.act(action, query, q, TODAY, 0, dry_run),
    }
    .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    /// Any action on any query, then undo: the collection is exactly as it
    /// was, and the next undo finds the log's last answer again.
    #[test]
    fn undo_after_any_action_restores_the_collection_exactly(
        a in proptest::collection::vec(card(), 1..8),
        b in proptest::collection::vec(card(), 1..8),
        q in query(),
        action in prop::sample::select(vec![
            Action::Suspend, Action::Unsuspend, Action::Bury,
            Action::Unbury, Action::Forget, Action::Delete, Action::Tag,
        ]),
    ) {
        let mut col = build(&[a, b]);
        let before = snapshot(&col);
        let node = py201::search::parse(&q).unwrap();
        let scope = Scope { today: TODAY, deck: None, decay: Some(DECAY), leech_threshold: LEECH_LAPSES };
        let compiled = col.compile(&node, &scope).unwrap();
        let dry = run(&mut col, action, &compiled, &q, true);
        prop_assert_eq!(&snapshot(&col), &before, "a dry run changes nothing");
        let done = run(&mut col, action, &compiled, &q, false);
        prop_assert_eq!(&dry.cards, &done.cards);
        if done.cards.is_empty() {
            prop_assert_eq!(&snapshot(&col), &before);
            return Ok(());
        }
        prop_assert_ne!(&snapshot(&col), &before, "{:?} changed something", action);
        let undone = col.undo().unwrap();
        let matches = matches!(undone, Undone::Action { action: a, cards, .. } if a == action && cards == done.cards.len());
        prop_assert!(matches, "{:?}", undone);
        prop_assert_eq!(&snapshot(&col), &before);
    }
}
