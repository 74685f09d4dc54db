//! The daily review session: which card comes next, reading the learner's
//! answers line by line, and writing each answer before the next card shows.
//!
//! Order: cards due (most overdue first), then new cards up to the day's
//! limit (course order), then SM-2's same-day repeats. Under FSRS, a card
//! whose learning step has ended comes first of all; cards whose step has
//! not ended yet come last, soonest first, once nothing else is left (as
//! Anki's learn-ahead does), so a session ends with every learning step of
//! the day done. Time is the injected clock's (`PY201_NOW`). The next card is
//! queried afresh each time, so a second session on the same collection
//! never shows a card this one has already answered.

pub mod highlight;
pub mod pipe;
pub mod render;
mod summary;
pub mod terminal;

use crate::clock::{Clock, Day};
use crate::collection::Collection;
use crate::collection::actions::Action as CardAction;
use crate::collection::cards::{AnswerTime, Card, DayCounts};
use crate::collection::config::SchedulerKind;
use crate::error::Result;
use crate::model::CardKind;
use crate::scheduler::{Active, FuzzSeed, Grade, ReviewKind, Scheduler, sm2::Sm2};
use render::Hints;
use std::io::{BufRead, Write};

/// What the learner did at a prompt, as a front end understood it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Show the answer; with the typed answer for typed cards.
    Reveal(Option<String>),
    Grade(Grade),
    Undo,
    Suspend,
    Bury,
    Quit,
    /// Input ended (a closed pipe).
    End,
    /// Ctrl-C, SIGHUP or SIGTERM.
    Interrupt,
}

/// How many cards the session still plans to show, by queue.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Left {
    pub due: u32,
    pub new: u32,
    pub repeats: u32,
}

/// Everything a front end needs to show one card.
pub struct CardView<'a> {
    pub card: &'a Card,
    pub position: u32,
    pub total: u32,
    /// "new", "review" or "repeat" (", typed" for typed cards).
    pub label: String,
    pub left: Left,
}

/// What the session does once a card is settled.
enum Flow {
    Next,
    End,
    Interrupted,
}

/// How a card is introduced: why it is shown, and whether its answer is typed.
fn label(card: &Card, source: Source) -> String {
    let label = match source {
        Source::New => "new",
        Source::Due => "review",
        Source::Repeat => "repeat",
        Source::Learning => "learning",
    };
    if card.kind == CardKind::Typed {
        format!("{label}, typed")
    } else {
        label.to_string()
    }
}

