//! Cards and the review log: the daily queue's queries and the write of each
//! answer (card update + log row in one transaction).

use super::Collection;
use crate::clock::Day;
use crate::error::Result;
use crate::model::CardKind;
use crate::scheduler::fsrs::{LearnStep, Memory};
use crate::scheduler::{CardState, Ease, Grade, Outcome, ReviewKind};
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, named_params, params};

/// A card as stored, with its deck's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    pub id: i64,
    pub uid: String,
    pub deck_id: i64,
    pub deck: String,
    pub kind: CardKind,
    pub front: String,
    pub back: String,
    pub code: Option<String>,
    pub tags: String,
    pub source: String,
    pub state: CardState,
    pub suspended: bool,
    pub buried_until: Option<Day>,
    pub retired: bool,
}

/// Where a card stands today, as `py201 cards` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    New,
    Learning,
    Review,
    Suspended,
    Buried,
    Retired,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Learning => "learning",
            Status::Review => "review",
            Status::Suspended => "suspended",
            Status::Buried => "buried",
            Status::Retired => "retired",
        }
    }
}

impl Card {
    pub fn status(&self, today: Day) -> Status {
        if self.retired {
            Status::Retired
        } else if self.suspended {
            Status::Suspended
        } else if self.buried_until.is_some_and(|d| d > today) {
            Status::Buried
        } else if self.state.is_new() {
            Status::New
        } else if self.state.needs_repeat(today) || self.state.step.is_some() {
            Status::Learning
        } else {
            Status::Review
        }
    }
}

pub(crate) const CARD_COLUMNS: &str =
    "c.id, c.uid, c.deck_id, d.name AS deck, c.kind, c.front, c.back, c.code,
    c.tags, c.source, c.reps, c.interval, c.ease, c.due, c.lapses, c.repeat_on, c.suspended,
    c.buried_until, c.retired, c.stability, c.difficulty, c.step, c.step_due_ms";

/// The FSRS part of a card's state from the four columns named (stability,
/// difficulty, step, step_due_ms).
pub(crate) fn fsrs_part(
    r: &Row<'_>,
    names: [&str; 4],
) -> rusqlite::Result<(Option<Memory>, Option<LearnStep>)> {
    let s: Option<f32> = r.get(names[0])?;
    let d: Option<f32> = r.get(names[1])?;
    let step: Option<u32> = r.get(names[2])?;
    let due_ms: Option<i64> = r.get(names[3])?;
    Ok((
        s.zip(d).map(|(stability, difficulty)| Memory {
            stability,
            difficulty,
        }),
        step.map(|index| LearnStep {
            index,
            due_ms: due_ms.unwrap_or(0),
        }),
    ))
}

const FSRS_COLUMNS: [&str; 4] = ["stability", "difficulty", "step", "step_due_ms"];

/// The cards table's scheduling columns, all that [`row_to_state`] reads. A
/// macro so that statements can be `concat!`ed into constants.
macro_rules! state_columns {
    () => {
        "reps, interval, ease, due, lapses, repeat_on, stability, difficulty, step, step_due_ms"
    };
}
pub(crate) use state_columns;

/// A card's scheduling state from a row with the cards table's column names.
pub(crate) fn row_to_state(r: &Row<'_>) -> rusqlite::Result<CardState> {
    let (memory, step) = fsrs_part(r, FSRS_COLUMNS)?;
    Ok(CardState {
        reps: r.get("reps")?,
        interval: r.get("interval")?,
        ease: Ease(r.get("ease")?),
        due: r.get("due")?,
        lapses: r.get("lapses")?,
        repeat_on: r.get("repeat_on")?,
        memory,
        step,
    })
}

pub(crate) fn row_to_card(r: &Row<'_>) -> rusqlite::Result<Card> {
    let kind: String = r.get("kind")?;
    Ok(Card {
        id: r.get("id")?,
        uid: r.get("uid")?,
        deck_id: r.get("deck_id")?,
        deck: r.get("deck")?,
        // The CHECK constraint on `kind` makes the fallback unreachable.
        kind: CardKind::parse(&kind).unwrap_or(CardKind::Basic),
        front: r.get("front")?,
        back: r.get("back")?,
        code: r.get("code")?,
        tags: r.get("tags")?,
        source: r.get("source")?,
        state: row_to_state(r)?,
        suspended: r.get("suspended")?,
        buried_until: r.get("buried_until")?,
        retired: r.get("retired")?,
    })
}

/// Counts that size a review session.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DayCounts {
    pub due: u32,
    pub new: u32,
    pub repeats: u32,
    pub new_done_today: u32,
    pub reviews_done_today: u32,
}

