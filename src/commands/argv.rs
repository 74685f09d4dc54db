//! The command line as clap should see it. A QUERY may hold words that
//! start with a minus (`-is:suspended`, Anki's negation), so its argument
//! accepts them; clap then takes every word after the first query word as
//! part of the query, flags included (`py201 cards gil --json`). Moving the
//! command's own flags in front of the query words first lets them stand
//! anywhere, as a user expects; `--` still ends the flags.

use crate::cli::Cli;
use clap::CommandFactory;
use std::ffi::OsString;

/// The subcommands that take a QUERY.
const QUERY_COMMANDS: &[&str] = &[
    "review",
    "cards",
    "suspend",
    "unsuspend",
    "bury",
    "unbury",
    "forget",
    "delete",
    "tag",
];

/// `args` (the program name first) with the flags of a query command moved
/// before its query words; any other command line unchanged.
pub fn flags_first(args: Vec<OsString>) -> Vec<OsString> {
    let Some(at) = args
        .iter()
        .skip(1)
        .position(|a| a.to_str().is_some_and(|s| QUERY_COMMANDS.contains(&s)))
        .map(|i| i + 1)
    else {
        return args;
    };
    // Only a flag after a word can be mistaken for a query word. The check
    // spares the common lines (`py201 review`, `py201 review --limit 10`)
    // building clap's whole command a second time.
    let words_then_flag = args[at + 1..]
        .iter()
        .skip_while(|a| a.to_str().is_some_and(|s| s.starts_with('-')))
        .any(|a| a.to_str().is_some_and(|s| s.starts_with('-')));
    if !words_then_flag {
        return args;
    }
    let mut cli = Cli::command();
    // Gives the subcommand the global flags too.
    cli.build();
    let Some(sub) = args[at].to_str().and_then(|n| cli.find_subcommand(n)) else {
        return args;
    };
    let (mut flags, mut words) = (Vec::new(), Vec::new());
    let mut rest = args[at + 1..].iter();
    while let Some(a) = rest.next() {
        if a == "--" {
            words.push(a.clone());
            words.extend(rest.by_ref().cloned());
            break;
        }
        match a.to_str().and_then(|s| flag(sub, s)) {
            Some(takes_value) => {
                flags.push(a.clone());
                if takes_value {
                    flags.extend(rest.next().cloned());
                }
            }
            None => words.push(a.clone()),
        }
    }
    let mut out = args[..=at].to_vec();
    out.extend(flags);
    out.extend(words);
    out
}

/// Whether `word` is one of `cmd`'s flags, and if so whether the next word
/// is its value (`--deck NAME`; not `--deck=NAME`).
fn flag(cmd: &clap::Command, word: &str) -> Option<bool> {
    cmd.get_arguments()
        .filter(|a| !a.is_positional())
        .find_map(|a| {
            let takes = a.get_action().takes_values();
            if let Some(long) = a.get_long() {
                let Some(rest) = word.strip_prefix("--").and_then(|w| w.strip_prefix(long)) else {
                    return short(a, word, takes);
                };
                if rest.is_empty() {
                    return Some(takes);
                }
                if rest.starts_with('=') && takes {
                    return Some(false);
                }
            }
            short(a, word, takes)
        })
}

fn short(a: &clap::Arg, word: &str, takes: bool) -> Option<bool> {
    let s = a.get_short()?;
    (word.strip_prefix('-')? == s.to_string()).then_some(takes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moved(line: &str) -> String {
        let args = line.split(' ').map(OsString::from).collect();
        let out: Vec<String> = flags_first(args)
            .into_iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        out.join(" ")
    }

    #[test]
    fn flags_move_before_query_words() {
        assert_eq!(
            moved("py201 cards gil -is:new --json --deck x -q"),
            "py201 cards --json --deck x -q gil -is:new"
        );
        assert_eq!(
            moved("py201 --db c.db cards a --deck=x --color never"),
            "py201 --db c.db cards --deck=x --color never a"
        );
        // After `--`, everything is the query; other commands are left alone.
        assert_eq!(moved("py201 cards a -- --json"), "py201 cards a -- --json");
        assert_eq!(
            moved("py201 review tag:x --limit 3 -is:new"),
            "py201 review --limit 3 tag:x -is:new"
        );
        // Not a flag of this command: a query word.
        assert_eq!(moved("py201 cards a --jsonx"), "py201 cards a --jsonx");
        assert_eq!(
            moved("py201 tag deck:x -gil --dry-run +a"),
            "py201 tag --dry-run deck:x -gil +a"
        );
    }

    /// Every command whose many words may start with a minus is in the
    /// list (one left out would swallow its own flags after the first word).
    #[test]
    fn every_query_command_is_listed() {
        let mut cli = Cli::command();
        cli.build();
        for c in cli.get_subcommands() {
            let hyphen_words = c.get_arguments().any(|a| {
                a.is_positional()
                    && a.is_allow_hyphen_values_set()
                    && a.get_num_args().is_some_and(|n| n.max_values() > 1)
            });
            assert_eq!(
                hyphen_words,
                QUERY_COMMANDS.contains(&c.get_name()),
                "{}",
                c.get_name()
            );
        }
    }
}
