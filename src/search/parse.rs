//! Query text to a [`Node`] tree: a tokenizer, then recursive descent.
//!
//! ```text
//! query  := or?
//! or     := and ("or" and)*
//! and    := unary ("and"? unary)*
//! unary  := "-" unary | "(" or ")" | term
//! term   := key ":" value | word | "phrase"
//! ```
//! Every error names the column (1-based, in characters) and what was
//! expected there.

use super::{Cmp, Filter, Is, Node, Pattern, Prop, SyntaxError};
use crate::model::CardKind;

/// The keys a term may start with, for messages.
const KEYS: &str = "deck, tag, kind, source, id, is, prop, rated, introduced";

/// Parses a query. The empty query finds every card.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let tokens = tokenize(text)?;
    let mut p = Parser {
        tokens,
        at: 0,
        end: text.chars().count() + 1,
    };
    if p.tokens.is_empty() {
        return Ok(Node::And(Vec::new()));
    }
    let node = p.or()?;
    match p.peek() {
        None => Ok(node),
        Some(t) => Err(err(t.column, "unexpected \")\" (no \"(\" before it)")),
    }
}

fn err(column: usize, message: impl Into<String>) -> SyntaxError {
    SyntaxError {
        column,
        message: message.into(),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Open,
    Close,
    Or,
    And,
    Not,
    /// A word or a quoted phrase (`quoted`), unescaped.
    Term {
        text: String,
        quoted: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
struct Token {
    kind: Kind,
    column: usize,
}

fn tokenize(text: &str) -> Result<Vec<Token>, SyntaxError> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (c, column) = (chars[i], i + 1);
        let kind = match c {
            c if c.is_whitespace() => {
                i += 1;
                continue;
            }
            '(' => {
                i += 1;
                Kind::Open
            }
            ')' => {
                i += 1;
                Kind::Close
            }
            // A minus that starts a token negates what follows it.
            '-' if chars.get(i + 1).is_some_and(|n| !n.is_whitespace()) => {
                i += 1;
                Kind::Not
            }
            '"' => {
                let (s, next) = quoted(&chars, i)?;
                i = next;
                Kind::Term {
                    text: s,
                    quoted: true,
                }
            }
            _ => {
                let (s, next) = word(&chars, i)?;
                i = next;
                match s.to_ascii_lowercase().as_str() {
                    "or" => Kind::Or,
                    "and" => Kind::And,
                    _ => Kind::Term {
                        text: s,
                        quoted: false,
                    },
                }
            }
        };
        tokens.push(Token { kind, column });
    }
    Ok(tokens)
}

/// The phrase of the quote opening at `start` (`\"` and `\\` escape), and
/// the index after its closing quote.
fn quoted(chars: &[char], start: usize) -> Result<(String, usize), SyntaxError> {
    let mut s = String::new();
    let mut i = start + 1;
    while i < chars.len() {
        match chars[i] {
            '"' => return Ok((s, i + 1)),
            '\\' if matches!(chars.get(i + 1), Some('"' | '\\')) => {
                s.push(chars[i + 1]);
                i += 2;
            }
            c => {
                s.push(c);
                i += 1;
            }
        }
    }
    Err(err(
        start + 1,
        "unclosed quote: expected a closing \" for this one",
    ))
}

/// The bare word at `start`, up to whitespace or a parenthesis; a quote
/// right after its first `:` quotes the value (`deck:"My deck"`).
fn word(chars: &[char], start: usize) -> Result<(String, usize), SyntaxError> {
    let mut s = String::new();
    let mut i = start;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() || c == '(' || c == ')' {
            break;
        }
        if c == '"' && s.ends_with(':') && s.matches(':').count() == 1 {
            let (value, next) = quoted(chars, i)?;
            s.push_str(&value);
            return Ok((s, next));
        }
        s.push(c);
        i += 1;
    }
    Ok((s, i))
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
    /// The column just past the text, where "expected ..." at the end points.
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn column(&self) -> usize {
        self.peek().map_or(self.end, |t| t.column)
    }

    fn or(&mut self) -> Result<Node, SyntaxError> {
        let mut parts = vec![self.and()?];
        while self.peek().is_some_and(|t| t.kind == Kind::Or) {
            self.at += 1;
            parts.push(self.and()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Node::Or(parts)
        })
    }

    fn and(&mut self) -> Result<Node, SyntaxError> {
        let mut parts = Vec::new();
        loop {
            match self.peek().map(|t| &t.kind) {
                None | Some(Kind::Close | Kind::Or) => break,
                Some(Kind::And) if !parts.is_empty() => {
                    self.at += 1;
                    parts.push(self.unary()?);
                }
                _ => parts.push(self.unary()?),
            }
        }
        match parts.len() {
            0 => Err(self.expected_term()),
            1 => Ok(parts.remove(0)),
            _ => Ok(Node::And(parts)),
        }
    }

    /// "Expected a search term" where one is missing, saying what came instead.
    fn expected_term(&self) -> SyntaxError {
        let instead = match self.peek().map(|t| &t.kind) {
            None => "the end of the query",
            Some(Kind::Close) => "\")\"",
            Some(Kind::Or) => "\"or\"",
            Some(Kind::And) => "\"and\"",
            _ => "nothing",
        };
        err(
            self.column(),
            format!("expected a search term, found {instead}"),
        )
    }

    fn unary(&mut self) -> Result<Node, SyntaxError> {
        let Some(token) = self.peek().cloned() else {
            return Err(self.expected_term());
        };
        match token.kind {
            Kind::Not => {
                self.at += 1;
                Ok(Node::Not(Box::new(self.unary()?)))
            }
            Kind::Open => {
                self.at += 1;
                let inner = self.or()?;
                if self.peek().is_some_and(|t| t.kind == Kind::Close) {
                    self.at += 1;
                    Ok(inner)
                } else {
                    Err(err(
                        self.column(),
                        format!(
                            "expected \")\" to close the \"(\" at column {}",
                            token.column
                        ),
                    ))
                }
            }
            Kind::Term { text, quoted } => {
                self.at += 1;
                term(&text, quoted, token.column).map(Node::Filter)
            }
            Kind::Close | Kind::Or | Kind::And => Err(self.expected_term()),
        }
    }
}

