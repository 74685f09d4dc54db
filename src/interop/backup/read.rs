//! Reading a backup without holding it: serde_json's streaming
//! deserializer over the file, driven by seeds that hand each row on as
//! it is parsed. A file is read twice: [`check`] validates every row and
//! counts them, keeping nothing; [`Checked::read_each`] then gives the rows
//! to the restore's transaction. Never parses JSON by hand, and never
//! keeps more than the settings and the decks (a few rows).

use super::{Card, Deck, FORMAT, Note, Review};
use crate::collection::SCHEMA_VERSION;
use crate::collection::dump::{DeckRow, Dump, DumpRow};
use crate::error::{Error, Problems, Result, Why};
use crate::interop::guard::{Guarded, Shape};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

/// How many rows of each table a backup holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub decks: usize,
    pub notes: usize,
    pub cards: usize,
    pub reviews: usize,
}

/// A backup file whose every row was read and found good, with its counts:
/// what `py201 import` reports before restoring it.
#[derive(Debug)]
pub struct Checked {
    path: PathBuf,
    /// The file as its problems name it.
    name: String,
    pub counts: Counts,
}

/// The first pass: refuses a file that is not a good backup (the same
/// problems, in the same order, as parsing it whole: a syntax error by its
/// line, then not a py201 backup, then one from a newer py201, then a
/// structure py201 does not know), holding nothing.
pub fn check(path: &Path, name: &str) -> Result<Checked> {
    let open = || open_file(path, name);
    let counts = read_from(name, &open, &mut |_| Ok(()))?;
    Ok(Checked {
        path: path.to_path_buf(),
        name: name.to_string(),
        counts,
    })
}

impl Checked {
    /// The second pass: gives each row to `row` as it is parsed (the
    /// settings and decks first, as one [`DumpRow::Head`], when the file
    /// has them first, as py201 writes it). Fails if the file changed
    /// since [`check`].
    pub fn read_each(&self, row: &mut dyn FnMut(DumpRow) -> Result<()>) -> Result<()> {
        let name = &self.name;
        let open = || open_file(&self.path, name);
        let counts = read_from(name, &open, row)?;
        if counts != self.counts {
            let why = Why::Unreadable(
                "changed while it was being imported; nothing was changed, import it again".into(),
            );
            return Err(Error::Import(Problems::one(name, None, why)));
        }
        Ok(())
    }
}

/// A whole backup held as a [`Dump`], read from `text` by both passes:
/// for tests and the fuzzer, which go through the same reading as a file.
pub fn read(file: &str, text: &str) -> Result<Dump> {
    let open = || Ok(text.as_bytes());
    read_from(file, &open, &mut |_| Ok(()))?;
    let mut dump = Dump::default();
    read_from(file, &open, &mut |row| {
        match row {
            DumpRow::Head(config, decks) => (dump.config, dump.decks) = (config, decks),
            DumpRow::Note(n) => dump.notes.push(n),
            DumpRow::Card(c) => dump.cards.push(c),
            DumpRow::Review(r) => dump.revlog.push(r),
        }
        Ok(())
    })?;
    Ok(dump)
}

fn open_file(path: &Path, name: &str) -> Result<std::fs::File> {
    std::fs::File::open(path).map_err(|e| unreadable(name, format!("cannot read: {e}")))
}

fn unreadable(name: &str, why: String) -> Error {
    Error::Import(Problems::one(name, None, Why::Unreadable(why)))
}

fn bad(name: &str, line: Option<usize>, why: Why) -> Error {
    Error::Import(Problems::one(name, line, why))
}

/// Reads the file `open` gives once, giving its rows to `row`; its
/// counts, or the first problem in the order [`check`] names. A header
/// that comes after `data` (not as py201 writes it) is checked before
/// the rows, which are then read again.
fn read_from<R: Read>(
    name: &str,
    open: &dyn Fn() -> Result<R>,
    row: &mut dyn FnMut(DumpRow) -> Result<()>,
) -> Result<Counts> {
    let mut rows = Rows {
        each: row,
        counts: Counts::default(),
        failed: None,
    };
    let top = parse(name, open, Some(&mut rows), false)?;
    top.problem().map_err(|why| bad(name, None, why))?;
    if !top.data_read {
        parse(name, open, Some(&mut rows), true)?;
    }
    Ok(rows.counts)
}

