//! `py201 edit ID`: a card opened in `$VISUAL`/`$EDITOR` as the TOML
//! template of `py201 add`; its id, schedule and history stay. A card of
//! the learner's own decks changes in place; a built-in card keeps the
//! learner's text as their own edit over py201's (`collection::overrides`),
//! which deck updates keep and `--revert` drops.

use super::add::{in_editor, quoted};
use super::{Ctx, outln};
use crate::cli::EditArgs;
use crate::collection::Collection;
use crate::collection::add::NewCard;
use crate::collection::cards::Card;
use crate::collection::overrides::Text;
use anyhow::{Result, bail};
use std::process::ExitCode;

pub fn run(ctx: &Ctx, args: EditArgs) -> Result<ExitCode> {
    let mut col = ctx.open()?;
    let Some(card) = col.card_by_uid(&args.id)? else {
        let near = col.closest_uids(&args.id, 3)?;
        bail!("no card {:?} (closest: {})", args.id, near.join(", "));
    };
    let builtin = col.deck_is_builtin(card.deck_id)?;
    if args.revert {
        return revert(&mut col, &card, builtin, ctx.clock.now().timestamp_millis());
    }
    let check = |c: &NewCard| valid(c, &card, builtin);
    let Some(edited) = in_editor("edit", form(&card), &check)? else {
        outln!("Nothing changed (the front was left empty).")?;
        return Ok(ExitCode::SUCCESS);
    };
    if builtin {
        let text = Text {
            front: edited.front.trim().to_string(),
            back: edited.back.trim().to_string(),
            code: edited.code.as_deref().map(|c| c.trim_end().to_string()),
            tags: edited.tags.join(" "),
        };
        col.override_card(&card, &text, ctx.clock.now().timestamp_millis())?;
        outln!(
            "Edited {0}; your text is kept over py201's, also when its decks are updated (`py201 edit --revert {0}` goes back). Its schedule and history are kept.",
            card.uid
        )?;
    } else {
        col.edit_card(card.id, &edited, ctx.clock.now().timestamp_millis())?;
        outln!("Edited {}; its schedule and history are kept.", card.uid)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// What is wrong with the edited card, shown at the top of the template.
/// A card stays in its deck; a built-in card also keeps its kind (its
/// deck-file entry, a cloze or a check, stays py201's); a learner's own
/// card follows the rules of `py201 add`.
fn valid(edited: &NewCard, card: &Card, builtin: bool) -> std::result::Result<(), String> {
    if !edited.deck.trim().eq_ignore_ascii_case(card.deck.trim()) {
        return Err(format!("a card stays in its deck ({:?})", card.deck));
    }
    if !builtin {
        return edited.check().map_err(|e| e.to_string());
    }
    if edited.kind.is_some_and(|k| k != card.kind) {
        return Err(format!(
            "a built-in card keeps its kind ({:?})",
            card.kind.as_str()
        ));
    }
    if edited.front.trim().is_empty() || edited.back.trim().is_empty() {
        return Err("a card needs a front and a back".into());
    }
    Ok(())
}

fn revert(col: &mut Collection, card: &Card, builtin: bool, now_ms: i64) -> Result<ExitCode> {
    if !builtin {
        bail!(
            "edit --revert: {} is a card of your own; its text is what you last wrote",
            card.uid
        );
    }
    if col.revert_override(card.id, now_ms)? {
        outln!(
            "{} shows py201's text again; its schedule and history are kept.",
            card.uid
        )?;
    } else {
        outln!("{} has no edit of yours; nothing changed.", card.uid)?;
    }
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
