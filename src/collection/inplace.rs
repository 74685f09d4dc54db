//! A statement whose text parameters SQLite reads where they lie, for the
//! bulk inserts of an import.
//!
//! rusqlite binds text with `SQLITE_TRANSIENT`: SQLite allocates a copy of
//! every value, and frees it at the next bind. Importing 100,000 cards with
//! code spent a fifth of the writing thread in those copies, allocations
//! and frees (`perf`), for text that stays put until the statement has
//! run. [`InPlace::execute`] binds with `SQLITE_STATIC` instead, and makes
//! that sound by never letting a bound pointer outlive the call: it binds,
//! runs the statement to its end, then resets it and clears every binding
//! before returning, whatever happened.
//!
//! This is the only `unsafe` code of py201; every other statement goes
//! through rusqlite.

// The project denies `unsafe` (Cargo.toml); this module is the exception
// described above.
#![allow(unsafe_code)]

use rusqlite::ffi;
use std::ffi::c_int;
use std::marker::PhantomData;
use std::ptr::{self, NonNull};

/// A parameter value: text is bound where it is, not copied.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Param<'a> {
    Null,
    Int(i64),
    Text(&'a str),
}

impl<'a> From<Option<&'a str>> for Param<'a> {
    fn from(s: Option<&'a str>) -> Self {
        s.map_or(Param::Null, Param::Text)
    }
}

/// A prepared statement of the connection a transaction borrows for `'c`,
/// finalized when dropped, so before the connection can close (it may
/// outlive the transaction itself).
pub struct InPlace<'c> {
    stmt: NonNull<ffi::sqlite3_stmt>,
    db: NonNull<ffi::sqlite3>,
    /// How many parameters the statement has.
    params: usize,
    _conn: PhantomData<&'c rusqlite::Connection>,
}

/// The connection's last error as rusqlite reports errors.
///
/// # Safety
/// `db` must be an open connection.
unsafe fn error(db: NonNull<ffi::sqlite3>, rc: c_int) -> rusqlite::Error {
    // SAFETY: the caller passes an open connection; the message is copied
    // before any other call on it.
    let message = unsafe {
        let code = ffi::sqlite3_extended_errcode(db.as_ptr());
        let text = ffi::sqlite3_errmsg(db.as_ptr());
        let message = (!text.is_null()).then(|| {
            std::ffi::CStr::from_ptr(text)
                .to_string_lossy()
                .into_owned()
        });
        (if code != 0 { code } else { rc }, message)
    };
    rusqlite::Error::SqliteFailure(ffi::Error::new(message.0), message.1)
}

impl<'c> InPlace<'c> {
    /// Prepares `sql` (one statement) on the connection of `tx`, to run
    /// again and again for as long as `tx` borrows the connection.
    pub fn prepare_in(tx: &rusqlite::Transaction<'c>, sql: &str) -> rusqlite::Result<Self> {
        let too_long = || rusqlite::Error::InvalidQuery;
        let len = c_int::try_from(sql.len()).map_err(|_| too_long())?;
        // SAFETY: the handle is of the connection `tx` borrows for 'c, as
        // long as the statement lives; `sql` is valid for `len` bytes
        // during the call, which copies what it keeps.
        unsafe {
            let db = NonNull::new(tx.handle()).ok_or_else(too_long)?;
            let mut stmt = ptr::null_mut();
            let rc = ffi::sqlite3_prepare_v3(
                db.as_ptr(),
                sql.as_ptr().cast(),
                len,
                ffi::SQLITE_PREPARE_PERSISTENT as _,
                &mut stmt,
                ptr::null_mut(),
            );
            if rc != ffi::SQLITE_OK {
                return Err(error(db, rc));
            }
            let stmt = NonNull::new(stmt).ok_or_else(too_long)?;
            let params = usize::try_from(ffi::sqlite3_bind_parameter_count(stmt.as_ptr()))
                .unwrap_or_default();
            Ok(InPlace {
                stmt,
                db,
                params,
                _conn: PhantomData,
            })
        }
    }

