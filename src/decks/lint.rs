//! Card design lints for `py201 check`: a card can be valid and still be
//! hard to learn. The rules follow SuperMemo's "twenty rules of
//! formulating knowledge" (docs/deck-format.md says which and why).
//!
//! Pure: reads parsed decks, never runs code or touches a file. A lint is
//! a warning with a suggestion; `--strict` makes warnings fail the check.

use super::{NoteInfo, ParsedDeck, cloze};
use crate::model::{CardContent, CardKind};
use std::collections::{HashMap, HashSet};
use std::fmt;

/// Longer than this, an answer is a paragraph, not something recalled in
/// one go (rule 4: minimum information).
pub const MAX_ANSWER_CHARS: usize = 200;

/// More items than this in one answer is a set to enumerate (rules 9, 10).
pub const MAX_ITEMS: usize = 3;

/// A design rule a card breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    LongAnswer,
    ListAnswer,
    TrivialCloze,
    ClozeGivenAway,
    SameFront,
    NoSource,
}

impl Rule {
    /// The rule's name, as docs/deck-format.md lists it.
    pub fn name(self) -> &'static str {
        match self {
            Rule::LongAnswer => "long-answer",
            Rule::ListAnswer => "list-answer",
            Rule::TrivialCloze => "trivial-cloze",
            Rule::ClozeGivenAway => "cloze-given-away",
            Rule::SameFront => "same-front",
            Rule::NoSource => "no-source",
        }
    }

    fn suggestion(self) -> &'static str {
        match self {
            Rule::LongAnswer => "keep the fact, move the explanation out, or split the card",
            Rule::ListAnswer => {
                "split it into cards that each ask for one item, or ask for one property of the whole"
            }
            Rule::TrivialCloze => {
                "hide the concept (the name, the behaviour) and leave the number in view"
            }
            Rule::ClozeGivenAway => "reword so the hidden text appears only where it is hidden",
            Rule::SameFront => "merge the two cards, or make the fronts say what differs",
            Rule::NoSource => "name the course section the card teaches (`source = \"...\"`)",
        }
    }
}

/// One card that breaks one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub file: String,
    pub line: usize,
    /// The card's id (with `:cN` for a cloze deletion).
    pub card: String,
    pub rule: Rule,
    pub detail: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: card {}: warning: {} [{}]; suggestion: {}",
            self.file,
            self.line,
            self.card,
            self.detail,
            self.rule.name(),
            self.rule.suggestion()
        )
    }
}

/// Every design warning for `decks`, in deck and card order. A card
/// without a source is a warning in a deck whose other cards name one, and
/// in every deck when `require_source` (the built-in decks).
pub fn lint(decks: &[ParsedDeck], require_source: bool) -> Vec<Warning> {
    let mut out = Vec::new();
    let mut fronts: HashMap<String, (String, usize, String)> = HashMap::new();
    for deck in decks {
        let notes: HashMap<&str, &NoteInfo> =
            deck.notes.iter().map(|n| (n.id.as_str(), n)).collect();
        let sourced = require_source || deck.notes.iter().any(|n| !n.source.is_empty());
        // Said once per note, not once per cloze deletion.
        let mut unsourced = HashSet::new();
        for card in &deck.content.cards {
            let Some(note) = notes.get(card.note.as_str()) else {
                continue;
            };
            let mut warn = |rule, detail| {
                out.push(Warning {
                    file: deck.file.clone(),
                    line: note.line,
                    card: card.uid.clone(),
                    rule,
                    detail,
                });
            };
            for (rule, detail) in card_warnings(card, note) {
                warn(rule, detail);
            }
            if sourced && note.source.is_empty() && unsourced.insert(note.id.as_str()) {
                warn(Rule::NoSource, "the card names no course section".into());
            }
            let key = front_key(card);
            match fronts.get(&key) {
                Some((f, l, id)) => {
                    warn(
                        Rule::SameFront,
                        format!("same front as card {id} ({f}:{l})"),
                    );
                }
                None => {
                    let first = (deck.file.clone(), note.line, card.uid.clone());
                    fronts.insert(key, first);
                }
            }
        }
    }
    out
}

/// What to compare for "the same front": the question and its code,
/// ignoring case and spacing.
fn front_key(card: &CardContent) -> String {
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let code = card.code.as_deref().unwrap_or("");
    format!("{}\n{}", squash(&card.front).to_lowercase(), squash(code))
}

/// The warnings one card earns on its own.
fn card_warnings(card: &CardContent, note: &NoteInfo) -> Vec<(Rule, String)> {
    let mut out = Vec::new();
    let answer = match (&note.cloze_text, card.kind) {
        (Some(text), CardKind::Cloze) => {
            let n = card
                .uid
                .rsplit_once(":c")
                .and_then(|(_, n)| n.parse().ok())
                .unwrap_or(0);
            let hidden = cloze::answers(text, n).unwrap_or_default().join(" … ");
            if is_trivial(&hidden) {
                let why = format!("the deletion hides only {:?}", hidden.trim());
                out.push((Rule::TrivialCloze, why));
            }
            let shown = format!("{}\n{}", card.front, card.code.as_deref().unwrap_or(""));
            if given_away(&hidden, &shown) {
                let why = format!(
                    "the hidden text {:?} is shown elsewhere on the card",
                    hidden
                );
                out.push((Rule::ClozeGivenAway, why));
            }
            hidden
        }
        _ => card.back.clone(),
    };
    let chars = answer.trim().chars().count();
    if chars > MAX_ANSWER_CHARS {
        let why = format!("the answer is {chars} characters (more than {MAX_ANSWER_CHARS})");
        out.push((Rule::LongAnswer, why));
    }
    let items = if card.kind == CardKind::Typed {
        printed_values(&answer)
    } else {
        listed_items(&answer)
    };
    if items > MAX_ITEMS {
        let why = format!("the answer is a list of {items} items (more than {MAX_ITEMS})");
        out.push((Rule::ListAnswer, why));
    }
    out
}

