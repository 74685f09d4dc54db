//! Import and export formats, one module per format. Each reads a file into
//! the same domain types (`DeckContent`, or a whole-collection `Dump`), so
//! the collection never knows which file a card came from. `export` sends an
//! export to its format's writer; `atomic` writes a file whole or not at all.

pub mod apkg;
pub mod atomic;
pub mod backup;
pub mod deckfile;
pub mod export;
pub mod text;

use crate::decks::Problem;
use crate::model::{CardContent, DeckContent, NoteContent};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Deck,
    Csv,
    Tsv,
    Json,
    Apkg,
}

impl Format {
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "deck" | "toml" => Some(Format::Deck),
            "csv" => Some(Format::Csv),
            "tsv" => Some(Format::Tsv),
            "json" => Some(Format::Json),
            "apkg" => Some(Format::Apkg),
            _ => None,
        }
    }
}

/// What one imported file holds.
#[derive(Debug)]
pub enum Payload {
    Decks(Vec<DeckContent>),
    Backup(Box<crate::collection::export::Dump>),
}

fn problem(file: &str, line: Option<usize>, message: impl Into<String>) -> Vec<Problem> {
    vec![Problem {
        file: file.to_string(),
        line,
        message: message.into(),
    }]
}

/// Reads `path` as UTF-8 text, refusing what cannot be a deck, CSV or backup.
pub fn read_text(path: &Path) -> Result<String, Vec<Problem>> {
    let name = path.display().to_string();
    let meta =
        std::fs::metadata(path).map_err(|e| problem(&name, None, format!("cannot read: {e}")))?;
    if meta.is_dir() {
        return Err(problem(&name, None, "is a directory, not a file to import"));
    }
    let bytes =
        std::fs::read(path).map_err(|e| problem(&name, None, format!("cannot read: {e}")))?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(problem(&name, None, "is empty: nothing to import"));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        let why = if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("apkg" | "colpkg")
        ) {
            "is an Anki package; py201 exports .apkg but imports Anki decks as text: in Anki use File > Export > Notes in Plain Text"
        } else {
            "is a zip archive, not a deck file, CSV/TSV or JSON backup"
        };
        return Err(problem(&name, None, why));
    }
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return Err(problem(
            &name,
            None,
            "is a binary file, not a deck file, CSV/TSV or JSON backup",
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        problem(
            &name,
            Some(line),
            format!("is not valid UTF-8 (byte {at}); save it as UTF-8"),
        )
    })
}

/// Picks the format from the extension, then from the content.
pub fn detect(path: &Path, text: &str) -> Format {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("toml") => return Format::Deck,
        Some("json") => return Format::Json,
        Some("csv") => return Format::Csv,
        Some("tsv" | "tab") => return Format::Tsv,
        _ => {}
    }
    let start = text.trim_start();
    if start.starts_with('{') {
        Format::Json
    } else if text.lines().any(|l| l.trim() == "[deck]") {
        Format::Deck
    } else if text.lines().any(|l| l.contains('\t')) {
        Format::Tsv
    } else {
        Format::Csv
    }
}

/// Where a reader puts the decks it reads, a note at a time: a deck's
/// handle first, then each note followed by its cards. The collection's
/// `DeckSync` writes them straight into a transaction, so a large file is
/// never held in memory as decks; a `Vec<DeckContent>` collects them.
pub trait Sink {
    /// The handle of the deck `name`; asking again returns the same deck.
    fn deck(&mut self, name: &str, description: &str) -> crate::error::Result<usize>;
    fn note(&mut self, deck: usize, note: NoteContent) -> crate::error::Result<()>;
    fn card(&mut self, deck: usize, card: CardContent) -> crate::error::Result<()>;

    /// Notes and cards the sink is done with, for the thread that made
    /// them to free (see [`read_in_background`]); a sink that keeps what it
    /// is given has none.
    fn take_spent(&mut self) -> Vec<Spent> {
        Vec::new()
    }

    /// A whole deck: its notes, then its cards.
    fn content(&mut self, d: DeckContent) -> crate::error::Result<()> {
        let deck = self.deck(&d.name, &d.description)?;
        for n in d.notes {
            self.note(deck, n)?;
        }
        for c in d.cards {
            self.card(deck, c)?;
        }
        Ok(())
    }
}

