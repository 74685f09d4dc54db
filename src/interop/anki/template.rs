//! Anki's card templates, rendered as Anki renders them: `{{Field}}`,
//! `{{FrontSide}}`, the special fields, sections `{{#Field}}…{{/Field}}`
//! and `{{^Field}}…{{/Field}}`, and the filters `cloze:`, `cloze-only:`,
//! `type:`, `text:` and `hint:`, applied from the field outwards. Any other
//! filter leaves the field's text as it is. The output is HTML (fields are
//! HTML); the importer turns it into text afterwards.

use super::super::html;

/// Which side of the card is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side<'a> {
    Question,
    /// The answer, with the rendered question for `{{FrontSide}}`.
    Answer {
        front: &'a str,
    },
}

/// What a template is rendered with.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The note's fields: name and HTML value, in the note type's order.
    pub fields: &'a [(String, String)],
    /// The card's cloze number (its ordinal + 1) for a cloze note type.
    pub cloze: Option<u32>,
    pub tags: &'a str,
    pub deck: &'a str,
    pub notetype: &'a str,
    pub card: &'a str,
    pub side: Side<'a>,
}

/// A rendered side: its HTML, and the field a `{{type:…}}` asks to be typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    pub html: String,
    pub typed: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token<'t> {
    Text(&'t str),
    /// `{{#Field}}` (`true`) or `{{^Field}}` (`false`).
    Section(&'t str, bool),
    End(&'t str),
    /// Filters (outermost first) and the field.
    Field(&'t str),
}

fn tokens(t: &str) -> Vec<Token<'_>> {
    let mut out = vec![];
    let mut rest = t;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start + 2..].find("}}") else {
            break;
        };
        if start > 0 {
            out.push(Token::Text(&rest[..start]));
        }
        let tag = rest[start + 2..start + 2 + len].trim();
        out.push(match tag.as_bytes().first() {
            Some(b'#') => Token::Section(tag[1..].trim(), true),
            Some(b'^') => Token::Section(tag[1..].trim(), false),
            Some(b'/') => Token::End(tag[1..].trim()),
            _ => Token::Field(tag),
        });
        rest = &rest[start + 2 + len + 2..];
    }
    if !rest.is_empty() {
        out.push(Token::Text(rest));
    }
    out
}

/// Renders `template` for one side of one card.
pub fn render(template: &str, cx: &Context<'_>) -> Rendered {
    let mut out = Rendered::default();
    let toks = tokens(template);
    render_into(&toks, cx, &mut out);
    out
}

fn render_into(toks: &[Token<'_>], cx: &Context<'_>, out: &mut Rendered) {
    let mut i = 0;
    while i < toks.len() {
        match toks[i] {
            Token::Text(t) => out.html.push_str(t),
            Token::Field(tag) => {
                let text = field(tag, cx, out);
                out.html.push_str(&text);
            }
            Token::Section(name, want) => {
                let end = section_end(toks, i, name);
                if nonempty(name, cx) == want {
                    render_into(&toks[i + 1..end], cx, out);
                }
                i = end;
            }
            // A stray end tag: Anki shows an error; its text is nothing.
            Token::End(_) => {}
        }
        i += 1;
    }
}

/// The index of the `{{/name}}` closing the section opened at `open`.
fn section_end(toks: &[Token<'_>], open: usize, name: &str) -> usize {
    let mut depth = 0;
    for (j, t) in toks.iter().enumerate().skip(open + 1) {
        match t {
            Token::Section(n, _) if *n == name => depth += 1,
            Token::End(n) if *n == name => {
                if depth == 0 {
                    return j;
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    toks.len()
}

/// A section's condition: the field holds text once HTML is removed.
fn nonempty(name: &str, cx: &Context<'_>) -> bool {
    lookup(name, cx).is_some_and(|v| !html::to_text(&v).trim().is_empty())
}

fn lookup(name: &str, cx: &Context<'_>) -> Option<String> {
    if let Some((_, v)) = cx.fields.iter().find(|(n, _)| n == name) {
        return Some(v.clone());
    }
    Some(match name {
        "FrontSide" => match cx.side {
            Side::Answer { front } => front.to_string(),
            Side::Question => String::new(),
        },
        "Tags" => cx.tags.trim().to_string(),
        "Type" => cx.notetype.to_string(),
        "Deck" => cx.deck.to_string(),
        "Subdeck" => cx.deck.rsplit("::").next().unwrap_or("").to_string(),
        "Card" => cx.card.to_string(),
        "CardFlag" => String::new(),
        _ => return None,
    })
}

/// `{{filter:…:Field}}`: the field, through its filters from the inside out.
fn field(tag: &str, cx: &Context<'_>, out: &mut Rendered) -> String {
    let mut parts: Vec<&str> = tag.split(':').collect();
    let name = parts.pop().unwrap_or("").trim();
    let mut value = lookup(name, cx).unwrap_or_default();
    for filter in parts.iter().rev().map(|f| f.trim()) {
        value = match filter {
            "type" => {
                out.typed = Some(name.to_string());
                String::new()
            }
            "cloze" => cloze(&value, cx, false),
            "cloze-only" => cloze(&value, cx, true),
            "text" => escape(&html::to_text(&value)),
            // A hint is shown at once: there is no link to click.
            _ => value,
        };
        if out.typed.is_some() && filter == "type" {
            break;
        }
    }
    value
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// One cloze deletion found in a field: its number, answer and hint.
struct Deletion<'t> {
    start: usize,
    end: usize,
    n: u32,
    answer: &'t str,
    hint: Option<&'t str>,
}

fn deletions(text: &str) -> Vec<Deletion<'_>> {
    let mut out = vec![];
    let mut from = 0;
    while let Some(at) = text[from..].find("{{c").map(|i| i + from) {
        let after = &text[at + 3..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let body_at = at + 3 + digits + 2;
        let parsed = after[..digits]
            .parse::<u32>()
            .ok()
            .filter(|_| after[digits..].starts_with("::"))
            .and_then(|n| text[body_at..].find("}}").map(|len| (n, len)));
        let Some((n, len)) = parsed else {
            from = at + 3;
            continue;
        };
        let inner = &text[body_at..body_at + len];
        let (answer, hint) = match inner.split_once("::") {
            Some((a, h)) => (a, Some(h)),
            None => (inner, None),
        };
        out.push(Deletion {
            start: at,
            end: body_at + len + 2,
            n,
            answer,
            hint,
        });
        from = body_at + len + 2;
    }
    out
}

/// A cloze field for this card: on the question its deletions hidden
/// (`[...]`, or `[hint]`), the others shown; on the answer all shown.
/// `only`: just this card's deletions (Anki's `cloze-only`).
fn cloze(text: &str, cx: &Context<'_>, only: bool) -> String {
    let dels = deletions(text);
    let active = |d: &Deletion<'_>| Some(d.n) == cx.cloze;
    if only {
        let answers: Vec<&str> = dels
            .iter()
            .filter(|d| active(d))
            .map(|d| d.answer)
            .collect();
        return answers.join(", ");
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for d in &dels {
        out.push_str(&text[last..d.start]);
        match (active(d), cx.side) {
            (true, Side::Question) => {
                out.push('[');
                out.push_str(d.hint.unwrap_or("..."));
                out.push(']');
            }
            _ => out.push_str(d.answer),
        }
        last = d.end;
    }
    out.push_str(&text[last..]);
    out
}

#[cfg(test)]
mod tests;