/// One deck's row in `py201 decks`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeckRow {
    pub name: String,
    pub new: u32,
    pub due: u32,
    pub total: u32,
    /// Turned off by the learner (`py201 decks off`): not reviewed, and
    /// left out of the day's counts.
    pub off: bool,
}

/// A [`DeckRow`] from a query naming its columns `name`, `new_cards`,
/// `due`, `total` and `off` (`deck_rows` here, `DECK_ROWS` of the counts).
pub(crate) fn row_to_deck_row(r: &Row<'_>) -> rusqlite::Result<DeckRow> {
    Ok(DeckRow {
        name: r.get("name")?,
        new: r.get("new_cards")?,
        due: r.get("due")?,
        total: r.get("total")?,
        off: r.get("off")?,
    })
}

const ACTIVE: &str = "c.retired = 0 AND c.suspended = 0
    AND (c.buried_until IS NULL OR c.buried_until <= :today)
    AND (:deck IS NULL OR c.deck_id = :deck)
    AND c.deck_id NOT IN (SELECT id FROM decks WHERE off = 1)";

/// Reviewing ahead takes a card once a day: one answered today (on time or
/// ahead) is not taken ahead again, though it is due later.
const NOT_AGAIN_AHEAD: &str = "(NOT :ahead OR c.due <= :today
    OR NOT EXISTS (SELECT 1 FROM revlog r WHERE r.card_id = c.id AND r.day = :today))";