/// A way of showing cards and reading the learner's keys: the line protocol
/// for pipes (`pipe`), or the full-screen terminal (`terminal`). The session
/// logic is the same for both.
pub trait Frontend {
    /// Shows the question and reads the reveal step: `Reveal`, or a command.
    fn question(&mut self, view: &CardView<'_>) -> Result<Step>;
    /// Shows the answer, the typed answer's comparison, and what each grade
    /// would do ([`render::hints`]: `None` for an SM-2 same-day repeat).
    fn answer(&mut self, view: &CardView<'_>, typed: Option<&str>, hints: &Hints) -> Result<()>;
    /// Reads a grade or a command; anything else is refused inside, and asked again.
    fn read_grade(&mut self) -> Result<Step>;
    /// A one-line message ("Undone.", "Buried until tomorrow.").
    fn note(&mut self, message: &str) -> Result<()>;
    /// The end-of-session lines.
    fn finish(&mut self, lines: &[String]) -> Result<()>;
}

/// Whether a typed answer matches the expected one. Whitespace runs count as
/// one space and the ends are trimmed, so a multi-line output can be typed
/// on the single line a prompt offers.
pub fn typed_matches(typed: &str, expected: &str) -> bool {
    typed.split_whitespace().eq(expected.split_whitespace())
}

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
    /// Wall-clock time of the whole session.
    pub elapsed_ms: u64,
    /// Time spent answering: each kept answer's time from showing the card
    /// to its grade (at most [`MAX_TAKEN_MS`]), the same figure `stats`
    /// sums from the review log.
    pub answer_ms: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Due,
    New,
    Repeat,
    /// An FSRS learning step (shown ahead of due cards once it has ended).
    Learning,
}

#[derive(Debug, Clone, Copy)]
enum Action {
    Answer {
        log_id: i64,
        card: i64,
        source: Source,
        kind: ReviewKind,
        grade: Grade,
        taken_ms: u64,
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

struct Session<'a, F: Frontend> {
    col: &'a mut Collection,
    clock: &'a Clock,
    ui: F,
    opts: Options,
    today: Day,
    sched: Active,
    due_left: u32,
    new_left: u32,
    first_left: u32,
    repeats_pending: u32,
    undo: Vec<Action>,
    show_next: Option<(i64, Source)>,
    summary: Summary,
}

/// Runs a session reading `input` and writing to `out` line by line (the
/// pipe protocol) until the queue is empty, the learner quits, or input ends.
/// Every answer is committed before the next card is printed.
pub fn run<W: Write>(
    col: &mut Collection,
    clock: &Clock,
    opts: Options,
    input: impl LineSource,
    out: W,
) -> Result<Summary> {
    run_with(col, clock, opts, pipe::Pipe::new(input, out))
}

/// Runs a session with any front end (the pipe protocol, or the terminal).
pub fn run_with<F: Frontend>(
    col: &mut Collection,
    clock: &Clock,
    opts: Options,
    ui: F,
) -> Result<Summary> {
    let cfg = *col.config();
    let today = clock.today(cfg.day_starts_at);
    let first_left = opts.limit.unwrap_or(u32::MAX);
    let counts = col.day_counts_within(today, opts.deck, first_left)?;
    let due_left = due_left(col, &counts);
    let new_left = counts
        .new
        .min(cfg.new_per_day.saturating_sub(counts.new_done_today));
    let sched = match cfg.scheduler {
        SchedulerKind::Sm2 => Active::Sm2(Sm2::new(cfg.scheduler_settings())),
        SchedulerKind::Fsrs => Active::Fsrs(Box::new(
            col.fsrs_scheduler(clock.now().timestamp_millis())?,
        )),
    };
    let mut s = Session {
        col,
        clock,
        ui,
        today,
        sched,
        due_left,
        new_left,
        first_left,
        repeats_pending: counts.repeats,
        opts,
        undo: Vec::new(),
        show_next: None,
        summary: Summary::default(),
    };
    let started = clock.elapsed_ms();
    s.run()?;
    s.summary.elapsed_ms = clock.elapsed_ms() - started;
    s.print_summary()?;
    Ok(s.summary)
}

impl<F: Frontend> Session<'_, F> {
    fn pick(&mut self) -> Result<Option<(Card, Source)>> {
        if let Some((id, source)) = self.show_next.take() {
            if let Some(card) = self.col.card(id)? {
                return Ok(Some((card, source)));
            }
        }
        let (today, deck) = (self.today, self.opts.deck);
        let learning = if self.sched.is_fsrs() {
            self.col.next_learning(today, deck)?
        } else {
            None
        };
        let now_ms = self.clock.now().timestamp_millis();
        if let Some(c) = learning
            .as_ref()
            .filter(|c| c.state.step.is_some_and(|s| s.due_ms <= now_ms))
        {
            return Ok(Some((c.clone(), Source::Learning)));
        }
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
        if let Some(c) = learning {
            return Ok(Some((c, Source::Learning)));
        }
        Ok(self
            .col
            .next_repeat(today, deck)?
            .map(|c| (c, Source::Repeat)))
    }

    fn position(&self) -> (u32, u32) {
        let done = self.summary.answers;
        let remaining_first = (self.due_left + self.new_left).min(self.first_left);
        (
            done + 1,
            done + remaining_first.max(1) + self.repeats_pending,
        )
    }

    fn left(&self) -> Left {
        Left {
            due: self.due_left.min(self.first_left),
            new: self
                .new_left
                .min(self.first_left.saturating_sub(self.due_left)),
            repeats: self.repeats_pending,
        }
    }

    /// Re-reads what is left today from the collection, so that the header
    /// stays true when another session (a second terminal, a script)
    /// answered, suspended or buried cards meanwhile, and so that this
    /// session's own answers, undos and suspensions count exactly as stored.
    fn refresh(&mut self) -> Result<()> {
        let cfg = *self.col.config();
        // Counted no further than the session can still show: with a high
        // review limit and tens of thousands due, counting them all before
        // every card made 1,000 answers take seconds.
        let counts = self
            .col
            .day_counts_within(self.today, self.opts.deck, self.first_left)?;
        self.due_left = due_left(self.col, &counts);
        self.new_left = counts
            .new
            .min(cfg.new_per_day.saturating_sub(counts.new_done_today));
        self.repeats_pending = counts.repeats;
        Ok(())
    }

