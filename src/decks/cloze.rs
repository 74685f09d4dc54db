//! Cloze deletions: `{{c1::answer}}` or `{{c1::answer::hint}}`. Each distinct
//! number becomes one card that hides its deletions and shows the others.

use crate::error::BadCloze;
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece<'a> {
    Text(&'a str),
    Deletion {
        n: u32,
        answer: &'a str,
        hint: Option<&'a str>,
    },
}

/// Splits `text` into plain text and deletions, or says what is malformed.
fn pieces(text: &str) -> Result<Vec<Piece<'_>>, BadCloze> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{c") {
        out.push(Piece::Text(&rest[..start]));
        let after = &rest[start + 3..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let n: u32 = after[..digits].parse().map_err(|_| BadCloze::NoNumber {
            at: snippet(&rest[start..]),
        })?;
        if n == 0 {
            return Err(BadCloze::Zero);
        }
        let body = after[digits..]
            .strip_prefix("::")
            .ok_or_else(|| BadCloze::NoSeparator {
                at: snippet(&rest[start..]),
                n,
            })?;
        let end = body.find("}}").ok_or(BadCloze::Unclosed(n))?;
        let inner = &body[..end];
        if inner.contains("{{") {
            return Err(BadCloze::Nested(n));
        }
        let (answer, hint) = match inner.split_once("::") {
            Some((a, h)) => (a, Some(h)),
            None => (inner, None),
        };
        if answer.trim().is_empty() {
            return Err(BadCloze::Empty(n));
        }
        out.push(Piece::Deletion { n, answer, hint });
        rest = &body[end + 2..];
    }
    out.push(Piece::Text(rest));
    Ok(out)
}

fn snippet(s: &str) -> String {
    s.chars().take(20).collect()
}

/// The deletion numbers of `text`, in order; an error if it has none or is malformed.
pub fn numbers(text: &str) -> Result<Vec<u32>, BadCloze> {
    let set: BTreeSet<u32> = pieces(text)?
        .iter()
        .filter_map(|p| match p {
            Piece::Deletion { n, .. } => Some(*n),
            Piece::Text(_) => None,
        })
        .collect();
    if set.is_empty() {
        return Err(BadCloze::NoDeletion);
    }
    Ok(set.into_iter().collect())
}

/// The hidden text of deletion number `n`, each deletion in order (a
/// number may be used more than once).
pub fn answers(text: &str, n: u32) -> Result<Vec<&str>, BadCloze> {
    Ok(pieces(text)?
        .into_iter()
        .filter_map(|p| match p {
            Piece::Deletion { n: m, answer, .. } if m == n => Some(answer),
            _ => None,
        })
        .collect())
}

/// (question, answer) for deletion number `n`.
pub fn render(text: &str, n: u32) -> Result<(String, String), BadCloze> {
    let mut front = String::new();
    let mut back = String::new();
    for p in pieces(text)? {
        match p {
            Piece::Text(t) => {
                front.push_str(t);
                back.push_str(t);
            }
            Piece::Deletion { n: m, answer, hint } => {
                if m == n {
                    front.push('[');
                    front.push_str(hint.unwrap_or("..."));
                    front.push(']');
                } else {
                    front.push_str(answer);
                }
                back.push_str(answer);
            }
        }
    }
    Ok((front, back))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_each_deletion_as_its_own_card() {
        let t = "{{c1::__iadd__}} returns {{c2::self::what?}} for mutables";
        assert_eq!(numbers(t), Ok(vec![1, 2]));
        let (f1, b) = render(t, 1).unwrap();
        assert_eq!(f1, "[...] returns self for mutables");
        assert_eq!(b, "__iadd__ returns self for mutables");
        assert_eq!(
            render(t, 2).map(|r| r.0),
            Ok("__iadd__ returns [what?] for mutables".into())
        );
        assert_eq!(answers(t, 2), Ok(vec!["self"]));
    }

    #[test]
    fn malformed_clozes_are_named() {
        for (t, want) in [
            ("no deletion", "no deletion"),
            ("{{c::x}}", "no number"),
            ("{{c1:x}}", "needs '::'"),
            ("{{c1::x", "not closed"),
            ("{{c1::}}", "deletes nothing"),
            ("{{c0::x}}", "start at c1"),
            ("{{c1::a {{c2::b}} }}", "nested"),
        ] {
            let e = numbers(t).expect_err(t).to_string();
            assert!(e.contains(want), "{t}: {e}");
        }
    }
}
