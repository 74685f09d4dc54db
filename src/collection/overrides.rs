//! The learner's own text for built-in cards (`py201 edit` of a card py201
//! ships), kept in `card_overrides` (schema 10) beside the built-in text it
//! was made from, and the learner's tags on built-in cards, so that neither
//! is lost when a newer py201 brings its decks up to date.
//!
//! `cards` always holds what the learner sees (their text where they edited
//! one). A deck update runs inside the one transaction of the deck sync:
//! [`lift`] first puts each edited card back to its built-in base, so the
//! sync compares built-in text with built-in text and counts a real change
//! only; [`restore`] then puts the learner's text back and, where the
//! built-in text under an edit changed, takes the new text as the base,
//! notes when, and returns the card so the update can say so. Nothing of
//! the learner's is overwritten silently.

use super::Collection;
use super::cards::Card;
use crate::error::{Error, Result};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use std::collections::HashMap;

/// A card's text as an edit or a deck gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub front: String,
    pub back: String,
    pub code: Option<String>,
    pub tags: String,
}

/// A built-in card the learner edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    /// The built-in text the learner's is made from (the newest one).
    pub base: Text,
    pub edited_ms: i64,
    /// When a deck update changed the built-in text under the edit.
    pub upstream_ms: Option<i64>,
}

/// What [`lift`] set aside: the tags each built-in card had, by id.
pub struct Lifted {
    tags: HashMap<i64, String>,
}

