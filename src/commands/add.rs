//! `py201 add`: a card of your own, from flags (`--deck --front --back`) or,
//! when they are missing, written in `$VISUAL`/`$EDITOR` on a TOML template.

use super::{Ctx, outln};
use crate::cli::AddArgs;
use crate::collection::add::NewCard;
use crate::model::CardKind;
use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::path::Path;
use std::process::ExitCode;

/// The deck a card goes to when none is named.
const DEFAULT_DECK: &str = "My cards";

/// The card as the template writes it. Kept apart from [`NewCard`]: this
/// is a file format.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Form {
    deck: String,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    id: Option<String>,
    front: String,
    back: String,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
}

pub fn run(ctx: &Ctx, args: AddArgs) -> Result<ExitCode> {
    let card = match (&args.front, &args.back) {
        (Some(front), Some(back)) => NewCard {
            deck: args.deck.clone().unwrap_or_else(|| DEFAULT_DECK.into()),
            kind: args.kind.as_deref().and_then(CardKind::parse),
            front: front.clone(),
            back: back.clone(),
            code: args.code.clone(),
            tags: args.tags.clone(),
            source: String::new(),
            id: args.id.clone(),
        },
        _ => match in_editor("add", template(&args), &|c| {
            c.check().map_err(|e| e.to_string())
        })? {
            Some(card) => card,
            None => {
                outln!("Nothing added.")?;
                return Ok(ExitCode::SUCCESS);
            }
        },
    };
    card.check()?;
    let mut col = ctx.open()?;
    let uid = col.add_card(&card, ctx.clock.now().timestamp_millis())?;
    if args.json {
        // The deck as stored: a name given in other case finds the same deck.
        let deck = col.card_by_uid(&uid)?.map(|c| c.deck);
        let v = serde_json::json!({"id": uid, "deck": deck});
        outln!("{}", serde_json::to_string_pretty(&v)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    outln!(
        "Added {uid} to {:?}; `py201 show {uid}` shows it.",
        card.deck.trim()
    )?;
    Ok(ExitCode::SUCCESS)
}

/// A TOML string literal of `v` (basic string, escaped as TOML needs).
pub(super) fn quoted(v: &str) -> String {
    toml::Value::String(v.to_string()).to_string()
}

fn template(args: &AddArgs) -> String {
    let q = |v: &Option<String>| quoted(v.as_deref().unwrap_or_default());
    format!(
        "# A card of your own: fill it in, save and quit. Leave the front empty to add nothing.\n\
         deck = {}\n\
         kind = {}                # basic, or typed (you type the answer; code allowed)\n\
         front = {}\n\
         back = {}\n\
         # code = '''\n\
         # print(1 + 1)\n\
         # '''\n\
         tags = []\n",
        q(&Some(
            args.deck.clone().unwrap_or_else(|| DEFAULT_DECK.into())
        )),
        q(&Some(args.kind.clone().unwrap_or_else(|| "basic".into()))),
        q(&args.front),
        q(&args.back),
    )
}

/// Opens the editor on `text` until the card reads, the learner empties
/// the front, or an edit changes nothing (then the last error is the
/// answer). `py201 edit` shares it.
pub(super) fn in_editor(
    cmd: &str,
    text: String,
    check: &dyn Fn(&NewCard) -> std::result::Result<(), String>,
) -> Result<Option<NewCard>> {
    let editor = std::env::var("VISUAL")
        .ok()
        .or_else(|| std::env::var("EDITOR").ok())
        .filter(|e| !e.trim().is_empty())
        .with_context(|| {
            format!("{cmd}: set VISUAL or EDITOR to write the card in an editor (add also takes --front and --back)")
        })?;
    let nothing = if cmd == "add" {
        "nothing added"
    } else {
        "nothing changed"
    };
    let file = tempfile::Builder::new()
        .prefix("py201-card-")
        .suffix(".toml")
        .tempfile()?;
    let mut text = text;
    // The card as last written, without the error lines py201 adds: an
    // edit that leaves it as it was gives up rather than asking forever.
    let mut last = text.clone();
    loop {
        std::fs::write(file.path(), &text)?;
        run_editor(&editor, file.path()).map_err(|e| anyhow::anyhow!("{cmd}: {e:#}; {nothing}"))?;
        let edited = std::fs::read_to_string(file.path())?;
        let body: String = edited
            .lines()
            .filter(|l| !l.starts_with("# error: "))
            .map(|l| format!("{l}\n"))
            .collect();
        match read(&edited).and_then(|c| match c {
            Some(card) => check(&card).map(|()| Some(card)),
            None => Ok(None),
        }) {
            Ok(card) => return Ok(card),
            Err(why) if body == last => bail!("{cmd}: {why}; {nothing}"),
            // Shown again, with what is wrong at the top.
            Err(why) => {
                text = format!("# error: {}\n{body}", why.replace('\n', " "));
                last = body;
            }
        }
    }
}

fn run_editor(editor: &str, path: &Path) -> Result<()> {
    // Through the shell, as git runs it: EDITOR may carry arguments ("code -w").
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("py201")
        .arg(path)
        .status()
        .with_context(|| format!("cannot run the editor {editor:?}"))?;
    if !status.success() {
        bail!("the editor {editor:?} exited with {status}");
    }
    Ok(())
}

/// The edited template as a card; `None` when the front was left empty.
fn read(text: &str) -> std::result::Result<Option<NewCard>, String> {
    let form: Form = toml::from_str(text).map_err(|e| e.message().to_string())?;
    if form.front.trim().is_empty() {
        return Ok(None);
    }
    let kind = match form.kind.as_deref() {
        None => None,
        Some(k) => {
            Some(CardKind::parse(k).ok_or_else(|| format!("kind {k:?} is not basic or typed"))?)
        }
    };
    let card = NewCard {
        deck: form.deck,
        kind,
        front: form.front,
        back: form.back,
        code: form.code,
        tags: form.tags,
        source: String::new(),
        id: form.id,
    };
    Ok(Some(card))
}
