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
        dump.push(row);
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
mod tests;
