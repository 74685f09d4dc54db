//! `py201 decks`: each deck's new, due and total cards; `decks rename`,
//! `decks off` and `decks on`.

use super::Ctx;
use crate::cli::{DecksAction, DecksArgs};
use crate::collection::cards::DeckRow;
use crate::commands::outln;
use anyhow::Result;
use comfy_table::{Cell, CellAlignment, presets::UTF8_FULL_CONDENSED};
use std::process::ExitCode;

pub fn run(ctx: &Ctx, args: DecksArgs) -> Result<ExitCode> {
    if let Some(action) = args.action {
        return act(ctx, action);
    }
    let col = ctx.open()?;
    let today = ctx.clock.today(col.config().day_starts_at);
    let rows = col.deck_counts(today)?;
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&json(&rows))?)?;
    } else {
        outln!("{}", table(&rows))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn act(ctx: &Ctx, action: DecksAction) -> Result<ExitCode> {
    let mut col = ctx.open()?;
    match action {
        DecksAction::Rename { old, new } => {
            let name = col.rename_deck(&old, &new)?;
            outln!("Renamed deck {old:?} to {name:?}; its cards keep their progress.")?;
        }
        DecksAction::Off { name } => match col.set_deck_off(&name, true)? {
            (name, true) => outln!(
                "Deck {name:?} is off: its cards are not reviewed or counted until `py201 decks on {name:?}`; their progress is kept."
            )?,
            (name, false) => outln!("Deck {name:?} was already off.")?,
        },
        DecksAction::On { name } => match col.set_deck_off(&name, false)? {
            (name, true) => outln!("Deck {name:?} is on again.")?,
            (name, false) => outln!("Deck {name:?} was already on.")?,
        },
    }
    Ok(ExitCode::SUCCESS)
}

/// The table: a deck that is off is listed, marked, and left out of the
/// "All decks" row, as it is out of the queue.
fn table(rows: &[DeckRow]) -> comfy_table::Table {
    let mut table = crate::table::new();
    table
        .load_style(UTF8_FULL_CONDENSED)
        .set_header(vec!["Deck", "New", "Due", "Total"]);
    let (mut n, mut d, mut t) = (0, 0, 0);
    let right = |v: u32| Cell::new(v).set_alignment(CellAlignment::Right);
    for r in rows {
        let name = crate::review::render::sanitize(&r.name);
        if r.off {
            table.add_row(vec![
                Cell::new(format!("{name} (off)")),
                Cell::new("-").set_alignment(CellAlignment::Right),
                Cell::new("-").set_alignment(CellAlignment::Right),
                right(r.total),
            ]);
            continue;
        }
        n += r.new;
        d += r.due;
        t += r.total;
        table.add_row(vec![
            Cell::new(name),
            right(r.new),
            right(r.due),
            right(r.total),
        ]);
    }
    table.add_row(vec![Cell::new("All decks"), right(n), right(d), right(t)]);
    table
}

fn json(rows: &[DeckRow]) -> serde_json::Value {
    rows.iter()
        .map(|r| {
            serde_json::json!({
                "deck": r.name, "new": r.new, "due": r.due, "total": r.total, "off": r.off,
            })
        })
        .collect()
}
