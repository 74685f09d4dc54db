"""How much a million review-log rows cost SQLite to store, in today's
layout (rowid table, indexes by card and by day) against a log keyed by
card and time (WITHOUT ROWID, index by day only), each fed the same rows
in time order and in key order. Python's sqlite3, nothing else; the rows
are shaped like answers an Anki import writes (docs/performance.md, "The
Anki import since the latest run").

    python3 benches/support/log_layouts.py [DIR]
"""

import os
import random
import sqlite3
import sys
import time

N = 1_000_000
CARDS = 100_000
COLUMNS = (
    "card_id, time_ms, day, grade, is_repeat, taken_ms, reps_before, reps_after, "
    "interval_before, interval_after, ease_before, ease_after, due_before, due_after, "
    "lapses_before, lapses_after"
)
# schema.sql's revlog, without its id.
BODY = """card_id INTEGER NOT NULL, time_ms INTEGER NOT NULL, day INTEGER NOT NULL,
    grade INTEGER NOT NULL CHECK (grade BETWEEN 0 AND 5),
    is_repeat INTEGER NOT NULL CHECK (is_repeat IN (0, 1)),
    taken_ms INTEGER NOT NULL CHECK (taken_ms >= 0),
    reps_before INTEGER NOT NULL, reps_after INTEGER NOT NULL,
    interval_before INTEGER NOT NULL, interval_after INTEGER NOT NULL,
    ease_before INTEGER NOT NULL, ease_after INTEGER NOT NULL,
    due_before INTEGER, due_after INTEGER,
    lapses_before INTEGER NOT NULL, lapses_after INTEGER NOT NULL,
    repeat_on_before INTEGER, repeat_on_after INTEGER,
    stability_before REAL, stability_after REAL,
    difficulty_before REAL, difficulty_after REAL,
    step_before INTEGER, step_after INTEGER,
    step_due_ms_before INTEGER, step_due_ms_after INTEGER"""

LAYOUTS = {
    "today's log": (
        f"CREATE TABLE revlog (id INTEGER PRIMARY KEY, {BODY})",
        ["CREATE INDEX revlog_card ON revlog (card_id, id)", "CREATE INDEX revlog_day ON revlog (day)"],
    ),
    "keyed by card and time": (
        f"CREATE TABLE revlog ({BODY}, PRIMARY KEY (card_id, time_ms)) WITHOUT ROWID",
        ["CREATE INDEX revlog_day ON revlog (day)"],
    ),
}


def rows():
    random.seed(1)
    t0 = 1_700_000_000_000
    out = []
    for i in range(N):
        t = t0 + i * 60_000
        out.append((random.randrange(CARDS), t, t // 86_400_000, 4, 0, 7000, 1, 2, 3, 4,
                    2500, 2500, 19000, 19004, 0, 0))
    return out


def store(path, create, indexes, data):
    for suffix in ("", "-journal", "-wal"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    c = sqlite3.connect(path)
    c.isolation_level = None
    c.execute(create)
    c.execute("BEGIN")
    t = time.perf_counter()
    c.executemany(f"INSERT INTO revlog ({COLUMNS}) VALUES ({', '.join('?' * 16)})", data)
    inserted = time.perf_counter()
    for sql in indexes:
        c.execute(sql)
    indexed = time.perf_counter()
    c.execute("COMMIT")
    done = time.perf_counter()
    c.close()
    os.remove(path)
    return inserted - t, indexed - inserted, done - indexed, done - t


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    by_time = rows()
    by_key = sorted(by_time)
    print(f"SQLite {sqlite3.sqlite_version}, {N:,} rows over {CARDS:,} cards")
    for order, data in (("time order", by_time), ("key order", by_key)):
        for name, (create, indexes) in LAYOUTS.items():
            ins, idx, com, total = store(os.path.join(out, "log-layout.db"), create, indexes, data)
            print(f"{name:24} {order:10}  insert {ins:.2f} s  indexes {idx:.2f} s  "
                  f"commit {com:.2f} s  total {total:.2f} s")


if __name__ == "__main__":
    main()
