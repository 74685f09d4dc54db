-- py201 collection schema: what a collection holds now (schema version 12,
-- `SCHEMA_VERSION` in src/collection/mod.rs). A new collection runs this
-- file as it is. A collection made by an older py201 is brought here by
-- the numbered upgrades in src/collection/migrations/, run in order from
-- its `PRAGMA user_version`; tests/migrations.rs upgrades a collection of
-- every released version and checks that it ends with exactly this schema.
--
-- Changing the schema: add the next migration, change this file to match
-- it, add a fixture collection made by the new py201 and bump
-- SCHEMA_VERSION.
--
-- Days are study days: days since 1970-01-01, counted from the rollover
-- hour. Times are milliseconds since the Unix epoch.

-- Settings shown by `py201 config` (kebab-case keys, text values).
CREATE TABLE config (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    -- when it was last set (ms; 0 before schema 12): of two devices' values
    -- of a shared setting, `py201 sync` keeps the later
    modified_ms INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- Internal bookkeeping (e.g. the fingerprint of the built-in decks).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- Decks: the built-in ones and those imported from deck files.
CREATE TABLE decks (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    -- course order of decks; new cards are introduced in (deck position, card position) order
    position    INTEGER NOT NULL,
    -- 1 for decks shipped inside the binary, kept in step with it at start-up
    builtin     INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1)),
    -- 1 for a deck the learner turned off (`py201 decks off`): neither
    -- reviewed nor counted; its cards and history are kept
    off INTEGER NOT NULL DEFAULT 0 CHECK (off IN (0, 1))
);

-- Notes as their authors wrote them (one [[cards]] entry of a deck file),
-- so a deck exports exactly; a cloze note gives several cards. A note that
-- is exactly its one card (a basic or typed card with no hint, check or
-- Python version: most notes of a CSV/TSV) has no row: its card, whose
-- note id is its own uid, is the note (NoteSpec::of_card).
CREATE TABLE notes (
    id          TEXT PRIMARY KEY,
    deck_id     INTEGER NOT NULL REFERENCES decks(id),
    position    INTEGER NOT NULL,
    -- the note's fields as JSON (src/decks/mod.rs: NoteSpec)
    fields      TEXT NOT NULL
) WITHOUT ROWID;

-- Cards: their text and their scheduling state (SM-2, and FSRS when the
-- collection uses it). No foreign key to `notes`, since most cards have no
-- note row; `py201 doctor` and restoring a backup check that a note id
-- other than the card's own uid, or any cloze card's, has its row.
CREATE TABLE cards (
    id          INTEGER PRIMARY KEY,
    -- the stable id written in the deck file; never derived from the text
    uid         TEXT NOT NULL UNIQUE,
    -- the note's row in `notes`, or the card's own uid for a note that is
    -- exactly this card (no row)
    note_id     TEXT NOT NULL,
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
    retired     INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
    -- FSRS memory state: stability in days, difficulty 1 to 10 (NULL for
    -- new cards and collections that never used FSRS)
    stability   REAL,
    difficulty  REAL,
    -- FSRS (re)learning step and when it ends (ms since the Unix epoch)
    step        INTEGER,
    step_due_ms INTEGER,
    -- when the learner last changed its text, deck, tags or flags (`add`,
    -- `edit`, `tag`, `suspend`, `bury`, ...), or the time of the edit a sync
    -- applied; 0 = not known (before schema 12). `py201 sync` compares these
    -- times, so the later edit wins. Answering a card never sets it.
    modified_ms INTEGER NOT NULL DEFAULT 0
);

-- The daily queue: due cards, most overdue first. It also holds the
-- columns the queue filters on, so counting today's due cards never reads
-- the table (`step` leaves FSRS learning-step cards out of the due count).
CREATE INDEX cards_due ON cards (due, id, buried_until, repeat_on, deck_id, step)
    WHERE retired = 0 AND suspended = 0 AND due IS NOT NULL;
