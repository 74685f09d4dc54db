//! Anki packages (`.apkg` decks, `.colpkg` collection backups) read into
//! py201 decks: every package format Anki writes and has written (see
//! `package`), both collection schemas (`schema`), and every note type
//! rendered through its own templates (`template`), its HTML turned into
//! text (`interop::html`).
//!
//! Each Anki card becomes one py201 card. A cloze note becomes a py201
//! cloze note (one card per deletion, as in Anki); a card whose question
//! has `{{type:Field}}` a typed card expecting that field; any other card
//! a basic one whose front and back are its rendered question and answer.
//! Ids come from the note's guid (and the card's template for the second
//! and later templates), so importing a package again updates its cards.

pub mod package;
pub mod progress;
pub mod schema;
pub mod template;

use super::{Sink, StreamedDecks, html, text::note_id};
use crate::decks::NoteSpec;
use crate::error::{Error, Problem, Problems, Result, Why};
pub use package::{Package, is_zip, open};
use schema::NoteType;
use std::collections::{HashMap, VecDeque};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use template::{Context, Side};

/// One Anki note and its cards: (template ordinal, home deck id).
struct AnkiNote {
    guid: String,
    mid: i64,
    tags: String,
    fields: String,
    cards: Vec<(u32, i64)>,
}

/// How many notes a converting thread is given at a time.
const NOTES_PER_CHUNK: usize = 256;

/// The threads that turn notes into py201 notes (templates rendered, HTML
/// to text) while the reading thread reads rows and hands the results on
/// in order: converting was the slowest part of reading a package, and
/// the thread writing its cards waited on it. 100,000 notes whose fields
/// are HTML as Anki's editor writes it (`<div>`, `&nbsp;`, `<b>`) import
/// in 2.9 s instead of 3.2 s. The notes they make are freed on the reading
/// thread once written, as every import's are (`read_in_background`),
/// which keeps that work off the writing thread.
const CONVERTERS: usize = 2;

/// Reads every card of the package into `sink`, `rename` naming the one
/// deck they all go to. Fails with every problem found.
pub fn read_into(
    pkg: &Package,
    file: &str,
    rename: Option<&str>,
    sink: &mut dyn Sink,
) -> Result<()> {
    let convert = Converter {
        rename,
        types: schema::note_types(&pkg.conn, file)?,
        deck_names: schema::decks(&pkg.conn, file)?,
    };
    let mut r = Reader {
        file,
        decks: StreamedDecks::default(),
        problems: Problems::default(),
    };
    std::thread::scope(|scope| -> Result<()> {
        let mut turns = Turns {
            converters: Vec::with_capacity(CONVERTERS),
            in_flight: VecDeque::new(),
            sent: 0,
        };
        for _ in 0..CONVERTERS {
            let (to, notes) = sync_channel::<Vec<AnkiNote>>(1);
            let (done, from) = sync_channel::<Vec<Converted>>(1);
            let convert = &convert;
            scope.spawn(move || {
                for chunk in notes {
                    let converted = chunk.iter().map(|n| convert.note(n)).collect();
                    if done.send(converted).is_err() {
                        break;
                    }
                }
            });
            turns.converters.push((to, from));
        }
        let mut chunk = Vec::with_capacity(NOTES_PER_CHUNK);
        each_note(pkg, |note| {
            chunk.push(note);
            if chunk.len() == NOTES_PER_CHUNK {
                let full = std::mem::replace(&mut chunk, Vec::with_capacity(NOTES_PER_CHUNK));
                turns.give(full, &mut r, sink)?;
            }
            Ok(())
        })?;
        turns.give(chunk, &mut r, sink)?;
        while turns.take(&mut r, sink)? {}
        Ok(())
    })?;
    r.finish()
}

/// A converting thread's ends: chunks of notes to it, their results back.
type Line = (SyncSender<Vec<AnkiNote>>, Receiver<Vec<Converted>>);

/// Chunks of notes given to the converters in turn, and their results
/// taken back in the order given.
struct Turns {
    converters: Vec<Line>,
    /// The converter of each chunk given and not taken back, oldest first.
    in_flight: VecDeque<usize>,
    sent: usize,
}

impl Turns {
    /// Gives `chunk` to the next converter, first taking back the oldest
    /// result when each converter has a chunk waiting behind the one it
    /// converts.
    fn give(&mut self, chunk: Vec<AnkiNote>, r: &mut Reader, sink: &mut dyn Sink) -> Result<()> {
        if self.in_flight.len() == 2 * CONVERTERS {
            self.take(r, sink)?;
        }
        let c = self.sent % CONVERTERS;
        self.sent += 1;
        self.converters[c]
            .0
            .send(chunk)
            .map_err(|_| Error::ReaderStopped)?;
        self.in_flight.push_back(c);
        Ok(())
    }

    /// Adds the oldest chunk's notes through `r`; false when none was out.
    fn take(&mut self, r: &mut Reader, sink: &mut dyn Sink) -> Result<bool> {
        let Some(c) = self.in_flight.pop_front() else {
            return Ok(false);
        };
        let converted = self.converters[c]
            .1
            .recv()
            .map_err(|_| Error::ReaderStopped)?;
        for note in converted {
            r.add_note(note, sink)?;
        }
        Ok(true)
    }
}

