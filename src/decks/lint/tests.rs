//! Each rule: a card that breaks it, and one beside it that does not.

use super::*;
use crate::decks::parse_all;

fn deck(name: &str, cards: &str) -> String {
    format!("[deck]\nname = \"{name}\"\n\n{cards}")
}

/// The (card, rule) pairs the decks earn.
fn lints(files: &[(&str, String)], require_source: bool) -> Vec<(String, &'static str)> {
    let decks =
        parse_all(files.iter().map(|(f, t)| (*f, t.as_str()))).unwrap_or_else(|p| panic!("{p:?}"));
    lint(&decks, require_source)
        .into_iter()
        .map(|w| (w.card, w.rule.name()))
        .collect()
}

fn one(cards: &str) -> Vec<(String, &'static str)> {
    lints(&[("d.toml", deck("D", cards))], false)
}

fn pair(card: &str, rule: &'static str) -> (String, &'static str) {
    (card.to_string(), rule)
}

#[test]
fn a_long_answer_is_flagged_and_a_short_one_is_not() {
    let long = "x ".repeat(110);
    let cards = format!(
        "[[cards]]\nid = \"long\"\nfront = \"q1\"\nback = \"{long}\"\n\n\
         [[cards]]\nid = \"short\"\nfront = \"q2\"\nback = \"{}\"\n",
        "y".repeat(MAX_ANSWER_CHARS)
    );
    assert_eq!(one(&cards), [pair("long", "long-answer")]);
}

#[test]
fn an_enumeration_of_four_is_a_list_and_prose_with_commas_is_not() {
    let cards = "[[cards]]\nid = \"list\"\nfront = \"q1\"\n\
                 back = \"`a`, `b`, `c` or `d`\"\n\n\
                 [[cards]]\nid = \"three\"\nfront = \"q2\"\nback = \"`a`, `b` and `c`\"\n\n\
                 [[cards]]\nid = \"prose\"\nfront = \"q3\"\n\
                 back = \"A separate, optional build (configured `--disable-gil`, PEP 703) without the GIL, usually `python3.13t`\"\n";
    assert_eq!(one(cards), [pair("list", "list-answer")]);
}

#[test]
fn typed_output_counts_printed_values() {
    let typed = |id: &str, q: &str, out: &str| {
        format!(
            "[[cards]]\nid = \"{id}\"\nkind = \"typed\"\nfront = \"{q}\"\n\
             code = '''\nprint(1)\n'''\nback = '''\n{out}\n'''\n\n"
        )
    };
    let cards = [
        typed("lines", "q1", "True False\nTrue True\nTrue"),
        typed("tuple", "q2", "('a', 'b', 'c', 'd')"),
        typed(
            "error",
            "q3",
            "unsupported operand type(s) for +: 'A' and 'B'",
        ),
        typed("three", "q4", "[1, 3, 6]"),
        typed("mixed", "q5", "False 0 [1, 4, 9, 16, 25]"),
    ]
    .concat();
    assert_eq!(
        one(&cards),
        [pair("lines", "list-answer"), pair("tuple", "list-answer")]
    );
}

#[test]
fn a_cloze_hiding_only_a_version_number_or_boolean_is_trivial() {
    let cards = "[[cards]]\nid = \"ver\"\nkind = \"cloze\"\n\
                 text = \"`pairwise` was added in Python {{c1::3.10}}.\"\n\n\
                 [[cards]]\nid = \"flag\"\nkind = \"cloze\"\n\
                 text = \"`eq` defaults to {{c1::`True`}} and `order` to {{c2::False}}.\"\n\n\
                 [[cards]]\nid = \"num\"\nkind = \"cloze\"\ntext = \"The default maxsize is {{c1::128}}.\"\n\n\
                 [[cards]]\nid = \"concept\"\nkind = \"cloze\"\n\
                 text = \"Added in 3.10, {{c1::`itertools.pairwise`}} yields overlapping pairs.\"\n";
    assert_eq!(
        one(cards),
        [
            pair("ver:c1", "trivial-cloze"),
            pair("flag:c1", "trivial-cloze"),
            pair("flag:c2", "trivial-cloze"),
            pair("num:c1", "trivial-cloze"),
        ]
    );
    for (hidden, trivial) in [
        ("3.12", true),
        ("Python 3.12+", true),
        ("PEP 703", true),
        ("`None`", true),
        ("1_000", true),
        ("O(n)", false),
        ("`__missing__`", false),
        ("3 * v", false),
    ] {
        assert_eq!(is_trivial(hidden), trivial, "{hidden}");
    }
}

