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
