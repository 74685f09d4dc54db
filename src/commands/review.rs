use super::Ctx;
use crate::cli::ReviewArgs;
use crate::collection::Collection;
use crate::review::terminal::{Terminal, use_color};
use crate::review::{self, Channel, Frontend, Input, Options};
use anyhow::{Result, bail};
use std::io::{BufWriter, IsTerminal};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

pub fn run(ctx: &Ctx, args: ReviewArgs) -> Result<ExitCode> {
    let node = (!args.query.is_empty())
        .then(|| super::query::parse(&args.query))
        .transpose()?;
    let (mut col, note) = ctx.open_noting()?;
    if let Some(note) = &note {
        // Also before the full screen: it stays in the terminal's scrollback.
        eprintln!("{note}");
    }
    super::sync::auto(ctx, &mut col);
    let opts = queue(ctx, &mut col, &args, node)?;
    if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
        on_terminal(ctx, &mut col, opts, note)?;
    } else {
        from_pipe(ctx, &mut col, opts)?;
    }
    super::sync::auto(ctx, &mut col);
    Ok(ExitCode::SUCCESS)
}

/// Sets the session's queue up as the arguments ask: a deck (not one
/// turned off), cards ahead of time, the cards a search finds.
fn queue(
    ctx: &Ctx,
    col: &mut Collection,
    args: &ReviewArgs,
    node: Option<crate::search::Node>,
) -> Result<Options> {
    let deck = args.deck.as_deref().map(|d| col.deck_id(d)).transpose()?;
    if let (Some(id), Some(name)) = (deck, &args.deck) {
        if col.deck_is_off(id)? {
            bail!("deck {name:?} is off; `py201 decks on {name:?}` turns it on again");
        }
    }
    if args.ahead {
        col.review_ahead();
    }
    if let Some(node) = node {
        let scope = super::query::scope(ctx, col, None)?;
        let compiled = super::query::compile(col, &node, &scope, &args.query)?;
        col.restrict_review(&compiled)?;
    }
    Ok(Options {
        deck,
        limit: args.limit,
    })
}

/// The full-screen session. In raw mode Ctrl-C arrives as a key; SIGHUP
/// and SIGTERM still arrive as signals and set a flag the key loop polls.
fn on_terminal(ctx: &Ctx, col: &mut Collection, opts: Options, note: Option<String>) -> Result<()> {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst))?;
    let color = use_color(&ctx.color, true);
    let mut ui = Terminal::new(std::io::stdout().lock(), color, stop)?;
    if let Some(note) = note {
        ui.note(note.trim_start_matches("py201: "))?;
    }
    review::run_with(col, &ctx.clock, opts, ui)?;
    Ok(())
}

/// The line protocol. Lines are read on their own thread so that Ctrl-C,
/// SIGHUP and SIGTERM, which arrive on the signal handler's thread, can end
/// a session that is waiting at a prompt: the session then prints its
/// summary and exits.
fn from_pipe(ctx: &Ctx, col: &mut Collection, opts: Options) -> Result<()> {
    let (tx, rx) = std::sync::mpsc::channel();
    let signals = tx.clone();
    ctrlc::set_handler(move || {
        let _ = signals.send(Input::Interrupt);
    })?;
    std::thread::spawn(move || {
        let mut stdin = std::io::stdin().lock();
        loop {
            let input = review::read_line(&mut stdin);
            let end = input == Input::End;
            if tx.send(input).is_err() || end {
                break;
            }
        }
    });
    let out = BufWriter::new(std::io::stdout().lock());
    review::run(col, &ctx.clock, opts, Channel(rx), out)?;
    Ok(())
}
