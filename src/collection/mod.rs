//! Storage: the one SQLite file that holds decks, cards, settings and the
//! review log. All SQL lives under this module.
//!
//! Opening never writes to a file until it is known to be a py201 collection
//! (or a new one): a wrong `--db` must leave the user's file untouched.

pub mod actions;
pub mod add;
pub mod backup;
pub mod cards;
pub mod config;
pub mod counts;
pub mod decks;
pub mod device_cards;
pub mod device_flags;
pub mod devices;
pub mod doctor;
pub mod dump;
pub mod export;
pub mod fsrs;
pub mod history;
mod inplace;
mod migrations;
mod open;
pub mod overrides;
pub mod package;
pub mod search;
pub mod stats;
pub mod sync;

use crate::error::{Error, Result};
use rusqlite::{Connection, OptionalExtension, params};
use std::path::{Path, PathBuf};

pub use config::Config;

/// `PRAGMA application_id` of a py201 collection ("P201").
pub const APPLICATION_ID: i32 = 0x5032_3031;

/// The current schema, which a new collection runs as it is. A collection
/// made by an older py201 gets there instead by the upgrades after its
/// version, in `src/collection/migrations/`.
pub const SCHEMA: &str = include_str!("../../schema.sql");

/// The schema version of `schema.sql` (`PRAGMA user_version` of a new
/// collection): that of the last migration.
pub const SCHEMA_VERSION: i64 = migrations::LATEST;

pub struct Collection {
    pub conn: Connection,
    path: PathBuf,
    pub(crate) config: Config,
    /// True when this open created the file.
    pub created: bool,
    /// The review queue is narrowed to `temp.review_scope` (`py201 review QUERY`).
    pub(crate) review_scope: bool,
    /// The due queue takes cards not due yet too, soonest first, and no new
    /// ones (`py201 review --ahead`).
    pub(crate) review_ahead: bool,
}

impl Collection {
    /// Opens (creating on first use) the collection at `path`.
    pub fn open(path: &Path) -> Result<Self> {
        let (conn, created) = open::open(path)?;
        let mut col = Collection {
            conn,
            path: path.to_path_buf(),
            config: Config::default(),
            created,
            review_scope: false,
            review_ahead: false,
        };
        col.config = col.load_config()?;
        Ok(col)
    }

    /// An in-memory collection, for tests and benchmarks.
    pub fn in_memory() -> Result<Self> {
        let conn = Connection::open_in_memory()?;
        open::create_schema(&conn)?;
        Ok(Collection {
            conn,
            path: PathBuf::from(":memory:"),
            config: Config::default(),
            created: true,
            review_scope: false,
            review_ahead: false,
        })
    }

    /// Runs `write`, which adds many rows in one transaction (an import),
    /// with SQLite's rollback journal instead of WAL when no other
    /// connection has the collection open, then returns to WAL.
    ///
    /// In WAL mode every page of a large import is written twice, to the
    /// log at commit and into the file at the checkpoint that follows; with
    /// the rollback journal, pages added at the end of the file need no
    /// journal and are written once (SQLite's own advice: WAL "does not work
    /// well for very large transactions"). A 100,000-card import spends
    /// 90 ms on the commit and checkpoint in WAL mode, 25 ms here. The
    /// commit is as durable (`synchronous = FULL` while it runs), a process
    /// killed mid-way leaves a hot journal the next open rolls back, and a
    /// `py201` started meanwhile waits like for any other writer (see
    /// [`open::set_journal_mode`]). If another connection is open, the
    /// switch is refused at once and `write` runs in WAL mode as usual.
    pub(crate) fn bulk<T>(&mut self, write: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        // Leaving WAL mode needs every other connection closed; SQLite would
        // wait the whole busy timeout for them, so this asks only once.
        self.conn.busy_timeout(std::time::Duration::ZERO)?;
        let mode = open::try_journal_mode(&self.conn, "delete");
        self.conn.busy_timeout(open::BUSY_TIMEOUT)?;
        let rollback = matches!(mode.as_deref(), Ok("delete"));
        if rollback {
            self.conn.execute_batch("PRAGMA synchronous = FULL")?;
        }
        let result = write(self);
        if rollback {
            // The write has committed or rolled back either way; if going
            // back fails (another process kept a read lock for seconds), the
            // next open of the collection sets WAL again.
            let _ = open::set_journal_mode(&self.conn, "wal")
                .and_then(|_| self.conn.execute_batch("PRAGMA synchronous = NORMAL"));
        }
        result
    }

