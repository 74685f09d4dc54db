//! Anki packages (.apkg), export only: a zip holding `collection.anki2`, an
//! Anki collection in the legacy schema 11 (the package format older Anki
//! versions read too; tests/anki.rs imports it with Anki 26.x), and
//! `media`, the map of media files (`{}`: none).
//!
//! The collection is built in a scratch file (one transaction, prepared
//! statements) as py201's rows are read, then zipped; nothing is left behind
//! on failure. The SQL here is Anki's file format, not py201's storage:
//! py201's data comes in through `Collection::package_into`.
//!
//! Mapping (also in the README):
//! * kinds: basic -> "Basic" (Front/Back), typed -> "Basic (type in the
//!   answer)" (Front/Back, `{{type:Back}}`), cloze -> "Cloze" (Text/Back
//!   Extra, deletion N is card ordinal N-1). A note's code follows its
//!   question as a `<pre><code>` block; text is HTML-escaped, newlines `<br>`.
//! * identity: the note guid is the py201 note id (as in the TSV export's guid
//!   column), and the three note types have fixed ids, so importing a newer
//!   export updates the notes already in Anki instead of adding copies.
//! * decks: py201's deck names, unchanged.
//! * progress (only with `--with-progress`): reviewed cards become Anki
//!   review cards (ivl, factor = EF in thousandths, lapses, due date),
//!   suspended and buried cards keep that state, `reps` is the number of
//!   answers (Anki counts every answer; SM-2's n is not an Anki field), and
//!   every answer becomes a revlog row. Without it every card is new.

use crate::clock::Day;
use crate::collection::Collection;
use crate::collection::Config;
use crate::collection::export::StoredNote;
use crate::collection::package::{
    PackageCard, PackageHeader, PackageNote, PackageReview, PackageSink,
};
use crate::decks::NoteSpec;
use crate::error::{Error, Result};
use crate::model::CardKind;
use rusqlite::Connection;
use std::collections::HashMap;
use std::io::{Seek, Write};
use std::path::Path;
use std::sync::mpsc::{SyncSender, sync_channel};
use writer::Row;

mod schema11;
mod writer;
use schema11::{
    DEFAULT_DECK, INDEXES, NOTETYPE_BASIC, NOTETYPE_CLOZE, NOTETYPE_TYPED, SCHEMA, anki_deck_ids,
    col_conf, deck_conf, decks, notetypes,
};

/// Anki's card types and queues (schema 11, v2 scheduler).
const TYPE_NEW: i64 = 0;
const TYPE_REVIEW: i64 = 2;
const QUEUE_SUSPENDED: i64 = -1;
const QUEUE_BURIED: i64 = -3;
/// Anki's revlog types.
const REVLOG_LEARN: i64 = 0;
const REVLOG_REVIEW: i64 = 1;
const REVLOG_RELEARN: i64 = 2;

pub struct Options {
    pub with_progress: bool,
    /// Export time in milliseconds: note and card ids are made from it, as
    /// Anki makes them from the time they are added.
    pub now_ms: i64,
    pub today: Day,
    pub config: Config,
}

/// What went into a package, for the message after writing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub decks: usize,
    pub notes: usize,
    pub cards: usize,
    pub reviews: usize,
}

/// Writes the `.apkg` file of `deck` (or all decks) of `col` to `out`,
/// using a scratch file in `scratch_dir`. `tick(n)` reports `n` more cards
/// written, for a progress bar.
pub fn write<W: Write + Seek>(
    col: &Collection,
    deck: Option<i64>,
    opts: &Options,
    scratch_dir: &Path,
    out: W,
    tick: &mut dyn FnMut(u64),
) -> Result<Summary> {
    // The Anki collection is built in a scratch file beside the package and
    // copied into the zip from there: built in memory and serialized, it was
    // held twice (the database and its copy), 132 MB for 100,000 cards.
    let scratch = tempfile::Builder::new()
        .prefix(".py201-anki-")
        .suffix(".anki2")
        .tempfile_in(scratch_dir)?;
    let summary = build_collection(scratch.path(), col, deck, opts, tick)?;
    let mut collection = std::fs::File::open(scratch.path())?;
    let size = collection.metadata()?.len();
    let mut zip = zip::ZipWriter::new(out);
    // Level 1 rather than the usual 6: for 100,000 cards 0.7 s instead of
    // 0.9 s for the whole export, at the price of a package of 7.7 MB rather
    // than 5.6 MB (the collection itself is 34 MB).
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(size > u64::from(u32::MAX));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("collection.anki2", deflated)
        .map_err(zip_error)?;
    std::io::copy(&mut collection, &mut zip)?;
    zip.start_file("media", stored).map_err(zip_error)?;
    zip.write_all(b"{}")?;
    zip.finish().map_err(zip_error)?.flush()?;
    Ok(summary)
}

