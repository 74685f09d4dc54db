//! The queries behind `py201 stats`. Each one is an SQL aggregate that returns
//! at most one row per day, deck, grade or distinct value, so the cost of a
//! query never grows with the number of rows of a year-long review log held in
//! memory. Nothing here derives figures (rates, streak rules, buckets): that is
//! `crate::stats`, which never runs SQL.
//!
//! Day boundaries come from `revlog.day`, the study day stored with each
//! answer (the rollover hour already applied), and from `today` as
//! `clock::Clock::today` computes it.

use super::Collection;
use crate::clock::Day;
use crate::error::Result;
use crate::scheduler::Ease;
use rusqlite::named_params;

/// Whole collection (`None`) or one deck.
pub type DeckFilter = Option<i64>;

/// The log rows (`r`) of one deck, or all of them when `:deck` is NULL. A
/// macro so the statements below can be `concat!`ed into constants.
macro_rules! log_in_deck {
    () => {
        "(:deck IS NULL OR r.card_id IN (SELECT id FROM cards WHERE deck_id = :deck))"
    };
}

/// `revlog_days` rows of one deck, or of all decks when `:deck` is NULL.
macro_rules! days_in_deck {
    () => {
        "(:deck IS NULL OR s.deck_id = :deck)"
    };
}

/// The interval from which `revlog_days` counts a review card as mature:
/// written into `revlog.answer_kind` in schema.sql, so `stats::MATURE_DAYS` must
/// equal it (checked at compile time there).
pub const SUMMARY_MATURE_DAYS: u32 = 21;

/// Every answer in one row of `revlog_days` (`s`).
macro_rules! answers {
    () => {
        "(s.g0 + s.g1 + s.g2 + s.g3 + s.g4 + s.g5)"
    };
}

const REVIEW_COUNT: &str = concat!(
    "SELECT coalesce(sum(",
    answers!(),
    "), 0) AS n FROM revlog_days s WHERE ",
    days_in_deck!()
);

const TODAY_LOG: &str = concat!(
    "SELECT count(DISTINCT r.card_id) AS cards, count(*) AS answers,
       coalesce(sum(r.taken_ms), 0) AS time_ms
     FROM revlog r WHERE r.day = :today AND ",
    log_in_deck!()
);

/// Streaks by "gaps and islands": over the distinct study days, `day -
/// row_number()` is constant within a run of consecutive days.
const STREAKS: &str = concat!(
    "WITH days AS (SELECT DISTINCT s.day FROM revlog_days s WHERE s.day <= :today AND ",
    answers!(),
    " > 0 AND ",
    days_in_deck!(),
    "),
     runs AS (SELECT count(*) AS len, max(day) AS last
              FROM (SELECT day, day - row_number() OVER (ORDER BY day) AS island FROM days)
              GROUP BY island)
     SELECT coalesce((SELECT len FROM runs WHERE last >= :today - 1), 0) AS current,
       coalesce(max(len), 0) AS longest
     FROM runs"
);

/// Live cards lapsed at least `:min` times, read from the range of the
/// hardest-cards index that holds them: counted over every card's state,
/// this was most of `stats` at 1,000,000 cards (81 of 114 ms). A lapsed
/// card has been reviewed, so `due IS NOT NULL` (the index's condition)
/// leaves none out.
pub(crate) const LEECHES: &str = "SELECT count(*) AS n FROM cards c INDEXED BY cards_hardest
     WHERE c.retired = 0 AND c.due IS NOT NULL AND c.lapses >= :min
       AND (:deck IS NULL OR c.deck_id = :deck)";

const DAILY_LOG: &str = concat!(
    "SELECT s.day, sum(",
    answers!(),
    ") AS n, sum(s.time_ms) AS time_ms FROM revlog_days s
     WHERE s.day BETWEEN :from AND :to AND ",
    days_in_deck!(),
    " GROUP BY s.day HAVING n > 0 ORDER BY s.day"
);

