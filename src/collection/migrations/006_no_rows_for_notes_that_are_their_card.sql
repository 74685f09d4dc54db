-- Schema version 5 to 6: run by src/collection/open.rs in one
-- transaction with `PRAGMA user_version = 6`. History: never edit a
-- migration that has shipped; schema.sql is the current schema.

-- A note that is exactly its one card (fields '' since version 4) has no
-- row at all: its card, whose note id is its own uid, is the note. Writing
-- those rows was a sixth of a 100,000-card import, for rows that held
-- nothing but their key. The foreign key from cards to notes forbade that
-- and SQLite drops a foreign key only by rebuilding the table, so `cards`
-- is rebuilt here as it was, without it (SQLite's twelve-step procedure:
-- the migration runs with foreign keys off; legacy_alter_table keeps the
-- rename from rewriting the log's triggers, which name `cards`). Every
-- index and the trigger on `cards` are made again exactly as before. A
-- card's note is now checked by `py201 doctor` and when restoring a backup:
-- a note id other than the card's own uid, or any cloze card's, must have
-- its row.
PRAGMA legacy_alter_table = ON;
CREATE TABLE cards_v6 (
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
    step_due_ms INTEGER
);
INSERT INTO cards_v6 SELECT * FROM cards;
DROP TABLE cards;
ALTER TABLE cards_v6 RENAME TO cards;
CREATE INDEX cards_due ON cards (due, id, buried_until, repeat_on, deck_id, step)
    WHERE retired = 0 AND suspended = 0 AND due IS NOT NULL;
CREATE INDEX cards_new ON cards (position) WHERE retired = 0 AND suspended = 0 AND due IS NULL;
CREATE INDEX cards_repeat ON cards (repeat_on) WHERE repeat_on IS NOT NULL;
CREATE INDEX cards_note ON cards (note_id) WHERE note_id <> uid;
CREATE INDEX cards_deck ON cards (deck_id, position);
CREATE INDEX cards_state ON cards
    (deck_id, retired, suspended, due, buried_until, repeat_on, interval, ease, lapses, step);
CREATE INDEX cards_ease ON cards (ease, deck_id) WHERE retired = 0 AND due IS NOT NULL;
CREATE INDEX cards_interval ON cards (interval, deck_id) WHERE retired = 0 AND due IS NOT NULL;
CREATE INDEX cards_hardest ON cards (lapses DESC, ease, position, deck_id)
    WHERE retired = 0 AND due IS NOT NULL;
CREATE INDEX cards_step ON cards (step_due_ms) WHERE step IS NOT NULL;
CREATE TRIGGER revlog_days_move AFTER UPDATE OF deck_id ON cards
WHEN old.deck_id IS NOT new.deck_id BEGIN
    INSERT INTO revlog_days
        SELECT r.day, old.deck_id, CASE WHEN r.is_repeat = 1 THEN 3 WHEN r.due_before IS NULL THEN 0 WHEN r.interval_before < 21 THEN 1 ELSE 2 END AS k, -sum(r.grade = 0), -sum(r.grade = 1), -sum(r.grade = 2), -sum(r.grade = 3), -sum(r.grade = 4), -sum(r.grade = 5), -sum(r.taken_ms)
        FROM revlog r WHERE r.card_id = new.id GROUP BY r.day, k
    ON CONFLICT (day, deck_id, kind) DO UPDATE SET g0 = g0 + excluded.g0, g1 = g1 + excluded.g1, g2 = g2 + excluded.g2, g3 = g3 + excluded.g3, g4 = g4 + excluded.g4, g5 = g5 + excluded.g5, time_ms = time_ms + excluded.time_ms;
    INSERT INTO revlog_days
        SELECT r.day, new.deck_id, CASE WHEN r.is_repeat = 1 THEN 3 WHEN r.due_before IS NULL THEN 0 WHEN r.interval_before < 21 THEN 1 ELSE 2 END AS k, sum(r.grade = 0), sum(r.grade = 1), sum(r.grade = 2), sum(r.grade = 3), sum(r.grade = 4), sum(r.grade = 5), sum(r.taken_ms)
        FROM revlog r WHERE r.card_id = new.id GROUP BY r.day, k
    ON CONFLICT (day, deck_id, kind) DO UPDATE SET g0 = g0 + excluded.g0, g1 = g1 + excluded.g1, g2 = g2 + excluded.g2, g3 = g3 + excluded.g3, g4 = g4 + excluded.g4, g5 = g5 + excluded.g5, time_ms = time_ms + excluded.time_ms;
    DELETE FROM revlog_days WHERE deck_id = old.deck_id AND g0 + g1 + g2 + g3 + g4 + g5 = 0;
END;
PRAGMA legacy_alter_table = OFF;
DELETE FROM notes WHERE fields = '';
