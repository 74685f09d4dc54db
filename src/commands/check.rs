use crate::check::{self, Event};
use crate::cli::CheckArgs;
use crate::commands::{counted, outln};
use crate::decks::{ParsedDeck, lint, parse_all, pycheck};
use anyhow::Result;
use std::process::ExitCode;

pub fn run(args: CheckArgs) -> Result<ExitCode> {
    let builtin = args.paths.is_empty();
    let files = if builtin {
        check::builtin_files()
    } else {
        check::deck_files(&args.paths)?
    };
    let decks = match parse_all(files.iter().map(|(n, t)| (n.as_str(), t.as_str()))) {
        Ok(d) => d,
        Err(problems) => {
            for p in &problems {
                outln!("{p}")?;
            }
            eprintln!(
                "py201: {} in {}",
                counted(problems.len(), "problem"),
                counted(files.len(), "file")
            );
            return Ok(ExitCode::from(1));
        }
    };
    // The built-in decks teach a course, so each card names its section.
    let warnings = lint::lint(&decks, builtin);
    for w in &warnings {
        outln!("{w}")?;
    }
    let design_failed = args.strict && !warnings.is_empty();
    let cards: usize = decks.iter().map(|d| d.content.cards.len()).sum();
    if !args.python {
        outln!(
            "{}, {}, {}: no problems{}",
            counted(files.len(), "file"),
            counted(decks.len(), "deck"),
            counted(cards, "card"),
            said(&warnings, args.strict)
        )?;
        return Ok(exit(design_failed));
    }
    let python_failed = run_python(&decks, cards, &args)?;
    if !warnings.is_empty() {
        outln!("{}", said(&warnings, args.strict).trim_start_matches(", "))?;
    }
    Ok(exit(design_failed || python_failed))
}

/// ", 3 design warnings" (and that they fail the check under --strict).
fn said(warnings: &[lint::Warning], strict: bool) -> String {
    match (warnings.len(), strict) {
        (0, _) => String::new(),
        (n, false) => format!(", {}", counted(n, "design warning")),
        (n, true) => format!(", {} (--strict: failing)", counted(n, "design warning")),
    }
}

fn exit(failed: bool) -> ExitCode {
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Runs the decks' Python checks, saying each skip and failure and then
/// the tally; true when any check failed.
fn run_python(decks: &[ParsedDeck], cards: usize, args: &CheckArgs) -> Result<bool> {
    let pys = pycheck::interpreters();
    let t = check::run_python(decks, &pys, args.start_method, |e| match e {
        Event::Skipped(c) => outln!(
            "{}:{}: card {}: skipped: no CPython for {:?} installed",
            c.file,
            c.line,
            c.card,
            c.python.as_deref().unwrap_or("3.11+")
        ),
        Event::Failed {
            check: c,
            minor,
            why,
        } => outln!(
            "{}:{}: card {}: python 3.{minor}: {why}",
            c.file,
            c.line,
            c.card
        ),
    })?;
    let minors: Vec<String> = pys.iter().map(|p| p.minor.to_string()).collect();
    let method = args
        .start_method
        .map(|m| format!(" (start method {})", m.name()))
        .unwrap_or_default();
    outln!(
        "{}; Python checks on 3.{}{method}: {} passed, {} failed, {} skipped",
        counted(cards, "card"),
        minors.join(", 3."),
        t.pass,
        t.fail,
        t.skip
    )?;
    Ok(t.fail > 0)
}
