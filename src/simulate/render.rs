//! How `py201 simulate`'s outcomes look: the summary table, the workload
//! chart and the assumptions behind them. Pure functions from an [`Input`]
//! and its [`Outcome`]s to text; nothing here computes a figure.

use super::{Input, Outcome, REPEAT_AFTER_SECS};
use crate::clock::day_string;
use comfy_table::{CellAlignment, Table, presets::UTF8_FULL_CONDENSED};
use std::fmt::Write as _;

/// The chart's widest width in columns.
const CHART_WIDTH: usize = 60;

/// The whole report. `fitted`: whether the parameters are the collection's
/// own (fitted by `py201 optimize`) rather than the defaults.
pub fn text(input: &Input, outcomes: &[Outcome], fitted: bool) -> String {
    let mut out = String::new();
    let n_cards = input.cards.len();
    let n_new = input.cards.iter().filter(|c| c.state.is_new()).count();
    let opening = format!(
        "Simulated {} days from {} over {n_cards} cards ({n_new} new, {} new per day), seed {}.",
        input.days,
        day_string(input.today),
        input.new_per_day,
        input.seed
    );
    let _ = writeln!(out, "{}", crate::table::wrap(&opening));
    let _ = writeln!(out, "{}", table(outcomes));
    let width = CHART_WIDTH.min(input.days as usize);
    let peak = outcomes.iter().map(|o| o.peak_per_day()).max().unwrap_or(0);
    let heading = format!(
        "\nDaily workload, answers per day ({} day(s) a column; a full bar is the busiest stretch, {peak} on the peak day):",
        (input.days as usize).div_ceil(width.max(1))
    );
    let _ = writeln!(out, "{}", crate::table::wrap(&heading));
    for line in chart(outcomes, width) {
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out, "{}", crate::table::wrap(&assumptions(input, fitted)));
    out
}

/// One row per schedule: workload, time, and what it gives.
fn table(outcomes: &[Outcome]) -> Table {
    let mut table = crate::table::new();
    table.load_style(UTF8_FULL_CONDENSED).set_header(vec![
        "Schedule",
        "Reviews/day",
        "Peak/day",
        "Review time",
        "Known at end",
        "Retention",
    ]);
    for o in outcomes {
        table.add_row(vec![
            o.policy.name(),
            format!("{:.1}", o.mean_per_day()),
            o.peak_per_day().to_string(),
            format!("{:.1} h", o.seconds / 3600.0),
            format!("{:.0}", o.known_at_end),
            format!("{:.1}%", o.retention * 100.0),
        ]);
    }
    for c in 1..6 {
        if let Some(col) = table.column_mut(c) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    table
}

/// What the figures rest on, with the collection's own settings.
fn assumptions(input: &Input, fitted: bool) -> String {
    format!(
        "\nAssumptions:
- The learner's memory follows FSRS-6 with this collection's {} parameters; each card starts from the memory state its review log implies. Recall on a review is drawn with the model's probability.
- Grades: a forgotten card is graded 1; a recalled one 3, 4 or 5 in the shares of FSRS's simulator (22% hard, 63% good, 15% easy); a new card's first grade likewise (24% again, 9% hard, 50% good, 17% easy).
- Seconds per answer are the FSRS simulator's defaults (about 8-20 s by grade and card state).
- SM-2 runs py201's own scheduler with your settings (fuzz {}, maximum interval {} days), its same-day repeats answered {} minutes later; FSRS runs py201's FSRS scheduler with learning steps \"{}\" and relearning steps \"{}\". Both keep your limit of {} reviews per day; cards beyond it wait.
- Reviews/day counts every answer, same-day repeats and learning steps included. Known at end: the expected number of cards recalled the day after the last. Retention: share of reviews recalled.",
        if fitted { "fitted" } else { "default" },
        if input.settings.fuzz { "on" } else { "off" },
        input.settings.max_interval,
        REPEAT_AFTER_SECS / 60,
        input.fsrs.learning_steps,
        input.fsrs.relearning_steps,
        input.reviews_per_day
    )
}

/// One text line per schedule: daily answers as bars ▁▂▃▄▅▆▇█, `width`
/// columns (each the mean of its days), all on one scale.
pub fn chart(outcomes: &[Outcome], width: usize) -> Vec<String> {
    const BARS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let buckets = |v: &[u32]| -> Vec<f64> {
        let n = v.len().max(1);
        let w = width.min(n).max(1);
        (0..w)
            .map(|b| {
                let (lo, hi) = (b * n / w, ((b + 1) * n / w).max(b * n / w + 1));
                let s = &v[lo.min(v.len())..hi.min(v.len())];
                s.iter().map(|&x| f64::from(x)).sum::<f64>() / s.len().max(1) as f64
            })
            .collect()
    };
    let all: Vec<Vec<f64>> = outcomes
        .iter()
        .map(|o| buckets(&o.answers_per_day))
        .collect();
    let max = all
        .iter()
        .flatten()
        .copied()
        .fold(0.0f64, f64::max)
        .max(1.0);
    outcomes
        .iter()
        .zip(&all)
        .map(|(o, b)| {
            let bars: String = b
                .iter()
                .map(|&x| BARS[((x / max) * 8.0).ceil().clamp(0.0, 8.0) as usize])
                .collect();
            format!("{:<10} │{bars}│", o.policy.name())
        })
        .collect()
}
