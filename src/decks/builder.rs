//! [`DeckBuilder`]: notes into a deck one at a time, validated and with
//! their clozes expanded, so an importer can build a deck while it reads a
//! large file.

use super::*;

/// How many of the latest card ids the streaming builders of one import
/// keep together to name a repeated id with both its lines (about 4 MB).
const STREAM_IDS: usize = 1 << 16;

/// A 128-bit key for a card id (two independently keyed SipHashes), so the
/// duplicate check holds 16 bytes per card instead of a copy of every id: a
/// 1,000,000-card import peaked at 211 MB with the ids kept. Two distinct
/// ids share a key with odds of about n² / 2¹²⁹: 10⁻²⁷ for a million.
#[derive(Default)]
struct IdKeys(std::hash::RandomState, std::hash::RandomState);

impl IdKeys {
    fn of(&self, id: impl std::hash::Hash + Copy) -> u128 {
        use std::hash::BuildHasher;
        u128::from(self.0.hash_one(id)) << 64 | u128::from(self.1.hash_one(id))
    }
}

/// The card ids the streaming builders of one import remember, shared by
/// all of them: the latest [`STREAM_IDS`] of every deck together, so the
/// memory is the same however many decks the file has (each builder
/// keeping its own had a million-card package of 20 decks at 82 MB). An
/// id repeated further apart is caught where the cards are stored (the
/// sync's unique card ids: "card id … is twice in deck …"), and the
/// import fails as well, with that line instead of this one.
#[derive(Clone, Default)]
pub struct StreamIds(std::rc::Rc<std::cell::RefCell<Recent>>);

#[derive(Default)]
struct Recent {
    keys: IdKeys,
    /// The line of each (deck, card id) remembered, by key.
    lines: HashMap<u128, usize>,
    /// The keys in `lines` in the order seen.
    order: std::collections::VecDeque<u128>,
    /// How many decks' builders share these.
    decks: u32,
}

impl StreamIds {
    /// A number for a new deck's builder, which its ids are kept under.
    fn deck(&self) -> u32 {
        let mut r = self.0.borrow_mut();
        r.decks += 1;
        r.decks
    }

    /// Records that `id` of `deck` is on `line`; the line it was on before,
    /// if it is remembered.
    fn remember(&self, deck: u32, id: &str, line: usize) -> Option<usize> {
        let mut r = self.0.borrow_mut();
        let key = r.keys.of((deck, id));
        let before = r.lines.insert(key, line);
        if before.is_none() {
            r.order.push_back(key);
            if r.order.len() > STREAM_IDS
                && let Some(old) = r.order.pop_front()
            {
                r.lines.remove(&old);
            }
        }
        before
    }
}

/// [`from_notes`] one note at a time, so an importer can build a deck while
/// it reads a large file instead of holding every note twice.
pub struct DeckBuilder {
    file: String,
    content: DeckContent,
    checks: Vec<PyCheck>,
    notes: Vec<NoteInfo>,
    /// The line of each card id seen, keyed by [`IdKeys`] (not streaming).
    ids: HashMap<u128, usize>,
    keys: IdKeys,
    /// When streaming, the ids remembered instead, and this deck's number
    /// among them.
    stream: Option<(StreamIds, u32)>,
    problems: Problems,
    /// Whether to keep each note's facts and checks (for `py201 check`); an
    /// importer streaming a large file takes the notes and needs neither.
    keep_info: bool,
    pub(super) python_check: PythonCheck,
}

impl DeckBuilder {
    pub fn new(file: &str, name: &str, description: String) -> Self {
        let mut problems = Problems::default();
        if name.trim().is_empty() {
            let why = Why::Deck("[deck] name is empty".into());
            problems.push(Problem::new(file, None, why));
        }
        DeckBuilder {
            file: file.to_string(),
            content: DeckContent {
                name: name.trim().to_string(),
                description,
                cards: vec![],
                notes: vec![],
            },
            checks: Vec::new(),
            notes: Vec::new(),
            ids: HashMap::new(),
            keys: IdKeys::default(),
            stream: None,
            problems,
            keep_info: true,
            python_check: PythonCheck::Optional,
        }
    }

