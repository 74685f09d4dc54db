//! Command-line definitions only (clap derive); the `///` text is `--help`.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Spaced-repetition flashcards for Py201: Advanced Python Internals & Concurrency.
///
/// Run `py201 review` every day: SM-2 decides which cards come back when.
#[derive(Debug, Parser)]
#[command(
    name = "py201",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// Collection file [default: the platform data directory, e.g. ~/.local/share/py201/collection.db]
    #[arg(long, global = true, env = "PY201_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Review today's cards: due first, then new, then same-day repeats
    Review(ReviewArgs),
    /// List decks with new, due-today and total card counts
    Decks,
    /// List cards with their scheduling state
    Cards(CardsArgs),
    /// Show settings, or set one: `py201 config new-per-day 10`
    Config(ConfigArgs),
    /// Validate deck files (the built-in decks when no path is given)
    Check(CheckArgs),
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// Review only this deck
    #[arg(long, value_name = "NAME")]
    pub deck: Option<String>,
    /// Show at most N cards from the due and new queues (their same-day repeats still follow)
    #[arg(long, value_name = "N")]
    pub limit: Option<u32>,
}

#[derive(Debug, Args)]
pub struct CardsArgs {
    /// Only this deck
    #[arg(long, value_name = "NAME")]
    pub deck: Option<String>,
    /// One JSON array, one object per card (keys documented in the README)
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Setting to show or change
    pub key: Option<String>,
    /// New value
    #[arg(allow_hyphen_values = true)]
    pub value: Option<String>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Deck files or folders of them
    pub paths: Vec<PathBuf>,
    /// Also run every card's Python check with each installed CPython 3.11+
    #[arg(long)]
    pub python: bool,
}
