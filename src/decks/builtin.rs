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

#[cfg(test)]
mod tests {
    use super::BUILTIN_DECKS;
    use crate::decks::{PythonCheck, parse};

    /// The built-in decks' promise: every card with code is run by a check.
    #[test]
    fn every_built_in_deck_requires_python_checks() {
        for (name, text) in BUILTIN_DECKS {
            let deck = parse(name, text).unwrap_or_else(|p| panic!("{p:?}"));
            assert_eq!(deck.python_check, PythonCheck::Required, "{name}");
        }
    }

    /// A learner's own card with code needs no check, unless the deck asks.
    #[test]
    fn own_cards_with_code_need_a_check_only_when_the_deck_asks() {
        let card = "[[cards]]\nid = \"c\"\nfront = \"What does it print?\"\ncode = \"print(1)\"\nback = \"1\"\n";
        let own = format!("[deck]\nname = \"Mine\"\n\n{card}");
        assert!(parse("own.toml", &own).is_ok());
        let strict = format!("[deck]\nname = \"Mine\"\npython-check = \"required\"\n\n{card}");
        let problems = parse("strict.toml", &strict).unwrap_err();
        assert!(
            format!("{problems:?}").contains("needs a [cards.check]"),
            "{problems:?}"
        );
        let bad = format!("[deck]\nname = \"Mine\"\npython-check = \"always\"\n\n{card}");
        assert!(parse("bad.toml", &bad).is_err());
    }
}
