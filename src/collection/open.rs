//! Opening a collection file safely.

use super::migrations::{MIGRATIONS, Migration};
use super::{APPLICATION_ID, SCHEMA, SCHEMA_VERSION};
use crate::error::{Error, Result};
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};
use std::{fs, io::Read, path::Path, time::Duration};

fn bad(path: &Path, why: impl Into<String>) -> Error {
    Error::BadCollection {
        path: path.to_path_buf(),
        why: why.into(),
    }
}

/// A collection file that was one but is damaged (see
/// [`Error::DamagedCollection`]).
fn damaged(path: &Path, why: impl Into<String>) -> Error {
    Error::DamagedCollection {
        path: path.to_path_buf(),
        why: why.into(),
    }
}

/// Looks at an existing file's header before SQLite touches it: SQLite would
/// happily open a text file and only fail later, after we had set pragmas.
fn check_file(path: &Path, len: u64) -> Result<()> {
    let mut header = [0u8; 100];
    let mut f = fs::File::open(path).map_err(|e| bad(path, format!("cannot read: {e}")))?;
    let n = f
        .read(&mut header)
        .map_err(|e| bad(path, format!("cannot read: {e}")))?;
    if n < 16 || &header[..16] != b"SQLite format 3\0" {
        return Err(bad(path, "not a py201 collection (not an SQLite database)"));
    }
    if n < 100 {
        return Err(damaged(
            path,
            "collection file is truncated (shorter than its header)",
        ));
    }
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536,
        p => u64::from(p),
    };
    let pages = u64::from(u32::from_be_bytes([
        header[28], header[29], header[30], header[31],
    ]));
    let counter_valid = header[24..28] == header[92..96];
    // With a write-ahead log present the main file may legitimately lag its
    // header until the log is checkpointed, so only judge a file without one.
    let wal = path.with_file_name(format!(
        "{}-wal",
        path.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default()
    ));
    let wal_len = fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    if page_size < 512 || !page_size.is_power_of_two() {
        return Err(damaged(
            path,
            "collection file is damaged (bad page size in its header)",
        ));
    }
    if wal_len == 0
        && (len % page_size != 0 || (counter_valid && pages > 0 && len < pages * page_size))
    {
        return Err(damaged(
            path,
            format!(
                "collection file is truncated ({len} bytes, its header says {})",
                pages * page_size
            ),
        ));
    }
    Ok(())
}

/// SQLite's words for a read-only or full filesystem, made specific.
fn write_error(path: &Path, e: rusqlite::Error) -> Error {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::ReadOnly | rusqlite::ErrorCode::CannotOpen) => bad(
            path,
            "cannot write to the collection (read-only file or folder); nothing was changed",
        ),
        Some(rusqlite::ErrorCode::DiskFull) => bad(path, "the disk is full; nothing was written"),
        _ => bad(path, e.to_string()),
    }
}

/// Checks that an existing file looks like an SQLite database (not a
/// folder, not text, not truncated) without opening it with SQLite.
pub fn check_existing(path: &Path) -> Result<()> {
    match fs::metadata(path) {
        Ok(m) if m.is_dir() => Err(bad(path, "is a directory, not a collection file")),
        Ok(m) if m.len() == 0 => Err(bad(path, "is empty, not a collection file")),
        Ok(m) => check_file(path, m.len()),
        Err(e) => Err(bad(path, format!("cannot open: {e}"))),
    }
}

/// Reads the identity of an open database without writing to it: refuses
/// another program's database and one made by a newer py201. Returns the
/// number of schema objects (0 for a new, empty file).
pub fn check_identity(conn: &Connection, path: &Path) -> Result<i64> {
    let probe = |e: rusqlite::Error| match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => {
            bad(path, "not a py201 collection (not an SQLite database)")
        }
        Some(rusqlite::ErrorCode::DatabaseCorrupt) => {
            damaged(path, "collection file is damaged (corrupt database)")
        }
        _ => write_error(path, e),
    };
    let app_id: i32 = conn
        .query_row("PRAGMA application_id", [], |r| r.get("application_id"))
        .map_err(probe)?;
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get("user_version"))
        .map_err(probe)?;
    let tables: i64 = conn
        .query_row("SELECT count(*) AS n FROM sqlite_schema", [], |r| {
            r.get("n")
        })
        .map_err(probe)?;
    if tables > 0 && app_id != APPLICATION_ID {
        return Err(bad(path, "an SQLite database, but not a py201 collection"));
    }
    if version > SCHEMA_VERSION {
        return Err(Error::NewerSchema {
            path: path.to_path_buf(),
            found: version,
            known: SCHEMA_VERSION,
        });
    }
    Ok(tables)
}

