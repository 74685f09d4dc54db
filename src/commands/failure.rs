//! How a command's failure reaches the user: in their terms where SQLite's
//! are not enough, not at all when the reader closed the pipe, and in
//! clap's words for a usage mistake only a command can see.

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

/// Whether `e` comes from writing to a closed pipe, wherever in its chain
/// the I/O error sits: bare, or inside our own, the CSV writer's or
/// serde_json's error (which keep it as a field, not as a source).
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain()
        .any(|c| io_kind(c) == Some(std::io::ErrorKind::BrokenPipe))
}

fn io_kind(c: &(dyn std::error::Error + 'static)) -> Option<std::io::ErrorKind> {
    use crate::error::Error;
    if let Some(io) = c.downcast_ref::<std::io::Error>() {
        return Some(io.kind());
    }
    if let Some(json) = c.downcast_ref::<serde_json::Error>() {
        return json.io_error_kind();
    }
    let csv = match c.downcast_ref::<Error>() {
        Some(Error::Io(io)) => return Some(io.kind()),
        Some(Error::Csv(csv)) => csv,
        _ => c.downcast_ref::<csv::Error>()?,
    };
    match csv.kind() {
        csv::ErrorKind::Io(io) => Some(io.kind()),
        _ => None,
    }
}

/// A usage mistake clap's parser cannot see (one flag that only makes sense
/// with a value of another), said as clap says its own, with the
/// subcommand's usage, and with clap's exit code 2 (`main` exits through it).
pub fn usage_error(subcommand: &str, message: &str) -> anyhow::Error {
    let mut cli = <crate::cli::Cli as clap::CommandFactory>::command();
    cli.build();
    let mut cmd = cli.find_subcommand(subcommand).cloned().unwrap_or(cli);
    cmd.error(clap::error::ErrorKind::ArgumentConflict, message)
        .into()
}
