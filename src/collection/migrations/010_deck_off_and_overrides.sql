-- Schema version 9 to 10: run by src/collection/open.rs in one
-- transaction with `PRAGMA user_version = 10`. History: never edit a
-- migration that has shipped; schema.sql is the current schema.

-- `py201 decks off NAME`: a deck the learner turned off is neither
-- reviewed nor counted; its cards and their history stay as they are.
ALTER TABLE decks ADD COLUMN off INTEGER NOT NULL DEFAULT 0 CHECK (off IN (0, 1));

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
