use super::Ctx;
use crate::cli::SimulateArgs;
use crate::simulate::{self, Input, Options, render};
use anyhow::Result;
use std::io::Write;
use std::process::ExitCode;

pub fn run(ctx: &Ctx, args: SimulateArgs) -> Result<ExitCode> {
    let col = ctx.open()?;
    let cfg = *col.config();
    let today = ctx.clock.today(cfg.day_starts_at);
    let deck = args.deck.as_deref().map(|d| col.deck_id(d)).transpose()?;
    let params = col.fsrs_params()?;
    let fitted = col.fsrs_params_fitted()?;
    let model = fsrs::FSRS::new(&params)?;
    let histories = col.histories(deck)?;
    let cards = simulate::learner_cards(&model, col.cards(deck)?, &histories, today);
    let options = Options {
        days: args.days,
        new_per_day: args.new_per_day,
        seed: args.seed,
    };
    let input = Input::new(cards, params, &cfg, today, options);
    let outcomes = simulate::run(&input)?;
    let mut out = std::io::stdout().lock();
    out.write_all(render::text(&input, &outcomes, fitted).as_bytes())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
