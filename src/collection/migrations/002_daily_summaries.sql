-- Schema version 1 to 2: run by src/collection/open.rs in one
-- transaction with `PRAGMA user_version = 2`. History: never edit a
-- migration that has shipped; schema.sql is the current schema.

-- `py201 stats` over a million reviews must not read a million rows. The
-- log's per-day totals live here, per deck and kind of answer, kept exact
-- by the triggers below through every answer, undo, import, restore and
-- repair (anything that inserts or deletes log rows, or moves a card to
-- another deck). kind: 0 first answer of a new card, 1 of a young card
-- (interval before < 21 days, stats::MATURE_DAYS), 2 of a mature card,
-- 3 a same-day repeat. gN: answers graded N.
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
INSERT INTO revlog_days
    SELECT r.day, coalesce(c.deck_id, 0), CASE WHEN r.is_repeat = 1 THEN 3 WHEN r.due_before IS NULL THEN 0 WHEN r.interval_before < 21 THEN 1 ELSE 2 END AS k, sum(r.grade = 0), sum(r.grade = 1), sum(r.grade = 2), sum(r.grade = 3), sum(r.grade = 4), sum(r.grade = 5), sum(r.taken_ms)
    FROM revlog r LEFT JOIN cards c ON c.id = r.card_id
    WHERE true GROUP BY r.day, coalesce(c.deck_id, 0), k;
CREATE TRIGGER revlog_days_insert AFTER INSERT ON revlog BEGIN
    INSERT INTO revlog_days VALUES (new.day,
        coalesce((SELECT deck_id FROM cards WHERE id = new.card_id), 0),
        CASE WHEN new.is_repeat = 1 THEN 3 WHEN new.due_before IS NULL THEN 0 WHEN new.interval_before < 21 THEN 1 ELSE 2 END, (new.grade = 0), (new.grade = 1), (new.grade = 2), (new.grade = 3), (new.grade = 4), (new.grade = 5), new.taken_ms)
    ON CONFLICT (day, deck_id, kind) DO UPDATE SET g0 = g0 + excluded.g0, g1 = g1 + excluded.g1, g2 = g2 + excluded.g2, g3 = g3 + excluded.g3, g4 = g4 + excluded.g4, g5 = g5 + excluded.g5, time_ms = time_ms + excluded.time_ms;
END;
CREATE TRIGGER revlog_days_delete AFTER DELETE ON revlog BEGIN
    INSERT INTO revlog_days VALUES (old.day,
        coalesce((SELECT deck_id FROM cards WHERE id = old.card_id), 0),
        CASE WHEN old.is_repeat = 1 THEN 3 WHEN old.due_before IS NULL THEN 0 WHEN old.interval_before < 21 THEN 1 ELSE 2 END, -(old.grade = 0), -(old.grade = 1), -(old.grade = 2), -(old.grade = 3), -(old.grade = 4), -(old.grade = 5), -old.taken_ms)
    ON CONFLICT (day, deck_id, kind) DO UPDATE SET g0 = g0 + excluded.g0, g1 = g1 + excluded.g1, g2 = g2 + excluded.g2, g3 = g3 + excluded.g3, g4 = g4 + excluded.g4, g5 = g5 + excluded.g5, time_ms = time_ms + excluded.time_ms;
    DELETE FROM revlog_days WHERE day = old.day AND g0 + g1 + g2 + g3 + g4 + g5 = 0;
END;
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
-- `py201 decks` and the card counts of `py201 stats` read only this index,
-- never the table with its card text.
CREATE INDEX cards_state ON cards
    (deck_id, retired, suspended, due, buried_until, repeat_on, interval, ease, lapses);
-- The histograms and the hardest cards of `py201 stats`, read in index order.
CREATE INDEX cards_ease ON cards (ease, deck_id) WHERE retired = 0 AND due IS NOT NULL;
CREATE INDEX cards_interval ON cards (interval, deck_id) WHERE retired = 0 AND due IS NOT NULL;
CREATE INDEX cards_hardest ON cards (lapses DESC, ease, position, deck_id)
    WHERE retired = 0 AND due IS NOT NULL;
