//! Card content as the rest of py201 sees it, apart from any file format
//! (deck files, CSV, backups) and from the database layout.

use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CardKind {
    /// Question and answer.
    Basic,
    /// One card per deletion number of a `{{c1::...}}` text.
    Cloze,
    /// The learner types the answer; py201 compares it before grading.
    Typed,
}

impl CardKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CardKind::Basic => "basic",
            CardKind::Cloze => "cloze",
            CardKind::Typed => "typed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "basic" => Some(CardKind::Basic),
            "cloze" => Some(CardKind::Cloze),
            "typed" => Some(CardKind::Typed),
            _ => None,
        }
    }
}

impl fmt::Display for CardKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The content of one reviewable card (a cloze note becomes several).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardContent {
    pub uid: String,
    /// The id of the note (deck-file entry) this card comes from.
    pub note: String,
    pub kind: CardKind,
    pub front: String,
    pub back: String,
    pub code: Option<String>,
    pub tags: Vec<String>,
    pub source: String,
}

/// A deck and its cards in order, ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeckContent {
    pub name: String,
    pub description: String,
    pub cards: Vec<CardContent>,
    pub notes: Vec<NoteContent>,
}

/// A note as its author wrote it (one `[[cards]]` entry of a deck file), kept
/// so a deck can be exported exactly as it was imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteContent {
    pub id: String,
    /// The note's fields as JSON (the deck format's `NoteSpec`), or empty
    /// when the note is exactly what its one card gives back
    /// (`NoteSpec::of_card`): then the card is the only copy.
    pub fields: String,
}
