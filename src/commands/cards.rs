use super::Ctx;
use crate::cli::CardsArgs;
use crate::listing;
use anyhow::Result;
use std::io::Write;
use std::process::ExitCode;

pub fn run(ctx: &Ctx, args: CardsArgs) -> Result<ExitCode> {
    // A bad query fails before the collection is opened (or created).
    super::query::parse(&args.query)?;
    let col = ctx.open()?;
    let today = ctx.clock.today(col.config().day_starts_at);
    let cards = super::query::find(ctx, &col, &args.query, args.deck.as_deref())?;
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
