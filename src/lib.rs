//! py201: a spaced-repetition flashcard engine for the Py201 course.
//!
//! The binary is a thin shell over this library: `scheduler` is pure,
//! `collection` owns all SQL, `decks` the deck file format, `review` the
//! session, `stats` the figures of `py201 stats`, `optimize` and `simulate` FSRS's
//! fitting and py201's schedule simulator, `check` the running of deck
//! files' checks, `listing` the card list of `py201 cards`, `commands` one
//! module per subcommand, `sync` the device sync of `py201 sync` (not
//! `collection::sync`, which brings a deck file into the collection).

pub mod check;
pub mod cli;
pub mod clock;
pub mod collection;
pub mod commands;
pub mod decks;
pub mod error;
pub mod inspect;
pub mod interop;
pub mod listing;
pub mod model;
pub mod optimize;
pub mod review;
pub mod scheduler;
pub mod search;
pub mod simulate;
pub mod stats;
pub mod sync;
pub mod table;
