use super::Ctx;
use crate::cli::ConfigArgs;
use crate::collection::config::{KEYS, SchedulerKind};
use crate::commands::outln;
use anyhow::{Result, bail};
use comfy_table::presets::UTF8_FULL_CONDENSED;
use std::process::ExitCode;

/// Switches the collection's scheduler (as `config scheduler` and
/// `import --scheduler` do), saying what the switch did to the cards.
pub fn switch_scheduler(
    ctx: &Ctx,
    col: &mut crate::collection::Collection,
    to: SchedulerKind,
) -> Result<()> {
    let today = ctx.clock.today(col.config().day_starts_at);
    let now_ms = ctx.clock.now().timestamp_millis();
    let was = col.config().scheduler;
    let done = col.switch_scheduler(to, today, now_ms)?;
    if was != to && !ctx.quiet {
        match to {
            SchedulerKind::Fsrs => eprintln!(
                "py201: FSRS memory states set for {} cards from their review log and {} from their SM-2 ease and interval; due dates kept",
                done.from_log, done.from_sm2
            ),
            SchedulerKind::Sm2 => eprintln!(
                "py201: SM-2 takes over with every card's due date, interval and EF; {} cards left their FSRS learning steps",
                done.steps_ended
            ),
        }
    }
    Ok(())
}

pub fn run(ctx: &Ctx, args: ConfigArgs) -> Result<ExitCode> {
    let mut col = ctx.open()?;
    match (args.key, args.value) {
        (None, _) => {
            let mut table = crate::table::new();
            table
                .load_style(UTF8_FULL_CONDENSED)
                .set_header(vec!["Key", "Value", "Allowed", "Meaning"]);
            for (k, allowed, meaning) in KEYS {
                table.add_row(vec![
                    k.to_string(),
                    col.config().get(k).unwrap_or_default(),
                    allowed.to_string(),
                    meaning.to_string(),
                ]);
            }
            for (k, allowed, meaning) in super::sync::KEYS {
                table.add_row(vec![
                    k.to_string(),
                    super::sync::get(&col, k)?,
                    allowed.to_string(),
                    meaning.to_string(),
                ]);
            }
            outln!("{table}")?;
        }
        (Some(k), None) if super::sync::is_key(&k) => outln!("{}", super::sync::get(&col, &k)?)?,
        (Some(k), Some(v)) if super::sync::is_key(&k) => {
            super::sync::set(&col, &k, &v)?;
            outln!("{k} = {}", super::sync::get(&col, &k)?)?;
        }
        (Some(k), None) => match col.config().get(&k) {
            Some(v) => outln!("{v}")?,
            None => {
                // Reuse the setter's message, which lists the keys.
                let mut probe = *col.config();
                if let Err(e) = probe.set(&k, "") {
                    bail!(e);
                }
            }
        },
        (Some(k), Some(v)) if k == "scheduler" => {
            let mut probe = *col.config();
            probe.set(&k, &v)?;
            switch_scheduler(ctx, &mut col, probe.scheduler)?;
            outln!("{k} = {}", probe.scheduler.as_str())?;
        }
        (Some(k), Some(v)) => {
            col.set_config(&k, &v, ctx.clock.now().timestamp_millis())?;
            outln!("{k} = {}", col.config().get(&k).unwrap_or_default())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
