//! The bound on what reading a user's file may hold in memory. Every text
//! reader of an import reads through a [`Guarded`] reader, which checks the
//! bytes as they stream past: valid UTF-8, and no CSV/TSV field, row, deck
//! file line or JSON string longer than a card could need. A file that
//! breaks a bound is refused at the first byte past it, so a 50 MB line
//! costs what 256 KiB of it does, not 50 MB read, then copied, then parsed.
//! It never decides what a field means: that is each format's reader's.

use crate::decks::MAX_FIELD;
use crate::error::{Error, Problems, Why};
use std::io::Read;

/// The longest CSV/TSV field read: the question's column holds the
/// question and its code block (each up to [`MAX_FIELD`]), and an HTML file's
/// markup is stripped after reading, so a field may be longer than the card
/// field it becomes; four times the card field limit is more than any card
/// needs.
pub const MAX_CELL: usize = 4 * MAX_FIELD;

/// The longest CSV/TSV row, deck file line or JSON string read: a few
/// fields of [`MAX_FIELD`], escaped (`\u0001` is six bytes for one).
pub const MAX_LINE: usize = 16 * MAX_FIELD;

/// What the bytes are, for the bounds that apply to them.
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    /// CSV/TSV rows with this separator (quoted fields may span lines).
    Csv(u8),
    /// Lines (a deck file).
    Lines,
    /// JSON: strings are bounded, lines are not (a backup may be one line).
    Json,
}

/// Where a CSV field is, as csv-core sees it: a quote opens a quoted field
/// only at its start; inside, `""` is a quote and `"` then anything else
/// ends the quoting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Start,
    Plain,
    Quoted,
    QuoteInQuoted,
}

/// The checks on a stream of bytes, fed a chunk at a time.
#[derive(Debug)]
pub struct Guard {
    shape: Shape,
    /// The 1-based line the next byte is on.
    line: usize,
    /// Bytes checked so far.
    offset: usize,
    field: Field,
    /// Bytes of the current field (CSV) or string (JSON).
    cell: usize,
    /// Bytes of the current row (CSV) or line.
    row: usize,
    /// JSON: inside a string, and after a backslash in one.
    in_string: bool,
    escaped: bool,
    /// The start of a UTF-8 character split between two chunks.
    carry: [u8; 4],
    carry_len: usize,
}

impl Guard {
    /// Checks bytes of `shape` that start on line `line`.
    pub fn new(shape: Shape, line: usize) -> Self {
        Guard {
            shape,
            line,
            offset: 0,
            field: Field::Start,
            cell: 0,
            row: 0,
            in_string: false,
            escaped: false,
            carry: [0; 4],
            carry_len: 0,
        }
    }