/// One pass of the parser over the file `open` gives, through a
/// [`Guarded`] reader (no string longer than a card could need, valid
/// UTF-8). `rows`: where the rows go, read only under a header already
/// known good (`header_good`, or seen before `data`); `None` checks the
/// syntax alone.
fn parse<R: Read>(
    name: &str,
    open: &dyn Fn() -> Result<R>,
    mut rows: Option<&mut Rows>,
    header_good: bool,
) -> Result<Top> {
    // The buffer outside the guard: serde_json reads a byte at a time,
    // which a BufReader serves from its buffer, while the guard checks
    // each 64 KiB read from the file at once (a byte at a time through
    // the guard, checking a 480 MB backup took 8.2 s, not 5.4 s). The
    // guard runs ahead of the parser, as when the file was read whole.
    let guarded = Guarded::new(open()?, Shape::Json, 1, name);
    let mut buffered = std::io::BufReader::with_capacity(1 << 16, guarded);
    let mut de = serde_json::Deserializer::from_reader(&mut buffered);
    let seed = FileSeed {
        rows: rows.as_deref_mut(),
        header_good,
    };
    let parsed = seed
        .deserialize(&mut de)
        .and_then(|top| de.end().map(|()| top));
    drop(de);
    let e = match parsed {
        Ok(top) => return Ok(top),
        Err(e) => e,
    };
    if let Some(failed) = rows.as_deref_mut().and_then(|r| r.failed.take()) {
        return Err(failed);
    }
    if let Some(refused) = buffered.get_ref().refused() {
        return Err(refused);
    }
    use serde_json::error::Category;
    match e.classify() {
        Category::Io => Err(unreadable(name, format!("cannot read: {e}"))),
        Category::Syntax | Category::Eof => {
            let why = Why::Syntax(format!("not a valid JSON backup: {e}"));
            Err(bad(name, Some(e.line()), why))
        }
        Category::Data => {
            // A syntax error anywhere in the file is named first, as when
            // it was parsed whole: the rows are read past this time.
            if rows.is_some() {
                parse(name, open, None, header_good)?;
            }
            let why = format!("not a valid py201 backup: {}", without_place(&e));
            Err(bad(name, Some(e.line()), Why::Syntax(why)))
        }
    }
}

/// serde_json's message without the " at line L column C" it ends with:
/// the line is the problem's own.
fn without_place(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let place = format!(" at line {} column {}", e.line(), e.column());
    text.strip_suffix(&place).unwrap_or(&text).to_string()
}

/// Where the rows of one pass go, and how many there were. An error of
/// `each` (the restore's SQLite) cannot travel through serde's error
/// type, so it waits in `failed` while the parser stops.
struct Rows<'a> {
    each: &'a mut dyn FnMut(DumpRow) -> Result<()>,
    counts: Counts,
    failed: Option<Error>,
}

impl Rows<'_> {
    fn give<E: de::Error>(&mut self, row: DumpRow) -> std::result::Result<(), E> {
        (self.each)(row).map_err(|e| {
            self.failed = Some(e);
            E::custom("stopped")
        })
    }
}

/// What the file's top level held: its header (format, schema, created)
/// as scalars, and whether its rows were read.
#[derive(Default)]
struct Top {
    format: Option<Scalar>,
    schema: Option<Scalar>,
    created: Option<Scalar>,
    data: bool,
    data_read: bool,
    /// The first unknown or repeated field.
    odd: Option<String>,
}

impl Top {
    /// Whether the header read so far names a backup this py201 reads, so
    /// its rows are read as this version's: a newer one is named as such,
    /// not refused for the fields it added.
    fn good_so_far(&self) -> bool {
        self.format == Some(Scalar::Str(FORMAT.into()))
            && matches!(self.schema, Some(Scalar::Int(s)) if s <= SCHEMA_VERSION)
            && self.odd.is_none()
    }

