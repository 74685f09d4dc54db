//! `py201 suspend|unsuspend|bury|unbury|forget|delete QUERY`: one action on
//! the cards a search finds, in one transaction, undoable with `py201 undo`.

use super::{Ctx, counted, outln, query};
use crate::cli::ActArgs;
use crate::collection::actions::{Acted, Action};
use anyhow::{Result, bail};
use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

/// How much of a card's front a dry run shows, in characters.
const FRONT_CHARS: usize = 60;

pub fn run(ctx: &Ctx, action: Action, args: ActArgs, yes: bool) -> Result<ExitCode> {
    let node = query::parse(&args.query)?;
    let mut col = ctx.open()?;
    let scope = query::scope(ctx, &col, args.deck.as_deref())?;
    let text = args.query.join(" ");
    let compiled = query::compile(&col, &node, &scope, &args.query)?;
    let now_ms = ctx.clock.now().timestamp_millis();
    // A look first (changing nothing) only where one is needed: to list,
    // or to ask before a delete and back up only if it will delete.
    let mut backup = None;
    if args.dry_run || action == Action::Delete {
        let preview = col.act(action, &compiled, &text, scope.today, now_ms, true)?;
        if args.dry_run && args.json {
            outln!("{}", json(action, &text, &preview, true, None)?)?;
            return Ok(ExitCode::SUCCESS);
        }
        if args.dry_run {
            return dry_run(action, &preview);
        }
        refuse_builtin_only(&preview)?;
        if !preview.cards.is_empty() {
            if !yes && !confirmed(&preview)? {
                outln!("Nothing deleted.")?;
                return Ok(ExitCode::SUCCESS);
            }
            backup = Some(col.backup(&ctx.stamp())?);
        }
    }
    let done = col.act(action, &compiled, &text, scope.today, now_ms, false)?;
    if args.json {
        outln!("{}", json(action, &text, &done, false, backup.as_deref())?)?;
    } else {
        say(ctx, action, &done, backup.as_deref())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// What the action did, in sentences: how many cards, how to undo it, the
/// backup a delete made and the built-in cards it left.
fn say(ctx: &Ctx, action: Action, done: &Acted, backup: Option<&std::path::Path>) -> Result<()> {
    let mut line = format!(
        "{} {}",
        capitalized(action.past()),
        counted(done.cards.len(), "card")
    );
    if action == Action::Delete {
        line.push_str(&format!(
            " and {}",
            counted(done.answers as usize, "answer")
        ));
    }
    if done.cards.is_empty() {
        outln!("{line}.")?;
    } else if done.undo_from_backup {
        outln!("{line}; too many to undo with `py201 undo`: restore the backup below.")?;
    } else {
        outln!("{line}; `py201 undo` undoes it.")?;
    }
    if let Some(path) = backup.filter(|_| !ctx.quiet || done.undo_from_backup) {
        outln!("The collection was backed up first to {}", path.display())?;
    }
    if done.builtin_left > 0 {
        outln!("{}", builtin_note(done.builtin_left))?;
    }
    Ok(())
}

/// `--json`: what the action did (or, with `dry_run`, would do). Keys in
/// docs/json.md.
fn json(
    action: Action,
    query: &str,
    acted: &Acted,
    dry_run: bool,
    backup: Option<&std::path::Path>,
) -> serde_json::Result<String> {
    let cards: Vec<&str> = acted.cards.iter().map(|c| c.uid.as_str()).collect();
    let v = serde_json::json!({
        "action": action.verb(),
        "query": query,
        "dry_run": dry_run,
        "changed": cards.len(),
        "cards": cards,
        "answers_deleted": acted.answers,
        "builtin_left": acted.builtin_left,
        "undoable": !dry_run && !cards.is_empty() && !acted.undo_from_backup,
        "backup": backup.map(|p| p.display().to_string()),
    });
    serde_json::to_string_pretty(&v)
}

fn capitalized(word: &str) -> String {
    let mut c = word.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn builtin_note(n: u32) -> String {
    format!(
        "Left {}: built-in cards can't be deleted, only suspended (`py201 suspend QUERY`).",
        counted(n as usize, "built-in card")
    )
}

/// A delete that finds only built-in cards is a mistake worth one line.
fn refuse_builtin_only(preview: &Acted) -> Result<()> {
    if preview.cards.is_empty() && preview.builtin_left > 0 {
        bail!(
            "the search finds only built-in cards ({}), which can't be deleted, only suspended: `py201 suspend QUERY`",
            preview.builtin_left
        );
    }
    Ok(())
}

/// Asks on the terminal; in a script `--yes` must say it.
fn confirmed(preview: &Acted) -> Result<bool> {
    if !std::io::stdin().is_terminal() {
        bail!(
            "delete asks before deleting {}; standard input is not a terminal, so add --yes",
            counted(preview.cards.len(), "card")
        );
    }
    let mut err = std::io::stderr().lock();
    write!(
        err,
        "Delete {} with their answers (after a backup)? [y/N] ",
        counted(preview.cards.len(), "card")
    )?;
    err.flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

fn dry_run(action: Action, preview: &Acted) -> Result<ExitCode> {
    outln!(
        "Would {} {}{}",
        action.verb(),
        counted(preview.cards.len(), "card"),
        if preview.cards.is_empty() { "." } else { ":" }
    )?;
    let width = usize::from(crate::table::width());
    for c in &preview.cards {
        // One line per card, cut to the width it is read at.
        let room = width.saturating_sub(c.uid.chars().count() + 5).max(20);
        let front: String = crate::review::render::sanitize(&c.front)
            .replace('\n', " ")
            .chars()
            .take(room.min(FRONT_CHARS))
            .collect();
        outln!("  {}  {front}", c.uid)?;
    }
    if preview.builtin_left > 0 {
        outln!("{}", builtin_note(preview.builtin_left))?;
    }
    Ok(ExitCode::SUCCESS)
}
