//! How [`Stats`] look: tables (comfy-table) and text charts for the terminal,
//! or one JSON object. Pure functions from figures to text; nothing here
//! computes a figure.

use super::{Bucket, Calendar, Histogram, LEECH_LAPSES, Rate, StateCounts, Stats};
use crate::clock::{Day, day_to_date};
use crate::review::render::{duration, sanitize};
use chrono::{Datelike, NaiveDate};
use comfy_table::{Cell, CellAlignment, Table, presets::UTF8_FULL_CONDENSED};
use std::fmt::Write as _;

/// Width in characters of the longest bar of a chart.
const BAR_WIDTH: u64 = 30;
/// The calendar's shades, from one answer up to the busiest day's count.
const SHADES: [char; 4] = ['░', '▒', '▓', '█'];
const NO_REVIEWS: char = '·';

/// The whole object as pretty JSON.
pub fn json(s: &Stats) -> serde_json::Result<String> {
    serde_json::to_string_pretty(s)
}

/// What to say instead of empty tables when nothing has been answered yet.
pub fn empty(s: &Stats) -> String {
    let (scope, review) = match &s.deck {
        Some(d) => (
            format!(" in deck {:?}", sanitize(d)),
            format!("py201 review --deck {:?}", sanitize(d)),
        ),
        None => (String::new(), "py201 review".to_string()),
    };
    let c = &s.cards.all;
    let waiting = c.new + c.learning + c.young + c.mature;
    let next = if waiting == 0 {
        "no card waits: add some with `py201 import PATH`.".to_string()
    } else {
        format!(
            "{waiting} card{} wait{}: run `{review}`, and statistics appear after the first answer.",
            plural(waiting),
            if waiting == 1 { "s" } else { "" }
        )
    };
    format!("No reviews yet{scope}, so there are no statistics to show; {next}\n")
}

/// Every section, for the terminal.
pub fn text(s: &Stats) -> String {
    let mut out = String::new();
    let scope = match &s.deck {
        Some(d) => format!("deck {:?}", sanitize(d)),
        None => "all decks".to_string(),
    };
    let window = window(s.days);
    let _ = writeln!(out, "Statistics for {scope} on {}", s.date);
    section(&mut out, "Today", &today(s));
    section(&mut out, "Cards by state", &states(s));
    section(&mut out, "Forecast: cards due", &forecast(s));
    section(&mut out, &format!("History: {window}"), &history(s));
    section(
        &mut out,
        "Calendar: the last 365 days",
        &heatmap(&s.calendar, s.day),
    );
    section(
        &mut out,
        &format!("Retention: {window}, first answer of the day, cards in review"),
        &retention(s),
    );
    section(&mut out, "Ease and intervals", &ease(s));
    if let Some(f) = &s.fsrs {
        section(&mut out, "FSRS: predicted recall and stability", &fsrs(f));
    }
    section(&mut out, "Hardest cards", &hardest(s));
    section(&mut out, &format!("Answer buttons: {window}"), &buttons(s));
    out
}

/// Prose folded to the width the tables are laid out for.
fn prose(text: &str) -> String {
    crate::table::wrap(text)
}

fn section(out: &mut String, title: &str, body: &str) {
    let _ = write!(out, "\n{}\n{body}", prose(title));
    if !body.ends_with('\n') {
        out.push('\n');
    }
}

fn window(days: u32) -> String {
    match days {
        1 => "today".to_string(),
        n => format!("the last {n} days"),
    }
}

fn plural(n: u32) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn table(header: Option<Vec<&str>>) -> Table {
    let mut t = crate::table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    if let Some(h) = header {
        t.set_header(h);
    }
    t
}

fn num(n: impl ToString) -> Cell {
    Cell::new(n.to_string()).set_alignment(CellAlignment::Right)
}

/// A bar of `n` against the chart's largest value `max`: at least one block
/// for any non-zero value, so a quiet day never looks like a day off.
pub fn bar(n: u64, max: u64) -> String {
    if n == 0 || max == 0 {
        return String::new();
    }
    let len = ((n * BAR_WIDTH + max / 2) / max).clamp(1, BAR_WIDTH);
    "█".repeat(len as usize)
}

fn days(n: u32) -> String {
    format!("{n} day{}", plural(n))
}

fn weekday_date(d: Day) -> String {
    day_to_date(d).format("%a %Y-%m-%d").to_string()
}

