//! The review screen's layout as a pure function of what is on it and the
//! terminal's size: what goes on which row, what is wrapped, what scrolls.
//! Kept apart from the terminal so that every size can be tested without
//! one, and so that a resize only lays the same content out again.
//!
//! The rules, whatever the size: the header is the first row; the question
//! stays in view (pinned under the header unless it is itself taller than
//! half the room); what does not fit scrolls, with a row saying how much is
//! above and below; the footer's keys wrap onto a second row rather than
//! past the edge; no row is wider than the terminal, so the terminal never
//! wraps a row itself and pushes the header off the top.

use crossterm::style::ContentStyle;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

pub type Span = (String, ContentStyle);
pub type Line = Vec<Span>;

/// A piece of the screen before it is laid out at a width.
#[derive(Debug, Clone)]
pub enum Block {
    Blank,
    /// One paragraph of prose, word-wrapped; wrapped rows keep the indent.
    Text {
        spans: Vec<Span>,
        indent: usize,
    },
    /// Code in a box, one entry per source line; long lines wrap with ↩.
    Code {
        rows: Vec<Vec<Span>>,
        frame: ContentStyle,
    },
    /// A rule of `ch` across the width, one column in from each edge.
    Rule {
        ch: char,
        style: ContentStyle,
    },
    /// Spans as they are, cut into rows of the width.
    Spans(Line),
}

/// The header's facts; [`fit_header`] decides how much of them a width holds.
#[derive(Debug, Clone, Default)]
pub struct Header {
    pub deck: String,
    pub position: String,
    pub label: String,
    pub new: u32,
    pub due: u32,
    pub repeats: u32,
}

/// The styles the layout itself draws with.
#[derive(Debug, Clone, Copy, Default)]
pub struct Styles {
    pub bold: ContentStyle,
    pub dim: ContentStyle,
    pub key: ContentStyle,
    pub message: ContentStyle,
}

/// Everything on the screen, before layout.
#[derive(Debug, Clone, Default)]
pub struct Screen {
    pub header: Header,
    /// The question: kept in view under the header while it fits.
    pub pinned: Vec<Block>,
    /// Code, answer, comparison: scrolls when the room runs out.
    pub body: Vec<Block>,
    /// The typed answer being edited, above the message row.
    pub input: Option<Line>,
    pub message: Option<String>,
    /// Keys and what they do.
    pub footer: Vec<(String, String)>,
    /// First scrolled row shown.
    pub scroll: usize,
    /// A body block to bring into view at the next layout (the answer, once
    /// revealed): as much as fits from it down, the rest of the card above.
    pub anchor: Option<usize>,
}

/// A laid-out screen: exactly `rows` rows, and the scroll it settled on.
#[derive(Debug, Clone)]
pub struct Frame {
    pub rows: Vec<Line>,
    pub scroll: usize,
    /// Rows of the scrolled part shown at once (for paging), 0 if nothing scrolls.
    pub view: usize,
}

pub fn width_of(line: &[Span]) -> usize {
    line.iter().map(|(t, _)| t.width()).sum()
}

/// Cuts `text` after at most `cols` columns: (head, rest).
fn split_at_cols(text: &str, cols: usize) -> (&str, &str) {
    let mut used = 0;
    for (i, c) in text.char_indices() {
        let w = c.width().unwrap_or(0);
        if used + w > cols {
            return text.split_at(i);
        }
        used += w;
    }
    (text, "")
}

/// The line cut to `cols` columns.
pub fn clip(line: Line, cols: usize) -> Line {
    let mut out = Vec::with_capacity(line.len());
    let mut left = cols;
    for (text, st) in line {
        let (head, _) = split_at_cols(&text, left);
        left -= head.width();
        if !head.is_empty() {
            out.push((head.to_string(), st));
        }
        if left == 0 {
            break;
        }
    }
    out
}