/// Opens `path`, creating it (and its folder) when missing. Returns the
/// connection and whether the collection was created now.
pub fn open(path: &Path) -> Result<(Connection, bool)> {
    match fs::metadata(path) {
        Ok(m) if m.is_dir() => return Err(bad(path, "is a directory, not a collection file")),
        Ok(m) if m.len() > 0 => check_file(path, m.len())?,
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                fs::create_dir_all(dir).map_err(|e| {
                    bad(path, format!("cannot create folder {}: {e}", dir.display()))
                })?;
            }
        }
        Err(e) => return Err(bad(path, format!("cannot open: {e}"))),
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| write_error(path, e))?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // One plan per statement, chosen when it is prepared: without this
    // SQLite prepares a statement again whenever a bound value might give
    // it a better plan, which it did for the review header's counts on
    // every card and for an Anki import's look-up of each card. The plans
    // used are then those tests/query_plans.rs checks (prepared unbound).
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    let tables = check_identity(&conn, path)?;
    // WAL: readers never block the writer, and a killed process loses nothing
    // that was committed. NORMAL sync is durable across process crashes.
    set_journal_mode(&conn, "wal").map_err(|e| write_error(path, e))?;
    conn.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")
        .map_err(|e| write_error(path, e))?;
    if tables == 0 {
        create_schema(&conn)?;
        return Ok((conn, true));
    }
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get("user_version"))?;
    if version < SCHEMA_VERSION {
        migrate(&conn, path, version, MIGRATIONS)?;
    }
    Ok((conn, false))
}

/// How long a statement waits for another process's lock before failing.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a change of journal mode waits for other connections: as long
/// as any other statement.
const JOURNAL_WAIT: Duration = BUSY_TIMEOUT;

/// Sets the journal mode, waiting up to [`JOURNAL_WAIT`] while another
/// process holds a lock, and returns the mode now in force.
///
/// SQLite does not call the busy handler when this pragma finds another
/// process writing to a file in rollback mode: while a bulk import (see
/// `Collection::bulk`) holds the file so, a second `py201` starting up
/// would otherwise fail at once with "database is locked" instead of
/// waiting the import out as it does for any other statement.
pub(crate) fn set_journal_mode(conn: &Connection, mode: &str) -> rusqlite::Result<String> {
    let start = std::time::Instant::now();
    loop {
        match try_journal_mode(conn, mode) {
            Err(e)
                if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
                    && start.elapsed() < JOURNAL_WAIT =>
            {
                std::thread::sleep(Duration::from_millis(5));
            }
            other => return other,
        }
    }
}

/// One attempt at setting the journal mode: fails with `DatabaseBusy` at
/// once when another connection is in the way, and otherwise returns the
/// mode now in force (which is the old one if SQLite refused the change).
pub(crate) fn try_journal_mode(conn: &Connection, mode: &str) -> rusqlite::Result<String> {
    conn.query_row(&format!("PRAGMA journal_mode = {mode}"), [], |r| {
        r.get("journal_mode")
    })
}

/// Makes a new collection: `schema.sql` as it is, at its version.
pub fn create_schema(conn: &Connection) -> Result<()> {
    conn.execute_batch(&format!(
        "BEGIN IMMEDIATE; {SCHEMA}
         PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
    ))?;
    Ok(())
}