-- The daily queue: new cards in course order.
CREATE INDEX cards_new ON cards (position) WHERE retired = 0 AND suspended = 0 AND due IS NULL;
-- The daily queue: same-day repeats.
CREATE INDEX cards_repeat ON cards (repeat_on) WHERE repeat_on IS NOT NULL;
-- The daily queue under FSRS: learning steps, the soonest first.
CREATE INDEX cards_step ON cards (step_due_ms) WHERE step IS NOT NULL;
-- Exporting a deck: the cards of each note that has a row (cloze notes).
-- A card that is its own note is found by its uid instead.
CREATE INDEX cards_note ON cards (note_id) WHERE note_id <> uid;
-- Each deck's cards in order: exports and listings read a deck's cards
-- from it (a deck's live cards in order are its entries with retired = 0),
-- and `py201 decks` and the card counts of `py201 stats` read only this
-- index, never the table with its card text.
CREATE INDEX cards_state ON cards
    (deck_id, retired, position, suspended, due, buried_until, repeat_on, interval, ease, lapses, step);
-- The hardest cards and the leeches of `py201 stats`, read in index order.
CREATE INDEX cards_hardest ON cards (lapses DESC, ease, position, deck_id)
    WHERE retired = 0 AND due IS NOT NULL;

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
    repeat_on_after  INTEGER,
    -- the FSRS state before and after the answer, so undo stays exact
    stability_before REAL,
    stability_after REAL,
    difficulty_before REAL,
    difficulty_after REAL,
    step_before INTEGER,
    step_after INTEGER,
    step_due_ms_before INTEGER,
    step_due_ms_after INTEGER,
    -- what the daily summaries count the answer as (revlog_days.kind):
    -- 0 the first answer of a new card, 1 an answer of a young card (its
    -- interval before < 21 days, stats::MATURE_DAYS), 2 of a mature card,
    -- 3 a same-day repeat. Computed from the row when read; not stored.
    answer_kind INTEGER GENERATED ALWAYS AS (
        CASE WHEN is_repeat = 1 THEN 3
             WHEN due_before IS NULL THEN 0
             WHEN interval_before < 21 THEN 1
             ELSE 2 END
    ) VIRTUAL
);

-- Today's counts (new cards introduced, reviews done).
CREATE INDEX revlog_day ON revlog (day);
-- A card's history, in order: undo, rebuilding a card's state, FSRS.
CREATE INDEX revlog_card ON revlog (card_id, id);

-- The log's totals per study day, deck and kind of answer, so that
-- `py201 stats` over a million reviews does not read a million rows. Kept
-- exact by the three triggers below through every answer, undo, import,
-- restore and repair (anything that inserts or deletes log rows, or moves a
-- card to another deck); `py201 doctor` checks them against the log.
-- kind: the log's answer_kind. gN: answers graded N.
CREATE TABLE revlog_days (
    day     INTEGER NOT NULL,
    deck_id INTEGER NOT NULL,
    kind    INTEGER NOT NULL CHECK (kind BETWEEN 0 AND 3),
    g0      INTEGER NOT NULL,
    g1      INTEGER NOT NULL,
    g2      INTEGER NOT NULL,
    g3      INTEGER NOT NULL,
    g4      INTEGER NOT NULL,
    g5      INTEGER NOT NULL,
    time_ms INTEGER NOT NULL,
    PRIMARY KEY (day, deck_id, kind)
) WITHOUT ROWID;

-- An answer logged: add it to its day's totals.
CREATE TRIGGER revlog_days_insert AFTER INSERT ON revlog BEGIN
    INSERT INTO revlog_days VALUES (new.day,
        coalesce((SELECT deck_id FROM cards WHERE id = new.card_id), 0), new.answer_kind,
        new.grade = 0, new.grade = 1, new.grade = 2, new.grade = 3, new.grade = 4, new.grade = 5,
        new.taken_ms)
    ON CONFLICT (day, deck_id, kind) DO UPDATE SET g0 = g0 + excluded.g0, g1 = g1 + excluded.g1,
        g2 = g2 + excluded.g2, g3 = g3 + excluded.g3, g4 = g4 + excluded.g4, g5 = g5 + excluded.g5,
        time_ms = time_ms + excluded.time_ms;
END;

-- A log row removed (undo, restore, repair): take it out of its day's
-- totals, dropping totals that fall to no answers.
CREATE TRIGGER revlog_days_delete AFTER DELETE ON revlog BEGIN
    INSERT INTO revlog_days VALUES (old.day,
        coalesce((SELECT deck_id FROM cards WHERE id = old.card_id), 0), old.answer_kind,
        -(old.grade = 0), -(old.grade = 1), -(old.grade = 2), -(old.grade = 3), -(old.grade = 4),
        -(old.grade = 5), -old.taken_ms)
    ON CONFLICT (day, deck_id, kind) DO UPDATE SET g0 = g0 + excluded.g0, g1 = g1 + excluded.g1,
        g2 = g2 + excluded.g2, g3 = g3 + excluded.g3, g4 = g4 + excluded.g4, g5 = g5 + excluded.g5,
        time_ms = time_ms + excluded.time_ms;
    DELETE FROM revlog_days WHERE day = old.day AND g0 + g1 + g2 + g3 + g4 + g5 = 0;
