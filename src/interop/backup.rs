//! Full backups as JSON: every deck, note, card, setting and review-log row,
//! so a collection can be rebuilt exactly elsewhere. The file's serde types
//! are this module's own; the collection gives and takes its rows as
//! [`Dump`], moved field by field into them and out (no copy of any text).

use crate::collection::SCHEMA_VERSION;
use crate::collection::dump::{CardRow, DeckRow, Dump, NoteRow, RevlogRow};
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
    data: Data,
}

/// A backup's `data`: every row of every table, field names as the
/// columns of schema.sql. The file's own types, apart from the
/// collection's rows ([`Dump`]), so the file format changes only here.
#[derive(Serialize, Deserialize)]
struct Data {
    config: Vec<(String, String)>,
    decks: Vec<Deck>,
    notes: Vec<Note>,
    cards: Vec<Card>,
    revlog: Vec<Review>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Deck {
    id: i64,
    name: String,
    description: String,
    position: i64,
    builtin: bool,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Note {
    id: String,
    deck_id: i64,
    position: i64,
    fields: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Card {
    id: i64,
    uid: String,
    note_id: String,
    deck_id: i64,
    position: i64,
    kind: String,
    front: String,
    back: String,
    code: Option<String>,
    tags: String,
    source: String,
    reps: i64,
    interval: i64,
    ease: i64,
    due: Option<i64>,
    lapses: i64,
    repeat_on: Option<i64>,
    suspended: bool,
    buried_until: Option<i64>,
    retired: bool,
    /// FSRS memory state and learning step (schema 2); left out when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    stability: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    difficulty: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    step: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    step_due_ms: Option<i64>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Review {
    id: i64,
    card_id: i64,
    time_ms: i64,
    day: i64,
    grade: i64,
    is_repeat: bool,
    taken_ms: i64,
    reps_before: i64,
    reps_after: i64,
    interval_before: i64,
    interval_after: i64,
    ease_before: i64,
    ease_after: i64,
    due_before: Option<i64>,
    due_after: Option<i64>,
    lapses_before: i64,
    lapses_after: i64,
    repeat_on_before: Option<i64>,
    repeat_on_after: Option<i64>,
    /// FSRS state before and after (schema 2); left out when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    stability_before: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    stability_after: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    difficulty_before: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    difficulty_after: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    step_before: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    step_after: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    step_due_ms_before: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    step_due_ms_after: Option<i64>,
}

/// Moves each field of a table row into the file's row of the same name,
/// and back: the two types differ only in their serde attributes.
macro_rules! same_fields {
    ($row:ty, $file:ty, [$($field:ident),* $(,)?]) => {
        impl From<$row> for $file {
            fn from(r: $row) -> Self {
                Self { $($field: r.$field),* }
            }
        }
        impl From<$file> for $row {
            fn from(r: $file) -> Self {
                Self { $($field: r.$field),* }
            }
        }
    };
}

same_fields!(DeckRow, Deck, [id, name, description, position, builtin]);
same_fields!(NoteRow, Note, [id, deck_id, position, fields]);
same_fields!(
    CardRow,
    Card,
    [
        id,
        uid,
        note_id,
        deck_id,
        position,
        kind,
        front,
        back,
        code,
        tags,
        source,
        reps,
        interval,
        ease,
        due,
        lapses,
        repeat_on,
        suspended,
        buried_until,
        retired,
        stability,
        difficulty,
        step,
        step_due_ms
    ]
);
same_fields!(
    RevlogRow,
    Review,
    [
        id,
        card_id,
        time_ms,
        day,
        grade,
        is_repeat,
        taken_ms,
        reps_before,
        reps_after,
        interval_before,
        interval_after,
        ease_before,
        ease_after,
        due_before,
        due_after,
        lapses_before,
        lapses_after,
        repeat_on_before,
        repeat_on_after,
        stability_before,
        stability_after,
        difficulty_before,
        difficulty_after,
        step_before,
        step_after,
        step_due_ms_before,
        step_due_ms_after
    ]
);

fn moved<A, B: From<A>>(rows: Vec<A>) -> Vec<B> {
    rows.into_iter().map(B::from).collect()
}

impl From<Dump> for Data {
    fn from(d: Dump) -> Self {
        Data {
            config: d.config,
            decks: moved(d.decks),
            notes: moved(d.notes),
            cards: moved(d.cards),
            revlog: moved(d.revlog),
        }
    }
}

impl From<Data> for Dump {
    fn from(d: Data) -> Self {
        Dump {
            config: d.config,
            decks: moved(d.decks),
            notes: moved(d.notes),
            cards: moved(d.cards),
            revlog: moved(d.revlog),
        }
    }
}

pub fn write(dump: Dump, created: String) -> Result<String> {
    let file = BackupFile {
        format: FORMAT.into(),
        schema: SCHEMA_VERSION,
        created,
        data: dump.into(),
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
    Ok(file_.data.into())
}