impl Sink for Vec<DeckContent> {
    fn deck(&mut self, name: &str, description: &str) -> crate::error::Result<usize> {
        if let Some(i) = self.iter().position(|d| d.name == name) {
            return Ok(i);
        }
        self.push(DeckContent {
            name: name.to_string(),
            description: description.to_string(),
            cards: Vec::new(),
            notes: Vec::new(),
        });
        Ok(self.len() - 1)
    }

    fn note(&mut self, deck: usize, note: NoteContent) -> crate::error::Result<()> {
        self[deck].notes.push(note);
        Ok(())
    }

    fn card(&mut self, deck: usize, card: CardContent) -> crate::error::Result<()> {
        self[deck].cards.push(card);
        Ok(())
    }
}

impl Sink for crate::collection::sync::DeckSync<'_> {
    fn deck(&mut self, name: &str, description: &str) -> crate::error::Result<usize> {
        crate::collection::sync::DeckSync::deck(self, name, description)
    }

    fn note(&mut self, deck: usize, note: NoteContent) -> crate::error::Result<()> {
        crate::collection::sync::DeckSync::note(self, deck, note)
    }

    fn card(&mut self, deck: usize, card: CardContent) -> crate::error::Result<()> {
        crate::collection::sync::DeckSync::card(self, deck, card)
    }

    fn take_spent(&mut self) -> Vec<Spent> {
        crate::collection::sync::DeckSync::take_spent(self)
    }
}

/// Something a sink is done with, handed back to be freed elsewhere.
pub type Spent = Box<dyn Send>;

/// What the reading thread of [`read_in_background`] sends: the sink's
/// calls, with the reader's own deck handles.
enum Call {
    Deck(String, String),
    Note(usize, NoteContent),
    Card(usize, CardContent),
}

/// How many calls go over the channel at a time: one message per note
/// made the channel's own locking a tenth of the import.
const CALLS_PER_MESSAGE: usize = 256;

/// A [`Sink`] that sends each call to another thread.
struct Sender {
    tx: std::sync::mpsc::SyncSender<Vec<Call>>,
    /// Message buffers and spent notes and cards coming back (see
    /// [`read_in_background`]).
    back: std::sync::mpsc::Receiver<(Vec<Call>, Vec<Spent>)>,
    calls: Vec<Call>,
    decks: Vec<String>,
}

impl Sender {
    fn push(&mut self, call: Call) -> crate::error::Result<()> {
        self.calls.push(call);
        if self.calls.len() >= CALLS_PER_MESSAGE {
            self.send()?;
        }
        Ok(())
    }

    fn send(&mut self) -> crate::error::Result<()> {
        let mut buffer = None;
        for (calls, spent) in self.back.try_iter() {
            buffer = Some(calls);
            drop(spent);
        }
        let next = buffer.unwrap_or_else(|| Vec::with_capacity(CALLS_PER_MESSAGE));
        let calls = std::mem::replace(&mut self.calls, next);
        // The receiver is gone only when writing failed; its error is the
        // one reported.
        self.tx
            .send(calls)
            .map_err(|_| crate::error::Error::Deck("the import stopped".into()))
    }
}

impl Sink for Sender {
    fn deck(&mut self, name: &str, description: &str) -> crate::error::Result<usize> {
        if let Some(i) = self.decks.iter().position(|d| d == name) {
            return Ok(i);
        }
        self.decks.push(name.to_string());
        self.push(Call::Deck(name.to_string(), description.to_string()))?;
        Ok(self.decks.len() - 1)
    }

    fn note(&mut self, deck: usize, note: NoteContent) -> crate::error::Result<()> {
        self.push(Call::Note(deck, note))
    }

    fn card(&mut self, deck: usize, card: CardContent) -> crate::error::Result<()> {
        self.push(Call::Card(deck, card))
    }
}