END;

-- A card moved to another deck: its answers move with it, from the old
-- deck's totals to the new deck's.
CREATE TRIGGER revlog_days_move AFTER UPDATE OF deck_id ON cards
WHEN old.deck_id IS NOT new.deck_id BEGIN
    INSERT INTO revlog_days
        SELECT r.day, old.deck_id, r.answer_kind, -sum(r.grade = 0), -sum(r.grade = 1),
            -sum(r.grade = 2), -sum(r.grade = 3), -sum(r.grade = 4), -sum(r.grade = 5),
            -sum(r.taken_ms)
        FROM revlog r WHERE r.card_id = new.id GROUP BY r.day, r.answer_kind
    ON CONFLICT (day, deck_id, kind) DO UPDATE SET g0 = g0 + excluded.g0, g1 = g1 + excluded.g1,
        g2 = g2 + excluded.g2, g3 = g3 + excluded.g3, g4 = g4 + excluded.g4, g5 = g5 + excluded.g5,
        time_ms = time_ms + excluded.time_ms;
    INSERT INTO revlog_days
        SELECT r.day, new.deck_id, r.answer_kind, sum(r.grade = 0), sum(r.grade = 1),
            sum(r.grade = 2), sum(r.grade = 3), sum(r.grade = 4), sum(r.grade = 5),
            sum(r.taken_ms)
        FROM revlog r WHERE r.card_id = new.id GROUP BY r.day, r.answer_kind
    ON CONFLICT (day, deck_id, kind) DO UPDATE SET g0 = g0 + excluded.g0, g1 = g1 + excluded.g1,
        g2 = g2 + excluded.g2, g3 = g3 + excluded.g3, g4 = g4 + excluded.g4, g5 = g5 + excluded.g5,
        time_ms = time_ms + excluded.time_ms;
    DELETE FROM revlog_days WHERE deck_id = old.deck_id AND g0 + g1 + g2 + g3 + g4 + g5 = 0;
END;

-- Each deck's cards by the part of their state that does not depend on the
-- day: `class` 0 new, 1 young (interval below 21 days, stats::MATURE_DAYS),
-- 2 mature, 3 suspended, 4 retired (the first that applies), and for young
-- and mature cards the `day` they are due (0 for the others). Kept exact by
-- the triggers below, as `revlog_days` is for the log, so `py201 decks`
-- and the card counts and forecast of `py201 stats` add up a few rows per
-- deck and day instead of counting every card; what depends on the day
-- (buried today, a same-day repeat or learning step pending) is a few
-- cards found through their own indexes. `py201 doctor` checks it against
-- a count of the cards.
CREATE TABLE deck_counts (
    deck_id INTEGER NOT NULL,
    class   INTEGER NOT NULL CHECK (class BETWEEN 0 AND 4),
    day     INTEGER NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (deck_id, class, day)
) WITHOUT ROWID;

-- A card added counts once in its deck's row.
CREATE TRIGGER deck_counts_insert AFTER INSERT ON cards BEGIN
    INSERT INTO deck_counts VALUES (new.deck_id,
        CASE WHEN new.retired = 1 THEN 4 WHEN new.suspended = 1 THEN 3
             WHEN new.due IS NULL THEN 0 WHEN new.interval < 21 THEN 1 ELSE 2 END,
        CASE WHEN new.retired = 0 AND new.suspended = 0 THEN coalesce(new.due, 0) ELSE 0 END, 1)
    ON CONFLICT (deck_id, class, day) DO UPDATE SET n = n + 1;
END;

