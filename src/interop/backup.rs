//! Full backups as JSON: every deck, note, card, setting and review-log row,
//! so a collection can be rebuilt exactly elsewhere.

use crate::collection::{SCHEMA_VERSION, export::Dump};
use crate::decks::Problem;
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

pub fn write(dump: Dump, created: String) -> Result<String, String> {
    let file = BackupFile {
        format: FORMAT.into(),
        schema: SCHEMA_VERSION,
        created,
        data: dump,
    };
    serde_json::to_string_pretty(&file).map_err(|e| e.to_string())
}

pub fn read(file: &str, text: &str) -> Result<Dump, Vec<Problem>> {
    let bad = |line: Option<usize>, m: String| {
        vec![Problem {
            file: file.into(),
            line,
            message: m,
        }]
    };
    // Look at the header first, so a backup from a newer py201 is named as
    // such rather than reported as unknown fields.
    let head: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| bad(Some(e.line()), format!("not a valid JSON backup: {e}")))?;
    if head.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(bad(
            None,
            format!("not a py201 backup (no \"format\": \"{FORMAT}\")"),
        ));
    }
    let schema = head
        .get("schema")
        .and_then(serde_json::Value::as_i64)
        .unwrap_or(0);
    if schema > SCHEMA_VERSION {
        return Err(bad(
            None,
            format!(
                "made by a newer py201 (schema version {schema}; this py201 knows up to {SCHEMA_VERSION}); upgrade py201"
            ),
        ));
    }
    let file_: BackupFile = serde_json::from_value(head)
        .map_err(|e| bad(None, format!("not a valid py201 backup: {e}")))?;
    Ok(file_.data)
}
