//! The log rows an import's progress writes: which columns, the statement
//! that inserts a batch of them, how each is bound, and what it counts as
//! in the daily summaries.

use crate::collection::dump::{RevlogRow, review_values};
use std::borrow::Cow;
use std::sync::OnceLock;

/// The columns of a log row an import writes, in the order
/// [`bind_answer`] binds them.
pub(super) const ANSWER_COLUMNS: &str = "card_id, time_ms, day, grade, is_repeat, taken_ms,
    reps_before, reps_after, interval_before, interval_after, ease_before, ease_after,
    due_before, due_after, lapses_before, lapses_after, repeat_on_before, repeat_on_after,
    stability_before, stability_after, difficulty_before, difficulty_after,
    step_before, step_after, step_due_ms_before, step_due_ms_after";
pub(super) const ANSWER_PARAMS: usize = 26;

/// The first [`LEAN_PARAMS`] of [`ANSWER_COLUMNS`] are all an answer from
/// Anki has: the rest (same-day repeat days, FSRS state and steps) are
/// NULL, and a batch of such answers leaves them to their default rather
/// than binding ten NULLs an answer (a tenth of a million-answer import).
pub(super) const LEAN_PARAMS: usize = 16;

/// Whether `r` has none of the columns after [`LEAN_PARAMS`].
pub(super) fn is_lean(r: &RevlogRow) -> bool {
    [
        r.repeat_on_before,
        r.repeat_on_after,
        r.step_before,
        r.step_after,
    ]
    .iter()
    .chain([&r.step_due_ms_before, &r.step_due_ms_after])
    .all(Option::is_none)
        && [
            r.stability_before,
            r.stability_after,
            r.difficulty_before,
            r.difficulty_after,
        ]
        .iter()
        .all(Option::is_none)
}

/// How many answers one statement inserts: a statement per answer spent
/// most of a million-answer import stepping the VM and binding (as one per
/// card did for cards; see `DeckSync::flush`).
pub(super) const ANSWER_BATCH: usize = 64;

/// [`insert_answers_sql`], written once for a whole batch of either kind of
/// answer: formatting its thousand parameters again for each batch was
/// about 0.03 s of a million-answer import.
pub(super) fn batch_sql(n: usize, per: usize) -> Cow<'static, str> {
    static LEAN: OnceLock<String> = OnceLock::new();
    static WHOLE: OnceLock<String> = OnceLock::new();
    let whole_batch = match per {
        LEAN_PARAMS => Some(&LEAN),
        ANSWER_PARAMS => Some(&WHOLE),
        _ => None,
    };
    match whole_batch.filter(|_| n == ANSWER_BATCH) {
        Some(sql) => Cow::Borrowed(sql.get_or_init(|| insert_answers_sql(n, per))),
        None => Cow::Owned(insert_answers_sql(n, per)),
    }
}

/// The statement inserting `n` answers. OR FAIL, as the sync's own
/// writes: a failure fails the whole import, which is rolled back, so a
/// statement needs no journal of its own.
/// `per`: the parameters of each, all of [`ANSWER_COLUMNS`] or its first
/// [`LEAN_PARAMS`].
pub(super) fn insert_answers_sql(n: usize, per: usize) -> String {
    let columns: Vec<&str> = ANSWER_COLUMNS.split(',').map(str::trim).collect();
    let row = format!("({})", vec!["?"; per].join(", "));
    format!(
        "INSERT OR FAIL INTO revlog ({}) VALUES {}",
        columns[..per].join(", "),
        vec![row; n].join(", ")
    )
}

/// Adds one (day, deck, kind)'s totals to `revlog_days`, as the summary
/// trigger adds one answer.
pub(super) const ADD_TOTALS: &str =
    "INSERT INTO revlog_days VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
    ON CONFLICT (day, deck_id, kind) DO UPDATE SET
      g0 = g0 + excluded.g0, g1 = g1 + excluded.g1, g2 = g2 + excluded.g2,
      g3 = g3 + excluded.g3, g4 = g4 + excluded.g4, g5 = g5 + excluded.g5,
      time_ms = time_ms + excluded.time_ms";