-- A card deleted no longer counts; a row that counts no card goes.
CREATE TRIGGER deck_counts_delete AFTER DELETE ON cards BEGIN
    UPDATE deck_counts SET n = n - 1 WHERE deck_id = old.deck_id
        AND class = CASE WHEN old.retired = 1 THEN 4 WHEN old.suspended = 1 THEN 3
             WHEN old.due IS NULL THEN 0 WHEN old.interval < 21 THEN 1 ELSE 2 END
        AND day = CASE WHEN old.retired = 0 AND old.suspended = 0 THEN coalesce(old.due, 0) ELSE 0 END;
    DELETE FROM deck_counts WHERE deck_id = old.deck_id AND n = 0
        AND class = CASE WHEN old.retired = 1 THEN 4 WHEN old.suspended = 1 THEN 3
             WHEN old.due IS NULL THEN 0 WHEN old.interval < 21 THEN 1 ELSE 2 END
        AND day = CASE WHEN old.retired = 0 AND old.suspended = 0 THEN coalesce(old.due, 0) ELSE 0 END;
END;

-- A card whose deck, class or due day changed (an answer, suspend, retire,
-- a move) moves from its old row to its new one.
CREATE TRIGGER deck_counts_update AFTER UPDATE OF deck_id, retired, suspended, due, interval ON cards
WHEN (old.deck_id,
      CASE WHEN old.retired = 1 THEN 4 WHEN old.suspended = 1 THEN 3
           WHEN old.due IS NULL THEN 0 WHEN old.interval < 21 THEN 1 ELSE 2 END,
      CASE WHEN old.retired = 0 AND old.suspended = 0 THEN coalesce(old.due, 0) ELSE 0 END)
  IS NOT (new.deck_id,
      CASE WHEN new.retired = 1 THEN 4 WHEN new.suspended = 1 THEN 3
           WHEN new.due IS NULL THEN 0 WHEN new.interval < 21 THEN 1 ELSE 2 END,
      CASE WHEN new.retired = 0 AND new.suspended = 0 THEN coalesce(new.due, 0) ELSE 0 END)
BEGIN
    UPDATE deck_counts SET n = n - 1 WHERE deck_id = old.deck_id
        AND class = CASE WHEN old.retired = 1 THEN 4 WHEN old.suspended = 1 THEN 3
             WHEN old.due IS NULL THEN 0 WHEN old.interval < 21 THEN 1 ELSE 2 END
        AND day = CASE WHEN old.retired = 0 AND old.suspended = 0 THEN coalesce(old.due, 0) ELSE 0 END;
    DELETE FROM deck_counts WHERE deck_id = old.deck_id AND n = 0
        AND class = CASE WHEN old.retired = 1 THEN 4 WHEN old.suspended = 1 THEN 3
             WHEN old.due IS NULL THEN 0 WHEN old.interval < 21 THEN 1 ELSE 2 END
        AND day = CASE WHEN old.retired = 0 AND old.suspended = 0 THEN coalesce(old.due, 0) ELSE 0 END;
    INSERT INTO deck_counts VALUES (new.deck_id,
        CASE WHEN new.retired = 1 THEN 4 WHEN new.suspended = 1 THEN 3
             WHEN new.due IS NULL THEN 0 WHEN new.interval < 21 THEN 1 ELSE 2 END,
        CASE WHEN new.retired = 0 AND new.suspended = 0 THEN coalesce(new.due, 0) ELSE 0 END, 1)
    ON CONFLICT (deck_id, class, day) DO UPDATE SET n = n + 1;
END;

-- The cards buried past today, which `py201 decks` and `stats` count apart.
CREATE INDEX cards_buried ON cards (buried_until) WHERE buried_until IS NOT NULL;

-- Each deck's studied cards (reviewed at least once, not retired) by EF
-- (`what` 0, `value` in thousandths) and by interval (`what` 1, in days):
-- the histograms of `py201 stats`, kept exact by the triggers below, read
-- a row per deck and value instead of every card. They replace the indexes
-- `cards_ease` and `cards_interval`, which the histograms walked whole.
CREATE TABLE deck_values (
    deck_id INTEGER NOT NULL,
    what    INTEGER NOT NULL CHECK (what IN (0, 1)),
    value   INTEGER NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (deck_id, what, value)
) WITHOUT ROWID;

-- A studied card added (a restore, never an import) counts once per value.
CREATE TRIGGER deck_values_insert AFTER INSERT ON cards
WHEN new.retired = 0 AND new.due IS NOT NULL BEGIN
    INSERT INTO deck_values VALUES (new.deck_id, 0, new.ease, 1), (new.deck_id, 1, new.interval, 1)
    ON CONFLICT (deck_id, what, value) DO UPDATE SET n = n + 1;
END;

