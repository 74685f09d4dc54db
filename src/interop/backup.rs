//! Full backups as JSON: every deck, note, card, setting and review-log row,
//! so a collection can be rebuilt exactly elsewhere.

use crate::collection::{SCHEMA_VERSION, export::Dump};
use crate::error::{Error, Problems, Result, Why};
use serde::{Deserialize, Serialize};

pub const FORMAT: &str = "py201-backup";

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BackupFile {
    format: String,
    /// The collection schema version the rows follow.
    schema: i64,
    created: String,
    data: Dump,
}

pub fn write(dump: Dump, created: String) -> Result<String> {
    let file = BackupFile {
        format: FORMAT.into(),
        schema: SCHEMA_VERSION,
        created,
        data: dump,
    };
    serde_json::to_string_pretty(&file).map_err(|e| Error::Encode(e.into()))
}

pub fn read(file: &str, text: &str) -> Result<Dump> {
    let bad = |line: Option<usize>, why: Why| Error::Import(Problems::one(file, line, why));
    // Look at the header first, so a backup from a newer py201 is named as
    // such rather than reported as unknown fields.
    let head: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        let why = Why::Syntax(format!("not a valid JSON backup: {e}"));
        bad(Some(e.line()), why)
    })?;
    if head.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        let why = format!("not a py201 backup (no \"format\": \"{FORMAT}\")");
        return Err(bad(None, Why::Syntax(why)));
    }
    let schema = head
        .get("schema")
        .and_then(serde_json::Value::as_i64)
        .unwrap_or(0);
    if schema > SCHEMA_VERSION {
        let why = Why::NewerSchema {
            found: schema,
            known: SCHEMA_VERSION,
        };
        return Err(bad(None, why));
    }
    let file_: BackupFile = serde_json::from_value(head)
        .map_err(|e| bad(None, Why::Syntax(format!("not a valid py201 backup: {e}"))))?;
    Ok(file_.data)
}
