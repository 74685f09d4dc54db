//! The inserting side of an export's Anki collection. The
//! [`Builder`](super::Builder) turns py201's rows into Anki's (HTML, note
//! ids, checksums) on the thread reading the collection and sends them
//! here, to a thread of its own that owns the scratch file: converting and
//! inserting, one after the other, were each about half of a
//! 1,000,000-card export.

use super::{checksum, strip_html};
use crate::error::Result;
use rusqlite::{Connection, params, params_from_iter};
use std::sync::mpsc::Receiver;

/// One row of the Anki collection, its values in column order.
pub(super) enum Row {
    /// The `col` row: creation time (s), modification time (ms), and the
    /// collection's configuration, note types, decks and deck options as
    /// JSON.
    Col {
        crt: i64,
        modified_ms: i64,
        json: [String; 4],
    },
    /// A `notes` row: id and note type, guid, modification time, tags and
    /// the two fields (the sort field and checksum are made from the first
    /// here, which takes a fifth of the converting off the reading thread).
    Note {
        ids: [i64; 2],
        guid: String,
        modified: i64,
        tags: String,
        fields: [String; 2],
    },
    /// A `cards` row's values before the constants.
    Card([i64; 12]),
    /// A `revlog` row's values.
    Review([i64; 8]),
}

/// How many rows go to the writer at a time.
pub(super) const BATCH: usize = 512;

/// Inserts the rows received, until the sender is gone.
pub(super) fn insert(conn: &Connection, rows: Receiver<Vec<Row>>) -> Result<()> {
    let mut col =
        conn.prepare("INSERT INTO col VALUES (1, ?1, ?2, ?2, 11, 0, 0, 0, ?3, ?4, ?5, ?6, '{}')")?;
    let mut note =
        conn.prepare("INSERT INTO notes VALUES (?1, ?2, ?3, ?4, -1, ?5, ?6, ?7, ?8, 0, '')")?;
    let mut card = conn.prepare(
        "INSERT INTO cards VALUES (?1, ?2, ?3, ?4, ?5, -1, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 0, 0, 0, 0, '')",
    )?;
    let mut review =
        conn.prepare("INSERT INTO revlog VALUES (?1, ?2, -1, ?3, ?4, ?5, ?6, ?7, ?8)")?;
    for batch in rows {
        for row in batch {
            match row {
                Row::Col {
                    crt,
                    modified_ms,
                    json: [conf, models, decks, dconf],
                } => col.execute(params![crt, modified_ms, conf, models, decks, dconf])?,
                Row::Note {
                    ids: [id, mid],
                    guid,
                    modified,
                    tags,
                    fields: [first, second],
                } => {
                    let sort = strip_html(&first);
                    let csum = checksum(&sort);
                    let flds = [first, second].join("\x1f");
                    note.execute(params![id, guid, mid, modified, tags, flds, sort, csum])?
                }
                Row::Card(values) => card.execute(params_from_iter(values))?,
                Row::Review(values) => review.execute(params_from_iter(values))?,
            };
        }
    }
    Ok(())
}
