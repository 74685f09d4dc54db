//! Import and export formats, one module per format. Each reads a file into
//! the same domain types (`DeckContent`, or a whole collection's rows), so
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
pub mod guard;
pub mod html;
pub mod import;
pub mod text;

use crate::decks::{DeckBuilder, NoteSpec, StreamIds};
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
    /// A JSON backup, checked, to be read again row by row.
    Backup(backup::Checked),
}

/// The file cannot be imported at all: one problem, with no line unless
/// `line` is one.
fn unreadable(file: &str, line: Option<usize>, why: impl Into<String>) -> Error {
    Error::Import(Problems::one(file, line, Why::Unreadable(why.into())))
}

/// How much of a file is read to tell what it holds.
const HEAD: usize = 64 * 1024;

/// The largest deck file read. A deck file (TOML) is parsed whole, and its
/// parse takes several times its size in memory; a deck written by hand is
/// far smaller (the largest built-in deck is 48 KiB), and a larger set of
/// cards imports as CSV/TSV, which is read a row at a time.
pub const MAX_DECK_FILE: u64 = 1 << 20;

/// `path` opened to import, with its length.
fn open_file(path: &Path, name: &str) -> Result<(std::fs::File, u64)> {
    let cannot = |e: std::io::Error| unreadable(name, None, format!("cannot read: {e}"));
    let meta = std::fs::metadata(path).map_err(cannot)?;
    if meta.is_dir() {
        return Err(unreadable(
            name,
            None,
            "is a directory, not a file to import",
        ));
    }
    let file = std::fs::File::open(path).map_err(cannot)?;
    Ok((file, meta.len()))
}

/// The first [`HEAD`] bytes of `file` (all of it if shorter), refused if
/// they cannot start a deck, CSV or backup; `file` is left at its start.
fn read_head(name: &str, file: &mut std::fs::File) -> Result<Vec<u8>> {
    use std::io::{Read, Seek};
    let cannot = |e: std::io::Error| unreadable(name, None, format!("cannot read: {e}"));
    let mut head = Vec::with_capacity(HEAD);
    file.by_ref()
        .take(HEAD as u64)
        .read_to_end(&mut head)
        .map_err(cannot)?;
    file.rewind().map_err(cannot)?;
    if head.len() < HEAD && head.iter().all(u8::is_ascii_whitespace) {
        return Err(unreadable(name, None, "is empty: nothing to import"));
    }
    if head.starts_with(b"PK\x03\x04") {
        // Anki packages are opened before this (`anki::is_zip`).
        let why = "is a zip archive, not a deck file, CSV/TSV or JSON backup";
        return Err(unreadable(name, None, why));
    }
    if head.iter().take(8192).any(|&b| b == 0) {
        return Err(unreadable(
            name,
            None,
            "is a binary file, not a deck file, CSV/TSV or JSON backup",
        ));
    }
    Ok(head)
}

/// Reads a deck file to parse whole through a
/// [`guard::Guarded`] reader, so a line or string too long for any card is
/// refused as soon as it is read.
fn read_whole(name: &str, file: std::fs::File, shape: guard::Shape) -> Result<String> {
    use std::io::Read;
    let mut text = String::new();
    let mut guarded = guard::Guarded::new(std::io::BufReader::new(file), shape, 1, name);
    match guarded.read_to_string(&mut text) {
        Ok(_) => Ok(text),
        Err(e) => Err(guarded
            .refused()
            .unwrap_or_else(|| unreadable(name, None, format!("cannot read: {e}")))),
    }
}

/// Picks the format from the extension, then from the content (`text`, the
/// start of the file).
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

/// The decks a reader streams into a [`Sink`], each with the builder that
/// checks its notes; the builders share one memory of the latest card ids
/// (see [`StreamIds`]).
#[derive(Default)]
pub struct StreamedDecks {
    /// Per deck: its sink handle and its builder.
    decks: std::collections::BTreeMap<String, (usize, DeckBuilder)>,
    ids: StreamIds,
}

impl StreamedDecks {
    /// Checks the note (which starts on `line` of `file`) with its deck's
    /// builder and writes it with its cards; a deck's first note opens the
    /// deck in `sink`.
    pub fn add(
        &mut self,
        file: &str,
        deck: String,
        line: usize,
        spec: NoteSpec,
        sink: &mut dyn Sink,
    ) -> Result<()> {
        use std::collections::btree_map::Entry;
        let (handle, builder) = match self.decks.entry(deck) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => {
                let builder = DeckBuilder::streaming(file, e.key(), String::new(), &self.ids);
                let handle = sink.deck(builder.name(), "")?;
                e.insert((handle, builder))
            }
        };
        builder.push(line, spec);
        if let Some((note, cards)) = builder.take() {
            sink.note(*handle, note)?;
            for c in cards {
                sink.card(*handle, c)?;
            }
        }
        Ok(())
    }

    /// Each deck's problems, the decks in name order.
    pub fn finish(self) -> Problems {
        let mut problems = Problems::default();
        for (_, (_, builder)) in self.decks {
            problems.extend(builder.finish().1);
        }
        problems
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
    /// A JSON backup, every row checked and counted (none kept), to be
    /// read again into the restore ([`backup::Checked::read_each`]).
    Backup(backup::Checked),
}

/// A deck, CSV or TSV file, or an Anki package, not yet turned into decks.
#[derive(Debug)]
pub struct Source {
    path: PathBuf,
    body: Body,
}