fn today(s: &Stats) -> String {
    let t = &s.today;
    let mut tab = table(None);
    for (label, value) in [
        ("Cards reviewed", t.cards.to_string()),
        ("Reviews (with repeats)", t.reviews.to_string()),
        ("Time", duration(u64::try_from(t.time_ms).unwrap_or(0))),
        ("Still due", t.due.to_string()),
        ("Repeats pending", t.repeats.to_string()),
        ("New cards left", t.new.to_string()),
        ("Study streak", days(t.streak)),
        ("Longest streak", days(t.longest_streak)),
    ] {
        tab.add_row(vec![Cell::new(label), num(value)]);
    }
    format!("{tab}\n")
}

/// A column of "Cards by state": its header, the short one a narrow
/// terminal gets, its count, and whether it may be left out when no row
/// has any (the states a card is in for a while only).
struct StateColumn {
    header: &'static str,
    short: &'static str,
    count: fn(&StateCounts) -> u32,
    optional: bool,
}

const fn column(
    header: &'static str,
    short: &'static str,
    count: fn(&StateCounts) -> u32,
    optional: bool,
) -> StateColumn {
    StateColumn {
        header,
        short,
        count,
        optional,
    }
}

const STATE_COLUMNS: [StateColumn; 8] = [
    column("New", "New", |c| c.new, false),
    column("Learning", "Learn", |c| c.learning, true),
    column("Young", "Young", |c| c.young, false),
    column("Mature", "Mat", |c| c.mature, false),
    column("Suspended", "Susp", |c| c.suspended, true),
    column("Buried", "Bur", |c| c.buried, true),
    column("Retired", "Ret", |c| c.retired, true),
    column("Total", "Total", |c| c.total, false),
];

/// The widths `rows` take in a table of `columns` with their `short` or
/// full headers, nothing wrapped: the deck's names, and the rest (each
/// cell padded by one space a side, one rule between cells and at each
/// end).
fn natural_widths(
    rows: &[(&str, &StateCounts)],
    columns: &[&StateColumn],
    short: bool,
    tight: bool,
) -> (usize, usize) {
    use unicode_width::UnicodeWidthStr;
    let deck = rows
        .iter()
        .map(|(name, _)| sanitize(name).width())
        .chain(["Deck".len()])
        .max()
        .unwrap_or(0);
    let counts: usize = columns
        .iter()
        .map(|col| {
            let header = if short { col.short } else { col.header };
            rows.iter()
                .map(|(_, c)| (col.count)(c).to_string().len())
                .chain([header.len()])
                .max()
                .unwrap_or(0)
        })
        .sum();
    // The deck's padding and rules at both ends; each count's rule and
    // padding (`tight`: none on its right, against the next rule).
    let per_count = if tight { 2 } else { 3 };
    (deck, counts + per_count * columns.len() + 4)
}

fn natural_width(rows: &[(&str, &StateCounts)], columns: &[&StateColumn], short: bool) -> usize {
    let (deck, rest) = natural_widths(rows, columns, short, false);
    deck + rest
}

/// Below this width for the deck's names, the counts lose the padding on
/// their right, and a name that still does not fit is cut rather than
/// wrapped: a name wrapped into so narrow a column is no longer read as
/// a name.
const DECK_WRAP_MIN: usize = 12;

fn states(s: &Stats) -> String {
    states_at(s, usize::from(crate::table::width()))
}

