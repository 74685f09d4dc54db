//! Tables laid out for the width they are read at: a terminal's own width,
//! or, when output goes to a pipe or a file, `COLUMNS` or 100 columns, so a
//! table never wraps into unreadable text in an 80-column terminal, a
//! pager or a log. Narrow columns wrap inside their cells.

use comfy_table::{ContentArrangement, Table};
use std::io::IsTerminal;

/// The width of output that is not a terminal, unless `COLUMNS` says.
pub const PIPE_WIDTH: u16 = 100;

/// The width tables are laid out for.
pub fn width() -> u16 {
    if std::io::stdout().is_terminal() {
        if let Ok((w, _)) = crossterm::terminal::size() {
            if w > 0 {
                return w;
            }
        }
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse().ok())
        .filter(|w| *w > 0)
        .unwrap_or(PIPE_WIDTH)
}

/// Lays `t` out for [`width`].
pub fn fit(t: &mut Table) -> &mut Table {
    t.set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width())
}

/// Prose folded at word boundaries for [`width`], as tables are laid out.
pub fn wrap(text: &str) -> String {
    wrap_to(text, usize::from(width()))
}

/// Prose folded at word boundaries to `width` columns (at least 40): each
/// line of `text` is a paragraph, and a paragraph that starts with spaces
/// or a "- " bullet keeps that indent on its folded lines. A word wider
/// than the line stays whole: cutting a path or a command would break it.
pub fn wrap_to(text: &str, width: usize) -> String {
    let width = width.max(40);
    let mut out = String::with_capacity(text.len() + text.len() / 32);
    for (i, para) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let body = para.trim_start_matches(' ');
        let lead = para.len() - body.len();
        let hang = lead + if body.starts_with("- ") { 2 } else { 0 };
        out.push_str(&para[..lead]);
        fill(&mut out, words(body), " ", width, (lead, hang));
    }
    out
}

/// `items` joined by " · " in lines of `width` columns: a line breaks
/// between items, never inside one (`due 2027-01-02 · interval 12 d`
/// keeps each figure with its name); an item wider than a line has one
/// to itself.
pub fn pack(items: &[String], width: usize) -> String {
    let mut out = String::new();
    fill(
        &mut out,
        items.iter().map(String::as_str),
        " · ",
        width,
        (0, 0),
    );
    out
}

/// Appends `parts` joined by `sep`, starting at column `at.0`: a part
/// that would pass `width` starts a new line, indented by `at.1` spaces.
fn fill<'a>(
    out: &mut String,
    parts: impl Iterator<Item = &'a str>,
    sep: &str,
    width: usize,
    at: (usize, usize),
) {
    use unicode_width::UnicodeWidthStr;
    let (mut col, hang) = at;
    for (j, part) in parts.enumerate() {
        let w = part.width();
        if j > 0 && col + sep.width() + w > width {
            out.push('\n');
            out.push_str(&" ".repeat(hang));
            col = hang;
        } else if j > 0 {
            out.push_str(sep);
            col += sep.width();
        }
        out.push_str(part);
        col += w;
    }
}

/// The words of a paragraph; a `quoted command` is one word, so that it
/// can be copied from one line.
fn words(text: &str) -> impl Iterator<Item = &str> {
    let mut in_code = false;
    text.split(move |c: char| {
        if c == '`' {
            in_code = !in_code;
        }
        c == ' ' && !in_code
    })
    .filter(|w| !w.is_empty())
}

/// `text` cut to `width` columns of the terminal, the cut marked with an
/// ellipsis.
pub fn cut(text: &str, width: usize) -> String {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for ch in text.chars() {
        let w = ch.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(ch);
        used += w;
    }
    out.push('…');
    out
}