-- A studied card deleted no longer counts; a row that counts no card goes.
CREATE TRIGGER deck_values_delete AFTER DELETE ON cards
WHEN old.retired = 0 AND old.due IS NOT NULL BEGIN
    UPDATE deck_values SET n = n - 1 WHERE deck_id = old.deck_id AND what = 0 AND value = old.ease;
    UPDATE deck_values SET n = n - 1
        WHERE deck_id = old.deck_id AND what = 1 AND value = old.interval;
    DELETE FROM deck_values WHERE deck_id = old.deck_id AND what = 0 AND value = old.ease AND n = 0;
    DELETE FROM deck_values
        WHERE deck_id = old.deck_id AND what = 1 AND value = old.interval AND n = 0;
END;

-- A studied card answered, moved, retired or brought back: out of its old
-- rows (if it was studied), into its new ones (if it is).
CREATE TRIGGER deck_values_update AFTER UPDATE OF deck_id, retired, due, ease, interval ON cards
WHEN (old.retired = 0 AND old.due IS NOT NULL) OR (new.retired = 0 AND new.due IS NOT NULL) BEGIN
    UPDATE deck_values SET n = n - 1 WHERE old.retired = 0 AND old.due IS NOT NULL
        AND deck_id = old.deck_id AND what = 0 AND value = old.ease;
    UPDATE deck_values SET n = n - 1 WHERE old.retired = 0 AND old.due IS NOT NULL
        AND deck_id = old.deck_id AND what = 1 AND value = old.interval;
    DELETE FROM deck_values WHERE deck_id = old.deck_id AND what = 0 AND value = old.ease AND n = 0;
    DELETE FROM deck_values
        WHERE deck_id = old.deck_id AND what = 1 AND value = old.interval AND n = 0;
    INSERT INTO deck_values SELECT new.deck_id, 0, new.ease, 1
        WHERE new.retired = 0 AND new.due IS NOT NULL
    ON CONFLICT (deck_id, what, value) DO UPDATE SET n = n + 1;
    INSERT INTO deck_values SELECT new.deck_id, 1, new.interval, 1
        WHERE new.retired = 0 AND new.due IS NOT NULL
    ON CONFLICT (deck_id, what, value) DO UPDATE SET n = n + 1;
END;

-- `py201 edit` of a built-in card: the learner's text, and the built-in
-- text it was made from. `cards` shows the learner's text; a built-in deck
-- update compares its text with `base_*` and, where it differs, keeps the
-- learner's text, takes the new built-in text as the base and sets
-- `upstream_ms`, so the change is reported (and shown by `py201 show`)
-- rather than applied over the edit.
CREATE TABLE card_overrides (
    card_id     INTEGER PRIMARY KEY REFERENCES cards(id),
    front       TEXT NOT NULL,
    back        TEXT NOT NULL,
    code        TEXT,
    tags        TEXT NOT NULL,
    base_front  TEXT NOT NULL,
    base_back   TEXT NOT NULL,
    base_code   TEXT,
    base_tags   TEXT NOT NULL,
    -- when the learner last edited the card (ms since the Unix epoch)
    edited_ms   INTEGER NOT NULL,
    -- when a deck update last changed the built-in text under the edit
    upstream_ms INTEGER
);

