//! CSV and TSV as Anki writes and reads them ("Notes in Plain Text"): header
//! lines `#separator:`, `#html:`, `#columns:`, `#deck:`, `#tags column:`,
//! `#guid column:`, `#notetype column:`, `#deck column:`, then one note per
//! row, with fields quoted when they hold the separator, quotes or newlines,
//! so multi-line code survives a round trip.

use crate::collection::export::DeckNotes;
use crate::decks::NoteSpec;
use crate::error::{Error, Result};

mod read;
pub use read::{read, read_into};

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

pub fn write(decks: &[DeckNotes], separator: u8, tick: &mut dyn FnMut(u64)) -> Result<String> {
    let mut out = Vec::new();
    write_to(&mut out, decks, separator, tick)?;
    String::from_utf8(out).map_err(|e| Error::Encode(e.into()))
}

/// Like [`write()`], straight into `w` (a file or stdout).
pub fn write_to(
    w: &mut dyn std::io::Write,
    decks: &[DeckNotes],
    separator: u8,
    tick: &mut dyn FnMut(u64),
) -> Result<()> {
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
    pub fn new(w: &'w mut dyn std::io::Write, separator: u8) -> Result<Self> {
        let sep_name = if separator == b'\t' { "tab" } else { "comma" };
        let s = char::from(separator);
        write!(
            w,
            "#separator:{sep_name}\n#html:false\n#guid column:1\n#notetype column:2\n#deck column:3\n#tags column:6\n#columns:id{s}notetype{s}deck{s}front{s}back{s}tags{s}source\n"
        )
        .map_err(|e| Error::Csv(e.into()))?;
        let csv = csv::WriterBuilder::new()
            .delimiter(separator)
            .has_headers(false)
            .from_writer(w);
        Ok(Writer { csv })
    }

    /// One note of `deck`, as a row.
    pub fn note(&mut self, deck: &str, id: &str, n: &NoteSpec) -> Result<()> {
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
        self.csv.write_record(record).map_err(Error::Csv)
    }

    pub fn finish(mut self) -> Result<()> {
        self.csv.flush().map_err(|e| Error::Csv(e.into()))
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

impl Columns {
    /// The question's column: the first text column.
    fn front(&self) -> Option<usize> {
        self.fields.first().copied()
    }

    /// The answer's column: the second text column.
    fn back(&self) -> Option<usize> {
        self.fields.get(1).copied()
    }
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

/// Anki writes HTML; the cards here are plain text (see `interop::html`,
/// which Anki packages go through as well).
fn from_html(s: &str) -> String {
    super::html::to_text(s).trim().to_string()
}

/// A question as Anki (and py201's Anki package) writes it: the text, then
/// the code in a `<pre>` block. Returns the text and the code.
fn split_code_block(field: &str) -> Option<(String, String)> {
    let t = super::html::split_code(field);
    t.code.map(|code| (t.text.trim().to_string(), code))
}

/// A stable note id: the file's id column when present (kept as is when it is
/// a valid py201 id, else hex-encoded), otherwise derived from the first
/// field, so re-importing a file matches the same notes.
pub(super) fn note_id(id: Option<&str>, first: &str) -> String {
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
        // As HTML5 says: a surrogate's reference is U+FFFD.
        assert_eq!(from_html("&#xD800; &#x1F600;"), "\u{FFFD} \u{1F600}");
    }

    #[test]
    fn note_ids_are_stable() {
        assert_eq!(note_id(Some("dm-x"), "q"), "dm-x");
        assert_eq!(note_id(Some("Ab#1"), "q"), "anki-41622331");
        assert_eq!(note_id(None, "q"), note_id(None, " q "));
        assert_ne!(note_id(None, "q"), note_id(None, "r"));
    }
}