    /// Checks the next `chunk`; on the first bound broken, the line it is
    /// on and why.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), (usize, Why)> {
        self.utf8(chunk)?;
        let mut rest = chunk;
        while let Some((&b, after)) = rest.split_first() {
            if let Shape::Csv(sep) = self.shape {
                // The bytes that cannot end a field or its quoting are
                // taken as one run: byte by byte, this check was a twelfth
                // of a large import.
                let run = self.csv_run(rest, sep);
                if run > 0 {
                    rest = &rest[run..];
                    if let Some(why) = self.too_long() {
                        return Err((self.line, Why::Syntax(why)));
                    }
                    continue;
                }
            }
            rest = after;
            let broken = match self.shape {
                Shape::Csv(sep) => self.csv(b, sep),
                Shape::Lines => self.lines(b),
                Shape::Json => self.json(b),
            };
            if let Some(why) = broken {
                return Err((self.line, Why::Syntax(why)));
            }
            self.offset += 1;
            if b == b'\n' {
                self.line += 1;
            }
        }
        Ok(())
    }

    /// The end of the bytes: a character cut off by it is not UTF-8.
    pub fn finish(&self) -> Result<(), (usize, Why)> {
        match self.carry_len {
            0 => Ok(()),
            _ => Err((self.line, not_utf8(self.offset))),
        }
    }

    /// Checks that `chunk` continues valid UTF-8.
    fn utf8(&mut self, mut chunk: &[u8]) -> Result<(), (usize, Why)> {
        let mut at = self.offset;
        if self.carry_len > 0 {
            let width = utf8_width(self.carry[0]);
            let take = (width - self.carry_len).min(chunk.len());
            self.carry[self.carry_len..self.carry_len + take].copy_from_slice(&chunk[..take]);
            self.carry_len += take;
            chunk = &chunk[take..];
            at += take;
            if self.carry_len < width {
                return Ok(());
            }
            let start = self.offset - (width - take);
            std::str::from_utf8(&self.carry[..width]).map_err(|_| (self.line, not_utf8(start)))?;
            self.carry_len = 0;
        }
        match std::str::from_utf8(chunk) {
            Ok(_) => Ok(()),
            Err(e) if e.error_len().is_none() => {
                let tail = &chunk[e.valid_up_to()..];
                self.carry[..tail.len()].copy_from_slice(tail);
                self.carry_len = tail.len();
                Ok(())
            }
            Err(e) => {
                let valid = &chunk[..e.valid_up_to()];
                let line = self.line + valid.iter().filter(|&&b| b == b'\n').count();
                Err((line, not_utf8(at + e.valid_up_to())))
            }
        }
    }

    /// How many bytes at the start of `bytes` continue the current field
    /// without ending it or its quoting, counted in.
    fn csv_run(&mut self, bytes: &[u8], sep: u8) -> usize {
        let run = match self.field {
            Field::Quoted => bytes.iter().position(|&b| b == b'"'),
            Field::Plain => bytes
                .iter()
                .position(|&b| b == sep || b == b'\n' || b == b'\r'),
            Field::Start | Field::QuoteInQuoted => Some(0),
        }
        .unwrap_or(bytes.len());
        if self.field == Field::Quoted {
            self.line += bytes[..run].iter().filter(|&&b| b == b'\n').count();
        }
        self.cell += run;
        self.row += run;
        self.offset += run;
        run
    }

    fn csv(&mut self, b: u8, sep: u8) -> Option<String> {
        let ends_row = b == b'\n' || b == b'\r';
        self.field = match self.field {
            Field::Quoted if b == b'"' => Field::QuoteInQuoted,
            Field::Quoted => Field::Quoted,
            Field::QuoteInQuoted | Field::Start if b == b'"' => Field::Quoted,
            _ if b == sep || ends_row => Field::Start,
            _ => Field::Plain,
        };
        if self.field == Field::Start {
            self.cell = 0;
            self.row = if ends_row { 0 } else { self.row + 1 };
            return None;
        }
        self.cell += 1;
        self.row += 1;
        self.too_long()
    }

    fn lines(&mut self, b: u8) -> Option<String> {
        if b == b'\n' {
            self.row = 0;
            return None;
        }
        self.row += 1;
        (self.row > MAX_LINE).then(|| {
            format!("a line of more than {MAX_LINE} bytes; a card field holds at most {MAX_FIELD}")
        })
    }

    fn json(&mut self, b: u8) -> Option<String> {
        if !self.in_string {
            self.in_string = b == b'"';
            self.cell = 0;
            return None;
        }
        if self.escaped {
            self.escaped = false;
        } else if b == b'\\' {
            self.escaped = true;
        } else if b == b'"' {
            self.in_string = false;
            return None;
        }
        self.cell += 1;
        (self.cell > MAX_LINE).then(|| {
            format!(
                "a string of more than {MAX_LINE} bytes; a card field holds at most {MAX_FIELD}"
            )
        })
    }

    /// The CSV bounds, checked at every byte of a field.
    fn too_long(&self) -> Option<String> {
        if self.cell > MAX_CELL {
            Some(format!(
                "a field of more than {MAX_CELL} bytes; a card field holds at most {MAX_FIELD}"
            ))
        } else if self.row > MAX_LINE {
            Some(format!(
                "a row of more than {MAX_LINE} bytes; a card field holds at most {MAX_FIELD}"
            ))
        } else {
            None
        }
    }
}

/// The bytes a UTF-8 character takes, by its first byte (one that
/// `from_utf8` found to start a valid but cut-off character).
fn utf8_width(first: u8) -> usize {
    match first {
        0xF0.. => 4,
        0xE0.. => 3,
        _ => 2,
    }
}

fn not_utf8(byte: usize) -> Why {
    Why::Unreadable(format!(
        "is not valid UTF-8 (byte {byte}); save it as UTF-8"
    ))
}

/// A reader that checks what it reads with a [`Guard`]. A broken bound
/// ends the reading with an I/O error (so a parser reading through it
/// stops there) and is kept for [`Guarded::refused`], the one problem the
/// file is refused for.
pub struct Guarded<R> {
    inner: R,
    guard: Guard,
    file: String,
    refused: Option<(usize, Why)>,
}

