//! The statement that inserts a batch of cards, and how its values are
//! bound.

use crate::model::CardKind;

/// Parameters per card in the general statement, and in the one for a
/// batch of cards of one kind that are each their own note (see
/// [`insert_cards_sql`]).
pub(super) const CARD_PARAMS: usize = 10;
pub(super) const PLAIN_PARAMS: usize = 8;

/// The statement inserting `n` cards. Each card's parameters are, in order:
/// uid, deck, position, front, back, code, tags, source, then kind and note
/// id, unless `kind` is given: then every card is of that kind and its own
/// note, and the uid is given once for both columns.
pub(super) fn insert_cards_sql(n: usize, kind: Option<CardKind>) -> String {
    let per = if kind.is_some() {
        PLAIN_PARAMS
    } else {
        CARD_PARAMS
    };
    let rows: Vec<String> = (0..n)
        .map(|i| {
            let param = |k: usize| format!("?{}", i * per + k);
            let mut values: Vec<String> = (1..=PLAIN_PARAMS).map(param).collect();
            match kind {
                Some(k) => values.extend([format!("'{}'", k.as_str()), param(1)]),
                None => values.extend([param(9), param(10)]),
            }
            format!("({})", values.join(", "))
        })
        .collect();
    format!(
        "INSERT OR FAIL INTO cards (uid, deck_id, position, front, back, code, tags, source, kind, note_id)
         VALUES {} ON CONFLICT (uid) DO NOTHING",
        rows.join(", ")
    )
}

/// A card's tags as stored: joined with single spaces (a tag holds none).
/// Most cards have one tag or none, which need no new string.
pub(super) fn joined_tags(tags: &[String]) -> std::borrow::Cow<'_, str> {
    match tags {
        [] => "".into(),
        [one] => one.as_str().into(),
        many => many.join(" ").into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_statements_number_each_cards_parameters() {
        let values = |sql: String| {
            sql.split_once("VALUES ")
                .and_then(|(_, v)| v.split_once(" ON CONFLICT"))
                .map(|(v, _)| v.to_string())
                .expect("an upsert with VALUES")
        };
        assert_eq!(
            values(insert_cards_sql(2, Some(CardKind::Typed))),
            "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'typed', ?1), \
             (?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, 'typed', ?9)"
        );
        assert_eq!(
            values(insert_cards_sql(2, None)),
            "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10), \
             (?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)"
        );
    }
}
