//! Python syntax highlighting with tree-sitter's Python grammar (compiled
//! in: no grammar files to load at start-up, parsing takes microseconds).
//! Pure: source in, lines of classified spans out; colours are chosen by
//! the terminal front end.

use std::sync::OnceLock;
use tree_sitter_highlight::{HighlightConfiguration, HighlightEvent, Highlighter};

/// What a span of code is, as far as colouring goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Plain,
    Keyword,
    String,
    Number,
    Comment,
    Function,
    Builtin,
    Type,
    Constant,
    Operator,
}

const NAMES: &[(&str, Kind)] = &[
    ("keyword", Kind::Keyword),
    ("string", Kind::String),
    ("escape", Kind::String),
    ("number", Kind::Number),
    ("comment", Kind::Comment),
    ("function.builtin", Kind::Builtin),
    ("function", Kind::Function),
    ("function.method", Kind::Function),
    ("constructor", Kind::Type),
    ("type", Kind::Type),
    ("constant.builtin", Kind::Constant),
    ("constant", Kind::Constant),
    ("operator", Kind::Operator),
];

fn config() -> Option<&'static HighlightConfiguration> {
    static CONFIG: OnceLock<Option<HighlightConfiguration>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let mut c = HighlightConfiguration::new(
                tree_sitter_python::LANGUAGE.into(),
                "python",
                tree_sitter_python::HIGHLIGHTS_QUERY,
                "",
                "",
            )
            .ok()?;
            c.configure(&NAMES.iter().map(|n| n.0).collect::<Vec<_>>());
            Some(c)
        })
        .as_ref()
}

/// `code` split into lines of (text, kind) spans. Falls back to plain text
/// if the grammar cannot be used: highlighting is a nicety, never a failure.
pub fn highlight(code: &str) -> Vec<Vec<(String, Kind)>> {
    let mut spans: Vec<(String, Kind)> = Vec::new();
    let plain = || vec![(code.to_string(), Kind::Plain)];
    let mut hl = Highlighter::new();
    let found = config().and_then(|cfg| {
        let events = hl.highlight(cfg, code.as_bytes(), None, |_| None).ok()?;
        let mut stack: Vec<Kind> = Vec::new();
        let mut out = Vec::new();
        for ev in events {
            match ev.ok()? {
                HighlightEvent::Source { start, end } => {
                    let kind = stack.last().copied().unwrap_or(Kind::Plain);
                    out.push((code.get(start..end)?.to_string(), kind));
                }
                HighlightEvent::HighlightStart(h) => {
                    stack.push(NAMES.get(h.0).map_or(Kind::Plain, |n| n.1))
                }
                HighlightEvent::HighlightEnd => {
                    stack.pop();
                }
            }
        }
        Some(out)
    });
    spans.extend(found.unwrap_or_else(plain));
    let mut lines: Vec<Vec<(String, Kind)>> = vec![Vec::new()];
    for (text, kind) in spans {
        let mut parts = text.split('\n');
        if let Some(first) = parts.next() {
            if !first.is_empty() {
                if let Some(l) = lines.last_mut() {
                    l.push((first.to_string(), kind));
                }
            }
        }
        for part in parts {
            lines.push(if part.is_empty() {
                Vec::new()
            } else {
                vec![(part.to_string(), kind)]
            });
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_python() {
        let lines = highlight("def f(x):\n    return len(x)  # n\n");
        assert_eq!(lines.len(), 3);
        assert!(
            lines[0].contains(&("def".to_string(), Kind::Keyword)),
            "{lines:?}"
        );
        assert!(
            lines[1].contains(&("return".to_string(), Kind::Keyword)),
            "{lines:?}"
        );
        assert!(
            lines[1].contains(&("len".to_string(), Kind::Builtin)),
            "{lines:?}"
        );
        assert!(
            lines[1].contains(&("# n".to_string(), Kind::Comment)),
            "{lines:?}"
        );
        let text: String = lines[1].iter().map(|s| s.0.as_str()).collect();
        assert_eq!(text, "    return len(x)  # n", "indentation kept");
    }
}
