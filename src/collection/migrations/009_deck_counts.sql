-- Schema version 8 to 9: run by src/collection/open.rs in one
-- transaction with `PRAGMA user_version = 9`. History: never edit a
-- migration that has shipped; schema.sql is the current schema.

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

-- The counts of the cards already there.
INSERT INTO deck_counts
    SELECT deck_id,
        CASE WHEN retired = 1 THEN 4 WHEN suspended = 1 THEN 3
             WHEN due IS NULL THEN 0 WHEN interval < 21 THEN 1 ELSE 2 END AS class,
        CASE WHEN retired = 0 AND suspended = 0 THEN coalesce(due, 0) ELSE 0 END AS day,
        count(*)
    FROM cards GROUP BY deck_id, class, day;

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

-- The values of the cards already there.
INSERT INTO deck_values
    SELECT deck_id, 0, ease, count(*) FROM cards WHERE retired = 0 AND due IS NOT NULL
    GROUP BY deck_id, ease;
INSERT INTO deck_values
    SELECT deck_id, 1, interval, count(*) FROM cards WHERE retired = 0 AND due IS NOT NULL
    GROUP BY deck_id, interval;
DROP INDEX cards_ease;
DROP INDEX cards_interval;