    /// Runs the statement once with `values` as its parameters, in order
    /// (there must be exactly as many as it has), and returns how many rows
    /// it changed. No pointer to `values` is left in SQLite when it returns.
    pub fn execute(&mut self, values: &[Param<'_>]) -> rusqlite::Result<usize> {
        if values.len() != self.params {
            return Err(rusqlite::Error::InvalidParameterCount(
                values.len(),
                self.params,
            ));
        }
        let result = self.bind_and_step(values);
        // SAFETY: the statement is live; resetting and clearing the
        // bindings drops every pointer into `values` before they go.
        unsafe {
            ffi::sqlite3_reset(self.stmt.as_ptr());
            ffi::sqlite3_clear_bindings(self.stmt.as_ptr());
        }
        result
    }

    fn bind_and_step(&mut self, values: &[Param<'_>]) -> rusqlite::Result<usize> {
        let stmt = self.stmt.as_ptr();
        for (i, v) in values.iter().enumerate() {
            let at = c_int::try_from(i + 1).map_err(|_| rusqlite::Error::InvalidQuery)?;
            // SAFETY: `stmt` is live and `at` within its parameters; text
            // is bound SQLITE_STATIC, valid for `len` bytes until
            // `execute` clears the bindings, before `values` can go.
            let rc = unsafe {
                match *v {
                    Param::Null => ffi::sqlite3_bind_null(stmt, at),
                    Param::Int(n) => ffi::sqlite3_bind_int64(stmt, at, n),
                    Param::Text(s) => ffi::sqlite3_bind_text64(
                        stmt,
                        at,
                        s.as_ptr().cast(),
                        s.len() as u64,
                        ffi::SQLITE_STATIC(),
                        ffi::SQLITE_UTF8 as u8,
                    ),
                }
            };
            if rc != ffi::SQLITE_OK {
                // SAFETY: the connection is open.
                return Err(unsafe { error(self.db, rc) });
            }
        }
        // SAFETY: `stmt` is live with every parameter bound; the loop runs
        // it to its end (an INSERT returns no rows, anything else's are
        // skipped).
        unsafe {
            loop {
                match ffi::sqlite3_step(stmt) {
                    ffi::SQLITE_ROW => continue,
                    ffi::SQLITE_DONE => break,
                    rc => return Err(error(self.db, rc)),
                }
            }
            Ok(usize::try_from(ffi::sqlite3_changes64(self.db.as_ptr())).unwrap_or_default())
        }
    }
}

impl Drop for InPlace<'_> {
    fn drop(&mut self) {
        // SAFETY: the statement is live and dropped once, while the
        // connection it belongs to is still borrowed, so open.
        unsafe {
            ffi::sqlite3_finalize(self.stmt.as_ptr());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::{Connection, ErrorCode};

    fn table() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE t (n INTEGER, s TEXT CHECK (s <> 'bad'), o ANY);
             CREATE UNIQUE INDEX t_n ON t (n)",
        )
        .unwrap();
        conn
    }

    /// Text, empty text, NULL and integers are stored as given, batch after
    /// batch through the one statement, with the text's buffers reused in
    /// between (what was bound must not leak into the next run).
    #[test]
    fn values_are_stored_as_given() {
        let mut conn = table();
        let tx = conn.transaction().unwrap();
        let mut st =
            InPlace::prepare_in(&tx, "INSERT INTO t VALUES (?1, ?2, ?3), (?4, ?5, ?6)").unwrap();
        let mut text = String::from("first\u{0}with a NUL and ünïcode");
        let rows = [
            [Param::Int(1), Param::Text(&text), Param::Null],
            [Param::Int(-2), Param::Text(""), Param::from(Some("x"))],
        ];
        assert_eq!(st.execute(&rows.concat()).unwrap(), 2);
        text.clear();
        text.push_str("second");
        let rows = [
            [Param::Int(i64::MAX), Param::Text(&text), Param::from(None)],
            [Param::Int(4), Param::Text("y"), Param::Int(5)],
        ];
        assert_eq!(st.execute(&rows.concat()).unwrap(), 2);
        drop(st);
        tx.commit().unwrap();
        let got: Vec<(i64, String, Option<String>, String)> = conn
            .prepare("SELECT n, s, CAST(o AS TEXT), typeof(o) FROM t ORDER BY rowid")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let s = |v: &str| v.to_string();
        assert_eq!(
            got,
            [
                (1, s("first\u{0}with a NUL and ünïcode"), None, s("null")),
                (-2, s(""), Some(s("x")), s("text")),
                (i64::MAX, s("second"), None, s("null")),
                (4, s("y"), Some(s("5")), s("integer")),
            ]
        );
    }

    /// A failing run reports SQLite's error and leaves nothing of itself
    /// bound or half-run: the same statement then runs again.
    #[test]
    fn errors_are_sqlites_and_the_statement_stays_usable() {
        let mut conn = table();
        let tx = conn.transaction().unwrap();
        let mut st = InPlace::prepare_in(&tx, "INSERT INTO t VALUES (?1, ?2, ?3)").unwrap();
        let two = [Param::Int(1), Param::Text("a")];
        assert!(matches!(
            st.execute(&two),
            Err(rusqlite::Error::InvalidParameterCount(2, 3))
        ));
        let bad = [Param::Int(1), Param::Text("bad"), Param::Null];
        match st.execute(&bad) {
            Err(rusqlite::Error::SqliteFailure(e, Some(m))) => {
                assert_eq!(e.code, ErrorCode::ConstraintViolation);
                assert!(m.contains("CHECK constraint failed"), "{m}");
            }
            other => panic!("expected a constraint error, got {other:?}"),
        }
        let good = [Param::Int(1), Param::Text("good"), Param::Null];
        assert_eq!(st.execute(&good).unwrap(), 1);
        match st.execute(&good) {
            Err(rusqlite::Error::SqliteFailure(e, Some(m))) => {
                assert_eq!(e.code, ErrorCode::ConstraintViolation);
                assert!(m.contains("UNIQUE constraint failed: t.n"), "{m}");
            }
            other => panic!("expected a uniqueness error, got {other:?}"),
        }
        drop(st);
        let n: i64 = tx
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
        match InPlace::prepare_in(&tx, "INSERT INTO nowhere VALUES (?1)") {
            Err(rusqlite::Error::SqliteFailure(_, Some(m))) => {
                assert!(m.contains("no such table: nowhere"), "{m}")
            }
            Err(e) => panic!("expected SQLite's message, got {e:?}"),
            Ok(_) => panic!("a statement on a missing table was prepared"),
        }
    }
}