/// One term: `key:value`, or text. A quoted phrase is text unless it starts
/// with a known key (`"deck:My deck"`, as Anki reads it).
fn term(text: &str, quoted: bool, column: usize) -> Result<Filter, SyntaxError> {
    let Some((key, value)) = text.split_once(':') else {
        return Ok(Filter::Text(Pattern(text.to_string())));
    };
    let key = key.to_ascii_lowercase();
    let value_column = column + usize::from(quoted) + key.chars().count() + 1;
    let non_empty = |what: &str| {
        if value.is_empty() {
            Err(err(
                value_column,
                format!("expected {what} after \"{key}:\""),
            ))
        } else {
            Ok(Pattern(value.to_string()))
        }
    };
    Ok(match key.as_str() {
        "deck" => Filter::Deck(non_empty("a deck name")?),
        "tag" => Filter::Tag(non_empty("a tag")?),
        "source" => Filter::Source(non_empty("a course section")?),
        "id" => Filter::Id(non_empty("a card id")?),
        "kind" => Filter::Kind(CardKind::parse(&value.to_ascii_lowercase()).ok_or_else(|| {
            err(
                value_column,
                "expected basic, cloze or typed after \"kind:\"",
            )
        })?),
        "is" => Filter::Is(one_of(&Is::ALL, value, value_column, "is")?),
        "prop" => prop(value, value_column)?,
        "rated" => rated(value, value_column)?,
        "introduced" => Filter::Introduced {
            days: days(value, value_column, "introduced")?,
        },
        _ if quoted => Filter::Text(Pattern(text.to_string())),
        _ => {
            return Err(err(
                column,
                format!(
                    "unknown key \"{key}:\" (keys: {KEYS}); to find the text, quote it: \"{text}\""
                ),
            ));
        }
    })
}

fn one_of<T: Copy>(
    table: &[(&str, T)],
    value: &str,
    column: usize,
    key: &str,
) -> Result<T, SyntaxError> {
    let lower = value.to_ascii_lowercase();
    table
        .iter()
        .find(|(name, _)| *name == lower)
        .map(|(_, v)| *v)
        .ok_or_else(|| {
            let names: Vec<&str> = table.iter().map(|(n, _)| *n).collect();
            err(
                column,
                format!("expected one of {} after \"{key}:\"", names.join(", ")),
            )
        })
}

