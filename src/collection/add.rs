//! `py201 add`: one card of the learner's own, written straight into a deck
//! of theirs (made on first use), after the cards already there. The card
//! is its own note (no `notes` row), so `export --format deck` writes it
//! like any card of an imported deck. `py201 edit` changes the text of such
//! a card in place: its id, schedule and history stay.

use super::Collection;
use crate::error::{Error, Result};
use crate::model::CardKind;
use rusqlite::{OptionalExtension, TransactionBehavior, params};

/// Where a deck's cards start in course order: its position times this
/// (as deck files are stored, `sync::DECK_STRIDE`).
const DECK_STRIDE: i64 = 1_000_000;

/// A card to add, as the learner gave it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NewCard {
    pub deck: String,
    pub kind: Option<CardKind>,
    pub front: String,
    pub back: String,
    pub code: Option<String>,
    pub tags: Vec<String>,
    pub source: String,
    /// The id to give it; made from the front when absent.
    pub id: Option<String>,
}

/// A card id as deck files allow them: `[a-z0-9._-]`, at most 120 bytes.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 120
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_.".contains(&b))
}

/// An id made from the first words of `front`: `does-a-thread-blocked`.
fn id_from(front: &str) -> String {
    let words: Vec<String> = front
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(6)
        .map(str::to_ascii_lowercase)
        .collect();
    let id = words.join("-");
    if id.is_empty() { "card".into() } else { id }
}

impl NewCard {
    /// What is wrong with the card, in one line, before anything is written.
    pub fn check(&self) -> Result<()> {
        let bad = |why: &str| Err(Error::BadValue(why.into()));
        if self.deck.trim().is_empty() {
            return bad("add: the deck name is empty");
        }
        if self.front.trim().is_empty() || self.back.trim().is_empty() {
            return bad("add: a card needs a front and a back");
        }
        if self.kind == Some(CardKind::Cloze) {
            return bad(
                "add: cloze cards come from deck files (`py201 import`); use basic or typed",
            );
        }
        if self.code.is_some() && self.kind != Some(CardKind::Typed) {
            return bad(
                "add: a card with code must be typed (kind = \"typed\"): its back is what the code prints",
            );
        }
        if let Some(id) = self.id.as_deref().filter(|id| !valid_id(id)) {
            return Err(Error::BadValue(format!(
                "add: card id {id:?} may hold only a-z, 0-9, '.', '_' and '-'"
            )));
        }
        Ok(())
    }
}

impl Collection {
    /// Adds `card` to the learner's deck `card.deck` in one transaction;
    /// returns its id. A built-in deck is refused: its cards are py201's.
    /// `now_ms` is the card's modification time (sync's "the later edit wins").
    pub fn add_card(&mut self, card: &NewCard, now_ms: i64) -> Result<String> {
        card.check()?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (deck_id, deck_pos) = own_deck(&tx, card.deck.trim())?;
        let uid = match &card.id {
            Some(id) => {
                if taken(&tx, id)? {
                    return Err(Error::BadValue(format!(
                        "add: a card with id {id:?} exists already"
                    )));
                }
                id.clone()
            }
            None => free_id(&tx, &id_from(&card.front))?,
        };
        let position: i64 = tx.query_row(
            "SELECT coalesce(max(position) + 1, ?2) FROM cards WHERE deck_id = ?1",
            params![deck_id, deck_pos * DECK_STRIDE],
            |r| r.get(0),
        )?;
        tx.execute(
            "INSERT INTO cards (uid, note_id, deck_id, position, kind, front, back, code, tags, source,
                 modified_ms)
             VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                uid,
                deck_id,
                position,
                card.kind.unwrap_or(CardKind::Basic).as_str(),
                card.front.trim(),
                card.back.trim(),
                // As deck files store it: no trailing newline.
                card.code.as_deref().map(str::trim_end),
                card.tags.join(" "),
                card.source,
                now_ms
            ],
        )?;
        tx.commit()?;
        Ok(uid)
    }
}

