//! CSV and TSV as Anki writes and reads them ("Notes in Plain Text"): header
//! lines `#separator:`, `#html:`, `#columns:`, `#deck:`, `#tags column:`,
//! `#guid column:`, `#notetype column:`, `#deck column:`, then one note per
//! row, with fields quoted when they hold the separator, quotes or newlines,
//! so multi-line code survives a round trip.

use super::Sink;
use crate::collection::export::DeckNotes;
use crate::decks::{DeckBuilder, NoteSpec, Problem};
use crate::model::DeckContent;
use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::path::Path;

/// Anki's names for the note types py201's kinds map to.
pub const NOTETYPE_BASIC: &str = "Basic";
pub const NOTETYPE_TYPED: &str = "Basic (type in the answer)";
pub const NOTETYPE_CLOZE: &str = "Cloze";

/// A code block is carried in the question field as a fenced block, since
/// Anki's note types have no field for it.
const FENCE: &str = "```python\n";

fn notetype(kind: Option<&str>) -> &'static str {
    match kind {
        Some("cloze") => NOTETYPE_CLOZE,
        Some("typed") => NOTETYPE_TYPED,
        _ => NOTETYPE_BASIC,
    }
}

fn kind_of(notetype: &str) -> &'static str {
    let n = notetype.to_ascii_lowercase();
    if n.contains("cloze") {
        "cloze"
    } else if n.contains("type in") || n == "typed" {
        "typed"
    } else {
        "basic"
    }
}

pub fn write(
    decks: &[DeckNotes],
    separator: u8,
    tick: &mut dyn FnMut(u64),
) -> Result<String, String> {
    let mut out = Vec::new();
    write_to(&mut out, decks, separator, tick)?;
    String::from_utf8(out).map_err(|e| e.to_string())
}

/// Like [`write`], straight into `w` (a file or stdout).
pub fn write_to(
    w: &mut dyn std::io::Write,
    decks: &[DeckNotes],
    separator: u8,
    tick: &mut dyn FnMut(u64),
) -> Result<(), String> {
    let mut out = Writer::new(w, separator)?;
    for deck in decks {
        for (id, note) in &deck.notes {
            out.note(&deck.name, id, &note.spec(id)?)?;
            tick(1);
        }
    }
    out.finish()
}

/// A CSV/TSV file written a note at a time, so an export never holds its
/// notes, let alone the whole file, in memory.
pub struct Writer<'w> {
    csv: csv::Writer<&'w mut dyn std::io::Write>,
}

impl<'w> Writer<'w> {
    /// Starts the file with Anki's header lines.
    pub fn new(w: &'w mut dyn std::io::Write, separator: u8) -> Result<Self, String> {
        let sep_name = if separator == b'\t' { "tab" } else { "comma" };
        let s = char::from(separator);
        write!(
            w,
            "#separator:{sep_name}\n#html:false\n#guid column:1\n#notetype column:2\n#deck column:3\n#tags column:6\n#columns:id{s}notetype{s}deck{s}front{s}back{s}tags{s}source\n"
        )
        .map_err(|e| e.to_string())?;
        let csv = csv::WriterBuilder::new()
            .delimiter(separator)
            .has_headers(false)
            .from_writer(w);
        Ok(Writer { csv })
    }

    /// One note of `deck`, as a row.
    pub fn note(&mut self, deck: &str, id: &str, n: &NoteSpec) -> Result<(), String> {
        let mut first = n.front.clone().or(n.text.clone()).unwrap_or_default();
        if let Some(code) = &n.code {
            first = format!("{first}\n\n{FENCE}{}\n```", code.trim_end());
        }
        let record = [
            id,
            notetype(n.kind.as_deref()),
            deck,
            &first,
            n.back.as_deref().unwrap_or(""),
            &n.tags.join(" "),
            n.source.as_deref().unwrap_or(""),
        ];
        self.csv.write_record(record).map_err(|e| e.to_string())
    }

    pub fn finish(mut self) -> Result<(), String> {
        self.csv.flush().map_err(|e| e.to_string())
    }
}

/// The role of each column of a file.
#[derive(Debug, Default)]
struct Columns {
    id: Option<usize>,
    notetype: Option<usize>,
    deck: Option<usize>,
    tags: Option<usize>,
    source: Option<usize>,
    fields: Vec<usize>,
}

fn separator_from(v: &str) -> Option<u8> {
    match v.trim().to_ascii_lowercase().as_str() {
        "tab" | "\\t" => Some(b'\t'),
        "comma" | "," => Some(b','),
        "semicolon" | ";" => Some(b';'),
        "pipe" | "|" => Some(b'|'),
        "colon" | ":" => Some(b':'),
        "space" | " " => Some(b' '),
        _ => None,
    }
}

