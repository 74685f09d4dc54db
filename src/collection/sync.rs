//! Bringing decks into a collection: update text in place by card id, add new
//! cards, retire removed ones. Scheduling state and history are never touched.

use super::Collection;
use crate::error::Result;
use crate::model::{CardContent, DeckContent};
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use std::collections::HashSet;

/// What a sync did (or, in a dry run, would do) to one deck.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeckReport {
    pub deck: String,
    pub added: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub retired: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub added: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub retired: u32,
    pub decks: Vec<DeckReport>,
    /// Why an import may not go ahead: a card id that belongs to another
    /// deck, or a change to a built-in deck.
    pub conflicts: Vec<String>,
}

impl SyncReport {
    pub fn changed(&self) -> bool {
        self.added + self.updated + self.retired > 0
    }
}

/// Course order: the deck's position, then the card's place in its file.
const DECK_STRIDE: i64 = 1_000_000;

/// The content columns of a stored card, to tell an edit from no change.
#[derive(PartialEq, Eq)]
struct Stored {
    deck: String,
    kind: String,
    front: String,
    back: String,
    code: Option<String>,
    tags: String,
    source: String,
    retired: bool,
}

impl Stored {
    fn of(c: &CardContent, deck: &str) -> Self {
        Stored {
            deck: deck.to_string(),
            kind: c.kind.as_str().to_string(),
            front: c.front.clone(),
            back: c.back.clone(),
            code: c.code.clone(),
            tags: c.tags.join(" "),
            source: c.source.clone(),
            retired: false,
        }
    }
}

impl Collection {
    /// Stores `decks` in one transaction. With `builtin`, the decks are the
    /// ones shipped in the binary, and cards of built-in decks missing from
    /// them are retired (kept with their history, no longer shown).
    pub fn sync_decks(&mut self, decks: &[DeckContent], builtin: bool) -> Result<SyncReport> {
        self.sync_decks_with(decks, builtin, false)
    }

    /// Like [`Collection::sync_decks`]; with `dry_run` the transaction is
    /// rolled back, so the report says what would happen and nothing changes.
    pub fn sync_decks_with(
        &mut self,
        decks: &[DeckContent],
        builtin: bool,
        dry_run: bool,
    ) -> Result<SyncReport> {
        self.sync_decks_progress(decks, builtin, dry_run, &mut |_| {})
    }

    /// Like [`Collection::sync_decks_with`], calling `tick(n)` after each
    /// `n` cards so a caller can draw a progress bar without this layer
    /// knowing about terminals.
    pub fn sync_decks_progress(
        &mut self,
        decks: &[DeckContent],
        builtin: bool,
        dry_run: bool,
        tick: &mut dyn FnMut(u64),
    ) -> Result<SyncReport> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut report = SyncReport::default();
        let mut seen = HashSet::new();
        let base: i64 = tx.query_row(
            "SELECT coalesce(max(position) + 1, 1000) FROM decks WHERE builtin = 0",
            [],
            |r| r.get(0),
        )?;
        for (i, deck) in decks.iter().enumerate() {
            let mut dr = DeckReport {
                deck: deck.name.clone(),
                ..DeckReport::default()
            };
            let existing: Option<(i64, bool)> = tx
                .query_row(
                    "SELECT position, builtin FROM decks WHERE name = ?1",
                    [&deck.name],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let was_builtin = existing.is_some_and(|e| e.1);
            let position = if builtin {
                i as i64
            } else {
                existing.map_or(base + i as i64, |e| e.0)
            };
            let deck_id: i64 = tx.query_row(
                "INSERT INTO decks (name, description, position, builtin) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (name) DO UPDATE SET description = excluded.description,
                    position = excluded.position, builtin = excluded.builtin
                 RETURNING id",
                params![
                    deck.name,
                    deck.description,
                    position,
                    builtin || was_builtin
                ],
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
                "SELECT d.name, c.kind, c.front, c.back, c.code, c.tags, c.source, c.retired
                 FROM cards c JOIN decks d ON d.id = c.deck_id WHERE c.uid = ?1",
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
                let old: Option<Stored> = find
                    .query_row([&c.uid], |r| {
                        Ok(Stored {
                            deck: r.get(0)?,
                            kind: r.get(1)?,
                            front: r.get(2)?,
                            back: r.get(3)?,
                            code: r.get(4)?,
                            tags: r.get(5)?,
                            source: r.get(6)?,
                            retired: r.get(7)?,
                        })
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
                    c.tags.join(" "),
                    c.source,
                    c.note
                ];
                match old {
                    None => {
                        insert.execute(args)?;
                        dr.added += 1;
                    }
                    Some(o) => {
                        if !builtin && o.deck != deck.name {
                            report.conflicts.push(format!(
                                "card id {:?} already belongs to deck {:?}",
                                c.uid, o.deck
                            ));
                        }
                        update.execute(args)?;
                        if o == Stored::of(c, &deck.name) {
                            dr.unchanged += 1;
                        } else {
                            dr.updated += 1;
                        }
                    }
                }
                if j % 1024 == 1023 {
                    tick(1024);
                }
            }
            tick(deck.cards.len() as u64 % 1024);
            report.decks.push(dr);
        }
        // Cards of the synced decks (all built-in decks, when syncing those)
        // that the new content no longer has.
        let mut gone: Vec<(i64, String)> = Vec::new();
        let scope: Vec<Option<&str>> = if builtin {
            vec![None]
        } else {
            decks.iter().map(|d| Some(d.name.as_str())).collect()
        };
        {
            let mut stmt = tx.prepare_cached(
                "SELECT c.id, c.uid, d.name FROM cards c JOIN decks d ON d.id = c.deck_id
                 WHERE c.retired = 0 AND (?1 IS NULL AND d.builtin = 1 OR d.name = ?1)",
            )?;
            for name in scope {
                let rows = stmt.query_map([name], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                    ))
                })?;
                for row in rows {
                    let (id, uid, deck) = row?;
                    if !seen.contains(&uid) {
                        gone.push((id, deck));
                    }
                }
            }
        }
        for (id, deck) in &gone {
            tx.execute("UPDATE cards SET retired = 1 WHERE id = ?1", [id])?;
            if let Some(d) = report.decks.iter_mut().find(|d| &d.deck == deck) {
                d.retired += 1;
            }
        }
        for d in &report.decks {
            report.added += d.added;
            report.updated += d.updated;
            report.unchanged += d.unchanged;
        }
        report.retired = gone.len() as u32;
        if !builtin {
            let builtin_changed: Vec<&str> = report
                .decks
                .iter()
                .filter(|d| d.added + d.updated + d.retired > 0)
                .filter(|d| {
                    tx.query_row(
                        "SELECT builtin FROM decks WHERE name = ?1",
                        [&d.deck],
                        |r| r.get::<_, bool>(0),
                    )
                    .unwrap_or(false)
                })
                .map(|d| d.deck.as_str())
                .collect();
            for name in builtin_changed {
                report.conflicts.push(format!(
                    "deck {name:?} is built in and updated with py201 itself; import your version under another name with --deck"
                ));
            }
        }
        if !dry_run && report.conflicts.is_empty() {
            tx.commit()?;
        }
        Ok(report)
    }
}
