//! The figures of `py201 stats`, as typed values computed from the collection
//! layer's aggregates (`collection::stats`). This module never runs SQL and
//! never prints: `render` turns a [`Stats`] into tables and text charts, or
//! into JSON, whose keys (the serde names below) are a public interface
//! documented in docs/json.md.

pub mod render;

use crate::clock::{Day, day_string};
use crate::collection::Collection;
use crate::collection::config::SchedulerKind;
use crate::collection::stats::{AnswerKind, DeckFilter, RetentionRow, StateRow};
use crate::error::Result;
use serde::Serialize;

/// A card is mature from this interval on (Anki's threshold), young below it.
pub const MATURE_DAYS: u32 = 21;
// The daily summaries in the collection split young from mature at this
// same interval (it is written into schema.sql's triggers).
const _: () = assert!(MATURE_DAYS == crate::collection::stats::SUMMARY_MATURE_DAYS);
/// A card that lapsed this many times is a leech: it is flagged here and the
/// review screen says so when it comes up.
pub const LEECH_LAPSES: u32 = 8;
/// How many of the hardest cards are listed.
pub const HARDEST_CARDS: u32 = 10;
/// The calendar heatmap always covers this many days, whatever `--days` says.
pub const CALENDAR_DAYS: u32 = 365;
pub const FORECAST_DAYS: u32 = 7;
pub const FORECAST_WEEKS: u32 = 4;
/// Lower bounds of the EF histogram's buckets, in thousandths (EF never
/// drops below 1.3; one bucket per two SM-2 steps of 0.1).
pub const EASE_BUCKETS: [u32; 8] = [1300, 1500, 1700, 1900, 2100, 2300, 2500, 2700];
/// Lower bounds of the interval histogram's buckets, in days; 21 is where
/// young turns mature.
pub const INTERVAL_BUCKETS: [u32; 8] = [1, 2, 7, 14, 21, 60, 180, 365];
/// Lower bounds of the FSRS stability histogram's buckets, in days.
pub const STABILITY_BUCKETS: [u32; 8] = [0, 1, 7, 21, 60, 180, 365, 1000];

/// What `py201 stats` was asked for.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub deck: DeckFilter,
    /// The window of the history, retention and answer-button figures,
    /// ending today.
    pub days: u32,
}

/// Every figure, for one deck or the whole collection.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    /// Today's study day.
    pub date: String,
    #[serde(skip)]
    pub day: Day,
    /// The deck asked for; `None` for all decks.
    pub deck: Option<String>,
    /// The window in days.
    pub days: u32,
    /// Every answer ever logged (0: nothing to show yet).
    pub reviews: u32,
    pub today: TodayFigures,
    pub cards: Cards,
    pub forecast: Forecast,
    pub history: History,
    pub calendar: Calendar,
    pub retention: Retention,
    pub ease: Histogram<f64>,
    pub intervals: Histogram<u32>,
    pub hardest: Vec<Hard>,
    pub leeches: u32,
    pub buttons: Buttons,
    /// Only while FSRS schedules (`config scheduler fsrs`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fsrs: Option<FsrsFigures>,
}

/// FSRS's view of the cards: predicted recall today and stability.
#[derive(Debug, Clone, Serialize)]
pub struct FsrsFigures {
    pub desired_retention: f64,
    /// "fitted" (by `py201 optimize`) or "default".
    pub parameters: String,
    /// Reviewed cards with a memory state.
    pub cards: u32,
    /// Mean predicted probability of recall today (4 decimals); `None` with no cards.
    pub average_recall: Option<f64>,
    /// Cards whose predicted recall today is below the desired retention.
    pub below_retention: u32,
    /// Stability in whole days (rounded down); the average likewise.
    pub stability: Histogram<u32>,
}

