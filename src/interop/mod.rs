//! Import and export formats, one module per format. Each reads a file into
//! the same domain types (`DeckContent`, or a whole-collection `Dump`), so
//! the collection never knows which file a card came from.

pub mod apkg;
pub mod backup;
pub mod deckfile;
pub mod text;

use crate::decks::Problem;
use crate::model::DeckContent;
use std::path::Path;

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

/// Reads one file to import. `deck` renames the deck it holds.
pub fn read(path: &Path, deck: Option<&str>) -> Result<Payload, Vec<Problem>> {
    let text = read_text(path)?;
    let name = path.display().to_string();
    match detect(path, &text) {
        Format::Deck => deckfile::read(&name, &text, deck).map(|d| Payload::Decks(vec![d])),
        Format::Csv | Format::Tsv => text::read(path, &text, deck).map(Payload::Decks),
        Format::Json => backup::read(&name, &text).map(|d| Payload::Backup(Box::new(d))),
        Format::Apkg => Err(problem(&name, None, "cannot import an Anki package")),
    }
}
