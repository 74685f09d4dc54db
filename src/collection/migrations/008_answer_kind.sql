-- Schema version 7 to 8: run by src/collection/open.rs in one
-- transaction with `PRAGMA user_version = 8`. History: never edit a
-- migration that has shipped; schema.sql is the current schema.

-- The kind of answer a log row is counted as in `revlog_days` was written
-- out in each of the three triggers that keep the summaries (twice in
-- one). It is now a column of the log, `answer_kind`, computed from the
-- row whenever it is read (VIRTUAL: nothing is stored, and adding it
-- rewrites no row); the triggers, made again here, read it and count
-- exactly as before, with no more work per answer (the same expression,
-- evaluated once per logged or removed answer, and no extra lookup).
ALTER TABLE revlog ADD COLUMN answer_kind INTEGER GENERATED ALWAYS AS (
    CASE WHEN is_repeat = 1 THEN 3
         WHEN due_before IS NULL THEN 0
         WHEN interval_before < 21 THEN 1
         ELSE 2 END
) VIRTUAL;
DROP TRIGGER revlog_days_insert;
DROP TRIGGER revlog_days_delete;
DROP TRIGGER revlog_days_move;
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