    fn run(&mut self) -> Result<()> {
        loop {
            self.refresh()?;
            let Some((card, source)) = self.pick()? else {
                return Ok(());
            };
            match self.show(&card, source)? {
                Flow::Next => {}
                Flow::End => return Ok(()),
                Flow::Interrupted => return self.interrupted(),
            }
        }
    }

    /// Shows one card: its question, then, once revealed, its answer with
    /// what each grade would do, until a key settles the card.
    fn show(&mut self, card: &Card, source: Source) -> Result<Flow> {
        let shown_at = self.clock.elapsed_ms();
        let (pos, total) = self.position();
        let view = CardView {
            card,
            position: pos,
            total: total.max(pos),
            label: label(card, source),
            left: self.left(),
        };
        let typed = match self.ui.question(&view)? {
            Step::Reveal(typed) => typed,
            Step::Grade(_) => None,
            // Before the reveal an undo always moves on: the undone card
            // is shown next, or this one again when there was nothing.
            Step::Undo => {
                self.undo_last()?;
                return Ok(Flow::Next);
            }
            step => return Ok(self.leave(&step, card, source)?.unwrap_or(Flow::Next)),
        };
        let now_ms = self.set_now();
        let preview = self.sched.preview(&card.state, self.today);
        let hints = render::hints(&preview, self.sched.fuzz(), self.sched.is_fsrs(), now_ms);
        self.ui.answer(&view, typed.as_deref(), &hints)?;
        self.settle(card, source, shown_at)
    }

    /// Reads keys after the answer was shown until one settles the card: a
    /// grade, suspend, bury, or an undo that undid something.
    fn settle(&mut self, card: &Card, source: Source, shown_at: u64) -> Result<Flow> {
        loop {
            match self.ui.read_grade()? {
                Step::Grade(grade) => {
                    let taken = (self.clock.elapsed_ms() - shown_at).min(MAX_TAKEN_MS);
                    self.grade(card, source, grade, taken)?;
                    return Ok(Flow::Next);
                }
                Step::Undo => {
                    if self.undo_last()? {
                        return Ok(Flow::Next);
                    }
                }
                Step::Reveal(_) => {}
                step => {
                    if let Some(flow) = self.leave(&step, card, source)? {
                        return Ok(flow);
                    }
                }
            }
        }
    }

    /// What ends, suspends or buries the card on screen, the same at the
    /// question and at the grade: `None` for any other step.
    fn leave(&mut self, step: &Step, card: &Card, source: Source) -> Result<Option<Flow>> {
        Ok(Some(match step {
            Step::End | Step::Quit => Flow::End,
            Step::Interrupt => Flow::Interrupted,
            Step::Suspend => {
                self.suspend(card, source)?;
                Flow::Next
            }
            Step::Bury => {
                self.bury(card, source)?;
                Flow::Next
            }
            Step::Reveal(_) | Step::Grade(_) | Step::Undo => return Ok(None),
        }))
    }

    fn interrupted(&mut self) -> Result<()> {
        // The terminal may be gone (SIGHUP): failing to say so is fine.
        let _ = self.ui.note("\nInterrupted; every answer so far is saved.");
        Ok(())
    }

    /// Gives FSRS the time of the answer (its learning steps count from it).
    fn set_now(&mut self) -> i64 {
        let now_ms = self.clock.now().timestamp_millis();
        if let Active::Fsrs(f) = &mut self.sched {
            f.now_ms = now_ms;
        }
        now_ms
    }

    fn grade(&mut self, card: &Card, source: Source, grade: Grade, taken_ms: u64) -> Result<()> {
        let at = AnswerTime {
            time_ms: self.set_now(),
            day: self.today,
            taken_ms: i64::try_from(taken_ms).unwrap_or(i64::MAX),
        };
        // The fuzz comes from the card and its answers so far, so that a
        // replay of its log (`py201 sync`) gives this same interval. The
        // count is read before the answer's transaction; had another
        // session answered meanwhile, the state check below refuses it.
        let fuzz = FuzzSeed::for_card(&card.uid, self.col.answers_to(card.id)?);
        let (sched, today) = (&self.sched, self.today);
        let answered = self
            .col
            .answer(card.id, grade, at, Some(&card.state), |st| {
                sched.answer(st, grade, today, fuzz)
            })?;
        let Some((before, out, log_id)) = answered else {
            self.ui
                .note("This card was answered in another session meanwhile; moving on.")?;
            return Ok(());
        };
        let cfg = *self.col.config();
        if cfg.becomes_leech(before.lapses, out.state.lapses) {
            // Suspended by its answer (leech-action suspend), the card is not
            // counted again today: what is left is read from the collection.
            self.ui.note(&render::became_leech(
                card,
                out.state.lapses,
                cfg.leech_suspend,
            ))?;
        }
        self.count(source, out.kind, grade, 1);
        self.undo.push(Action::Answer {
            log_id,
            card: card.id,
            source,
            kind: out.kind,
            grade,
            taken_ms,
        });
        self.summary.answer_ms += taken_ms;
        Ok(())
    }