/// Anki writes HTML; the cards here are plain text.
fn from_html(s: &str) -> String {
    html_text(s).trim().to_string()
}

/// Tags removed (`<br>` and `<div>` start a line), entities decoded,
/// whitespace kept as it is.
fn html_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        match rest[i..].find('>') {
            Some(j) => {
                let tag = rest[i + 1..i + j].trim().to_ascii_lowercase();
                let starts_line = tag.starts_with("br") || tag == "div" || tag.starts_with("div ");
                if starts_line
                    && !(tag.starts_with("div") && (out.is_empty() || out.ends_with('\n')))
                {
                    out.push('\n');
                }
                rest = &rest[i + j + 1..];
            }
            None => {
                out.push_str(&rest[i..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    decode_entities(&out)
}

/// The named entities Anki writes, and numeric ones (its CSV import writes
/// `'` as `&#x27;`). Anything else is left as written.
fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let entity = rest[1..]
            .find(';')
            .filter(|&end| end <= 10)
            .map(|end| (&rest[1..=end], end + 2));
        let decoded = entity.and_then(|(name, len)| {
            let ch = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => {
                    let n = match name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok(),
                        None => name.strip_prefix('#').and_then(|d| d.parse().ok()),
                    };
                    n.and_then(char::from_u32)
                }
            };
            ch.map(|c| (c, len))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A question as py201's Anki package writes it: the text, then the code in
/// a `<pre>` block (`<pre><code>`, or whatever Anki's editor made of it).
/// Returns the text and the code.
fn split_code_block(field: &str) -> Option<(String, String)> {
    let lower = field.to_ascii_lowercase();
    let start = lower.match_indices("<pre").map(|(i, _)| i).find(|&i| {
        matches!(
            lower.as_bytes().get(i + 4),
            Some(b'>' | b' ' | b'\t' | b'\n')
        )
    })?;
    let open_end = start + lower[start..].find('>')? + 1;
    let close = lower.rfind("</pre>").filter(|&c| c >= open_end)?;
    let code = html_text(&field[open_end..close]);
    let code = code.trim_start_matches(['\n', '\r']).trim_end().to_string();
    let after = from_html(&field[close + "</pre>".len()..]);
    let mut question = from_html(&field[..start]);
    if !after.is_empty() {
        question = format!("{question}\n{after}");
    }
    (!code.is_empty()).then_some((question, code))
}

/// A stable note id: the file's id column when present (kept as is when it is
/// a valid py201 id, else hex-encoded), otherwise derived from the first
/// field, so re-importing a file matches the same notes.
fn note_id(id: Option<&str>, first: &str) -> String {
    match id.map(str::trim).filter(|s| !s.is_empty()) {
        Some(id)
            if id.len() <= 120
                && id.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_.".contains(&b)
                }) =>
        {
            id.to_string()
        }
        Some(id) => format!(
            "anki-{}",
            id.bytes().map(|b| format!("{b:02x}")).collect::<String>()
        ),
        None => {
            let mut h = 0xcbf2_9ce4_8422_2325_u64;
            for b in first.trim().bytes() {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x100_0000_01b3);
            }
            format!("csv-{h:016x}")
        }
    }
}

/// Reads a CSV/TSV file into decks (one per deck named in it).
pub fn read(
    path: &Path,
    text: &str,
    rename: Option<&str>,
) -> Result<Vec<DeckContent>, Vec<Problem>> {
    let mut decks: Vec<DeckContent> = Vec::new();
    match read_into(path, text, rename, &mut decks) {
        Ok(p) if p.is_empty() => Ok(decks),
        Ok(p) => Err(p),
        // Collecting into memory cannot fail.
        Err(e) => Err(vec![Problem {
            file: path.display().to_string(),
            line: None,
            message: e.to_string(),
        }]),
    }
}

