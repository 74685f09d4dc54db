//! `py201 edit ID`: a card of your own opened in `$VISUAL`/`$EDITOR` as the
//! TOML template of `py201 add`; its id, schedule and history stay.

use super::add::{in_editor, quoted};
use super::{Ctx, outln};
use crate::cli::EditArgs;
use crate::collection::cards::Card;
use anyhow::{Result, bail};
use std::process::ExitCode;

pub fn run(ctx: &Ctx, args: EditArgs) -> Result<ExitCode> {
    let mut col = ctx.open()?;
    let Some(card) = col.card_by_uid(&args.id)? else {
        let near = col.closest_uids(&args.id, 3)?;
        bail!("no card {:?} (closest: {})", args.id, near.join(", "));
    };
    let Some(edited) = in_editor("edit", form(&card))? else {
        outln!("Nothing changed (the front was left empty).")?;
        return Ok(ExitCode::SUCCESS);
    };
    if !edited.deck.trim().eq_ignore_ascii_case(card.deck.trim()) {
        bail!(
            "edit: a card stays in its deck ({:?}); nothing changed",
            card.deck
        );
    }
    col.edit_card(card.id, &edited)?;
    outln!("Edited {}; its schedule and history are kept.", card.uid)?;
    Ok(ExitCode::SUCCESS)
}

/// The card in the template's form.
fn form(c: &Card) -> String {
    let code = match &c.code {
        // Literal multi-line, as deck files write code, unless it holds the delimiter.
        Some(code) if !code.contains("'''") => format!("code = '''\n{code}\n'''\n"),
        Some(code) => format!("code = {}\n", quoted(code)),
        None => "# code = '''\n# '''\n".into(),
    };
    let tags: Vec<String> = c.tags.split_whitespace().map(quoted).collect();
    format!(
        "# Card {}: change it, save and quit. Its id, schedule and history stay.\n\
         deck = {}             # a card stays in its deck\n\
         kind = {}                # basic, or typed (you type the answer; code allowed)\n\
         front = {}\n\
         back = {}\n\
         {code}\
         tags = [{}]\n",
        c.uid,
        quoted(&c.deck),
        quoted(c.kind.as_str()),
        quoted(&c.front),
        quoted(&c.back),
        tags.join(", ")
    )
}
