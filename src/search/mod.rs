//! The search language of `py201 cards QUERY` and of every command that acts
//! on the cards a query finds: Anki's syntax, as its users know it.
//!
//! This module owns the language only: text in, a typed tree ([`Node`]) out,
//! or a [`SyntaxError`] naming the column and what was expected. It never
//! touches the database: `collection::search` compiles a tree into one
//! parameterised SQL statement, so no text a user typed ever becomes SQL.
//! The grammar and every filter: docs/search.md.

mod parse;

use crate::model::CardKind;
use std::fmt;

pub use parse::parse;

/// A parsed query. An empty `And` (the empty query) finds every card.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
    Filter(Filter),
}

/// One condition on a card.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// A word or "a phrase" in the front or the back.
    Text(Pattern),
    Deck(Pattern),
    Tag(Pattern),
    Kind(CardKind),
    /// The card's course section.
    Source(Pattern),
    Id(Pattern),
    Is(Is),
    Prop {
        prop: Prop,
        cmp: Cmp,
        value: f64,
    },
    /// Answered in the last `days` study days (1 = today), with `grade` if given.
    Rated {
        days: u32,
        grade: Option<u8>,
    },
    /// First answered in the last `days` study days.
    Introduced {
        days: u32,
    },
}

/// Text to match, case-insensitively (ASCII), where `*` stands for any run
/// of characters. Text and phrases match anywhere in a field; every other
/// key matches the whole value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern(pub String);

impl Pattern {
    pub fn has_wildcard(&self) -> bool {
        self.0.contains('*')
    }

    /// Whether `text` is matched whole by this pattern, as SQL's `LIKE`
    /// (ASCII case-insensitive) matches it: the reference the tests compare
    /// the SQL with, and the rule docs/search.md states.
    pub fn matches(&self, text: &str) -> bool {
        glob(
            self.0.to_ascii_lowercase().as_bytes(),
            text.to_ascii_lowercase().as_bytes(),
        )
    }
}

/// `*`-only glob matching over bytes, by backtracking to the last star.
fn glob(pat: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pat.len() && pat[p] == b'*' {
            star = Some((p, t));
            p += 1;
        } else if p < pat.len() && pat[p] == text[t] {
            p += 1;
            t += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pat[p..].iter().all(|&c| c == b'*')
}

/// `is:` states. New, learning, review, suspended, buried and retired are
/// the `state` of `py201 cards`, so each card has exactly one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Is {
    New,
    Learning,
    Review,
    /// What a review today would show: due by today, or a same-day repeat.
    Due,
    Suspended,
    Buried,
    /// Tagged `leech`, or lapsed `leech-threshold` times or more.
    Leech,
    Retired,
}

/// Lapses that make a card a leech (as `py201 stats` counts them).
pub use crate::stats::LEECH_LAPSES;

impl Is {
    pub const ALL: [(&'static str, Is); 8] = [
        ("new", Is::New),
        ("learning", Is::Learning),
        ("review", Is::Review),
        ("due", Is::Due),
        ("suspended", Is::Suspended),
        ("buried", Is::Buried),
        ("leech", Is::Leech),
        ("retired", Is::Retired),
    ];
}

/// `prop:` properties. Interval, EF, due, stability, difficulty and
/// retrievability are properties of a schedule: only cards that have one
/// (studied, not retired) match them; `prop:due` also leaves out suspended
/// cards, as a review would.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prop {
    Ivl,
    Ef,
    Lapses,
    Reps,
    /// Days from today to the due day (0 today, 1 tomorrow, -1 yesterday).
    Due,
    Stability,
    Difficulty,
    /// FSRS's predicted probability of recall today.
    Recall,
}

impl Prop {
    pub const ALL: [(&'static str, Prop); 8] = [
        ("ivl", Prop::Ivl),
        ("ef", Prop::Ef),
        ("lapses", Prop::Lapses),
        ("reps", Prop::Reps),
        ("due", Prop::Due),
        ("s", Prop::Stability),
        ("d", Prop::Difficulty),
        ("r", Prop::Recall),
    ];

    /// Whether the property only takes whole numbers.
    pub fn whole(self) -> bool {
        matches!(self, Prop::Ivl | Prop::Lapses | Prop::Reps | Prop::Due)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl Cmp {
    /// The operators as written, longest first (so `<=` is not read as `<`).
    pub const ALL: [(&'static str, Cmp); 6] = [
        ("<=", Cmp::Le),
        (">=", Cmp::Ge),
        ("!=", Cmp::Ne),
        ("<", Cmp::Lt),
        (">", Cmp::Gt),
        ("=", Cmp::Eq),
    ];

    /// SQL's spelling of the operator (a fixed string, never user text).
    pub fn sql(self) -> &'static str {
        match self {
            Cmp::Lt => "<",
            Cmp::Le => "<=",
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
            Cmp::Eq => "=",
            Cmp::Ne => "<>",
        }
    }

    pub fn holds<T: PartialOrd>(self, a: T, b: T) -> bool {
        match self {
            Cmp::Lt => a < b,
            Cmp::Le => a <= b,
            Cmp::Gt => a > b,
            Cmp::Ge => a >= b,
            Cmp::Eq => a == b,
            Cmp::Ne => a != b,
        }
    }
}

/// A query that does not parse: where (1-based character column) and what
/// was expected there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub column: usize,
    pub message: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "column {}: {}", self.column, self.message)
    }
}

impl std::error::Error for SyntaxError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_whole_values_with_stars_and_ascii_case() {
        let p = |s: &str| Pattern(s.to_string());
        assert!(p("asyncio").matches("AsyncIO"));
        assert!(!p("async").matches("asyncio"));
        assert!(p("async*").matches("asyncio"));
        assert!(p("*io").matches("asyncio"));
        assert!(p("a*c*o").matches("asyncio"));
        assert!(!p("a*x*o").matches("asyncio"));
        assert!(p("*").matches(""));
        assert!(p("**a").matches("a"));
        // Only ASCII folds, as SQLite's LIKE does.
        assert!(!p("É").matches("é"));
    }
}
