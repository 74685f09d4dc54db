//! `py201 export`: reads the format and the deck asked for, has
//! `interop::export` write them, and says what was written.

use super::{Ctx, progress};
use crate::cli::ExportArgs;
use crate::interop::Format;
use crate::interop::export::{self, ExportError, Request, Written};
use anyhow::{Result, anyhow};
use std::path::PathBuf;
use std::process::ExitCode;

pub fn run(ctx: &Ctx, args: ExportArgs) -> Result<ExitCode> {
    // clap has checked the name against the same list.
    let format =
        Format::parse(&args.format).ok_or_else(|| anyhow!("--format {:?}", args.format))?;
    if args.with_progress && format != Format::Apkg {
        return Err(super::usage_error(
            "export",
            "--with-progress is for --format apkg; a JSON backup (--format json) always holds the whole history, and deck, CSV and TSV files hold card content only",
        ));
    }
    let col = ctx.open()?;
    let deck = args.deck.as_deref().map(|d| col.deck_id(d)).transpose()?;
    let out: Option<PathBuf> = args.output.filter(|p| p.as_os_str() != "-");
    let req = Request {
        format,
        deck,
        out: out.as_deref(),
        with_progress: args.with_progress,
        clock: &ctx.clock,
    };
    let mut bar = progress::ExportBar::new(ctx.quiet);
    match export::export(&col, &req, &mut bar).map_err(chain)? {
        Written::Output => {}
        Written::DeckFiles { count, dir } => {
            eprintln!("py201: wrote {count} deck files to {}", dir.display());
        }
        Written::Package(done) if !ctx.quiet => {
            let mut what = [
                (done.decks, "deck"),
                (done.notes, "note"),
                (done.cards, "card"),
            ]
            .map(|(count, noun)| super::counted(count, noun))
            .join(", ");
            if args.with_progress {
                what += &format!(", {}", super::counted(done.reviews, "review"));
            }
            let path = out.unwrap_or_default();
            eprintln!("py201: wrote {}: {what}", path.display());
        }
        Written::Package(_) => {}
    }
    Ok(ExitCode::SUCCESS)
}

/// The chain of causes as it is found by type: a closed pipe (io) and a
/// full disk (SQLite) are recognised in it by `commands::run`.
fn chain(e: ExportError) -> anyhow::Error {
    match e {
        ExportError::Io(e) => e.into(),
        ExportError::Core(e) => e.into(),
        ExportError::Creating { dir, source } => {
            anyhow::Error::from(source).context(format!("creating {}", dir.display()))
        }
        ExportError::Writing(w) => {
            let what = w.to_string();
            chain(w.source).context(what)
        }
        e => e.into(),
    }
}
