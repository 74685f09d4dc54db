use super::Ctx;
use crate::cli::ImportArgs;
use crate::collection::sync::SyncReport;
use crate::interop::{self, Payload};
use crate::model::DeckContent;
use anyhow::{Result, bail};
use comfy_table::{Cell, CellAlignment, Table, presets::UTF8_FULL_CONDENSED};
use std::io::IsTerminal;
use std::process::ExitCode;

/// Imports at least this many cards get a progress indicator on a terminal.
const PROGRESS_FROM: usize = 5_000;

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
    let plan = col.sync_decks_with(&decks, false, true)?;
    if !plan.conflicts.is_empty() {
        return fail(&plan.conflicts);
    }
    if args.dry_run || !plan.changed() {
        println!("{}", report_table(&plan));
        println!(
            "{}",
            if args.dry_run {
                "Dry run: nothing was changed."
            } else {
                "Nothing to change."
            }
        );
        return Ok(ExitCode::SUCCESS);
    }
    let cards: usize = decks.iter().map(|d| d.cards.len()).sum();
    let spinner = (cards >= PROGRESS_FROM && std::io::stderr().is_terminal()).then(|| {
        let pb = indicatif::ProgressBar::new_spinner();
        pb.set_message(format!("importing {cards} cards"));
        pb.enable_steady_tick(std::time::Duration::from_millis(100));
        pb
    });
    let saved = col.backup(&ctx.stamp())?;
    let done = col.sync_decks(&decks, false)?;
    if let Some(pb) = spinner {
        pb.finish_and_clear();
    }
    if !ctx.quiet {
        println!("{}", report_table(&done));
        println!("Backup of the previous state: {}", saved.display());
    }
    Ok(ExitCode::SUCCESS)
}
