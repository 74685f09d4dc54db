//! HTML as a learner reads it, for the fields Anki stores as HTML (and
//! CSV/TSV files marked `#html:true`). Parsed by html5ever (through
//! `scraper`), the parser browsers' rules are written for, so real-world
//! markup comes out right: nested spans with styles, attributes holding
//! `>`, unclosed tags, and every named entity of HTML5.
//!
//! `<br>` and block elements (`<div>`, `<p>`, list items, headings…) are
//! line breaks; `<pre>` is code, kept verbatim; inline `<code>` becomes
//! `code` in backticks, py201's own mark for it; `<img>` a placeholder
//! naming the file; `<script>`, `<style>` and comments go with their
//! content; every other tag goes and its text stays. Whitespace is kept as
//! written (a non-breaking space is a space). Text with no markup at all is
//! returned byte for byte.

use ego_tree::iter::Edge;
use scraper::{Html, Node};

/// A field's text, and its first `<pre>` block when one was asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text {
    pub text: String,
    pub code: Option<String>,
}

/// The field as text, code blocks kept in place as lines.
pub fn to_text(html: &str) -> String {
    convert(html, false).text
}

/// The field as text with its first `<pre>` block taken out as code: the
/// question of a card whose code py201 shows in a box.
pub fn split_code(html: &str) -> Text {
    convert(html, true)
}

/// Whether `s` has anything HTML would read differently from plain text.
fn is_markup(s: &str) -> bool {
    s.contains(['<', '&'])
}

/// Elements whose content is not text a reader sees.
const HIDDEN: &[&str] = &["script", "style", "head", "title", "template", "noscript"];

/// Elements that stand on lines of their own.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "dd",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "section",
    "table",
    "tr",
    "ul",
];

fn convert(html: &str, take_code: bool) -> Text {
    if !is_markup(html) {
        return Text {
            text: html.to_string(),
            code: None,
        };
    }
    without_comments(html).unwrap_or_else(|| parse(html, take_code))
}

/// `html` read as the parser would read it, when all its markup is
/// comments; `None` when anything in it might read differently. py201's
/// own exports mark each note's source with a comment, so a package going
/// back and forth through Anki would otherwise be parsed field by field for
/// it.
/// Comment bodies holding `-` or `>` (which can end a comment early or
/// late), entities, and the characters the parser rewrites before reading
/// (carriage returns, NUL, a byte-order mark) go to the parser.
fn without_comments(html: &str) -> Option<Text> {
    if html.contains(['&', '\r', '\0', '\u{feff}']) {
        return None;
    }
    let mut text = String::new();
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        text.push_str(&rest[..at]);
        let body = rest[at..].strip_prefix("<!--")?;
        let end = body.find("-->")?;
        if body[..end].contains(['-', '>']) {
            return None;
        }
        rest = &body[end + "-->".len()..];
    }
    text.push_str(rest);
    let mut w = Walker::default();
    w.text(&text);
    Some(w.finish())
}

/// `html` read by the parser and walked as a reader sees it.
fn parse(html: &str, take_code: bool) -> Text {
    let doc = Html::parse_fragment(html);
    let mut w = Walker {
        take_code,
        ..Walker::default()
    };
    for edge in doc.tree.root().traverse() {
        match edge {
            Edge::Open(node) => w.open(node.value()),
            Edge::Close(node) => w.close(node.value()),
        }
    }
    w.finish()
}

#[derive(Default)]
struct Walker {
    out: String,
    code: Option<String>,
    take_code: bool,
    /// Inside this many hidden elements: their text is not read.
    hidden: usize,
    /// Inside this many `<pre>` elements: whitespace is kept.
    pre: usize,
    /// The `<pre>` being taken out as the card's code.
    taking: Option<String>,
}

impl Walker {
    fn open(&mut self, node: &Node) {
        match node {
            Node::Text(t) if self.hidden == 0 => self.text(t),
            Node::Element(e) => {
                let name = e.name();
                if HIDDEN.contains(&name) {
                    self.hidden += 1;
                    return;
                }
                if self.hidden > 0 {
                    return;
                }
                match name {
                    "br" => self.push_str("\n"),
                    "img" => {
                        let src = e.attr("src").unwrap_or("").trim();
                        self.push_str(&format!("[image: {src}]"));
                    }
                    "pre" => {
                        self.pre += 1;
                        self.line_break();
                        if self.pre == 1 && self.take_code && self.code.is_none() {
                            self.taking = Some(String::new());
                        }
                    }
                    "code" if self.pre == 0 => self.push_str("`"),
                    "td" | "th" => self.push_str(" "),
                    _ if BLOCKS.contains(&name) => self.line_break(),
                    _ => {}
                }
            }
            _ => {}
        }
    }

    fn close(&mut self, node: &Node) {
        let Node::Element(e) = node else { return };
        let name = e.name();
        if HIDDEN.contains(&name) {
            self.hidden = self.hidden.saturating_sub(1);
            return;
        }
        if self.hidden > 0 {
            return;
        }
        match name {
            "pre" => {
                self.pre = self.pre.saturating_sub(1);
                if self.pre == 0 {
                    if let Some(code) = self.taking.take() {
                        let code = code.trim_start_matches(['\n', '\r']).trim_end();
                        self.code = Some(code.to_string());
                    }
                    self.line_break();
                }
            }
            "code" if self.pre == 0 => self.push_str("`"),
            _ if BLOCKS.contains(&name) => self.line_break(),
            _ => {}
        }
    }

    /// Text as written: Anki's editor stores the spaces a learner typed
    /// (and py201's own exports the spaces of a card), so runs of spaces are
    /// kept rather than collapsed as a browser would show them.
    fn text(&mut self, t: &str) {
        self.push_str(&t.replace('\u{a0}', " "));
    }

    fn push_str(&mut self, s: &str) {
        match &mut self.taking {
            Some(code) => code.push_str(s),
            None => self.out.push_str(s),
        }
    }

    /// Ends the line, unless it is empty.
    fn line_break(&mut self) {
        if self.taking.is_some() {
            return;
        }
        let trimmed = self.out.trim_end_matches(' ').len();
        self.out.truncate(trimmed);
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.out.push('\n');
        }
    }

    fn finish(self) -> Text {
        let lines: Vec<&str> = self.out.lines().map(str::trim_end).collect();
        let text = lines.join("\n").trim_matches('\n').to_string();
        Text {
            text,
            code: self.code.filter(|c| !c.is_empty()),
        }
    }
}

#[cfg(test)]
mod tests;
