//! `py201 tag QUERY +name -name`: adds and removes tags on the cards a
//! search finds, in one transaction, undoable with `py201 undo`.

use super::{Ctx, counted, outln, query};
use crate::cli::TagArgs;
use anyhow::{Result, bail};
use std::process::ExitCode;

pub fn run(ctx: &Ctx, args: TagArgs) -> Result<ExitCode> {
    let (words, add, remove) = split(&args.words)?;
    let node = query::parse(words)?;
    let mut col = ctx.open()?;
    let scope = query::scope(ctx, &col, args.deck.as_deref())?;
    let compiled = query::compile(&col, &node, &scope, words)?;
    let now_ms = ctx.clock.now().timestamp_millis();
    // The journal keeps the whole command, changes included, for undo to say.
    let journal = args.words.join(" ");
    let done = col.retag(&compiled, &journal, (&add, &remove), now_ms, args.dry_run)?;
    let n = counted(done.cards.len(), "card");
    if args.json {
        let cards: Vec<&str> = done.cards.iter().map(|c| c.uid.as_str()).collect();
        let v = serde_json::json!({
            "action": "tag",
            "query": words.join(" "),
            "add": add,
            "remove": remove,
            "dry_run": args.dry_run,
            "changed": cards.len(),
            "cards": cards,
            "undoable": !args.dry_run && !cards.is_empty(),
        });
        outln!("{}", serde_json::to_string_pretty(&v)?)?;
    } else if args.dry_run {
        outln!(
            "Would change the tags of {n}{}",
            if done.cards.is_empty() { "." } else { ":" }
        )?;
        for c in &done.cards {
            outln!("  {}", c.uid)?;
        }
    } else if done.cards.is_empty() {
        outln!("Changed the tags of 0 cards.")?;
    } else {
        outln!("Changed the tags of {n}; `py201 undo` undoes it.")?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The query words and the tag changes: the trailing words `+name` and
/// `-name` (a name without `:`, `*`, quotes or parentheses, so `-tag:x` stays a
/// negated search term).
fn split(words: &[String]) -> Result<(&[String], Vec<String>, Vec<String>)> {
    let change = |w: &String| {
        w.len() > 1
            && (w.starts_with('+') || w.starts_with('-'))
            && !w[1..].contains([':', '"', '(', ')', '*'].as_slice())
    };
    let first = words.iter().rposition(|w| !change(w)).map_or(0, |i| i + 1);
    let (query, changes) = words.split_at(first);
    if changes.is_empty() {
        bail!(
            "tag: no change given; end the command with +name to add a tag or -name to remove one"
        );
    }
    if query.is_empty() {
        bail!(
            "tag: no search before the changes; `py201 tag deck:NAME +tag` (all cards: `py201 tag '*' +tag`)"
        );
    }
    let (add, remove): (Vec<&String>, Vec<&String>) =
        changes.iter().partition(|w| w.starts_with('+'));
    let names = |v: Vec<&String>| v.iter().map(|w| w[1..].to_string()).collect();
    Ok((query, names(add), names(remove)))
}

#[cfg(test)]
mod tests {
    use super::split;

    /// The query words, the tags added and the tags removed.
    type Split = (Vec<String>, Vec<String>, Vec<String>);

    fn s(line: &str) -> Result<Split, String> {
        let words: Vec<String> = line.split(' ').map(String::from).collect();
        split(&words)
            .map(|(q, a, r)| (q.to_vec(), a, r))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn trailing_plus_and_minus_words_are_the_changes() {
        let v = |s: &[&str]| s.iter().map(|t| t.to_string()).collect::<Vec<_>>();
        assert_eq!(
            s("deck:x -gil +hard -easy").unwrap(),
            (v(&["deck:x"]), v(&["hard"]), v(&["gil", "easy"]))
        );
        // A negated key stays in the search.
        assert_eq!(
            s("-tag:io +io2").unwrap(),
            (v(&["-tag:io"]), v(&["io2"]), v(&[]))
        );
        assert!(s("deck:x").unwrap_err().contains("no change given"));
        assert!(s("+a").unwrap_err().contains("no search"));
    }
}
