//! Whole-file backups with SQLite's online backup API: consistent even while
//! another process writes, and restorable without leaving a half-copied file.
//! A change that may not change anything (an import) is run inside
//! [`Collection::backed_up`], which keeps its backup only if it did.

use super::{Collection, dump::Dump, open};
use crate::error::{Error, Result};
use rusqlite::{Connection, MAIN_DB, OpenFlags};
use std::path::{Path, PathBuf};

/// How many automatic backups are kept.
pub const KEEP: usize = 10;

impl Collection {
    /// The folder backups go to: `backups/` beside the collection file.
    pub fn backup_dir(&self) -> PathBuf {
        backup_dir_of(self.path())
    }

    /// Copies the collection to `backups/collection-STAMP.db` and deletes all
    /// but the newest [`KEEP`] backups. `stamp` comes from the injected clock.
    pub fn backup(&self, stamp: &str) -> Result<PathBuf> {
        let path = self.backup_unpruned(stamp)?;
        self.prune_backups()?;
        Ok(path)
    }

    /// Copies the collection like [`Collection::backup`] but deletes no old
    /// backup yet: an import that turns out to change nothing removes its
    /// fresh copy again, and must not have pushed out an older good one.
    pub fn backup_unpruned(&self, stamp: &str) -> Result<PathBuf> {
        let dir = self.backup_dir();
        std::fs::create_dir_all(&dir).map_err(|e| {
            Error::BadValue(format!(
                "cannot create backup folder {}: {e}",
                dir.display()
            ))
        })?;
        let mut path = dir.join(format!("collection-{stamp}.db"));
        let mut n = 2;
        while path.exists() {
            path = dir.join(format!("collection-{stamp}-{n}.db"));
            n += 1;
        }
        self.conn
            .backup(MAIN_DB, &path, rusqlite::backup::NO_PROGRESS)?;
        // The backup is a plain single file: no WAL beside it.
        if let Ok(c) = Connection::open(&path) {
            let _ = c.execute_batch("PRAGMA journal_mode = DELETE;");
        }
        Ok(path)
    }

    /// Runs `change` after backing the collection up (no backup without a
    /// `stamp`: a dry run). The backup joins the rotation, pruning the
    /// oldest, only if `changed` says the collection did change; when
    /// `change` fails or changes nothing it is removed again, so it never
    /// pushes an older good one out. Returns the backup kept, if any.
    pub fn backed_up<T>(
        &mut self,
        stamp: Option<&str>,
        change: impl FnOnce(&mut Self) -> Result<T>,
        changed: impl FnOnce(&T) -> bool,
    ) -> Result<(T, Option<PathBuf>)> {
        let saved = stamp.map(|s| self.backup_unpruned(s)).transpose()?;
        let result = change(self);
        let kept = match (&result, saved) {
            (Ok(done), Some(saved)) if changed(done) => {
                self.prune_backups()?;
                Some(saved)
            }
            (_, saved) => {
                if let Some(s) = saved {
                    let _ = std::fs::remove_file(s);
                }
                None
            }
        };
        Ok((result?, kept))
    }

    /// Replaces the collection's content with `dump` after backing it up
    /// (into the rotation); returns the backup's path.
    pub fn replace_backed_up(&mut self, stamp: &str, dump: &Dump) -> Result<PathBuf> {
        let saved = self.backup(stamp)?;
        self.replace_with(dump)?;
        Ok(saved)
    }

    /// Deletes all but the newest [`KEEP`] backups.
    pub fn prune_backups(&self) -> Result<()> {
        let mut all = self.backups()?;
        while all.len() > KEEP {
            let old = all.remove(0);
            let _ = std::fs::remove_file(old.0);
        }
        Ok(())
    }

    /// Backups, oldest first: (path, size in bytes).
    pub fn backups(&self) -> Result<Vec<(PathBuf, u64)>> {
        backups_of(self.path())
    }

    /// Whether `from` is a py201 collection this version can restore.
    pub fn check_restorable(from: &Path) -> Result<()> {
        open::check_existing(from)?;
        let src =
            Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(|e| {
                Error::BadCollection {
                    path: from.to_path_buf(),
                    why: e.to_string(),
                }
            })?;
        if open::check_identity(&src, from)? == 0 {
            return Err(Error::BadCollection {
                path: from.to_path_buf(),
                why: "is an empty database, not a backup".into(),
            });
        }
        Ok(())
    }

    /// Replaces the collection's content with the collection file `from`,
    /// which must itself be a py201 collection this version can read.
    pub fn restore_from(&mut self, from: &Path) -> Result<()> {
        Self::check_restorable(from)?;
        self.conn
            .restore(MAIN_DB, from, rusqlite::backup::NO_PROGRESS)?;
        self.config = self.load_config()?;
        Ok(())
    }

    /// Puts the backup `from` in place of the collection at `path` that is
    /// too damaged to open ([`Error::DamagedCollection`]), without opening
    /// it: the damaged file (and its -wal/-shm, which may hold the last
    /// answers) moves to `backups/` first, named `collection-damaged-STAMP`,
    /// so nothing is lost; then a copy of `from` is written beside `path`
    /// and renamed over it. Returns where the damaged file went.
    pub fn restore_over_damaged(path: &Path, from: &Path, stamp: &str) -> Result<PathBuf> {
        Self::check_restorable(from)?;
        let dir = backup_dir_of(path);
        std::fs::create_dir_all(&dir).map_err(|e| {
            Error::BadValue(format!(
                "cannot create backup folder {}: {e}",
                dir.display()
            ))
        })?;
        let kept = dir.join(format!("collection-damaged-{stamp}.db"));
        let copy = path.with_extension("restoring");
        let _ = std::fs::remove_file(&copy);
        {
            let mut c = Connection::open(&copy)?;
            c.restore(MAIN_DB, from, rusqlite::backup::NO_PROGRESS)?;
            c.execute_batch("PRAGMA journal_mode = DELETE;")?;
        }
        let io = |what: &str, e: std::io::Error| Error::BadValue(format!("{what}: {e}"));
        for suffix in ["", "-wal", "-shm"] {
            let side = |p: &Path| PathBuf::from(format!("{}{suffix}", p.display()));
            if side(path).exists() {
                std::fs::rename(side(path), side(&kept))
                    .map_err(|e| io(&format!("moving {} aside", side(path).display()), e))?;
            }
        }
        std::fs::rename(&copy, path)
            .map_err(|e| io(&format!("putting {} in place", from.display()), e))?;
        Ok(kept)
    }
}

/// The folder backups of the collection at `collection` go to: `backups/`
/// beside it. Needs no open collection, so a damaged one's backups can
/// still be listed and restored.
pub fn backup_dir_of(collection: &Path) -> PathBuf {
    collection
        .parent()
        .unwrap_or_else(|| Path::new("."))
        .join("backups")
}

/// The backups beside the collection at `collection`, oldest first: (path,
/// size in bytes). Needs no open collection.
pub fn backups_of(collection: &Path) -> Result<Vec<(PathBuf, u64)>> {
    let dir = backup_dir_of(collection);
    let Ok(rd) = std::fs::read_dir(&dir) else {
        return Ok(vec![]);
    };
    let mut v: Vec<(PathBuf, u64)> = rd
        .filter_map(|e| e.ok())
        .filter(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n.starts_with("collection-") && n.ends_with(".db")
        })
        .map(|e| (e.path(), e.metadata().map(|m| m.len()).unwrap_or(0)))
        .collect();
    v.sort();
    Ok(v)
}
