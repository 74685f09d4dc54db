use super::{Ctx, outln};
use crate::cli::ShowArgs;
use crate::collection::config::SchedulerKind;
use crate::inspect::Report;
use anyhow::{Result, bail};
use std::process::ExitCode;

/// How many near ids an unknown one is answered with.
const CLOSEST: usize = 3;

pub fn run(ctx: &Ctx, args: ShowArgs) -> Result<ExitCode> {
    let col = ctx.open()?;
    let Some(card) = col.card_by_uid(&args.id)? else {
        let near = col.closest_uids(&args.id, CLOSEST)?;
        bail!(
            "no card {:?} (closest: {}; `py201 cards QUERY` finds cards)",
            args.id,
            near.join(", ")
        );
    };
    let log = col.card_log(card.id)?;
    let edited = col.override_of(card.id)?;
    let superseded = crate::collection::device_cards::superseded(&col.conn, &card.uid)?;
    let fsrs = match col.config().scheduler {
        SchedulerKind::Fsrs => Some(col.fsrs_scheduler(ctx.clock.now().timestamp_millis())?),
        SchedulerKind::Sm2 => None,
    };
    let report = Report {
        card: &card,
        log: &log,
        today: ctx.clock.today(col.config().day_starts_at),
        fsrs: fsrs.as_ref(),
        edited: edited.as_ref(),
        superseded: &superseded,
    };
    if args.json {
        outln!("{}", report.json()?)?;
    } else {
        outln!("{}", report.text().trim_end())?;
    }
    Ok(ExitCode::SUCCESS)
}
