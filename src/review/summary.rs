//! The lines a session ends with: what it did, what is left today, when
//! cards come next, tomorrow, the streak.

use super::{Frontend, Session, Summary, render};
use crate::error::Result;
use crate::scheduler::Active;

impl<F: Frontend> Session<'_, F> {
    /// The end-of-session lines: the summary, what is left today, what comes next.
    pub(super) fn print_summary(&mut self) -> Result<()> {
        // The summary tells the day as it is, whatever this session took ahead.
        self.col.review_ahead = false;
        let cfg = *self.col.config();
        // Under FSRS the same-day answers are learning steps, not SM-2's
        // repeat-until-4; the pipe protocol's SM-2 wording stays as it was.
        let (repeat_word, repeats_word) = match self.sched {
            Active::Fsrs(_) => ("learning step", "learning steps"),
            Active::Sm2(_) => ("same-day repeat", "repeats"),
        };
        let mut lines = vec![reviewed_line(&self.summary, repeat_word)];
        let counts = self.col.day_counts(self.today, self.opts.deck)?;
        let due = counts.due.min(
            cfg.reviews_per_day
                .saturating_sub(counts.reviews_done_today),
        );
        let new = counts
            .new
            .min(cfg.new_per_day.saturating_sub(counts.new_done_today));
        if due + new + counts.repeats > 0 {
            lines.push(format!(
                "Still to do today: {due} due, {new} new, {} {repeats_word}.",
                counts.repeats
            ));
        }
        lines.push(self.next_line(counts.new > 0)?);
        // Tomorrow as the learner will meet it: what is due by then (today's
        // leftovers included) and the new cards, both within the daily limits.
        let tomorrow = self.col.day_counts(self.today + 1, self.opts.deck)?;
        let (due, new) = (
            tomorrow.due.min(cfg.reviews_per_day),
            tomorrow.new.min(cfg.new_per_day),
        );
        lines.push(format!("Tomorrow: {due} due, {new} new."));
        lines.push(match self.col.current_streak(self.today)? {
            0 => "Streak: none yet; a review today starts one.".to_string(),
            n => format!("Streak: {n} day{} in a row.", plural(n)),
        });
        self.ui.finish(&lines)
    }

    /// When cards come next: the next due day, else the new cards waiting
    /// (`new_today`: whether some are left today), else nothing.
    fn next_line(&self, new_today: bool) -> Result<String> {
        Ok(match self.col.next_due_day(self.today, self.opts.deck)? {
            Some((day, n)) => format!(
                "Next due: {}, {n} card{}.",
                render::relative_day(day, self.today),
                plural(n)
            ),
            None if new_today => {
                format!(
                    "Next: {} new cards wait for the coming days.",
                    self.col.new_card_count(self.today, self.opts.deck)?
                )
            }
            None => "Nothing else is scheduled.".to_string(),
        })
    }
}

/// The session's own line: cards, answers, the share graded 3 or more, and
/// the time spent answering, as `stats` counts it (not the wall clock).
fn reviewed_line(s: &Summary, repeat_word: &str) -> String {
    if s.answers == 0 {
        return "\nNo cards reviewed.".to_string();
    }
    let pct = (u64::from(s.passed) * 100 + u64::from(s.answers) / 2) / u64::from(s.answers);
    format!(
        "\nReviewed {} card{} ({} answer{}, {} {repeat_word}{}); {pct}% graded 3 or higher; time answering {}.",
        s.cards,
        plural(s.cards),
        s.answers,
        plural(s.answers),
        s.repeats,
        plural(s.repeats),
        render::duration(s.answer_ms)
    )
}

fn plural(n: u32) -> &'static str {
    if n == 1 { "" } else { "s" }
}