/// `prop:NAME OP NUMBER`, e.g. `prop:ivl>=30`.
fn prop(value: &str, column: usize) -> Result<Filter, SyntaxError> {
    let name_len = value
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(value.len());
    let (name, rest) = value.split_at(name_len);
    let prop = one_of(&Prop::ALL, name, column, "prop")?;
    let op_column = column + name.chars().count();
    let Some((op, cmp)) = Cmp::ALL.iter().find(|(op, _)| rest.starts_with(op)) else {
        return Err(err(
            op_column,
            format!("expected <, <=, >, >=, = or != after \"prop:{name}\""),
        ));
    };
    let number = &rest[op.len()..];
    let n_column = op_column + op.len();
    let value: f64 = number
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite())
        .ok_or_else(|| {
            err(
                n_column,
                format!("expected a number after \"prop:{name}{op}\""),
            )
        })?;
    if prop.whole() && value.fract() != 0.0 {
        return Err(err(
            n_column,
            format!("expected a whole number after \"prop:{name}{op}\""),
        ));
    }
    if prop == Prop::Recall && matches!(cmp, Cmp::Eq | Cmp::Ne) {
        return Err(err(
            op_column,
            "expected <, <=, > or >= after \"prop:r\" (a probability is never exactly a number)",
        ));
    }
    Ok(Filter::Prop {
        prop,
        cmp: *cmp,
        value,
    })
}

/// `rated:N` or `rated:N:G`.
fn rated(value: &str, column: usize) -> Result<Filter, SyntaxError> {
    let (n, grade) = match value.split_once(':') {
        Some((n, g)) => (n, Some(g)),
        None => (value, None),
    };
    let days = days(n, column, "rated")?;
    let grade = grade
        .map(|g| {
            g.parse::<u8>().ok().filter(|g| *g <= 5).ok_or_else(|| {
                err(
                    column + n.chars().count() + 1,
                    format!("expected a grade 0 to 5 after \"rated:{n}:\""),
                )
            })
        })
        .transpose()?;
    Ok(Filter::Rated { days, grade })
}

