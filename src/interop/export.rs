//! Export, whatever the format: which writer a request goes to, where its
//! bytes go (a file written atomically, a folder of deck files, or standard
//! output), and what a progress display is told on the way. CSV, TSV and
//! Anki packages are written as their rows are read; a deck file and a JSON
//! backup are built whole first.

use super::{Format, apkg, atomic, backup, deckfile, text};
use crate::clock::Clock;
use crate::collection::Collection;
use crate::collection::dump::DumpRow;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What to export, and where to.
pub struct Request<'a> {
    pub format: Format,
    /// Only this deck; every deck when `None`.
    pub deck: Option<i64>,
    /// Standard output when `None`.
    pub out: Option<&'a Path>,
    /// Anki packages only: scheduling state and review history.
    pub with_progress: bool,
    /// Stamps the backup's creation time and the package's ids and dates.
    pub clock: &'a Clock,
}

/// What was written, for the message after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written {
    /// One file, or standard output.
    Output,
    /// One deck file per deck, in `dir`.
    DeckFiles {
        count: usize,
        dir: PathBuf,
    },
    Package(apkg::Summary),
}

/// What an export is busy with, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    /// Notes written to a CSV or TSV file as they are read.
    Notes,
    /// Cards written to an Anki package; compressing follows the last one.
    Cards,
    /// A whole backup, serialized at once: no steps to count.
    Backup,
}

/// Shows an export's progress. The work is counted (a query of its own) only
/// when [`Progress::shown`] says the count will be seen.
pub trait Progress {
    /// Whether progress is shown at all; `to_stdout` when the export goes
    /// to standard output, which may share the terminal.
    fn shown(&self, to_stdout: bool) -> bool;
    fn start(&mut self, work: Work, total: u64);
    fn advance(&mut self, n: u64);
    fn finish(&mut self);
}

