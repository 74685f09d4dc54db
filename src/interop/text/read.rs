//! Reading a CSV/TSV file: its header lines, then row by row into notes,
//! every problem collected (the file is refused whole if it has any).

use super::{Columns, FENCE, from_html, kind_of, note_id, separator_from, split_code_block};
use crate::decks::MAX_FIELD;
use crate::decks::NoteSpec;
use crate::error::Error;
use crate::error::{Problem, Problems, Result, Why};
use crate::interop::Sink;
use crate::interop::StreamedDecks;
use crate::interop::guard::{Guarded, MAX_LINE, Shape};
use crate::model::DeckContent;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// Reads a CSV/TSV file's `text` into decks (one per deck named in it).
pub fn read(path: &Path, text: &str, rename: Option<&str>) -> Result<Vec<DeckContent>> {
    let mut decks: Vec<DeckContent> = Vec::new();
    read_into(path, text.as_bytes(), rename, &mut decks)?;
    Ok(decks)
}

/// Reads a CSV/TSV file from `input` into `sink` as it goes, a note at a
/// time. Fails with [`Error::Import`] listing every problem found (the
/// sink's content must not be kept then), or with the sink's own error.
/// Decks reach the sink in the order they first appear. What is read is
/// bounded ([`guard`]): a row or field too long for any card, or bytes
/// that are not UTF-8, refuse the file as soon as they are read, as its one
/// problem.
pub fn read_into(
    path: &Path,
    input: impl Read,
    rename: Option<&str>,
    sink: &mut dyn Sink,
) -> Result<()> {
    let file = path.display().to_string();
    let mut input = BufReader::with_capacity(64 * 1024, input);
    let mut problems = Problems::default();
    let mut header = Header::read(&file, path, &mut input, &mut problems)?;
    let shape = Shape::Csv(header.separator);
    let mut guarded = Guarded::new(input, shape, header.lines + 1, &file);
    // Rows are read one at a time and turned into notes at once: a large
    // file is never held as rows and notes and cards all together. A
    // malformed row ends the reading (its problem is listed first, as the
    // file's own), and the rows before it are still checked.
    let mut rows = Rows::new(&mut guarded, &header);
    let mut row = rows.next();
    let width = row.as_ref().map_or(0, |r| r.1.len());
    header.resolve_columns(width);
    // Listed after a malformed row's problem, which is found later now.
    let column_problems = header.column_problems(&file, width);
    let deck = default_deck(path, rename, header.deck.as_deref());
    let mut reader = RowReader::new(&file, &header, rename, deck);
    while let Some((line, rec)) = row.take() {
        row = rows.next();
        reader.read(line, &rec, sink)?;
    }
    let row_problem = rows.problem(&file);
    if let Some(refused) = guarded.refused() {
        return Err(refused);
    }
    problems.extend(row_problem);
    problems.extend(column_problems);
    reader.finish(&mut problems);
    problems.into_result()
}

/// The deck of a row that names none: `--deck`, else the file's `#deck:`
/// header, else the file's name.
fn default_deck(path: &Path, rename: Option<&str>, header: Option<&str>) -> String {
    rename.or(header).map(str::to_string).unwrap_or_else(|| {
        path.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    })
}

/// What a file's header lines (`#key:value`, Anki's) say about its rows.
struct Header {
    separator: u8,
    html: bool,
    /// `#columns:`, the names of the columns.
    names: Option<String>,
    deck: Option<String>,
    cols: Columns,
    /// How many lines the header takes.
    lines: usize,
}

