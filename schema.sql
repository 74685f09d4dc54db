-- py201 collection schema, version 2.
-- The single source of the schema: embedded in the binary and run on a new
-- collection. Version 1 comes first; each later version is appended below,
-- statement for statement the same as its upgrade step in
-- src/collection/steps/ (listed in STEPS, src/collection/mod.rs), so an
-- upgraded collection has exactly the schema of a new one.

-- Settings shown by `py201 config` (kebab-case keys, text values).
CREATE TABLE config (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- Internal bookkeeping (e.g. the fingerprint of the built-in decks).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE decks (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    -- course order of decks; new cards are introduced in (deck position, card position) order
    position    INTEGER NOT NULL,
    -- 1 for decks shipped inside the binary, kept in step with it at start-up
    builtin     INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1))
);

-- Notes as their authors wrote them (one [[cards]] entry of a deck file);
-- a cloze note gives several cards. Kept so a deck exports exactly.
CREATE TABLE notes (
    id          TEXT PRIMARY KEY,
    deck_id     INTEGER NOT NULL REFERENCES decks(id),
    position    INTEGER NOT NULL,
    -- the note's fields as JSON (src/decks/mod.rs: NoteSpec)
    fields      TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX notes_deck ON notes (deck_id, position);

CREATE TABLE cards (
    id          INTEGER PRIMARY KEY,
    -- the stable id written in the deck file; never derived from the text
    uid         TEXT NOT NULL UNIQUE,
    note_id     TEXT NOT NULL REFERENCES notes(id),
    deck_id     INTEGER NOT NULL REFERENCES decks(id),
    position    INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('basic', 'cloze', 'typed')),
    front       TEXT NOT NULL,
    back        TEXT NOT NULL,
    code        TEXT,
    tags        TEXT NOT NULL DEFAULT '',
    source      TEXT NOT NULL DEFAULT '',
    -- SM-2 state (see src/scheduler): n, interval in days, EF in thousandths
    reps        INTEGER NOT NULL DEFAULT 0 CHECK (reps >= 0),
    interval    INTEGER NOT NULL DEFAULT 0 CHECK (interval >= 0),
    ease        INTEGER NOT NULL DEFAULT 2500 CHECK (ease >= 1300),
    -- study day (days since 1970-01-01 after the rollover hour); NULL = new
    due         INTEGER,
    lapses      INTEGER NOT NULL DEFAULT 0 CHECK (lapses >= 0),
    -- study day on which a same-day repeat is pending (graded below 4)
    repeat_on   INTEGER,
    suspended   INTEGER NOT NULL DEFAULT 0 CHECK (suspended IN (0, 1)),
    -- hidden until this study day (bury = until tomorrow)
    buried_until INTEGER,
    -- removed from its deck file: kept with its history, never shown
    retired     INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1))
);

-- The daily queue: due cards, most overdue first.
-- It also holds the columns the queue filters on, so counting today's due
-- cards never reads the table.
CREATE INDEX cards_due ON cards (due, id, buried_until, repeat_on, deck_id)
    WHERE retired = 0 AND suspended = 0 AND due IS NOT NULL;
-- The daily queue: new cards in course order.
CREATE INDEX cards_new ON cards (position) WHERE retired = 0 AND suspended = 0 AND due IS NULL;
-- The daily queue: same-day repeats.
CREATE INDEX cards_repeat ON cards (repeat_on) WHERE repeat_on IS NOT NULL;
-- Exporting a deck: the live cards of each note.
CREATE INDEX cards_note ON cards (note_id);
-- Listing and counting per deck.
CREATE INDEX cards_deck ON cards (deck_id, position);

-- The record of every answer. Each row holds the card's state before and
-- after, so undo is exact and a card's state can be rebuilt from its log.
CREATE TABLE revlog (
    id             INTEGER PRIMARY KEY,
    card_id        INTEGER NOT NULL REFERENCES cards(id),
    -- wall-clock time of the answer, milliseconds since the Unix epoch
    time_ms        INTEGER NOT NULL,
    -- study day of the answer
    day            INTEGER NOT NULL,
    grade          INTEGER NOT NULL CHECK (grade BETWEEN 0 AND 5),
    -- 1 for a same-day repeat (changes no scheduling state)
    is_repeat      INTEGER NOT NULL CHECK (is_repeat IN (0, 1)),
    -- milliseconds from showing the card to grading it
    taken_ms       INTEGER NOT NULL CHECK (taken_ms >= 0),
    reps_before    INTEGER NOT NULL,
    reps_after     INTEGER NOT NULL,
    interval_before INTEGER NOT NULL,
    interval_after INTEGER NOT NULL,
    ease_before    INTEGER NOT NULL,
    ease_after     INTEGER NOT NULL,
    due_before     INTEGER,
    due_after      INTEGER,
    lapses_before  INTEGER NOT NULL,
    lapses_after   INTEGER NOT NULL,
    repeat_on_before INTEGER,
    repeat_on_after  INTEGER
);

-- Today's counts (new cards introduced, reviews done) and per-card history.
CREATE INDEX revlog_day ON revlog (day);
CREATE INDEX revlog_card ON revlog (card_id, id);

-- Version 2: FSRS (issue 9). One statement per change, so that later
-- steps merge cleanly.
-- FSRS memory state of a card: stability in days, difficulty 1 to 10; NULL
-- for new cards and for collections that never switched to FSRS.
ALTER TABLE cards ADD COLUMN stability REAL;
ALTER TABLE cards ADD COLUMN difficulty REAL;
-- FSRS (re)learning step of a card and when it ends (milliseconds since the
-- Unix epoch); NULL when the card is in no step.
ALTER TABLE cards ADD COLUMN step INTEGER;
ALTER TABLE cards ADD COLUMN step_due_ms INTEGER;
-- The daily queue under FSRS: learning steps, the soonest first.
CREATE INDEX cards_step ON cards (step_due_ms) WHERE step IS NOT NULL;
-- The FSRS state before and after each answer, so undo stays exact.
ALTER TABLE revlog ADD COLUMN stability_before REAL;
ALTER TABLE revlog ADD COLUMN stability_after REAL;
ALTER TABLE revlog ADD COLUMN difficulty_before REAL;
ALTER TABLE revlog ADD COLUMN difficulty_after REAL;
ALTER TABLE revlog ADD COLUMN step_before INTEGER;
ALTER TABLE revlog ADD COLUMN step_after INTEGER;
ALTER TABLE revlog ADD COLUMN step_due_ms_before INTEGER;
ALTER TABLE revlog ADD COLUMN step_due_ms_after INTEGER;
