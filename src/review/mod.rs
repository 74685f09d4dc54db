//! The daily review session: which card comes next, reading the learner's
//! answers line by line, and writing each answer before the next card shows.
//!
//! Order: cards due (most overdue first), then new cards up to the day's
//! limit (course order), then SM-2's same-day repeats. The next card is
//! queried afresh each time, so a second session on the same collection
//! never shows a card this one has already answered.

pub mod render;

use crate::clock::{Clock, Day};
use crate::collection::Collection;
use crate::collection::cards::{AnswerTime, Card};
use crate::error::Result;
use crate::model::CardKind;
use crate::scheduler::{Grade, ReviewKind, Scheduler, sm2::Sm2};
use rand::Rng;
use std::io::{BufRead, Write};

/// Longest time counted for one answer: a learner who walked away did not
/// study for an hour (Anki caps at 60 s the same way).
pub const MAX_TAKEN_MS: u64 = 60_000;

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub deck: Option<i64>,
    /// At most this many cards from the due and new queues; same-day repeats
    /// of those cards still follow, as SM-2 asks.
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub cards: u32,
    pub answers: u32,
    pub repeats: u32,
    pub passed: u32,
    pub elapsed_ms: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Due,
    New,
    Repeat,
}

#[derive(Debug, Clone, Copy)]
enum Action {
    Answer {
        log_id: i64,
        card: i64,
        source: Source,
        kind: ReviewKind,
        grade: Grade,
        repeat_pending: bool,
    },
    Suspend {
        card: i64,
        source: Source,
    },
    Bury {
        card: i64,
        source: Source,
        before: Option<Day>,
    },
}

/// One thing the learner did at a prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Line(String),
    /// End of input (a closed pipe or terminal).
    End,
    /// Ctrl-C, a closed terminal (SIGHUP) or SIGTERM: end the session cleanly.
    Interrupt,
}

/// Where the session's input lines come from: a reader (tests, pipes) or a
/// channel fed by a reader thread and a signal handler.
pub trait LineSource {
    fn next_line(&mut self) -> Input;
}

impl<B: BufRead> LineSource for B {
    fn next_line(&mut self) -> Input {
        read_line(self)
    }
}

/// Input lines and signals arriving from other threads.
pub struct Channel(pub std::sync::mpsc::Receiver<Input>);

impl LineSource for Channel {
    fn next_line(&mut self) -> Input {
        self.0.recv().unwrap_or(Input::End)
    }
}

/// One line without its end; invalid UTF-8 becomes replacement characters
/// and is then rejected as a grade like any other unknown key.
pub fn read_line(input: &mut impl BufRead) -> Input {
    let mut buf = Vec::new();
    match input.read_until(b'\n', &mut buf) {
        Ok(0) | Err(_) => Input::End,
        Ok(_) => Input::Line(
            String::from_utf8_lossy(&buf)
                .trim_end_matches(['\n', '\r'])
                .to_string(),
        ),
    }
}

struct Session<'a, W: Write, R: Rng> {
    col: &'a mut Collection,
    clock: &'a Clock,
    rng: &'a mut R,
    out: W,
    opts: Options,
    today: Day,
    sched: Sm2,
    due_left: u32,
    new_left: u32,
    first_left: u32,
    planned: u32,
    repeats_pending: u32,
    undo: Vec<Action>,
    show_next: Option<(i64, Source)>,
    summary: Summary,
}

/// Runs a session reading `input` and writing to `out` until the queue is
/// empty, the learner quits, or input ends. Every answer is committed before
/// the next card is printed.
pub fn run<W: Write, R: Rng>(
    col: &mut Collection,
    clock: &Clock,
    rng: &mut R,
    opts: Options,
    mut input: impl LineSource,
    out: W,
) -> Result<Summary> {
    let cfg = *col.config();
    let today = clock.today(cfg.day_starts_at);
    let counts = col.day_counts(today, opts.deck)?;
    let due_left = counts.due.min(
        cfg.reviews_per_day
            .saturating_sub(counts.reviews_done_today),
    );
    let new_left = counts
        .new
        .min(cfg.new_per_day.saturating_sub(counts.new_done_today));
    let first_left = opts.limit.unwrap_or(u32::MAX);
    let mut s = Session {
        col,
        clock,
        rng,
        out,
        today,
        sched: Sm2::new(cfg.scheduler_settings()),
        due_left,
        new_left,
        first_left,
        planned: (due_left + new_left).min(first_left),
        repeats_pending: counts.repeats,
        opts,
        undo: Vec::new(),
        show_next: None,
        summary: Summary::default(),
    };
    let started = clock.elapsed_ms();
    s.run(&mut input)?;
    s.summary.elapsed_ms = clock.elapsed_ms() - started;
    s.print_summary()?;
    Ok(s.summary)
}

