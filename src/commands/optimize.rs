use super::{Ctx, progress};
use crate::cli::OptimizeArgs;
use crate::optimize::render::{self, Verdict};
use crate::optimize::{self, MIN_REVIEWS, TrainingSet};
use anyhow::{Result, bail};
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

pub fn run(ctx: &Ctx, args: OptimizeArgs) -> Result<ExitCode> {
    let mut col = ctx.open()?;
    let mut out = std::io::stdout().lock();
    let set = optimize::training_set(&col.histories(None)?);
    if set.items.len() < MIN_REVIEWS {
        bail!(
            "optimize needs at least {MIN_REVIEWS} reviews made a day or more after the card's previous answer; \
             this collection has {}, so {} more are needed",
            set.items.len(),
            MIN_REVIEWS - set.items.len()
        );
    }
    let fitted = fit_with_bar(&set)?;
    let (reviews, cards) = (set.items.len(), set.cards);
    let default = optimize::evaluate(&fsrs::DEFAULT_PARAMETERS, set.clone())
        .map_err(|e| anyhow::anyhow!("optimize: evaluating the default parameters: {e}"))?;
    let fit = optimize::evaluate(&fitted, set)
        .map_err(|e| anyhow::anyhow!("optimize: evaluating the fitted parameters: {e}"))?;
    out.write_all(render::report(reviews, cards, &default, &fit, &fitted).as_bytes())?;
    let verdict = if args.dry_run {
        Verdict::DryRun
    } else if fit.worse_than(&default) {
        Verdict::Worse
    } else {
        col.store_fsrs_params(&fitted, ctx.clock.now().timestamp_millis())?;
        Verdict::Stored
    };
    out.write_all(render::verdict(verdict).as_bytes())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Fits on a worker thread while this one draws the optimizer's progress.
fn fit_with_bar(set: &TrainingSet) -> Result<Vec<f32>> {
    let progress = fsrs::CombinedProgressState::new_shared();
    let bar = progress::fitting();
    let fitted = std::thread::scope(|s| {
        let worker = s.spawn(|| optimize::fit(set, Some(progress.clone())));
        while !worker.is_finished() {
            if let Ok(p) = progress.lock() {
                bar.set_length(p.total().max(1) as u64);
                bar.set_position(p.current() as u64);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        worker.join()
    });
    bar.finish_and_clear();
    match fitted {
        Ok(Ok(p)) => Ok(p),
        Ok(Err(e)) => bail!("optimize: the FSRS optimizer failed: {e}"),
        Err(_) => bail!("optimize: the FSRS optimizer stopped unexpectedly"),
    }
}
