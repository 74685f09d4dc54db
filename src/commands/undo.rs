//! `py201 undo`: reverses the last answer or card action, whichever came
//! last, from any session, and says what it reversed.

use super::{Ctx, counted, outln};
use crate::collection::actions::Undone;
use anyhow::Result;
use chrono::{Local, TimeZone};
use std::process::ExitCode;

pub fn run(ctx: &Ctx) -> Result<ExitCode> {
    let mut col = ctx.open()?;
    match col.undo()? {
        Undone::Nothing => outln!("Nothing to undo.")?,
        Undone::TooLarge { query } => outln!(
            "`py201 delete {query}` removed too much to undo here; nothing was changed. The backup made before it brings the cards back: `py201 backups`, then `py201 restore NAME`."
        )?,
        Undone::Action {
            action,
            query,
            cards,
        } => outln!(
            "Undid `py201 {} {query}`: {} as before.",
            action.verb(),
            counted(cards, "card")
        )?,
        Undone::Answer {
            uid,
            grade,
            time_ms,
        } => {
            let when = Local
                .timestamp_millis_opt(time_ms)
                .single()
                .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_default();
            outln!(
                "{}",
                crate::table::wrap(&format!(
                    "Undid the answer {grade} to {uid} ({when}): the card is as it was before it."
                ))
            )?
        }
    }
    Ok(ExitCode::SUCCESS)
}