/// Rows of at most `cols` columns holding the spans in order, cut anywhere.
fn hard_wrap(line: &[Span], cols: usize) -> Vec<Line> {
    let cols = cols.max(1);
    let mut rows = vec![];
    let mut row: Line = vec![];
    let mut used = 0;
    for (text, st) in line {
        let mut rest = text.as_str();
        while !rest.is_empty() {
            if used == cols {
                rows.push(std::mem::take(&mut row));
                used = 0;
            }
            let (head, tail) = split_at_cols(rest, cols - used);
            if head.is_empty() {
                if used > 0 {
                    rows.push(std::mem::take(&mut row));
                    used = 0;
                    continue;
                }
                // A character wider than a whole row gets a row of its own.
                let n = rest.chars().next().map_or(rest.len(), char::len_utf8);
                let (c, tail) = rest.split_at(n);
                row.push((c.to_string(), *st));
                used = cols;
                rest = tail;
                continue;
            }
            used += head.width();
            row.push((head.to_string(), *st));
            rest = tail;
        }
    }
    rows.push(row);
    rows
}

/// Prose wrapped at word boundaries into rows of `cols`, each row after the
/// first starting with `indent` spaces; a word wider than a row is cut.
fn word_wrap(spans: &[Span], indent: usize, cols: usize) -> Vec<Line> {
    let room = cols.saturating_sub(indent).max(8);
    let pad = || (" ".repeat(indent), ContentStyle::new());
    let mut rows = vec![];
    let mut row: Line = vec![pad()];
    let mut used = 0;
    for (text, st) in spans {
        for word in text.split_inclusive(' ') {
            let w = word.trim_end_matches(' ').width();
            if used + w > room && used > 0 {
                rows.push(std::mem::replace(&mut row, vec![pad()]));
                used = 0;
            }
            if w > room {
                let mut pieces = hard_wrap(&[(word.to_string(), *st)], room).into_iter();
                if let Some(first) = pieces.next() {
                    used += width_of(&first);
                    row.extend(first);
                }
                for piece in pieces {
                    rows.push(std::mem::replace(&mut row, vec![pad()]));
                    used = width_of(&piece);
                    row.extend(piece);
                }
                continue;
            }
            used += word.width();
            row.push((word.to_string(), *st));
        }
    }
    rows.push(row);
    rows
}

/// A code box at most `cols` wide: source lines longer than the box wrap,
/// the cut marked with ↩ and the rest indented, so nothing is cut off.
fn code_box(src: &[Vec<Span>], frame: ContentStyle, cols: usize) -> Vec<Line> {
    let inner = cols.saturating_sub(6).max(4);
    let longest = src.iter().map(|l| width_of(l)).max().unwrap_or(0);
    let w = longest.max(20).min(inner);
    let edge =
        |l: &str, r: &str| -> Line { vec![(format!("  {l}{}{r}", "─".repeat(w + 2)), frame)] };
    let mut rows = vec![edge("┌", "┐")];
    for line in src {
        for piece in code_pieces(line, w, frame) {
            let pad = w.saturating_sub(width_of(&piece));
            let mut row: Line = vec![("  │ ".into(), frame)];
            row.extend(piece);
            row.push((" ".repeat(pad + 1), ContentStyle::new()));
            row.push(("│".into(), frame));
            rows.push(row);
        }
    }
    rows.push(edge("└", "┘"));
    rows
}

/// One source line as rows of `w` columns: every row but the last ends in ↩,
/// every row but the first starts two columns in.
fn code_pieces(line: &[Span], w: usize, frame: ContentStyle) -> Vec<Line> {
    if width_of(line) <= w || w < 6 {
        return hard_wrap(line, w);
    }
    let mut rows = vec![];
    let mut rest: Line = line.to_vec();
    let mut first = true;
    loop {
        let lead = if first { 0 } else { 2 };
        let room = w - lead;
        if width_of(&rest) <= room {
            let mut row: Line = vec![(" ".repeat(lead), ContentStyle::new())];
            row.extend(rest);
            rows.push(row);
            return rows;
        }
        let mut pieces = hard_wrap(&rest, room - 1).into_iter();
        let mut row: Line = vec![(" ".repeat(lead), ContentStyle::new())];
        row.extend(pieces.next().unwrap_or_default());
        row.push(("↩".into(), frame));
        rows.push(row);
        rest = pieces.flatten().collect();
        first = false;
    }
}

