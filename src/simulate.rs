//! `py201 simulate`: what SM-2 and FSRS at several desired retentions would
//! cost and give over the coming days, on the learner's own cards.
//!
//! A day-by-day loop drives py201's own schedulers (the pure [`Sm2`] and
//! [`Fsrs`] of `scheduler`, with the collection's settings) against a
//! simulated learner whose memory follows the FSRS model with the
//! collection's parameters: the crate's `next_states` moves each card's true
//! memory state, and `current_retrievability` gives the probability that a
//! review is recalled. The crate's own simulator schedules only by FSRS, so it
//! cannot compare SM-2; one loop for every schedule keeps the comparison fair.
//! Answer-grade shares and seconds per answer are the crate's simulator
//! defaults. Pure and deterministic for a seed: no database, no clock;
//! [`learner_cards`] takes the cards and logs the collection gave, and
//! [`render`] turns the outcomes into text.

pub mod render;

use crate::clock::Day;
use crate::collection::cards::Card;
use crate::collection::config::Config;
use crate::collection::fsrs::CardHistory;
use crate::scheduler::fsrs::{self as fs, Fsrs, FsrsSettings, Memory, decay_of};
use crate::scheduler::sm2::Sm2;
use crate::scheduler::{CardState, FuzzSeed, Grade, Scheduler, Settings};
use fsrs::{MemoryState, SimulatorConfig};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use std::collections::{BTreeMap, HashMap};

/// FSRS desired retentions compared with SM-2.
pub const RETENTIONS: [f32; 4] = [0.80, 0.85, 0.90, 0.95];

/// Minutes between a failed answer and its SM-2 same-day repeat (the rest of
/// the session), for the learner's recall of it.
pub const REPEAT_AFTER_SECS: u32 = 600;

/// One of the learner's cards as the simulation starts.
#[derive(Debug, Clone, Copy)]
pub struct SimCard {
    pub state: CardState,
    /// The learner's memory of it (from its log), `None` for new cards.
    pub truth: Option<Memory>,
    /// Its last answer's day, for reviewed cards.
    pub last_day: Option<Day>,
}

#[derive(Debug, Clone)]
pub struct Input {
    /// In course order; new cards are introduced in this order.
    pub cards: Vec<SimCard>,
    pub params: Vec<f32>,
    pub settings: Settings,
    pub fsrs: FsrsSettings,
    pub reviews_per_day: u32,
    pub new_per_day: u32,
    pub days: u32,
    pub today: Day,
    pub seed: u64,
}

/// What `py201 simulate` was asked for.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub days: u32,
    pub new_per_day: u32,
    pub seed: u64,
}

impl Input {
    /// A simulation of `cards` under the collection's settings and its FSRS
    /// `params`, from `today`.
    pub fn new(
        cards: Vec<SimCard>,
        params: Vec<f32>,
        cfg: &Config,
        today: Day,
        o: Options,
    ) -> Self {
        Input {
            cards,
            params,
            settings: cfg.scheduler_settings(),
            fsrs: cfg.fsrs_settings(),
            reviews_per_day: cfg.reviews_per_day,
            new_per_day: o.new_per_day,
            days: o.days,
            today,
            seed: o.seed,
        }
    }
}

