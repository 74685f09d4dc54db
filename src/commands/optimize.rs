use super::Ctx;
use crate::cli::OptimizeArgs;
use crate::optimize::{self, MIN_REVIEWS};
use anyhow::{Result, bail};
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use std::io::IsTerminal;
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

pub fn run(ctx: &Ctx, args: OptimizeArgs) -> Result<ExitCode> {
    let mut col = ctx.open()?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let set = optimize::training_set(&col.histories(None)?);
    if set.items.len() < MIN_REVIEWS {
        bail!(
            "optimize needs at least {MIN_REVIEWS} reviews made a day or more after the card's previous answer; \
             this collection has {}, so {} more are needed",
            set.items.len(),
            MIN_REVIEWS - set.items.len()
        );
    }
    let progress = fsrs::CombinedProgressState::new_shared();
    let bar = if std::io::stderr().is_terminal() {
        let pb = indicatif::ProgressBar::new(1);
        pb.set_style(
            indicatif::ProgressStyle::with_template(
                "fitting FSRS {bar:40} {percent:>3}% {elapsed_precise}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        pb
    } else {
        indicatif::ProgressBar::hidden()
    };
    let fitted = std::thread::scope(|s| {
        let worker = s.spawn(|| optimize::fit(&set, Some(progress.clone())));
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
    let fitted = match fitted {
        Ok(Ok(p)) => p,
        Ok(Err(e)) => bail!("optimize: the FSRS optimizer failed: {e}"),
        Err(_) => bail!("optimize: the FSRS optimizer stopped unexpectedly"),
    };
    let (reviews, cards) = (set.items.len(), set.cards);
    let default = optimize::evaluate(&fsrs::DEFAULT_PARAMETERS, set.clone())
        .map_err(|e| anyhow::anyhow!("optimize: evaluating the default parameters: {e}"))?;
    let fit = optimize::evaluate(&fitted, set)
        .map_err(|e| anyhow::anyhow!("optimize: evaluating the fitted parameters: {e}"))?;
    writeln!(out, "FSRS fitted to {reviews} reviews of {cards} cards.")?;
    let mut table = Table::new();
    table
        .load_style(UTF8_FULL_CONDENSED)
        .set_header(vec!["Parameters", "Log loss", "RMSE"]);
    table.add_row(vec![
        "default".to_string(),
        format!("{:.4}", default.log_loss),
        format!("{:.4}", default.rmse),
    ]);
    table.add_row(vec![
        "fitted".to_string(),
        format!("{:.4}", fit.log_loss),
        format!("{:.4}", fit.rmse),
    ]);
    writeln!(out, "{table}")?;
    writeln!(out, "(on your own review history; lower is better)")?;
    let text: Vec<String> = fitted.iter().map(|p| format!("{p:.4}")).collect();
    writeln!(out, "Fitted parameters: {}", text.join(" "))?;
    if args.dry_run {
        writeln!(out, "Dry run: nothing stored.")?;
    } else if fit.log_loss > default.log_loss {
        writeln!(
            out,
            "Not stored: the fitted parameters predict your history worse than the defaults."
        )?;
    } else {
        col.store_fsrs_params(&fitted, ctx.clock.now().timestamp_millis())?;
        writeln!(
            out,
            "Stored: FSRS schedules with these parameters from now on."
        )?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