fn zip_error(e: zip::result::ZipError) -> Error {
    Error::Io(std::io::Error::other(e))
}

/// One note as Anki stores it.
struct AnkiNote {
    notetype: i64,
    fields: [String; 2],
    tags: String,
}

fn anki_note(id: &str, note: &StoredNote) -> Result<AnkiNote> {
    let n: NoteSpec = note.spec(id)?;
    let kind = CardKind::parse(n.kind.as_deref().unwrap_or("basic")).unwrap_or(CardKind::Basic);
    let trimmed = |v: &Option<String>| v.as_deref().unwrap_or("").trim().to_string();
    let code = n
        .code
        .as_deref()
        .map(str::trim_end)
        .filter(|c| !c.is_empty());
    let (notetype, question) = match kind {
        CardKind::Basic => (NOTETYPE_BASIC, trimmed(&n.front)),
        CardKind::Typed => (NOTETYPE_TYPED, trimmed(&n.front)),
        CardKind::Cloze => (NOTETYPE_CLOZE, trimmed(&n.text)),
    };
    let mut first = html(&question);
    if let Some(code) = code {
        first.push_str(&code_block(code, kind == CardKind::Cloze));
    }
    // As deck files are read (decks::from_notes): spaces inside a tag become '_'.
    let tags: Vec<String> = n
        .tags
        .iter()
        .map(|t| t.trim().replace(' ', "_"))
        .filter(|t| !t.is_empty())
        .collect();
    let mut back = html(&trimmed(&n.back));
    back.push_str(&source_mark(n.source.as_deref().unwrap_or("")));
    Ok(AnkiNote {
        notetype,
        fields: [first, back],
        tags: if tags.is_empty() {
            String::new()
        } else {
            format!(" {} ", tags.join(" "))
        },
    })
}

/// The course section, which Anki's note types have no field for, as an
/// HTML comment after the answer: Anki shows nothing of it and keeps it,
/// and py201 reads it back (`interop::anki::source_of`), so a card that
/// goes to Anki and back keeps its section. `%`, `-` and `>` are
/// %-encoded: a comment cannot hold `--` or end early.
pub fn source_mark(source: &str) -> String {
    let source = source.trim();
    if source.is_empty() {
        return String::new();
    }
    let encoded = source
        .replace('%', "%25")
        .replace('-', "%2D")
        .replace('>', "%3E");
    format!("<!--py201 source: {encoded}-->")
}

/// Text as an Anki field: HTML-escaped, one `<br>` per newline.
fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' => out.push_str("<br>"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Code keeps its newlines and indentation inside `<pre>`. In a cloze note
/// a `{{` in the code would be read by Anki as the start of a deletion, so
/// it is written as an entity there.
fn code_block(code: &str, cloze: bool) -> String {
    let mut escaped = String::with_capacity(code.len() + 32);
    for ch in code.chars() {
        match ch {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '\r' => {}
            c => escaped.push(c),
        }
    }
    if cloze {
        escaped = escaped.replace("{{", "&#123;{");
    }
    format!("<pre><code>{escaped}</code></pre>")
}

