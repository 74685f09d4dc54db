//! The end of a sync: the cards it added counted, the cards it did not
//! give retired, conflicts found, and the commit.

use super::{DeckSync, SyncReport};
use crate::error::Result;
use rusqlite::{Row, params};

/// The live cards (id, deck id) of one deck, or of every built-in deck
/// when the parameter is NULL: those a sync may retire.
const LIVE_CARDS: &str = "SELECT c.id, c.deck_id FROM cards c JOIN decks d ON d.id = c.deck_id
     WHERE c.retired = 0 AND (?1 IS NULL AND d.builtin = 1 OR d.id = ?1)";

/// A row of [`LIVE_CARDS`]: (id, deck id). By position, beside the
/// statement that fixes the order: it runs for every card of the decks
/// synced.
fn row_to_live(r: &Row<'_>) -> rusqlite::Result<(i64, i64)> {
    Ok((r.get(0)?, r.get(1)?))
}

impl DeckSync<'_> {
    /// Retires the cards of the synced decks (every built-in deck, when
    /// syncing those) that were not given, finds the conflicts, and commits
    /// if `commit` and there are none.
    pub(super) fn finish(mut self, commit: bool) -> Result<SyncReport> {
        self.flush_notes()?;
        self.flush()?;
        (self.tick)(u64::from(self.pending_tick));
        self.count_added()?;
        let gone = self.missing()?;
        let mut retire = self
            .tx
            .prepare_cached("UPDATE cards SET retired = 1 WHERE id = ?1")?;
        for (id, deck) in &gone {
            retire.execute([id])?;
            if let Some(d) = self.decks.iter_mut().find(|d| d.id == *deck) {
                d.report.retired += 1;
            }
        }
        drop(retire);
        let mut report = SyncReport {
            retired: gone.len() as u32,
            ..SyncReport::default()
        };
        for d in &self.decks {
            report.added += d.report.added;
            report.updated += d.report.updated;
            report.unchanged += d.report.unchanged;
        }
        report.conflicts = std::mem::take(&mut self.conflicts);
        if !self.builtin {
            report.conflicts.extend(self.builtin_changes()?);
        }
        report.decks = self.decks.into_iter().map(|d| d.report).collect();
        if commit && report.conflicts.is_empty() {
            self.tx.commit()?;
        }
        Ok(report)
    }

    /// Counts the cards this sync added in `deck_counts`, a row per deck,
    /// and makes its insert triggers again (the retiring after it goes
    /// through the update trigger). The trigger, run once per card
    /// inserted, took a quarter of a 100,000-card import; every card a sync
    /// inserts is new (no state yet), and `report.added` counts exactly the
    /// rows it inserted. Dropping and making the trigger is part of the
    /// sync's transaction: if the sync does not commit, nothing of it did.
    pub(super) fn count_added(&mut self) -> Result<()> {
        if self.counted {
            return Ok(());
        }
        self.counted = true;
        let mut add = self.tx.prepare_cached(
            "INSERT INTO deck_counts VALUES (?1, 0, 0, ?2)
             ON CONFLICT (deck_id, class, day) DO UPDATE SET n = n + excluded.n",
        )?;
        for d in self.decks.iter().filter(|d| d.report.added > 0) {
            add.execute(params![d.id, d.report.added])?;
        }
        drop(add);
        for sql in &self.insert_triggers {
            self.tx.execute_batch(sql)?;
        }
        Ok(())
    }

    /// The live cards (id, deck id) of the synced decks that this sync did
    /// not give: those it retires. A deck new to the collection has none.
    fn missing(&self) -> Result<Vec<(i64, i64)>> {
        let mut live = self.tx.prepare_cached(LIVE_CARDS)?;
        let scope: Vec<Option<i64>> = if self.builtin {
            vec![None]
        } else {
            self.decks
                .iter()
                .filter(|d| d.existed)
                .map(|d| Some(d.id))
                .collect()
        };
        let mut gone = Vec::new();
        for deck in scope {
            for row in live.query_map([deck], row_to_live)? {
                let (id, deck) = row?;
                if !self.seen.contains(id) {
                    gone.push((id, deck));
                }
            }
        }
        Ok(gone)
    }

    /// A conflict for each built-in deck that an import would change: those
    /// are updated with py201 itself.
    fn builtin_changes(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for d in &self.decks {
            let r = &d.report;
            let changed = r.added + r.updated + r.retired > 0;
            let builtin: bool =
                self.tx
                    .query_row("SELECT builtin FROM decks WHERE id = ?1", [d.id], |r| {
                        r.get("builtin")
                    })?;
            if changed && builtin {
                out.push(format!(
                    "deck {:?} is built in and updated with py201 itself; import your version under another name with --deck",
                    d.name
                ));
            }
        }
        Ok(out)
    }
}