    /// A builder whose notes are taken with [`DeckBuilder::take`] as they
    /// are pushed, keeping only what is needed to find duplicate ids: the
    /// latest ones, in `ids`, shared with the other decks of the import.
    pub fn streaming(file: &str, name: &str, description: String, ids: &StreamIds) -> Self {
        DeckBuilder {
            keep_info: false,
            stream: Some((ids.clone(), ids.deck())),
            ..Self::new(file, name, description)
        }
    }

    /// The deck's name, trimmed as it is stored.
    pub fn name(&self) -> &str {
        &self.content.name
    }

    /// The note pushed last, with its cards, unless it was not kept (a
    /// problem stopped it) or was taken already.
    pub fn take(&mut self) -> Option<(NoteContent, Vec<CardContent>)> {
        // Cards of a note that a problem stopped halfway go with it.
        let cards = std::mem::take(&mut self.content.cards);
        Some((self.content.notes.pop()?, cards))
    }

    /// Adds the note `c`, which starts on `line`, or records why it cannot be.
    pub fn push(&mut self, line: usize, c: NoteSpec) {
        let Some(id) = self.checked_id(line, &c) else {
            return;
        };
        let Some(kind) = self.checked_kind(line, &id, &c) else {
            return;
        };
        self.check_fields(line, &id, &c);
        let source = c.source.clone().unwrap_or_default().trim().to_string();
        let check = self.checked_check(line, &id, &c, kind);
        let tags = tags_of(&c);
        let carded = match kind {
            CardKind::Basic | CardKind::Typed => {
                self.push_card(line, &id, &c, kind, tags, source.clone());
                true
            }
            CardKind::Cloze => self.push_clozes(line, &id, &c, &tags, &source),
        };
        if !carded {
            return;
        }
        if let Some((code, expect)) = check.as_ref().filter(|_| self.keep_info) {
            self.checks.push(PyCheck {
                card: id.clone(),
                file: self.file.clone(),
                line,
                code: code.clone(),
                expect: expect.clone(),
                python: c.python.clone(),
            });
        }
        self.push_note(&id, &c, kind);
        if !self.keep_info {
            return;
        }
        self.notes.push(NoteInfo {
            id,
            line,
            source,
            has_ref: nonempty(&c.reference),
            has_check: check.is_some(),
            cloze_text: (kind == CardKind::Cloze).then(|| c.text.clone().unwrap_or_default()),
        });
    }

    fn problem(&mut self, line: usize, why: Why) {
        self.problems
            .push(Problem::new(&self.file, Some(line), why));
    }

    fn card_problem(&mut self, line: usize, id: &str, why: String) {
        let card = id.to_string();
        self.problem(line, Why::Card { card, why });
    }

    /// The note's id, trimmed, after recording a malformed or repeated one;
    /// `None`, which drops the note, when it has none.
    fn checked_id(&mut self, line: usize, c: &NoteSpec) -> Option<String> {
        let Some(id) = c.id.as_deref().map(str::trim).filter(|s| !s.is_empty()) else {
            self.problem(line, Why::Id("card has no id".into()));
            return None;
        };
        let id = id.to_string();
        if !valid_id(&id) {
            let why = format!("card id {id:?} must be lowercase letters, digits, '-', '_' or '.'");
            self.problem(line, Why::Id(why));
        }
        if let Some(first) = self.remember(&id, line) {
            let why = format!("duplicate card id {id:?} (first at line {first})");
            self.problem(line, Why::Id(why));
        }
        Some(id)
    }

    /// Records that `id` is on `line`; the line it was first on, if it was
    /// seen before. A streaming builder remembers only the latest ids of
    /// its import (see [`StreamIds`]), so its memory does not grow with the
    /// file (a million-card import peaked at 111 MB, most of it the ids).
    fn remember(&mut self, id: &str, line: usize) -> Option<usize> {
        match &self.stream {
            Some((ids, deck)) => ids.remember(*deck, id, line),
            None => self.ids.insert(self.keys.of(id), line),
        }
    }

