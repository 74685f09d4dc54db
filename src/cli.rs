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

    /// Print only what was asked for: no notes about new collections, deck updates or backups
    #[arg(long, short, global = true)]
    pub quiet: bool,

    /// Colour: auto (on a terminal, unless NO_COLOR is set), always, never
    #[arg(long, global = true, value_name = "WHEN", default_value = "auto", value_parser = ["auto", "always", "never"])]
    pub color: String,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Review today's cards (or those a search finds): due first, then new, then same-day repeats
    Review(ReviewArgs),
    /// List decks with new, due-today and total card counts; `decks rename OLD NEW`
    Decks(DecksArgs),
    /// List the cards a search finds (all without one): `py201 cards deck:asyncio is:due`
    Cards(CardsArgs),
    /// Suspend the cards a search finds: `py201 suspend deck:asyncio tag:hard`
    Suspend(ActArgs),
    /// Unsuspend the cards a search finds: `py201 unsuspend is:suspended`
    Unsuspend(ActArgs),
    /// Bury the cards a search finds until tomorrow
    Bury(ActArgs),
    /// Unbury the cards a search finds
    Unbury(ActArgs),
    /// Make the cards a search finds new again (their review log is kept)
    Forget(ActArgs),
    /// Delete the cards a search finds from your own decks, after a backup (built-in cards can only be suspended)
    Delete(DeleteArgs),
    /// Add (+name) and remove (-name) tags on the cards a search finds: `py201 tag deck:asyncio +hard -easy`
    Tag(TagArgs),
    /// Add a card of your own: from --deck/--front/--back, or in $VISUAL/$EDITOR on a TOML template
    Add(AddArgs),
    /// Edit a card of your own in $VISUAL/$EDITOR: its id, schedule and history stay
    Edit(EditArgs),
    /// Undo the last answer or card action, from any session, and say what was undone
    Undo(UndoArgs),
    /// One card and every answer it was given: `py201 show gil-released-on-io`
    Show(ShowArgs),
    /// Study statistics: today, cards by state, forecast, history, retention, ease, hardest cards
    Stats(StatsArgs),
    /// Show settings, or set one: `py201 config new-per-day 10`, `py201 config scheduler fsrs`
    Config(ConfigArgs),
    /// Fit FSRS's parameters to this collection's review log and store them
    Optimize(OptimizeArgs),
    /// Simulate SM-2 and FSRS at several retentions over your cards: workload and recall
    Simulate(SimulateArgs),
    /// Validate deck files (the built-in decks when no path is given)
    Check(CheckArgs),
    /// Import deck files, CSV/TSV, Anki packages (.apkg, .colpkg) or a JSON backup; all or nothing
    Import(ImportArgs),
    /// Export decks as deck files, CSV/TSV, a full JSON backup, or an Anki package
    Export(ExportArgs),
    /// List the automatic backups made before imports and restores
    Backups,
    /// Replace the collection with a backup (the current state is backed up first)
    Restore(RestoreArgs),
    /// Check the collection for damage and impossible states; --fix repairs what is safe
    Doctor(DoctorArgs),
    /// Sync with your other machines through a folder Syncthing, Dropbox or git keeps: `py201 sync ~/Sync/py201`
    Sync(SyncArgs),
    /// Print a shell completion script: `py201 completions bash > /etc/bash_completion.d/py201`
    Completions(CompletionsArgs),
    /// Print the manual page (roff), every command's options included:
    /// `py201 man | man -l -`, or one command's: `py201 man review`
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Only this command's page (e.g. review, import)
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// bash, zsh, fish, elvish or powershell
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// The sync folder [default: the one `py201 config sync-dir DIR` set]
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Give this collection a new device id first: for the copy, when sync
    /// reports another collection writing under this one's id
    #[arg(long)]
    pub new_device_id: bool,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Repair what is safe to repair, after a backup
    #[arg(long)]
    pub fix: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Files to import (.toml deck files, .csv/.tsv, Anki .apkg/.colpkg, .json backups)
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Put the cards in this deck (instead of the one the file names)
    #[arg(long, value_name = "NAME")]
    pub deck: Option<String>,
    /// Show what would be added, updated, unchanged and retired; change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// From an Anki package, take the cards only: not their schedules and
    /// review history
    #[arg(long)]
    pub no_scheduling: bool,
    /// After importing, switch py201 to this scheduler (as `py201 config
    /// scheduler` does): for a collection that used FSRS in Anki
    #[arg(long, value_name = "SCHEDULER", value_parser = ["sm2", "fsrs"])]
    pub scheduler: Option<String>,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Only this deck
    #[arg(long, value_name = "NAME")]
    pub deck: Option<String>,
    /// deck, csv, tsv, json (full backup with history) or apkg (Anki package)
    #[arg(long, short, value_name = "FORMAT",
          value_parser = ["deck", "csv", "tsv", "json", "apkg"])]
    pub format: String,
    /// Output file ("-" or absent: standard output); for deck files without --deck, a folder
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// apkg: include scheduling state and review history
    #[arg(long)]
    pub with_progress: bool,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// A backup: its name as `py201 backups` lists it, or a path to a collection file
    pub file: PathBuf,
    /// Restore it even if it is a backup of another collection
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// Review only the cards this search finds (docs/search.md), e.g. `tag:hard`
    /// or `deck:asyncio -is:new`; due and new ones, within the daily limits
    #[arg(value_name = "QUERY", allow_hyphen_values = true)]
    pub query: Vec<String>,
    /// Review only this deck
    #[arg(long, value_name = "NAME")]
    pub deck: Option<String>,
    /// Show at most N cards from the due and new queues (their same-day repeats still follow)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub limit: Option<u32>,
    /// Review ahead: cards not due yet too, soonest first (no new cards),
    /// each scheduled as an early review; bounded by reviews-per-day or --limit
    #[arg(long)]
    pub ahead: bool,
}

