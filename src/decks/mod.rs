//! The deck file format (TOML, one file per course section): parsing,
//! validation for `py201 check`, and the decks embedded in the binary.
//!
//! A card's identity is the `id` written in its file, never a hash of its
//! text, so fixing a typo keeps the card's history.

mod builder;
pub mod builtin;
pub mod cloze;
pub mod lint;
pub mod pycheck;

pub use builder::{DeckBuilder, StreamIds};

use crate::error::{Problem, Problems, Why};
use crate::model::{CardContent, CardKind, DeckContent, NoteContent};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeckFile {
    deck: DeckHeader,
    #[serde(default)]
    cards: Vec<Spanned<NoteSpec>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeckHeader {
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default, rename = "python-check")]
    python_check: PythonCheck,
}

/// Whether every card with code must have a Python check that runs it.
/// The built-in decks promise it (their headers say `python-check =
/// "required"`), and any deck file may ask for it; a learner's own cards,
/// and whatever comes from CSV, TSV or Anki, import as they are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PythonCheck {
    #[default]
    Optional,
    Required,
}

/// One `[[cards]]` entry as written in a deck file. It is stored verbatim
/// (as JSON) with the collection's notes so a deck can be exported exactly.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NoteSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub python: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub front: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub back: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(rename = "ref", skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check: Option<CheckSpec>,
}

impl NoteSpec {
    /// The note that a basic or typed card gives back on its own: its id,
    /// kind, front, back, code, tags and source, nothing else. A note equal
    /// to this is stored without a copy of its own (see
    /// [`NoteContent::fields`]).
    pub fn of_card(c: &CardContent) -> NoteSpec {
        NoteSpec {
            id: Some(c.uid.clone()),
            kind: (c.kind != CardKind::Basic).then(|| c.kind.as_str().to_string()),
            source: (!c.source.is_empty()).then(|| c.source.clone()),
            front: Some(c.front.clone()),
            back: Some(c.back.clone()),
            code: c.code.clone(),
            tags: c.tags.clone(),
            ..NoteSpec::default()
        }
    }

    /// Whether this note is `NoteSpec::of_card(c)`, told without making
    /// that note (a copy of every field of every card imported).
    pub fn is_of_card(&self, c: &CardContent) -> bool {
        let kind = (c.kind != CardKind::Basic).then(|| c.kind.as_str());
        let source = (!c.source.is_empty()).then_some(c.source.as_str());
        self.id.as_deref() == Some(c.uid.as_str())
            && self.kind.as_deref() == kind
            && self.source.as_deref() == source
            && self.front.as_deref() == Some(c.front.as_str())
            && self.back.as_deref() == Some(c.back.as_str())
            && self.code == c.code
            && self.tags == c.tags
            && self.python.is_none()
            && self.text.is_none()
            && self.reference.is_none()
            && self.check.is_none()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CheckSpec {
    pub code: String,
    pub expect: String,
}

/// The most a card's field may hold. A flashcard is a few lines; a bigger
/// field is a mistake (or an attack) and would make every screen unusable.
pub const MAX_FIELD: usize = 64 * 1024;

/// A Python check attached to a card: run `code`, compare stdout with `expect`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PyCheck {
    pub card: String,
    pub file: String,
    pub line: usize,
    pub code: String,
    pub expect: String,
    /// The card's `python` field: "3.12", "3.12+" or "3.11-3.12".
    pub python: Option<String>,
}

/// A parsed deck file: its content, its checks, and facts the quality tests read.
#[derive(Debug, Clone)]
pub struct ParsedDeck {
    /// The file it was read from, as problems and warnings name it.
    pub file: String,
    pub content: DeckContent,
    /// What the deck's header asks of cards with code.
    pub python_check: PythonCheck,
    pub checks: Vec<PyCheck>,
    /// Per note id: (line, has a `ref`, has a check).
    pub notes: Vec<NoteInfo>,
}

#[derive(Debug, Clone)]
pub struct NoteInfo {
    pub id: String,
    pub line: usize,
    pub source: String,
    pub has_ref: bool,
    pub has_check: bool,
    /// A cloze note's text, whose deletions the design lints read.
    pub cloze_text: Option<String>,
}

fn line_of(text: &str, offset: usize) -> usize {
    Lines::new(text).line_of(offset)
}

/// Line numbers of offsets given in increasing order, each found by
/// counting on from the one before: counting from the start for every card
/// made a deck file's import quadratic (14,000 cards: 205 s in a debug
/// build, 2.7 s in a release one).
struct Lines<'t> {
    text: &'t [u8],
    /// The offset counted up to, and the line it is on.
    at: usize,
    line: usize,
}