    /// The note's kind; `None`, which drops the note, for an unknown one.
    fn checked_kind(&mut self, line: usize, id: &str, c: &NoteSpec) -> Option<CardKind> {
        let name = c.kind.as_deref().unwrap_or("basic");
        let kind = CardKind::parse(name);
        if kind.is_none() {
            let why = format!("unknown kind {name:?} (kinds: basic, cloze, typed)");
            self.card_problem(line, id, why);
        }
        kind
    }

    /// What any kind of note must satisfy: field sizes, the Python
    /// version, code that is not blank.
    fn check_fields(&mut self, line: usize, id: &str, c: &NoteSpec) {
        for (field, value) in [
            ("front", &c.front),
            ("back", &c.back),
            ("text", &c.text),
            ("code", &c.code),
        ] {
            let len = value.as_deref().map_or(0, str::len);
            if len > MAX_FIELD {
                let why = format!("{field} is {len} bytes; a card field holds at most {MAX_FIELD}");
                self.card_problem(line, id, why);
            }
        }
        if let Some(p) = c.python.as_deref().filter(|p| !valid_python_spec(p)) {
            let why = format!("python {p:?} must look like \"3.12\", \"3.12+\" or \"3.11-3.12\"");
            self.card_problem(line, id, why);
        }
        if c.code.as_deref().is_some_and(|s| s.trim().is_empty()) {
            self.card_problem(line, id, "code is empty".into());
        }
    }

    /// The note's Python check, (code, expected output): its own
    /// `[cards.check]`, or a typed card's code and answer. Code that nothing
    /// checks is a problem: a card would teach output no one has seen.
    fn checked_check(
        &mut self,
        line: usize,
        id: &str,
        c: &NoteSpec,
        kind: CardKind,
    ) -> Option<(String, String)> {
        let has_check = match (&c.check, kind) {
            (Some(_), _) => true,
            (None, CardKind::Typed) => c.code.is_some() && c.back.is_some(),
            (None, _) => false,
        };
        // Only `py201 check` runs the checks: a streaming import, whose
        // cards with code are mostly typed, does not copy each card's code
        // and answer into one it drops (a tenth of a code-heavy import).
        let check = match (&c.check, kind) {
            _ if !has_check || !self.keep_info => None,
            (Some(ch), _) => Some((ch.code.clone(), ch.expect.clone())),
            _ => c.code.clone().zip(c.back.clone()),
        };
        if c.code.is_some() && !has_check && self.python_check == PythonCheck::Required {
            let why = "a card with code needs a [cards.check] (or kind = \"typed\"): this deck's header says python-check = \"required\"";
            self.card_problem(line, id, why.into());
        }
        if c.check.as_ref().is_some_and(|ch| ch.code.trim().is_empty()) {
            self.card_problem(line, id, "check.code is empty".into());
        }
        check
    }

    /// A basic or typed note's one card.
    fn push_card(
        &mut self,
        line: usize,
        id: &str,
        c: &NoteSpec,
        kind: CardKind,
        tags: Vec<String>,
        source: String,
    ) {
        if c.text.is_some() {
            let why = "`text` is for cloze cards; use front and back";
            self.card_problem(line, id, why.into());
        }
        if !nonempty(&c.front) {
            self.card_problem(line, id, "front is missing or empty".into());
        }
        if !nonempty(&c.back) {
            self.card_problem(line, id, "back is missing or empty".into());
        }
        self.content.cards.push(CardContent {
            note: id.to_string(),
            uid: id.to_string(),
            kind,
            // Trimmed from the note's text: one copy each, not two.
            front: c.front.as_deref().unwrap_or_default().trim().to_string(),
            back: c.back.as_deref().unwrap_or_default().trim().to_string(),
            code: c.code.as_deref().map(|s| s.trim_end().to_string()),
            tags,
            source,
        });
    }

