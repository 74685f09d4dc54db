//! The decks of a collection as the learner manages them: their names,
//! renaming their own, turning any deck off and on. Their counts are in
//! `collection::counts`.

use super::{Collection, unknown_deck};
use crate::error::Result;
use rusqlite::OptionalExtension;

impl Collection {
    pub fn deck_names(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT name FROM decks ORDER BY position")?;
        let names = stmt
            .query_map([], |r| r.get("name"))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(names)
    }

    /// Renames the learner's own deck `old` to `new` (trimmed), in one
    /// statement; returns the new name. Built-in decks keep their names:
    /// py201 updates them by name. Cards, notes and history hang on the
    /// deck's id, so nothing else changes.
    pub fn rename_deck(&mut self, old: &str, new: &str) -> Result<String> {
        let id = self.deck_id(old)?;
        let fail = |why: &str| crate::error::Error::Rename {
            old: old.trim().to_string(),
            why: why.to_string(),
        };
        let new = new.trim();
        if new.is_empty() {
            return Err(fail("the new name is empty"));
        }
        let (builtin, taken): (bool, bool) = self.conn.query_row(
            "SELECT (SELECT builtin FROM decks WHERE id = ?1),
                    EXISTS (SELECT 1 FROM decks WHERE name = ?2 COLLATE NOCASE AND id <> ?1)",
            rusqlite::params![id, new],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if builtin {
            return Err(fail(
                "it is built in and kept in step with py201 by its name (`py201 suspend deck:NAME` sets its cards aside)",
            ));
        }
        if taken {
            return Err(fail(&format!("a deck named {new:?} exists already")));
        }
        self.conn.execute(
            "UPDATE decks SET name = ?2 WHERE id = ?1",
            rusqlite::params![id, new],
        )?;
        Ok(new.to_string())
    }

    /// Turns deck `name` off (or on again); returns its name as stored and
    /// whether it changed. Any deck may be turned off, built-in ones
    /// included: its cards keep their state and history, and the queue and
    /// the day's counts leave them out ([`ACTIVE`]) until it is on again.
    pub fn set_deck_off(&mut self, name: &str, off: bool) -> Result<(String, bool)> {
        let id = self.deck_id(name)?;
        let changed = self.conn.execute(
            "UPDATE decks SET off = ?2 WHERE id = ?1 AND off <> ?2",
            rusqlite::params![id, off],
        )? == 1;
        let name = self
            .conn
            .query_row("SELECT name FROM decks WHERE id = ?1", [id], |r| r.get(0))?;
        Ok((name, changed))
    }

    /// Whether deck `id` is one of py201's own.
    pub fn deck_is_builtin(&self, id: i64) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT builtin FROM decks WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?
            .unwrap_or(false))
    }

    /// Whether deck `id` is turned off.
    pub fn deck_is_off(&self, id: i64) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT off FROM decks WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?
            .unwrap_or(false))
    }

    /// The id of the deck called `name` (case-insensitive), or an error listing the decks.
    pub fn deck_id(&self, name: &str) -> Result<i64> {
        self.conn
            .prepare_cached("SELECT id FROM decks WHERE name = ?1 COLLATE NOCASE")?
            .query_row([name.trim()], |r| r.get("id"))
            .optional()?
            .ok_or_else(|| unknown_deck(self, name))
    }
}
