//! Card counts per deck for `py201 decks` and `py201 stats`, read from
//! `deck_counts` (schema 9): the cards of each deck by class (new, young,
//! mature, suspended, retired) and due day, kept exact by triggers on
//! `cards`. A count adds up a few rows per deck and day, then corrects
//! for the few cards whose state today is not their class's (buried past
//! today, a same-day repeat or learning step pending), found through their
//! own indexes: no query here reads every card, so the cost does not grow
//! with the collection. The EF and interval histograms of `stats` read
//! `deck_values`, each deck's studied cards by value, kept the same way
//! (in `collection::stats`). `doctor` checks both tables against the cards.

use super::Collection;
use super::cards::{DeckRow, row_to_deck_row};
use super::stats::{DeckFilter, StateRow};
use crate::clock::Day;
use crate::error::Result;
use rusqlite::named_params;
use std::collections::HashMap;

/// `deck_counts` as the cards say it should be: the class of a card as
/// the triggers of schema.sql compute it. `doctor` compares the two and
/// rebuilds the table from this.
pub const COUNTS_FROM_CARDS: &str = "SELECT deck_id,
       CASE WHEN retired = 1 THEN 4 WHEN suspended = 1 THEN 3
            WHEN due IS NULL THEN 0 WHEN interval < 21 THEN 1 ELSE 2 END AS class,
       CASE WHEN retired = 0 AND suspended = 0 THEN coalesce(due, 0) ELSE 0 END AS day,
       count(*) AS n
     FROM cards GROUP BY deck_id, class, day";

/// `deck_values` as the cards say it should be: each deck's studied cards
/// by EF (0) and by interval (1).
pub const VALUES_FROM_CARDS: &str = "SELECT deck_id, 0 AS what, ease AS value, count(*) AS n
     FROM cards WHERE retired = 0 AND due IS NOT NULL GROUP BY deck_id, ease
     UNION ALL
     SELECT deck_id, 1, interval, count(*) FROM cards WHERE retired = 0 AND due IS NOT NULL
     GROUP BY deck_id, interval";

/// Each deck's cards by class.
pub(crate) const CLASS_COUNTS: &str = "SELECT deck_id, class, sum(n) AS n FROM deck_counts
     WHERE (:deck IS NULL AND deck_id NOT IN (SELECT id FROM decks WHERE off = 1) OR deck_id = :deck)
     GROUP BY deck_id, class";

/// The live cards whose state on `:today` is not their class's: buried
/// past today, or with a same-day repeat or a learning step pending. Each
/// set is read from its own partial index.
pub(crate) const TODAYS_EXCEPTIONS: &str = "SELECT c.deck_id,
       coalesce(c.buried_until > :today, 0) AS buried, c.due IS NULL AS new,
       c.interval < 21 AS young
     FROM cards c
     WHERE c.id IN (SELECT id FROM cards INDEXED BY cards_buried WHERE buried_until > :today
                    UNION SELECT id FROM cards INDEXED BY cards_repeat WHERE repeat_on = :today
                    UNION SELECT id FROM cards INDEXED BY cards_step WHERE step IS NOT NULL)
       AND c.retired = 0 AND c.suspended = 0 AND (:deck IS NULL AND c.deck_id NOT IN (SELECT id FROM decks WHERE off = 1)
            OR c.deck_id = :deck)";

/// Scheduled cards (young and mature) by days from today, every overdue
/// card at offset -1.
pub(crate) const DUE_OFFSETS: &str = "SELECT max(day - :today, -1) AS offset, sum(n) AS n
     FROM deck_counts
     WHERE class IN (1, 2) AND day <= :today + :horizon AND (:deck IS NULL AND deck_id NOT IN (SELECT id FROM decks WHERE off = 1)
            OR deck_id = :deck)
     GROUP BY offset ORDER BY offset";

/// Per deck: new cards (buried ones too), cards due by `:today` that are
/// not buried, and all live cards. The buried ones are read from their
/// own index, never from a deck's cards.
pub(crate) const DECK_ROWS: &str = "SELECT d.name, d.off,
       (SELECT coalesce(sum(n), 0) FROM deck_counts k WHERE k.deck_id = d.id AND k.class = 0)
         AS new_cards,
       (SELECT coalesce(sum(n), 0) FROM deck_counts k
        WHERE k.deck_id = d.id AND k.class IN (1, 2) AND k.day <= :today)
       - (SELECT count(*) FROM cards c INDEXED BY cards_buried
          WHERE c.buried_until > :today AND c.deck_id = d.id AND c.due <= :today
            AND c.retired = 0 AND c.suspended = 0) AS due,
       (SELECT coalesce(sum(n), 0) FROM deck_counts k WHERE k.deck_id = d.id AND k.class < 4)
         AS total
     FROM decks d ORDER BY d.position";