/// Reads `sources` into `sink` like [`Source::read_into`] each, but parses
/// on a second thread while this one writes: parsing and checking the rows
/// is a fifth of a large import, and the writing (SQLite) cannot be split.
/// Returns the problems found in every file.
///
/// The notes and cards the sink has written go back to the reading thread
/// to be freed, with each message's buffer for reuse: they were allocated
/// there, and freeing them on the writing thread (another malloc arena,
/// behind its lock) took a sixth of its time.
pub fn read_in_background(
    sources: &[Source],
    rename: Option<&str>,
    sink: &mut dyn Sink,
) -> crate::error::Result<Vec<Problem>> {
    std::thread::scope(|scope| {
        // A few messages in flight bound the memory the reader can run
        // ahead by.
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Call>>(4);
        let (back_tx, back) = std::sync::mpsc::channel();
        let reader = scope.spawn(move || -> crate::error::Result<Vec<Problem>> {
            let mut out = Sender {
                tx,
                back,
                calls: Vec::with_capacity(CALLS_PER_MESSAGE),
                decks: Vec::new(),
            };
            let mut problems = Vec::new();
            for s in sources {
                problems.extend(s.read_into(rename, &mut out)?);
            }
            out.send()?;
            Ok(problems)
        });
        let mut decks: Vec<usize> = Vec::new();
        let written = (|| -> crate::error::Result<()> {
            for mut calls in &rx {
                for call in calls.drain(..) {
                    match call {
                        Call::Deck(name, description) => {
                            decks.push(sink.deck(&name, &description)?)
                        }
                        Call::Note(d, n) => sink.note(decks[d], n)?,
                        Call::Card(d, c) => sink.card(decks[d], c)?,
                    }
                }
                // The reader may have finished: then this thread frees them.
                let _ = back_tx.send((calls, sink.take_spent()));
            }
            Ok(())
        })();
        // Stops the reader if writing failed.
        drop(rx);
        let read = reader.join().map_err(|_| {
            crate::error::Error::Deck("the file reader stopped unexpectedly".into())
        })?;
        written?;
        read
    })
}

/// A file opened for import, read as far as telling what it holds.
#[derive(Debug)]
pub enum Opened {
    /// Decks, read into a [`Sink`] with [`Source::read_into`].
    Decks(Source),
    /// A JSON backup: a whole collection, read at once.
    Backup(Box<crate::collection::export::Dump>),
}

/// A deck, CSV or TSV file's text, not yet turned into decks.
#[derive(Debug)]
pub struct Source {
    path: PathBuf,
    text: String,
    format: Format,
}

impl Source {
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// About how many notes the file holds, for a progress bar: its
    /// `[[cards]]` entries, or its rows (a multi-line field counts more
    /// than once; the bar is cleared at the end either way).
    pub fn notes(&self) -> usize {
        let lines = self.text.lines();
        match self.format {
            Format::Csv | Format::Tsv => lines
                .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
                .count(),
            _ => lines.filter(|l| l.trim() == "[[cards]]").count(),
        }
    }

    /// Reads the decks into `sink`, `rename` naming the deck they go to.
    /// Returns the problems found: when there are any, the sink holds part
    /// of the file at most, and the caller must not keep it. Errors are the
    /// sink's own.
    pub fn read_into(
        &self,
        rename: Option<&str>,
        sink: &mut dyn Sink,
    ) -> crate::error::Result<Vec<Problem>> {
        let name = self.path.display().to_string();
        match self.format {
            Format::Csv | Format::Tsv => text::read_into(&self.path, &self.text, rename, sink),
            _ => match deckfile::read(&name, &self.text, rename) {
                Ok(d) => sink.content(d).map(|()| Vec::new()),
                Err(p) => Ok(p),
            },
        }
    }
}

/// Opens one file to import: reads it and tells what it holds.
pub fn open(path: &Path) -> Result<Opened, Vec<Problem>> {
    let text = read_text(path)?;
    let name = path.display().to_string();
    match detect(path, &text) {
        Format::Json => backup::read(&name, &text).map(|d| Opened::Backup(Box::new(d))),
        Format::Apkg => Err(problem(&name, None, "cannot import an Anki package")),
        format => Ok(Opened::Decks(Source {
            path: path.to_path_buf(),
            text,
            format,
        })),
    }
}

/// Reads one file to import whole. `deck` renames the deck it holds.
pub fn read(path: &Path, deck: Option<&str>) -> Result<Payload, Vec<Problem>> {
    match open(path)? {
        Opened::Backup(b) => Ok(Payload::Backup(b)),
        Opened::Decks(src) => {
            let mut decks: Vec<DeckContent> = Vec::new();
            match src.read_into(deck, &mut decks) {
                Ok(p) if p.is_empty() => Ok(Payload::Decks(decks)),
                Ok(p) => Err(p),
                Err(e) => Err(problem(
                    &src.path.display().to_string(),
                    None,
                    e.to_string(),
                )),
            }
        }
    }
}
