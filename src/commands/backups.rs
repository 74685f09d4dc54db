//! `py201 backups`: this collection's backups, newest first.

use super::Ctx;
use crate::collection::backup;
use crate::commands::outln;
use anyhow::Result;
use comfy_table::{Cell, CellAlignment, presets::UTF8_FULL_CONDENSED};
use std::process::ExitCode;

/// Lists the backups beside the collection without opening it, so a
/// collection too damaged to open still shows what can restore it.
pub fn list(ctx: &Ctx) -> Result<ExitCode> {
    let path = ctx.db_path()?;
    let backups = backup::backups_of(&path)?;
    if backups.is_empty() {
        outln!(
            "{}",
            crate::table::wrap(&format!(
                "No backups yet: one is made in {} before each import or restore.",
                backup::backup_dir_of(&path).display()
            ))
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    // Names, not paths, in the table: a path would wrap in its cell and
    // could not be copied; `restore` takes a name as it is listed here.
    outln!(
        "{}",
        crate::table::wrap(&format!(
            "Backups of {} in {}:",
            path.display(),
            backup::backup_dir_of(&path).display()
        ))
    )?;
    let mut t = crate::table::new();
    t.load_style(UTF8_FULL_CONDENSED)
        .set_header(vec!["Backup", "Made", "Size", "Cards", "Reviews"]);
    let right = |s: String| Cell::new(s).set_alignment(CellAlignment::Right);
    for (path, bytes) in backups.iter().rev() {
        let b = backup::describe(path, *bytes);
        let (cards, reviews) = b.counts.map_or(("?".into(), "?".into()), |(c, r)| {
            (c.to_string(), r.to_string())
        });
        t.add_row(vec![
            Cell::new(
                b.path
                    .file_name()
                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
            ),
            Cell::new(b.made.as_deref().unwrap_or("before an upgrade")),
            right(format!("{:.1} MB", b.bytes as f64 / 1e6)),
            right(cards),
            right(reviews),
        ]);
    }
    outln!("{t}")?;
    Ok(ExitCode::SUCCESS)
}
