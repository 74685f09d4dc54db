use super::{Ctx, progress};
use crate::cli::ImportArgs;
use crate::collection::sync::SyncReport;
use crate::interop::{self, Opened, Source};
use anyhow::{Result, bail};
use comfy_table::{Cell, CellAlignment, Table, presets::UTF8_FULL_CONDENSED};
use std::io::IsTerminal;
use std::process::ExitCode;

fn report_table(r: &SyncReport) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED).set_header(vec![
        "Deck",
        "Added",
        "Updated",
        "Unchanged",
        "Retired",
    ]);
    let num = |n: u32| Cell::new(n).set_alignment(CellAlignment::Right);
    for d in &r.decks {
        t.add_row(vec![
            Cell::new(crate::review::render::sanitize(&d.deck)),
            num(d.added),
            num(d.updated),
            num(d.unchanged),
            num(d.retired),
        ]);
    }
    if r.decks.len() > 1 {
        t.add_row(vec![
            Cell::new("All"),
            num(r.added),
            num(r.updated),
            num(r.unchanged),
            num(r.retired),
        ]);
    }
    t
}

/// How many problems are listed on a terminal: a file with a thousand bad
/// rows would otherwise scroll the first ones, usually the telling ones, out
/// of sight. Redirected, every one is written.
const SHOWN_ON_TERMINAL: usize = 20;

fn fail(problems: &[String]) -> Result<ExitCode> {
    let shown = if std::io::stderr().is_terminal() {
        SHOWN_ON_TERMINAL
    } else {
        usize::MAX
    };
    for p in problems.iter().take(shown) {
        eprintln!("py201: {p}");
    }
    if problems.len() > shown {
        eprintln!(
            "py201: … and {} more (to see them all, redirect the errors to a file: 2> problems.txt)",
            problems.len() - shown
        );
    }
    bail!(
        "import failed: {} problem{}; nothing was changed",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" }
    )
}

pub fn run(ctx: &Ctx, args: ImportArgs) -> Result<ExitCode> {
    let mut col = ctx.open()?;
    // Every file is read and recognised before anything is written: one
    // that cannot be read, or a backup mixed with decks, stops the import
    // with the collection untouched.
    let mut sources = Vec::new();
    let mut backups = Vec::new();
    let mut problems = Vec::new();
    for p in &args.paths {
        match interop::open(p) {
            Ok(Opened::Decks(s)) => sources.push(s),
            Ok(Opened::Backup(b)) => backups.push((p, b)),
            Err(crate::error::Error::Import(found)) => {
                problems.extend(found.iter().map(ToString::to_string));
            }
            Err(e) => return Err(e.into()),
        }
    }
    if !problems.is_empty() {
        return fail(&problems);
    }
    if let Some((path, dump)) = backups.first() {
        if backups.len() > 1 || !sources.is_empty() {
            bail!("a JSON backup replaces the whole collection: import it on its own");
        }
        let reviews = col.revlog_count()?;
        if reviews > 0 {
            bail!(
                "{}: a backup replaces the whole collection, which already holds {reviews} reviews; import it into a new collection (--db NEW.db), or use `py201 restore`",
                path.display()
            );
        }
        println!(
            "{}: {} decks, {} cards, {} reviews",
            path.display(),
            dump.decks.len(),
            dump.cards.len(),
            dump.revlog.len()
        );
        if args.dry_run {
            println!("Dry run: nothing was changed.");
            return Ok(ExitCode::SUCCESS);
        }
        let saved = col.backup(&ctx.stamp())?;
        col.replace_with(dump)?;
        println!(
            "Restored. The previous collection was backed up to {}",
            saved.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    // One pass: the backup first, then the files are written into one
    // transaction as they are read (a large file is never held whole as
    // cards), which commits only if every file was good and nothing
    // conflicts. The backup is pruned into the rotation only once the
    // import has really changed something; otherwise it is removed.
    let saved = if args.dry_run {
        None
    } else {
        Some(col.backup_unpruned(&ctx.stamp())?)
    };
    let discard = |saved: &Option<std::path::PathBuf>| {
        if let Some(s) = saved {
            let _ = std::fs::remove_file(s);
        }
    };
    // The bar counts notes (rows, deck-file entries), the cards as the user
    // wrote them; a cloze note becomes several cards.
    let notes: usize = sources.iter().map(Source::notes).sum();
    let pb = progress::bar(notes as u64, "importing", ctx.quiet || args.dry_run);
    let rename = args.deck.as_deref();
    let done = col.sync_with(false, args.dry_run, &mut |n| pb.inc(n), |sync| {
        match interop::read_in_background(&sources, rename, sync) {
            Err(crate::error::Error::Import(found)) => {
                problems.extend(found.iter().map(ToString::to_string));
            }
            other => other?,
        }
        Ok(problems.is_empty())
    });
    pb.finish_and_clear();
    let done = match done {
        Ok(d) if problems.is_empty() && d.conflicts.is_empty() && d.changed() && !args.dry_run => d,
        other => {
            discard(&saved);
            let d = other?;
            if !problems.is_empty() {
                return fail(&problems);
            }
            if !d.conflicts.is_empty() {
                return fail(&d.conflicts);
            }
            if args.dry_run {
                println!("{}", report_table(&d));
                println!("Dry run: nothing was changed.");
                return Ok(ExitCode::SUCCESS);
            }
            if !ctx.quiet {
                println!("{}", report_table(&d));
                println!("Nothing to change.");
            }
            return Ok(ExitCode::SUCCESS);
        }
    };
    col.prune_backups()?;
    if !ctx.quiet {
        println!("{}", report_table(&done));
        if let Some(s) = &saved {
            println!("Backup of the previous state: {}", s.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