    /// Closes the collection and, if this run created it, deletes its file
    /// (and -wal/-shm): a command that failed leaves no new, empty
    /// collection behind. One that existed before is only closed. A file
    /// that cannot be deleted stays, a valid empty collection.
    pub fn discard_if_new(self) {
        let (created, path) = (self.created, self.path.clone());
        drop(self);
        if created {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub(crate) fn load_config(&self) -> Result<Config> {
        load_config(&self.conn)
    }

    /// Validates and stores one setting, set at `now_ms` (of two devices'
    /// values of a shared setting, sync keeps the later).
    pub fn set_config(&mut self, key: &str, value: &str, now_ms: i64) -> Result<()> {
        let mut cfg = self.config;
        cfg.set(key, value)?;
        let stored = cfg.get(key).unwrap_or_default();
        store_setting(&self.conn, key, &stored, now_ms)?;
        self.config = cfg;
        Ok(())
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
            .query_row([key], |r| r.get("value"))
            .optional()?)
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }
}

/// The settings stored in `conn`.
pub(crate) fn load_config(conn: &Connection) -> Result<Config> {
    let mut cfg = Config::default();
    let mut stmt = conn.prepare_cached("SELECT key, value FROM config")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (k, v) = row?;
        // A value this version cannot read (hand-edited, or from a newer
        // py201) falls back to the default rather than blocking reviews.
        let _ = cfg.set(&k, &v);
    }
    Ok(cfg)
}

/// Stores setting `key` as `value`, set at `now_ms`.
pub(crate) fn store_setting(conn: &Connection, key: &str, value: &str, now_ms: i64) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO config (key, value, modified_ms) VALUES (?1, ?2, ?3)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, modified_ms = excluded.modified_ms",
    )?
    .execute(params![key, value, now_ms])?;
    Ok(())
}

impl From<&Collection> for PathBuf {
    fn from(c: &Collection) -> Self {
        c.path.clone()
    }
}

/// Maps "no such deck" to a message listing the decks there are.
pub(crate) fn unknown_deck(col: &Collection, name: &str) -> Error {
    let known = col.deck_names().map(|v| v.join(", ")).unwrap_or_default();
    Error::UnknownDeck {
        name: name.to_string(),
        known,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pragma(conn: &Connection, name: &str) -> String {
        conn.query_row(&format!("PRAGMA {name}"), [], |r| {
            r.get::<_, rusqlite::types::Value>(0)
        })
        .map(|v| format!("{v:?}"))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    #[test]
    fn bulk_writes_use_the_rollback_journal_only_when_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.db");
        let mut col = Collection::open(&path).unwrap();
        let wal = r#"Text("wal")"#;
        assert_eq!(pragma(&col.conn, "journal_mode"), wal);
        let inside = col
            .bulk(|c| {
                Ok((
                    pragma(&c.conn, "journal_mode"),
                    pragma(&c.conn, "synchronous"),
                ))
            })
            .unwrap();
        // synchronous: 2 = FULL while in rollback mode, 1 = NORMAL after.
        assert_eq!(inside, (r#"Text("delete")"#.into(), "Integer(2)".into()));
        assert_eq!(pragma(&col.conn, "journal_mode"), wal);
        assert_eq!(pragma(&col.conn, "synchronous"), "Integer(1)");

        // Another connection open: the write runs in WAL mode.
        let other = Connection::open(&path).unwrap();
        let _: i64 = other
            .query_row("SELECT count(*) AS n FROM decks", [], |r| r.get("n"))
            .unwrap();
        let start = std::time::Instant::now();
        let inside = col.bulk(|c| Ok(pragma(&c.conn, "journal_mode"))).unwrap();
        assert_eq!(inside, wal);
        assert!(
            start.elapsed() < std::time::Duration::from_secs(1),
            "gave up at once, not after the busy timeout: {:?}",
            start.elapsed()
        );
        drop(other);

        // A failed write returns to WAL all the same.
        let failed: Result<()> = col.bulk(|_| Err(Error::BadValue("no".into())));
        assert!(failed.is_err());
        assert_eq!(pragma(&col.conn, "journal_mode"), wal);
        assert_eq!(pragma(&col.conn, "synchronous"), "Integer(1)");
    }
}