/// Calls `f` with each of the package's notes and its cards, in note id
/// order.
fn each_note(pkg: &Package, mut f: impl FnMut(AnkiNote) -> Result<()>) -> Result<()> {
    // A card in a filtered deck belongs to its home deck (odid).
    let mut stmt = pkg.conn.prepare(
        "SELECT n.id, n.guid, n.mid, n.tags, n.flds, c.ord,
                CASE WHEN c.odid <> 0 THEN c.odid ELSE c.did END
         FROM notes n JOIN cards c ON c.nid = n.id ORDER BY n.id, c.ord",
    )?;
    let mut rows = stmt.query([])?;
    let mut current: Option<(i64, AnkiNote)> = None;
    while let Some(row) = rows.next()? {
        let nid: i64 = row.get(0)?;
        if current.as_ref().is_none_or(|(id, _)| *id != nid) {
            if let Some((_, note)) = current.take() {
                f(note)?;
            }
            let note = AnkiNote {
                guid: row.get(1)?,
                mid: row.get(2)?,
                tags: row.get(3)?,
                fields: row.get(4)?,
                cards: vec![],
            };
            current = Some((nid, note));
        }
        if let Some((_, note)) = current.as_mut() {
            note.cards.push((row.get(5)?, row.get(6)?));
        }
    }
    match current {
        Some((_, note)) => f(note),
        None => Ok(()),
    }
}

/// What one Anki note becomes: py201 notes with the decks they go to, and
/// the problems found (its cards that cannot be made).
struct Converted {
    notes: Vec<(String, NoteSpec)>,
    problems: Vec<Why>,
}

/// What turning a package's notes into py201 notes needs, shared by the
/// converting threads.
struct Converter<'a> {
    rename: Option<&'a str>,
    types: HashMap<i64, NoteType>,
    deck_names: HashMap<i64, String>,
}

impl Converter<'_> {
    fn note(&self, n: &AnkiNote) -> Converted {
        let id = note_id(Some(&n.guid), "");
        let Some(nt) = self.types.get(&n.mid) else {
            let why = format!("its note type ({}) is missing from the package", n.mid);
            return Converted {
                notes: vec![],
                problems: vec![Why::Card { card: id, why }],
            };
        };
        let values = n.fields.split('\u{1f}').map(str::to_string);
        let fields: Vec<(String, String)> = nt
            .fields
            .iter()
            .cloned()
            .zip(values.chain(std::iter::repeat(String::new())))
            .collect();
        let tags: Vec<String> = n.tags.split_whitespace().map(str::to_string).collect();
        let mut specs: Vec<(String, NoteSpec)> = vec![];
        let mut problems = vec![];
        if nt.cloze {
            let deck = n
                .cards
                .first()
                .map_or_else(|| "Default".to_string(), |&(_, did)| self.deck_name(did));
            specs.push((deck, cloze_note(nt, &fields, &id, &n.tags)));
        } else {
            for &(ord, did) in &n.cards {
                let deck = self.deck_name(did);
                match card_note(nt, &fields, ord, &id, &n.tags, &deck) {
                    Ok(spec) => specs.push((deck, spec)),
                    Err(why) => problems.push(why),
                }
            }
        }
        let source = source_of(&fields);
        for (_, spec) in &mut specs {
            spec.tags.clone_from(&tags);
            spec.source.clone_from(&source);
        }
        Converted {
            notes: specs,
            problems,
        }
    }

    fn deck_name(&self, did: i64) -> String {
        match self.rename {
            Some(name) => name.to_string(),
            None => self
                .deck_names
                .get(&did)
                .cloned()
                .unwrap_or_else(|| "Default".into()),
        }
    }
}

struct Reader<'a> {
    file: &'a str,
    decks: StreamedDecks,
    problems: Problems,
}

impl Reader<'_> {
    /// One converted note: its problems noted, its py201 notes added.
    fn add_note(&mut self, c: Converted, sink: &mut dyn Sink) -> Result<()> {
        for why in c.problems {
            self.problems.push(Problem::new(self.file, None, why));
        }
        for (deck, spec) in c.notes {
            self.decks.add(self.file, deck, 0, spec, sink)?;
        }
        Ok(())
    }

    /// Every problem found: the notes', then each deck's (which have no
    /// line to point to in a package).
    fn finish(self) -> Result<()> {
        let mut problems = self.problems;
        for mut p in self.decks.finish() {
            p.line = None;
            problems.push(p);
        }
        problems.into_result()
    }
}

/// The course section a py201 export left in a field (see
/// `apkg::source_mark`), if any.
pub fn source_of(fields: &[(String, String)]) -> Option<String> {
    const MARK: &str = "<!--py201 source: ";
    fields.iter().find_map(|(_, v)| {
        let at = v.find(MARK)? + MARK.len();
        let len = v[at..].find("-->")?;
        let s = v[at..at + len]
            .replace("%3E", ">")
            .replace("%2D", "-")
            .replace("%25", "%");
        Some(s)
    })
}

