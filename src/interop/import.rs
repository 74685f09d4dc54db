//! An import as the collection sees it: every file is opened and recognised
//! before anything is written, so one that cannot be read, or a backup
//! mixed with decks, stops the import with the collection untouched. Then
//! either a JSON backup replaces the collection, or the decks are written
//! in one transaction as they are read.

use super::{Opened, Source, open, read_in_background};
use crate::clock::Day;
use crate::collection::sync::progress::ProgressReport;
use crate::collection::{Collection, sync::SyncReport};
use crate::error::{Error, Problems, Result};
use std::path::{Path, PathBuf};

/// The files of one import, recognised.
#[derive(Debug)]
pub enum Files {
    /// Deck, CSV and TSV files, not yet read into decks.
    Decks(Vec<Source>),
    /// One JSON backup, alone: it replaces the whole collection.
    Backup {
        path: PathBuf,
        backup: super::backup::Checked,
    },
}

/// Opens every file of an import, listing the problems of all of them
/// rather than stopping at the first.
pub fn open_all(paths: &[PathBuf]) -> Result<Files> {
    let mut sources = Vec::new();
    let mut backups = Vec::new();
    let mut problems = Problems::default();
    for path in paths {
        match open(path) {
            Ok(Opened::Decks(s)) => sources.push(s),
            Ok(Opened::Backup(dump)) => backups.push((path, dump)),
            Err(Error::Import(found)) => problems.extend(found),
            Err(e) => return Err(e),
        }
    }
    problems.into_result()?;
    let mut backups = backups.into_iter();
    match backups.next() {
        None => Ok(Files::Decks(sources)),
        Some(_) if backups.len() > 0 || !sources.is_empty() => Err(Error::BackupNotAlone),
        Some((path, backup)) => Ok(Files::Backup {
            path: path.clone(),
            backup,
        }),
    }
}

/// Whether the backup at `path` may replace `col`'s content: not over
/// reviews, which only `py201 restore` (or a new collection) should replace.
pub fn check_replaceable(col: &Collection, path: &Path) -> Result<()> {
    let reviews = col.revlog_count()?;
    if reviews > 0 {
        return Err(Error::BackupOverReviews {
            path: path.to_path_buf(),
            reviews,
        });
    }
    Ok(())
}

/// The scheduling and review history an import brings (from Anki
/// packages), and the day it happens on (buried cards stay buried until
/// the next).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scheduling {
    pub rollover: u8,
    pub today: Day,
}

/// Writes the decks of `sources` into `col` in one transaction as they are
/// read (a large file is never held whole as cards), then, with
/// `scheduling`, what the files know of their cards' schedules and reviews;
/// commits only if every file was good and nothing conflicts, and never in
/// a dry run. `tick(n)`: `n` more notes read.
pub fn decks(
    col: &mut Collection,
    sources: &[Source],
    rename: Option<&str>,
    dry_run: bool,
    scheduling: Option<Scheduling>,
    tick: &mut dyn FnMut(u64),
) -> Result<(SyncReport, ProgressReport)> {
    let mut progress = ProgressReport::default();
    let report = col.sync_with(false, dry_run, tick, |sync| {
        read_in_background(sources, rename, sync)?;
        // Only packages know schedules: a CSV/TSV or deck-file import
        // skips the bulk writing of answers, whose end counts its decks
        // again (6% of a 100,000-card TSV import for nothing).
        let Some(s) = scheduling.filter(|_| sources.iter().any(Source::has_progress)) else {
            return Ok(true);
        };
        let mut w = sync.progress(s.today)?;
        for source in sources {
            source.progress(s.rollover, &mut w)?;
        }
        progress = w.finish()?;
        Ok(true)
    })?;
    if !report.conflicts.is_empty() {
        return Err(Error::Conflicts(report.conflicts));
    }
    Ok((report, progress))
}