/// Before a built-in deck update, in its transaction: edited cards get
/// their base text back, and the tags of every built-in card are noted.
/// A card whose tags only add to those `deck_tags` (the update's, by card
/// id) gives it the update's for now, so the sync does not count the
/// learner's tags as a change py201 made.
pub fn lift(conn: &Connection, deck_tags: &HashMap<&str, String>) -> Result<Lifted> {
    conn.execute(
        "UPDATE cards SET front = o.base_front, back = o.base_back, code = o.base_code,
             tags = o.base_tags
         FROM card_overrides o WHERE cards.id = o.card_id",
        [],
    )?;
    let mut stmt = conn.prepare(
        "SELECT c.id, c.uid, c.tags FROM cards c JOIN decks d ON d.id = c.deck_id
         WHERE d.builtin = 1 AND c.tags <> ''
           AND c.id NOT IN (SELECT card_id FROM card_overrides)",
    )?;
    let cards: Vec<(i64, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut set = conn.prepare_cached("UPDATE cards SET tags = ?2 WHERE id = ?1")?;
    let mut tags = HashMap::new();
    for (id, uid, had) in cards {
        if let Some(theirs) = deck_tags.get(uid.as_str()) {
            if union(&had, theirs) == had && *theirs != had {
                set.execute(params![id, theirs])?;
            }
        }
        tags.insert(id, had);
    }
    Ok(Lifted { tags })
}

/// After the update, in the same transaction: each built-in card keeps
/// every tag it had (a learner's tag, `leech` included, outlives the
/// update; a tag py201 dropped stays where it was until the learner removes
/// it), and each edited card its learner's text. Returns the ids of the
/// edited cards whose built-in text changed.
pub fn restore(conn: &Connection, lifted: Lifted, now_ms: i64) -> Result<Vec<String>> {
    let mut update =
        conn.prepare_cached("UPDATE cards SET tags = ?2 WHERE id = ?1 AND tags <> ?2")?;
    let mut read = conn.prepare_cached("SELECT tags FROM cards WHERE id = ?1")?;
    for (id, had) in lifted.tags {
        let Some(now): Option<String> = read.query_row([id], |r| r.get(0)).optional()? else {
            continue;
        };
        update.execute(params![id, union(&now, &had)])?;
    }
    let changed = changed_bases(conn)?;
    let mut rebase = conn.prepare_cached(
        "UPDATE card_overrides SET base_front = c.front, base_back = c.back, base_code = c.code,
             base_tags = c.tags, upstream_ms = ?2
         FROM cards c WHERE c.id = card_overrides.card_id AND card_overrides.card_id = ?1",
    )?;
    for (id, _) in &changed {
        rebase.execute(params![id, now_ms])?;
    }
    conn.execute(
        "UPDATE cards SET front = o.front, back = o.back, code = o.code, tags = o.tags
         FROM card_overrides o WHERE cards.id = o.card_id",
        [],
    )?;
    Ok(changed.into_iter().map(|(_, uid)| uid).collect())
}

/// Edited cards whose built-in text (now in `cards`) is not their base.
fn changed_bases(conn: &Connection) -> Result<Vec<(i64, String)>> {
    let mut stmt = conn.prepare(
        "SELECT c.id, c.uid FROM cards c JOIN card_overrides o ON o.card_id = c.id
         WHERE c.front IS NOT o.base_front OR c.back IS NOT o.base_back
            OR c.code IS NOT o.base_code OR c.tags IS NOT o.base_tags
         ORDER BY c.position",
    )?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// `now`'s tags, then those of `had` it lacks, in their order.
fn union(now: &str, had: &str) -> String {
    let mut tags: Vec<&str> = now.split_whitespace().collect();
    for t in had.split_whitespace() {
        if !tags.contains(&t) {
            tags.push(t);
        }
    }
    tags.join(" ")
}

impl Collection {
    /// The learner's edit of built-in card `id`, if any.
    pub fn override_of(&self, id: i64) -> Result<Option<Override>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT base_front, base_back, base_code, base_tags, edited_ms, upstream_ms
                 FROM card_overrides WHERE card_id = ?1",
            )?
            .query_row([id], |r| {
                Ok(Override {
                    base: Text {
                        front: r.get(0)?,
                        back: r.get(1)?,
                        code: r.get(2)?,
                        tags: r.get(3)?,
                    },
                    edited_ms: r.get(4)?,
                    upstream_ms: r.get(5)?,
                })
            })
            .optional()?)
    }

    /// Gives built-in card `card` the learner's `text`, in one transaction:
    /// the card shows it from now on, and the built-in text it replaces is
    /// kept as its base (the first edit's; later edits keep that base).
    pub fn override_card(&mut self, card: &Card, text: &Text, now_ms: i64) -> Result<()> {
        if text.front.trim().is_empty() || text.back.trim().is_empty() {
            return Err(Error::BadValue(
                "edit: a card needs a front and a back".into(),
            ));
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        record(&tx, card.id, text, now_ms)?;
        tx.execute(
            "UPDATE cards SET front = ?2, back = ?3, code = ?4, tags = ?5, modified_ms = ?6
             WHERE id = ?1",
            params![card.id, text.front, text.back, text.code, text.tags, now_ms],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Drops the learner's edit of built-in card `id`: it shows the
    /// built-in text again (the newest py201 brought), modified at `now_ms`.
    /// Returns whether it had one.
    pub fn revert_override(&mut self, id: i64, now_ms: i64) -> Result<bool> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "UPDATE cards SET front = o.base_front, back = o.base_back, code = o.base_code,
                 tags = o.base_tags, modified_ms = ?2
             FROM card_overrides o WHERE cards.id = o.card_id AND o.card_id = ?1",
            params![id, now_ms],
        )?;
        let had = tx.execute("DELETE FROM card_overrides WHERE card_id = ?1", [id])? == 1;
        tx.commit()?;
        Ok(had)
    }
}

/// Records `text` as the learner's edit of built-in card `id`, made at
/// `at_ms`, before the card's row takes it: the text the card shows now is
/// kept as the edit's base (the first edit's; later edits keep that base).
/// Used by `edit` and by a sync bringing another device's edit.
pub(crate) fn record(conn: &Connection, id: i64, text: &Text, at_ms: i64) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO card_overrides (card_id, front, back, code, tags,
             base_front, base_back, base_code, base_tags, edited_ms)
         SELECT id, ?2, ?3, ?4, ?5, front, back, code, tags, ?6 FROM cards WHERE id = ?1
         ON CONFLICT (card_id) DO UPDATE SET front = excluded.front, back = excluded.back,
             code = excluded.code, tags = excluded.tags, edited_ms = excluded.edited_ms",
    )?
    .execute(params![
        id, text.front, text.back, text.code, text.tags, at_ms
    ])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::union;

    #[test]
    fn tags_are_united_in_order() {
        assert_eq!(union("a b", "b leech"), "a b leech");
        assert_eq!(union("", "mine"), "mine");
        assert_eq!(union("a", ""), "a");
    }
}