impl<R: Read> Guarded<R> {
    pub fn new(inner: R, shape: Shape, line: usize, file: &str) -> Self {
        Guarded {
            inner,
            guard: Guard::new(shape, line),
            file: file.to_string(),
            refused: None,
        }
    }

    /// The bound the file broke, as the error it is refused with.
    pub fn refused(&self) -> Option<Error> {
        self.refused
            .as_ref()
            .map(|(line, why)| Error::Import(Problems::one(&self.file, Some(*line), why.clone())))
    }
}

impl<R: Read> Read for Guarded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.refused.is_some() {
            return Err(std::io::Error::other("refused"));
        }
        let n = self.inner.read(buf)?;
        let checked = match n {
            0 => self.guard.finish(),
            _ => self.guard.feed(&buf[..n]),
        };
        checked.map_err(|broken| {
            self.refused = Some(broken);
            std::io::Error::new(std::io::ErrorKind::InvalidData, "refused")
        })?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(shape: Shape, text: &[u8], chunk: usize) -> Result<(), (usize, Why)> {
        let mut g = Guard::new(shape, 1);
        for c in text.chunks(chunk) {
            g.feed(c)?;
        }
        g.finish()
    }

    #[test]
    fn fields_rows_and_lines_within_bounds_pass() {
        let cell = "x".repeat(MAX_CELL);
        let quoted = format!("\"{}\"\"{}\"", "y".repeat(MAX_CELL / 2), "\n".repeat(10));
        let row = format!("{cell},{quoted}\n{cell}\n");
        for chunk in [1, 7, 8192] {
            assert_eq!(check(Shape::Csv(b','), row.as_bytes(), chunk), Ok(()));
        }
        // A quote inside an unquoted field is a character, not quoting.
        let code = format!("print(\"a)\t{}\n", "z".repeat(10));
        let many = code.repeat(MAX_LINE / code.len() + 10);
        assert_eq!(check(Shape::Csv(b'\t'), many.as_bytes(), 8192), Ok(()));
        let lines = format!("{}\n", "l".repeat(MAX_LINE)).repeat(3);
        assert_eq!(check(Shape::Lines, lines.as_bytes(), 8192), Ok(()));
        let json = format!("{{\"a\":\"{}\\\"\"}}", "j".repeat(MAX_LINE - 2)).repeat(3);
        assert_eq!(check(Shape::Json, json.as_bytes(), 8192), Ok(()));
    }

    #[test]
    fn the_first_byte_past_a_bound_is_refused_on_its_line() {
        let too_long = |shape, text: String, what: &str| {
            let (line, why) = check(shape, text.as_bytes(), 4096).unwrap_err();
            assert_eq!(line, 3, "{what}");
            assert!(why.to_string().contains(what), "{why}");
        };
        let big = "x".repeat(MAX_CELL + 1);
        too_long(Shape::Csv(b','), format!("a,b\nc,d\n{big},e\n"), "a field");
        let quoted = format!("a,b\nc,d\n\"{}\"", "q\n".repeat(MAX_CELL));
        let (line, _) = check(Shape::Csv(b','), quoted.as_bytes(), 4096).unwrap_err();
        assert!(line > 3, "a quoted field is counted across its lines");
        let row = format!("{},", "r".repeat(MAX_CELL - 1)).repeat(20);
        too_long(Shape::Csv(b','), format!("a\nb\n{row}"), "a row");
        let line = "l".repeat(MAX_LINE + 1);
        too_long(Shape::Lines, format!("a\nb\n{line}\n"), "a line");
        let string = format!("\"{}\"", "s".repeat(MAX_LINE + 1));
        too_long(Shape::Json, format!("{{\n[\n{string}"), "a string");
    }

    #[test]
    fn utf8_is_checked_across_chunks() {
        let text = "a\né€😀\n".repeat(100);
        for chunk in 1..9 {
            assert_eq!(check(Shape::Lines, text.as_bytes(), chunk), Ok(()));
        }
        let mut bad = b"ab\ncd\n".to_vec();
        bad.push(0xff);
        for chunk in 1..9 {
            let (line, why) = check(Shape::Lines, &bad, chunk).unwrap_err();
            assert_eq!((line, why.to_string()), (3, not_utf8(6).to_string()));
        }
        let cut = &"x\n€".as_bytes()[..3];
        assert_eq!(check(Shape::Lines, cut, 1).unwrap_err().0, 2);
    }
}
