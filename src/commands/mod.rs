//! One module per subcommand: parse -> core -> render. Nothing here computes
//! what the core computes.

mod backups;
mod cards;
mod check;
mod config;
mod decks;
mod doctor;
mod export;
mod import;
mod optimize;
mod progress;
mod review;
mod simulate;
mod stats;

use crate::cli::{Cli, Command};
use crate::clock::Clock;
use crate::collection::Collection;
use crate::decks::builtin;
use anyhow::{Context, Result};
use std::path::PathBuf;
use std::process::ExitCode;

/// Name of the environment variable that seeds interval fuzz.
pub const SEED_VAR: &str = "PY201_SEED";

pub fn run(cli: Cli) -> Result<ExitCode> {
    let clock = Clock::from_env()?;
    let ctx = Ctx {
        db: cli.db,
        clock,
        color: cli.color,
        quiet: cli.quiet,
    };
    let result = match cli.command {
        Command::Review(a) => review::run(&ctx, a),
        Command::Decks => decks::run(&ctx),
        Command::Cards(a) => cards::run(&ctx, a),
        Command::Stats(a) => stats::run(&ctx, a),
        Command::Config(a) => config::run(&ctx, a),
        Command::Optimize(a) => optimize::run(&ctx, a),
        Command::Simulate(a) => simulate::run(&ctx, a),
        Command::Check(a) => check::run(a),
        Command::Import(a) => import::run(&ctx, a),
        Command::Export(a) => export::run(&ctx, a),
        Command::Backups => backups::list(&ctx),
        Command::Restore(a) => backups::restore(&ctx, a),
        Command::Doctor(a) => doctor::run(&ctx, a),
        Command::Completions(a) => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(a.shell, &mut cmd, "py201", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => {
            let cmd = <Cli as clap::CommandFactory>::command();
            let mut page = Vec::new();
            clap_mangen::Man::new(cmd).render(&mut page)?;
            std::io::Write::write_all(&mut std::io::stdout(), &page)?;
            Ok(ExitCode::SUCCESS)
        }
    };
    match result {
        // A closed pipe (`py201 cards | head`) is the reader's choice, not an error.
        Err(e) if is_broken_pipe(&e) => Ok(ExitCode::SUCCESS),
        Err(e) => Err(explain_storage(e, &ctx)),
        r => r,
    }
}

/// SQLite's own words for a full disk or a read-only file don't say which
/// file or that nothing was changed; the transaction was rolled back, so say so.
fn explain_storage(e: anyhow::Error, ctx: &Ctx) -> anyhow::Error {
    let code = e.chain().find_map(|c| {
        c.downcast_ref::<rusqlite::Error>()
            .or_else(|| match c.downcast_ref::<crate::error::Error>() {
                Some(crate::error::Error::Sql(s)) => Some(s),
                _ => None,
            })
            .and_then(rusqlite::Error::sqlite_error_code)
    });
    let path = ctx
        .db_path()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    match code {
        Some(rusqlite::ErrorCode::DiskFull) => {
            anyhow::anyhow!(
                "{path}: the disk is full; nothing was written (free some space and try again)"
            )
        }
        Some(rusqlite::ErrorCode::ReadOnly) | Some(rusqlite::ErrorCode::CannotOpen) => {
            anyhow::anyhow!(
                "{path}: cannot write to the collection (read-only file or folder); nothing was changed"
            )
        }
        _ => e,
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || matches!(c.downcast_ref::<crate::error::Error>(), Some(crate::error::Error::Io(io)) if io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

pub struct Ctx {
    db: Option<PathBuf>,
    pub clock: Clock,
    /// `--color`: auto, always or never.
    pub color: String,
    /// `--quiet`: no informational notes.
    pub quiet: bool,
}

impl Ctx {
    /// A file-name-safe time stamp from the injected clock, for backups.
    pub fn stamp(&self) -> String {
        self.clock.now().format("%Y%m%d-%H%M%S").to_string()
    }

    fn db_path(&self) -> Result<PathBuf> {
        if let Some(p) = &self.db {
            return Ok(p.clone());
        }
        let dirs = directories::ProjectDirs::from("", "", "py201").context(
            "cannot find a data directory for the collection (no home directory?); pass --db PATH",
        )?;
        Ok(dirs.data_dir().join("collection.db"))
    }

    /// Opens the collection (creating it on first use) and brings its built-in
    /// decks up to date, saying in one line what changed.
    pub fn open(&self) -> Result<Collection> {
        let path = self.db_path()?;
        let mut col = Collection::open(&path)?;
        let created = col.created;
        if let Some(r) = builtin::ensure(&mut col)?.filter(|_| !self.quiet) {
            if created {
                eprintln!(
                    "py201: new collection at {} with {} Py201 cards",
                    path.display(),
                    r.added
                );
            } else if r.changed() {
                eprintln!(
                    "py201: built-in decks updated: {} added, {} updated, {} retired (progress kept)",
                    r.added, r.updated, r.retired
                );
            }
        }
        Ok(col)
    }
}
