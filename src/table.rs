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

/// A new table laid out for [`width`]: every table py201 prints starts here.
pub fn new() -> Table {
    let mut t = Table::new();
    fit(&mut t);
    t
}
