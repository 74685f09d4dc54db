-- Schema version 4 to 5: run by src/collection/open.rs in one
-- transaction with `PRAGMA user_version = 5`. History: never edit a
-- migration that has shipped; schema.sql is the current schema.

-- A card of a note of one card (every card but those of cloze notes) has
-- its own uid as note id: finding such a note's cards is a lookup by uid.
-- Indexing note ids for those cards too cost a tenth of a 100,000-card
-- import (an entry per card in a b-tree keyed by text) and served nothing
-- the uid index does not. Foreign keys never look cards up by note id: no
-- note row is deleted while cards remain (a restore empties cards first).
DROP INDEX cards_note;
CREATE INDEX cards_note ON cards (note_id) WHERE note_id <> uid;
