//! `py201 import`: opens every file, imports them (interop::import, with a
//! backup kept only when something changed) and reports what changed or
//! every problem found.

use crate::commands::{counted, outln};
mod render;

use super::{Ctx, progress};
use crate::cli::ImportArgs;
use crate::collection::sync::progress::ProgressReport;
use crate::collection::{Collection, sync::SyncReport};
use crate::error::Result;
use crate::interop::{Source, backup::Checked, import, import::Files};
use render::{list_problems, report_table};
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

pub fn run(ctx: &Ctx, args: ImportArgs) -> anyhow::Result<ExitCode> {
    let mut col = ctx.open()?;
    let done = match import::open_all(&args.paths) {
        Ok(Files::Backup { path, backup }) => restore(ctx, &mut col, &path, &backup, args.dry_run),
        Ok(Files::Decks(sources)) => decks(ctx, &mut col, &sources, &args),
        Err(e) => Err(e),
    };
    if let Err(e) = done {
        // A failed import into a new --db leaves no new collection behind.
        col.discard_if_new();
        return Err(list_problems(e).into());
    }
    if let Some(to) = args.scheduler.as_deref().filter(|_| !args.dry_run) {
        let mut probe = *col.config();
        probe.set("scheduler", to)?;
        super::config::switch_scheduler(ctx, &mut col, probe.scheduler)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Restores a checked backup: the counts its first pass found, then (not
/// in a dry run) its rows read again into one transaction.
fn restore(ctx: &Ctx, col: &mut Collection, path: &Path, b: &Checked, dry: bool) -> Result<()> {
    import::check_replaceable(col, path)?;
    let (p, n) = (path.display(), b.counts);
    outln!(
        "{p}: {}, {}, {}",
        counted(n.decks, "deck"),
        counted(n.cards, "card"),
        counted(n.reviews, "review")
    )?;
    if dry {
        outln!("Dry run: nothing was changed.")?;
        return Ok(());
    }
    let saved = col.replace_backed_up(&ctx.stamp(), |row| b.read_each(row))?;
    outln!(
        "Restored. The previous collection was backed up to {}",
        saved.display()
    )?;
    Ok(())
}

fn decks(ctx: &Ctx, col: &mut Collection, sources: &[Source], args: &ImportArgs) -> Result<()> {
    // The bar counts notes (rows, deck-file entries), the cards as the user
    // wrote them; a cloze note becomes several cards.
    let (rename, dry) = (args.deck.as_deref(), args.dry_run);
    // Counting them reads each CSV/TSV file once more: not when no bar is
    // drawn (progress::bar draws none then either).
    let notes: usize = match ctx.quiet || dry || !std::io::stderr().is_terminal() {
        true => 0,
        false => sources.iter().map(Source::notes).sum(),
    };
    let pb = progress::bar(notes as u64, "importing", ctx.quiet || dry);
    let stamp = (!dry).then(|| ctx.stamp());
    let mut tick = |n| pb.inc(n);
    let scheduling = (!args.no_scheduling).then(|| import::Scheduling {
        rollover: col.config().day_starts_at,
        today: ctx.clock.today(col.config().day_starts_at),
    });
    let import =
        |col: &mut Collection| import::decks(col, sources, rename, dry, scheduling, &mut tick);
    let changed =
        |(r, p): &(SyncReport, ProgressReport)| r.changed() || p.reviews + p.scheduled > 0;
    let done = col.backed_up(stamp.as_deref(), import, changed);
    pb.finish_and_clear();
    let ((report, progress), saved) = done?;
    if dry || !ctx.quiet {
        outln!("{}", report_table(&report))?;
        if progress.reviews + progress.scheduled > 0 {
            outln!(
                "Progress: {} added to the review log, {} given their imported schedule.",
                counted(progress.reviews as usize, "review"),
                counted(progress.scheduled as usize, "card")
            )?;
        }
        for note in sources.iter().filter_map(Source::note) {
            outln!("{}", crate::table::wrap(&note))?;
        }
    }
    match saved {
        _ if dry => outln!("Dry run: nothing was changed.")?,
        _ if ctx.quiet => {}
        Some(s) => outln!("Backup of the previous state: {}", s.display())?,
        None => outln!("Nothing to change.")?,
    }
    Ok(())
}