    /// The file's problem, if any, in the order of parsing it whole: not
    /// a py201 backup; a newer one; then its structure.
    fn problem(&self) -> std::result::Result<(), Why> {
        if self.format != Some(Scalar::Str(FORMAT.into())) {
            let why = format!("not a py201 backup (no \"format\": \"{FORMAT}\")");
            return Err(Why::Syntax(why));
        }
        if let Some(Scalar::Int(found)) = self.schema
            && found > SCHEMA_VERSION
        {
            return Err(Why::NewerSchema {
                found,
                known: SCHEMA_VERSION,
            });
        }
        let invalid = |why: String| Err(Why::Syntax(format!("not a valid py201 backup: {why}")));
        if let Some(odd) = &self.odd {
            return invalid(odd.clone());
        }
        match &self.schema {
            None => return invalid("missing field `schema`".into()),
            Some(Scalar::Int(_)) => {}
            Some(other) => return invalid(other.unexpected("i64")),
        }
        match &self.created {
            None => return invalid("missing field `created`".into()),
            Some(Scalar::Str(_)) => {}
            Some(other) => return invalid(other.unexpected("a string")),
        }
        if !self.data {
            return invalid("missing field `data`".into());
        }
        Ok(())
    }
}

/// A header value, kept only if it is a string or an integer: anything
/// else is read past and named, so a huge value costs no memory.
#[derive(Debug, Clone, PartialEq)]
enum Scalar {
    Str(String),
    Int(i64),
    /// What it was instead, as serde names it ("a sequence").
    Other(String),
}

impl Scalar {
    fn unexpected(&self, expected: &str) -> String {
        let found = match self {
            Scalar::Str(s) => format!("string {s:?}"),
            Scalar::Int(i) => format!("integer `{i}`"),
            Scalar::Other(o) => o.clone(),
        };
        format!("invalid type: {found}, expected {expected}")
    }
}