/// Anki's sort field: the first field without tags or entities.
fn strip_html(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut rest = field;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        match rest[i..].find('>') {
            Some(j) => rest = &rest[i + j + 1..],
            None => {
                out.push_str(&rest[i..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#123;", "{")
        .replace("&amp;", "&")
}

/// Anki's duplicate check: the first 4 bytes of the SHA-1 of the stripped
/// first field.
fn checksum(sort_field: &str) -> i64 {
    let digest = sha1_smol::Sha1::from(sort_field).digest().bytes();
    i64::from(u32::from_be_bytes([
        digest[0], digest[1], digest[2], digest[3],
    ]))
}

/// A py201 grade as one of Anki's four buttons: 0-2 Again, 3 Hard, 4 Good, 5 Easy.
fn button(grade: u8) -> i64 {
    match grade {
        ..=2 => 1,
        3 => 2,
        4 => 3,
        _ => 4,
    }
}

fn revlog_type(r: &PackageReview) -> i64 {
    if r.first_view {
        REVLOG_LEARN
    } else if r.is_repeat {
        // A same-day repeat after a lapse is Anki's relearning; after the
        // first view, or a pass graded 3, it is learning.
        if r.reps_before == 0 && r.lapses_before > 0 {
            REVLOG_RELEARN
        } else {
            REVLOG_LEARN
        }
    } else {
        REVLOG_REVIEW
    }
}

/// The cloze number of a card (`note:cN`), as Anki's 0-based card ordinal.
fn ordinal(card: &PackageCard) -> Result<i64> {
    if card.kind != CardKind::Cloze {
        return Ok(0);
    }
    card.uid
        .strip_prefix(card.note_id.as_str())
        .and_then(|s| s.strip_prefix(":c"))
        .and_then(|n| n.parse::<u16>().ok())
        .filter(|&n| n >= 1)
        .map(|n| i64::from(n) - 1)
        .ok_or_else(|| {
            Error::Damaged(format!(
                "card {}: not a cloze deletion Anki can number (c1 to c65535)",
                card.uid
            ))
        })
}

/// Writes the Anki collection to `path`, a new scratch file: no journal
/// and no syncing, since a failure discards the whole file anyway.
fn build_collection(
    path: &Path,
    col: &Collection,
    deck: Option<i64>,
    opts: &Options,
    tick: &mut dyn FnMut(u64),
) -> Result<Summary> {
    let conn = Connection::open(path)?;
    // 8 MB of cache: Anki's indexes, made at the end, are sorted in it
    // (with the default 2 MB the sorter spilt to scratch files: a fifth
    // of a 1,000,000-card export went to making them).
    conn.execute_batch(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -8000;",
    )?;
    conn.execute_batch(SCHEMA)?;
    conn.execute_batch("BEGIN")?;
    let (send, rows) = sync_channel(4);
    let mut b = Builder {
        send,
        rows: Vec::with_capacity(writer::BATCH),
        opts,
        tick,
        first_day: opts.today,
        now_s: opts.now_ms.div_euclid(1000),
        deck_ids: HashMap::new(),
        note_base: 0,
        card_base: 0,
        notes_given: 0,
        new_position: 0,
        last_review: i64::MIN,
        summary: Summary {
            decks: 0,
            notes: 0,
            cards: 0,
            reviews: 0,
        },
    };
    let (conn, summary) = std::thread::scope(|s| {
        let inserting = s.spawn(move || {
            let inserted = writer::insert(&conn, rows);
            (conn, inserted)
        });
        let read = col
            .package_into(deck, opts.with_progress, &mut b)
            .and_then(|()| b.flush());
        // The writer ends when the builder (its sender) is gone; its own
        // error is the cause of a failed send.
        let summary = b.summary;
        drop(b);
        let (conn, inserted) = inserting.join().map_err(|_| Error::WriterStopped)?;
        inserted.and(read).map(|()| (conn, summary))
    })?;
    conn.execute_batch("COMMIT")?;
    conn.execute_batch(INDEXES)?;
    conn.close().map_err(|(_, e)| e)?;
    Ok(summary)
}

/// The Anki collection being written, row by row as py201's are read: each
/// row made here and sent to the [`writer`] in batches.
struct Builder<'a> {
    send: SyncSender<Vec<Row>>,
    rows: Vec<Row>,
    opts: &'a Options,
    tick: &'a mut dyn FnMut(u64),
    /// Anki counts review days from the collection's creation day.
    first_day: Day,
    now_s: i64,
    deck_ids: HashMap<i64, i64>,
    /// Anki ids are made from the export time, counting back from it: a
    /// note's from its place, a card's from its py201 id (so an answer's
    /// card is found without a map of every card).
    note_base: i64,
    card_base: i64,
    notes_given: usize,
    new_position: i64,
    last_review: i64,
    summary: Summary,
}

impl Builder<'_> {
    fn push(&mut self, row: Row) -> Result<()> {
        self.rows.push(row);
        if self.rows.len() == writer::BATCH {
            self.flush()?;
        }
        Ok(())
    }

    /// Sends the rows made so far to the writer.
    fn flush(&mut self) -> Result<()> {
        let rows = std::mem::replace(&mut self.rows, Vec::with_capacity(writer::BATCH));
        self.send.send(rows).map_err(|_| Error::WriterStopped)
    }
}

impl PackageSink for Builder<'_> {
    fn start(&mut self, h: &PackageHeader) -> Result<()> {
        // The creation day is put no later than the earliest due date, so
        // every due day is positive.
        self.first_day = h
            .first_due
            .map_or(self.opts.today, |d| d.min(self.opts.today));
        let crt =
            i64::from(self.first_day) * 86_400 + i64::from(self.opts.config.day_starts_at) * 3_600;
        self.push(Row::Col {
            crt,
            modified_ms: self.opts.now_ms,
            json: [
                col_conf(self.opts, h.cards).to_string(),
                notetypes().to_string(),
                decks(&h.decks, self.now_s).to_string(),
                deck_conf(&self.opts.config).to_string(),
            ],
        })?;
        self.deck_ids = anki_deck_ids(&h.decks);
        // A note's place is below the number of cards (each note has one).
        self.note_base = (self.opts.now_ms - h.cards as i64).max(1);
        self.card_base = (self.opts.now_ms - h.max_card_id - 1).max(1);
        self.summary.decks = h.decks.len();
        Ok(())
    }

    fn note(&mut self, n: &PackageNote) -> Result<()> {
        let note = anki_note(&n.id, &n.note)?;
        let nid = self.note_base + self.notes_given as i64;
        self.push(Row::Note {
            ids: [nid, note.notetype],
            guid: n.id.clone(),
            modified: self.now_s,
            tags: note.tags,
            fields: note.fields,
        })?;
        self.notes_given += 1;
        self.summary.notes += 1;
        Ok(())
    }

    fn card(&mut self, c: &PackageCard) -> Result<()> {
        if c.note >= self.notes_given {
            return Err(Error::Damaged(format!(
                "card {}: its note {} is missing",
                c.uid, c.note_id
            )));
        }
        let did = self
            .deck_ids
            .get(&c.deck_id)
            .copied()
            .unwrap_or(DEFAULT_DECK);
        let nid = self.note_base + c.note as i64;
        let cid = self.card_base + c.id;
        let progress = self.opts.with_progress;
        let s = &c.state;
        let (ctype, mut queue, due, ivl, factor) = match s.due.filter(|_| progress) {
            Some(day) => (
                TYPE_REVIEW,
                2,
                i64::from(day - self.first_day),
                i64::from(s.interval.max(1)),
                i64::from(s.ease.0),
            ),
            None => {
                self.new_position += 1;
                (TYPE_NEW, 0, self.new_position, 0, 0)
            }
        };
        if progress && c.suspended {
            queue = QUEUE_SUSPENDED;
        } else if progress && c.buried_until.is_some_and(|d| d > self.opts.today) {
            queue = QUEUE_BURIED;
        }
        let (reps, lapses) = if progress {
            (i64::from(c.answers), i64::from(s.lapses))
        } else {
            (0, 0)
        };
        self.push(Row::Card([
            cid,
            nid,
            did,
            ordinal(c)?,
            self.now_s,
            ctype,
            queue,
            due,
            ivl,
            factor,
            reps,
            lapses,
        ]))?;
        self.summary.cards += 1;
        (self.tick)(1);
        Ok(())
    }

    fn review(&mut self, r: &PackageReview) -> Result<()> {
        let cid = self.card_base + r.card_id;
        // Anki keys the log by answer time in milliseconds and skips an id it
        // already has, so answers given in the same millisecond get the next
        // free one.
        let id = r.time_ms.max(self.last_review.saturating_add(1));
        self.last_review = id;
        self.push(Row::Review([
            id,
            cid,
            button(r.grade),
            i64::from(r.interval_after),
            i64::from(r.interval_before),
            i64::from(r.ease_after),
            r.taken_ms,
            revlog_type(r),
        ]))?;
        self.summary.reviews += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_becomes_escaped_html_and_back() {
        assert_eq!(html("a < b && c\nd"), "a &lt; b &amp;&amp; c<br>d");
        let field = format!(
            "{}{}",
            html("Q?"),
            code_block("if a<b:\n    x = {{1}}", true)
        );
        assert_eq!(
            field,
            "Q?<pre><code>if a&lt;b:\n    x = &#123;{1}}</code></pre>"
        );
        assert_eq!(strip_html(&field), "Q?if a<b:\n    x = {{1}}");
    }

    #[test]
    fn checksum_is_ankis() {
        // sha1("abc") = a9993e36...
        assert_eq!(checksum("abc"), 0xa999_3e36);
    }

    /// The package's structure, without Anki: tests/anki.rs imports it into
    /// the real thing.
    #[test]
    fn a_package_is_a_zipped_schema_11_collection() -> Result<()> {
        let deck = crate::decks::parse(
            "k.toml",
            "[deck]\nname = \"K\"\n[[cards]]\nid = \"k-a\"\nfront = \"1 < 2?\"\nback = \"yes\"\ntags = [\"x\"]\n\
             [[cards]]\nid = \"k-c\"\nkind = \"cloze\"\ntext = \"{{c1::a}} {{c2::b}}\"\n",
        )
        .map_err(Error::Import)?;
        let mut col = crate::collection::Collection::in_memory()?;
        col.sync_decks(&[deck.content], false)?;
        let opts = Options {
            with_progress: true,
            now_ms: 1_767_603_600_000,
            today: 20_458,
            config: Config::default(),
        };
        let dir = tempfile::tempdir()?;
        let mut bytes = std::io::Cursor::new(Vec::new());
        let summary = write(&col, None, &opts, dir.path(), &mut bytes, &mut |_| {})?;
        assert_eq!((summary.notes, summary.cards), (2, 3));
        assert_eq!(
            std::fs::read_dir(dir.path())?.count(),
            0,
            "the scratch collection is removed"
        );
        bytes.set_position(0);
        let mut zip = zip::ZipArchive::new(bytes).map_err(zip_error)?;
        let mut media = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("media").map_err(zip_error)?, &mut media)?;
        assert_eq!(media, "{}");
        let mut file = zip.by_name("collection.anki2").map_err(zip_error)?;
        let mut anki = Connection::open_in_memory()?;
        let size = usize::try_from(file.size()).unwrap();
        anki.deserialize_read_exact("main", &mut file, size, true)?;
        let ver: i64 = anki.query_row("SELECT ver FROM col", [], |r| r.get("ver"))?;
        assert_eq!(ver, 11);
        let notes: Vec<(String, String, String)> = anki
            .prepare("SELECT guid, flds, tags FROM notes ORDER BY id")?
            .query_map([], |r| Ok((r.get("guid")?, r.get("flds")?, r.get("tags")?)))?
            .collect::<rusqlite::Result<_>>()?;
        assert_eq!(
            notes,
            [
                ("k-a".into(), "1 &lt; 2?\x1fyes".into(), " x ".into()),
                (
                    "k-c".into(),
                    "{{c1::a}} {{c2::b}}\x1f".into(),
                    String::new()
                ),
            ]
        );
        let ords: Vec<i64> = anki
            .prepare("SELECT ord FROM cards ORDER BY id")?
            .query_map([], |r| r.get("ord"))?
            .collect::<rusqlite::Result<_>>()?;
        assert_eq!(ords, [0, 0, 1]);
        Ok(())
    }

    #[test]
    fn grades_map_to_buttons() {
        assert_eq!((0..=5).map(button).collect::<Vec<_>>(), [1, 1, 1, 2, 3, 4]);
    }
}
