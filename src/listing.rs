//! How `py201 cards` lists cards: a table for the terminal, or JSON for
//! programs, whose names are a public interface (documented in docs/json.md).
//! Pure functions from cards to text.

use crate::clock::{Day, day_string};
use crate::collection::cards::Card;
use crate::review::render::sanitize;
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use serde::Serialize;

/// How much of a card's front the table shows, in characters: fewer
/// where the other columns leave less room, so that each card keeps one
/// line (`table::last_column_width`).
const FRONT_CHARS: usize = 50;

/// One card in `py201 cards --json`. These names are a public interface.
#[derive(Serialize)]
pub(crate) struct CardJson<'a> {
    id: &'a str,
    deck: &'a str,
    kind: &'a str,
    state: &'a str,
    due: Option<String>,
    interval: u32,
    ef: f64,
    reps: u32,
    lapses: u32,
    /// FSRS stability in days and difficulty (1-10), 4 decimals; null when
    /// the card has no memory state (new, or FSRS never switched on).
    stability: Option<f64>,
    difficulty: Option<f64>,
    front: &'a str,
    back: &'a str,
    /// Only on cards that show code.
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'a str>,
    tags: Vec<&'a str>,
    source: &'a str,
}

pub(crate) fn to_json(c: &Card, today: Day) -> CardJson<'_> {
    CardJson {
        id: &c.uid,
        deck: &c.deck,
        kind: c.kind.as_str(),
        state: c.status(today).as_str(),
        due: c.state.due.map(day_string),
        interval: c.state.interval,
        // Thousandths to a number with at most 3 decimals: 2360 -> 2.36.
        ef: f64::from(c.state.ease.0) / 1000.0,
        reps: c.state.reps,
        lapses: c.state.lapses,
        stability: c.state.memory.map(|m| round4(m.stability)),
        difficulty: c.state.memory.map(|m| round4(m.difficulty)),
        front: &c.front,
        back: &c.back,
        code: c.code.as_deref(),
        tags: c.tags.split_whitespace().collect(),
        source: &c.source,
    }
}

/// An f32 from FSRS as a JSON number with at most 4 decimals.
pub(crate) fn round4(v: f32) -> f64 {
    (f64::from(v) * 10_000.0).round() / 10_000.0
}

/// The cards as pretty JSON (an array), on `today`.
pub fn json(cards: &[Card], today: Day) -> serde_json::Result<String> {
    let rows: Vec<CardJson> = cards.iter().map(|c| to_json(c, today)).collect();
    serde_json::to_string_pretty(&rows)
}

/// Below this width the table leaves out EF, reps and lapses ([`table`]).
pub const FULL_WIDTH: u16 = 100;

/// The cards as a table, on `today`: fronts on one line, cut short. Laid
/// out for `width`; narrower than [`FULL_WIDTH`], it keeps the columns a
/// learner scans (id, deck, state, due, interval, front) and leaves EF,
/// reps and lapses to `--json`.
pub fn table(cards: &[Card], today: Day, width: u16) -> Table {
    let full = width >= FULL_WIDTH;
    let mut table = crate::table::new();
    table.set_width(width);
    let mut header = vec!["Id", "Deck", "State", "Due", "Ivl"];
    if full {
        header.extend(["EF", "Reps", "Lapses"]);
    }
    table.load_style(UTF8_FULL_CONDENSED);
    let rows: Vec<Vec<String>> = cards
        .iter()
        .map(|c| {
            let mut row = vec![
                c.uid.clone(),
                sanitize(&c.deck),
                c.status(today).as_str().to_string(),
                c.state.due.map(day_string).unwrap_or_default(),
                c.state.interval.to_string(),
            ];
            if full {
                row.extend([
                    format!("{:.2}", c.state.ease.as_f64()),
                    c.state.reps.to_string(),
                    c.state.lapses.to_string(),
                ]);
            }
            row
        })
        .collect();
    let front_max =
        crate::table::last_column_width(usize::from(width), &header, &rows, FRONT_CHARS);
    header.push("Front");
    table.set_header(header);
    for (c, mut row) in cards.iter().zip(rows) {
        let front = sanitize(&c.front).replace('\n', " ");
        row.push(crate::table::cut(&front, front_max));
        table.add_row(row);
    }
    table
}
