//! What an import prints: the table of what changed, or the problems it
//! failed on.

use crate::collection::sync::SyncReport;
use crate::error::Error;
use comfy_table::{Cell, CellAlignment, Table, presets::UTF8_FULL_CONDENSED};
use std::io::IsTerminal;

/// How many problems are listed on a terminal: a file with a thousand bad
/// rows would otherwise scroll the first ones, usually the telling ones, out
/// of sight. Redirected, every one is written.
const SHOWN_ON_TERMINAL: usize = 20;

/// Lists the problems an import failed on above its one error line.
pub(super) fn list_problems(e: Error) -> Error {
    let problems: Vec<String> = match &e {
        Error::Import(p) => p.iter().map(ToString::to_string).collect(),
        Error::Conflicts(c) => c.clone(),
        _ => return e,
    };
    let all = !std::io::stderr().is_terminal();
    let shown = if all { usize::MAX } else { SHOWN_ON_TERMINAL };
    for p in problems.iter().take(shown) {
        eprintln!("py201: {p}");
    }
    if let Some(more) = problems.len().checked_sub(shown).filter(|&n| n > 0) {
        eprintln!(
            "py201: … and {more} more (to see them all, redirect the errors to a file: 2> problems.txt)"
        );
    }
    e
}

pub(super) fn report_table(r: &SyncReport) -> Table {
    let mut t = crate::table::new();
    let header = vec!["Deck", "Added", "Updated", "Unchanged", "Retired"];
    t.load_style(UTF8_FULL_CONDENSED).set_header(header);
    let num = |n: u32| Cell::new(n).set_alignment(CellAlignment::Right);
    let row = |name: &str, a, u, s, r| vec![Cell::new(name), num(a), num(u), num(s), num(r)];
    for d in &r.decks {
        let name = crate::review::render::sanitize(&d.deck);
        t.add_row(row(&name, d.added, d.updated, d.unchanged, d.retired));
    }
    if r.decks.len() > 1 {
        t.add_row(row("All", r.added, r.updated, r.unchanged, r.retired));
    }
    t
}
