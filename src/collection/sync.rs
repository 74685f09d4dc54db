//! Bringing decks into a collection: update text in place by card id, add new
//! cards, retire removed ones. Scheduling state and history are never touched.

use super::Collection;
use crate::error::Result;
use crate::model::DeckContent;
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use std::collections::HashSet;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub added: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub retired: u32,
}

impl SyncReport {
    pub fn changed(&self) -> bool {
        self.added + self.updated + self.retired > 0
    }
}

/// Course order: the deck's position, then the card's place in its file.
const DECK_STRIDE: i64 = 1_000_000;

impl Collection {
    /// Stores `decks` in one transaction. With `builtin`, the decks are the
    /// ones shipped in the binary, and cards of built-in decks missing from
    /// them are retired (kept with their history, no longer shown).
    pub fn sync_decks(&mut self, decks: &[DeckContent], builtin: bool) -> Result<SyncReport> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut report = SyncReport::default();
        let mut seen = HashSet::new();
        let base: i64 = if builtin {
            0
        } else {
            tx.query_row(
                "SELECT coalesce(max(position) + 1, 1000) FROM decks WHERE builtin = 0",
                [],
                |r| r.get(0),
            )?
        };
        for (i, deck) in decks.iter().enumerate() {
            let existing: Option<i64> = tx
                .query_row(
                    "SELECT position FROM decks WHERE name = ?1",
                    [&deck.name],
                    |r| r.get(0),
                )
                .optional()?;
            let position = if builtin {
                i as i64
            } else {
                existing.unwrap_or(base + i as i64)
            };
            let deck_id: i64 = tx.query_row(
                "INSERT INTO decks (name, description, position, builtin) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (name) DO UPDATE SET description = excluded.description,
                    position = excluded.position, builtin = excluded.builtin
                 RETURNING id",
                params![deck.name, deck.description, position, builtin],
                |r| r.get(0),
            )?;
            let mut note = tx.prepare_cached(
                "INSERT INTO notes (id, deck_id, position, fields) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (id) DO UPDATE SET deck_id = excluded.deck_id,
                    position = excluded.position, fields = excluded.fields",
            )?;
            for (j, n) in deck.notes.iter().enumerate() {
                note.execute(params![
                    n.id,
                    deck_id,
                    position * DECK_STRIDE + j as i64,
                    n.fields
                ])?;
            }
            let mut find = tx.prepare_cached(
                "SELECT deck_id, position, kind, front, back, code, tags, source, retired FROM cards WHERE uid = ?1",
            )?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO cards (uid, deck_id, position, kind, front, back, code, tags, source, note_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?;
            let mut update = tx.prepare_cached(
                "UPDATE cards SET deck_id = ?2, position = ?3, kind = ?4, front = ?5, back = ?6, code = ?7,
                    tags = ?8, source = ?9, note_id = ?10, retired = 0 WHERE uid = ?1",
            )?;
            for (j, c) in deck.cards.iter().enumerate() {
                seen.insert(c.uid.clone());
                let pos = position * DECK_STRIDE + j as i64;
                let tags = c.tags.join(" ");
                type Stored = (
                    i64,
                    i64,
                    String,
                    String,
                    String,
                    Option<String>,
                    String,
                    String,
                    bool,
                );
                let old: Option<Stored> = find
                    .query_row([&c.uid], |r| {
                        Ok((
                            r.get(0)?,
                            r.get(1)?,
                            r.get(2)?,
                            r.get(3)?,
                            r.get(4)?,
                            r.get(5)?,
                            r.get(6)?,
                            r.get(7)?,
                            r.get(8)?,
                        ))
                    })
                    .optional()?;
                let args = params![
                    c.uid,
                    deck_id,
                    pos,
                    c.kind.as_str(),
                    c.front,
                    c.back,
                    c.code,
                    tags,
                    c.source,
                    c.note
                ];
                match old {
                    None => {
                        insert.execute(args)?;
                        report.added += 1;
                    }
                    Some(o) => {
                        let new = (
                            deck_id,
                            pos,
                            c.kind.as_str().to_string(),
                            c.front.clone(),
                            c.back.clone(),
                            c.code.clone(),
                            tags.clone(),
                            c.source.clone(),
                            false,
                        );
                        if o == new {
                            report.unchanged += 1;
                        } else {
                            update.execute(args)?;
                            // Moving in course order alone is not a change a learner cares about.
                            if (o.2, o.3, o.4, o.5, o.6, o.7, o.8)
                                == (new.2, new.3, new.4, new.5, new.6, new.7, new.8)
                                && o.0 == new.0
                            {
                                report.unchanged += 1;
                            } else {
                                report.updated += 1;
                            }
                        }
                    }
                }
            }
        }
        // Cards of the synced decks (all built-in decks, when syncing those)
        // that the new content no longer has.
        let mut gone: Vec<i64> = Vec::new();
        let scope_names: Vec<Option<&str>> = if builtin {
            vec![None]
        } else {
            decks.iter().map(|d| Some(d.name.as_str())).collect()
        };
        let mut stmt = tx.prepare_cached(
            "SELECT c.id, c.uid FROM cards c JOIN decks d ON d.id = c.deck_id
             WHERE c.retired = 0 AND (?1 IS NULL AND d.builtin = 1 OR d.name = ?1)",
        )?;
        for name in scope_names {
            let rows = stmt.query_map([name], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
            })?;
            for row in rows {
                let (id, uid) = row?;
                if !seen.contains(&uid) {
                    gone.push(id);
                }
            }
        }
        drop(stmt);
        for id in &gone {
            tx.execute("UPDATE cards SET retired = 1 WHERE id = ?1", [id])?;
        }
        report.retired = gone.len() as u32;
        tx.commit()?;
        Ok(report)
    }
}