/// First answers of young (kind 1) and mature (kind 2) cards, passed and all.
const RETENTION: &str = concat!(
    "SELECT d.name,
       sum(s.g3 + s.g4 + s.g5) FILTER (WHERE s.kind = 1) AS young_passed,
       sum(",
    answers!(),
    ") FILTER (WHERE s.kind = 1) AS young_all,
       sum(s.g3 + s.g4 + s.g5) FILTER (WHERE s.kind = 2) AS mature_passed,
       sum(",
    answers!(),
    ") FILTER (WHERE s.kind = 2) AS mature_all
     FROM revlog_days s JOIN decks d ON d.id = s.deck_id
     WHERE s.day BETWEEN :from AND :to AND s.kind IN (1, 2) AND ",
    days_in_deck!(),
    " GROUP BY d.id HAVING sum(",
    answers!(),
    ") > 0 ORDER BY d.position"
);

const GRADE_COUNTS: &str = concat!(
    "SELECT s.kind, sum(s.g0) AS g0, sum(s.g1) AS g1, sum(s.g2) AS g2, sum(s.g3) AS g3,
       sum(s.g4) AS g4, sum(s.g5) AS g5
     FROM revlog_days s WHERE s.day BETWEEN :from AND :to AND ",
    days_in_deck!(),
    " GROUP BY s.kind ORDER BY s.kind"
);

/// [`GRADE_COUNTS`]' answers per grade, grade 0 first.
const GRADE_COLUMNS: [&str; 6] = ["g0", "g1", "g2", "g3", "g4", "g5"];

/// Today's answers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TodayLog {
    /// Distinct cards answered.
    pub cards: u32,
    /// Every answer, same-day repeats included.
    pub answers: u32,
    pub time_ms: i64,
}

/// Consecutive study days with at least one answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Streaks {
    /// The run that ends today or yesterday (a streak is not broken before
    /// the day is over), else 0.
    pub current: u32,
    pub longest: u32,
}

/// Cards of one deck in each state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StateRow {
    pub deck: String,
    pub new: u32,
    pub learning: u32,
    pub young: u32,
    pub mature: u32,
    pub suspended: u32,
    pub buried: u32,
    pub retired: u32,
}

/// Answers on one study day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DayLog {
    pub day: Day,
    pub answers: u32,
    pub time_ms: i64,
}

/// One deck's retention counts: (passed, reviews) for young and mature cards.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetentionRow {
    pub deck: String,
    pub young: (u32, u32),
    pub mature: (u32, u32),
}

/// What kind of answer a log row is, for the answer-button counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerKind {
    New,
    Young,
    Mature,
    Repeat,
}

/// A card that gives the learner trouble.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HardCard {
    pub uid: String,
    pub deck: String,
    pub front: String,
    pub lapses: u32,
    pub ease: u16,
    pub interval: u32,
}

impl Collection {
    /// Every answer in the log (of the deck's cards).
    pub fn review_count(&self, deck: DeckFilter) -> Result<u32> {
        Ok(self
            .conn
            .prepare_cached(REVIEW_COUNT)?
            .query_row(named_params! {":deck": deck}, |r| r.get("n"))?)
    }

    pub fn today_log(&self, today: Day, deck: DeckFilter) -> Result<TodayLog> {
        let mut stmt = self.conn.prepare_cached(TODAY_LOG)?;
        Ok(
            stmt.query_row(named_params! {":today": today, ":deck": deck}, |r| {
                Ok(TodayLog {
                    cards: r.get("cards")?,
                    answers: r.get("answers")?,
                    time_ms: r.get("time_ms")?,
                })
            })?,
        )
    }

