//! Whole-file backups with SQLite's online backup API: consistent even while
//! another process writes, and restorable without leaving a half-copied file.
//! A change that may not change anything (an import) is run inside
//! [`Collection::backed_up`], which keeps its backup only if it did.

use super::{Collection, dump::DumpRow, open};
use crate::error::{Error, Result};
use rusqlite::{Connection, MAIN_DB, OpenFlags};
use std::path::{Path, PathBuf};

/// How many automatic backups are kept.
pub const KEEP: usize = 10;

/// The `meta` key of a collection's identity ([`Collection::identity`]).
const ID_KEY: &str = "collection_id";

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
        // Made before the copy, so the backup carries it.
        self.identity();
        let dir = self.backup_dir();
        std::fs::create_dir_all(&dir).map_err(|e| {
            Error::BadValue(format!(
                "cannot create backup folder {}: {e}",
                dir.display()
            ))
        })?;
        let stem = stem_of(self.path());
        let mut path = dir.join(format!("{stem}-{stamp}.db"));
        let mut n = 2;
        while path.exists() {
            path = dir.join(format!("{stem}-{stamp}-{n}.db"));
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

    /// Replaces the collection's content with the rows `fill` gives
    /// ([`Collection::replace_each`]) after backing it up (into the
    /// rotation); returns the backup's path.
    pub fn replace_backed_up(
        &mut self,
        stamp: &str,
        fill: impl FnOnce(&mut dyn FnMut(DumpRow) -> Result<()>) -> Result<()>,
    ) -> Result<PathBuf> {
        let saved = self.backup(stamp)?;
        self.replace_each(fill)?;
        Ok(saved)
    }

    /// Deletes all but the newest [`KEEP`] of this collection's rotating
    /// backups (those of upgrades and of a damaged file are kept).
    pub fn prune_backups(&self) -> Result<()> {
        let stem = stem_of(self.path());
        let mut all: Vec<_> = self
            .backups()?
            .into_iter()
            .filter(|(p, _)| is_rotating(&file_name(p), &stem))
            .collect();
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

    /// This collection's identity, made once (at its first open by a py201
    /// that knows it) and carried into every backup, so a backup of
    /// another collection can be told apart. Best effort: a collection that
    /// cannot be written to just has none yet.
    pub fn identity(&self) -> Option<String> {
        if let Ok(Some(id)) = self.meta(ID_KEY) {
            return Some(id);
        }
        let id = format!("{:032x}", rand::random::<u128>());
        self.set_meta(ID_KEY, &id).ok().map(|()| id)
    }

    /// Refuses to restore `from` over this collection when it is a backup
    /// of another one (both carry an identity and they differ), unless
    /// `force`: the backups of several collections may share a folder, and
    /// restoring the wrong one would replace this collection's history.
    pub fn check_same_collection(&self, from: &Path, force: bool) -> Result<()> {
        let theirs = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .and_then(|c| {
                c.query_row("SELECT value FROM meta WHERE key = ?1", [ID_KEY], |r| {
                    r.get::<_, String>("value")
                })
            })
            .ok();
        match (self.identity(), theirs) {
            (Some(ours), Some(theirs)) if ours != theirs && !force => {
                Err(Error::BadValue(format!(
                    "{}: a backup of another collection, not of {}; add --force to restore it over this one anyway",
                    from.display(),
                    self.path().display()
                )))
            }
            _ => Ok(()),
        }
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
        let kept = dir.join(format!("{}-damaged-{stamp}.db", stem_of(path)));
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
    let stem = stem_of(collection);
    let Ok(rd) = std::fs::read_dir(&dir) else {
        return Ok(vec![]);
    };
    let mut v: Vec<(PathBuf, u64)> = rd
        .filter_map(|e| e.ok())
        .filter(|e| is_backup_of(&e.file_name().to_string_lossy(), &stem))
        .map(|e| (e.path(), e.metadata().map(|m| m.len()).unwrap_or(0)))
        .collect();
    v.sort();
    Ok(v)
}

/// A backup as `py201 backups` lists it.
pub struct BackupInfo {
    pub path: PathBuf,
    pub bytes: u64,
    /// When it was made, from its name (`YYYY-MM-DD HH:MM:SS`); `None` for
    /// the copy kept before a schema upgrade, named after the version.
    pub made: Option<String>,
    /// Its cards and review-log rows; `None` when it cannot be read.
    pub counts: Option<(i64, i64)>,
}

/// Describes the backup at `path` (of `bytes` bytes): its time from its
/// name, its counts read from it, read-only.
pub fn describe(path: &Path, bytes: u64) -> BackupInfo {
    let name = file_name(path);
    let made = name.strip_suffix(".db").and_then(stamp_in).map(|(d, t)| {
        format!(
            "{}-{}-{} {}:{}:{}",
            &d[..4],
            &d[4..6],
            &d[6..],
            &t[..2],
            &t[2..4],
            &t[4..]
        )
    });
    let counts = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .and_then(|c| {
            c.query_row(
                "SELECT (SELECT count(*) FROM cards) AS cards, (SELECT count(*) FROM revlog) AS reviews",
                [],
                |r| Ok((r.get("cards")?, r.get("reviews")?)),
            )
        })
        .ok();
    BackupInfo {
        path: path.to_path_buf(),
        bytes,
        made,
        counts,
    }
}

/// The `YYYYMMDD` and `HHMMSS` in a backup's name, if it has them.
fn stamp_in(name: &str) -> Option<(&str, &str)> {
    let digits = |p: &&str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = name.split('-').collect();
    parts
        .windows(2)
        .find(|w| digits(&w[0], 8) && digits(&w[1], 6))
        .map(|w| (w[0], w[1]))
}

/// What this collection's backups are named after: its file's stem
/// (`collection` for collection.db), so the backups of collections that
/// share a folder stay apart.
pub fn stem_of(collection: &Path) -> String {
    collection
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "collection".into())
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Whether `name` is a backup of the collection whose stem is `stem`: a
/// rotating one, or one kept before an upgrade (`STEM-schema-N.db`) or of a
/// damaged file (`STEM-damaged-STAMP.db`). The rest after `STEM-` must
/// have that shape, so collection `a`'s listing never takes `a-b`'s.
pub fn is_backup_of(name: &str, stem: &str) -> bool {
    let Some(rest) = strip(name, stem) else {
        return false;
    };
    if let Some(v) = rest.strip_prefix("schema-") {
        return v
            .split('-')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    }
    is_stamp(rest.strip_prefix("damaged-").unwrap_or(rest))
}

/// Whether `name` is one of the backups made before each change, which
/// [`Collection::prune_backups`] keeps [`KEEP`] of.
fn is_rotating(name: &str, stem: &str) -> bool {
    strip(name, stem).is_some_and(is_stamp)
}

/// `name` without `STEM-` and `.db`.
fn strip<'a>(name: &'a str, stem: &str) -> Option<&'a str> {
    name.strip_prefix(stem)?
        .strip_prefix('-')?
        .strip_suffix(".db")
}

