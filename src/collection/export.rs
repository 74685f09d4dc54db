//! Reading decks out as their notes were authored, for the deck, CSV/TSV
//! and .apkg exports. The whole collection as rows (backup and restore) is
//! `dump`'s.

use super::Collection;
use crate::decks::NoteSpec;
use crate::error::{Error, Result};
use crate::model::{CardContent, CardKind};
use std::collections::{HashMap, HashSet};

/// A deck with its notes as authored, for the deck and CSV/TSV formats.
#[derive(Debug, Clone)]
pub struct DeckNotes {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub builtin: bool,
    /// (note id, note) in course order; notes whose cards are all retired
    /// are left out. Empty from [`Collection::export_decks`].
    pub notes: Vec<(String, StoredNote)>,
}

/// A note as the collection keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredNote {
    /// Its fields as authored, JSON (the deck format's `NoteSpec`).
    Json(String),
    /// A note that is exactly its one card, kept only as that card.
    Card(CardContent),
}

impl StoredNote {
    /// The note as authored.
    pub fn spec(&self, id: &str) -> Result<NoteSpec> {
        match self {
            StoredNote::Json(fields) => {
                serde_json::from_str(fields).map_err(|why| Error::UnreadableNote {
                    note: id.to_string(),
                    why,
                })
            }
            StoredNote::Card(card) => Ok(NoteSpec::of_card(card)),
        }
    }

    /// The JSON a backup holds for the note, whichever way it is kept.
    pub fn json(self) -> String {
        match self {
            StoredNote::Json(fields) => fields,
            StoredNote::Card(card) => {
                serde_json::to_string(&NoteSpec::of_card(&card)).unwrap_or_default()
            }
        }
    }
}

/// Counts the cards whose note is missing: a card is its own note (no row)
/// only when its note id is its uid and it is not a cloze card; any other
/// needs the note's row. Schema 6 dropped the foreign key that checked
/// this, so restoring a backup and `py201 doctor` ask it.
pub(crate) const CARDS_WITHOUT_NOTE: &str = "SELECT count(*) FROM cards c
     WHERE (c.note_id <> c.uid OR c.kind = 'cloze')
       AND NOT EXISTS (SELECT 1 FROM notes n WHERE n.id = c.note_id)";

/// A card's tags as stored (joined with single spaces; a tag never holds a
/// space, deck files turn them into '_'), split back exactly.
pub(crate) fn split_tags(tags: &str) -> Vec<String> {
    tags.split(' ')
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// The columns of a card kept as its note (a note that is exactly its card
/// has no row of its own, schema 6), in the order [`card_at`] reads them.
/// Every statement reading such a card ends its column list with these.
pub(crate) const NOTE_CARD_COLUMNS: &str = "c.kind, c.front, c.back, c.code, c.tags, c.source";

/// The note `id` whose `fields` were read from a row that holds
/// [`NOTE_CARD_COLUMNS`] of its card from position `at` (a LEFT JOIN: all
/// NULL when the note has a row of its own).
pub(crate) fn stored_note(
    r: &rusqlite::Row,
    id: String,
    fields: String,
    at: usize,
) -> Result<StoredNote> {
    if !fields.is_empty() {
        return Ok(StoredNote::Json(fields));
    }
    if r.get::<_, Option<String>>(at)?.is_none() {
        return Err(Error::Damaged(format!(
            "note {id}: kept as its card, which is missing; run `py201 doctor`"
        )));
    }
    Ok(StoredNote::Card(card_at(r, id, at)?))
}

/// The card `uid`, the note of the same id, from [`NOTE_CARD_COLUMNS`] at
/// `at` in a row. By position: every exported note kept as its card is read
/// here, a million for a million-card export.
pub(crate) fn card_at(r: &rusqlite::Row, uid: String, at: usize) -> Result<CardContent> {
    let kind: String = r.get(at)?;
    let tags: String = r.get(at + 4)?;
    Ok(CardContent {
        note: uid.clone(),
        uid,
        // The CHECK constraint on `kind` makes the fallback unreachable.
        kind: CardKind::parse(&kind).unwrap_or(CardKind::Basic),
        front: r.get(at + 1)?,
        back: r.get(at + 2)?,
        code: r.get(at + 3)?,
        tags: split_tags(&tags),
        source: r.get(at + 5)?,
    })
}

/// A deck's live card as [`Collection::each_note`] reads it: by position,
/// as every card of an export comes through here.
struct LiveCard<'r>(&'r rusqlite::Row<'r>);

impl LiveCard<'_> {
    /// The columns before [`NOTE_CARD_COLUMNS`], in the order the methods
    /// below read them.
    const COLUMNS: &'static str = "c.note_id, c.uid";
    /// Where [`NOTE_CARD_COLUMNS`] start.
    const CARD_AT: usize = 2;

    fn note_id(&self) -> rusqlite::Result<String> {
        self.0.get(0)
    }

    fn uid(&self) -> rusqlite::Result<String> {
        self.0.get(1)
    }

    fn is_cloze(&self) -> rusqlite::Result<bool> {
        let kind: String = self.0.get(Self::CARD_AT)?;
        Ok(kind == CardKind::Cloze.as_str())
    }

    /// The card as the note `uid` it is kept as.
    fn note(&self, uid: String) -> Result<StoredNote> {
        Ok(StoredNote::Card(card_at(self.0, uid, Self::CARD_AT)?))
    }
}

