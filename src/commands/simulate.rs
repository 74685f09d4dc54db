use super::Ctx;
use crate::cli::SimulateArgs;
use crate::clock::day_string;
use crate::scheduler::fsrs::{self as fs, Memory};
use crate::simulate::{self, Input, REPEAT_AFTER_SECS, SimCard};
use anyhow::Result;
use comfy_table::{CellAlignment, Table, presets::UTF8_FULL_CONDENSED};
use std::collections::HashMap;
use std::io::Write;
use std::process::ExitCode;

pub fn run(ctx: &Ctx, args: SimulateArgs) -> Result<ExitCode> {
    let col = ctx.open()?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let cfg = *col.config();
    let today = ctx.clock.today(cfg.day_starts_at);
    let deck = args.deck.as_deref().map(|d| col.deck_id(d)).transpose()?;
    let params = col.fsrs_params()?;
    let fitted = col.fsrs_params_fitted()?;
    let model = fsrs::FSRS::new(&params)?;
    // The learner's memory of each card: from its log, as the switch to FSRS computes it.
    let mut known: HashMap<i64, (Option<Memory>, i32)> = HashMap::new();
    for h in col.histories(deck)? {
        let m = fs::memory_from_history(&model, &h.answers, h.start);
        let last = h.answers.last().map_or(today, |a| a.day);
        known.insert(h.card_id, (m, last));
    }
    let cards: Vec<SimCard> = col
        .cards(deck)?
        .into_iter()
        .filter(|c| !c.retired && !c.suspended)
        .map(|c| {
            let s = c.state;
            let (truth, last) = match known.get(&c.id) {
                Some(&(m, last)) if !s.is_new() => (m, Some(last)),
                _ if s.is_new() => (None, None),
                _ => (
                    fs::from_sm2(&model, s.ease, s.interval),
                    s.due.map(|d| d - s.interval as i32),
                ),
            };
            SimCard {
                state: crate::scheduler::CardState { memory: truth, ..s },
                truth,
                last_day: last,
            }
        })
        .collect();
    let n_cards = cards.len();
    let n_new = cards.iter().filter(|c| c.state.is_new()).count();
    let input = Input {
        cards,
        params,
        settings: cfg.scheduler_settings(),
        fsrs: cfg.fsrs_settings(),
        reviews_per_day: cfg.reviews_per_day,
        new_per_day: args.new_per_day,
        days: args.days,
        today,
        seed: args.seed,
    };
    let outcomes = simulate::run(&input)?;
    writeln!(
        out,
        "Simulated {} days from {} over {n_cards} cards ({n_new} new, {} new per day), seed {}.",
        args.days,
        day_string(today),
        args.new_per_day,
        args.seed
    )?;
    let mut table = Table::new();
    table.load_style(UTF8_FULL_CONDENSED).set_header(vec![
        "Schedule",
        "Reviews/day",
        "Peak/day",
        "Review time",
        "Known at end",
        "Retention",
    ]);
    for o in &outcomes {
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
    writeln!(out, "{table}")?;
    let width = 60.min(args.days as usize);
    let peak = outcomes.iter().map(|o| o.peak_per_day()).max().unwrap_or(0);
    writeln!(
        out,
        "\nDaily workload (answers per day; each column about {} day(s); full bar = busiest stretch, peak day {peak}):",
        (args.days as usize).div_ceil(width.max(1))
    )?;
    for line in simulate::chart(&outcomes, width) {
        writeln!(out, "{line}")?;
    }
    writeln!(out,
        "\nAssumptions:
- The learner's memory follows FSRS-6 with this collection's {} parameters; each card starts from
  the memory state its review log implies. Recall on a review is drawn with the model's probability.
- Grades: a forgotten card is graded 1; a recalled one 3, 4 or 5 in the shares of FSRS's simulator
  (22% hard, 63% good, 15% easy); a new card's first grade likewise (24% again, 9% hard, 50% good, 17% easy).
- Seconds per answer are the FSRS simulator's defaults (about 8-20 s by grade and card state).
- SM-2 runs py201's own scheduler with your settings (fuzz {}, maximum interval {} days), its same-day
  repeats answered {} minutes later; FSRS runs py201's FSRS scheduler with learning steps \"{}\" and
  relearning steps \"{}\". Both keep your limit of {} reviews per day; cards beyond it wait.
- Reviews/day counts every answer, same-day repeats and learning steps included. Known at end: the
  expected number of cards recalled the day after the last. Retention: share of reviews recalled.",
        if fitted { "fitted" } else { "default" },
        if cfg.fuzz { "on" } else { "off" },
        cfg.max_interval,
        REPEAT_AFTER_SECS / 60,
        cfg.learning_steps,
        cfg.relearning_steps,
        cfg.reviews_per_day
    )?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