    /// Adjusts the session's counters for an answer (`sign` 1) or its undo (-1).
    fn count(&mut self, source: Source, kind: ReviewKind, grade: Grade, sign: i32) {
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
        // What is left today is read back from the collection before each
        // card (`refresh`); only the session's own `--limit` is counted here.
        if matches!(source, Source::Due | Source::New) {
            add(&mut self.first_left, -sign);
        }
    }

    fn suspend(&mut self, card: &Card, source: Source) -> Result<()> {
        // Journaled, so `py201 undo` can take it back after the session.
        let now_ms = self.clock.now().timestamp_millis();
        self.col.act_on_card(
            CardAction::Suspend,
            (card.id, &card.uid),
            self.today,
            now_ms,
        )?;
        self.undo.push(Action::Suspend {
            card: card.id,
            source,
        });
        self.ui
            .note("Suspended: this card will not be shown until you unsuspend it.")?;
        Ok(())
    }

    fn bury(&mut self, card: &Card, source: Source) -> Result<()> {
        let now_ms = self.clock.now().timestamp_millis();
        self.col
            .act_on_card(CardAction::Bury, (card.id, &card.uid), self.today, now_ms)?;
        self.undo.push(Action::Bury {
            card: card.id,
            source,
            before: card.buried_until,
        });
        self.ui.note("Buried until tomorrow.")?;
        Ok(())
    }

    /// Undoes the session's last action and shows its card again next.
    /// The card on screen, if any, simply goes back to its queue.
    fn undo_last(&mut self) -> Result<bool> {
        let Some(action) = self.undo.pop() else {
            self.ui.note("Nothing to undo in this session.")?;
            return Ok(false);
        };
        let (card, source) = match action {
            Action::Answer {
                log_id,
                card,
                source,
                kind,
                grade,
                taken_ms,
            } => {
                self.col.undo_answer(log_id)?;
                // Reverse exactly what the answer counted.
                self.count(source, kind, grade, -1);
                self.summary.answer_ms -= taken_ms;
                (card, source)
            }
            Action::Suspend { card, source } => {
                // Through the journal when it is the newest thing done;
                // otherwise (another session acted since) directly.
                if !self.col.undo_card_action(CardAction::Suspend, card)? {
                    self.col.set_suspended(card, false)?;
                }
                (card, source)
            }
            Action::Bury {
                card,
                source,
                before,
            } => {
                if !self.col.undo_card_action(CardAction::Bury, card)? {
                    self.col.set_buried_until(card, before)?;
                }
                (card, source)
            }
        };
        self.ui.note("Undone.")?;
        self.show_next = Some((card, source));
        Ok(true)
    }
}

/// Due cards the session may still show: those counted, within what the
/// daily review limit leaves today. A review ahead of time (`--ahead`) is
/// extra study the learner asked for: only the limit itself bounds it.
fn due_left(col: &Collection, counts: &DayCounts) -> u32 {
    let done = if col.review_ahead {
        0
    } else {
        counts.reviews_done_today
    };
    counts
        .due
        .min(col.config().reviews_per_day.saturating_sub(done))
}

#[cfg(test)]
mod tests {
    use super::typed_matches;

    #[test]
    fn typed_answers_compare_modulo_whitespace_runs() {
        assert!(typed_matches("  2 ", "2"));
        assert!(typed_matches(
            "defined Meta.__call__ A.__init__",
            "\ndefined\nMeta.__call__\nA.__init__\n"
        ));
        assert!(
            !typed_matches("True [1,2]", "True [1, 2]"),
            "spaces inside a token still matter"
        );
        assert!(!typed_matches("", "x"));
    }
}
