//! What every command that takes a QUERY shares: the words of the command
//! line joined into one query, parsed, and run against the collection.

use super::Ctx;
use crate::collection::Collection;
use crate::collection::cards::Card;
use crate::collection::search::{Compiled, Scope};
use crate::search::Node;
use anyhow::{Context, Result};

/// The query the command line's words make: joined by spaces, as a shell
/// split them (`py201 cards deck:asyncio is:due`).
pub fn parse(words: &[String]) -> Result<Node> {
    let text = words.join(" ");
    crate::search::parse(&text).with_context(|| format!("search {text:?}"))
}

/// The scope of a query today, within `deck` if given.
pub fn scope(ctx: &Ctx, col: &Collection, deck: Option<&str>) -> Result<Scope> {
    let today = ctx.clock.today(col.config().day_starts_at);
    let deck = deck.map(|d| col.deck_id(d)).transpose()?;
    Ok(col.search_scope(today, deck)?)
}

/// `node` compiled over `scope`; an error (a deck that does not exist)
/// names the search as typed.
pub fn compile(col: &Collection, node: &Node, scope: &Scope, words: &[String]) -> Result<Compiled> {
    let text = words.join(" ");
    col.compile(node, scope)
        .with_context(|| format!("search {text:?}"))
}

/// The cards the words find, in course order.
pub fn find(
    ctx: &Ctx,
    col: &Collection,
    words: &[String],
    deck: Option<&str>,
) -> Result<Vec<Card>> {
    let query = parse(words)?;
    let scope = scope(ctx, col, deck)?;
    let text = words.join(" ");
    col.search(&query, &scope)
        .with_context(|| format!("search {text:?}"))
}
