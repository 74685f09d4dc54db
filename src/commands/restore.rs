//! `py201 restore`: puts a backup in place of the collection, backing the
//! current state up first, or moving a collection too damaged to open
//! aside whole.

use super::Ctx;
use crate::cli::RestoreArgs;
use crate::collection::Collection;
use crate::commands::outln;
use crate::error::Error;
use anyhow::{Context, Result};
use std::path::Path;
use std::process::ExitCode;

pub fn run(ctx: &Ctx, args: RestoreArgs) -> Result<ExitCode> {
    // A bare name, as `py201 backups` lists it, is looked for in the
    // collection's backup folder when there is no such file here.
    let given = if args.file.exists() || args.file.components().count() > 1 {
        args.file.clone()
    } else {
        crate::collection::backup::backup_dir_of(&ctx.db_path()?).join(&args.file)
    };
    let from = given.canonicalize().unwrap_or(given);
    Collection::check_restorable(&from)?;
    let mut col = match ctx.open() {
        Ok(col) => col,
        Err(e) if damaged(&e) => return restore_over_damaged(ctx, &args, &from),
        Err(e) => return Err(e),
    };
    col.check_same_collection(&from, args.force)?;
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