/// What a log row counts as in the daily summaries: the generated column
/// `revlog.answer_kind` of schema.sql, for rows not yet written.
pub(super) fn answer_kind(r: &RevlogRow) -> i64 {
    if r.is_repeat {
        3
    } else if r.due_before.is_none() {
        0
    } else if r.interval_before < i64::from(crate::stats::MATURE_DAYS) {
        1
    } else {
        2
    }
}

/// A day's totals for one deck and kind of answer (a `revlog_days` row's
/// g0..g5 and time_ms).
pub(super) type Totals = [i64; 7];

/// Binds answer `r` of `card` as the `per` parameters after `at`, in the
/// order of [`ANSWER_COLUMNS`].
pub(super) fn bind_answer(
    st: &mut rusqlite::CachedStatement<'_>,
    at: usize,
    per: usize,
    card: i64,
    r: &RevlogRow,
) -> rusqlite::Result<()> {
    st.raw_bind_parameter(at + 1, card)?;
    // A backup row's values after its own id and card id: the same order.
    for (k, v) in review_values(r)[2..=per].iter().enumerate() {
        st.raw_bind_parameter(at + k + 2, v)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collection::Collection;
    use crate::interop::anki::progress::{AnkiAnswer, log_rows};

    /// A whole batch's statement is written once and is the one
    /// `insert_answers_sql` writes; a shorter batch's is written for it.
    #[test]
    fn a_whole_batch_statement_is_written_once() {
        for per in [LEAN_PARAMS, ANSWER_PARAMS] {
            let first = batch_sql(ANSWER_BATCH, per);
            assert_eq!(first, insert_answers_sql(ANSWER_BATCH, per));
            assert!(matches!(first, Cow::Borrowed(_)));
            assert!(std::ptr::eq(
                first.as_ref(),
                batch_sql(ANSWER_BATCH, per).as_ref()
            ));
            let short = batch_sql(3, per);
            assert!(matches!(short, Cow::Owned(_)));
            assert_eq!(short, insert_answers_sql(3, per));
        }
        assert_ne!(
            batch_sql(ANSWER_BATCH, LEAN_PARAMS),
            batch_sql(ANSWER_BATCH, ANSWER_PARAMS)
        );
    }

    /// An answer from Anki goes in through the lean statement with the
    /// FSRS and repeat columns left NULL; a row that has them through the
    /// whole one, every value kept.
    #[test]
    fn lean_and_whole_answers_are_stored_as_given() {
        let dir = tempfile::tempdir().unwrap();
        let col = Collection::open(&dir.path().join("c.db")).unwrap();
        col.conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
        let answer = AnkiAnswer {
            id: 1_700_000_000_000,
            ease: 3,
            ivl: 4,
            last_ivl: 0,
            factor: 2500,
            time: 6_000,
            kind: 0,
        };
        let lean = log_rows(&[answer], 4).remove(0);
        let mut whole = lean.clone();
        whole.stability_after = Some(3.25);
        whole.step_due_ms_after = Some(42);
        assert!(is_lean(&lean) && !is_lean(&whole));
        for (card, row, per) in [(7, &lean, LEAN_PARAMS), (8, &whole, ANSWER_PARAMS)] {
            let mut st = col
                .conn
                .prepare_cached(&insert_answers_sql(1, per))
                .unwrap();
            assert_eq!(st.parameter_count(), per);
            bind_answer(&mut st, 0, per, card, row).unwrap();
            assert_eq!(st.raw_execute().unwrap(), 1);
        }
        type Stored = (i64, i64, i64, Option<f64>, Option<i64>);
        let stored: Vec<Stored> = col
            .conn
            .prepare(
                "SELECT card_id, time_ms, ease_after, stability_after, step_due_ms_after
                 FROM revlog ORDER BY card_id",
            )
            .unwrap()
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(
            stored,
            [
                (7, answer.id, 2500, None, None),
                (8, answer.id, 2500, Some(3.25), Some(42)),
            ]
        );
    }
}