/// Reads a CSV/TSV file into `sink` as it goes, a note at a time, and
/// returns the problems found (the sink's content must not be kept when
/// there are any). Decks reach the sink in the order they first appear.
pub fn read_into(
    path: &Path,
    text: &str,
    rename: Option<&str>,
    sink: &mut dyn Sink,
) -> crate::error::Result<Vec<Problem>> {
    let file = path.display().to_string();
    let bad = |line: Option<usize>, m: String| Problem {
        file: file.clone(),
        line,
        message: m,
    };
    let mut problems = Vec::new();
    let mut separator = match path.extension().and_then(|e| e.to_str()) {
        Some("tsv" | "tab") => b'\t',
        Some("csv") => b',',
        _ if text
            .lines()
            .find(|l| !l.starts_with('#'))
            .is_some_and(|l| l.contains('\t')) =>
        {
            b'\t'
        }
        _ => b',',
    };
    let mut html = false;
    let mut names: Option<String> = None;
    let mut header_deck: Option<String> = None;
    let mut cols = Columns::default();
    let mut header_lines = 0;
    let mut body_start = 0;
    for line in text.split_inclusive('\n') {
        let Some(h) = line.strip_prefix('#') else {
            break;
        };
        header_lines += 1;
        body_start += line.len();
        let h = h.trim_end_matches(['\n', '\r']);
        let Some((key, value)) = h.split_once(':') else {
            continue;
        };
        let column = |v: &str| {
            v.trim()
                .parse::<usize>()
                .ok()
                .filter(|&n| n >= 1)
                .map(|n| n - 1)
        };
        match key.trim().to_ascii_lowercase().as_str() {
            "separator" => match separator_from(value) {
                Some(s) => separator = s,
                None => problems.push(bad(
                    Some(header_lines),
                    format!(
                        "#separator:{value} is not one of tab, comma, semicolon, pipe, colon, space"
                    ),
                )),
            },
            "html" => html = value.trim().eq_ignore_ascii_case("true"),
            "columns" => names = Some(value.to_string()),
            "deck" => header_deck = Some(value.trim().to_string()),
            "tags column" => cols.tags = column(value),
            "guid column" => cols.id = column(value),
            "notetype column" => cols.notetype = column(value),
            "deck column" => cols.deck = column(value),
            // Other Anki headers (#notetype:, #tags:, #if matches:) carry nothing py201 stores.
            _ => {}
        }
    }
    let body = &text[body_start..];
    let reader = csv::ReaderBuilder::new()
        .delimiter(separator)
        .has_headers(false)
        .flexible(false)
        .from_reader(body.as_bytes());
    // Rows are read one at a time and turned into notes at once: a large
    // file is never held as rows and notes and cards all together. A
    // malformed row ends the reading (its problem is listed first, as the
    // file's own), and the rows before it are still checked.
    let mut records = reader.into_records();
    let mut csv_problem: Option<Problem> = None;
    let mut next_row = || -> Option<(usize, csv::StringRecord)> {
        if csv_problem.is_some() {
            return None;
        }
        for rec in records.by_ref() {
            match rec {
                Ok(r) => {
                    let line = r.position().map_or(0, |p| p.line() as usize) + header_lines;
                    if r.iter().all(|f| f.trim().is_empty()) {
                        continue;
                    }
                    return Some((line, r));
                }
                Err(e) => {
                    let line = e.position().map(|p| p.line() as usize + header_lines);
                    let why = match e.kind() {
                        csv::ErrorKind::UnequalLengths {
                            expected_len, len, ..
                        } => {
                            format!("row has {len} fields, the rows before it have {expected_len}")
                        }
                        _ => e.to_string(),
                    };
                    csv_problem = Some(bad(line, why));
                    return None;
                }
            }
        }
        None
    };
    let first_row = next_row();
    let width = first_row.as_ref().map_or(0, |r| r.1.len());
    if let Some(n) = &names {
        let s = char::from(separator);
        for (i, name) in n.split(s).enumerate() {
            match name.trim().to_ascii_lowercase().as_str() {
                "id" | "guid" => cols.id = Some(i),
                "notetype" | "note type" | "kind" | "type" => cols.notetype = Some(i),
                "deck" => cols.deck = Some(i),
                "tags" => cols.tags = Some(i),
                "source" => cols.source = Some(i),
                _ => cols.fields.push(i),
            }
        }
    } else {
        let meta = [cols.id, cols.notetype, cols.deck, cols.tags];
        cols.fields = (0..width).filter(|i| !meta.contains(&Some(*i))).collect();
    }
    // Listed after a malformed row's problem, which is found later now.
    let mut column_problems = Vec::new();
    if width > 0 && cols.fields.is_empty() {
        column_problems.push(bad(
            None,
            "no column holds a question: name them with #columns:".into(),
        ));
    }
    if cols.fields.len() > 2 && names.is_none() {
        column_problems.push(bad(None, format!("{} text columns, py201 cards have two (front, back): name the columns with #columns:", cols.fields.len())));
    }
    // Per deck: its sink handle and the builder that checks its notes.
    let mut by_deck: BTreeMap<String, (usize, DeckBuilder)> = BTreeMap::new();
    let mut row_problems = Vec::new();
    let default_deck = rename
        .map(str::to_string)
        .or(header_deck)
        .unwrap_or_else(|| {
            path.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
    let mut row = first_row;
    while let Some((line, rec)) = row.take() {
        row = next_row();
        let get = |i: Option<usize>| {
            i.and_then(|i| rec.get(i))
                .map(|s| if html { from_html(s) } else { s.to_string() })
        };
        // An Anki package's layout: the code in its own <pre> block.
        let pre = cols
            .fields
            .first()
            .and_then(|&i| rec.get(i))
            .filter(|_| html)
            .and_then(split_code_block);
        let (mut first, mut code) = match pre {
            Some((question, code)) => (question, Some(code)),
            None => (get(cols.fields.first().copied()).unwrap_or_default(), None),
        };
        let back = get(cols.fields.get(1).copied()).filter(|s| !s.trim().is_empty());
        if first.trim().is_empty() {
            row_problems.push(bad(Some(line), "field 1 (front): empty".into()));
            continue;
        }
        if let Some(at) = first.find(FENCE).filter(|_| code.is_none()) {
            if let Some(end) = first[at + FENCE.len()..].rfind("```") {
                code = Some(
                    first[at + FENCE.len()..at + FENCE.len() + end]
                        .trim_end()
                        .to_string(),
                );
                first = first[..at].trim_end().to_string();
            }
        }
        let kind = kind_of(&get(cols.notetype).unwrap_or_default());
        let tags = get(cols.tags)
            .map(|t| t.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default();
        let deck = rename
            .map(str::to_string)
            .or(get(cols.deck).filter(|d| !d.trim().is_empty()))
            .unwrap_or_else(|| default_deck.clone());
        let id = note_id(get(cols.id).as_deref(), &first);
        let spec = NoteSpec {
            id: Some(id),
            kind: (kind != "basic").then(|| kind.to_string()),
            source: get(cols.source).filter(|s| !s.trim().is_empty()),
            python: None,
            front: (kind != "cloze").then(|| first.clone()),
            text: (kind == "cloze").then(|| first.clone()),
            code,
            back,
            tags,
            reference: None,
            check: None,
        };
        if kind == "typed" && spec.back.is_none() {
            row_problems.push(bad(
                Some(line),
                "field 2 (back): a typed card needs the expected answer".into(),
            ));
            continue;
        }
        if kind == "basic" && spec.back.is_none() {
            row_problems.push(bad(Some(line), "field 2 (back): empty".into()));
            continue;
        }
        let (handle, builder) = match by_deck.entry(deck) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => {
                let builder = DeckBuilder::streaming(&file, e.key(), String::new());
                let handle = sink.deck(builder.name(), "")?;
                e.insert((handle, builder))
            }
        };
        builder.push(line, spec);
        if let Some((note, cards)) = builder.take() {
            sink.note(*handle, note)?;
            for c in cards {
                sink.card(*handle, c)?;
            }
        }
    }
    problems.extend(csv_problem);
    problems.append(&mut column_problems);
    problems.append(&mut row_problems);
    for (_, (_, builder)) in by_deck {
        let (_, mut p) = builder.finish();
        problems.append(&mut p);
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_text() {
        assert_eq!(from_html("a<br>b &amp; <b>c</b>&lt;d&gt;"), "a\nb & c<d>");
        assert_eq!(from_html("<div>x</div><div>y</div>"), "x\ny");
        assert_eq!(
            from_html("Counter(&#x27;a&#x27;) &#39;&#8364;&apos; &bogus; & &amp;lt;"),
            "Counter('a') '\u{20ac}' &bogus; & &lt;"
        );
    }

    #[test]
    fn a_pre_block_is_the_code() {
        let field = "What does &quot;this&quot; print?<pre><code>if a &lt; b:\n    print(1)\n\nx()</code></pre>";
        assert_eq!(
            split_code_block(field),
            Some((
                "What does \"this\" print?".to_string(),
                "if a < b:\n    print(1)\n\nx()".to_string()
            ))
        );
        assert_eq!(split_code_block("a <prefix> b"), None);
        assert_eq!(split_code_block("no code here"), None);
        // Odd HTML is read without panicking, and whatever is not an entity stays.
        for odd in [
            "<pre",
            "<pre>",
            "</pre><pre>",
            "<PRE>é</pre>",
            "&#x;",
            "&#99999999;",
            "&#xD800;",
            "&",
            "&;",
            "é&amp",
            "<pre>&#x1F600;</pre>x",
        ] {
            let _ = split_code_block(odd);
            let _ = from_html(odd);
        }
        assert_eq!(from_html("&#xD800; &#x1F600;"), "&#xD800; \u{1F600}");
    }

    #[test]
    fn note_ids_are_stable() {
        assert_eq!(note_id(Some("dm-x"), "q"), "dm-x");
        assert_eq!(note_id(Some("Ab#1"), "q"), "anki-41622331");
        assert_eq!(note_id(None, "q"), note_id(None, " q "));
        assert_ne!(note_id(None, "q"), note_id(None, "r"));
    }
}
