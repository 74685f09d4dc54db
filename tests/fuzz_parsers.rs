//! Every parser of user files, fed arbitrary and mutated input: it may refuse
//! the input, but must never panic. The CI form runs a few hundred cases per
//! parser; the long form is `PROPTEST_CASES=200000 cargo test --release --test fuzz_parsers`.

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use py201::decks::{cloze, parse};
use py201::interop::{backup, text};
use std::path::Path;

const DECK: &str = "[deck]\nname = \"D\"\n\n[[cards]]\nid = \"a\"\nkind = \"cloze\"\ntext = \"{{c1::x::h}} y {{c2::z}}\"\n\n[[cards]]\nid = \"b\"\nkind = \"typed\"\nfront = \"q\"\ncode = '''\nprint(1)\n'''\nback = \"1\"\n";
const TSV: &str = "#separator:tab\n#html:true\n#guid column:1\n#notetype column:2\n#deck column:3\n#tags column:6\nab\tCloze\tD\t{{c1::x}}<br>y\t\"q\"\"q\"\tt1 t2\n";

/// A valid input with a few bytes changed, inserted or removed.
fn mutated(base: &'static str) -> impl Strategy<Value = String> {
    proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..8).prop_map(
        move |edits| {
            let mut b = base.as_bytes().to_vec();
            for (at, byte, op) in edits {
                let i = at.index(b.len().max(1));
                match op {
                    0 if i < b.len() => b[i] = byte,
                    1 => b.insert(i.min(b.len()), byte),
                    _ if i < b.len() => {
                        b.remove(i);
                    }
                    _ => {}
                }
            }
            String::from_utf8_lossy(&b).into_owned()
        },
    )
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .map(|v| v.parse().expect("PROPTEST_CASES is a number of cases"))
        .unwrap_or(300)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn deck_parser_never_panics(s in prop_oneof![any::<String>(), mutated(DECK)]) {
        let _ = parse("f.toml", &s);
    }

    #[test]
    fn cloze_parser_never_panics(s in prop_oneof![any::<String>(), "[{}c0-9:a ]{0,40}", mutated("{{c1::a::b}} {{c2::c}}")]) {
        if let Ok(ns) = cloze::numbers(&s) {
            for n in ns {
                prop_assert!(cloze::render(&s, n).is_ok());
            }
        }
    }

    #[test]
    fn csv_tsv_reader_never_panics(s in prop_oneof![any::<String>(), mutated(TSV)], tsv in any::<bool>()) {
        let p = if tsv { Path::new("f.tsv") } else { Path::new("f.csv") };
        let _ = text::read(p, &s, None);
    }

    #[test]
    fn backup_reader_never_panics(s in prop_oneof![any::<String>(), mutated("{\"format\":\"py201-backup\",\"schema\":1,\"created\":\"x\",\"data\":{\"config\":[],\"decks\":[],\"notes\":[],\"cards\":[],\"revlog\":[]}}")]) {
        let _ = backup::read("f.json", &s);
    }
}

/// Regression: deeply nested JSON must be refused, not overflow the stack.
#[test]
fn deeply_nested_json_is_refused() {
    let s = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(backup::read("f.json", &s).is_err());
}
