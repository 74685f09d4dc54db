use super::{Ctx, progress};
use crate::cli::ImportArgs;
use crate::collection::sync::SyncReport;
use crate::interop::{self, Payload};
use crate::model::DeckContent;
use anyhow::{Result, bail};
use comfy_table::{Cell, CellAlignment, Table, presets::UTF8_FULL_CONDENSED};
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

/// Merges decks of the same name from several files into one.
fn merge(decks: Vec<DeckContent>) -> Vec<DeckContent> {
    let mut out: Vec<DeckContent> = Vec::new();
    for d in decks {
        match out.iter_mut().find(|o| o.name == d.name) {
            Some(o) => {
                o.cards.extend(d.cards);
                o.notes.extend(d.notes);
            }
            None => out.push(d),
        }
    }
    out
}

fn fail(problems: &[String]) -> Result<ExitCode> {
    for p in problems {
        eprintln!("py201: {p}");
    }
    bail!(
        "import failed: {} problem{}; nothing was changed",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" }
    )
}

pub fn run(ctx: &Ctx, args: ImportArgs) -> Result<ExitCode> {
    let mut col = ctx.open()?;
    let mut decks = Vec::new();
    let mut backups = Vec::new();
    let mut problems = Vec::new();
    for p in &args.paths {
        match interop::read(p, args.deck.as_deref()) {
            Ok(Payload::Decks(d)) => decks.extend(d),
            Ok(Payload::Backup(b)) => backups.push((p, b)),
            Err(e) => problems.extend(e.iter().map(ToString::to_string)),
        }
    }
    let decks = merge(decks);
    let mut seen = std::collections::HashMap::new();
    for d in &decks {
        for n in &d.notes {
            if let Some(other) = seen.insert(n.id.clone(), d.name.clone()) {
                problems.push(format!(
                    "card id {:?} is in two imported decks ({other:?} and {:?})",
                    n.id, d.name
                ));
            }
        }
    }
    if !problems.is_empty() {
        return fail(&problems);
    }
    if let Some((path, dump)) = backups.first() {
        if backups.len() > 1 || !decks.is_empty() {
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
    let nothing_to_change = |report: &SyncReport| {
        if !ctx.quiet {
            println!("{}", report_table(report));
            println!("Nothing to change.");
        }
        Ok(ExitCode::SUCCESS)
    };
    if args.dry_run {
        let plan = col.sync_decks_with(&decks, false, true)?;
        if !plan.conflicts.is_empty() {
            return fail(&plan.conflicts);
        }
        println!("{}", report_table(&plan));
        println!("Dry run: nothing was changed.");
        return Ok(ExitCode::SUCCESS);
    }
    // One pass: the backup first, then the sync, which commits only when it
    // finds no conflict. The backup is pruned into the rotation only once
    // the import has really changed something; otherwise it is removed.
    let saved = col.backup_unpruned(&ctx.stamp())?;
    let cards: usize = decks.iter().map(|d| d.cards.len()).sum();
    let pb = progress::bar(cards as u64, "importing", ctx.quiet);
    let done = col.sync_decks_progress(&decks, false, false, &mut |n| pb.inc(n));
    pb.finish_and_clear();
    let done = match done {
        Ok(d) if d.conflicts.is_empty() && d.changed() => d,
        other => {
            let _ = std::fs::remove_file(&saved);
            let d = other?;
            if !d.conflicts.is_empty() {
                return fail(&d.conflicts);
            }
            return nothing_to_change(&d);
        }
    };
    col.prune_backups()?;
    if !ctx.quiet {
        println!("{}", report_table(&done));
        println!("Backup of the previous state: {}", saved.display());
    }
    Ok(ExitCode::SUCCESS)
}
