use super::Ctx;
use crate::cli::RestoreArgs;
use crate::commands::outln;
use anyhow::Result;
use comfy_table::{Cell, CellAlignment, Table, presets::UTF8_FULL_CONDENSED};
use std::process::ExitCode;

pub fn list(ctx: &Ctx) -> Result<ExitCode> {
    let col = ctx.open()?;
    let backups = col.backups()?;
    if backups.is_empty() {
        outln!(
            "No backups yet: one is made in {} before each import or restore.",
            col.backup_dir().display()
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
    let mut col = ctx.open()?;
    let from = args.file.canonicalize().unwrap_or(args.file.clone());
    crate::collection::Collection::check_restorable(&from)?;
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