impl<W: Write, R: Rng> Session<'_, W, R> {
    fn pick(&mut self) -> Result<Option<(Card, Source)>> {
        if let Some((id, source)) = self.show_next.take() {
            if let Some(card) = self.col.card(id)? {
                return Ok(Some((card, source)));
            }
        }
        let (today, deck) = (self.today, self.opts.deck);
        if self.first_left > 0 && self.due_left > 0 {
            if let Some(c) = self.col.next_due(today, deck)? {
                return Ok(Some((c, Source::Due)));
            }
        }
        if self.first_left > 0 && self.new_left > 0 {
            if let Some(c) = self.col.next_new(today, deck)? {
                return Ok(Some((c, Source::New)));
            }
        }
        Ok(self
            .col
            .next_repeat(today, deck)?
            .map(|c| (c, Source::Repeat)))
    }

    fn position(&self) -> (u32, u32) {
        let done = self.summary.answers;
        let remaining_first = self.planned.saturating_sub(self.summary.cards);
        (
            done + 1,
            done + remaining_first.max(1) + self.repeats_pending,
        )
    }

    fn run(&mut self, input: &mut impl LineSource) -> Result<()> {
        loop {
            let Some((card, source)) = self.pick()? else {
                return Ok(());
            };
            let shown_at = self.clock.elapsed_ms();
            let (pos, total) = self.position();
            let label = match source {
                Source::New => "new",
                Source::Due => "review",
                Source::Repeat => "repeat",
            };
            let label = if card.kind == CardKind::Typed {
                format!("{label}, typed")
            } else {
                label.to_string()
            };
            write!(
                self.out,
                "{}",
                render::question(&card, pos, total.max(pos), &label)
            )?;
            // Reveal step.
            writeln!(self.out, "{}", render::reveal_prompt(card.kind))?;
            self.out.flush()?;
            let typed = match input.next_line() {
                Input::End => return Ok(()),
                Input::Interrupt => return self.interrupted(),
                Input::Line(l) if card.kind == CardKind::Typed => Some(l),
                Input::Line(l) => match l.trim() {
                    "q" => return Ok(()),
                    "u" => {
                        self.undo_last()?;
                        continue;
                    }
                    "s" => {
                        self.suspend(&card, source)?;
                        continue;
                    }
                    "b" => {
                        self.bury(&card, source)?;
                        continue;
                    }
                    _ => None,
                },
            };
            write!(self.out, "{}", render::answer(&card, typed.as_deref()))?;
            // Grade step.
            let preview = self.sched.preview(&card.state, self.today);
            let prompt = render::grade_prompt(&preview, self.sched.settings.fuzz);
            loop {
                writeln!(self.out, "{prompt}")?;
                self.out.flush()?;
                let line = match input.next_line() {
                    Input::End => return Ok(()),
                    Input::Interrupt => return self.interrupted(),
                    Input::Line(l) => l,
                };
                let key = line.trim();
                if let Some(grade) = key.parse::<u8>().ok().and_then(|v| Grade::try_from(v).ok()) {
                    let taken = (self.clock.elapsed_ms() - shown_at).min(MAX_TAKEN_MS);
                    self.grade(&card, source, grade, taken)?;
                    break;
                }
                match key {
                    "q" => return Ok(()),
                    "u" => {
                        if self.undo_last()? {
                            break;
                        }
                    }
                    "s" => {
                        self.suspend(&card, source)?;
                        break;
                    }
                    "b" => {
                        self.bury(&card, source)?;
                        break;
                    }
                    _ => writeln!(
                        self.out,
                        "{:?} is not a grade: type 0-5, or u (undo), s (suspend), b (bury), q (quit)",
                        render::sanitize(key)
                    )?,
                }
            }
        }
    }

    fn interrupted(&mut self) -> Result<()> {
        // The terminal may be gone (SIGHUP): failing to say so is fine.
        let _ = writeln!(self.out, "\nInterrupted; every answer so far is saved.");
        Ok(())
    }

    fn grade(&mut self, card: &Card, source: Source, grade: Grade, taken_ms: u64) -> Result<()> {
        let at = AnswerTime {
            time_ms: self.clock.now().timestamp_millis(),
            day: self.today,
            taken_ms: i64::try_from(taken_ms).unwrap_or(i64::MAX),
        };
        let (sched, rng, today) = (self.sched, &mut *self.rng, self.today);
        let answered = self
            .col
            .answer(card.id, grade, at, Some(&card.state), |st| {
                sched.answer(st, grade, today, rng)
            })?;
        let Some((before, out, log_id)) = answered else {
            writeln!(
                self.out,
                "This card was answered in another session meanwhile; moving on."
            )?;
            return Ok(());
        };
        let was_pending = before.needs_repeat(today);
        let now_pending = out.state.needs_repeat(today);
        self.count(source, out.kind, grade, was_pending, now_pending, 1);
        self.undo.push(Action::Answer {
            log_id,
            card: card.id,
            source,
            kind: out.kind,
            grade,
            repeat_pending: was_pending,
        });
        Ok(())
    }

    /// Adjusts the session's counters for an answer (`sign` 1) or its undo (-1).
    fn count(
        &mut self,
        source: Source,
        kind: ReviewKind,
        grade: Grade,
        was_pending: bool,
        now_pending: bool,
        sign: i32,
    ) {
        let add = |v: &mut u32, d: i32| *v = v.saturating_add_signed(d);
        add(&mut self.summary.answers, sign);
        if grade.is_pass() {
            add(&mut self.summary.passed, sign);
        }
        if kind == ReviewKind::Repeat {
            add(&mut self.summary.repeats, sign);
        } else {
            add(&mut self.summary.cards, sign);
        }
        match source {
            Source::Due => {
                add(&mut self.due_left, -sign);
                add(&mut self.first_left, -sign);
            }
            Source::New => {
                add(&mut self.new_left, -sign);
                add(&mut self.first_left, -sign);
            }
            Source::Repeat => {}
        }
        let delta = i32::from(now_pending) - i32::from(was_pending);
        add(&mut self.repeats_pending, delta * sign);
    }

    fn suspend(&mut self, card: &Card, source: Source) -> Result<()> {
        self.col.set_suspended(card.id, true)?;
        self.drop_from_plan(source);
        self.undo.push(Action::Suspend {
            card: card.id,
            source,
        });
        writeln!(
            self.out,
            "Suspended: this card will not be shown until you unsuspend it."
        )?;
        Ok(())
    }

    fn bury(&mut self, card: &Card, source: Source) -> Result<()> {
        self.col.set_buried_until(card.id, Some(self.today + 1))?;
        self.drop_from_plan(source);
        self.undo.push(Action::Bury {
            card: card.id,
            source,
            before: card.buried_until,
        });
        writeln!(self.out, "Buried until tomorrow.")?;
        Ok(())
    }

    fn drop_from_plan(&mut self, source: Source) {
        match source {
            Source::Repeat => self.repeats_pending = self.repeats_pending.saturating_sub(1),
            _ => self.planned = self.planned.saturating_sub(1),
        }
    }

    /// Undoes the session's last action and shows its card again next.
    /// The card on screen, if any, simply goes back to its queue.
    fn undo_last(&mut self) -> Result<bool> {
        let Some(action) = self.undo.pop() else {
            writeln!(self.out, "Nothing to undo in this session.")?;
            return Ok(false);
        };
        let (card, source) = match action {
            Action::Answer {
                log_id,
                card,
                source,
                kind,
                grade,
                repeat_pending,
            } => {
                self.col.undo_answer(log_id)?;
                // Reverse exactly what the answer counted: after any answer a
                // repeat is pending iff the grade was below 4.
                self.count(source, kind, grade, repeat_pending, grade.value() < 4, -1);
                (card, source)
            }
            Action::Suspend { card, source } => {
                self.col.set_suspended(card, false)?;
                self.planned_back(source);
                (card, source)
            }
            Action::Bury {
                card,
                source,
                before,
            } => {
                self.col.set_buried_until(card, before)?;
                self.planned_back(source);
                (card, source)
            }
        };
        writeln!(self.out, "Undone.")?;
        self.show_next = Some((card, source));
        Ok(true)
    }

    fn planned_back(&mut self, source: Source) {
        match source {
            Source::Repeat => self.repeats_pending += 1,
            _ => self.planned += 1,
        }
    }

    fn print_summary(&mut self) -> Result<()> {
        let s = self.summary;
        let cfg = *self.col.config();
        if s.answers == 0 {
            writeln!(self.out, "\nNo cards reviewed.")?;
        } else {
            let pct = (u64::from(s.passed) * 100 + u64::from(s.answers) / 2) / u64::from(s.answers);
            writeln!(
                self.out,
                "\nReviewed {} card{} ({} answer{}, {} same-day repeat{}); {pct}% graded 3 or higher; time {}.",
                s.cards,
                if s.cards == 1 { "" } else { "s" },
                s.answers,
                if s.answers == 1 { "" } else { "s" },
                s.repeats,
                if s.repeats == 1 { "" } else { "s" },
                render::duration(s.elapsed_ms)
            )?;
        }
        let counts = self.col.day_counts(self.today, self.opts.deck)?;
        let due = counts.due.min(
            cfg.reviews_per_day
                .saturating_sub(counts.reviews_done_today),
        );
        let new = counts
            .new
            .min(cfg.new_per_day.saturating_sub(counts.new_done_today));
        if due + new + counts.repeats > 0 {
            writeln!(
                self.out,
                "Still to do today: {due} due, {new} new, {} repeats.",
                counts.repeats
            )?;
        }
        match self.col.next_due_day(self.today, self.opts.deck)? {
            Some((day, n)) => writeln!(
                self.out,
                "Next due: {}, {n} card{}.",
                render::relative_day(day, self.today),
                if n == 1 { "" } else { "s" }
            )?,
            None if counts.new > 0 => writeln!(
                self.out,
                "Next: {} new cards wait for the coming days.",
                counts.new
            )?,
            None => writeln!(self.out, "Nothing else is scheduled.")?,
        }
        self.out.flush()?;
        Ok(())
    }
}