#[derive(Debug, Args)]
pub struct DecksArgs {
    #[command(subcommand)]
    pub action: Option<DecksAction>,
    /// Print the decks as JSON (keys in docs/json.md)
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum DecksAction {
    /// Rename a deck of your own (built-in decks keep their names); its
    /// cards keep their progress
    Rename {
        /// The deck's name now
        old: String,
        /// Its new name
        new: String,
    },
    /// Turn a deck off (built-in ones too): its cards are not reviewed or
    /// counted until it is on again; their progress and history are kept
    Off {
        /// The deck's name
        name: String,
    },
    /// Turn a deck that was turned off on again
    On {
        /// The deck's name
        name: String,
    },
}

#[derive(Debug, Args)]
pub struct CardsArgs {
    /// A search in Anki's syntax (docs/search.md): words, "phrases", -negation,
    /// or, ( ), deck:, tag:, kind:, source:, id:, is:, prop:, rated:, introduced:
    #[arg(value_name = "QUERY", allow_hyphen_values = true)]
    pub query: Vec<String>,
    /// Only this deck
    #[arg(long, value_name = "NAME")]
    pub deck: Option<String>,
    /// One JSON array, one object per card (keys in docs/json.md)
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ActArgs {
    /// A search in Anki's syntax (docs/search.md), e.g. `deck:asyncio is:due`
    #[arg(value_name = "QUERY", required = true, allow_hyphen_values = true)]
    pub query: Vec<String>,
    /// Only cards of this deck
    #[arg(long, value_name = "NAME")]
    pub deck: Option<String>,
    /// List the cards that would change; change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Say what changed as JSON (keys in docs/json.md)
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    #[command(flatten)]
    pub act: ActArgs,
    /// Delete without asking (needed when standard input is not a terminal)
    #[arg(long)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct TagArgs {
    /// A search (docs/search.md), then the changes: +name adds a tag, -name removes one
    /// (the trailing words of that form are the changes)
    #[arg(
        value_name = "QUERY +TAG -TAG",
        required = true,
        allow_hyphen_values = true
    )]
    pub words: Vec<String>,
    /// Only cards of this deck
    #[arg(long, value_name = "NAME")]
    pub deck: Option<String>,
    /// List the cards whose tags would change; change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Say what changed as JSON (keys in docs/json.md)
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct UndoArgs {
    /// Say what was undone as JSON (keys in docs/json.md)
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// Your deck to add the card to, made if new [default: "My cards"]
    #[arg(long, value_name = "NAME")]
    pub deck: Option<String>,
    /// The question (without it, and --back, the card is written in an editor)
    #[arg(long, value_name = "TEXT")]
    pub front: Option<String>,
    /// The answer
    #[arg(long, value_name = "TEXT")]
    pub back: Option<String>,
    /// basic, or typed (the learner types the answer)
    #[arg(long, value_name = "KIND", value_parser = ["basic", "typed"])]
    pub kind: Option<String>,
    /// Code shown with the question (typed cards)
    #[arg(long, value_name = "CODE")]
    pub code: Option<String>,
    /// A tag (repeat for more)
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// The card's id [default: made from the front's first words]
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,
    /// Print the new card's id and deck as JSON (keys in docs/json.md)
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    /// The card's id, as `py201 cards` lists it
    pub id: String,
    /// Drop your edit of a built-in card: it shows py201's text again
    #[arg(long)]
    pub revert: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The card's id, as `py201 cards` lists it
    pub id: String,
    /// One JSON object: the card, its recall under FSRS, its answers (keys in docs/json.md)
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Only this deck
    #[arg(long, value_name = "NAME")]
    pub deck: Option<String>,
    /// Window of the history, retention and answer-button figures, in days ending today
    #[arg(long, value_name = "N", default_value_t = 30,
          value_parser = clap::value_parser!(u32).range(1..=36_500))]
    pub days: u32,
    /// One JSON object with every figure (keys in docs/json.md)
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct OptimizeArgs {
    /// Print the fit and its figures; store nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Days to simulate
    #[arg(long, value_name = "N", default_value_t = 365,
          value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub days: u32,
    /// New cards introduced per day
    #[arg(long, value_name = "N", default_value_t = 20,
          value_parser = clap::value_parser!(u32).range(0..=9999))]
    pub new_per_day: u32,
    /// Only this deck's cards
    #[arg(long, value_name = "NAME")]
    pub deck: Option<String>,
    /// Seed of the simulated learner's answers (same seed, same output)
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
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
    /// Fail on card design warnings too (long or list answers, trivial
    /// clozes, repeated fronts, missing sources)
    #[arg(long)]
    pub strict: bool,
    /// With --python: force this multiprocessing start method in the
    /// checks that start processes (Linux defaults to forkserver from 3.14)
    #[arg(long, value_enum, value_name = "METHOD", requires = "python")]
    pub start_method: Option<crate::decks::pycheck::StartMethod>,
}
