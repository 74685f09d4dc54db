//! The deck file format (TOML, one file per course section): parsing,
//! validation for `py201 check`, and the decks embedded in the binary.
//!
//! A card's identity is the `id` written in its file, never a hash of its
//! text, so fixing a typo keeps the card's history.

pub mod builtin;
pub mod cloze;
pub mod lint;
pub mod pycheck;

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

/// How many of the latest card ids a streaming [`DeckBuilder`] keeps to
/// name a repeated id with both its lines (about 2 MB).
const STREAM_IDS: usize = 1 << 16;

/// A 128-bit key for a card id (two independently keyed SipHashes), so the
/// duplicate check holds 16 bytes per card instead of a copy of every id: a
/// 1,000,000-card import peaked at 211 MB with the ids kept. Two distinct
/// ids share a key with odds of about n² / 2¹²⁹: 10⁻²⁷ for a million.
#[derive(Default)]
struct IdKeys(std::hash::RandomState, std::hash::RandomState);

impl IdKeys {
    fn of(&self, id: &str) -> u128 {
        use std::hash::BuildHasher;
        u128::from(self.0.hash_one(id)) << 64 | u128::from(self.1.hash_one(id))
    }
}

/// [`from_notes`] one note at a time, so an importer can build a deck while
/// it reads a large file instead of holding every note twice.
pub struct DeckBuilder {
    file: String,
    content: DeckContent,
    checks: Vec<PyCheck>,
    notes: Vec<NoteInfo>,
    /// The line of each card id seen, keyed by [`IdKeys`]; when streaming,
    /// of the last [`STREAM_IDS`] only (see [`DeckBuilder::remember`]).
    ids: HashMap<u128, usize>,
    /// The keys in `ids` in the order seen, when streaming.
    recent: std::collections::VecDeque<u128>,
    keys: IdKeys,
    problems: Problems,
    /// Whether to keep each note's facts and checks (for `py201 check`); an
    /// importer streaming a large file takes the notes and needs neither.
    keep_info: bool,
    python_check: PythonCheck,
}

impl DeckBuilder {
    pub fn new(file: &str, name: &str, description: String) -> Self {
        let mut problems = Problems::default();
        if name.trim().is_empty() {
            let why = Why::Deck("[deck] name is empty".into());
            problems.push(Problem::new(file, None, why));
        }
        DeckBuilder {
            file: file.to_string(),
            content: DeckContent {
                name: name.trim().to_string(),
                description,
                cards: vec![],
                notes: vec![],
            },
            checks: Vec::new(),
            notes: Vec::new(),
            ids: HashMap::new(),
            recent: std::collections::VecDeque::new(),
            keys: IdKeys::default(),
            problems,
            keep_info: true,
            python_check: PythonCheck::Optional,
        }
    }

    /// A builder whose notes are taken with [`DeckBuilder::take`] as they
    /// are pushed, keeping only what is needed to find duplicate ids.
    pub fn streaming(file: &str, name: &str, description: String) -> Self {
        DeckBuilder {
            keep_info: false,
            ..Self::new(file, name, description)
        }
    }

    /// The deck's name, trimmed as it is stored.
    pub fn name(&self) -> &str {
        &self.content.name
    }

    /// The note pushed last, with its cards, unless it was not kept (a
    /// problem stopped it) or was taken already.
    pub fn take(&mut self) -> Option<(NoteContent, Vec<CardContent>)> {
        // Cards of a note that a problem stopped halfway go with it.
        let cards = std::mem::take(&mut self.content.cards);
        Some((self.content.notes.pop()?, cards))
    }

    /// Adds the note `c`, which starts on `line`, or records why it cannot be.
    pub fn push(&mut self, line: usize, c: NoteSpec) {
        let Some(id) = self.checked_id(line, &c) else {
            return;
        };
        let Some(kind) = self.checked_kind(line, &id, &c) else {
            return;
        };
        self.check_fields(line, &id, &c);
        let source = c.source.clone().unwrap_or_default().trim().to_string();
        let check = self.checked_check(line, &id, &c, kind);
        let tags = tags_of(&c);
        let carded = match kind {
            CardKind::Basic | CardKind::Typed => {
                self.push_card(line, &id, &c, kind, tags, source.clone());
                true
            }
            CardKind::Cloze => self.push_clozes(line, &id, &c, &tags, &source),
        };
        if !carded {
            return;
        }
        if let Some((code, expect)) = check.as_ref().filter(|_| self.keep_info) {
            self.checks.push(PyCheck {
                card: id.clone(),
                file: self.file.clone(),
                line,
                code: code.clone(),
                expect: expect.clone(),
                python: c.python.clone(),
            });
        }
        self.push_note(&id, &c, kind);
        if !self.keep_info {
            return;
        }
        self.notes.push(NoteInfo {
            id,
            line,
            source,
            has_ref: nonempty(&c.reference),
            has_check: check.is_some(),
            cloze_text: (kind == CardKind::Cloze).then(|| c.text.clone().unwrap_or_default()),
        });
    }

