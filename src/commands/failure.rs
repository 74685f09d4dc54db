//! How a command's failure reaches the user: in their terms where SQLite's
//! are not enough, and not at all when the reader closed the pipe.

use super::Ctx;

/// SQLite's own words for a full disk or a read-only file don't say which
/// file or that nothing was changed; the transaction was rolled back, so say so.
pub fn explain_storage(e: anyhow::Error, ctx: &Ctx) -> anyhow::Error {
    let code = e.chain().find_map(|c| {
        c.downcast_ref::<rusqlite::Error>()
            .or_else(|| match c.downcast_ref::<crate::error::Error>() {
                Some(crate::error::Error::Sql(s)) => Some(s),
                _ => None,
            })
            .and_then(rusqlite::Error::sqlite_error_code)
    });
    let path = ctx
        .db_path()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    match code {
        Some(rusqlite::ErrorCode::DiskFull) => {
            anyhow::anyhow!(
                "{path}: the disk is full; nothing was written (free some space and try again)"
            )
        }
        Some(rusqlite::ErrorCode::ReadOnly) | Some(rusqlite::ErrorCode::CannotOpen) => {
            anyhow::anyhow!(
                "{path}: cannot write to the collection (read-only file or folder); nothing was changed"
            )
        }
        _ => e,
    }
}

/// Whether `e` comes from writing to a closed pipe.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || matches!(c.downcast_ref::<crate::error::Error>(), Some(crate::error::Error::Io(io)) if io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
