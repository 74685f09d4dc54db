use super::Ctx;
use crate::cli::StatsArgs;
use crate::stats::{self, Options, render};
use anyhow::Result;
use std::io::Write;
use std::process::ExitCode;

pub fn run(ctx: &Ctx, args: StatsArgs) -> Result<ExitCode> {
    let col = ctx.open()?;
    let today = ctx.clock.today(col.config().day_starts_at);
    let deck = args.deck.as_deref().map(|d| col.deck_id(d)).transpose()?;
    let figures = stats::compute(
        &col,
        today,
        Options {
            deck,
            days: args.days,
        },
    )?;
    let text = if args.json {
        render::json(&figures)? + "\n"
    } else if figures.reviews == 0 {
        crate::table::wrap(&render::empty(&figures))
    } else {
        render::text(&figures)
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
