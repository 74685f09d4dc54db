//! Storage: the one SQLite file that holds decks, cards, settings and the
//! review log. All SQL lives under this module.
//!
//! Opening never writes to a file until it is known to be a py201 collection
//! (or a new one): a wrong `--db` must leave the user's file untouched.

pub mod backup;
pub mod cards;
pub mod config;
pub mod doctor;
pub mod export;
pub mod fsrs;
mod open;
pub mod package;
pub mod stats;
pub mod sync;

use crate::error::{Error, Result};
use rusqlite::{Connection, OptionalExtension, params};
use std::path::{Path, PathBuf};

pub use config::Config;

/// `PRAGMA application_id` of a py201 collection ("P201").
pub const APPLICATION_ID: i32 = 0x5032_3031;

/// The schema of a new collection: every section of `schema.sql`.
pub const SCHEMA: &str = include_str!("../../schema.sql");

/// Starts each upgrade section of `schema.sql` (`-- @version N`).
const SECTION: &str = "\n-- @version ";

/// How many times `pat` occurs in `s`, at compile time.
const fn count(s: &str, pat: &str) -> usize {
    let (s, p) = (s.as_bytes(), pat.as_bytes());
    let mut n = 0;
    let mut i = 0;
    while i + p.len() <= s.len() {
        let mut j = 0;
        while j < p.len() && s[i + j] == p[j] {
            j += 1;
        }
        if j == p.len() {
            n += 1;
        }
        i += 1;
    }
    n
}

/// Version 1 plus one per upgrade section of `schema.sql`.
pub const SCHEMA_VERSION: i64 = 1 + count(SCHEMA, SECTION) as i64;

/// Upgrade steps, append-only: `steps()[i]` takes version `i + 1` to `i + 2`.
/// They are the sections of `schema.sql` after the first, so a new
/// collection and an upgraded one run the very same statements.
pub fn steps() -> Vec<&'static str> {
    SCHEMA
        .split(SECTION)
        .skip(1)
        .map(|s| s.split_once('\n').map_or("", |(_, body)| body))
        .collect()
}

pub struct Collection {
    pub conn: Connection,
    path: PathBuf,
    pub(crate) config: Config,
    /// True when this open created the file.
    pub created: bool,
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
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub(crate) fn load_config(&self) -> Result<Config> {
        let mut cfg = Config::default();
        let mut stmt = self.conn.prepare_cached("SELECT key, value FROM config")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (k, v) = row?;
            // A value this version cannot read (hand-edited, or from a newer
            // py201) falls back to the default rather than blocking reviews.
            let _ = cfg.set(&k, &v);
        }
        Ok(cfg)
    }

    /// Validates and stores one setting.
    pub fn set_config(&mut self, key: &str, value: &str) -> Result<()> {
        let mut cfg = self.config;
        cfg.set(key, value)?;
        let stored = cfg.get(key).unwrap_or_default();
        self.conn.execute(
            "INSERT INTO config (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, stored],
        )?;
        self.config = cfg;
        Ok(())
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
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
mod schema_tests {
    #[test]
    fn sections_are_numbered_in_order() {
        let numbers: Vec<i64> = super::SCHEMA
            .split(super::SECTION)
            .skip(1)
            .map(|s| s.lines().next().unwrap_or("").trim().parse().unwrap_or(0))
            .collect();
        let want: Vec<i64> = (2..=super::SCHEMA_VERSION).collect();
        assert_eq!(numbers, want);
        assert_eq!(super::steps().len() as i64, super::SCHEMA_VERSION - 1);
    }
}
