-- Schema version 3 to 4: run by src/collection/open.rs in one
-- transaction with `PRAGMA user_version = 4`. History: never edit a
-- migration that has shipped; schema.sql is the current schema.

-- A note that is exactly its one card (a basic or typed card with no hint,
-- check or Python version: most notes of a CSV/TSV) is stored with
-- fields = '' and read back from its card (NoteSpec::of_card), instead of
-- a JSON copy of the card's text: 15 of the 40 MB of a 100,000-card TSV
-- import. Older versions of py201 refuse this schema rather than misread
-- such a note. The notes already stored that are exactly their card (the
-- same test in SQL: only the keys a card gives back, each equal to the
-- card's) lose their copy too; tests/migrations.rs checks on the v3
-- fixture that every note reads back exactly as it was.
UPDATE notes SET fields = '' WHERE fields <> '' AND id IN (
    SELECT n.id FROM notes n JOIN cards c ON c.uid = n.id
    WHERE c.kind IN ('basic', 'typed')
      AND json_valid(n.fields)
      AND json_extract(n.fields, '$.id') IS c.uid
      AND (json_type(n.fields, '$.kind') IS NULL AND c.kind = 'basic'
           OR json_extract(n.fields, '$.kind') IS 'typed' AND c.kind = 'typed')
      AND (json_type(n.fields, '$.source') IS NULL AND c.source = ''
           OR json_extract(n.fields, '$.source') IS c.source AND c.source <> '')
      AND json_type(n.fields, '$.front') IS 'text' AND json_extract(n.fields, '$.front') IS c.front
      AND json_type(n.fields, '$.back') IS 'text' AND json_extract(n.fields, '$.back') IS c.back
      AND (json_type(n.fields, '$.code') IS NULL AND c.code IS NULL
           OR json_type(n.fields, '$.code') IS 'text' AND json_extract(n.fields, '$.code') IS c.code)
      AND (json_type(n.fields, '$.tags') IS NULL AND c.tags = ''
           OR json_type(n.fields, '$.tags') IS 'array'
              AND (SELECT group_concat(value, ' ') FROM json_each(n.fields, '$.tags')) IS c.tags
              AND NOT EXISTS (SELECT 1 FROM json_each(n.fields, '$.tags')
                              WHERE type <> 'text' OR value = '' OR instr(value, ' ') > 0))
      AND NOT EXISTS (SELECT 1 FROM json_each(n.fields)
                      WHERE key NOT IN ('id', 'kind', 'source', 'front', 'back', 'code', 'tags')));
-- notes_deck served no query (exports read the notes table in one pass).
DROP INDEX notes_deck;