impl Collection {
    /// [`ACTIVE`], narrowed to the cards of [`Collection::restrict_review`]
    /// when a review was given a search; the daily path's statements are
    /// unchanged otherwise.
    fn active(&self) -> std::borrow::Cow<'static, str> {
        if self.review_scope {
            format!("{ACTIVE} AND c.id IN (SELECT id FROM temp.review_scope)").into()
        } else {
            ACTIVE.into()
        }
    }

    /// Narrows this connection's queue (due, new, repeats, counts) to the
    /// cards `query` finds now: `py201 review QUERY`. They are kept in a
    /// temporary table of this connection, so no other session sees them.
    pub fn restrict_review(&mut self, query: &super::search::Compiled) -> Result<u32> {
        self.conn.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS review_scope (id INTEGER PRIMARY KEY);
             DELETE FROM temp.review_scope;",
        )?;
        let sql = format!(
            "INSERT INTO temp.review_scope SELECT c.id FROM cards c JOIN decks d ON d.id = c.deck_id
             WHERE {}",
            query.sql
        );
        let n = self
            .conn
            .execute(&sql, rusqlite::params_from_iter(&query.params))?;
        self.review_scope = true;
        Ok(n as u32)
    }

    /// Lets this connection's due queue run ahead: cards not due yet are
    /// taken too, the soonest due first, after those due today; new cards
    /// wait (`py201 review --ahead`). The scheduler sees each as answered
    /// before its due day and schedules it as an early review.
    pub fn review_ahead(&mut self) {
        self.review_ahead = true;
    }

    /// The last due day the due queue takes on `today`.
    fn due_by(&self, today: Day) -> Day {
        if self.review_ahead { Day::MAX } else { today }
    }

    pub fn card(&self, id: i64) -> Result<Option<Card>> {
        let sql = format!(
            "SELECT {CARD_COLUMNS} FROM cards c JOIN decks d ON d.id = c.deck_id WHERE c.id = ?1"
        );
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row([id], row_to_card)
            .optional()?)
    }

    /// Every card in course order, optionally of one deck.
    pub fn cards(&self, deck: Option<i64>) -> Result<Vec<Card>> {
        let sql = format!(
            "SELECT {CARD_COLUMNS} FROM cards c JOIN decks d ON d.id = c.deck_id
             WHERE ?1 IS NULL OR c.deck_id = ?1 ORDER BY c.position, c.uid"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let cards = stmt
            .query_map([deck], row_to_card)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(cards)
    }

    /// The most overdue card due by `today`.
    pub fn next_due(&self, today: Day, deck: Option<i64>) -> Result<Option<Card>> {
        let active = self.active();
        let sql = format!(
            "SELECT {CARD_COLUMNS} FROM cards c JOIN decks d ON d.id = c.deck_id
             WHERE c.due <= :due_by AND {active} AND (c.repeat_on IS NULL OR c.repeat_on <> :today)
               AND c.step IS NULL AND {NOT_AGAIN_AHEAD}
             ORDER BY c.due, c.id LIMIT 1"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let due_by = self.due_by(today);
        Ok(stmt
            .query_row(
                named_params! {":today": today, ":due_by": due_by, ":ahead": self.review_ahead, ":deck": deck},
                row_to_card,
            )
            .optional()?)
    }

    /// The next new card in course order.
    pub fn next_new(&self, today: Day, deck: Option<i64>) -> Result<Option<Card>> {
        if self.review_ahead {
            return Ok(None);
        }
        let active = self.active();
        let sql = format!(
            "SELECT {CARD_COLUMNS} FROM cards c JOIN decks d ON d.id = c.deck_id
             WHERE c.due IS NULL AND {active} ORDER BY c.position LIMIT 1"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        Ok(stmt
            .query_row(named_params! {":today": today, ":deck": deck}, row_to_card)
            .optional()?)
    }

    /// The same-day repeat that has waited longest (SM-2: graded < 4 today).
    pub fn next_repeat(&self, today: Day, deck: Option<i64>) -> Result<Option<Card>> {
        let active = self.active();
        let sql = format!(
            "SELECT {CARD_COLUMNS} FROM cards c JOIN decks d ON d.id = c.deck_id
             WHERE c.repeat_on = :today AND {active}
             ORDER BY (SELECT max(r.id) FROM revlog r WHERE r.card_id = c.id) LIMIT 1"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        Ok(stmt
            .query_row(named_params! {":today": today, ":deck": deck}, row_to_card)
            .optional()?)
    }

    /// The FSRS learning card whose step ends soonest, among those due by
    /// `today` (steps that ended on an earlier day included). `INDEXED BY`
    /// keeps SQLite on the small `cards_step` index: the due index covers
    /// more columns and tempts it into walking every due card.
    pub fn next_learning(&self, today: Day, deck: Option<i64>) -> Result<Option<Card>> {
        let active = self.active();
        let sql = format!(
            "SELECT {CARD_COLUMNS} FROM cards c INDEXED BY cards_step JOIN decks d ON d.id = c.deck_id
             WHERE c.step IS NOT NULL AND c.due <= :today AND {active}
             ORDER BY c.step_due_ms, c.id LIMIT 1"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        Ok(stmt
            .query_row(named_params! {":today": today, ":deck": deck}, row_to_card)
            .optional()?)
    }

    /// Today's counts. Due and new cards are counted only up to the daily
    /// limits (all a day can use), so the cost stays flat however many
    /// cards a collection holds. New cards are counted through their own
    /// partial index (`INDEXED BY`): an index of every card covers more
    /// columns and tempts the planner, but may have to be walked to its end.
    pub fn day_counts(&self, today: Day, deck: Option<i64>) -> Result<DayCounts> {
        self.day_counts_within(today, deck, u32::MAX)
    }

    /// [`Collection::day_counts`] counting at most `cap` due and new cards
    /// (besides the daily limits): a session that shows at most `cap` more
    /// cards (`review --limit`) has no use for more, and it reads the
    /// counts before every card.
    pub fn day_counts_within(&self, today: Day, deck: Option<i64>, cap: u32) -> Result<DayCounts> {
        let active = self.active();
        let sql = format!(
            "SELECT
               (SELECT count(*) FROM (SELECT 1 FROM cards c WHERE c.due <= :due_by AND {active}
                  AND (c.repeat_on IS NULL OR c.repeat_on <> :today) AND c.step IS NULL
                  AND {NOT_AGAIN_AHEAD} LIMIT :due_cap))
                 AS due,
               (SELECT count(*) FROM (SELECT 1 FROM cards c INDEXED BY cards_new
                  WHERE c.due IS NULL AND {active} LIMIT :new_cap) WHERE NOT :ahead) AS new_cards,
               (SELECT count(*) FROM cards c WHERE c.repeat_on = :today AND {active})
                 + (SELECT count(*) FROM cards c INDEXED BY cards_step
                    WHERE c.step IS NOT NULL AND c.due <= :today AND {active}) AS repeats,
               (SELECT count(*) FROM revlog WHERE day = :today AND is_repeat = 0 AND due_before IS NULL)
                 AS new_done,
               (SELECT count(*) FROM revlog WHERE day = :today AND is_repeat = 0 AND due_before IS NOT NULL)
                 AS reviews_done"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        Ok(
            stmt.query_row(named_params! {":today": today, ":due_by": self.due_by(today), ":ahead": self.review_ahead, ":deck": deck, ":due_cap": self.config.reviews_per_day.min(cap), ":new_cap": self.config.new_per_day.min(cap)}, |r| {
                Ok(DayCounts {
                    due: r.get("due")?,
                    new: r.get("new_cards")?,
                    repeats: r.get("repeats")?,
                    new_done_today: r.get("new_done")?,
                    reviews_done_today: r.get("reviews_done")?,
                })
            })?,
        )
    }

    /// All new cards that could be shown (not capped by the daily limit),
    /// from the per-deck counts (`collection::counts`): counting the new
    /// cards themselves grew with the collection.
    pub fn new_card_count(&self, today: Day, deck: Option<i64>) -> Result<u32> {
        if self.review_ahead {
            return Ok(0);
        }
        if !self.review_scope {
            return self.new_waiting(today, deck);
        }
        // A review narrowed by a search counts the new cards it found.
        let active = self.active();
        let sql = format!(
            "SELECT count(*) AS n FROM cards c INDEXED BY cards_new WHERE c.due IS NULL AND {active}"
        );
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row(named_params! {":today": today, ":deck": deck}, |r| {
                r.get("n")
            })?)
    }

    /// Per deck: new cards, cards due by `today`, and all live cards,
    /// counted card by card. `py201 decks` reads the per-deck counts
    /// instead (`collection::counts`); this is the reference the tests
    /// check those counts against.
    pub fn deck_rows(&self, today: Day) -> Result<Vec<DeckRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT d.name, d.off,
               count(c.id) FILTER (WHERE c.due IS NULL AND c.suspended = 0) AS new_cards,
               count(c.id) FILTER (WHERE c.due <= ?1 AND c.suspended = 0
                   AND (c.buried_until IS NULL OR c.buried_until <= ?1)) AS due,
               count(c.id) AS total
             FROM decks d LEFT JOIN cards c ON c.deck_id = d.id AND c.retired = 0
             GROUP BY d.id ORDER BY d.position",
        )?;
        let rows = stmt
            .query_map([today], row_to_deck_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// The earliest due day after `today` and how many cards fall on it.
    pub fn next_due_day(&self, today: Day, deck: Option<i64>) -> Result<Option<(Day, u32)>> {
        let active = self.active();
        let sql = format!(
            "SELECT c.due, count(*) AS n FROM cards c
             WHERE c.due = (SELECT min(c.due) FROM cards c WHERE c.due > :today AND {active})
               AND {active}"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let row: (Option<Day>, u32) = stmt
            .query_row(named_params! {":today": today, ":deck": deck}, |r| {
                Ok((r.get("due")?, r.get("n")?))
            })?;
        Ok(row.0.map(|d| (d, row.1)))
    }

    /// Grades card `id` in one immediate transaction: the current state is
    /// re-read inside it (another session may have answered the card), the
    /// scheduler decides, and the card update and its log row commit together.
    /// An answer that makes the card a leech (`Config::becomes_leech`) also
    /// tags it, and suspends it if the settings say so, in the same
    /// transaction. Returns the state before, the outcome and the log row's id; or `None`
    /// (and nothing written) when the card no longer has the state `shown`,
    /// because another session answered it while this one displayed it.
    pub fn answer(
        &mut self,
        id: i64,
        grade: Grade,
        at: AnswerTime,
        shown: Option<&CardState>,
        schedule: impl FnOnce(&CardState) -> Outcome,
    ) -> Result<Option<(CardState, Outcome, i64)>> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let before = tx
            .prepare_cached(concat!(
                "SELECT ",
                state_columns!(),
                " FROM cards WHERE id = ?1"
            ))?
            .query_row([id], row_to_state)?;
        if shown.is_some_and(|s| *s != before) {
            return Ok(None);
        }
        let out = schedule(&before);
        write_state(&tx, id, &out.state)?;
        let log_id = log_answer(&tx, id, grade, at, &before, &out)?;
        let cfg = self.config;
        if cfg.becomes_leech(before.lapses, out.state.lapses) {
            super::actions::mark_leech(&tx, id, log_id, cfg.leech_suspend)?;
        }
        tx.commit()?;
        Ok(Some((before, out, log_id)))
    }

    /// Undoes the answer logged as `log_id`: the card gets back the exact state
    /// recorded before it, and the log row is deleted, in one transaction.
    pub fn undo_answer(&mut self, log_id: i64) -> Result<bool> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let n = restore_before(&tx, log_id)?;
        tx.commit()?;
        Ok(n == 1)
    }

    pub fn set_suspended(&self, id: i64, suspended: bool) -> Result<()> {
        self.conn.execute(
            "UPDATE cards SET suspended = ?2 WHERE id = ?1",
            params![id, suspended],
        )?;
        Ok(())
    }

    pub fn set_buried_until(&self, id: i64, until: Option<Day>) -> Result<()> {
        self.conn.execute(
            "UPDATE cards SET buried_until = ?2 WHERE id = ?1",
            params![id, until],
        )?;
        Ok(())
    }

    /// Every card, retired ones included (the size of a full backup).
    pub fn cards_total(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) AS n FROM cards", [], |r| {
                r.get::<_, i64>("n")
            })?
            .unsigned_abs())
    }

    /// How many answers card `id` has had: with its uid, the seed of its
    /// next answer's fuzz (`scheduler::fuzz`).
    pub fn answers_to(&self, id: i64) -> Result<u32> {
        Ok(self
            .conn
            .prepare_cached("SELECT count(*) AS n FROM revlog WHERE card_id = ?1")?
            .query_row([id], |r| r.get("n"))?)
    }

    pub fn revlog_count(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) AS n FROM revlog", [], |r| r.get("n"))?)
    }
}

