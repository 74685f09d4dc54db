//! The kinds of failure a user can cause, each rendered as one line by `main`.
//!
//! Files to import or check are the exception to "one line": every problem
//! in them is found, not just the first, so they fail with [`Problems`], a
//! list the command prints above its one error line.

use std::fmt;
use std::path::PathBuf;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum Error {
    /// A value typed by the user (flag, config value, environment variable).
    #[error("{0}")]
    BadValue(String),
    /// `py201 sync` could not use its folder (the text names it and why).
    #[error("{0}")]
    Sync(String),
    #[error("no deck named {name:?} (decks: {known})")]
    UnknownDeck { name: String, known: String },
    /// A deck that cannot take the name asked for.
    #[error("cannot rename deck {old:?}: {why}")]
    Rename { old: String, why: String },
    /// The collection path exists but cannot be used as a collection.
    #[error("{}: {why}", path.display())]
    BadCollection { path: PathBuf, why: String },
    /// A collection file that is damaged (truncated, a bad header, corrupt
    /// pages): it cannot be opened, and only a backup brings it back, which
    /// `py201 restore` can do without opening it.
    #[error("{}: {why}", path.display())]
    DamagedCollection { path: PathBuf, why: String },
    #[error("{}: made by a newer py201 (schema version {found}; this py201 knows up to {known}); upgrade py201", path.display())]
    NewerSchema {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    /// A file or folder named on the command line that cannot be read as
    /// text (missing, unreadable, not UTF-8).
    #[error("{}: {why}", path.display())]
    Unreadable { path: PathBuf, why: String },
    /// Files to import with problems in them; nothing was imported.
    #[error("import failed: {}; nothing was changed", .0.count())]
    Import(Problems),
    /// Decks that could be read but not stored: a card id another deck
    /// already has, a change to a built-in deck. Nothing was imported.
    #[error("import failed: {}; nothing was changed", problem_count(.0.len()))]
    Conflicts(Vec<String>),
    /// A JSON backup replaces the whole collection, so it is never mixed
    /// with decks or other backups.
    #[error("a JSON backup replaces the whole collection: import it on its own")]
    BackupNotAlone,
    /// A JSON backup would replace reviews; `py201 restore` keeps a copy.
    #[error("{}: a backup replaces the whole collection, which already holds {reviews} reviews; import it into a new collection (--db NEW.db), or use `py201 restore`", path.display())]
    BackupOverReviews { path: PathBuf, reviews: i64 },
    /// The decks compiled into the binary do not parse: a build defect the
    /// test suite guards against, reported rather than a panic.
    #[error("built-in decks are invalid: {}", .0.first().map(ToString::to_string).unwrap_or_default())]
    BuiltinDecks(Problems),
    /// A note's stored fields that are no longer the JSON they were written as.
    #[error("note {note}: stored fields unreadable: {why}")]
    UnreadableNote {
        note: String,
        why: serde_json::Error,
    },
    /// Rows of the collection that contradict each other (a note kept as a
    /// card that is missing, cards out of course order); `py201 doctor`
    /// repairs them. The text names the note or card.
    #[error("{0}")]
    Damaged(String),
    /// A value the TOML or JSON writer cannot encode. The writer's error is
    /// shown, not chained: its text is the whole message.
    #[error("{0}")]
    Encode(Box<dyn std::error::Error + Send + Sync>),
    /// Writing a CSV/TSV file failed (its own text, not chained).
    #[error("{0}")]
    Csv(csv::Error),
    /// The thread reading files to import went away without a word: it
    /// panicked, or stopped because writing failed (whose error is shown).
    #[error("the file reader stopped unexpectedly")]
    ReaderStopped,
    /// The writing side of an import, or of an Anki package's export, went
    /// away; its own error is the one reported, unless it panicked.
    #[error("the writing thread stopped unexpectedly")]
    WriterStopped,
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<Problems> for Error {
    fn from(p: Problems) -> Self {
        Error::Import(p)
    }
}

fn problem_count(n: usize) -> String {
    format!("{n} problem{}", if n == 1 { "" } else { "s" })
}

/// One thing wrong with a file to import or check, located by file and, where
/// it has one, line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub line: Option<usize>,
    pub why: Why,
}

impl Problem {
    pub fn new(file: &str, line: Option<usize>, why: Why) -> Self {
        Problem {
            file: file.to_string(),
            line,
            why,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}: {}", self.file, l, self.why),
            None => write!(f, "{}: {}", self.file, self.why),
        }
    }
}