    fn problem(&mut self, line: usize, why: Why) {
        self.problems
            .push(Problem::new(&self.file, Some(line), why));
    }

    fn card_problem(&mut self, line: usize, id: &str, why: String) {
        let card = id.to_string();
        self.problem(line, Why::Card { card, why });
    }

    /// The note's id, trimmed, after recording a malformed or repeated one;
    /// `None`, which drops the note, when it has none.
    fn checked_id(&mut self, line: usize, c: &NoteSpec) -> Option<String> {
        let Some(id) = c.id.as_deref().map(str::trim).filter(|s| !s.is_empty()) else {
            self.problem(line, Why::Id("card has no id".into()));
            return None;
        };
        let id = id.to_string();
        if !valid_id(&id) {
            let why = format!("card id {id:?} must be lowercase letters, digits, '-', '_' or '.'");
            self.problem(line, Why::Id(why));
        }
        if let Some(first) = self.remember(&id, line) {
            let why = format!("duplicate card id {id:?} (first at line {first})");
            self.problem(line, Why::Id(why));
        }
        Some(id)
    }

    /// Records that `id` is on `line`; the line it was first on, if it was
    /// seen before. A streaming builder forgets the oldest ids past
    /// [`STREAM_IDS`], so its memory does not grow with the file (a
    /// million-card import peaked at 111 MB, most of it this map): an id
    /// repeated further apart is caught where the cards are stored (the
    /// sync's unique card ids: "card id … is twice in deck …"), and the
    /// import fails as well, with that line instead of this one.
    fn remember(&mut self, id: &str, line: usize) -> Option<usize> {
        let key = self.keys.of(id);
        let first = self.ids.insert(key, line);
        if !self.keep_info && first.is_none() {
            self.recent.push_back(key);
            if self.recent.len() > STREAM_IDS
                && let Some(old) = self.recent.pop_front()
            {
                self.ids.remove(&old);
            }
        }
        first
    }

    /// The note's kind; `None`, which drops the note, for an unknown one.
    fn checked_kind(&mut self, line: usize, id: &str, c: &NoteSpec) -> Option<CardKind> {
        let name = c.kind.as_deref().unwrap_or("basic");
        let kind = CardKind::parse(name);
        if kind.is_none() {
            let why = format!("unknown kind {name:?} (kinds: basic, cloze, typed)");
            self.card_problem(line, id, why);
        }
        kind
    }

    /// What any kind of note must satisfy: field sizes, the Python
    /// version, code that is not blank.
    fn check_fields(&mut self, line: usize, id: &str, c: &NoteSpec) {
        for (field, value) in [
            ("front", &c.front),
            ("back", &c.back),
            ("text", &c.text),
            ("code", &c.code),
        ] {
            let len = value.as_deref().map_or(0, str::len);
            if len > MAX_FIELD {
                let why = format!("{field} is {len} bytes; a card field holds at most {MAX_FIELD}");
                self.card_problem(line, id, why);
            }
        }
        if let Some(p) = c.python.as_deref().filter(|p| !valid_python_spec(p)) {
            let why = format!("python {p:?} must look like \"3.12\", \"3.12+\" or \"3.11-3.12\"");
            self.card_problem(line, id, why);
        }
        if c.code.as_deref().is_some_and(|s| s.trim().is_empty()) {
            self.card_problem(line, id, "code is empty".into());
        }
    }

