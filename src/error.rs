//! The kinds of failure a user can cause, each rendered as one line by `main`.

use std::path::PathBuf;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum Error {
    /// A value typed by the user (flag, config value, environment variable).
    #[error("{0}")]
    BadValue(String),
    #[error("no deck named {name:?} (decks: {known})")]
    UnknownDeck { name: String, known: String },
    /// The collection path exists but cannot be used as a collection.
    #[error("{}: {why}", path.display())]
    BadCollection { path: PathBuf, why: String },
    #[error("{}: made by a newer py201 (schema version {found}; this py201 knows up to {known}); upgrade py201", path.display())]
    NewerSchema {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("{0}")]
    Deck(String),
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