/// Upgrades a collection made by an older py201 (schema version `from`):
/// first a copy of it goes to `backups/STEM-schema-{from}.db` beside
/// it (the online backup API, so the copy is consistent), then each of
/// `migrations` above `from` runs, in order, in its own transaction
/// together with its version bump, so an interrupted upgrade resumes
/// cleanly. Returns the backup's path, or `None` when there was nothing to
/// do.
pub(crate) fn migrate(
    conn: &Connection,
    path: &Path,
    from: i64,
    migrations: &[Migration],
) -> Result<Option<std::path::PathBuf>> {
    let pending: Vec<&Migration> = migrations.iter().filter(|m| m.version > from).collect();
    if pending.is_empty() {
        return Ok(None);
    }
    let dir = super::backup::backup_dir_of(path);
    fs::create_dir_all(&dir)
        .map_err(|e| bad(path, format!("cannot back up before upgrading: {e}")))?;
    let stem = super::backup::stem_of(path);
    let mut backup = dir.join(format!("{stem}-schema-{from}.db"));
    let mut n = 2;
    while backup.exists() {
        backup = dir.join(format!("{stem}-schema-{from}-{n}.db"));
        n += 1;
    }
    conn.backup(rusqlite::MAIN_DB, &backup, rusqlite::backup::NO_PROGRESS)
        .map_err(|e| bad(path, format!("cannot back up before upgrading: {e}")))?;
    // A migration may rebuild a table (006 rebuilds `cards`): dropping the
    // old one must not cascade into the rows that refer to it, so foreign
    // keys are off while migrations run (the pragma is a no-op inside a
    // transaction, hence around them).
    conn.execute_batch("PRAGMA foreign_keys = OFF")?;
    let ran = pending.iter().try_for_each(|m| {
        conn.execute_batch(&format!(
            "BEGIN IMMEDIATE; {} PRAGMA user_version = {}; COMMIT;",
            m.sql, m.version
        ))
        .inspect_err(|_| {
            // A statement failed part-way: undo the rest of this migration
            // (the earlier ones have committed).
            if !conn.is_autocommit() {
                let _ = conn.execute_batch("ROLLBACK");
            }
        })
    });
    conn.execute_batch("PRAGMA foreign_keys = ON")?;
    ran?;
    Ok(Some(backup))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_collection_is_schema_sql_at_the_current_version() {
        let dir = tempfile::tempdir().unwrap();
        let (conn, created) = open(&dir.path().join("c.db")).unwrap();
        assert!(created);
        let pragma = |name: &str| -> i64 {
            conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get(name))
                .unwrap()
        };
        assert_eq!(pragma("user_version"), SCHEMA_VERSION);
        assert_eq!(pragma("application_id"), i64::from(APPLICATION_ID));
        assert_eq!(SCHEMA_VERSION, MIGRATIONS.len() as i64 + 1);
    }

    /// A bound value never makes SQLite prepare a statement again: the
    /// review header's counts were prepared again on every card (a
    /// 1,000-answer session: 0.45 s of CPU, 0.30 s without).
    #[test]
    fn statements_keep_the_plan_they_were_prepared_with() {
        let dir = tempfile::tempdir().unwrap();
        let (conn, _) = open(&dir.path().join("c.db")).unwrap();
        assert!(
            conn.db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG)
                .unwrap()
        );
    }

    #[test]
    fn upgrades_step_by_step_after_a_backup() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.db");
        let (conn, created) = open(&path).unwrap();
        assert!(created);
        // As if made by version 1, then upgraded by two made-up migrations.
        conn.execute_batch(
            "INSERT INTO config (key, value) VALUES ('fuzz', 'off'); PRAGMA user_version = 1;",
        )
        .unwrap();
        let migrations = [
            Migration {
                version: 2,
                sql: "ALTER TABLE config ADD COLUMN note TEXT;",
            },
            Migration {
                version: 3,
                sql: "CREATE TABLE extra (x);",
            },
        ];
        let backup = migrate(&conn, &path, 1, &migrations)
            .unwrap()
            .expect("a backup before upgrading");
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get("user_version"))
            .unwrap();
        assert_eq!(version, 3);
        assert!(
            backup.ends_with("backups/c-schema-1.db"),
            "{}",
            backup.display()
        );
        let old = Connection::open(&backup).unwrap();
        let v: i64 = old
            .query_row("PRAGMA user_version", [], |r| r.get("user_version"))
            .unwrap();
        let fuzz: String = old
            .query_row("SELECT value FROM config", [], |r| r.get("value"))
            .unwrap();
        assert_eq!(
            (v, fuzz.as_str()),
            (1, "off"),
            "the backup is the collection as it was"
        );
        assert_eq!(
            migrate(&conn, &path, 3, &migrations).unwrap(),
            None,
            "nothing to do at the current version"
        );
    }

    /// A migration that fails part-way leaves the collection at the version
    /// before it, with none of its changes, and the earlier ones kept.
    #[test]
    fn a_failed_migration_changes_nothing_of_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.db");
        let (conn, _) = open(&path).unwrap();
        conn.execute_batch("PRAGMA user_version = 1;").unwrap();
        let migrations = [
            Migration {
                version: 2,
                sql: "CREATE TABLE a (x);",
            },
            Migration {
                version: 3,
                sql: "CREATE TABLE b (x); INSERT INTO no_such_table VALUES (1);",
            },
        ];
        assert!(migrate(&conn, &path, 1, &migrations).is_err());
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get("user_version"))
            .unwrap();
        let tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_schema WHERE name IN ('a', 'b') ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get("name"))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!((version, tables), (2, vec!["a".to_string()]));
        assert!(conn.is_autocommit(), "no transaction left open");
    }

    /// While a bulk import holds the file in rollback-journal mode, a second
    /// process opening the collection waits for it instead of failing with
    /// "database is locked" (SQLite does not wait on its own here).
    #[test]
    fn open_waits_for_a_bulk_writer_in_rollback_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.db");
        drop(open(&path).unwrap());
        let writer = Connection::open(&path).unwrap();
        assert_eq!(try_journal_mode(&writer, "delete").unwrap(), "delete");
        writer
            .execute_batch("BEGIN IMMEDIATE; INSERT INTO meta VALUES ('k', 'v');")
            .unwrap();
        let hold = Duration::from_millis(300);
        let done = std::thread::spawn(move || {
            std::thread::sleep(hold);
            writer.execute_batch("COMMIT").unwrap();
            assert_eq!(set_journal_mode(&writer, "wal").unwrap(), "wal");
        });
        let start = std::time::Instant::now();
        let opened = open(&path);
        let waited = start.elapsed();
        done.join().expect("writer thread");
        let (conn, created) = opened.expect("open while locked");
        assert!(!created);
        assert!(waited >= hold - Duration::from_millis(50), "{waited:?}");
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get("journal_mode"))
            .unwrap();
        assert_eq!(mode, "wal");
        let v: String = conn
            .query_row("SELECT value FROM meta WHERE key = 'k'", [], |r| {
                r.get("value")
            })
            .unwrap();
        assert_eq!(v, "v", "the writer's commit is there");
    }
}