    /// Days in a row with at least one review, ending today (or yesterday,
    /// until today's first review), for the whole collection. One probe per
    /// day of the streak into the daily summaries, a few pages however long
    /// the streak (the log's day index would cost a page or more per day),
    /// so the end of a session never reads the whole log (`streaks` gives
    /// the longest run too, for `py201 stats`).
    pub fn current_streak(&self, today: Day) -> Result<u32> {
        // One statement, so one read transaction rather than one per day.
        let mut stmt = self.conn.prepare_cached(concat!(
            "WITH RECURSIVE
               start(d) AS (SELECT CASE WHEN EXISTS (SELECT 1 FROM revlog_days s
                                 WHERE s.day = :today AND ",
            answers!(),
            " > 0) THEN :today ELSE :today - 1 END),
               run(d) AS (SELECT d FROM start
                          UNION ALL SELECT run.d - 1 FROM run
                          WHERE EXISTS (SELECT 1 FROM revlog_days s WHERE s.day = run.d AND ",
            answers!(),
            " > 0))
             SELECT count(*) - 1 AS n FROM run"
        ))?;
        Ok(stmt.query_row(named_params! {":today": today}, |r| r.get("n"))?)
    }

    pub fn streaks(&self, today: Day, deck: DeckFilter) -> Result<Streaks> {
        let mut stmt = self.conn.prepare_cached(STREAKS)?;
        Ok(
            stmt.query_row(named_params! {":today": today, ":deck": deck}, |r| {
                Ok(Streaks {
                    current: r.get("current")?,
                    longest: r.get("longest")?,
                })
            })?,
        )
    }

    /// Answers and time per study day from `from` to `to`, days without
    /// answers left out.
    pub fn daily_log(&self, from: Day, to: Day, deck: DeckFilter) -> Result<Vec<DayLog>> {
        let mut stmt = self.conn.prepare_cached(DAILY_LOG)?;
        let rows = stmt
            .query_map(
                named_params! {":from": from, ":to": to, ":deck": deck},
                |r| {
                    Ok(DayLog {
                        day: r.get("day")?,
                        answers: r.get("n")?,
                        time_ms: r.get("time_ms")?,
                    })
                },
            )?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Per deck with such answers, from `from` to `to`: answers graded 3 or
    /// more among the day's first reviews of cards already in review (Anki's
    /// "true retention": same-day repeats and first views of new cards left
    /// out), young and mature by the interval before the answer.
    pub fn retention(&self, from: Day, to: Day, deck: DeckFilter) -> Result<Vec<RetentionRow>> {
        let mut stmt = self.conn.prepare_cached(RETENTION)?;
        // A deck with only young (or only mature) answers has NULL sums for the other.
        let n = |r: &rusqlite::Row, name: &str| {
            r.get::<_, Option<u32>>(name).map(Option::unwrap_or_default)
        };
        let rows = stmt
            .query_map(
                named_params! {":from": from, ":to": to, ":deck": deck},
                |r| {
                    Ok(RetentionRow {
                        deck: r.get("name")?,
                        young: (n(r, "young_passed")?, n(r, "young_all")?),
                        mature: (n(r, "mature_passed")?, n(r, "mature_all")?),
                    })
                },
            )?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// How many studied cards (reviewed at least once, not retired) have each
    /// distinct value of `column`, which is `ease` or `interval`.
    fn studied_by(&self, column: StudiedColumn, deck: DeckFilter) -> Result<Vec<(u32, u32)>> {
        // The per-deck counts of each value (schema 9's `deck_values`): a
        // row per deck and value, not a card each.
        let what = match column {
            StudiedColumn::Ease => 0,
            StudiedColumn::Interval => 1,
        };
        let sql = "SELECT value, sum(n) AS n FROM deck_values
                   WHERE what = :what AND (:deck IS NULL OR deck_id = :deck)
                   GROUP BY value ORDER BY value";
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt
            .query_map(named_params! {":what": what, ":deck": deck}, |r| {
                Ok((r.get("value")?, r.get("n")?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// (EF in thousandths, cards) for every EF a studied card has.
    pub fn ease_counts(&self, deck: DeckFilter) -> Result<Vec<(u32, u32)>> {
        self.studied_by(StudiedColumn::Ease, deck)
    }

    /// (interval in days, cards) for every interval a studied card has.
    pub fn interval_counts(&self, deck: DeckFilter) -> Result<Vec<(u32, u32)>> {
        self.studied_by(StudiedColumn::Interval, deck)
    }

    /// Studied cards that lapsed or whose EF fell below its start: most lapses first, then lowest
    /// EF, then course order; at most `limit`.
    pub fn hardest_cards(&self, limit: u32, deck: DeckFilter) -> Result<Vec<HardCard>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.uid, d.name AS deck, c.front, c.lapses, c.ease, c.interval
             FROM cards c JOIN decks d ON d.id = c.deck_id
             WHERE c.retired = 0 AND c.due IS NOT NULL AND (c.lapses > 0 OR c.ease < :initial)
               AND (:deck IS NULL OR c.deck_id = :deck)
             ORDER BY c.lapses DESC, c.ease, c.position LIMIT :limit",
        )?;
        let params = named_params! {":initial": Ease::INITIAL.0, ":limit": limit, ":deck": deck};
        let rows = stmt
            .query_map(params, |r| {
                Ok(HardCard {
                    uid: r.get("uid")?,
                    deck: r.get("deck")?,
                    front: r.get("front")?,
                    lapses: r.get("lapses")?,
                    ease: r.get("ease")?,
                    interval: r.get("interval")?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Cards (not retired) with at least `min_lapses` lapses.
    pub fn leech_count(&self, min_lapses: u32, deck: DeckFilter) -> Result<u32> {
        Ok(self
            .conn
            .prepare_cached(LEECHES)?
            .query_row(named_params! {":min": min_lapses, ":deck": deck}, |r| {
                r.get("n")
            })?)
    }

    /// (kind of answer, grade, answers) from `from` to `to`, grades without
    /// answers left out.
    pub fn grade_counts(
        &self,
        from: Day,
        to: Day,
        deck: DeckFilter,
    ) -> Result<Vec<(AnswerKind, u8, u32)>> {
        let mut stmt = self.conn.prepare_cached(GRADE_COUNTS)?;
        let mut rows = stmt.query(named_params! {":from": from, ":to": to, ":deck": deck})?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let kind = match r.get::<_, u8>("kind")? {
                0 => AnswerKind::New,
                1 => AnswerKind::Young,
                2 => AnswerKind::Mature,
                _ => AnswerKind::Repeat,
            };
            for (grade, column) in (0u8..).zip(GRADE_COLUMNS) {
                let n: u32 = r.get(column)?;
                if n > 0 {
                    out.push((kind, grade, n));
                }
            }
        }
        Ok(out)
    }
}

#[derive(Debug, Clone, Copy)]
enum StudiedColumn {
    Ease,
    Interval,
}

#[cfg(test)]
mod tests;
