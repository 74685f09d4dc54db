//! The Py201 decks compiled into the binary (see build.rs), and keeping a
//! collection in step with them.

use super::parse_all;
use crate::collection::{Collection, overrides, sync::SyncReport};
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

/// What bringing the built-in decks up to date did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Update {
    pub report: SyncReport,
    /// Cards the learner edited whose built-in text changed: their edit is
    /// kept, and `py201 show` says the built-in text changed.
    pub edited_changed: Vec<String>,
}

/// Brings the collection's built-in decks up to this binary's version, unless
/// they already are (one indexed read when nothing changed). The learner's
/// edits of built-in cards and their tags on them are kept, in the same
/// transaction (`collection::overrides`). `now_ms` dates a change found
/// under an edit.
pub fn ensure(col: &mut Collection, now_ms: i64) -> Result<Option<Update>> {
    if col.meta(HASH_KEY)?.as_deref() == Some(BUILTIN_HASH) {
        return Ok(None);
    }
    let decks = decks().map_err(Error::BuiltinDecks)?;
    let deck_tags = decks
        .iter()
        .flat_map(|d| &d.cards)
        .map(|c| (c.uid.as_str(), c.tags.join(" ")))
        .collect();
    let mut edited_changed = Vec::new();
    let report = col.sync_with(true, false, &mut |_| {}, |sync| {
        let lifted = overrides::lift(sync.tx(), &deck_tags)?;
        for d in &decks {
            sync.deck_content(d)?;
        }
        // The cards must be written before the learner's text goes back.
        sync.flush_all()?;
        edited_changed = overrides::restore(sync.tx(), lifted, now_ms)?;
        Ok(true)
    })?;
    col.set_meta(HASH_KEY, BUILTIN_HASH)?;
    Ok(Some(Update {
        report,
        edited_changed,
    }))
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
