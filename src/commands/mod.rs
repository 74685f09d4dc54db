//! One module per subcommand: parse -> core -> render. Nothing here computes
//! what the core computes. `context` is what every command shares (the
//! collection's path, the clock, the global flags), `failure` how a failure
//! is said.

mod act;
mod add;
pub mod argv;
mod backups;
mod cards;
mod check;
mod config;
mod context;
mod decks;
mod doctor;
mod edit;
mod export;
mod failure;
mod import;
mod optimize;
mod progress;
mod query;
mod restore;
mod review;
mod shell;
mod show;
mod simulate;
mod stats;
mod sync;
mod tag;
mod undo;

use crate::cli::{Cli, Command};
use crate::clock::Clock;
use crate::collection::actions::Action;
use anyhow::Result;
use std::process::ExitCode;

pub use context::Ctx;
pub use failure::usage_error;

/// `println!` that returns the write's error instead of panicking on it:
/// a closed pipe (`py201 decks | head -1`) then ends the command quietly
/// (see `failure::is_broken_pipe`), as it does for ripgrep.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)
    }};
}
pub(crate) use outln;

/// `n` and the noun, plural unless `n` is 1: "1 deck", "20 decks".
pub fn counted(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    let clock = Clock::from_env()?;
    let ctx = Ctx::new(cli.db, clock, cli.color, cli.quiet);
    let result = match cli.command {
        Command::Review(a) => review::run(&ctx, a),
        Command::Decks(args) => decks::run(&ctx, args),
        Command::Cards(a) => cards::run(&ctx, a),
        Command::Suspend(a) => act::run(&ctx, Action::Suspend, a, false),
        Command::Unsuspend(a) => act::run(&ctx, Action::Unsuspend, a, false),
        Command::Bury(a) => act::run(&ctx, Action::Bury, a, false),
        Command::Unbury(a) => act::run(&ctx, Action::Unbury, a, false),
        Command::Forget(a) => act::run(&ctx, Action::Forget, a, false),
        Command::Delete(a) => act::run(&ctx, Action::Delete, a.act, a.yes),
        Command::Tag(a) => tag::run(&ctx, a),
        Command::Add(a) => add::run(&ctx, a),
        Command::Edit(a) => edit::run(&ctx, a),
        Command::Undo(args) => undo::run(&ctx, args),
        Command::Show(a) => show::run(&ctx, a),
        Command::Stats(a) => stats::run(&ctx, a),
        Command::Config(a) => config::run(&ctx, a),
        Command::Optimize(a) => optimize::run(&ctx, a),
        Command::Simulate(a) => simulate::run(&ctx, a),
        Command::Check(a) => check::run(a),
        Command::Import(a) => import::run(&ctx, a),
        Command::Export(a) => export::run(&ctx, a),
        Command::Backups => backups::list(&ctx),
        Command::Restore(a) => restore::run(&ctx, a),
        Command::Doctor(a) => doctor::run(&ctx, a),
        Command::Sync(a) => sync::run(&ctx, a),
        Command::Completions(a) => shell::completions(a),
        Command::Man(a) => shell::man(a),
    };
    match result {
        // A closed pipe (`py201 cards | head`) is the reader's choice, not an error.
        Err(e) if failure::is_broken_pipe(&e) => Ok(ExitCode::SUCCESS),
        Err(e) => Err(failure::explain_storage(e, &ctx)),
        r => r,
    }
}