/// Gives the card of log row `log_id` back the state recorded before that
/// answer and deletes the row; returns the cards changed (0 or 1).
pub(crate) fn restore_before(conn: &Connection, log_id: i64) -> Result<usize> {
    let n = conn.prepare_cached(
        "UPDATE cards SET (reps, interval, ease, due, lapses, repeat_on,
                stability, difficulty, step, step_due_ms) =
           (SELECT reps_before, interval_before, ease_before, due_before, lapses_before, repeat_on_before,
                stability_before, difficulty_before, step_before, step_due_ms_before
            FROM revlog WHERE id = ?1)
         WHERE id = (SELECT card_id FROM revlog WHERE id = ?1)",
    )?
    .execute([log_id])?;
    conn.prepare_cached("DELETE FROM revlog WHERE id = ?1")?
        .execute([log_id])?;
    super::actions::unmark_leech(conn, log_id)?;
    Ok(n)
}

/// Stores card `id`'s new scheduling state.
pub(crate) fn write_state(conn: &Connection, id: i64, s: &CardState) -> Result<()> {
    let (stability, difficulty, step, step_due_ms) = fsrs_values(s);
    conn.prepare_cached(
        "UPDATE cards SET reps = ?2, interval = ?3, ease = ?4, due = ?5, lapses = ?6, repeat_on = ?7,
            stability = ?8, difficulty = ?9, step = ?10, step_due_ms = ?11
         WHERE id = ?1",
    )?
    .execute(params![
        id,
        s.reps,
        s.interval,
        s.ease.0,
        s.due,
        s.lapses,
        s.repeat_on,
        stability,
        difficulty,
        step,
        step_due_ms
    ])?;
    Ok(())
}