impl<'de> de::Deserialize<'de> for Scalar {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Scalar, E> {
        Ok(Scalar::Str(v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Scalar, E> {
        Ok(Scalar::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Scalar, E> {
        Ok(i64::try_from(v).map_or_else(|_| Scalar::Other(format!("integer `{v}`")), Scalar::Int))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<Scalar, E> {
        Ok(Scalar::Other(format!("floating point `{v}`")))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> std::result::Result<Scalar, E> {
        Ok(Scalar::Other(format!("boolean `{v}`")))
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<Scalar, E> {
        Ok(Scalar::Other("null".into()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> std::result::Result<Scalar, A::Error> {
        while s.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other("sequence".into()))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> std::result::Result<Scalar, A::Error> {
        while m.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other("map".into()))
    }
}

/// The whole file. Anything but an object is read past (a syntax error in
/// it still comes first) and is not a py201 backup.
struct FileSeed<'r, 'a> {
    rows: Option<&'r mut Rows<'a>>,
    header_good: bool,
}

impl<'de> DeserializeSeed<'de> for FileSeed<'_, '_> {
    type Value = Top;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<Top, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FileSeed<'_, '_> {
    type Value = Top;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a py201 backup")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut m: A) -> std::result::Result<Top, A::Error> {
        let mut top = Top::default();
        while let Some(key) = m.next_key::<String>()? {
            let slot = match key.as_str() {
                "format" => &mut top.format,
                "schema" => &mut top.schema,
                "created" => &mut top.created,
                "data" => {
                    let repeated = std::mem::replace(&mut top.data, true);
                    if repeated {
                        top.odd.get_or_insert("duplicate field `data`".into());
                    }
                    // The rows are read as this version's only under a
                    // header that says they are, and once.
                    match self.rows.as_deref_mut() {
                        Some(rows) if (self.header_good || top.good_so_far()) && !repeated => {
                            m.next_value_seed(DataSeed { rows })?;
                            top.data_read = true;
                        }
                        _ => {
                            m.next_value::<IgnoredAny>()?;
                        }
                    }
                    continue;
                }
                other => {
                    top.odd.get_or_insert(format!(
                        "unknown field `{other}`, expected one of `format`, `schema`, `created`, `data`"
                    ));
                    m.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            let value = m.next_value::<Scalar>()?;
            if slot.replace(value).is_some() {
                top.odd.get_or_insert(format!("duplicate field `{key}`"));
            }
        }
        Ok(top)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> std::result::Result<Top, A::Error> {
        while s.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Top::default())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> std::result::Result<Top, E> {
        Ok(Top::default())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> std::result::Result<Top, E> {
        Ok(Top::default())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> std::result::Result<Top, E> {
        Ok(Top::default())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> std::result::Result<Top, E> {
        Ok(Top::default())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> std::result::Result<Top, E> {
        Ok(Top::default())
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<Top, E> {
        Ok(Top::default())
    }
}

/// A backup's `data`: the settings and decks are kept and given as one
/// [`DumpRow::Head`] once both are read; every other row is given as it
/// is parsed. Unknown tables are read past, as before.
struct DataSeed<'r, 'a> {
    rows: &'r mut Rows<'a>,
}

impl<'de> DeserializeSeed<'de> for DataSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for DataSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("struct Data")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> std::result::Result<(), A::Error> {
        const TABLES: [&str; 5] = ["config", "decks", "notes", "cards", "revlog"];
        let mut config: Option<Vec<(String, String)>> = None;
        let mut decks: Option<Vec<DeckRow>> = None;
        let mut seen = [false; TABLES.len()];
        while let Some(key) = m.next_key::<String>()? {
            let Some(table) = TABLES.iter().position(|t| *t == key) else {
                m.next_value::<IgnoredAny>()?;
                continue;
            };
            if std::mem::replace(&mut seen[table], true) {
                return Err(de::Error::duplicate_field(TABLES[table]));
            }
            let rows = &mut *self.rows;
            match table {
                0 => config = Some(m.next_value()?),
                1 => {
                    let read: Vec<Deck> = m.next_value()?;
                    decks = Some(read.into_iter().map(DeckRow::from).collect());
                }
                2 => m.next_value_seed(TableSeed::<Note>::new(rows))?,
                3 => m.next_value_seed(TableSeed::<Card>::new(rows))?,
                _ => m.next_value_seed(TableSeed::<Review>::new(rows))?,
            }
            if let (Some(_), Some(_)) = (&config, &decks) {
                let (c, d) = (config.take(), decks.take());
                let (c, d) = (c.unwrap_or_default(), d.unwrap_or_default());
                rows.counts.decks = d.len();
                rows.give(DumpRow::Head(c, d))?;
            }
        }
        match seen.iter().position(|seen| !seen) {
            Some(missing) => Err(de::Error::missing_field(TABLES[missing])),
            None => Ok(()),
        }
    }
}

/// A file row that becomes a [`DumpRow`] and is counted.
trait FileRow: de::DeserializeOwned {
    fn give(self, counts: &mut Counts) -> DumpRow;
}

impl FileRow for Note {
    fn give(self, counts: &mut Counts) -> DumpRow {
        counts.notes += 1;
        DumpRow::Note(self.into())
    }
}

impl FileRow for Card {
    fn give(self, counts: &mut Counts) -> DumpRow {
        counts.cards += 1;
        DumpRow::Card(self.into())
    }
}

impl FileRow for Review {
    fn give(self, counts: &mut Counts) -> DumpRow {
        counts.reviews += 1;
        DumpRow::Review(self.into())
    }
}

/// One table's array, each row given as it is parsed.
struct TableSeed<'r, 'a, T> {
    rows: &'r mut Rows<'a>,
    row: std::marker::PhantomData<T>,
}

impl<'r, 'a, T> TableSeed<'r, 'a, T> {
    fn new(rows: &'r mut Rows<'a>) -> Self {
        TableSeed {
            rows,
            row: std::marker::PhantomData,
        }
    }
}

impl<'de, T: FileRow> DeserializeSeed<'de> for TableSeed<'_, '_, T> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, T: FileRow> Visitor<'de> for TableSeed<'_, '_, T> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> std::result::Result<(), A::Error> {
        while let Some(row) = s.next_element::<T>()? {
            let row = row.give(&mut self.rows.counts);
            self.rows.give(row)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collection::Collection;
    use crate::interop::backup::BackupFile;
    use crate::model::{CardContent, CardKind, DeckContent, NoteContent};

    /// The one line a file is refused with.
    fn line(e: Error) -> String {
        match e {
            Error::Import(p) if p.len() == 1 => p[0].to_string(),
            other => panic!("not one problem: {other}"),
        }
    }

    fn problem(text: &str) -> String {
        line(read("f.json", text).unwrap_err())
    }

    /// A good backup's `data` with one deck, and the card row `card`.
    fn data(card: &str) -> String {
        format!(
            r#"{{"config": [["a", "b"]], "decks": [{{"id": 1, "name": "D", "description": "", "position": 0, "builtin": false}}],
"notes": [],
"cards": [{card}],
"revlog": []}}"#
        )
    }

    const CARD: &str = r#"{"id": 1, "uid": "a", "note_id": "a", "deck_id": 1, "position": 0, "kind": "basic", "front": "Q", "back": "A", "code": null, "tags": "", "source": "", "reps": 0, "interval": 0, "ease": 2500, "due": null, "lapses": 0, "repeat_on": null, "suspended": false, "buried_until": null, "retired": false}"#;

    fn head(schema: i64) -> String {
        format!(r#""format": "py201-backup", "schema": {schema}, "created": "x""#)
    }

    #[test]
    fn a_good_backup_gives_every_row() {
        let dump = read(
            "f.json",
            &format!("{{{}, \"data\": {}}}", head(1), data(CARD)),
        )
        .unwrap();
        assert_eq!(dump.config, [("a".to_string(), "b".to_string())]);
        assert_eq!(dump.decks.len(), 1);
        assert_eq!(dump.cards.len(), 1);
        assert_eq!(dump.cards[0].uid, "a");
        // The header may come after the rows: they are read once it is.
        let late = read(
            "f.json",
            &format!("{{\"data\": {}, {}}}", data(CARD), head(1)),
        )
        .unwrap();
        assert_eq!(late, dump);
    }

    #[test]
    fn a_newer_backup_is_named_as_such_wherever_its_header_is() {
        let newer = CARD.replace(
            "\"retired\": false",
            "\"retired\": false, \"added_in_99\": 1",
        );
        let newer_why = "f.json: made by a newer py201 (schema version 99; this py201 knows up to";
        for text in [
            format!("{{{}, \"data\": {}}}", head(99), data(&newer)),
            format!("{{\"data\": {}, {}}}", data(&newer), head(99)),
        ] {
            assert!(problem(&text).starts_with(newer_why), "{}", problem(&text));
        }
        // This version's schema: the unknown field is the problem, by its line.
        let text = format!("{{{}, \"data\": {}}}", head(1), data(&newer));
        assert!(
            problem(&text).starts_with(
                "f.json:3: not a valid py201 backup: unknown field `added_in_99`, expected one of"
            ),
            "{}",
            problem(&text)
        );
    }

    #[test]
    fn problems_are_named_in_the_order_of_a_whole_parse() {
        let bad_row = CARD.replace("\"uid\": \"a\", ", "");
        // A syntax error later in the file comes before a bad row.
        let cut = format!("{{{}, \"data\": {}", head(1), data(&bad_row));
        let whole_parse = serde_json::from_str::<serde_json::Value>(&cut).unwrap_err();
        assert_eq!(
            problem(&cut),
            format!("f.json:4: not a valid JSON backup: {whole_parse}")
        );
        let whole = format!("{cut}}}");
        assert_eq!(
            problem(&whole),
            "f.json:3: not a valid py201 backup: missing field `uid`"
        );
        let not_ours = "f.json: not a py201 backup (no \"format\": \"py201-backup\")";
        for text in [
            "[1, 2]",
            "\"x\"",
            "{\"format\": \"other\", \"data\": 1}",
            "{}",
        ] {
            assert_eq!(problem(text), not_ours, "{text}");
        }
        assert_eq!(
            problem("[1, 2"),
            "f.json:1: not a valid JSON backup: EOF while parsing a list at line 1 column 5"
        );
        for (text, why) in [
            (
                format!("{{{}, \"x\": [], \"data\": {}}}", head(1), data(CARD)),
                "unknown field `x`, expected one of `format`, `schema`, `created`, `data`",
            ),
            (
                format!(
                    "{{{}, \"data\": {}, \"data\": {}}}",
                    head(1),
                    data(CARD),
                    data(CARD)
                ),
                "duplicate field `data`",
            ),
            (
                format!("{{{}, \"schema\": 1, \"data\": {}}}", head(1), data(CARD)),
                "duplicate field `schema`",
            ),
            (
                format!(
                    "{{\"format\": \"py201-backup\", \"schema\": \"1\", \"created\": \"x\", \"data\": {}}}",
                    data(CARD)
                ),
                "invalid type: string \"1\", expected i64",
            ),
            (
                format!(
                    "{{\"format\": \"py201-backup\", \"schema\": 1, \"data\": {}}}",
                    data(CARD)
                ),
                "missing field `created`",
            ),
            (format!("{{{}}}", head(1)), "missing field `data`"),
        ] {
            assert_eq!(
                problem(&text),
                format!("f.json: not a valid py201 backup: {why}"),
                "{text}"
            );
        }
        let no_log = format!(
            "{{{}, \"data\": {}}}",
            head(1),
            data(CARD).replace(",\n\"revlog\": []", "")
        );
        assert_eq!(
            problem(&no_log),
            "f.json:3: not a valid py201 backup: missing field `revlog`"
        );
    }

    fn card(uid: &str, note: &str, kind: CardKind) -> CardContent {
        CardContent {
            note: note.into(),
            uid: uid.into(),
            kind,
            front: "Q".into(),
            back: "A".into(),
            code: None,
            tags: vec!["t".into()],
            source: String::new(),
        }
    }

    /// A collection with a note that is its card (no row), one that is
    /// more (a row), a cloze note and a review.
    fn collection() -> Collection {
        let mut col = Collection::in_memory().unwrap();
        let deck = DeckContent {
            name: "D".into(),
            description: String::new(),
            cards: vec![
                card("a", "a", CardKind::Basic),
                card("b:c1", "b", CardKind::Cloze),
                card("c", "c", CardKind::Basic),
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
                NoteContent {
                    id: "c".into(),
                    fields: r#"{"id":"c","front":"Q","back":"A","tags":["t"],"ref":"https://x"}"#
                        .into(),
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
        col
    }

    fn note_rows(col: &Collection) -> Vec<String> {
        let mut st = col
            .conn
            .prepare("SELECT id FROM notes ORDER BY id")
            .unwrap();
        st.query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    }

    /// Restored as the rows come, in the file's order: keys sorted, so the
    /// header follows the rows, and cards come before their decks and notes.
    #[test]
    fn a_backup_is_restored_the_same_whatever_its_tables_order() {
        let col = collection();
        let file = BackupFile {
            format: FORMAT.into(),
            schema: SCHEMA_VERSION,
            created: "now".into(),
            data: col.dump().unwrap().into(),
        };
        let sorted = serde_json::to_value(&file).unwrap().to_string();
        assert!(
            sorted.starts_with("{\"created\":\"now\",\"data\":{\"cards\":["),
            "{sorted}"
        );
        let canonical = serde_json::to_string_pretty(&file).unwrap();
        for text in [&canonical, &sorted] {
            let mut restored = Collection::in_memory().unwrap();
            restored
                .replace_each(|row| read_from("f.json", &|| Ok(text.as_bytes()), row).map(drop))
                .unwrap();
            assert_eq!(restored.dump().unwrap(), col.dump().unwrap());
            assert_eq!(note_rows(&restored), ["b", "c"], "a's note is its card");
        }
    }

    /// The second pass reads the file again: one changed since the first is
    /// refused, and the restore with it.
    #[test]
    fn a_backup_changed_between_the_passes_is_refused() {
        let col = collection();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.json");
        let file = BackupFile {
            format: FORMAT.into(),
            schema: SCHEMA_VERSION,
            created: "now".into(),
            data: col.dump().unwrap().into(),
        };
        std::fs::write(&path, serde_json::to_string(&file).unwrap()).unwrap();
        let checked = check(&path, "b.json").unwrap();
        assert_eq!(
            checked.counts,
            Counts {
                decks: 1,
                notes: 3,
                cards: 3,
                reviews: 1
            }
        );
        let mut fewer = file;
        fewer.data.revlog.clear();
        std::fs::write(&path, serde_json::to_string(&fewer).unwrap()).unwrap();
        let mut restored = collection();
        let before = restored.dump().unwrap();
        let err = restored
            .replace_each(|row| checked.read_each(row))
            .unwrap_err();
        assert_eq!(
            line(err),
            "b.json: changed while it was being imported; nothing was changed, import it again"
        );
        assert_eq!(restored.dump().unwrap(), before, "nothing changed");
    }
}