/// A note kept as JSON, where it comes in course order.
struct JsonNote {
    deck: usize,
    position: i64,
    id: String,
    fields: String,
}

impl Collection {
    /// The decks (every one, or `deck`) in course order, without their
    /// notes: [`Collection::each_note`] reads those.
    pub fn export_decks(&self, deck: Option<i64>) -> Result<Vec<DeckNotes>> {
        let mut decks = self.conn.prepare_cached(
            "SELECT id, name, description, builtin FROM decks WHERE ?1 IS NULL OR id = ?1 ORDER BY position",
        )?;
        let rows = decks.query_map([deck], |r| {
            Ok(DeckNotes {
                id: r.get("id")?,
                name: r.get("name")?,
                description: r.get("description")?,
                builtin: r.get("builtin")?,
                notes: Vec::new(),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many notes of the decks (every one, or `deck`) have a live card:
    /// what an export writes, for a progress bar.
    pub fn live_notes(&self, deck: Option<i64>) -> Result<u64> {
        let n: i64 = self
            .conn
            .prepare_cached(
                "SELECT count(DISTINCT note_id) AS notes FROM cards
                 WHERE retired = 0 AND (?1 IS NULL OR deck_id = ?1)",
            )?
            .query_row([deck], |r| r.get("notes"))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Gives `each` the notes of `decks` (from [`Collection::export_decks`])
    /// that have a live card, deck by deck in course order, as they are
    /// read.
    ///
    /// Each deck's live cards are read in order through the (deck,
    /// retired, position) index, each note coming with its first card: a note kept
    /// as its card is read from that very row. The notes kept as JSON are
    /// read first, in one pass over their table, and put in course order,
    /// which is the order of their first live cards, so the two are merged
    /// without looking a note up by its text id (a lookup per card, in
    /// SQLite or in a hash map, made a 100,000-note export half again as
    /// slow).
    pub fn each_note(
        &self,
        decks: &[DeckNotes],
        each: &mut dyn FnMut(&DeckNotes, String, StoredNote) -> Result<()>,
    ) -> Result<()> {
        let mut json = self.json_notes(decks)?.into_iter().peekable();
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {}, {NOTE_CARD_COLUMNS} FROM cards c
             WHERE c.deck_id = ?1 AND c.retired = 0 ORDER BY c.position",
            LiveCard::COLUMNS
        ))?;
        // Cloze notes already given (only a cloze note has several cards).
        let mut given: HashSet<String> = HashSet::new();
        for (i, d) in decks.iter().enumerate() {
            let mut rows = st.query([d.id])?;
            while let Some(r) = rows.next()? {
                let card = LiveCard(r);
                let note_id = card.note_id()?;
                let cloze = card.is_cloze()?;
                if json.peek().is_some_and(|n| n.deck == i && n.id == note_id) {
                    if let Some(n) = json.next() {
                        if cloze {
                            given.insert(note_id.clone());
                        }
                        each(d, note_id, StoredNote::Json(n.fields))?;
                    }
                } else if !(cloze && given.contains(&note_id)) {
                    let note = own_card_note(&card, &note_id, cloze)?;
                    each(d, note_id, note)?;
                }
            }
        }
        // Every JSON note with a live card came up with it; one that did not
        // would be missing from the export.
        if let Some(n) = json.next() {
            return Err(Error::Damaged(format!(
                "note {}: out of course order with its cards; run `py201 doctor`",
                n.id
            )));
        }
        Ok(())
    }

    /// The notes of `decks` kept as JSON that have a live card, in course
    /// order, read in one pass over their table.
    fn json_notes(&self, decks: &[DeckNotes]) -> Result<Vec<JsonNote>> {
        let only = match decks {
            [d] => Some(d.id),
            _ => None,
        };
        let slot: HashMap<i64, usize> = decks.iter().enumerate().map(|(i, d)| (d.id, i)).collect();
        let dead = self.dead_notes()?;
        let mut json: Vec<JsonNote> = Vec::new();
        let mut st = self.conn.prepare_cached(
            "SELECT deck_id, position, id, fields FROM notes NOT INDEXED
             WHERE fields <> '' AND (?1 IS NULL OR deck_id = ?1)",
        )?;
        let mut rows = st.query([only])?;
        while let Some(r) = rows.next()? {
            let Some(&deck) = slot.get(&r.get::<_, i64>("deck_id")?) else {
                continue;
            };
            let id: String = r.get("id")?;
            if !dead.contains(&id) {
                json.push(JsonNote {
                    deck,
                    position: r.get("position")?,
                    id,
                    fields: r.get("fields")?,
                });
            }
        }
        json.sort_unstable_by_key(|n| (n.deck, n.position));
        Ok(json)
    }

    /// Notes whose cards are all retired (few: removed from their deck
    /// file). `deck_id IN decks` lets the (deck, retired, ...) index find the
    /// retired cards; asked for `retired = 1` alone, SQLite read every
    /// card's row (a tenth of a 100,000-card export's time). A note's
    /// cards are those of a cloze note (note id not their uid, in the
    /// cards_note index) and the card whose uid is the note id.
    fn dead_notes(&self) -> Result<HashSet<String>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT DISTINCT note_id FROM cards r
                 WHERE r.deck_id IN (SELECT id FROM decks) AND r.retired = 1
                   AND NOT EXISTS (SELECT 1 FROM cards c
                                   WHERE c.note_id = r.note_id AND c.note_id <> c.uid AND c.retired = 0)
                   AND NOT EXISTS (SELECT 1 FROM cards c
                                   WHERE c.uid = r.note_id AND c.note_id = c.uid AND c.retired = 0)",
            )?
            .query_map([], |r| r.get("note_id"))?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// The decks (every one, or `deck`) with their notes, for deck files.
    pub fn deck_notes(&self, deck: Option<i64>) -> Result<Vec<DeckNotes>> {
        let mut decks = self.export_decks(deck)?;
        let mut notes: Vec<Vec<(String, StoredNote)>> = vec![Vec::new(); decks.len()];
        let index: HashMap<i64, usize> = decks.iter().enumerate().map(|(i, d)| (d.id, i)).collect();
        self.each_note(&decks, &mut |d, id, n| {
            if let Some(v) = index.get(&d.id).and_then(|&i| notes.get_mut(i)) {
                v.push((id, n));
            }
            Ok(())
        })?;
        for (d, n) in decks.iter_mut().zip(notes) {
            d.notes = n;
        }
        Ok(decks)
    }
}

/// The note of a live card that has no JSON note before it: the card
/// itself, which must then be its own note.
fn own_card_note(card: &LiveCard, note_id: &str, cloze: bool) -> Result<StoredNote> {
    let uid = card.uid()?;
    if uid != note_id || cloze {
        return Err(Error::Damaged(format!(
            "note {note_id} (of card {uid}): its text is missing or out of course order; run `py201 doctor`"
        )));
    }
    card.note(uid)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every card of an export is read where its column list puts each column.
    #[test]
    fn live_cards_are_read_where_their_columns_are() {
        let col = Collection::in_memory().unwrap();
        let sql = format!(
            "SELECT {}, {NOTE_CARD_COLUMNS} FROM cards c",
            LiveCard::COLUMNS
        );
        let st = col.conn.prepare(&sql).unwrap();
        let live: Vec<String> = st.column_names().map(str::to_string).collect();
        assert_eq!(live[..LiveCard::CARD_AT], ["note_id", "uid"]);
        assert_eq!(
            live[LiveCard::CARD_AT..],
            ["kind", "front", "back", "code", "tags", "source"]
        );
    }
}
