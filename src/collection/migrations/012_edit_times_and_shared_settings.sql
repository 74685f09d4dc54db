-- Schema version 11 to 12: run by src/collection/open.rs in one
-- transaction with `PRAGMA user_version = 12`. History: never edit a
-- migration that has shipped; schema.sql is the current schema.

-- When the learner last changed a card's text, deck, tags or flags (`add`,
-- `edit`, `tag`, `suspend`, `bury`, ...; ms since the Unix epoch), or the
-- time of the edit a sync applied: `py201 sync` compares edit times, so the
-- later edit wins whichever device syncs first. 0: not known (a card last
-- changed before schema 12). Answering a card never sets it.
ALTER TABLE cards ADD COLUMN modified_ms INTEGER NOT NULL DEFAULT 0;

-- When each setting was last set (ms; 0 before schema 12): of two devices'
-- values of a shared setting, `py201 sync` keeps the later.
ALTER TABLE config ADD COLUMN modified_ms INTEGER NOT NULL DEFAULT 0;

-- The record each card's last synced record was made over (time, device),
-- when it had one: an edit made over the record another device holds is no
-- conflict with it, only its next version.
ALTER TABLE sync_cards ADD COLUMN base_ms INTEGER;
ALTER TABLE sync_cards ADD COLUMN base_device TEXT;

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
