//! Full backups as JSON: every deck, note, card, setting and review-log row,
//! so a collection can be rebuilt exactly elsewhere. The file's serde types
//! are this module's own; the collection gives and takes its rows as
//! [`DumpRow`]s, moved field by field into them and out (no copy of any
//! text). Both ways stream: [`Writer`] writes each row as the collection
//! reads it, and [`read`] (its own module) gives each row as it is
//! parsed; neither ever holds the collection.

use crate::collection::SCHEMA_VERSION;
#[cfg(test)]
use crate::collection::dump::Dump;
use crate::collection::dump::{CardRow, DeckRow, DumpRow, NoteRow, RevlogRow};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::io::Write;

mod read;
pub use read::{Checked, Counts, check, read};

pub const FORMAT: &str = "py201-backup";

/// The whole file, as the reference the streaming [`Writer`] is tested
/// against; reading it is [`read`]'s, a row at a time.
#[cfg(test)]
#[derive(Serialize)]
struct BackupFile {
    format: String,
    /// The collection schema version the rows follow.
    schema: i64,
    created: String,
    data: Data,
}

/// A backup's `data`: every row of every table, field names as the
/// columns of schema.sql. The file's own types, apart from the
/// collection's rows (`Dump`), so the file format changes only here.
/// Whole, only as the tests' reference (see [`BackupFile`]).
#[cfg(test)]
#[derive(Serialize)]
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

#[cfg(test)]
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

/// Writes a backup as its rows are given, never holding the collection:
/// the same text as `serde_json::to_string_pretty` of the whole
/// [`BackupFile`] (each row is pretty-printed alone and indented to its
/// depth, which is exact because strings escape their line breaks).
pub struct Writer<W: Write> {
    out: W,
    /// The table whose array is open, and whether it has a row yet.
    table: &'static str,
    rows: bool,
}

/// The array tables of a backup's `data`, in the file's order.
const TABLES: [&str; 3] = ["notes", "cards", "revlog"];

/// A row's indentation: inside the file's object, `data`, and its array.
const ROW_INDENT: &str = "      ";

impl<W: Write> Writer<W> {
    /// Starts the file: its header, the settings and the decks.
    pub fn start(
        mut out: W,
        created: &str,
        config: Vec<(String, String)>,
        decks: Vec<DeckRow>,
    ) -> Result<Self> {
        let head = |v: &dyn erased::Json| v.pretty();
        write!(
            out,
            "{{\n  \"format\": {},\n  \"schema\": {SCHEMA_VERSION},\n  \"created\": {},\n  \"data\": {{\n    \"config\": {},\n    \"decks\": {}",
            head(&FORMAT)?,
            head(&created)?,
            indented(&head(&config)?, "    "),
            indented(&head(&moved::<_, Deck>(decks))?, "    "),
        )?;
        Ok(Writer {
            out,
            table: "",
            rows: false,
        })
    }

    /// Adds a row; rows come table by table, in [`TABLES`] order.
    pub fn row(&mut self, row: DumpRow) -> Result<()> {
        let (table, text) = match row {
            DumpRow::Note(n) => ("notes", Note::from(n).pretty()?),
            DumpRow::Card(c) => ("cards", Card::from(c).pretty()?),
            DumpRow::Review(r) => ("revlog", Review::from(r).pretty()?),
            DumpRow::Head(..) => {
                return Err(Error::Encode("a backup's head comes once, first".into()));
            }
        };
        self.open(table)?;
        let sep = if self.rows { "," } else { "" };
        write!(
            self.out,
            "{sep}\n{ROW_INDENT}{}",
            indented(&text, ROW_INDENT)
        )?;
        self.rows = true;
        Ok(())
    }

    /// Closes the open table's array and opens the arrays up to `table`
    /// (empty ones are `[]`, as serde writes them).
    fn open(&mut self, table: &'static str) -> Result<()> {
        while self.table != table {
            self.close()?;
            let next = TABLES
                .iter()
                .position(|t| *t == self.table)
                .map_or(0, |i| i + 1);
            let Some(&name) = TABLES.get(next) else {
                return Err(Error::Encode("backup rows out of order".into()));
            };
            write!(self.out, ",\n    \"{name}\": [")?;
            (self.table, self.rows) = (name, false);
        }
        Ok(())
    }