/// "Cards by state" laid out for `width` columns. Where the whole table
/// does not fit (nine columns need about 95 for the built-in decks'
/// names), the states no card is in are left out and named below it, then
/// the headers are shortened and explained, before a deck's name is
/// wrapped at its words (cut, in the narrowest); counts are never
/// wrapped.
fn states_at(s: &Stats, width: usize) -> String {
    let mut rows: Vec<(&str, &StateCounts)> = s
        .cards
        .decks
        .iter()
        .map(|d| (d.deck.as_str(), &d.counts))
        .collect();
    if s.deck.is_none() {
        rows.push(("All decks", &s.cards.all));
    }
    let mut columns: Vec<&StateColumn> = STATE_COLUMNS.iter().collect();
    let mut none = vec![];
    if natural_width(&rows, &columns, false) > width {
        columns.retain(|col| {
            let empty = col.optional && rows.iter().all(|(_, c)| (col.count)(c) == 0);
            if empty {
                none.push(col.header.to_lowercase());
            }
            !empty
        });
    }
    let short = natural_width(&rows, &columns, false) > width;
    let room = |tight| width.saturating_sub(natural_widths(&rows, &columns, short, tight).1);
    let tight = room(false) < DECK_WRAP_MIN;
    let room = room(tight);
    let mut header = vec!["Deck"];
    header.extend(
        columns
            .iter()
            .map(|c| if short { c.short } else { c.header }),
    );
    let mut tab = table(Some(header));
    tab.set_width(u16::try_from(width).unwrap_or(u16::MAX));
    for (name, counts) in &rows {
        let name = sanitize(name);
        let name = if room < DECK_WRAP_MIN {
            crate::table::cut(&name, room.max(4))
        } else {
            name
        };
        let mut row = vec![Cell::new(name)];
        row.extend(columns.iter().map(|col| num((col.count)(counts))));
        tab.add_row(row);
    }
    for i in 1..=columns.len() {
        if let Some(c) = tab.column_mut(i) {
            c.set_constraint(comfy_table::ColumnConstraint::ContentWidth);
            if tight {
                c.set_padding((1, 0));
            }
        }
    }
    let mut legend = String::new();
    if short {
        let named: Vec<String> = columns
            .iter()
            .filter(|c| c.short != c.header)
            .map(|c| format!("{}: {}", c.short, c.header.to_lowercase()))
            .collect();
        if !named.is_empty() {
            let _ = write!(legend, "{}. ", named.join(", "));
        }
    }
    legend.push_str(
        "Learning: graded below 4 today, repeat pending; young: interval under 21 days; \
         mature: 21+ days.",
    );
    if !none.is_empty() {
        let _ = write!(legend, " No cards are {}.", or_list(&none));
    }
    format!("{tab}\n{}\n", crate::table::wrap_to(&legend, width))
}

/// "a", "a or b", "a, b or c".
fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

fn forecast(s: &Stats) -> String {
    let f = &s.forecast;
    let mut tab = table(Some(vec!["Due", "Cards", ""]));
    let day_max = f
        .days
        .iter()
        .map(|d| d.cards)
        .chain([f.overdue, f.today])
        .max()
        .unwrap_or(0);
    let mut row = |label: String, n: u32, max: u32| {
        tab.add_row(vec![
            Cell::new(label),
            num(n),
            Cell::new(bar(n.into(), max.into())),
        ]);
    };
    row("overdue".to_string(), f.overdue, day_max);
    row("today".to_string(), f.today, day_max);
    for d in &f.days {
        row(weekday_date(d.day), d.cards, day_max);
    }
    let week_max = f.weeks.iter().map(|w| w.cards).max().unwrap_or(0);
    for w in &f.weeks {
        row(format!("{} to {}", w.from, w.to), w.cards, week_max);
    }
    format!("{tab}\n")
}

fn history(s: &Stats) -> String {
    let h = &s.history;
    let mut tab = table(Some(vec!["Day", "Reviews", "Time", ""]));
    let max = h.days.iter().map(|d| d.reviews).max().unwrap_or(0);
    for d in &h.days {
        tab.add_row(vec![
            Cell::new(weekday_date(d.day)),
            num(d.reviews),
            num(duration(u64::try_from(d.time_ms).unwrap_or(0))),
            Cell::new(bar(d.reviews.into(), max.into())),
        ]);
    }
    tab.add_row(vec![
        Cell::new("Total"),
        num(h.reviews),
        num(duration(u64::try_from(h.time_ms).unwrap_or(0))),
        Cell::new(format!(
            "on {} of {}",
            h.active_days,
            days(h.days.len() as u32)
        )),
    ]);
    format!("{tab}\n")
}

