use super::{Ctx, SEED_VAR};
use crate::cli::ReviewArgs;
use crate::review::{self, Options};
use anyhow::{Result, bail};
use rand::{SeedableRng, rngs::StdRng};
use std::io::{BufWriter, IsTerminal};
use std::process::ExitCode;

pub fn run(ctx: &Ctx, args: ReviewArgs) -> Result<ExitCode> {
    let mut rng = match std::env::var(SEED_VAR) {
        Ok(s) => match s.trim().parse::<u64>() {
            Ok(seed) => StdRng::seed_from_u64(seed),
            Err(_) => bail!("{SEED_VAR}={s:?} is not a whole number"),
        },
        Err(_) => rand::make_rng::<StdRng>(),
    };
    if args.limit == Some(0) {
        bail!("--limit 0 would show nothing; give a number of cards from 1 up");
    }
    let mut col = ctx.open()?;
    let deck = args.deck.as_deref().map(|d| col.deck_id(d)).transpose()?;
    let opts = Options {
        deck,
        limit: args.limit,
    };
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    // On a terminal every prompt must appear at once; in a pipe, buffering
    // is flushed at each prompt anyway.
    let _ = stdout.is_terminal();
    review::run(
        &mut col,
        &ctx.clock,
        &mut rng,
        opts,
        stdin.lock(),
        BufWriter::new(stdout.lock()),
    )?;
    Ok(ExitCode::SUCCESS)
}
