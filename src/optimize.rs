//! Fitting FSRS parameters to a collection's review log (`py201 optimize`),
//! and measuring how well parameters predict that log. Everything numeric is
//! the `fsrs` crate's (`compute_parameters`, `evaluate_with_card_ids`); this
//! module only turns py201's history into the crate's training items. Pure:
//! no database, no clock, no output; [`render`] turns the fit into text.

pub mod render;

use crate::collection::fsrs::CardHistory;
use crate::scheduler::fsrs::reviews;
use fsrs::{CombinedProgressState, ComputeParametersInput, FSRS, FSRSItem};
use std::sync::{Arc, Mutex};

/// Reviews a fit needs: answers on a later day than the card's previous
/// one, in cards whose whole history is logged. Fewer than this and the
/// fitted parameters mostly fit noise (Anki asked for the same 400 when its
/// optimizer arrived).
pub const MIN_REVIEWS: usize = 400;

/// The crate's training items for a log, with their card ids.
#[derive(Debug, Clone, Default)]
pub struct TrainingSet {
    pub items: Vec<FSRSItem>,
    pub card_ids: Vec<i64>,
    /// Cards whose history contributed.
    pub cards: usize,
}

/// One item per answer that came a day or more after the card's previous
/// answer (what recall is predicted for), holding the card's history up to
/// it. Cards whose log begins after they were learned (progress imported
/// without a log) are left out: their first interval is unknown.
pub fn training_set(histories: &[CardHistory]) -> TrainingSet {
    let mut set = TrainingSet::default();
    for h in histories.iter().filter(|h| h.start.is_none()) {
        let revs = reviews(&h.answers, None);
        let before = set.items.len();
        for i in 1..revs.len() {
            if revs[i].delta_t > 0 {
                set.items.push(FSRSItem {
                    reviews: revs[..=i].to_vec(),
                });
                set.card_ids.push(h.card_id);
            }
        }
        if set.items.len() > before {
            set.cards += 1;
        }
    }
    set
}

/// Log loss and RMSE (binned, as srs-benchmark and Anki report it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    pub log_loss: f32,
    pub rmse: f32,
}

impl Fit {
    /// Whether these parameters predict the log worse than `other` do, by
    /// log loss (what the optimizer minimizes): fitted parameters that do
    /// are not worth storing.
    pub fn worse_than(&self, other: &Fit) -> bool {
        self.log_loss > other.log_loss
    }
}

/// How well `params` predict the training set's outcomes (the set is
/// consumed: the crate takes its items by value; clone to keep it).
pub fn evaluate(params: &[f32], set: TrainingSet) -> Result<Fit, fsrs::FSRSError> {
    let model = FSRS::new(params)?;
    let e = model.evaluate_with_card_ids(set.items, set.card_ids, |_| true)?;
    Ok(Fit {
        log_loss: e.log_loss,
        rmse: e.rmse_bins,
    })
}

/// Fits parameters; `progress` is shared with whoever draws a progress bar.
pub fn fit(
    set: &TrainingSet,
    progress: Option<Arc<Mutex<CombinedProgressState>>>,
) -> Result<Vec<f32>, fsrs::FSRSError> {
    fsrs::compute_parameters(ComputeParametersInput {
        train_set: set.items.clone(),
        card_ids: Some(set.card_ids.clone()),
        progress,
        enable_short_term: true,
        num_relearning_steps: None,
        training_config: None,
    })
}