#[test]
fn a_cloze_whose_answer_shows_elsewhere_gives_it_away() {
    let cards = "[[cards]]\nid = \"shown\"\nkind = \"cloze\"\n\
                 text = \"`__missing__` is called by `dict.__getitem__`: {{c1::`__missing__`}}.\"\n\n\
                 [[cards]]\nid = \"code\"\nkind = \"cloze\"\n\
                 text = \"This calls {{c1::`__radd__`}}.\"\ncode = '''\nclass A:\n    def __radd__(self, o): ...\n'''\n\
                 [cards.check]\ncode = 'print(1)'\nexpect = \"1\"\n\n\
                 [[cards]]\nid = \"word\"\nkind = \"cloze\"\n\
                 text = \"A finaliser is not a {{c1::final}} method.\"\n";
    assert_eq!(
        one(cards),
        [
            pair("shown:c1", "cloze-given-away"),
            pair("code:c1", "cloze-given-away")
        ]
    );
    assert!(given_away("self", "returns SELF here"));
    assert!(!given_away("self", "returns itself"));
}

#[test]
fn the_same_front_twice_is_flagged_across_decks_unless_the_code_differs() {
    let typed = |id: &str, code: &str| {
        format!(
            "[[cards]]\nid = \"{id}\"\nkind = \"typed\"\nfront = \"What does this print?\"\n\
             code = '''\n{code}\n'''\nback = \"1\"\n\n"
        )
    };
    let a = deck(
        "A",
        &(typed("a1", "print(1)") + &typed("a2", "print(2 - 1)")),
    );
    let b = deck(
        "B",
        &(typed("b1", "print(1)")
            + "[[cards]]\nid = \"b2\"\nfront = \"What  does THIS print?\"\nback = \"x\"\n"),
    );
    let found = lints(&[("a.toml", a), ("b.toml", b)], false);
    assert_eq!(found, [pair("b1", "same-front")]);
}

#[test]
fn a_card_without_a_source_is_flagged_where_sources_are_expected() {
    let cards = "[[cards]]\nid = \"with\"\nsource = \"S\"\nfront = \"q1\"\nback = \"a\"\n\n\
                 [[cards]]\nid = \"without\"\nfront = \"q2\"\nback = \"a\"\n\n\
                 [[cards]]\nid = \"cz\"\nkind = \"cloze\"\ntext = \"{{c1::one}} and {{c2::two}}\"\n";
    // A cloze note is told once, at its first card.
    assert_eq!(
        one(cards),
        [pair("without", "no-source"), pair("cz:c1", "no-source")]
    );
    // A learner's deck that names no sources at all is not held to them...
    let none = "[[cards]]\nid = \"plain\"\nfront = \"q\"\nback = \"a\"\n";
    assert_eq!(one(none), []);
    // ... but a built-in one is.
    let found = lints(&[("d.toml", deck("D", none))], true);
    assert_eq!(found, [pair("plain", "no-source")]);
}

#[test]
fn a_warning_says_where_which_card_and_what_to_do() {
    let decks = parse_all([(
        "d.toml",
        "[deck]\nname = \"D\"\n\n[[cards]]\nid = \"v\"\nkind = \"cloze\"\ntext = \"Since {{c1::3.8}}.\"\n",
    )])
    .unwrap_or_else(|p| panic!("{p:?}"));
    let shown: Vec<String> = lint(&decks, false)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        shown,
        [
            "d.toml:4: card v:c1: warning: the deletion hides only \"3.8\" [trivial-cloze]; \
          suggestion: hide the concept (the name, the behaviour) and leave the number in view"
        ]
    );
}
