//! The Py201 decks compiled into the binary (see build.rs), and keeping a
//! collection in step with them.

use super::parse_all;
use crate::collection::{Collection, sync::SyncReport};
use crate::error::{Error, Problems, Result};
use crate::model::DeckContent;

include!(concat!(env!("OUT_DIR"), "/builtin_decks.rs"));

const HASH_KEY: &str = "builtin_decks_hash";

/// The built-in decks, parsed. They are checked by the test suite, so a
/// failure here is a build defect; it is still reported, never a panic.
pub fn decks() -> std::result::Result<Vec<DeckContent>, Problems> {
    let files = BUILTIN_DECKS.iter().map(|(name, text)| (*name, *text));
    Ok(parse_all(files)?.into_iter().map(|d| d.content).collect())
}

/// Brings the collection's built-in decks up to this binary's version, unless
/// they already are (one indexed read when nothing changed).
pub fn ensure(col: &mut Collection) -> Result<Option<SyncReport>> {
    if col.meta(HASH_KEY)?.as_deref() == Some(BUILTIN_HASH) {
        return Ok(None);
    }
    let decks = decks().map_err(Error::BuiltinDecks)?;
    let report = col.sync_decks(&decks, true)?;
    col.set_meta(HASH_KEY, BUILTIN_HASH)?;
    Ok(Some(report))
}