/// Logs an answer to card `id` with the state before and after it (what
/// undo restores and `doctor --fix` rebuilds from); returns the log row's id.
/// A sync's replay writes its rows with it too (`devices::insert_answer`).
pub(crate) fn log_answer(
    conn: &Connection,
    id: i64,
    grade: Grade,
    at: AnswerTime,
    before: &CardState,
    out: &Outcome,
) -> Result<i64> {
    let s = &out.state;
    let (sb, db, stb, sdb) = fsrs_values(before);
    let (sa, da, sta, sda) = fsrs_values(s);
    conn.prepare_cached(
        "INSERT INTO revlog (card_id, time_ms, day, grade, is_repeat, taken_ms,
            reps_before, reps_after, interval_before, interval_after, ease_before, ease_after,
            due_before, due_after, lapses_before, lapses_after, repeat_on_before, repeat_on_after,
            stability_before, stability_after, difficulty_before, difficulty_after,
            step_before, step_after, step_due_ms_before, step_due_ms_after)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
            ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26)",
    )?
    .execute(params![
        id,
        at.time_ms,
        at.day,
        grade.value(),
        out.kind == ReviewKind::Repeat,
        at.taken_ms,
        before.reps,
        s.reps,
        before.interval,
        s.interval,
        before.ease.0,
        s.ease.0,
        before.due,
        s.due,
        before.lapses,
        s.lapses,
        before.repeat_on,
        s.repeat_on,
        sb,
        sa,
        db,
        da,
        stb,
        sta,
        sdb,
        sda
    ])?;
    Ok(conn.last_insert_rowid())
}

/// The FSRS columns' values for a state: stability, difficulty, step, step_due_ms.
pub(crate) fn fsrs_values(s: &CardState) -> (Option<f32>, Option<f32>, Option<u32>, Option<i64>) {
    (
        s.memory.map(|m| m.stability),
        s.memory.map(|m| m.difficulty),
        s.step.map(|st| st.index),
        s.step.map(|st| st.due_ms),
    )
}

/// When an answer happened, as the log records it.
#[derive(Debug, Clone, Copy)]
pub struct AnswerTime {
    pub time_ms: i64,
    pub day: Day,
    pub taken_ms: i64,
}