/// A number of days, 1 to 36500.
fn days(value: &str, column: usize, key: &str) -> Result<u32, SyntaxError> {
    value
        .parse::<u32>()
        .ok()
        .filter(|d| (1..=36_500).contains(d))
        .ok_or_else(|| {
            err(
                column,
                format!("expected a number of days (1 to 36500) after \"{key}:\""),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Node {
        Node::Filter(Filter::Text(Pattern(s.into())))
    }

    fn error(q: &str) -> String {
        parse(q).expect_err(q).to_string()
    }

    #[test]
    fn words_and_phrases_are_all_required() {
        assert_eq!(parse("").unwrap(), Node::And(vec![]));
        assert_eq!(parse("  ").unwrap(), Node::And(vec![]));
        assert_eq!(parse("gil").unwrap(), text("gil"));
        assert_eq!(
            parse("gil \"event loop\" and io").unwrap(),
            Node::And(vec![text("gil"), text("event loop"), text("io")])
        );
        assert_eq!(parse(r#""say \"hi\"""#).unwrap(), text("say \"hi\""));
    }

    #[test]
    fn or_binds_looser_than_and_and_minus_negates() {
        assert_eq!(
            parse("a b OR c").unwrap(),
            Node::Or(vec![Node::And(vec![text("a"), text("b")]), text("c")])
        );
        assert_eq!(
            parse("a (b or c)").unwrap(),
            Node::And(vec![text("a"), Node::Or(vec![text("b"), text("c")])])
        );
        assert_eq!(
            parse("-a -(b or c)").unwrap(),
            Node::And(vec![
                Node::Not(Box::new(text("a"))),
                Node::Not(Box::new(Node::Or(vec![text("b"), text("c")])))
            ])
        );
        // A minus inside a word, or alone, is text.
        assert_eq!(parse("a-b").unwrap(), text("a-b"));
        assert_eq!(parse("- x").unwrap(), Node::And(vec![text("-"), text("x")]));
    }

    #[test]
    fn keys_become_typed_filters() {
        let f = |q: &str| match parse(q).unwrap() {
            Node::Filter(f) => f,
            n => panic!("{q}: {n:?}"),
        };
        assert_eq!(f("deck:asyncio"), Filter::Deck(Pattern("asyncio".into())));
        assert_eq!(
            f("deck:\"My deck\""),
            Filter::Deck(Pattern("My deck".into()))
        );
        assert_eq!(
            f("\"deck:My deck\""),
            Filter::Deck(Pattern("My deck".into()))
        );
        assert_eq!(f("DECK:a*"), Filter::Deck(Pattern("a*".into())));
        assert_eq!(f("tag:leech"), Filter::Tag(Pattern("leech".into())));
        assert_eq!(f("kind:Typed"), Filter::Kind(CardKind::Typed));
        assert_eq!(f("id:gil:c1"), Filter::Id(Pattern("gil:c1".into())));
        assert_eq!(f("is:due"), Filter::Is(Is::Due));
        assert_eq!(
            f("prop:ivl>=30"),
            Filter::Prop {
                prop: Prop::Ivl,
                cmp: Cmp::Ge,
                value: 30.0
            }
        );
        assert_eq!(
            f("prop:due<-1"),
            Filter::Prop {
                prop: Prop::Due,
                cmp: Cmp::Lt,
                value: -1.0
            }
        );
        assert_eq!(
            f("prop:ef!=2.5"),
            Filter::Prop {
                prop: Prop::Ef,
                cmp: Cmp::Ne,
                value: 2.5
            }
        );
        assert_eq!(
            f("rated:7:1"),
            Filter::Rated {
                days: 7,
                grade: Some(1)
            }
        );
        assert_eq!(
            f("rated:1"),
            Filter::Rated {
                days: 1,
                grade: None
            }
        );
        assert_eq!(f("introduced:30"), Filter::Introduced { days: 30 });
        // A quoted phrase with an unknown key is text.
        assert_eq!(f("\"note: x\""), Filter::Text(Pattern("note: x".into())));
    }

    #[test]
    fn errors_name_the_column_and_what_was_expected() {
        assert_eq!(
            error("gil \"event loop"),
            "column 5: unclosed quote: expected a closing \" for this one"
        );
        assert_eq!(
            error("prop:foo>1"),
            "column 6: expected one of ivl, ef, lapses, reps, due, s, d, r after \"prop:\""
        );
        assert_eq!(
            error("a (b or c"),
            "column 10: expected \")\" to close the \"(\" at column 3"
        );
        assert_eq!(
            error("a )"),
            "column 3: unexpected \")\" (no \"(\" before it)"
        );
        assert_eq!(
            error("a or"),
            "column 5: expected a search term, found the end of the query"
        );
        assert_eq!(
            error("or a"),
            "column 1: expected a search term, found \"or\""
        );
        assert_eq!(error("()"), "column 2: expected a search term, found \")\"");
        assert_eq!(
            error("deck:"),
            "column 6: expected a deck name after \"deck:\""
        );
        assert_eq!(
            error("x kind:note"),
            "column 8: expected basic, cloze or typed after \"kind:\""
        );
        assert_eq!(
            error("prop:ivl~3"),
            "column 9: expected <, <=, >, >=, = or != after \"prop:ivl\""
        );
        assert_eq!(
            error("prop:ivl>1.5"),
            "column 10: expected a whole number after \"prop:ivl>\""
        );
        assert_eq!(
            error("prop:ef<x"),
            "column 9: expected a number after \"prop:ef<\""
        );
        assert!(error("prop:r=0.9").starts_with("column 7: expected <, <=, > or >="));
        assert_eq!(
            error("rated:7:6"),
            "column 9: expected a grade 0 to 5 after \"rated:7:\""
        );
        assert_eq!(
            error("rated:0"),
            "column 7: expected a number of days (1 to 36500) after \"rated:\""
        );
        assert!(error("is:fresh").starts_with("column 4: expected one of new, learning,"));
        let unknown = error("foo:bar");
        assert!(
            unknown.starts_with("column 1: unknown key \"foo:\" (keys: deck,")
                && unknown.ends_with("quote it: \"foo:bar\""),
            "{unknown}"
        );
        // Columns count characters, not bytes.
        assert_eq!(
            error("é (x"),
            "column 5: expected \")\" to close the \"(\" at column 3"
        );
    }
}