/// New cards that could be shown on `:today` (not capped by the daily
/// limit): the deck's new cards counted, less those buried past today.
pub(crate) const NEW_WAITING: &str = "SELECT
       (SELECT coalesce(sum(n), 0) FROM deck_counts
        WHERE class = 0 AND (:deck IS NULL AND deck_id NOT IN (SELECT id FROM decks WHERE off = 1) OR deck_id = :deck))
     - (SELECT count(*) FROM cards c INDEXED BY cards_buried
        WHERE c.buried_until > :today AND c.due IS NULL AND c.retired = 0 AND c.suspended = 0
          AND (:deck IS NULL AND c.deck_id NOT IN (SELECT id FROM decks WHERE off = 1) OR c.deck_id = :deck)) AS n";

/// A card that today is not in its class's state: what `TODAYS_EXCEPTIONS`
/// returns.
struct Exception {
    deck_id: i64,
    buried: bool,
    new: bool,
    young: bool,
}

impl Collection {
    /// Per deck in course order (every deck, or the one asked for), the cards
    /// in each state as `Card::status` defines it; review cards are young
    /// below 21 days of interval (`stats::MATURE_DAYS`) and mature from it.
    pub fn state_counts(&self, today: Day, deck: DeckFilter) -> Result<Vec<StateRow>> {
        let (mut rows, slot) = self.deck_slots(deck)?;
        let mut stmt = self.conn.prepare_cached(CLASS_COUNTS)?;
        let mut it = stmt.query(named_params! {":deck": deck})?;
        while let Some(r) = it.next()? {
            let Some(row) = slot.get(&r.get("deck_id")?).and_then(|&i| rows.get_mut(i)) else {
                continue;
            };
            let n: u32 = r.get("n")?;
            match r.get::<_, i64>("class")? {
                0 => row.new += n,
                1 => row.young += n,
                2 => row.mature += n,
                3 => row.suspended += n,
                _ => row.retired += n,
            }
        }
        for e in self.todays_exceptions(today, deck)? {
            let Some(row) = slot.get(&e.deck_id).and_then(|&i| rows.get_mut(i)) else {
                continue;
            };
            // Status order: buried, then new, then learning.
            if !e.buried && e.new {
                continue;
            }
            let class = match (e.new, e.young) {
                (true, _) => &mut row.new,
                (false, true) => &mut row.young,
                (false, false) => &mut row.mature,
            };
            *class = class.saturating_sub(1);
            if e.buried {
                row.buried += 1;
            } else {
                row.learning += 1;
            }
        }
        Ok(rows)
    }

    /// An empty row for every deck asked for, in course order, and each
    /// deck id's place among them.
    fn deck_slots(&self, deck: DeckFilter) -> Result<(Vec<StateRow>, HashMap<i64, usize>)> {
        let mut rows: Vec<StateRow> = Vec::new();
        let mut slot: HashMap<i64, usize> = HashMap::new();
        let mut decks = self.conn.prepare_cached(
            "SELECT id, name FROM decks WHERE ?1 IS NULL AND off = 0 OR id = ?1 ORDER BY position",
        )?;
        let mut it = decks.query([deck])?;
        while let Some(r) = it.next()? {
            slot.insert(r.get("id")?, rows.len());
            rows.push(StateRow {
                deck: r.get("name")?,
                ..StateRow::default()
            });
        }
        Ok((rows, slot))
    }

    fn todays_exceptions(&self, today: Day, deck: DeckFilter) -> Result<Vec<Exception>> {
        let mut stmt = self.conn.prepare_cached(TODAYS_EXCEPTIONS)?;
        let rows = stmt
            .query_map(named_params! {":today": today, ":deck": deck}, |r| {
                Ok(Exception {
                    deck_id: r.get("deck_id")?,
                    buried: r.get("buried")?,
                    new: r.get("new")?,
                    young: r.get("young")?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Scheduled cards (neither retired nor suspended) by days from `today`
    /// to their due day, up to `horizon` days ahead; every overdue card is
    /// counted at offset -1.
    pub fn due_offsets(
        &self,
        today: Day,
        horizon: u32,
        deck: DeckFilter,
    ) -> Result<Vec<(i32, u32)>> {
        let mut stmt = self.conn.prepare_cached(DUE_OFFSETS)?;
        let rows = stmt
            .query_map(
                named_params! {":today": today, ":horizon": horizon, ":deck": deck},
                |r| Ok((r.get("offset")?, r.get("n")?)),
            )?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// All new cards that could be shown on `today`, in one deck or all.
    pub fn new_waiting(&self, today: Day, deck: DeckFilter) -> Result<u32> {
        let mut stmt = self.conn.prepare_cached(NEW_WAITING)?;
        Ok(
            stmt.query_row(named_params! {":today": today, ":deck": deck}, |r| {
                r.get("n")
            })?,
        )
    }

    /// Per deck in course order: new cards, cards due by `today`, and all
    /// live cards (what `py201 decks` shows).
    pub fn deck_counts(&self, today: Day) -> Result<Vec<DeckRow>> {
        let mut stmt = self.conn.prepare_cached(DECK_ROWS)?;
        let rows = stmt
            .query_map(named_params! {":today": today}, row_to_deck_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}