impl Header {
    /// Reads the header lines at the top of `input`, leaving it at the
    /// first row and recording a bad header line in `problems`.
    fn read(
        file: &str,
        path: &Path,
        input: &mut impl BufRead,
        problems: &mut Problems,
    ) -> Result<Self> {
        let mut h = Header {
            separator: 0,
            html: false,
            names: None,
            deck: None,
            cols: Columns::default(),
            lines: 0,
        };
        let mut separator = None;
        while let Some(line) = header_line(file, h.lines + 1, input)? {
            h.lines += 1;
            let rest = line[1..].trim_end_matches(['\n', '\r']);
            let Some((key, value)) = rest.split_once(':') else {
                continue;
            };
            match h.set(key, value) {
                Ok(Some(sep)) => separator = Some(sep),
                Ok(None) => {}
                Err(why) => problems.push(Problem::new(file, Some(h.lines), why)),
            }
        }
        h.separator = match separator {
            Some(sep) => sep,
            None => guess_separator(path, first_line(input)),
        };
        Ok(h)
    }

    /// One header line, `#key:value`; `#separator:` is returned.
    fn set(&mut self, key: &str, value: &str) -> std::result::Result<Option<u8>, Why> {
        let column = |v: &str| {
            v.trim()
                .parse::<usize>()
                .ok()
                .filter(|&n| n >= 1)
                .map(|n| n - 1)
        };
        match key.trim().to_ascii_lowercase().as_str() {
            "separator" => {
                return separator_from(value).map(Some).ok_or_else(|| {
                    Why::Syntax(format!(
                        "#separator:{value} is not one of tab, comma, semicolon, pipe, colon, space"
                    ))
                });
            }
            "html" => self.html = value.trim().eq_ignore_ascii_case("true"),
            "columns" => self.names = Some(value.to_string()),
            "deck" => self.deck = Some(value.trim().to_string()),
            "tags column" => self.cols.tags = column(value),
            "guid column" => self.cols.id = column(value),
            "notetype column" => self.cols.notetype = column(value),
            "deck column" => self.cols.deck = column(value),
            // Other Anki headers (#notetype:, #tags:, #if matches:) carry nothing py201 stores.
            _ => {}
        }
        Ok(None)
    }

    /// Gives each column its role: by its name in `#columns:`, or else
    /// every column the `# column:` headers do not claim holds a field.
    fn resolve_columns(&mut self, width: usize) {
        let cols = &mut self.cols;
        let Some(names) = &self.names else {
            let meta = [cols.id, cols.notetype, cols.deck, cols.tags];
            cols.fields = (0..width).filter(|i| !meta.contains(&Some(*i))).collect();
            return;
        };
        for (i, name) in names.split(char::from(self.separator)).enumerate() {
            match name.trim().to_ascii_lowercase().as_str() {
                "id" | "guid" => cols.id = Some(i),
                "notetype" | "note type" | "kind" | "type" => cols.notetype = Some(i),
                "deck" => cols.deck = Some(i),
                "tags" => cols.tags = Some(i),
                "source" => cols.source = Some(i),
                _ => cols.fields.push(i),
            }
        }
    }

    /// Why the columns cannot make cards: none holds a question, or more
    /// hold text than a card has, with no names to say which is which.
    fn column_problems(&self, file: &str, width: usize) -> Problems {
        let mut problems = Problems::default();
        let fields = self.cols.fields.len();
        if width > 0 && fields == 0 {
            let why = "no column holds a question: name them with #columns:";
            problems.push(Problem::new(file, None, Why::Columns(why.into())));
        }
        if fields > 2 && self.names.is_none() {
            let why = format!(
                "{fields} text columns, py201 cards have two (front, back): name the columns with #columns:"
            );
            problems.push(Problem::new(file, None, Why::Columns(why)));
        }
        problems
    }
}