/// Lays blocks out at a width: their rows, and the first row of each block.
pub fn layout(blocks: &[Block], cols: usize) -> (Vec<Line>, Vec<usize>) {
    let mut rows = vec![];
    let mut starts = Vec::with_capacity(blocks.len());
    for b in blocks {
        starts.push(rows.len());
        match b {
            Block::Blank => rows.push(vec![]),
            Block::Text { spans, indent } => rows.extend(word_wrap(spans, *indent, cols)),
            Block::Code { rows: src, frame } => rows.extend(code_box(src, *frame, cols)),
            Block::Rule { ch, style } => rows.push(vec![(
                format!(" {}", ch.to_string().repeat(cols.saturating_sub(2))),
                *style,
            )]),
            Block::Spans(line) => rows.extend(hard_wrap(line, cols)),
        }
    }
    (rows, starts)
}

/// The header's two halves at a width: as much as fits, in the order a
/// learner needs it (position and counts first, the deck name shortened).
pub fn fit_header(h: &Header, cols: usize) -> (String, String) {
    let left = |deck: &str, label: bool| {
        let mut s = format!(" {deck} · {}", h.position);
        if label {
            s.push_str(" · ");
            s.push_str(&h.label);
        }
        s
    };
    let long = format!("new {} · due {} · repeats {} ", h.new, h.due, h.repeats);
    let short = format!("new {} · due {} · rep {} ", h.new, h.due, h.repeats);
    for right in [&long, &short] {
        let l = left(&h.deck, true);
        if l.width() + 1 + right.width() <= cols {
            return (l, right.clone());
        }
    }
    for label in [true, false] {
        let fixed = left("", label).width() + 1 + short.width();
        let room = cols.saturating_sub(fixed);
        if room >= 4 {
            return (left(&shorten(&h.deck, room), label), short);
        }
    }
    (left(&shorten(&h.deck, 4), false), short)
}

/// `text` in at most `cols` columns, ending in … when cut.
fn shorten(text: &str, cols: usize) -> String {
    if text.width() <= cols {
        return text.to_string();
    }
    let (head, _) = split_at_cols(text, cols.saturating_sub(1));
    format!("{}…", head.trim_end())
}

/// The footer's keys in as few rows of `cols` as they fit, never split
/// inside one, and the rows as even as that allows (the six grades go three
/// and three: the failing grades above the passing ones).
pub fn footer_rows(parts: &[(String, String)], st: &Styles, cols: usize) -> Vec<Line> {
    let widths: Vec<usize> = parts
        .iter()
        .map(|(k, what)| k.width() + 1 + what.width())
        .collect();
    let fewest = row_breaks(&widths, cols).len();
    let even = (1..=cols)
        .map(|limit| row_breaks(&widths, limit))
        .find(|rows| rows.len() == fewest)
        .unwrap_or_else(|| row_breaks(&widths, cols));
    even.into_iter()
        .map(|range| {
            let mut row: Line = vec![(" ".into(), ContentStyle::new())];
            for (i, (key, what)) in parts[range.clone()].iter().enumerate() {
                if i > 0 {
                    row.push(("  ".into(), ContentStyle::new()));
                }
                row.push((key.clone(), st.key));
                row.push((format!(" {what}"), st.dim));
            }
            row
        })
        .collect()
}