#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct TodayFigures {
    /// Distinct cards answered today.
    pub cards: u32,
    /// Answers today, same-day repeats included.
    pub reviews: u32,
    pub time_ms: i64,
    /// Still due today, as `py201 review` would show them (daily limit applied).
    pub due: u32,
    /// Same-day repeats still pending.
    pub repeats: u32,
    /// New cards still to be introduced today (daily limit applied).
    pub new: u32,
    pub streak: u32,
    pub longest_streak: u32,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StateCounts {
    pub new: u32,
    pub learning: u32,
    pub young: u32,
    pub mature: u32,
    pub suspended: u32,
    pub buried: u32,
    pub retired: u32,
    pub total: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct DeckStates {
    pub deck: String,
    #[serde(flatten)]
    pub counts: StateCounts,
}

#[derive(Debug, Clone, Serialize)]
pub struct Cards {
    pub decks: Vec<DeckStates>,
    pub all: StateCounts,
}

#[derive(Debug, Clone, Serialize)]
pub struct DueDay {
    #[serde(skip)]
    pub day: Day,
    pub date: String,
    pub cards: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct DueWeek {
    pub from: String,
    pub to: String,
    pub cards: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Forecast {
    /// Due before today and not yet reviewed.
    pub overdue: u32,
    /// Due today exactly.
    pub today: u32,
    /// Each of the next days, tomorrow first.
    pub days: Vec<DueDay>,
    /// Each of the next weeks, the first starting tomorrow.
    pub weeks: Vec<DueWeek>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HistoryDay {
    #[serde(skip)]
    pub day: Day,
    pub date: String,
    pub reviews: u32,
    pub time_ms: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct History {
    pub reviews: u32,
    pub time_ms: i64,
    /// Days of the window with at least one answer.
    pub active_days: u32,
    /// Every day of the window, oldest first.
    pub days: Vec<HistoryDay>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CalendarDay {
    #[serde(skip)]
    pub day: Day,
    pub date: String,
    pub reviews: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Calendar {
    #[serde(skip)]
    pub first: Day,
    pub from: String,
    pub to: String,
    /// Only the days with answers, oldest first.
    pub days: Vec<CalendarDay>,
}

/// Answers graded 3 or more out of the answers counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Rate {
    pub passed: u32,
    pub reviews: u32,
    /// One decimal; `None` when nothing was counted.
    pub percent: Option<f64>,
}

impl Rate {
    pub fn new(passed: u32, reviews: u32) -> Self {
        // Rounded in integers so 2/3 is exactly 66.7, not 66.66666666666667.
        let percent = (reviews > 0).then(|| {
            let permille = (u64::from(passed) * 1000 + u64::from(reviews) / 2) / u64::from(reviews);
            permille as f64 / 10.0
        });
        Rate {
            passed,
            reviews,
            percent,
        }
    }

    fn add(self, other: Rate) -> Rate {
        Rate::new(self.passed + other.passed, self.reviews + other.reviews)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct DeckRetention {
    pub deck: String,
    pub young: Rate,
    pub mature: Rate,
    pub all: Rate,
}

#[derive(Debug, Clone, Serialize)]
pub struct Retention {
    pub young: Rate,
    pub mature: Rate,
    pub all: Rate,
    /// Decks with at least one counted review in the window.
    pub decks: Vec<DeckRetention>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Bucket<T> {
    /// Inclusive.
    pub from: T,
    /// Exclusive; `None` for the last bucket.
    pub to: Option<T>,
    pub cards: u32,
}

/// Studied cards (reviewed at least once, not retired) by EF or by interval.
#[derive(Debug, Clone, Serialize)]
pub struct Histogram<T> {
    pub cards: u32,
    /// The mean, EF to 3 decimals and interval to whole days; `None` with no cards.
    pub average: Option<T>,
    pub buckets: Vec<Bucket<T>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Hard {
    pub id: String,
    pub deck: String,
    pub front: String,
    pub lapses: u32,
    pub ef: f64,
    pub interval: u32,
    pub leech: bool,
}

/// Answers per grade 0-5 in the window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Buttons {
    /// First views of new cards.
    pub new: [u32; 6],
    /// First answers of the day, interval below 21 days.
    pub young: [u32; 6],
    /// First answers of the day, interval of 21 days or more.
    pub mature: [u32; 6],
    /// Same-day repeats.
    pub repeat: [u32; 6],
}

/// Computes every figure for `opts` as of the study day `today`.
pub fn compute(col: &Collection, today: Day, opts: Options) -> Result<Stats> {
    let deck = opts.deck;
    let cards = cards(col.state_counts(today, deck)?);
    let from = today - (opts.days.max(1) as Day - 1);
    Ok(Stats {
        date: day_string(today),
        day: today,
        deck: deck.and_then(|_| cards.decks.first().map(|d| d.deck.clone())),
        days: opts.days,
        reviews: col.review_count(deck)?,
        today: today_figures(col, today, deck)?,
        cards,
        forecast: forecast(col.due_offsets(today, FORECAST_WEEKS * 7, deck)?, today),
        history: history(col, from, today, deck)?,
        calendar: calendar(col, today, deck)?,
        retention: retention(col.retention(from, today, deck)?),
        ease: histogram(&col.ease_counts(deck)?, &EASE_BUCKETS, |e| {
            f64::from(e) / 1000.0
        }),
        intervals: histogram(&col.interval_counts(deck)?, &INTERVAL_BUCKETS, |i| i),
        hardest: col
            .hardest_cards(HARDEST_CARDS, deck)?
            .into_iter()
            .map(|c| Hard {
                leech: c.lapses >= LEECH_LAPSES,
                id: c.uid,
                deck: c.deck,
                front: c.front,
                lapses: c.lapses,
                ef: f64::from(c.ease) / 1000.0,
                interval: c.interval,
            })
            .collect(),
        leeches: col.leech_count(LEECH_LAPSES, deck)?,
        buttons: buttons(col.grade_counts(from, today, deck)?),
        fsrs: if col.config().scheduler == SchedulerKind::Fsrs {
            Some(fsrs_figures(col, today, deck)?)
        } else {
            None
        },
    })
}

fn fsrs_figures(col: &Collection, today: Day, deck: DeckFilter) -> Result<FsrsFigures> {
    let fsrs = col.fsrs_scheduler(0)?;
    let retention = fsrs.fsrs.desired_retention;
    let states = col.memory_states(deck)?;
    let mut stabilities: std::collections::BTreeMap<u32, u32> = Default::default();
    let (mut sum, mut below) = (0.0f64, 0u32);
    for s in &states {
        let r = fsrs.recall(s, today).unwrap_or(1.0);
        sum += f64::from(r);
        below += u32::from(r < retention);
        if let Some(m) = s.memory {
            *stabilities.entry(m.stability.floor() as u32).or_default() += 1;
        }
    }
    let counts: Vec<(u32, u32)> = stabilities.into_iter().collect();
    let n = states.len() as u32;
    Ok(FsrsFigures {
        desired_retention: f64::from(col.config().desired_retention) / 1000.0,
        parameters: if col.fsrs_params_fitted()? {
            "fitted"
        } else {
            "default"
        }
        .to_string(),
        cards: n,
        average_recall: (n > 0).then(|| (sum / f64::from(n) * 10_000.0).round() / 10_000.0),
        below_retention: below,
        stability: histogram(&counts, &STABILITY_BUCKETS, |d| d),
    })
}

fn today_figures(col: &Collection, today: Day, deck: DeckFilter) -> Result<TodayFigures> {
    let log = col.today_log(today, deck)?;
    let streaks = col.streaks(today, deck)?;
    // The same counts and limits as `py201 review`'s "Still to do today".
    let cfg = col.config();
    let counts = col.day_counts(today, deck)?;
    Ok(TodayFigures {
        cards: log.cards,
        reviews: log.answers,
        time_ms: log.time_ms,
        due: counts.due.min(
            cfg.reviews_per_day
                .saturating_sub(counts.reviews_done_today),
        ),
        repeats: counts.repeats,
        new: counts
            .new
            .min(cfg.new_per_day.saturating_sub(counts.new_done_today)),
        streak: streaks.current,
        longest_streak: streaks.longest,
    })
}

fn cards(rows: Vec<StateRow>) -> Cards {
    let mut all = StateCounts::default();
    let decks = rows
        .into_iter()
        .map(|r| {
            let c = StateCounts {
                new: r.new,
                learning: r.learning,
                young: r.young,
                mature: r.mature,
                suspended: r.suspended,
                buried: r.buried,
                retired: r.retired,
                total: r.new + r.learning + r.young + r.mature + r.suspended + r.buried + r.retired,
            };
            all.new += c.new;
            all.learning += c.learning;
            all.young += c.young;
            all.mature += c.mature;
            all.suspended += c.suspended;
            all.buried += c.buried;
            all.retired += c.retired;
            all.total += c.total;
            DeckStates {
                deck: r.deck,
                counts: c,
            }
        })
        .collect();
    Cards { decks, all }
}

fn forecast(offsets: Vec<(i32, u32)>, today: Day) -> Forecast {
    let at = |lo: i32, hi: i32| -> u32 {
        offsets
            .iter()
            .filter(|(o, _)| (lo..=hi).contains(o))
            .map(|(_, n)| n)
            .sum()
    };
    let days = (1..=FORECAST_DAYS as i32)
        .map(|o| DueDay {
            day: today + o,
            date: day_string(today + o),
            cards: at(o, o),
        })
        .collect();
    let weeks = (0..FORECAST_WEEKS as i32)
        .map(|w| {
            let (lo, hi) = (w * 7 + 1, w * 7 + 7);
            DueWeek {
                from: day_string(today + lo),
                to: day_string(today + hi),
                cards: at(lo, hi),
            }
        })
        .collect();
    Forecast {
        overdue: at(-1, -1),
        today: at(0, 0),
        days,
        weeks,
    }
}

fn history(col: &Collection, from: Day, today: Day, deck: DeckFilter) -> Result<History> {
    let logged = col.daily_log(from, today, deck)?;
    let mut logged = logged.iter().peekable();
    let mut days = Vec::new();
    for day in from..=today {
        let (reviews, time_ms) = match logged.next_if(|l| l.day == day) {
            Some(l) => (l.answers, l.time_ms),
            None => (0, 0),
        };
        days.push(HistoryDay {
            day,
            date: day_string(day),
            reviews,
            time_ms,
        });
    }
    Ok(History {
        reviews: days.iter().map(|d| d.reviews).sum(),
        time_ms: days.iter().map(|d| d.time_ms).sum(),
        active_days: days.iter().filter(|d| d.reviews > 0).count() as u32,
        days,
    })
}

fn calendar(col: &Collection, today: Day, deck: DeckFilter) -> Result<Calendar> {
    let first = today - (CALENDAR_DAYS as Day - 1);
    let days = col
        .daily_log(first, today, deck)?
        .into_iter()
        .map(|l| CalendarDay {
            day: l.day,
            date: day_string(l.day),
            reviews: l.answers,
        })
        .collect();
    Ok(Calendar {
        first,
        from: day_string(first),
        to: day_string(today),
        days,
    })
}

fn retention(rows: Vec<RetentionRow>) -> Retention {
    let decks: Vec<DeckRetention> = rows
        .into_iter()
        .map(|r| {
            let young = Rate::new(r.young.0, r.young.1);
            let mature = Rate::new(r.mature.0, r.mature.1);
            DeckRetention {
                deck: r.deck,
                young,
                mature,
                all: young.add(mature),
            }
        })
        .collect();
    let sum = |f: fn(&DeckRetention) -> Rate| decks.iter().map(f).fold(Rate::new(0, 0), Rate::add);
    Retention {
        young: sum(|d| d.young),
        mature: sum(|d| d.mature),
        all: sum(|d| d.all),
        decks,
    }
}

/// Buckets `(value, cards)` pairs by the lower `bounds`; `scale` turns a
/// stored value (EF thousandths, days) into the one shown.
fn histogram<T: Copy>(
    counts: &[(u32, u32)],
    bounds: &[u32],
    scale: impl Fn(u32) -> T,
) -> Histogram<T> {
    let mut buckets: Vec<Bucket<T>> = bounds
        .iter()
        .enumerate()
        .map(|(i, &lo)| Bucket {
            from: scale(lo),
            to: bounds.get(i + 1).map(|&hi| scale(hi)),
            cards: 0,
        })
        .collect();
    let (mut cards, mut sum) = (0u32, 0u64);
    for &(value, n) in counts {
        // Values below the first bound (none in a valid collection) join it.
        let i = bounds.iter().rposition(|&lo| value >= lo).unwrap_or(0);
        if let Some(b) = buckets.get_mut(i) {
            b.cards += n;
        }
        cards += n;
        sum += u64::from(value) * u64::from(n);
    }
    let average = (cards > 0).then(|| {
        let mean = (sum + u64::from(cards) / 2) / u64::from(cards);
        scale(u32::try_from(mean).unwrap_or(u32::MAX))
    });
    Histogram {
        cards,
        average,
        buckets,
    }
}

fn buttons(rows: Vec<(AnswerKind, u8, u32)>) -> Buttons {
    let mut b = Buttons::default();
    for (kind, grade, n) in rows {
        let row = match kind {
            AnswerKind::New => &mut b.new,
            AnswerKind::Young => &mut b.young,
            AnswerKind::Mature => &mut b.mature,
            AnswerKind::Repeat => &mut b.repeat,
        };
        if let Some(cell) = row.get_mut(usize::from(grade)) {
            *cell += n;
        }
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_round_in_integers_and_never_divide_by_zero() {
        assert_eq!(Rate::new(2, 3).percent, Some(66.7));
        assert_eq!(Rate::new(4, 7).percent, Some(57.1));
        assert_eq!(Rate::new(1, 8).percent, Some(12.5));
        assert_eq!(Rate::new(0, 0).percent, None);
    }

    #[test]
    fn histogram_buckets_by_lower_bound() {
        // EF 1.3 (x2), 2.36, 2.5 and 3.0: the mean is 10460 / 5 = 2.092.
        let h = histogram(
            &[(1300, 2), (2360, 1), (2500, 1), (3000, 1)],
            &EASE_BUCKETS,
            |e| f64::from(e) / 1000.0,
        );
        let cards: Vec<u32> = h.buckets.iter().map(|b| b.cards).collect();
        assert_eq!(cards, [2, 0, 0, 0, 0, 1, 1, 1]);
        assert_eq!((h.cards, h.average), (5, Some(2.092)));
        assert_eq!((h.buckets[7].from, h.buckets[7].to), (2.7, None));
        let empty = histogram(&[], &INTERVAL_BUCKETS, |i| i);
        assert_eq!((empty.cards, empty.average), (0, None));
    }

    #[test]
    fn forecast_days_and_weeks() {
        // Offsets: -1 overdue, 0 today, then days ahead.
        let f = forecast(vec![(-1, 2), (0, 1), (1, 3), (7, 1), (8, 4), (28, 5)], 100);
        assert_eq!((f.overdue, f.today), (2, 1));
        let days: Vec<u32> = f.days.iter().map(|d| d.cards).collect();
        assert_eq!(days, [3, 0, 0, 0, 0, 0, 1]);
        let weeks: Vec<u32> = f.weeks.iter().map(|w| w.cards).collect();
        assert_eq!(weeks, [4, 4, 0, 5]);
    }
}