/// The learner's cards (live ones, in course order) as the simulation
/// starts: each card's memory is what its log implies, as the switch to
/// FSRS computes it; a reviewed card without a log gets the memory its SM-2
/// ease and interval imply. The schedulers see that memory too, so FSRS
/// starts where a switch would leave it.
pub fn learner_cards(
    model: &fsrs::FSRS,
    cards: Vec<Card>,
    histories: &[CardHistory],
    today: Day,
) -> Vec<SimCard> {
    let known: HashMap<i64, (Option<Memory>, Day)> = histories
        .iter()
        .map(|h| {
            let m = fs::memory_from_history(model, &h.answers, h.start);
            let last = h.answers.last().map_or(today, |a| a.day);
            (h.card_id, (m, last))
        })
        .collect();
    cards
        .into_iter()
        .filter(|c| !c.retired && !c.suspended)
        .map(|c| {
            let s = c.state;
            let (truth, last_day) = match known.get(&c.id) {
                Some(&(m, last)) if !s.is_new() => (m, Some(last)),
                _ if s.is_new() => (None, None),
                _ => (
                    fs::from_sm2(model, s.ease, s.interval),
                    s.due.map(|d| d - s.interval as Day),
                ),
            };
            SimCard {
                state: CardState { memory: truth, ..s },
                truth,
                last_day,
            }
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Policy {
    Sm2,
    Fsrs(f32),
}

impl Policy {
    pub fn name(self) -> String {
        match self {
            Policy::Sm2 => "SM-2".to_string(),
            Policy::Fsrs(r) if (r * 100.0).fract().abs() < 0.05 => format!("FSRS {r:.2}"),
            Policy::Fsrs(r) => format!("FSRS {r:.3}"),
        }
    }
}

/// What one schedule cost and gave.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub policy: Policy,
    /// Answers per day, same-day repeats and learning steps included.
    pub answers_per_day: Vec<u32>,
    /// Seconds spent answering, in all.
    pub seconds: f64,
    /// Expected number of cards recalled on the day after the last: the sum
    /// of every introduced card's probability of recall then.
    pub known_at_end: f64,
    /// Share of reviews (first answers of the day to cards learned before)
    /// that were recalled.
    pub retention: f64,
}

impl Outcome {
    pub fn mean_per_day(&self) -> f64 {
        let n = self.answers_per_day.len().max(1) as f64;
        self.answers_per_day
            .iter()
            .map(|&a| f64::from(a))
            .sum::<f64>()
            / n
    }

    pub fn peak_per_day(&self) -> u32 {
        self.answers_per_day.iter().copied().max().unwrap_or(0)
    }
}

/// Runs every schedule: SM-2, then FSRS at each of [`RETENTIONS`] and at the
/// collection's own desired retention when it is not one of them.
pub fn run(input: &Input) -> Result<Vec<Outcome>, fsrs::FSRSError> {
    let mut retentions = RETENTIONS.to_vec();
    let own = input.fsrs.desired_retention;
    if retentions.iter().all(|r| (r - own).abs() > 0.0005) {
        retentions.push(own);
        retentions.sort_by(f32::total_cmp);
    }
    let mut policies = vec![Policy::Sm2];
    policies.extend(retentions.into_iter().map(Policy::Fsrs));
    policies.into_iter().map(|p| run_one(input, p)).collect()
}

struct Learner {
    model: fsrs::FSRS,
    decay: f32,
    cfg: SimulatorConfig,
}

impl Learner {
    fn rating_for_recall(&self, rng: &mut StdRng) -> u32 {
        let [hard, good, _easy] = self.cfg.review_rating_prob;
        let x: f32 = rng.random_range(0.0..1.0);
        if x < hard {
            2
        } else if x < hard + good {
            3
        } else {
            4
        }
    }

    fn first_rating(&self, rng: &mut StdRng) -> u32 {
        let p = self.cfg.first_rating_prob;
        let x: f32 = rng.random_range(0.0..1.0);
        let mut acc = 0.0;
        for (i, w) in p.iter().enumerate() {
            acc += w;
            if x < acc {
                return i as u32 + 1;
            }
        }
        3
    }

    /// The learner answers after `elapsed` days (fractions for same-day
    /// answers): returns the rating and moves the true memory state.
    fn answer(&self, truth: &mut Option<Memory>, elapsed: f32, rng: &mut StdRng) -> (u32, bool) {
        let rating = match truth {
            None => self.first_rating(rng),
            Some(m) => {
                let r = fsrs::current_retrievability(MemoryState::from(*m), elapsed, self.decay);
                if rng.random_range(0.0f32..1.0) < r {
                    self.rating_for_recall(rng)
                } else {
                    1
                }
            }
        };
        let days = elapsed.floor() as u32;
        if let Ok(n) = self
            .model
            .next_states(truth.map(MemoryState::from), 0.9, days)
        {
            let next = [n.again, n.hard, n.good, n.easy][(rating - 1) as usize].memory;
            *truth = Some(next.into());
        }
        (rating, rating > 1)
    }
}

/// py201's grade for the learner's FSRS rating: Again 1, Hard 3, Good 4, Easy 5.
fn grade(rating: u32) -> Grade {
    let g = match rating {
        1 => 1,
        2 => 3,
        3 => 4,
        _ => 5,
    };
    Grade::try_from(g).unwrap_or(Grade::ALL[0])
}

enum Sched {
    Sm2(Sm2),
    Fsrs(Box<Fsrs>),
}

impl Sched {
    fn new(input: &Input, policy: Policy) -> Result<Self, fsrs::FSRSError> {
        Ok(match policy {
            Policy::Sm2 => Sched::Sm2(Sm2::new(input.settings)),
            Policy::Fsrs(r) => Sched::Fsrs(Box::new(Fsrs::new(
                &input.params,
                FsrsSettings {
                    desired_retention: r,
                    ..input.fsrs
                },
                input.settings,
                0,
            )?)),
        })
    }

    fn answer(
        &mut self,
        s: &CardState,
        g: Grade,
        day: Day,
        now_ms: i64,
        fuzz: FuzzSeed,
    ) -> CardState {
        let next = match self {
            Sched::Sm2(s2) => s2.answer(s, g, day, fuzz),
            Sched::Fsrs(f) => {
                f.now_ms = now_ms;
                f.answer(s, g, day, fuzz)
            }
        };
        next.state
    }
}

/// One schedule's run in progress: the cards, who waits for which day, and
/// the tally so far.
struct Run<'a> {
    input: &'a Input,
    learner: Learner,
    sched: Sched,
    rng: StdRng,
    cards: Vec<SimCard>,
    /// New cards in course order, and how many of them are introduced.
    new_order: Vec<usize>,
    next_new: usize,
    /// Cards by due day; each scheduled card is in exactly one place: here,
    /// or in `waiting` (due, but left over by the daily review limit).
    by_day: BTreeMap<Day, Vec<usize>>,
    waiting: Vec<usize>,
    out: Outcome,
    reviews: u64,
    recalled: u64,
}

fn run_one(input: &Input, policy: Policy) -> Result<Outcome, fsrs::FSRSError> {
    let mut run = Run::new(input, policy)?;
    for d in 0..input.days {
        let day = input.today + d as Day;
        let answers = run.day(day);
        run.out.answers_per_day.push(answers);
    }
    Ok(run.finish())
}

impl<'a> Run<'a> {
    fn new(input: &'a Input, policy: Policy) -> Result<Self, fsrs::FSRSError> {
        let learner = Learner {
            model: fsrs::FSRS::new(&input.params)?,
            decay: decay_of(&input.params),
            cfg: SimulatorConfig::default(),
        };
        let sched = Sched::new(input, policy)?;
        // Same-day work pending in the collection is not carried in.
        let cards: Vec<SimCard> = input
            .cards
            .iter()
            .map(|c| SimCard {
                state: CardState {
                    repeat_on: None,
                    step: None,
                    ..c.state
                },
                ..*c
            })
            .collect();
        let new_order = (0..cards.len())
            .filter(|&i| cards[i].state.is_new())
            .collect();
        let mut by_day: BTreeMap<Day, Vec<usize>> = BTreeMap::new();
        for (i, c) in cards.iter().enumerate() {
            if let Some(d) = c.state.due {
                by_day.entry(d).or_default().push(i);
            }
        }
        Ok(Run {
            input,
            learner,
            sched,
            rng: StdRng::seed_from_u64(input.seed),
            cards,
            new_order,
            next_new: 0,
            by_day,
            waiting: Vec::new(),
            out: Outcome {
                policy,
                answers_per_day: Vec::with_capacity(input.days as usize),
                seconds: 0.0,
                known_at_end: 0.0,
                retention: 0.0,
            },
            reviews: 0,
            recalled: 0,
        })
    }

    /// One day's session; returns its answers.
    fn day(&mut self, day: Day) -> u32 {
        let queue = self.queue(day);
        let mut answers = 0u32;
        // Each day's session starts at 09:00 (ms on the simulated clock).
        let mut now_ms = i64::from(day) * 86_400_000 + 9 * 3_600_000;
        for i in queue {
            answers += self.study(i, day, &mut now_ms);
            if let Some(d) = self.cards[i].state.due {
                self.by_day.entry(d.max(day + 1)).or_default().push(i);
            }
        }
        answers
    }

    /// The day's cards: those due (up to the review limit, the rest left
    /// waiting), then the day's new cards.
    fn queue(&mut self, day: Day) -> Vec<usize> {
        let mut due = std::mem::take(&mut self.waiting);
        while let Some(entry) = self.by_day.first_entry().filter(|e| *e.key() <= day) {
            due.extend(entry.remove());
        }
        // py201's order: most overdue first, then course order.
        due.sort_by_key(|&i| (self.cards[i].state.due, i));
        let limit = (self.input.reviews_per_day as usize).min(due.len());
        self.waiting = due.split_off(limit);
        let fresh = self
            .new_order
            .len()
            .saturating_sub(self.next_new)
            .min(self.input.new_per_day as usize);
        due.extend(
            self.new_order[self.next_new..self.next_new + fresh]
                .iter()
                .copied(),
        );
        self.next_new += fresh;
        due
    }

    /// Card `i` answered until nothing is pending today for it; returns the
    /// answers given.
    fn study(&mut self, i: usize, day: Day, now_ms: &mut i64) -> u32 {
        let costs = self.learner.cfg.state_rating_costs;
        let c = &mut self.cards[i];
        let was_new = c.state.is_new();
        let mut elapsed = c.last_day.map_or(0.0, |l| (day - l).max(0) as f32);
        let mut answers = 0;
        for n in 0..30 {
            let first = n == 0;
            // The crate's cost table rows: learning, review, relearning.
            let kind = if was_new {
                0
            } else if c.state.step.is_some() || !first {
                2
            } else {
                1
            };
            let (rating, ok) = self.learner.answer(&mut c.truth, elapsed, &mut self.rng);
            if first && kind == 1 {
                self.reviews += 1;
                self.recalled += u64::from(ok);
            }
            self.out.seconds += f64::from(costs[kind][(rating - 1) as usize]);
            answers += 1;
            *now_ms += 20_000;
            // A seed per card, day and answer: what the card and its review
            // count are to a collection's fuzz (scheduler::fuzz).
            let fuzz = FuzzSeed(((i as u64) << 40) ^ ((day as u64 & 0xff_ffff) << 8) ^ n as u64);
            c.state = self
                .sched
                .answer(&c.state, grade(rating), day, *now_ms, fuzz);
            c.last_day = Some(day);
            if !c.state.pending_today(day) {
                break;
            }
            // The next same-day answer: after the learning step, or (SM-2)
            // at the end of the session.
            let wait = match c.state.step {
                Some(st) => ((st.due_ms - *now_ms).max(0) / 1000) as u32,
                None => REPEAT_AFTER_SECS,
            };
            elapsed = wait as f32 / 86_400.0;
        }
        answers
    }

    /// The tally, with what the learner knows the day after the last.
    fn finish(mut self) -> Outcome {
        let end = self.input.today + self.input.days as Day;
        let decay = self.learner.decay;
        self.out.known_at_end = self
            .cards
            .iter()
            .filter_map(|c| {
                let m = c.truth?;
                let last = c.last_day?;
                Some(f64::from(fsrs::current_retrievability(
                    MemoryState::from(m),
                    (end - last).max(0) as f32,
                    decay,
                )))
            })
            .sum();
        self.out.retention = if self.reviews == 0 {
            0.0
        } else {
            self.recalled as f64 / self.reviews as f64
        };
        self.out
    }
}