    /// Ends the open array: `]` on its own line after rows, else `[]`.
    fn close(&mut self) -> Result<()> {
        if self.table.is_empty() {
            return Ok(());
        }
        if self.rows {
            write!(self.out, "\n    ]")?;
        } else {
            write!(self.out, "]")?;
        }
        Ok(())
    }

    /// Ends the file (every table, even one without rows, is written).
    pub fn finish(mut self) -> Result<W> {
        self.open("revlog")?;
        self.close()?;
        write!(self.out, "\n  }}\n}}")?;
        Ok(self.out)
    }
}

/// `text` with every line after the first indented by `indent`.
fn indented(text: &str, indent: &str) -> String {
    text.replace('\n', &format!("\n{indent}"))
}

/// Pretty-printing any serializable value, behind a trait object so the
/// header's values of different types go through one helper.
mod erased {
    use crate::error::{Error, Result};

    pub trait Json {
        fn pretty(&self) -> Result<String>;
    }

    impl<T: serde::Serialize> Json for T {
        fn pretty(&self) -> Result<String> {
            serde_json::to_string_pretty(self).map_err(|e| Error::Encode(e.into()))
        }
    }
}
use erased::Json as _;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collection::Collection;
    use crate::model::{CardContent, CardKind, DeckContent, NoteContent};

    /// The text a whole-collection serialization gives, the reference the
    /// streaming writer must match byte for byte.
    fn whole(col: &Collection) -> String {
        let file = BackupFile {
            format: FORMAT.into(),
            schema: SCHEMA_VERSION,
            created: "now".into(),
            data: col.dump().unwrap().into(),
        };
        serde_json::to_string_pretty(&file).unwrap()
    }

    fn streamed(col: &Collection) -> String {
        let mut file = None;
        col.dump_each(&mut |row| {
            match (row, file.as_mut()) {
                (DumpRow::Head(config, decks), _) => {
                    file = Some(Writer::start(Vec::new(), "now", config, decks)?)
                }
                (row, Some(f)) => f.row(row)?,
                (_, None) => panic!("rows before the head"),
            }
            Ok(())
        })
        .unwrap();
        String::from_utf8(file.unwrap().finish().unwrap()).unwrap()
    }

    fn card(uid: &str, note: &str, kind: CardKind) -> CardContent {
        CardContent {
            note: note.into(),
            uid: uid.into(),
            kind,
            front: "Q \"quoted\"\nline two".into(),
            back: "A".into(),
            code: Some("print(1)\n".into()),
            tags: vec!["t".into()],
            source: String::new(),
        }
    }

    #[test]
    fn a_streamed_backup_is_the_whole_backup_byte_for_byte() {
        let mut col = Collection::in_memory().unwrap();
        // Empty tables first ("[]"), then notes, cards and a log row.
        assert_eq!(streamed(&col), whole(&col));
        let deck = DeckContent {
            name: "D".into(),
            description: String::new(),
            cards: vec![
                card("a", "a", CardKind::Basic),
                card("b:c1", "b", CardKind::Cloze),
            ],
            notes: vec![
                NoteContent {
                    id: "a".into(),
                    fields: String::new(),
                },
                NoteContent {
                    id: "b".into(),
                    fields: r#"{"text":"{{c1::x}}"}"#.into(),
                },
            ],
        };
        col.sync_decks(&[deck], false).unwrap();
        col.conn
            .execute_batch(
                "INSERT INTO revlog (card_id, time_ms, day, grade, is_repeat, taken_ms, reps_before,
                    reps_after, interval_before, interval_after, ease_before, ease_after,
                    lapses_before, lapses_after)
                 VALUES ((SELECT min(id) FROM cards), 1, 1, 4, 0, 1, 0, 1, 0, 1, 2500, 2500, 0, 0)",
            )
            .unwrap();
        let text = streamed(&col);
        assert!(text.contains("\"revlog\": [\n      {"), "{text}");
        assert_eq!(text, whole(&col));
    }
}
