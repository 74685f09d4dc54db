-- Schema version 10 to 11: run by src/collection/open.rs in one
-- transaction with `PRAGMA user_version = 11`. History: never edit a
-- migration that has shipped; schema.sql is the current schema.

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
    digest  TEXT NOT NULL
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