impl<'t> Lines<'t> {
    fn new(text: &'t str) -> Self {
        Lines {
            text: text.as_bytes(),
            at: 0,
            line: 1,
        }
    }

    /// The line `offset` is on; an offset before the last one asked for
    /// starts the count again.
    fn line_of(&mut self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        if offset < self.at {
            (self.at, self.line) = (0, 1);
        }
        let newlines = self.text[self.at..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        (self.at, self.line) = (offset, self.line + newlines);
        self.line
    }
}

fn nonempty(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|s| !s.trim().is_empty())
}

/// Tags as stored: trimmed, a space inside one made '_', empty ones dropped.
fn tags_of(c: &NoteSpec) -> Vec<String> {
    c.tags
        .iter()
        .map(|t| t.trim().replace(' ', "_"))
        .filter(|t| !t.is_empty())
        .collect()
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 120
        && id.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_' || b == b'.'
        })
}

/// Accepts "3.12", "3.12+" or "3.11-3.12".
pub fn valid_python_spec(s: &str) -> bool {
    let ver = |v: &str| {
        v.split_once('.').is_some_and(|(a, b)| {
            a == "3" && !b.is_empty() && b.bytes().all(|c| c.is_ascii_digit())
        })
    };
    match (s.strip_suffix('+'), s.split_once('-')) {
        (Some(v), _) => ver(v),
        (None, Some((a, b))) => ver(a) && ver(b),
        (None, None) => ver(s),
    }
}

/// Parses one deck file. `file` names it in problems. Every problem found is
/// returned, not just the first.
pub fn parse(file: &str, text: &str) -> Result<ParsedDeck, Problems> {
    match parse_lenient(file, text) {
        (Some(deck), problems) if problems.is_empty() => Ok(deck),
        (_, problems) => Err(problems),
    }
}

/// Like [`parse`], but also returns what could be read from a file with
/// problems (when its TOML is valid), so checks across files still run.
fn parse_lenient(file: &str, text: &str) -> (Option<ParsedDeck>, Problems) {
    let deck: DeckFile = match toml::from_str(text) {
        Ok(d) => d,
        Err(e) => {
            let line = e.span().map(|s| line_of(text, s.start));
            let why = Why::Syntax(e.message().trim().replace('\n', " "));
            return (None, Problems::one(file, line, why));
        }
    };
    let mut lines = Lines::new(text);
    let notes: Vec<(usize, NoteSpec)> = deck
        .cards
        .into_iter()
        .map(|sp| (lines.line_of(sp.span().start), sp.into_inner()))
        .collect();
    let mut builder = DeckBuilder::new(file, &deck.deck.name, deck.deck.description);
    builder.python_check = deck.deck.python_check;
    for (line, spec) in notes {
        builder.push(line, spec);
    }
    builder.finish()
}

/// Turns notes (with the line each starts on) into a deck: validates each,
/// expands clozes into one card per deletion, and collects the checks. The
/// deck file and the CSV/TSV importer both come through here, so a card
/// means the same whatever file it came from.
pub fn from_notes(
    file: &str,
    name: &str,
    description: String,
    specs: Vec<(usize, NoteSpec)>,
) -> (Option<ParsedDeck>, Problems) {
    let mut deck = DeckBuilder::new(file, name, description);
    for (line, spec) in specs {
        deck.push(line, spec);
    }
    deck.finish()
}