/// The next line of `input` if it is a header line (starts with `#`),
/// read up to [`MAX_LINE`] bytes: a longer one refuses the file.
fn header_line(file: &str, line: usize, input: &mut impl BufRead) -> Result<Option<String>> {
    let cannot = |e: std::io::Error| Problems::one(file, None, Why::Unreadable(e.to_string()));
    if input.fill_buf().map_err(cannot)?.first() != Some(&b'#') {
        return Ok(None);
    }
    let mut bytes = Vec::new();
    input
        .take(MAX_LINE as u64 + 1)
        .read_until(b'\n', &mut bytes)
        .map_err(cannot)?;
    let refuse = |why: String| Error::Import(Problems::one(file, Some(line), Why::Syntax(why)));
    if bytes.len() > MAX_LINE {
        return Err(refuse(format!(
            "a line of more than {MAX_LINE} bytes; a card field holds at most {MAX_FIELD}"
        )));
    }
    String::from_utf8(bytes).map(Some).map_err(|_| {
        let why = "is not valid UTF-8; save it as UTF-8".to_string();
        Error::Import(Problems::one(file, Some(line), Why::Unreadable(why)))
    })
}

/// The first line of what `input` has buffered (the first row, cut off if
/// it is longer than the buffer), without consuming it.
fn first_line(input: &mut impl BufRead) -> &[u8] {
    let buffered = input.fill_buf().unwrap_or_default();
    let end = buffered
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(buffered.len());
    &buffered[..end]
}

/// The separator a file without `#separator:` uses: by its extension, or a
/// tab in its first row.
fn guess_separator(path: &Path, first_row: &[u8]) -> u8 {
    match path.extension().and_then(|e| e.to_str()) {
        Some("tsv" | "tab") => b'\t',
        Some("csv") => b',',
        _ if first_row.contains(&b'\t') => b'\t',
        _ => b',',
    }
}

/// The rows after the header, one at a time, blank ones skipped. A malformed
/// row ends them; its problem is kept for [`Rows::problem`].
struct Rows<R> {
    records: csv::StringRecordsIntoIter<R>,
    header_lines: usize,
    problem: Option<(Option<usize>, Why)>,
}

impl<R: Read> Rows<R> {
    fn new(body: R, header: &Header) -> Self {
        let reader = csv::ReaderBuilder::new()
            .delimiter(header.separator)
            .has_headers(false)
            .flexible(false)
            .from_reader(body);
        Rows {
            records: reader.into_records(),
            header_lines: header.lines,
            problem: None,
        }
    }

    /// The malformed row that ended the rows, if one did.
    fn problem(self, file: &str) -> Option<Problem> {
        self.problem
            .map(|(line, why)| Problem::new(file, line, why))
    }
}

impl<R: Read> Iterator for Rows<R> {
    /// (line, row)
    type Item = (usize, csv::StringRecord);

    fn next(&mut self) -> Option<Self::Item> {
        if self.problem.is_some() {
            return None;
        }
        for rec in self.records.by_ref() {
            match rec {
                Ok(r) => {
                    let line = r.position().map_or(0, |p| p.line() as usize) + self.header_lines;
                    if r.iter().all(|f| f.trim().is_empty()) {
                        continue;
                    }
                    return Some((line, r));
                }
                Err(e) => {
                    let line = e.position().map(|p| p.line() as usize + self.header_lines);
                    let why = match e.kind() {
                        csv::ErrorKind::UnequalLengths {
                            expected_len, len, ..
                        } => {
                            format!("row has {len} fields, the rows before it have {expected_len}")
                        }
                        _ => e.to_string(),
                    };
                    self.problem = Some((line, Why::Syntax(why)));
                    return None;
                }
            }
        }
        None
    }
}

/// Turns rows into notes and writes them, checked, deck by deck.
struct RowReader<'a> {
    file: &'a str,
    cols: &'a Columns,
    html: bool,
    rename: Option<&'a str>,
    default_deck: String,
    decks: StreamedDecks,
    /// Rows that make no note.
    problems: Problems,
}

impl<'a> RowReader<'a> {
    fn new(file: &'a str, h: &'a Header, rename: Option<&'a str>, default_deck: String) -> Self {
        RowReader {
            file,
            cols: &h.cols,
            html: h.html,
            rename,
            default_deck,
            decks: StreamedDecks::default(),
            problems: Problems::default(),
        }
    }

