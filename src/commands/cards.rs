use super::Ctx;
use crate::cli::CardsArgs;
use crate::listing;
use anyhow::Result;
use std::io::Write;
use std::process::ExitCode;

pub fn run(ctx: &Ctx, args: CardsArgs) -> Result<ExitCode> {
    let col = ctx.open()?;
    let today = ctx.clock.today(col.config().day_starts_at);
    let deck = args.deck.as_deref().map(|d| col.deck_id(d)).transpose()?;
    let cards = col.cards(deck)?;
    let width = crate::table::width();
    let text = if args.json {
        listing::json(&cards, today)?
    } else if width < listing::FULL_WIDTH {
        let table = listing::table(&cards, today, width);
        let note = crate::table::wrap(
            "(EF, reps and lapses are left out at this width: `py201 cards --json` has every field)",
        );
        format!("{table}\n{note}")
    } else {
        listing::table(&cards, today, width).to_string()
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