/// Parses several files, also checking that card ids are unique across all of them.
pub fn parse_all<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<Vec<ParsedDeck>, Problems> {
    let mut problems = Problems::default();
    let mut decks = Vec::new();
    let mut owner: HashMap<String, String> = HashMap::new();
    let mut deck_names: HashMap<String, String> = HashMap::new();
    for (file, text) in files {
        let (deck, found) = parse_lenient(file, text);
        problems.extend(found);
        if let Some(d) = deck {
            {
                if let Some(other) =
                    deck_names.insert(d.content.name.to_lowercase(), file.to_string())
                {
                    let why = format!("deck name {:?} is also used by {other}", d.content.name);
                    problems.push(Problem::new(file, None, Why::Deck(why)));
                }
                for n in &d.notes {
                    if let Some(other) = owner.insert(n.id.clone(), file.to_string()) {
                        if other != file {
                            let why = format!("duplicate card id {:?} (also in {other})", n.id);
                            problems.push(Problem::new(file, Some(n.line), Why::Id(why)));
                        }
                    }
                }
                decks.push(d);
            }
        }
    }
    if problems.is_empty() {
        Ok(decks)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `is_of_card` answers as comparing with `of_card` does.
    #[test]
    fn is_of_card_is_equality_with_of_card() {
        let card = CardContent {
            note: "a".into(),
            uid: "a".into(),
            kind: CardKind::Typed,
            front: "Q".into(),
            back: "A".into(),
            code: Some("print(1)".into()),
            tags: vec!["t".into()],
            source: "S".into(),
        };
        let same = NoteSpec::of_card(&card);
        let variants = [
            same.clone(),
            NoteSpec {
                kind: None,
                ..same.clone()
            },
            NoteSpec {
                source: None,
                ..same.clone()
            },
            NoteSpec {
                code: None,
                ..same.clone()
            },
            NoteSpec {
                tags: vec![],
                ..same.clone()
            },
            NoteSpec {
                python: Some("3.12".into()),
                ..same.clone()
            },
            NoteSpec {
                reference: Some("r".into()),
                ..same.clone()
            },
            NoteSpec {
                back: Some("B".into()),
                ..same.clone()
            },
        ];
        for v in &variants {
            assert_eq!(v.is_of_card(&card), *v == same, "{v:?}");
        }
        assert!(same.is_of_card(&card));
    }

    #[test]
    fn lines_count_on_from_the_offset_before() {
        let text = "a\nbb\n\nccc\n";
        let mut lines = Lines::new(text);
        let got: Vec<usize> = [0, 1, 2, 5, 6, 6, 10, 99]
            .iter()
            .map(|&o| lines.line_of(o))
            .collect();
        assert_eq!(got, [1, 1, 2, 3, 4, 4, 5, 5]);
        // Counted on, not from the start: the cursor is at the last offset.
        assert_eq!(lines.at, text.len());
        // An earlier offset counts again from the start.
        assert_eq!(lines.line_of(3), 2);
        assert_eq!(line_of(text, 7), 4);
    }

    const GOOD: &str = r#"
[deck]
name = "Test"

[[cards]]
id = "a"
source = "S"
front = "Q"
back = "A"

[[cards]]
id = "b"
kind = "cloze"
text = "{{c1::x}} and {{c2::y}}"

[[cards]]
id = "c"
kind = "typed"
front = "What prints?"
code = '''
print(1 + 1)
'''
back = "2"
"#;

    #[test]
    fn parses_every_kind_and_expands_clozes() {
        let d = parse("t.toml", GOOD).map_err(|p| format!("{p:?}")).unwrap();
        let uids: Vec<&str> = d.content.cards.iter().map(|c| c.uid.as_str()).collect();
        assert_eq!(uids, ["a", "b:c1", "b:c2", "c"]);
        assert_eq!(d.checks.len(), 1);
        assert_eq!(
            (d.checks[0].code.trim(), d.checks[0].expect.as_str()),
            ("print(1 + 1)", "2")
        );
        assert_eq!(d.content.cards[1].front, "[...] and y");
    }

    #[test]
    fn lists_every_problem_with_lines() {
        let text = "[deck]\nname = \"T\"\n\n[[cards]]\nid = \"a\"\nkind = \"weird\"\n\n[[cards]]\nid = \"a\"\nfront = \"\"\nback = \"x\"\n\n[[cards]]\nid = \"z\"\nkind = \"cloze\"\ntext = \"none\"\n";
        let p = parse("t.toml", text).expect_err("the deck has four problems");
        let shown: Vec<String> = p.iter().map(ToString::to_string).collect();
        assert_eq!(shown.len(), 4, "{shown:#?}");
        assert!(
            shown[0].starts_with("t.toml:4: card a: unknown kind"),
            "{shown:#?}"
        );
        assert!(
            shown
                .iter()
                .any(|s| s.starts_with("t.toml:8: duplicate card id")),
            "{shown:#?}"
        );
        assert!(
            shown
                .iter()
                .any(|s| s.contains("front is missing or empty")),
            "{shown:#?}"
        );
        assert!(
            shown
                .iter()
                .any(|s| s.starts_with("t.toml:13: card z: cloze text has no deletion")),
            "{shown:#?}"
        );
    }

    #[test]
    fn syntax_errors_have_a_line() {
        let p = parse("t.toml", "[deck]\nname = \"T\"\n[[cards]]\nid = \n")
            .expect_err("`id = ` is not TOML");
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].line, Some(4), "{p:?}");
        assert!(!p[0].why.to_string().contains('\n'));
    }

    #[test]
    fn python_specs() {
        for ok in ["3.12", "3.12+", "3.11-3.13"] {
            assert!(valid_python_spec(ok), "{ok}");
        }
        for bad in ["3", "py3.12", "3.x", "3.12++", ""] {
            assert!(!valid_python_spec(bad), "{bad}");
        }
    }
}
