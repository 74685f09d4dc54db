use super::Ctx;
use crate::cli::{DecksAction, DecksArgs};
use crate::commands::outln;
use anyhow::Result;
use comfy_table::{Cell, CellAlignment, presets::UTF8_FULL_CONDENSED};
use std::process::ExitCode;

pub fn run(ctx: &Ctx, args: DecksArgs) -> Result<ExitCode> {
    if let Some(DecksAction::Rename { old, new }) = args.action {
        let mut col = ctx.open()?;
        let name = col.rename_deck(&old, &new)?;
        outln!("Renamed deck {old:?} to {name:?}; its cards keep their progress.")?;
        return Ok(ExitCode::SUCCESS);
    }
    let col = ctx.open()?;
    let today = ctx.clock.today(col.config().day_starts_at);
    let rows = col.deck_counts(today)?;
    let mut table = crate::table::new();
    table
        .load_style(UTF8_FULL_CONDENSED)
        .set_header(vec!["Deck", "New", "Due", "Total"]);
    let (mut n, mut d, mut t) = (0, 0, 0);
    for r in &rows {
        n += r.new;
        d += r.due;
        t += r.total;
        table.add_row(vec![
            Cell::new(crate::review::render::sanitize(&r.name)),
            Cell::new(r.new).set_alignment(CellAlignment::Right),
            Cell::new(r.due).set_alignment(CellAlignment::Right),
            Cell::new(r.total).set_alignment(CellAlignment::Right),
        ]);
    }
    table.add_row(vec![
        Cell::new("All decks"),
        Cell::new(n).set_alignment(CellAlignment::Right),
        Cell::new(d).set_alignment(CellAlignment::Right),
        Cell::new(t).set_alignment(CellAlignment::Right),
    ]);
    outln!("{table}")?;
    Ok(ExitCode::SUCCESS)
}