/// A contribution-graph grid: one column per week (Monday at the top), one
/// character per day, shaded by that day's answers relative to the busiest
/// day of the year; month names above the week a month starts in.
pub fn heatmap(cal: &Calendar, today: Day) -> String {
    let max = cal.days.iter().map(|d| d.reviews).max().unwrap_or(0);
    let weekday = |d: Day| day_to_date(d).weekday().num_days_from_monday() as Day;
    let start = cal.first - weekday(cal.first);
    let cols = usize::try_from((today - start) / 7 + 1).unwrap_or(0);
    let mut grid = vec![vec![' '; cols]; 7];
    let mut logged = cal.days.iter().peekable();
    let mut months = vec![' '; cols + 3];
    let mut free = 0;
    for d in cal.first..=today {
        let n = logged.next_if(|c| c.day == d).map_or(0, |c| c.reviews);
        let (col, row) = (
            usize::try_from((d - start) / 7).unwrap_or(0),
            usize::try_from((d - start) % 7).unwrap_or(0),
        );
        if let Some(cell) = grid.get_mut(row).and_then(|r| r.get_mut(col)) {
            *cell = shade(n, max);
        }
        let date: NaiveDate = day_to_date(d);
        if date.day() == 1 && col >= free {
            for (i, ch) in date.format("%b").to_string().chars().enumerate() {
                if let Some(m) = months.get_mut(col + i) {
                    *m = ch;
                }
            }
            free = col + 4;
        }
    }
    let mut out = String::new();
    let active = cal.days.len() as u32;
    let legend = format!(
        "{} to {}: reviews on {}. {NO_REVIEWS} none, {} fewer to more (busiest day: {max})",
        cal.from,
        cal.to,
        days(active),
        SHADES.map(String::from).join(" "),
    );
    let _ = writeln!(out, "{}", prose(&legend));
    let months: String = months.into_iter().collect();
    let _ = writeln!(out, "    {}", months.trim_end());
    for (name, row) in ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        .iter()
        .zip(grid)
    {
        let cells: String = row.into_iter().collect();
        let _ = writeln!(out, "{name} {}", cells.trim_end());
    }
    out
}

/// `·` for no answers, else one of four shades: `ceil(4 * n / max)`.
pub fn shade(n: u32, max: u32) -> char {
    if n == 0 || max == 0 {
        return NO_REVIEWS;
    }
    let level = (u64::from(n) * 4).div_ceil(u64::from(max)).clamp(1, 4);
    SHADES[(level - 1) as usize]
}

fn rate(r: &Rate) -> String {
    match r.percent {
        Some(p) => format!("{p:.1}% ({}/{})", r.passed, r.reviews),
        None => "—".to_string(),
    }
}

fn retention(s: &Stats) -> String {
    let r = &s.retention;
    if r.decks.is_empty() {
        return prose(&format!(
            "No answers to cards in review in {}: retention shows once a card comes back.\n",
            window(s.days)
        ));
    }
    let mut tab = table(Some(vec!["Deck", "Young", "Mature", "All"]));
    let cells = |name: &str, y: &Rate, m: &Rate, a: &Rate| {
        vec![
            Cell::new(sanitize(name)),
            num(rate(y)),
            num(rate(m)),
            num(rate(a)),
        ]
    };
    for d in &r.decks {
        tab.add_row(cells(&d.deck, &d.young, &d.mature, &d.all));
    }
    if s.deck.is_none() {
        tab.add_row(cells("All decks", &r.young, &r.mature, &r.all));
    }
    format!("{tab}\nShare of answers graded 3 or higher (passed/answers).\n")
}

fn histogram_table<T: Copy>(
    name: &str,
    h: &Histogram<T>,
    label: impl Fn(&Bucket<T>) -> String,
) -> Table {
    let mut tab = table(Some(vec![name, "Cards", ""]));
    let max = h.buckets.iter().map(|b| b.cards).max().unwrap_or(0);
    for b in &h.buckets {
        tab.add_row(vec![
            Cell::new(label(b)),
            num(b.cards),
            Cell::new(bar(b.cards.into(), max.into())),
        ]);
    }
    tab
}

fn ease(s: &Stats) -> String {
    let (e, i) = (&s.ease, &s.intervals);
    let (Some(avg_ef), Some(avg_ivl)) = (e.average, i.average) else {
        return "No card has been reviewed yet.\n".to_string();
    };
    let ef = histogram_table("EF", e, |b| match b.to {
        Some(to) => format!("{:.2}-{:.2}", b.from, to - 0.01),
        None => format!("{:.2}+", b.from),
    });
    let ivl = histogram_table("Interval", i, |b| match b.to {
        Some(to) if to == b.from + 1 => format!("{} d", b.from),
        Some(to) => format!("{}-{} d", b.from, to - 1),
        None => format!("{}+ d", b.from),
    });
    let summary = prose(&format!(
        "Average EF {avg_ef:.2} and average interval {} over {} studied card{}.",
        days(avg_ivl),
        e.cards,
        plural(e.cards)
    ));
    format!("{summary}\n{ef}\n{ivl}\n")
}