/// Anki's `[sound:NAME]` as the readable placeholder py201 shows for
/// media it does not keep (`[image: NAME]` comes from `<img>`).
fn sounds_named(text: &str) -> String {
    text.replace("[sound:", "[sound: ")
}

/// A field as text, sounds named.
fn text(html: &str) -> String {
    sounds_named(&html::to_text(html))
}

/// A cloze note: its cloze field as py201 cloze text, and what the answer
/// shows besides (its back template without the cloze).
fn cloze_note(nt: &NoteType, fields: &[(String, String)], id: &str, tags: &str) -> NoteSpec {
    let front = nt.templates.first().map_or("", |t| t.front.as_str());
    let back = nt.templates.first().map_or("", |t| t.back.as_str());
    let name = cloze_field(front).unwrap_or_else(|| nt.fields.first().cloned().unwrap_or_default());
    let value = fields
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(String::new(), |(_, v)| v.clone());
    if value.contains("image-occlusion:") {
        return occlusion_note(fields, &name, id);
    }
    // The answer side with the cloze field blanked is what it adds.
    let blanked: Vec<(String, String)> = fields
        .iter()
        .map(|(n, v)| {
            (
                n.clone(),
                if *n == name { String::new() } else { v.clone() },
            )
        })
        .collect();
    let cx = Context {
        fields: &blanked,
        cloze: None,
        tags,
        deck: "",
        notetype: &nt.name,
        card: "",
        side: Side::Answer { front: "" },
    };
    let extra = text(&template::render(back, &cx).html);
    NoteSpec {
        id: Some(id.to_string()),
        kind: Some("cloze".into()),
        text: Some(text(&value)),
        back: Some(extra).filter(|e| !e.trim().is_empty()),
        ..NoteSpec::default()
    }
}

/// The field a cloze template's `{{cloze:Field}}` names.
fn cloze_field(template: &str) -> Option<String> {
    let at = template.find("cloze:")?;
    let rest = &template[at + "cloze:".len()..];
    Some(rest[..rest.find("}}")?].trim().to_string())
}

/// An Image Occlusion note: the shapes need the image, which py201 does not
/// keep, so the card is its text (header, the image's name) and its notes.
fn occlusion_note(fields: &[(String, String)], occlusion: &str, id: &str) -> NoteSpec {
    let others: Vec<String> = fields
        .iter()
        .filter(|(n, _)| n != occlusion)
        .map(|(_, v)| text(v))
        .collect();
    let (front, back) = match others.as_slice() {
        [image, header, rest @ ..] => {
            let front = [header.as_str(), image.as_str()]
                .iter()
                .filter(|s| !s.trim().is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join("\n");
            (front, rest.join("\n").trim().to_string())
        }
        _ => (others.join("\n"), String::new()),
    };
    NoteSpec {
        id: Some(id.to_string()),
        front: Some(front),
        back: Some(if back.is_empty() {
            "(image occlusion)".into()
        } else {
            back
        }),
        ..NoteSpec::default()
    }
}

/// One card of a normal note type, rendered through its template.
fn card_note(
    nt: &NoteType,
    fields: &[(String, String)],
    ord: u32,
    base: &str,
    tags: &str,
    deck: &str,
) -> std::result::Result<NoteSpec, Why> {
    let id = if ord == 0 {
        base.to_string()
    } else {
        format!("{base}-{}", ord + 1)
    };
    let Some(t) = nt.templates.get(ord as usize) else {
        let why = format!("note type {:?} has no card template {}", nt.name, ord + 1);
        return Err(Why::Card { card: id, why });
    };
    let mut cx = Context {
        fields,
        cloze: None,
        tags,
        deck,
        notetype: &nt.name,
        card: &t.name,
        side: Side::Question,
    };
    let q = template::render(&t.front, &cx);
    cx.side = Side::Answer { front: &q.html };
    let a = template::render(&t.back, &cx);
    let question = html::split_code(&q.html);
    let back = match &q.typed {
        Some(f) => fields.iter().find(|(n, _)| n == f).map(|(_, v)| text(v)),
        None => Some(text(answer_part(&a.html, &q.html))),
    };
    Ok(NoteSpec {
        id: Some(id),
        kind: q.typed.is_some().then(|| "typed".to_string()),
        front: Some(sounds_named(&question.text)),
        code: question.code,
        back,
        ..NoteSpec::default()
    })
}

/// The answer without the question Anki repeats above it: what follows
/// `<hr id=answer>`, else what follows the question.
fn answer_part<'h>(answer: &'h str, question: &str) -> &'h str {
    let lower = answer.to_ascii_lowercase();
    for marker in ["<hr id=answer>", "<hr id=\"answer\">"] {
        if let Some(at) = lower.find(marker) {
            return &answer[at + marker.len()..];
        }
    }
    answer.strip_prefix(question).unwrap_or(answer)
}