    /// The note's Python check, (code, expected output): its own
    /// `[cards.check]`, or a typed card's code and answer. Code that nothing
    /// checks is a problem: a card would teach output no one has seen.
    fn checked_check(
        &mut self,
        line: usize,
        id: &str,
        c: &NoteSpec,
        kind: CardKind,
    ) -> Option<(String, String)> {
        let has_check = match (&c.check, kind) {
            (Some(_), _) => true,
            (None, CardKind::Typed) => c.code.is_some() && c.back.is_some(),
            (None, _) => false,
        };
        // Only `py201 check` runs the checks: a streaming import, whose
        // cards with code are mostly typed, does not copy each card's code
        // and answer into one it drops (a tenth of a code-heavy import).
        let check = match (&c.check, kind) {
            _ if !has_check || !self.keep_info => None,
            (Some(ch), _) => Some((ch.code.clone(), ch.expect.clone())),
            _ => c.code.clone().zip(c.back.clone()),
        };
        if c.code.is_some() && !has_check && self.python_check == PythonCheck::Required {
            let why = "a card with code needs a [cards.check] (or kind = \"typed\"): this deck's header says python-check = \"required\"";
            self.card_problem(line, id, why.into());
        }
        if c.check.as_ref().is_some_and(|ch| ch.code.trim().is_empty()) {
            self.card_problem(line, id, "check.code is empty".into());
        }
        check
    }

    /// A basic or typed note's one card.
    fn push_card(
        &mut self,
        line: usize,
        id: &str,
        c: &NoteSpec,
        kind: CardKind,
        tags: Vec<String>,
        source: String,
    ) {
        if c.text.is_some() {
            let why = "`text` is for cloze cards; use front and back";
            self.card_problem(line, id, why.into());
        }
        if !nonempty(&c.front) {
            self.card_problem(line, id, "front is missing or empty".into());
        }
        if !nonempty(&c.back) {
            self.card_problem(line, id, "back is missing or empty".into());
        }
        self.content.cards.push(CardContent {
            note: id.to_string(),
            uid: id.to_string(),
            kind,
            // Trimmed from the note's text: one copy each, not two.
            front: c.front.as_deref().unwrap_or_default().trim().to_string(),
            back: c.back.as_deref().unwrap_or_default().trim().to_string(),
            code: c.code.as_deref().map(|s| s.trim_end().to_string()),
            tags,
            source,
        });
    }

    /// A cloze note's cards, one per deletion number. Returns false when a
    /// deletion cannot be rendered, which drops the whole note.
    fn push_clozes(
        &mut self,
        line: usize,
        id: &str,
        c: &NoteSpec,
        tags: &[String],
        source: &str,
    ) -> bool {
        if c.front.is_some() {
            let why = "cloze cards use `text`, not `front`";
            self.card_problem(line, id, why.into());
        }
        let text = c.text.clone().unwrap_or_default();
        let numbers = match cloze::numbers(&text) {
            Ok(ns) => ns,
            Err(why) => {
                let card = id.to_string();
                self.problem(line, Why::Cloze { card, why });
                return true;
            }
        };
        let extra = c.back.as_deref().map(str::trim).filter(|s| !s.is_empty());
        for n in numbers {
            let Ok((front, mut back)) = cloze::render(&text, n) else {
                return false;
            };
            if let Some(extra) = extra {
                back = format!("{}\n\n{extra}", back.trim());
            }
            self.content.cards.push(CardContent {
                note: id.to_string(),
                uid: format!("{id}:c{n}"),
                kind: CardKind::Cloze,
                front: front.trim().to_string(),
                back: back.trim().to_string(),
                code: c.code.clone().map(|s| s.trim_end().to_string()),
                tags: tags.to_vec(),
                source: source.to_string(),
            });
        }
        true
    }

    /// The note itself, after its cards. Most notes of a CSV/TSV are
    /// exactly their one card: stored without a JSON copy of it, they halve
    /// what an import writes.
    fn push_note(&mut self, id: &str, c: &NoteSpec, kind: CardKind) {
        let lean = kind != CardKind::Cloze
            && self
                .content
                .cards
                .last()
                .is_some_and(|card| card.note == id && c.is_of_card(card));
        self.content.notes.push(NoteContent {
            id: id.to_string(),
            fields: if lean {
                String::new()
            } else {
                serde_json::to_string(c).unwrap_or_default()
            },
        });
    }

    pub fn finish(self) -> (Option<ParsedDeck>, Problems) {
        (
            Some(ParsedDeck {
                file: self.file,
                content: self.content,
                python_check: self.python_check,
                checks: self.checks,
                notes: self.notes,
            }),
            self.problems,
        )
    }
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