/// The columns left for a table's last column in `width`, when its other
/// columns (`header`, and the cells of `rows`) take their widest cell:
/// each cell padded by a space a side, a rule between cells and at each
/// end, as py201's tables are drawn.
pub fn room_for_last(width: usize, header: &[&str], rows: &[Vec<String>]) -> usize {
    use unicode_width::UnicodeWidthStr;
    let others: usize = header
        .iter()
        .enumerate()
        .map(|(i, h)| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.width())
                .chain([h.width()])
                .max()
                .unwrap_or(0)
                + 3
        })
        .sum();
    width.saturating_sub(others + 1 + 3)
}

/// The fewest columns a last column is cut to: with less room than this
/// it is not cut further, and the table wraps as comfy-table lays it out
/// (a few characters of a front say nothing).
const LAST_MIN: usize = 10;

/// What a table's last column (a card's front) is cut to so that each row
/// keeps one line: `max`, or the room the other columns leave
/// ([`room_for_last`]) where that is less, but not under [`LAST_MIN`].
pub fn last_column_width(width: usize, header: &[&str], rows: &[Vec<String>], max: usize) -> usize {
    let room = room_for_last(width, header, rows);
    if room >= LAST_MIN { room.min(max) } else { max }
}

/// A new table laid out for [`width`]: every table py201 prints starts here.
pub fn new() -> Table {
    let mut t = Table::new();
    fit(&mut t);
    t
}

#[cfg(test)]
mod tests {
    use super::{cut, room_for_last, wrap_to};

    #[test]
    fn pack_breaks_between_items_only() {
        let items: Vec<String> = [
            "due 2027-01-02",
            "interval 12 d",
            "EF 2.50",
            "reps 3",
            "lapses 0",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            super::pack(&items, 40),
            "due 2027-01-02 · interval 12 d · EF 2.50\nreps 3 · lapses 0"
        );
        assert_eq!(super::pack(&items, 200), items.join(" · "));
        assert_eq!(super::pack(&items[..1], 5), "due 2027-01-02");
    }

    #[test]
    fn cut_marks_the_cut_and_counts_terminal_columns() {
        assert_eq!(cut("short", 10), "short");
        assert_eq!(cut("exactly 10", 10), "exactly 10");
        assert_eq!(cut("one word too many", 10), "one word …");
        // Wide characters take two columns each.
        assert_eq!(cut("日本語のテキスト", 7), "日本語…");
    }

    #[test]
    fn room_for_last_is_what_the_drawn_table_leaves() {
        let rows = vec![vec!["a-long-id".to_string(), "7".to_string()]];
        let room = room_for_last(40, &["Id", "Ivl"], &rows);
        let mut t = super::new();
        t.load_style(comfy_table::presets::UTF8_FULL_CONDENSED)
            .set_width(40)
            .set_header(vec!["Id", "Ivl", "Front"])
            .add_row(vec!["a-long-id", "7", &"x".repeat(room)]);
        let drawn = t.to_string();
        assert!(drawn.lines().all(|l| l.chars().count() == 40), "{drawn}");
        assert_eq!(drawn.lines().count(), 5, "one line a row:\n{drawn}");
    }

    #[test]
    fn prose_folds_at_words_with_hanging_indents() {
        let text = "one two three four five six seven eight nine ten eleven twelve thirteen\n\n- a bullet that is long enough to need a second line of its own here";
        assert_eq!(
            wrap_to(text, 40),
            "one two three four five six seven eight\nnine ten eleven twelve thirteen\n\n- a bullet that is long enough to need a\n  second line of its own here"
        );
    }

    #[test]
    fn a_quoted_command_stays_on_one_line() {
        let text = "statistics appear after you run `py201 review --deck \"Test\"` today";
        assert_eq!(
            wrap_to(text, 40),
            "statistics appear after you run\n`py201 review --deck \"Test\"` today"
        );
    }

    #[test]
    fn a_word_wider_than_the_line_is_not_cut() {
        let path = format!("/{}", "x".repeat(60));
        assert_eq!(
            wrap_to(&format!("see {path} now"), 40),
            format!("see\n{path}\nnow")
        );
    }
}
