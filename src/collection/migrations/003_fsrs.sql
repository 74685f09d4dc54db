-- Schema version 2 to 3: run by src/collection/open.rs in one
-- transaction with `PRAGMA user_version = 3`. History: never edit a
-- migration that has shipped; schema.sql is the current schema.

-- FSRS (issue 9), one statement per change.
-- FSRS memory state of a card: stability in days, difficulty 1 to 10; NULL
-- for new cards and for collections that never switched to FSRS.
ALTER TABLE cards ADD COLUMN stability REAL;
ALTER TABLE cards ADD COLUMN difficulty REAL;
-- FSRS (re)learning step of a card and when it ends (milliseconds since the
-- Unix epoch); NULL when the card is in no step.
ALTER TABLE cards ADD COLUMN step INTEGER;
ALTER TABLE cards ADD COLUMN step_due_ms INTEGER;
-- The daily queue under FSRS: learning steps, the soonest first.
CREATE INDEX cards_step ON cards (step_due_ms) WHERE step IS NOT NULL;
-- The FSRS state before and after each answer, so undo stays exact.
ALTER TABLE revlog ADD COLUMN stability_before REAL;
ALTER TABLE revlog ADD COLUMN stability_after REAL;
ALTER TABLE revlog ADD COLUMN difficulty_before REAL;
ALTER TABLE revlog ADD COLUMN difficulty_after REAL;
ALTER TABLE revlog ADD COLUMN step_before INTEGER;
ALTER TABLE revlog ADD COLUMN step_after INTEGER;
ALTER TABLE revlog ADD COLUMN step_due_ms_before INTEGER;
ALTER TABLE revlog ADD COLUMN step_due_ms_after INTEGER;
-- The due count leaves learning-step cards out: with `step` in the queue's
-- index it reads no card rows (without it, a row per due card, up to the
-- daily limit, at every count).
DROP INDEX cards_due;
CREATE INDEX cards_due ON cards (due, id, buried_until, repeat_on, deck_id, step)
    WHERE retired = 0 AND suspended = 0 AND due IS NOT NULL;
-- The card counts of `py201 stats` tell FSRS learning steps from review
-- cards without reading card rows.
DROP INDEX cards_state;
CREATE INDEX cards_state ON cards
    (deck_id, retired, suspended, due, buried_until, repeat_on, interval, ease, lapses, step);
