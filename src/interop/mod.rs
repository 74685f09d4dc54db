//! Import and export formats, one module per format. Each reads a file into
//! the same domain types (`DeckContent`, or a whole-collection `Dump`), so
//! the collection never knows which file a card came from. `import` runs a
//! whole import over them; `export` sends an export to its format's writer;
//! `atomic` writes a file whole or not at all. Every failure is a
//! `crate::error::Error`; a file's problems are `Error::Import`, all of them
//! rather than the first.

pub mod anki;
pub mod apkg;
pub mod atomic;
pub mod backup;
pub mod deckfile;
pub mod export;
pub mod html;
pub mod import;
pub mod text;

use crate::error::{Error, Problems, Result, Why};
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
    Backup(Box<crate::collection::dump::Dump>),
}

/// The file cannot be imported at all: one problem, with no line unless
/// `line` is one.
fn unreadable(file: &str, line: Option<usize>, why: impl Into<String>) -> Error {
    Error::Import(Problems::one(file, line, Why::Unreadable(why.into())))
}

/// Reads `path` as UTF-8 text, refusing what cannot be a deck, CSV or backup.
pub fn read_text(path: &Path) -> Result<String> {
    let name = path.display().to_string();
    let meta = std::fs::metadata(path)
        .map_err(|e| unreadable(&name, None, format!("cannot read: {e}")))?;
    if meta.is_dir() {
        return Err(unreadable(
            &name,
            None,
            "is a directory, not a file to import",
        ));
    }
    let bytes =
        std::fs::read(path).map_err(|e| unreadable(&name, None, format!("cannot read: {e}")))?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(unreadable(&name, None, "is empty: nothing to import"));
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
        return Err(unreadable(&name, None, why));
    }
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return Err(unreadable(
            &name,
            None,
            "is a binary file, not a deck file, CSV/TSV or JSON backup",
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        unreadable(
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
    fn deck(&mut self, name: &str, description: &str) -> Result<usize>;
    fn note(&mut self, deck: usize, note: NoteContent) -> Result<()>;
    fn card(&mut self, deck: usize, card: CardContent) -> Result<()>;

    /// Notes and cards the sink is done with, for the thread that made
    /// them to free (see [`read_in_background`]); a sink that keeps what it
    /// is given has none.
    fn take_spent(&mut self) -> Vec<Spent> {
        Vec::new()
    }

    /// A whole deck: its notes, then its cards.
    fn content(&mut self, d: DeckContent) -> Result<()> {
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
    fn deck(&mut self, name: &str, description: &str) -> Result<usize> {
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

    fn note(&mut self, deck: usize, note: NoteContent) -> Result<()> {
        self[deck].notes.push(note);
        Ok(())
    }

    fn card(&mut self, deck: usize, card: CardContent) -> Result<()> {
        self[deck].cards.push(card);
        Ok(())
    }
}

impl Sink for crate::collection::sync::DeckSync<'_> {
    fn deck(&mut self, name: &str, description: &str) -> Result<usize> {
        crate::collection::sync::DeckSync::deck(self, name, description)
    }

    fn note(&mut self, deck: usize, note: NoteContent) -> Result<()> {
        crate::collection::sync::DeckSync::note(self, deck, note)
    }

    fn card(&mut self, deck: usize, card: CardContent) -> Result<()> {
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
    fn push(&mut self, call: Call) -> Result<()> {
        self.calls.push(call);
        if self.calls.len() >= CALLS_PER_MESSAGE {
            self.send()?;
        }
        Ok(())
    }

    fn send(&mut self) -> Result<()> {
        let mut buffer = None;
        for (calls, spent) in self.back.try_iter() {
            buffer = Some(calls);
            drop(spent);
        }
        let next = buffer.unwrap_or_else(|| Vec::with_capacity(CALLS_PER_MESSAGE));
        let calls = std::mem::replace(&mut self.calls, next);
        // The receiver is gone only when writing failed; its error is the
        // one reported.
        self.tx.send(calls).map_err(|_| Error::WriterStopped)
    }
}

impl Sink for Sender {
    fn deck(&mut self, name: &str, description: &str) -> Result<usize> {
        if let Some(i) = self.decks.iter().position(|d| d == name) {
            return Ok(i);
        }
        self.decks.push(name.to_string());
        self.push(Call::Deck(name.to_string(), description.to_string()))?;
        Ok(self.decks.len() - 1)
    }

    fn note(&mut self, deck: usize, note: NoteContent) -> Result<()> {
        self.push(Call::Note(deck, note))
    }

    fn card(&mut self, deck: usize, card: CardContent) -> Result<()> {
        self.push(Call::Card(deck, card))
    }
}

/// Reads `sources` into `sink` like [`Source::read_into`] each, but parses
/// on a second thread while this one writes: parsing and checking the rows
/// is a fifth of a large import, and the writing (SQLite) cannot be split.
/// Fails with [`Error::Import`] listing the problems found in every file.
///
/// The notes and cards the sink has written go back to the reading thread
/// to be freed, with each message's buffer for reuse: they were allocated
/// there, and freeing them on the writing thread (another malloc arena,
/// behind its lock) took a sixth of its time.
pub fn read_in_background(
    sources: &[Source],
    rename: Option<&str>,
    sink: &mut dyn Sink,
) -> Result<()> {
    std::thread::scope(|scope| {
        // A few messages in flight bound the memory the reader can run
        // ahead by.
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Call>>(4);
        let (back_tx, back) = std::sync::mpsc::channel();
        let reader = scope.spawn(move || -> Result<()> {
            let mut out = Sender {
                tx,
                back,
                calls: Vec::with_capacity(CALLS_PER_MESSAGE),
                decks: Vec::new(),
            };
            let mut problems = Problems::default();
            for s in sources {
                match s.read_into(rename, &mut out) {
                    Err(Error::Import(found)) => problems.extend(found),
                    other => other?,
                }
            }
            out.send()?;
            problems.into_result()
        });
        let mut decks: Vec<usize> = Vec::new();
        let written = (|| -> Result<()> {
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
        let read = reader.join().map_err(|_| Error::ReaderStopped)?;
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
    Backup(Box<crate::collection::dump::Dump>),
}

/// A deck, CSV or TSV file's text, or an Anki package, not yet turned
/// into decks.
#[derive(Debug)]
pub struct Source {
    path: PathBuf,
    text: String,
    format: Format,
    /// An Anki package's collection, opened (behind a lock: the file is
    /// read on another thread, and a connection is used by one at a time).
    package: Option<Box<std::sync::Mutex<anki::Package>>>,
}

impl Source {
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// About how many notes the file holds, for a progress bar: its
    /// `[[cards]]` entries, or its rows (a multi-line field counts more
    /// than once; the bar is cleared at the end either way).
    pub fn notes(&self) -> usize {
        if let Some(p) = &self.package {
            return p.lock().map_or(0, |p| p.notes());
        }
        let lines = self.text.lines();
        match self.format {
            Format::Csv | Format::Tsv => lines
                .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
                .count(),
            _ => lines.filter(|l| l.trim() == "[[cards]]").count(),
        }
    }

    /// Reads the decks into `sink`, `rename` naming the deck they go to.
    /// Fails with [`Error::Import`] listing the problems found: the sink
    /// then holds part of the file at most, and the caller must not keep
    /// it. Other errors are the sink's own.
    pub fn read_into(&self, rename: Option<&str>, sink: &mut dyn Sink) -> Result<()> {
        let name = self.path.display().to_string();
        if let Some(p) = &self.package {
            let p = p.lock().map_err(|_| Error::ReaderStopped)?;
            return anki::read_into(&p, &name, rename, sink);
        }
        match self.format {
            Format::Csv | Format::Tsv => text::read_into(&self.path, &self.text, rename, sink),
            _ => sink.content(deckfile::read(&name, &self.text, rename)?),
        }
    }

    /// Calls `f` with the scheduling state and review log of each card the
    /// file knows them for: an Anki package's cards; other files have none.
    pub fn progress(
        &self,
        rollover: u8,
        f: &mut dyn FnMut(crate::collection::sync::progress::CardProgress) -> Result<()>,
    ) -> Result<()> {
        let Some(p) = &self.package else {
            return Ok(());
        };
        let p = p.lock().map_err(|_| Error::ReaderStopped)?;
        anki::progress::for_each(&p, &self.path.display().to_string(), rollover, f)
    }

    /// What the import should say about this file besides its cards: the
    /// media files of an Anki package, which are not kept.
    pub fn note(&self) -> Option<String> {
        let p = self.package.as_ref()?.lock().ok()?;
        let mut lines = vec![];
        if p.media > 0 {
            lines.push(format!(
                "{}: {} media file{} skipped (py201 keeps text; a card says [image: NAME] or [sound: NAME] where one was)",
                self.path.display(),
                p.media,
                if p.media == 1 { "" } else { "s" }
            ));
        }
        if p.fsrs {
            lines.push(format!(
                "{}: this collection used FSRS in Anki; its cards' memory states are kept, and `--scheduler fsrs` (or `py201 config scheduler fsrs`) switches py201 to FSRS",
                self.path.display()
            ));
        }
        (!lines.is_empty()).then(|| lines.join("\n"))
    }
}

/// Opens one file to import: reads it and tells what it holds.
pub fn open(path: &Path) -> Result<Opened> {
    let name = path.display().to_string();
    // Anki packages are told by their content, whatever the extension.
    if anki::is_zip(path) {
        let package = anki::open(path, &name)?;
        return Ok(Opened::Decks(Source {
            path: path.to_path_buf(),
            text: String::new(),
            format: Format::Apkg,
            package: Some(Box::new(std::sync::Mutex::new(package))),
        }));
    }
    let text = read_text(path)?;
    match detect(path, &text) {
        Format::Json => backup::read(&name, &text).map(|d| Opened::Backup(Box::new(d))),
        Format::Apkg => Err(unreadable(&name, None, "cannot import an Anki package")),
        format => Ok(Opened::Decks(Source {
            path: path.to_path_buf(),
            text,
            format,
            package: None,
        })),
    }
}

/// Reads one file to import whole. `deck` renames the deck it holds.
pub fn read(path: &Path, deck: Option<&str>) -> Result<Payload> {
    match open(path)? {
        Opened::Backup(b) => Ok(Payload::Backup(b)),
        Opened::Decks(src) => {
            let mut decks: Vec<DeckContent> = Vec::new();
            src.read_into(deck, &mut decks)?;
            Ok(Payload::Decks(decks))
        }
    }
}