/// What is wrong, by the kind of mistake: each kind is fixed in another place
/// (the file's encoding, its syntax, a row, a card, its deck header).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Why {
    /// The file cannot be read as text py201 imports: missing, a directory,
    /// empty, a zip or binary file, not UTF-8.
    #[error("{0}")]
    Unreadable(String),
    /// A line or record that does not parse: TOML or JSON syntax, a CSV/TSV
    /// row or header line, a backup's structure.
    #[error("{0}")]
    Syntax(String),
    /// A CSV/TSV file whose columns hold no card, or more than one.
    #[error("{0}")]
    Columns(String),
    /// A CSV/TSV row missing what its card needs in field `n`.
    #[error("field {n} ({name}): {why}")]
    Field {
        n: u8,
        name: &'static str,
        why: &'static str,
    },
    /// A card id that is missing, malformed, or used twice.
    #[error("{0}")]
    Id(String),
    /// One card whose content is wrong, by its id.
    #[error("card {card}: {why}")]
    Card { card: String, why: String },
    /// A cloze note whose text does not parse, by its id.
    #[error("card {card}: {why}")]
    Cloze { card: String, why: BadCloze },
    /// A deck header: its name empty, or already another file's.
    #[error("{0}")]
    Deck(String),
    /// A JSON backup from a newer py201.
    #[error(
        "made by a newer py201 (schema version {found}; this py201 knows up to {known}); upgrade py201"
    )]
    NewerSchema { found: i64, known: i64 },
}

/// A cloze text that does not parse (see `decks::cloze`).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BadCloze {
    /// `at` is the start of the deletion, as written.
    #[error("cloze {at:?} has no number after {{{{c")]
    NoNumber { at: String },
    #[error("cloze numbers start at c1")]
    Zero,
    #[error("cloze {at:?} needs '::' after c{n}")]
    NoSeparator { at: String, n: u32 },
    #[error("cloze c{0} is not closed with }}}}")]
    Unclosed(u32),
    #[error("cloze c{0} contains another '{{{{': nested deletions are not supported")]
    Nested(u32),
    #[error("cloze c{0} deletes nothing")]
    Empty(u32),
    #[error("cloze text has no deletion like {{{{c1::...}}}}")]
    NoDeletion,
}

/// Every problem found in the files of one import or check, in the order
/// found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems(Vec<Problem>);

impl Problems {
    pub fn one(file: &str, line: Option<usize>, why: Why) -> Self {
        Problems(vec![Problem::new(file, line, why)])
    }

    pub fn push(&mut self, p: Problem) {
        self.0.push(p);
    }

    /// "1 problem", "3 problems".
    pub fn count(&self) -> String {
        problem_count(self.0.len())
    }

    /// `Ok(())` when there are none, so a reader can use `?` at its end.
    pub fn into_result(self) -> Result<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Error::Import(self))
        }
    }
}

impl std::ops::Deref for Problems {
    type Target = [Problem];
    fn deref(&self) -> &[Problem] {
        &self.0
    }
}

impl Extend<Problem> for Problems {
    fn extend<I: IntoIterator<Item = Problem>>(&mut self, iter: I) {
        self.0.extend(iter);
    }
}

impl IntoIterator for Problems {
    type Item = Problem;
    type IntoIter = std::vec::IntoIter<Problem>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Problems {
    type Item = &'a Problem;
    type IntoIter = std::slice::Iter<'a, Problem>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}