    /// One row, starting on `line`: its note checked and, if it is good,
    /// written to `sink` with its cards.
    fn read(&mut self, line: usize, rec: &csv::StringRecord, sink: &mut dyn Sink) -> Result<()> {
        match self.note(rec) {
            Ok((deck, spec)) => self.decks.add(self.file, deck, line, spec, sink),
            Err(why) => {
                self.problems.push(Problem::new(self.file, Some(line), why));
                Ok(())
            }
        }
    }

    /// Column `i` of a row, as plain text.
    fn get(&self, rec: &csv::StringRecord, i: Option<usize>) -> Option<String> {
        i.and_then(|i| rec.get(i)).map(|s| {
            if self.html {
                from_html(s)
            } else {
                s.to_string()
            }
        })
    }

    /// The note a row holds and the deck it goes to, or what the row lacks.
    fn note(&self, rec: &csv::StringRecord) -> std::result::Result<(String, NoteSpec), Why> {
        let field = |n, name, why| Why::Field { n, name, why };
        let (first, code) = self
            .question(rec)
            .ok_or_else(|| field(1, "front", "empty"))?;
        let back = self
            .get(rec, self.cols.back())
            .filter(|s| !s.trim().is_empty());
        let kind = kind_of(&self.get(rec, self.cols.notetype).unwrap_or_default());
        match kind {
            "typed" if back.is_none() => {
                return Err(field(2, "back", "a typed card needs the expected answer"));
            }
            "basic" if back.is_none() => return Err(field(2, "back", "empty")),
            _ => {}
        }
        let tags = self
            .get(rec, self.cols.tags)
            .map(|t| t.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default();
        let deck = self
            .rename
            .map(str::to_string)
            .or(self
                .get(rec, self.cols.deck)
                .filter(|d| !d.trim().is_empty()))
            .unwrap_or_else(|| self.default_deck.clone());
        let id = note_id(self.get(rec, self.cols.id).as_deref(), &first);
        let (front, text) = if kind == "cloze" {
            (None, Some(first))
        } else {
            (Some(first), None)
        };
        let spec = NoteSpec {
            id: Some(id),
            kind: (kind != "basic").then(|| kind.to_string()),
            source: self
                .get(rec, self.cols.source)
                .filter(|s| !s.trim().is_empty()),
            python: None,
            front,
            text,
            code,
            back,
            tags,
            reference: None,
            check: None,
        };
        Ok((deck, spec))
    }

    /// A row's question and its code: an Anki package's `<pre>` block, or
    /// a fenced block as the CSV/TSV export writes it. `None` when empty.
    fn question(&self, rec: &csv::StringRecord) -> Option<(String, Option<String>)> {
        let pre = self
            .cols
            .front()
            .and_then(|i| rec.get(i))
            .filter(|_| self.html)
            .and_then(split_code_block);
        let (first, code) = match pre {
            Some((question, code)) => (question, Some(code)),
            None => (self.get(rec, self.cols.front()).unwrap_or_default(), None),
        };
        if first.trim().is_empty() {
            return None;
        }
        Some(match code {
            Some(code) => (first, Some(code)),
            None => split_fence(first),
        })
    }

    /// The rows' problems, then each deck's.
    fn finish(self, problems: &mut Problems) {
        problems.extend(self.problems);
        problems.extend(self.decks.finish());
    }
}

/// A question with its code in a fenced block, as the CSV/TSV export writes
/// it: the text, and the code.
fn split_fence(first: String) -> (String, Option<String>) {
    if let Some(at) = first.find(FENCE) {
        let body = at + FENCE.len();
        if let Some(end) = first[body..].rfind("```") {
            let code = first[body..body + end].trim_end().to_string();
            return (first[..at].trim_end().to_string(), Some(code));
        }
    }
    (first, None)
}
