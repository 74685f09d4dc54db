use super::Ctx;
use crate::cli::RestoreArgs;
use crate::collection::{Collection, backup};
use crate::commands::outln;
use crate::error::Error;
use anyhow::{Context, Result};
use comfy_table::{Cell, CellAlignment, Table, presets::UTF8_FULL_CONDENSED};
use std::path::Path;
use std::process::ExitCode;

/// Lists the backups beside the collection without opening it, so a
/// collection too damaged to open still shows what can restore it.
pub fn list(ctx: &Ctx) -> Result<ExitCode> {
    let path = ctx.db_path()?;
    let backups = backup::backups_of(&path)?;
    if backups.is_empty() {
        outln!(
            "No backups yet: one is made in {} before each import or restore.",
            backup::backup_dir_of(&path).display()
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED)
        .set_header(vec!["Backup", "Size"]);
    for (path, size) in backups.iter().rev() {
        t.add_row(vec![
            Cell::new(path.display()),
            Cell::new(format!("{:.1} MB", *size as f64 / 1e6)).set_alignment(CellAlignment::Right),
        ]);
    }
    outln!("{t}")?;
    Ok(ExitCode::SUCCESS)
}

pub fn restore(ctx: &Ctx, args: RestoreArgs) -> Result<ExitCode> {
    let from = args.file.canonicalize().unwrap_or(args.file.clone());
    Collection::check_restorable(&from)?;
    let mut col = match ctx.open() {
        Ok(col) => col,
        Err(e) if damaged(&e) => return restore_over_damaged(ctx, &args, &from),
        Err(e) => return Err(e),
    };
    let saved = col.backup(&ctx.stamp())?;
    if let Err(e) = col.restore_from(&from) {
        // Nothing was changed; the fresh backup is harmless but say where it is.
        return Err(anyhow::Error::new(e).context(format!("restoring {}", args.file.display())));
    }
    outln!(
        "Restored {}. The state before was backed up to {}",
        args.file.display(),
        saved.display()
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Whether opening failed because the collection file is damaged.
pub(super) fn damaged(e: &anyhow::Error) -> bool {
    e.chain()
        .any(|c| matches!(c.downcast_ref(), Some(Error::DamagedCollection { .. })))
}

/// A collection too damaged to open can't back itself up through SQLite:
/// the damaged file is moved aside, whole, and the backup put in its place.
fn restore_over_damaged(ctx: &Ctx, args: &RestoreArgs, from: &Path) -> Result<ExitCode> {
    let path = ctx.db_path()?;
    let kept = Collection::restore_over_damaged(&path, from, &ctx.stamp())
        .with_context(|| format!("restoring {}", args.file.display()))?;
    // Opening checks the restored file as any start-up would.
    ctx.open()?;
    outln!(
        "Restored {}. The damaged collection was moved to {}",
        args.file.display(),
        kept.display()
    )?;
    Ok(ExitCode::SUCCESS)
}