/// Greedy rows of parts of these widths, one leading column and two between.
fn row_breaks(widths: &[usize], cols: usize) -> Vec<std::ops::Range<usize>> {
    let mut rows = vec![];
    let (mut start, mut used) = (0, 1);
    for (i, w) in widths.iter().enumerate() {
        if i > start && used + 2 + w > cols {
            rows.push(start..i);
            (start, used) = (i, 1);
        }
        used += if i > start { 2 + w } else { *w };
    }
    rows.push(start..widths.len());
    rows
}

/// Where the scrolled part stands: what is above and below, and the keys.
fn scroll_note(above: usize, below: usize, st: &Styles) -> Line {
    let mut parts = vec![];
    if above > 0 {
        parts.push(format!("↑ {above} line{} above", plural(above)));
    }
    if below > 0 {
        parts.push(format!("↓ {below} more line{}", plural(below)));
    }
    parts.push("↑↓ PgUp PgDn scroll".into());
    vec![(format!(" {}", parts.join(" · ")), st.dim)]
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The rows under the card: the answer being typed, the message row (kept
/// even when empty, so the card does not jump when a message comes), the keys.
fn bottom_rows(s: &Screen, st: &Styles, cols: usize) -> Vec<Line> {
    let mut bottom: Vec<Line> = vec![];
    if let Some(input) = &s.input {
        bottom.extend(hard_wrap(input, cols));
    }
    bottom.extend(match &s.message {
        Some(m) => word_wrap(&[(m.clone(), st.message)], 1, cols),
        None => vec![vec![]],
    });
    bottom.extend(footer_rows(&s.footer, st, cols));
    bottom
}

/// Lays the whole screen out on `cols` × `rows`.
pub fn compose(s: &Screen, st: &Styles, cols: usize, rows: usize) -> Frame {
    let cols = cols.max(1);
    let (left, right) = fit_header(&s.header, cols);
    let pad = cols.saturating_sub(left.width() + right.width()).max(1);
    let mut top: Vec<Line> = vec![
        vec![
            (left, st.bold),
            (" ".repeat(pad), ContentStyle::new()),
            (right, st.dim),
        ],
        vec![(format!(" {}", "─".repeat(cols.saturating_sub(2))), st.dim)],
    ];
    let bottom = bottom_rows(s, st, cols);
    let room = rows.saturating_sub(top.len() + bottom.len());
    let (pinned, _) = layout(&s.pinned, cols);
    let (body, starts) = layout(&s.body, cols);
    let (mut scrolled, anchor_row, fixed) =
        if pinned.len() + body.len() <= room || pinned.len() <= room / 2 {
            (body, s.anchor.and_then(|a| starts.get(a).copied()), pinned)
        } else {
            let n = pinned.len();
            let mut all = pinned;
            all.extend(body);
            (
                all,
                s.anchor.and_then(|a| starts.get(a)).map(|r| r + n),
                vec![],
            )
        };
    top.extend(fixed);
    let mut room = rows.saturating_sub(top.len() + bottom.len());
    let (mut scroll, mut view) = (0, 0);
    if scrolled.len() > room {
        view = room.saturating_sub(1);
        let last = scrolled.len().saturating_sub(view);
        scroll = anchor_row.map_or(s.scroll, |a| a.min(last)).min(last);
        let below = scrolled.len() - scroll - view.min(scrolled.len() - scroll);
        let note = scroll_note(scroll, below, st);
        scrolled = scrolled.into_iter().skip(scroll).take(view).collect();
        if room > 0 {
            scrolled.push(note);
        }
        room = scrolled.len();
    }
    top.extend(scrolled.into_iter().take(room));
    let fill = rows.saturating_sub(top.len() + bottom.len());
    top.extend(std::iter::repeat_n(vec![], fill));
    top.extend(bottom);
    let mut out: Vec<Line> = top.into_iter().map(|l| clip(l, cols)).collect();
    // A terminal too small even for header and footer: the header wins.
    out.truncate(rows);
    Frame {
        rows: out,
        scroll,
        view,
    }
}

#[cfg(test)]
mod tests;
