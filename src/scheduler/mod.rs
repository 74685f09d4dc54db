//! Scheduling as pure state transitions.
//!
//! `(card state, grade, today, settings, fuzz seed) -> new state`: this module
//! never touches the database, the clock or an RNG (the fuzz comes from a
//! seed the caller makes from the card, [`fuzz::FuzzSeed`]), so every schedule can be
//! replayed exactly and tested in isolation (the shape of Anki's
//! `rslib/src/scheduler/states/`). The review loop talks to a scheduler only
//! through [`Scheduler`]: SM-2 ([`sm2`]) or FSRS ([`fsrs`]), whichever the
//! collection's `scheduler` setting names ([`Active`]).

pub mod fsrs;
pub mod fuzz;
pub mod sm2;

pub use fuzz::FuzzSeed;

use crate::clock::Day;
use serde::{Deserialize, Serialize};

/// A grade 0..=5 as SuperMemo defines it; built only through `TryFrom`, so a
/// bad keypress can never reach the scheduler.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Grade(u8);

impl Grade {
    pub const ALL: [Grade; 6] = [Grade(0), Grade(1), Grade(2), Grade(3), Grade(4), Grade(5)];

    pub fn value(self) -> u8 {
        self.0
    }

    /// SM-2 counts 3, 4 and 5 as a successful recall.
    pub fn is_pass(self) -> bool {
        self.0 >= 3
    }

    /// One word for the legend shown at the grade prompt.
    pub fn label(self) -> &'static str {
        [
            "blackout",
            "wrong",
            "wrong, familiar",
            "hard",
            "good",
            "perfect",
        ][usize::from(self.0)]
    }
}

impl TryFrom<u8> for Grade {
    type Error = u8;
    fn try_from(v: u8) -> Result<Self, u8> {
        if v <= 5 { Ok(Grade(v)) } else { Err(v) }
    }
}

/// SM-2's easiness factor in thousandths (2500 = 2.5): exact arithmetic and
/// storage, so `ceil(125 * 2.8)` is 350 and never 351 through float noise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Ease(pub u16);

impl Ease {
    pub const INITIAL: Ease = Ease(2500);
    pub const MIN: Ease = Ease(1300);

    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / 1000.0
    }
}

/// What the scheduler knows about a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardState {
    /// SM-2's `n`: successful reviews in a row.
    pub reps: u32,
    /// Days until the next review, as last scheduled (0 for a new card).
    pub interval: u32,
    pub ease: Ease,
    /// Day of the next review; `None` while the card has never been reviewed.
    pub due: Option<Day>,
    /// Failures (grade < 3) of a card that had been reviewed before.
    pub lapses: u32,
    /// Set to the study day on which the card was graded below 4: SM-2 asks
    /// for it again that same day until it gets a 4 or 5.
    pub repeat_on: Option<Day>,
    /// FSRS memory state: set on the switch to FSRS and by every answer
    /// under it; `None` for new cards and collections that never used FSRS.
    pub memory: Option<fsrs::Memory>,
    /// FSRS (re)learning step the card is in, if any.
    pub step: Option<fsrs::LearnStep>,
}

impl CardState {
    pub const NEW: CardState = CardState {
        reps: 0,
        interval: 0,
        ease: Ease::INITIAL,
        due: None,
        lapses: 0,
        repeat_on: None,
        memory: None,
        step: None,
    };

    pub fn is_new(&self) -> bool {
        self.due.is_none()
    }

    /// Whether the card waits for a same-day repeat on `today`.
    pub fn needs_repeat(&self, today: Day) -> bool {
        self.repeat_on == Some(today)
    }

    /// Whether the card waits to be seen again today: an SM-2 same-day
    /// repeat, or an FSRS learning step ending today (or before).
    pub fn pending_today(&self, today: Day) -> bool {
        self.needs_repeat(today) || (self.step.is_some() && self.due.is_some_and(|d| d <= today))
    }
}

impl Default for CardState {
    fn default() -> Self {
        Self::NEW
    }
}

/// Whether an answer was the day's first review of the card or a same-day repeat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReviewKind {
    First,
    Repeat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub state: CardState,
    pub kind: ReviewKind,
}

/// The settings a scheduler reads (the rest live in `collection::config`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Spread intervals of 3 days or more a little (see [`sm2::fuzz_range`]).
    pub fuzz: bool,
    /// No interval grows beyond this many days.
    pub max_interval: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            fuzz: true,
            max_interval: 36_500,
        }
    }
}

/// The one interface between the review loop and a scheduling algorithm.
pub trait Scheduler {
    /// The card's state after `grade` on `today`. `fuzz` is used only for
    /// fuzz: the same seed gives the same interval.
    fn answer(&self, state: &CardState, grade: Grade, today: Day, fuzz: FuzzSeed) -> Outcome;

    /// What each grade would do, without fuzz: for "3 -> 6 days" hints.
    fn preview(&self, state: &CardState, today: Day) -> [Outcome; 6];
}

/// The scheduler the collection's settings name.
#[derive(Debug, Clone)]
pub enum Active {
    Sm2(sm2::Sm2),
    Fsrs(Box<fsrs::Fsrs>),
}

impl Active {
    pub fn fuzz(&self) -> bool {
        match self {
            Active::Sm2(s) => s.settings.fuzz,
            Active::Fsrs(f) => f.settings.fuzz,
        }
    }

    pub fn is_fsrs(&self) -> bool {
        matches!(self, Active::Fsrs(_))
    }
}

impl Scheduler for Active {
    fn answer(&self, state: &CardState, grade: Grade, today: Day, fuzz: FuzzSeed) -> Outcome {
        match self {
            Active::Sm2(s) => s.answer(state, grade, today, fuzz),
            Active::Fsrs(f) => f.answer(state, grade, today, fuzz),
        }
    }

    fn preview(&self, state: &CardState, today: Day) -> [Outcome; 6] {
        match self {
            Active::Sm2(s) => s.preview(state, today),
            Active::Fsrs(f) => f.preview(state, today),
        }
    }
}