/// What a [`Source`] reads its decks from.
#[derive(Debug)]
enum Body {
    /// A deck file's text, parsed whole.
    Deck(String),
    /// A CSV/TSV file, read from the file a row at a time.
    Rows,
    /// An Anki package's collection, opened (behind a lock: the file is
    /// read on another thread, and a connection is used by one at a time).
    Package(Box<std::sync::Mutex<anki::Package>>),
}

impl Source {
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// About how many notes the file holds, for a progress bar: its
    /// `[[cards]]` entries, or its rows (a multi-line field counts more
    /// than once; the bar is cleared at the end either way).
    pub fn notes(&self) -> usize {
        match &self.body {
            Body::Deck(text) => text.lines().filter(|l| l.trim() == "[[cards]]").count(),
            Body::Rows => count_rows(&self.path),
            Body::Package(p) => p.lock().map_or(0, |p| p.notes()),
        }
    }

    /// Reads the decks into `sink`, `rename` naming the deck they go to.
    /// Fails with [`Error::Import`] listing the problems found: the sink
    /// then holds part of the file at most, and the caller must not keep
    /// it. Other errors are the sink's own.
    pub fn read_into(&self, rename: Option<&str>, sink: &mut dyn Sink) -> Result<()> {
        let name = self.path.display().to_string();
        match &self.body {
            Body::Rows => {
                let (file, _) = open_file(&self.path, &name)?;
                text::read_into(&self.path, file, rename, sink)
            }
            Body::Deck(text) => sink.content(deckfile::read(&name, text, rename)?),
            Body::Package(p) => {
                let p = p.lock().map_err(|_| Error::ReaderStopped)?;
                anki::read_into(&p, &name, rename, sink)
            }
        }
    }

    /// Whether the file may hold scheduling state and review history (an
    /// Anki package): see [`Source::progress`].
    pub fn has_progress(&self) -> bool {
        self.package().is_some()
    }

    /// The Anki package this source is, if it is one.
    fn package(&self) -> Option<&std::sync::Mutex<anki::Package>> {
        match &self.body {
            Body::Package(p) => Some(p),
            _ => None,
        }
    }

    /// Writes through `w` the scheduling state and review log of each card
    /// the file knows them for: an Anki package's cards; other files have
    /// none.
    pub fn progress(
        &self,
        rollover: u8,
        w: &mut crate::collection::sync::progress::ProgressWriter,
    ) -> Result<()> {
        let Some(p) = self.package() else {
            return Ok(());
        };
        let p = p.lock().map_err(|_| Error::ReaderStopped)?;
        w.next_source()?;
        anki::progress::write(&p, &self.path.display().to_string(), rollover, w)
    }

    /// What the import should say about this file besides its cards: the
    /// media files of an Anki package, which are not kept, and whether its
    /// collection scheduled with FSRS.
    pub fn note(&self) -> Option<String> {
        let p = self.package()?.lock().ok()?;
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

/// The lines of a CSV/TSV file that are not blank or `#` headers, read in
/// chunks (a line may be any length). 0 if it cannot be read.
fn count_rows(path: &Path) -> usize {
    use std::io::Read;
    let Ok(mut file) = std::fs::File::open(path) else {
        return 0;
    };
    let mut buf = vec![0; HEAD];
    let (mut rows, mut start, mut header, mut content) = (0, true, false, false);
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        for &b in &buf[..n] {
            if b == b'\n' {
                rows += usize::from(content && !header);
                (start, header, content) = (true, false, false);
                continue;
            }
            header |= start && b == b'#';
            content |= !b.is_ascii_whitespace();
            start = false;
        }
    }
    rows + usize::from(content && !header)
}

/// Opens one file to import: reads as much of it as tells what it holds
/// (a deck file whole, a backup once through to check it, a CSV/TSV file
/// only its start).
pub fn open(path: &Path) -> Result<Opened> {
    let name = path.display().to_string();
    // Anki packages are told by their content, whatever the extension.
    if anki::is_zip(path) {
        let package = anki::open(path, &name)?;
        return Ok(Opened::Decks(Source {
            path: path.to_path_buf(),
            body: Body::Package(Box::new(std::sync::Mutex::new(package))),
        }));
    }
    let (mut file, len) = open_file(path, &name)?;
    let head = read_head(&name, &mut file)?;
    let valid = match std::str::from_utf8(&head) {
        Ok(s) => s,
        // Checked in full as the file is read; a cut-off character at the
        // end of the head is not an error.
        Err(e) => std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default(),
    };
    let body = match detect(path, valid) {
        // Read from the file in two passes, never whole (see `backup`).
        Format::Json => return backup::check(path, &name).map(Opened::Backup),
        // A zip is opened above; an .apkg name on anything else is refused
        // by what it holds, as for any other file.
        Format::Apkg => {
            return Err(unreadable(
                &name,
                None,
                "is not an Anki package (not a zip archive)",
            ));
        }
        Format::Csv | Format::Tsv => Body::Rows,
        Format::Deck if len > MAX_DECK_FILE => {
            let why = format!(
                "is {:.1} MiB; a deck file is read whole and holds at most {} MiB: split it into smaller decks, or import its cards as CSV/TSV",
                len as f64 / f64::from(1 << 20),
                MAX_DECK_FILE >> 20
            );
            return Err(unreadable(&name, None, why));
        }
        Format::Deck => Body::Deck(read_whole(&name, file, guard::Shape::Lines)?),
    };
    Ok(Opened::Decks(Source {
        path: path.to_path_buf(),
        body,
    }))
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
