//! What every command shares: the collection's path, the injected clock and
//! the global flags, and opening the collection.

use crate::clock::Clock;
use crate::collection::Collection;
use crate::decks::builtin;
use anyhow::{Context, Result};
use std::path::PathBuf;

pub struct Ctx {
    db: Option<PathBuf>,
    pub clock: Clock,
    /// `--color`: auto, always or never.
    pub color: String,
    /// `--quiet`: no informational notes.
    pub quiet: bool,
}

impl Ctx {
    pub fn new(db: Option<PathBuf>, clock: Clock, color: String, quiet: bool) -> Self {
        Ctx {
            db,
            clock,
            color,
            quiet,
        }
    }

    /// A file-name-safe time stamp from the injected clock, for backups.
    pub fn stamp(&self) -> String {
        self.clock.now().format("%Y%m%d-%H%M%S").to_string()
    }

    /// The collection file: `--db` (or `PY201_DB`), else the platform data
    /// directory's, whose folder is made on first use. A folder the user
    /// named must exist: a typo in it should not grow a new tree of folders
    /// with an empty collection at its end.
    pub fn db_path(&self) -> Result<PathBuf> {
        if let Some(p) = &self.db {
            if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
                if !dir.is_dir() {
                    anyhow::bail!(
                        "{}: folder {} does not exist (create it first, or choose another --db)",
                        p.display(),
                        dir.display()
                    );
                }
            }
            return Ok(p.clone());
        }
        let dirs = directories::ProjectDirs::from("", "", "py201").context(
            "cannot find a data directory for the collection (no home directory?); pass --db PATH",
        )?;
        Ok(dirs.data_dir().join("collection.db"))
    }

    /// Opens the collection (creating it on first use) and brings its built-in
    /// decks up to date, saying in one line what changed.
    pub fn open(&self) -> Result<Collection> {
        let (col, note) = self.open_noting()?;
        if let Some(note) = note {
            eprintln!("{note}");
        }
        Ok(col)
    }

    /// As [`Ctx::open`], with the line to say (a new collection, updated
    /// decks) handed back rather than printed: the full-screen review shows
    /// it on its first screen, where a line printed before would be hidden.
    pub fn open_noting(&self) -> Result<(Collection, Option<String>)> {
        let path = self.db_path()?;
        let mut col = Collection::open(&path)?;
        let created = col.created;
        let now_ms = self.clock.now().timestamp_millis();
        let note = builtin::ensure(&mut col, now_ms)?
            .filter(|_| !self.quiet)
            .and_then(|u| update_note(&u, created, &path));
        Ok((col, note))
    }
}

/// The line a start-up that created the collection or updated its
/// built-in decks says, if any.
fn update_note(u: &builtin::Update, created: bool, path: &std::path::Path) -> Option<String> {
    let r = &u.report;
    if created {
        return Some(format!(
            "py201: new collection at {} with {} Py201 cards",
            path.display(),
            r.added
        ));
    }
    if !r.changed() {
        return None;
    }
    let mut note = format!(
        "py201: built-in decks updated: {} added, {} updated, {} retired (progress kept)",
        r.added, r.updated, r.retired
    );
    if let Some(first) = u.edited_changed.first() {
        note.push_str(&format!(
            "; {} you edited changed too: your text is kept (`py201 show {first}`)",
            crate::commands::counted(u.edited_changed.len(), "card")
        ));
    }
    Some(note)
}