fn fsrs(f: &super::FsrsFigures) -> String {
    let Some(avg) = f.average_recall else {
        return "No card has an FSRS memory state yet.\n".to_string();
    };
    let tab = histogram_table("Stability", &f.stability, |b| match b.to {
        Some(1) => "under 1 d".to_string(),
        Some(to) => format!("{}-{} d", b.from, to - 1),
        None => format!("{}+ d", b.from),
    });
    format!(
        "Average predicted recall today {:.1}% over {} card{} ({} parameters); {} below the desired retention of {:.0}%.\nAverage stability {}.\n{tab}\n",
        avg * 100.0,
        f.cards,
        plural(f.cards),
        f.parameters,
        f.below_retention,
        f.desired_retention * 100.0,
        days(f.stability.average.unwrap_or(0)),
    )
}

fn hardest(s: &Stats) -> String {
    if s.hardest.is_empty() {
        return "No card has lapsed or lost EF yet.\n".to_string();
    }
    hardest_at(s, usize::from(crate::table::width()))
}

/// The fronts of the hardest cards are cut to this many characters, or
/// fewer where the other columns leave less room: one line a card.
const FRONT_MAX: usize = 50;

fn hardest_at(s: &Stats, width: usize) -> String {
    let header = ["Card", "Deck", "Lapses", "EF", "Interval", "Leech", "Front"];
    let rows: Vec<Vec<String>> = s
        .hardest
        .iter()
        .map(|c| {
            vec![
                sanitize(&c.id),
                sanitize(&c.deck),
                c.lapses.to_string(),
                format!("{:.2}", c.ef),
                days(c.interval),
                if c.leech { "leech" } else { "" }.to_string(),
            ]
        })
        .collect();
    let front_max = crate::table::last_column_width(width, &header[..6], &rows, FRONT_MAX);
    let mut tab = table(Some(header.to_vec()));
    tab.set_width(u16::try_from(width).unwrap_or(u16::MAX));
    for (c, cells) in s.hardest.iter().zip(rows) {
        let front = sanitize(&c.front).replace('\n', " ");
        let mut row: Vec<Cell> = cells
            .into_iter()
            .enumerate()
            .map(|(i, cell)| {
                if (2..5).contains(&i) {
                    num(cell)
                } else {
                    Cell::new(cell)
                }
            })
            .collect();
        row.push(Cell::new(crate::table::cut(&front, front_max)));
        tab.add_row(row);
    }
    // Where to go from here: a card's whole story, and the leeches to act on.
    let leeches = prose(&format!(
        "Leeches ({LEECH_LAPSES} or more lapses): {} (`py201 cards is:leech`); a card's answers: `py201 show CARD`.",
        s.leeches
    ));
    format!("{tab}\n{leeches}\n")
}

fn buttons(s: &Stats) -> String {
    let b = &s.buttons;
    let mut tab = table(Some(vec![
        "Answers",
        "0",
        "1",
        "2",
        "3",
        "4",
        "5",
        "Total",
        "Graded 3+",
    ]));
    for (name, counts) in [
        ("new", b.new),
        ("young", b.young),
        ("mature", b.mature),
        ("repeat", b.repeat),
    ] {
        let total: u32 = counts.iter().sum();
        let passed: u32 = counts.iter().skip(3).sum();
        let mut row = vec![Cell::new(name)];
        row.extend(counts.map(num));
        row.push(num(total));
        row.push(num(match Rate::new(passed, total).percent {
            Some(p) => format!("{p:.1}%"),
            None => "—".to_string(),
        }));
        tab.add_row(row);
    }
    let legend = prose(
        "new: first view of a new card; young, mature: the day's first answer; \
         repeat: same-day repeats.",
    );
    format!("{tab}\n{legend}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_value() {
        assert_eq!(bar(0, 8), "");
        assert_eq!(bar(8, 8).chars().count(), 30);
        // 3 of 8: 90/8 = 11.25, rounded to 11.
        assert_eq!(bar(3, 8).chars().count(), 11);
        assert_eq!(bar(1, 1000).chars().count(), 1);
    }

    #[test]
    fn shades_are_quarters_of_the_busiest_day() {
        let got: String = [0, 1, 2, 3, 4, 5, 6, 7, 8]
            .map(|n| shade(n, 8))
            .iter()
            .collect();
        assert_eq!(got, "·░░▒▒▓▓██");
        assert_eq!(shade(0, 0), '·');
    }
}
