-- Version 2: FSRS (issue 9). One statement per change, so that later
-- steps merge cleanly.
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