    /// A cloze note's cards, one per deletion number. Returns false when a
    /// deletion cannot be rendered, which drops the whole note.
    fn push_clozes(
        &mut self,
        line: usize,
        id: &str,
        c: &NoteSpec,
        tags: &[String],
        source: &str,
    ) -> bool {
        if c.front.is_some() {
            let why = "cloze cards use `text`, not `front`";
            self.card_problem(line, id, why.into());
        }
        let text = c.text.clone().unwrap_or_default();
        let numbers = match cloze::numbers(&text) {
            Ok(ns) => ns,
            Err(why) => {
                let card = id.to_string();
                self.problem(line, Why::Cloze { card, why });
                return true;
            }
        };
        let extra = c.back.as_deref().map(str::trim).filter(|s| !s.is_empty());
        for n in numbers {
            let Ok((front, mut back)) = cloze::render(&text, n) else {
                return false;
            };
            if let Some(extra) = extra {
                back = format!("{}\n\n{extra}", back.trim());
            }
            self.content.cards.push(CardContent {
                note: id.to_string(),
                uid: format!("{id}:c{n}"),
                kind: CardKind::Cloze,
                front: front.trim().to_string(),
                back: back.trim().to_string(),
                code: c.code.clone().map(|s| s.trim_end().to_string()),
                tags: tags.to_vec(),
                source: source.to_string(),
            });
        }
        true
    }

    /// The note itself, after its cards. Most notes of a CSV/TSV are
    /// exactly their one card: stored without a JSON copy of it, they halve
    /// what an import writes.
    fn push_note(&mut self, id: &str, c: &NoteSpec, kind: CardKind) {
        let lean = kind != CardKind::Cloze
            && self
                .content
                .cards
                .last()
                .is_some_and(|card| card.note == id && c.is_of_card(card));
        self.content.notes.push(NoteContent {
            id: id.to_string(),
            fields: if lean {
                String::new()
            } else {
                serde_json::to_string(c).unwrap_or_default()
            },
        });
    }

    pub fn finish(self) -> (Option<ParsedDeck>, Problems) {
        (
            Some(ParsedDeck {
                file: self.file,
                content: self.content,
                python_check: self.python_check,
                checks: self.checks,
                notes: self.notes,
            }),
            self.problems,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(id: &str) -> NoteSpec {
        NoteSpec {
            id: Some(id.into()),
            front: Some("Q".into()),
            back: Some("A".into()),
            ..NoteSpec::default()
        }
    }

    /// The duplicate-id problems a builder found.
    fn duplicates(b: DeckBuilder) -> Vec<String> {
        b.finish()
            .1
            .iter()
            .map(|p| p.why.to_string())
            .filter(|w| w.contains("duplicate"))
            .collect()
    }

    /// Streaming builders of one import share the ids they remember: a
    /// repeat within a deck is named with its first line, the same id in
    /// another deck is no repeat, and past [`STREAM_IDS`] ids of all the
    /// decks together the oldest are forgotten, whichever deck they were in.
    #[test]
    fn streaming_builders_share_a_bounded_memory_of_ids() {
        let ids = StreamIds::default();
        let mut a = DeckBuilder::streaming("f.tsv", "A", String::new(), &ids);
        let mut b = DeckBuilder::streaming("f.tsv", "B", String::new(), &ids);
        a.push(1, card("x"));
        b.push(2, card("x"));
        a.push(3, card("x"));
        for i in 0..STREAM_IDS {
            b.push(10 + i, card(&format!("b-{i}")));
            let _ = b.take();
        }
        // "x" of A was remembered at line 3, then pushed out by B's ids.
        a.push(99_999, card("x"));
        let _ = a.take();
        assert_eq!(ids.0.borrow().lines.len(), STREAM_IDS);
        assert_eq!(
            duplicates(a),
            [r#"duplicate card id "x" (first at line 1)"#]
        );
        assert!(duplicates(b).is_empty());
    }
}