/// A cloze deletion that is only a number, a version or a boolean: the
/// learner recalls a token, not the concept around it (rules 4 and 5).
pub fn is_trivial(hidden: &str) -> bool {
    let t = hidden
        .trim()
        .trim_matches(|c: char| c == '`' || c == '"' || c == '\'')
        .trim();
    let lower = t.to_lowercase();
    if ["true", "false", "none", "yes", "no"].contains(&lower.as_str()) {
        return true;
    }
    let bare = ["python ", "pep ", "version ", "v"]
        .iter()
        .find_map(|p| lower.strip_prefix(p))
        .unwrap_or(&lower)
        .trim_end_matches(['+', '%']);
    let bare = bare.strip_prefix('-').unwrap_or(bare);
    !bare.is_empty()
        && bare.starts_with(|c: char| c.is_ascii_digit())
        && bare
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '_' || c == ',')
}

/// Whether a cloze's hidden text (ignoring backticks and case) appears as a
/// whole word elsewhere on the card, which answers the question for the
/// learner (rule 12: optimise wording).
pub fn given_away(hidden: &str, shown: &str) -> bool {
    let needle = hidden.trim().trim_matches('`').trim().to_lowercase();
    if needle.chars().count() < 2 {
        return false;
    }
    let hay = shown.to_lowercase();
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let edge_start = word(needle.chars().next());
    let edge_end = word(needle.chars().last());
    hay.match_indices(&needle).any(|(i, m)| {
        let before = hay[..i].chars().next_back();
        let after = hay[i + m.len()..].chars().next();
        let glued = (edge_start && word(before)) || (edge_end && word(after));
        !glued
    })
}

/// Splits `s` at `seps` outside brackets and outside quotes (`quotes` are
/// the characters that open and close one).
fn split_top<'a>(s: &'a str, seps: &[char], quotes: &[char]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let (mut depth, mut quote, mut start) = (0usize, None, 0);
    for (i, c) in s.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if quotes.contains(&c) => quote = Some(c),
            None if "([{".contains(c) => depth += 1,
            None if ")]}".contains(c) => depth = depth.saturating_sub(1),
            None if depth == 0 && seps.contains(&c) => {
                out.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            None => {}
        }
    }
    out.push(&s[start..]);
    out.into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

/// The longest run of short items (three words or fewer) in a written
/// answer, split at commas, semicolons, lines, "and" and "or": an
/// enumeration like "`a`, `b`, `c` or `d`", not prose with commas.
fn listed_items(answer: &str) -> usize {
    let mut best = 0;
    let mut run = 0;
    for part in split_top(answer, &[',', ';', '\n'], &['`']) {
        for item in part.split(" and ").flat_map(|p| p.split(" or ")) {
            let item = item.trim();
            let item = ["e.g. ", "i.e. ", "then "]
                .iter()
                .find_map(|p| item.strip_prefix(p))
                .unwrap_or(item);
            if item.is_empty() {
                continue;
            }
            if split_top(item, &[' '], &['`']).len() <= 3 {
                run += 1;
                best = best.max(run);
            } else {
                run = 0;
            }
        }
    }
    best
}

/// How many values a typed card's output holds: a line of Python literals
/// counts each, any other line counts one, and an output that is a single
/// printed collection counts its elements.
fn printed_values(output: &str) -> usize {
    let quotes = ['\'', '"'];
    let lines: Vec<&str> = output
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if let [line] = lines.as_slice() {
        let bracketed = line.starts_with(['(', '[', '{']) && line.ends_with([')', ']', '}']);
        if bracketed && split_top(line, &[' '], &quotes).len() == 1 {
            let inner = &line[1..line.len() - 1];
            return split_top(inner, &[','], &quotes).len().max(1);
        }
    }
    lines
        .iter()
        .map(|l| {
            let values = split_top(l, &[' ', '\t'], &quotes);
            if values.iter().all(|v| is_literal(v)) {
                values.len()
            } else {
                1
            }
        })
        .sum()
}

/// A printed Python literal: a number, `True`/`False`/`None`, a quoted
/// string or a bracketed collection.
fn is_literal(v: &str) -> bool {
    let quoted = |q: char| v.len() >= 2 && v.starts_with(q) && v.ends_with(q);
    let bracketed = v.starts_with(['(', '[', '{']) && v.ends_with([')', ']', '}']);
    ["True", "False", "None"].contains(&v)
        || quoted('\'')
        || quoted('"')
        || bracketed
        || v.trim_start_matches('-').parse::<f64>().is_ok()
}

#[cfg(test)]
mod tests;
