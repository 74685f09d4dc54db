use crate::cli::CheckArgs;
use crate::decks::{builtin::BUILTIN_DECKS, parse_all, pycheck};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

fn deck_files(paths: &[PathBuf]) -> Result<Vec<(String, String)>> {
    let mut files = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).with_context(|| format!("{}", p.display()))?;
        let mut list: Vec<PathBuf> = if meta.is_dir() {
            std::fs::read_dir(p)
                .with_context(|| format!("{}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|e| e == "toml"))
                .collect()
        } else {
            vec![p.clone()]
        };
        list.sort();
        for f in list {
            let bytes = std::fs::read(&f).with_context(|| format!("{}", f.display()))?;
            let text = String::from_utf8(bytes).map_err(|e| {
                anyhow::anyhow!(
                    "{}: not UTF-8 text (invalid byte at offset {})",
                    f.display(),
                    e.utf8_error().valid_up_to()
                )
            })?;
            files.push((display(&f), text));
        }
    }
    Ok(files)
}

fn display(p: &Path) -> String {
    p.display().to_string()
}

pub fn run(args: CheckArgs) -> Result<ExitCode> {
    let files: Vec<(String, String)> = if args.paths.is_empty() {
        BUILTIN_DECKS
            .iter()
            .map(|(n, t)| (format!("decks/{n}"), t.to_string()))
            .collect()
    } else {
        deck_files(&args.paths)?
    };
    let decks = match parse_all(files.iter().map(|(n, t)| (n.as_str(), t.as_str()))) {
        Ok(d) => d,
        Err(problems) => {
            for p in &problems {
                println!("{p}");
            }
            eprintln!(
                "py201: {} problem{} in {} file{}",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" },
                files.len(),
                if files.len() == 1 { "" } else { "s" }
            );
            return Ok(ExitCode::from(1));
        }
    };
    let cards: usize = decks.iter().map(|d| d.content.cards.len()).sum();
    if !args.python {
        println!(
            "{} file{}, {} decks, {cards} cards: no problems",
            files.len(),
            if files.len() == 1 { "" } else { "s" },
            decks.len()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let pys = pycheck::interpreters();
    let minors: Vec<u32> = pys.iter().map(|p| p.minor).collect();
    let (mut pass, mut fail, mut skip) = (0, 0, 0);
    for check in decks.iter().flat_map(|d| &d.checks) {
        let want = pycheck::wanted(check.python.as_deref(), &minors);
        if want.is_empty() {
            skip += 1;
            println!(
                "{}:{}: card {}: skipped: no CPython for {:?} installed",
                check.file,
                check.line,
                check.card,
                check.python.as_deref().unwrap_or("3.11+")
            );
            continue;
        }
        for py in pys.iter().filter(|p| want.contains(&p.minor)) {
            match pycheck::run(check, py, Duration::from_secs(30)) {
                pycheck::Verdict::Pass => pass += 1,
                pycheck::Verdict::Fail(why) => {
                    fail += 1;
                    println!(
                        "{}:{}: card {}: python 3.{}: {why}",
                        check.file, check.line, check.card, py.minor
                    );
                }
            }
        }
    }
    println!(
        "{cards} cards; Python checks on 3.{}: {pass} passed, {fail} failed, {skip} skipped",
        minors
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(", 3.")
    );
    Ok(if fail > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