/// `YYYYMMDD-HHMMSS`, with `-N` when two backups fell in one second.
fn is_stamp(s: &str) -> bool {
    let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    let mut parts = s.split('-');
    let (Some(day), Some(time)) = (parts.next(), parts.next()) else {
        return false;
    };
    let n = parts.next();
    digits(day, 8)
        && digits(time, 6)
        && n.is_none_or(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        && parts.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backups_are_told_apart_by_their_collection() {
        for name in [
            "collection-20260105-090000.db",
            "collection-20260105-090000-2.db",
            "collection-schema-7.db",
            "collection-schema-7-2.db",
            "collection-damaged-20260105-090000.db",
        ] {
            assert!(is_backup_of(name, "collection"), "{name}");
        }
        for name in [
            "a-b-20260105-090000.db",
            "collection-20260105-090000.db",
            "a-2026010-090000.db",
            "a-20260105-090000-.db",
            "a-20260105-090000.db-wal",
            "a-schema-.db",
        ] {
            assert!(!is_backup_of(name, "a"), "{name}");
        }
        assert!(is_backup_of("a-20260105-090000.db", "a"));
        assert!(is_rotating("a-20260105-090000-3.db", "a"));
        assert!(!is_rotating("a-damaged-20260105-090000.db", "a"));
        assert!(!is_rotating("a-schema-7.db", "a"));
    }
}