impl Collection {
    /// Replaces the text (kind, front, back, code, tags) of the card `id`
    /// with `card`'s, in one transaction; its id, deck, schedule and
    /// history stay. Only a card of the learner's own decks that is its own
    /// note can change here: a built-in card is py201's, and a card whose
    /// deck-file entry holds more (a cloze text, a check, a hint) is edited
    /// in that file. `now_ms` becomes the card's modification time.
    pub fn edit_card(&mut self, id: i64, card: &NewCard, now_ms: i64) -> Result<()> {
        card.check()?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (uid, builtin, has_note): (String, bool, bool) = tx.query_row(
            "SELECT c.uid, d.builtin,
                    c.note_id <> c.uid OR EXISTS (SELECT 1 FROM notes n WHERE n.id = c.note_id)
             FROM cards c JOIN decks d ON d.id = c.deck_id WHERE c.id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        if builtin {
            return Err(Error::BadValue(format!(
                "edit: {uid} is a built-in card, kept in step with py201's decks; suspend it, or add your own version with `py201 add`"
            )));
        }
        if has_note {
            return Err(Error::BadValue(format!(
                "edit: {uid} comes from a deck-file entry with more than its text (a cloze, a check or a hint); edit that file and import it again"
            )));
        }
        tx.execute(
            "UPDATE cards SET kind = ?2, front = ?3, back = ?4, code = ?5, tags = ?6, modified_ms = ?7
             WHERE id = ?1",
            params![
                id,
                card.kind.unwrap_or(CardKind::Basic).as_str(),
                card.front.trim(),
                card.back.trim(),
                card.code.as_deref().map(str::trim_end),
                card.tags.join(" "),
                now_ms
            ],
        )?;
        tx.commit()?;
        Ok(())
    }
}

/// The learner's deck `deck` (row id, course position), made after their
/// other decks when it is new. A built-in deck is refused: its cards are
/// py201's.
fn own_deck(conn: &rusqlite::Connection, deck: &str) -> Result<(i64, i64)> {
    let found: Option<(i64, i64, bool)> = conn
        .prepare_cached("SELECT id, position, builtin FROM decks WHERE name = ?1 COLLATE NOCASE")?
        .query_row([deck], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    match found {
        Some((_, _, true)) => Err(Error::BadValue(format!(
            "add: deck {deck:?} is built in; add your card to a deck of your own (--deck \"My cards\")"
        ))),
        Some((id, pos, false)) => Ok((id, pos)),
        None => Ok(conn.query_row(
            "INSERT INTO decks (name, position, builtin)
             VALUES (?1, (SELECT coalesce(max(position) + 1, 1000) FROM decks WHERE builtin = 0), 0)
             RETURNING id, position",
            [deck],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?),
    }
}

fn taken(conn: &rusqlite::Connection, uid: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM cards WHERE uid = ?1")?
        .query_row([uid], |_| Ok(()))
        .optional()?
        .is_some())
}

/// `base`, or `base-2`, `base-3`, ... whichever is free.
fn free_id(conn: &rusqlite::Connection, base: &str) -> Result<String> {
    let mut id = base.to_string();
    let mut n = 2;
    while taken(conn, &id)? {
        id = format!("{base}-{n}");
        n += 1;
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_from_the_front_and_stay_free() {
        assert_eq!(
            id_from("Does a thread, blocked on I/O, hold the GIL?"),
            "does-a-thread-blocked-on-i"
        );
        assert_eq!(id_from("???"), "card");
        let mut col = Collection::in_memory().unwrap();
        let card = NewCard {
            deck: "Mine".into(),
            front: "What is a GIL?".into(),
            back: "A lock.".into(),
            ..NewCard::default()
        };
        assert_eq!(col.add_card(&card, 0).unwrap(), "what-is-a-gil");
        assert_eq!(col.add_card(&card, 0).unwrap(), "what-is-a-gil-2");
        let cards = col.cards(Some(col.deck_id("mine").unwrap())).unwrap();
        assert_eq!(cards.len(), 2);
        assert!(cards[0].state.is_new() && cards[1].front == "What is a GIL?");
    }
}
