//! The deck file format (TOML) as an import and export format.

use crate::collection::export::DeckNotes;
use crate::decks::{NoteSpec, parse};
use crate::error::{Error, Result};
use crate::model::DeckContent;
use serde::Serialize;

pub fn read(file: &str, text: &str, rename: Option<&str>) -> Result<DeckContent> {
    let mut d = parse(file, text)?.content;
    if let Some(n) = rename {
        d.name = n.trim().to_string();
    }
    Ok(d)
}

#[derive(Serialize)]
struct Header<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
}

#[derive(Serialize)]
struct File<'a> {
    deck: Header<'a>,
    cards: Vec<NoteSpec>,
}

/// One deck as a deck file, its notes exactly as they were authored.
pub fn write(deck: &DeckNotes) -> Result<String> {
    let cards = deck
        .notes
        .iter()
        .map(|(id, note)| note.spec(id))
        .collect::<Result<Vec<_>>>()?;
    let file = File {
        deck: Header {
            name: &deck.name,
            description: &deck.description,
        },
        cards,
    };
    toml::to_string_pretty(&file).map_err(|e| Error::Encode(e.into()))
}

/// A file name for a deck: lowercase letters, digits and dashes.
pub fn file_name(position: usize, name: &str) -> String {
    let mut slug = String::new();
    for ch in name.chars() {
        if ch.is_ascii_alphanumeric() {
            slug.push(ch.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    format!("{:02}-{}.toml", position + 1, slug.trim_end_matches('-'))
}
