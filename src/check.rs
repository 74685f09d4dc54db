//! The work of `py201 check`: reading deck files from the paths given, and
//! running the decks' Python checks against every installed CPython (see
//! `decks::pycheck`). What happened is returned, and each check's outcome
//! is handed over as it comes (a check may take seconds); `commands::check`
//! says it.

use crate::decks::builtin::BUILTIN_DECKS;
use crate::decks::pycheck::{self, Interpreter, StartMethod, Verdict};
use crate::decks::{ParsedDeck, PyCheck};
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long one check may run on one interpreter.
const TIMEOUT: Duration = Duration::from_secs(30);

/// The built-in decks as files (name, text), under the names they have in
/// the source tree.
pub fn builtin_files() -> Vec<(String, String)> {
    BUILTIN_DECKS
        .iter()
        .map(|(n, t)| (format!("decks/{n}"), t.to_string()))
        .collect()
}

/// The deck files (name, text) at `paths`: a file as given, a directory's
/// `.toml` files in name order.
pub fn deck_files(paths: &[PathBuf]) -> Result<Vec<(String, String)>> {
    let mut files = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| at(p, e))?;
        let mut list: Vec<PathBuf> = if meta.is_dir() {
            std::fs::read_dir(p)
                .map_err(|e| at(p, e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|e| e == "toml"))
                .collect()
        } else {
            vec![p.clone()]
        };
        list.sort();
        for f in list {
            files.push((f.display().to_string(), read_text(&f)?));
        }
    }
    Ok(files)
}

fn read_text(f: &Path) -> Result<String> {
    let bytes = std::fs::read(f).map_err(|e| at(f, e))?;
    String::from_utf8(bytes).map_err(|e| Error::Unreadable {
        path: f.to_path_buf(),
        why: format!(
            "not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ),
    })
}

/// An I/O failure, said with the path it happened on.
fn at(p: &Path, e: std::io::Error) -> Error {
    Error::Unreadable {
        path: p.to_path_buf(),
        why: e.to_string(),
    }
}

/// A check that did not pass.
pub enum Event<'a> {
    /// No installed CPython has a version the check asks for.
    Skipped(&'a PyCheck),
    /// It failed on CPython 3.`minor`.
    Failed {
        check: &'a PyCheck,
        minor: u32,
        why: String,
    },
}

/// Runs and checks that passed, failed, or were skipped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub pass: u32,
    pub fail: u32,
    pub skip: u32,
}

/// Runs every check of `decks` on each of `pys` it asks for (the checks
/// that start processes with `start`, if given), handing each skip and
/// failure to `each` as it happens. Stops at the first error `each`
/// returns (its reader went away: no point running the rest).
pub fn run_python<'a>(
    decks: &'a [ParsedDeck],
    pys: &[Interpreter],
    start: Option<StartMethod>,
    mut each: impl FnMut(Event<'a>) -> std::io::Result<()>,
) -> std::io::Result<Tally> {
    let minors: Vec<u32> = pys.iter().map(|p| p.minor).collect();
    let mut tally = Tally::default();
    for check in decks.iter().flat_map(|d| &d.checks) {
        let want = pycheck::wanted(check.python.as_deref(), &minors);
        if want.is_empty() {
            tally.skip += 1;
            each(Event::Skipped(check))?;
            continue;
        }
        for py in pys.iter().filter(|p| want.contains(&p.minor)) {
            match pycheck::run_with(check, py, TIMEOUT, start) {
                Verdict::Pass => tally.pass += 1,
                Verdict::Fail(why) => {
                    tally.fail += 1;
                    each(Event::Failed {
                        check,
                        minor: py.minor,
                        why,
                    })?;
                }
            }
        }
    }
    Ok(tally)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// With no CPython installed every check is skipped, each said once,
    /// and none counts as passed.
    #[test]
    fn checks_without_an_interpreter_are_skipped() {
        let text = "[deck]\nname = \"D\"\n\n[[cards]]\nid = \"a\"\nfront = \"q\"\nback = \"a\"\n\
                    [cards.check]\ncode = 'print(1)'\nexpect = \"1\"\n";
        let deck = crate::decks::parse("d.toml", text).unwrap_or_else(|p| panic!("{p:?}"));
        let decks = [deck];
        let mut skipped = Vec::new();
        let tally = run_python(&decks, &[], None, |e| {
            match e {
                Event::Skipped(c) => skipped.push(c.card.clone()),
                Event::Failed { .. } => panic!("nothing ran"),
            }
            Ok(())
        })
        .unwrap();
        assert_eq!(
            tally,
            Tally {
                pass: 0,
                fail: 0,
                skip: 1
            }
        );
        assert_eq!(skipped, ["a"]);
    }
}