-- `py201 sync` (docs/sync.md): the devices this collection knows, its own
-- (`self` = 1, its id made once) and every other whose change segments it
-- has read from the sync folder. `segments`: how many of the device's
-- segments this collection has written (its own) or applied (another's);
-- `answers`: the last answer number this collection gave (its own only).
CREATE TABLE sync_devices (
    id       TEXT PRIMARY KEY,
    self     INTEGER NOT NULL DEFAULT 0 CHECK (self IN (0, 1)),
    name     TEXT NOT NULL,
    segments INTEGER NOT NULL DEFAULT 0,
    answers  INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
-- One device is this collection.
CREATE UNIQUE INDEX sync_devices_self ON sync_devices (self) WHERE self = 1;

-- Each segment written or applied, with its checksum: a file that changes
-- after it was read is refused, never read twice. `body`: a segment of
-- this collection's own, committed with the sync that made it but not yet
-- in the folder (the folder is written after the commit, so a sync killed
-- in between loses nothing: the next one writes it); NULL once written.
CREATE TABLE sync_segments (
    device TEXT NOT NULL,
    seq    INTEGER NOT NULL,
    sha1   TEXT NOT NULL,
    body   BLOB,
    PRIMARY KEY (device, seq)
) WITHOUT ROWID;

-- Every answer that has been through a sync, by the device that gave it
-- and its number there (a grow-only set), and where it is in this
-- collection's log: `revlog_id` with its card and time, which must still
-- match for the link to hold (an id can be reused after an undo), or NULL
-- once the answer was undone, on this device or another.
CREATE TABLE sync_answers (
    device    TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    revlog_id INTEGER,
    card_id   INTEGER,
    time_ms   INTEGER NOT NULL,
    PRIMARY KEY (device, seq)
) WITHOUT ROWID;
-- The answer a log row is: finding which rows are new, or undone.
CREATE UNIQUE INDEX sync_answers_revlog ON sync_answers (revlog_id) WHERE revlog_id IS NOT NULL;
-- A card's linked answers: unlinking them when its log is written again.
CREATE INDEX sync_answers_card ON sync_answers (card_id) WHERE revlog_id IS NOT NULL;

-- Each card's record as last synced (its text, deck, tags, flags): who
-- changed it last and when (the later wins; then the larger device id),
-- and a digest of its fields, so that a local edit shows as a difference.
CREATE TABLE sync_cards (
    uid     TEXT PRIMARY KEY,
    mod_ms  INTEGER NOT NULL,
    device  TEXT NOT NULL,
    digest  TEXT NOT NULL,
    -- the record it was made over (time, device), when it had one: an edit
    -- made over the record another device holds is no conflict with it
    base_ms INTEGER,
    base_device TEXT
) WITHOUT ROWID;

-- Each card's latest forget (`py201 forget`) as sync knows it: answers up
-- to this time stay in its log but no longer count, as after the forget.
-- The later of two devices' forgets holds (a forget is never undone once
-- synced).
CREATE TABLE sync_resets (
    uid     TEXT PRIMARY KEY,
    time_ms INTEGER NOT NULL
) WITHOUT ROWID;

-- Each deck's on/off switch (`py201 decks off`) as last synced: who set it
-- and when (the later wins, then the larger device id).
CREATE TABLE sync_decks (
    name   TEXT PRIMARY KEY,
    off    INTEGER NOT NULL CHECK (off IN (0, 1)),
    mod_ms INTEGER NOT NULL,
    device TEXT NOT NULL
) WITHOUT ROWID;

-- Log rows added or removed since the last sync (their ids), kept by the
-- two triggers below once the collection syncs, and emptied by each sync:
-- what a sync sends is found among them, not in the whole log. A sync that
-- finds the log and its links disagreeing (its first, or rows written with
-- the triggers off) reads the whole log instead.
CREATE TABLE sync_log_changes (
    revlog_id INTEGER PRIMARY KEY
);

CREATE TRIGGER sync_log_added AFTER INSERT ON revlog
WHEN EXISTS (SELECT 1 FROM sync_devices WHERE self = 1) BEGIN
    INSERT OR IGNORE INTO sync_log_changes VALUES (new.id);
END;

CREATE TRIGGER sync_log_removed AFTER DELETE ON revlog
WHEN EXISTS (SELECT 1 FROM sync_devices WHERE self = 1) BEGIN
    INSERT OR IGNORE INTO sync_log_changes VALUES (old.id);
END;

-- Edits that lost to a later edit of the same card on another device
-- (docs/sync.md): the losing text, kept in the card's history (`py201
-- show`). By uid, as sync knows cards: a row outlives its card's deletion.
CREATE TABLE superseded_edits (
    id          INTEGER PRIMARY KEY,
    uid         TEXT NOT NULL,
    -- the losing edit's time, and the name of the device it was made on
    edited_ms   INTEGER NOT NULL,
    device      TEXT NOT NULL,
    -- the winning edit's time and device name
    kept_ms     INTEGER NOT NULL,
    kept_device TEXT NOT NULL,
    deck        TEXT NOT NULL,
    front       TEXT NOT NULL,
    back        TEXT NOT NULL,
    code        TEXT,
    tags        TEXT NOT NULL,
    -- 1 when the losing change was the card's deletion
    deleted     INTEGER NOT NULL CHECK (deleted IN (0, 1))
);
-- A card's superseded edits, for `py201 show`.
CREATE INDEX superseded_edits_uid ON superseded_edits (uid, edited_ms);

-- Each shared setting as last synced (docs/sync.md): its value, when and
-- on which device it was set (the later wins, then the larger device id).
CREATE TABLE sync_settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL,
    mod_ms INTEGER NOT NULL,
    device TEXT NOT NULL
) WITHOUT ROWID;
