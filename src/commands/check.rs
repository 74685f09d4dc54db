use crate::check::{self, Event};
use crate::cli::CheckArgs;
use crate::commands::{counted, outln};
use crate::decks::{parse_all, pycheck};
use anyhow::Result;
use std::process::ExitCode;

pub fn run(args: CheckArgs) -> Result<ExitCode> {
    let files = if args.paths.is_empty() {
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
    let cards: usize = decks.iter().map(|d| d.content.cards.len()).sum();
    if !args.python {
        outln!(
            "{}, {}, {}: no problems",
            counted(files.len(), "file"),
            counted(decks.len(), "deck"),
            counted(cards, "card")
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let pys = pycheck::interpreters();
    let t = check::run_python(&decks, &pys, |e| match e {
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
    outln!(
        "{}; Python checks on 3.{}: {} passed, {} failed, {} skipped",
        counted(cards, "card"),
        minors.join(", 3."),
        t.pass,
        t.fail,
        t.skip
    )?;
    Ok(if t.fail > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
