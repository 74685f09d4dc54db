//! `py201 undo`: reverses the last answer or card action, whichever came
//! last, from any session, and says what it reversed.

use super::{Ctx, counted, outln};
use crate::cli::UndoArgs;
use crate::collection::actions::Undone;
use anyhow::Result;
use chrono::{Local, TimeZone};
use std::process::ExitCode;

pub fn run(ctx: &Ctx, args: UndoArgs) -> Result<ExitCode> {
    let mut col = ctx.open()?;
    let undone = col.undo()?;
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&json(&undone))?)?;
    } else {
        outln!("{}", text(&undone))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn text(undone: &Undone) -> String {
    match undone {
        Undone::Nothing => "Nothing to undo.".into(),
        Undone::TooLarge { query } => format!(
            "`py201 delete {query}` removed too much to undo here; nothing was changed. The backup made before it brings the cards back: `py201 backups`, then `py201 restore NAME`."
        ),
        Undone::Action {
            action,
            query,
            cards,
        } => format!(
            "Undid `py201 {} {query}`: {} as before.",
            action.verb(),
            counted(*cards, "card")
        ),
        Undone::Answer {
            uid,
            grade,
            time_ms,
        } => crate::table::wrap(&format!(
            "Undid the answer {grade} to {uid} ({}): the card is as it was before it.",
            local(*time_ms, false)
        )),
    }
}

/// `--json`: what was undone (keys in docs/json.md).
fn json(undone: &Undone) -> serde_json::Value {
    use serde_json::json;
    match undone {
        Undone::Nothing => json!({"undone": "nothing"}),
        Undone::TooLarge { query } => json!({
            "undone": "nothing", "too_large": format!("delete {query}"),
        }),
        Undone::Action {
            action,
            query,
            cards,
        } => json!({
            "undone": "action", "action": action.verb(), "query": query, "cards": cards,
        }),
        Undone::Answer {
            uid,
            grade,
            time_ms,
        } => json!({
            "undone": "answer", "card": uid, "grade": grade, "time": local(*time_ms, true),
        }),
    }
}

/// A log time in local time: `YYYY-MM-DD HH:MM`, or RFC 3339 for programs.
fn local(ms: i64, rfc3339: bool) -> String {
    Local
        .timestamp_millis_opt(ms)
        .single()
        .map(|t| {
            if rfc3339 {
                t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            } else {
                t.format("%Y-%m-%d %H:%M").to_string()
            }
        })
        .unwrap_or_default()
}