/// Why an export failed. The causes are kept as they came, not folded into
/// one message, so the command can still tell a closed pipe or a full disk
/// by its type.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The request cannot be met as asked; the message says what to ask.
    #[error("{0}")]
    Refused(String),
    #[error("creating {}", dir.display())]
    Creating {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Core(#[from] crate::error::Error),
    #[error(transparent)]
    Writing(#[from] Box<atomic::WriteError<ExportError>>),
}

type Result<T> = std::result::Result<T, ExportError>;

/// Writes `req` from `col` in its format.
pub fn export(col: &Collection, req: &Request, progress: &mut dyn Progress) -> Result<Written> {
    match req.format {
        Format::Deck => deck_files(col, req),
        Format::Csv => text_file(col, req, b',', progress),
        Format::Tsv => text_file(col, req, b'\t', progress),
        Format::Json => backup_file(col, req, progress),
        Format::Apkg => package(col, req, progress),
    }
}

/// Writes `path` atomically (see [`atomic::write`]).
fn to_file(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> Result<()>,
) -> Result<()> {
    atomic::write(path, write).map_err(|e| ExportError::Writing(Box::new(e)))
}

/// Writes what `write` produces to `out` (see [`to_file`]) or to standard
/// output, without building it in memory.
fn to_output(out: Option<&Path>, write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    match out {
        Some(path) => to_file(path, |w| write(w)),
        None => {
            let mut o = std::io::BufWriter::with_capacity(atomic::BUFFER, std::io::stdout().lock());
            write(&mut o)?;
            o.flush()?;
            Ok(())
        }
    }
}

fn write_all(out: Option<&Path>, data: &str) -> Result<()> {
    to_output(out, |w| Ok(w.write_all(data.as_bytes())?))
}

/// One deck to `out`, or every deck to a file of its own in the folder
/// `out`: a deck file holds one deck.
fn deck_files(col: &Collection, req: &Request) -> Result<Written> {
    let decks = col.deck_notes(req.deck)?;
    if req.deck.is_some() {
        let d = decks
            .first()
            .ok_or_else(|| ExportError::Refused("deck not found".into()))?;
        write_all(req.out, &deckfile::write(d)?)?;
        return Ok(Written::Output);
    }
    let Some(dir) = req.out else {
        return Err(ExportError::Refused(
            "deck files hold one deck each: choose one with --deck NAME, or give -o FOLDER for one file per deck".into(),
        ));
    };
    std::fs::create_dir_all(dir).map_err(|source| ExportError::Creating {
        dir: dir.to_path_buf(),
        source,
    })?;
    for (i, d) in decks.iter().enumerate() {
        let text = deckfile::write(d)?;
        write_all(Some(&dir.join(deckfile::file_name(i, &d.name))), &text)?;
    }
    Ok(Written::DeckFiles {
        count: decks.len(),
        dir: dir.to_path_buf(),
    })
}

/// CSV or TSV: each note goes from the collection to the file as it is read.
fn text_file(
    col: &Collection,
    req: &Request,
    separator: u8,
    progress: &mut dyn Progress,
) -> Result<Written> {
    let decks = col.export_decks(req.deck)?;
    if progress.shown(req.out.is_none()) {
        progress.start(Work::Notes, col.live_notes(req.deck)?);
    }
    let done = to_output(req.out, |w| {
        let mut file = text::Writer::new(w, separator)?;
        col.each_note(&decks, &mut |d, id, note| {
            let spec = note.spec(&id)?;
            file.note(&d.name, &id, &spec)?;
            progress.advance(1);
            Ok(())
        })?;
        Ok(file.finish()?)
    });
    progress.finish();
    done.map(|()| Written::Output)
}

/// The whole collection with its history; a backup is never of one deck.
fn backup_file(col: &Collection, req: &Request, progress: &mut dyn Progress) -> Result<Written> {
    if req.deck.is_some() {
        return Err(ExportError::Refused(
            "a JSON backup holds the whole collection with its history; leave out --deck (or use --format deck)".into(),
        ));
    }
    let created = req.clock.now().to_rfc3339();
    if progress.shown(req.out.is_none()) {
        progress.start(Work::Backup, col.cards_total()?);
    }
    // Row by row from the collection into the file: the whole collection
    // as rows and then as text took hundreds of MB at a million cards.
    let done = to_output(req.out, |w| {
        let (mut out, mut file) = (Some(w), None);
        col.dump_each(&mut |row| {
            match (row, file.as_mut()) {
                (DumpRow::Head(config, decks), _) => {
                    if let Some(w) = out.take() {
                        file = Some(backup::Writer::start(w, &created, config, decks)?);
                    }
                }
                (row, Some(f)) => {
                    let card = matches!(row, DumpRow::Card(_));
                    f.row(row)?;
                    if card {
                        progress.advance(1);
                    }
                }
                (_, None) => {}
            }
            Ok(())
        })?;
        if let Some(f) = file {
            f.finish()?;
        }
        Ok(())
    });
    progress.finish();
    done.map(|()| Written::Output)
}

/// An Anki package: a binary file, never standard output.
fn package(col: &Collection, req: &Request, progress: &mut dyn Progress) -> Result<Written> {
    let Some(path) = req.out else {
        return Err(ExportError::Refused(
            "an Anki package is a binary file: give -o FILE.apkg".into(),
        ));
    };
    let opts = apkg::Options {
        with_progress: req.with_progress,
        now_ms: req.clock.now().timestamp_millis(),
        today: req.clock.today(col.config().day_starts_at),
        config: *col.config(),
    };
    if progress.shown(false) {
        progress.start(Work::Cards, col.package_cards(req.deck)?);
    }
    // The scratch collection goes beside the package, on the same disk.
    let scratch = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    let mut summary = None;
    let written = to_file(path, |w| {
        let tick = &mut |n| progress.advance(n);
        summary = Some(apkg::write(col, req.deck, &opts, scratch, w, tick)?);
        Ok(())
    });
    progress.finish();
    written?;
    summary.map(Written::Package).ok_or_else(|| {
        ExportError::Refused(format!("exporting {}: nothing written", path.display()))
    })
}
