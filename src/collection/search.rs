//! A parsed query ([`crate::search::Node`]) compiled into one parameterised
//! SQL statement over the cards table. No text from the query is ever
//! pasted into SQL: every value is a bound parameter, and the SQL text is
//! assembled from fixed fragments only.
//!
//! Each filter compiles to an expression that is never NULL (columns that
//! may be NULL are tested with `IS NOT NULL` first), so `-filter` finds
//! exactly the cards `filter` does not. Filters on the daily queue's
//! columns are written so the queue's partial indexes apply (their WHERE
//! clauses are implied by the filter): `is:new` walks `cards_new`, `is:due`
//! and `prop:due` `cards_due`, `deck:` the deck prefix of `cards_state`.

use super::Collection;
use super::cards::{CARD_COLUMNS, Card, row_to_card};
use super::config::SchedulerKind;
use crate::clock::Day;
use crate::error::{Error, Result};
use crate::search::{Cmp, Filter, Is, Node, Pattern, Prop};
use rusqlite::types::Value;

/// What a query is evaluated against: the study day, an optional deck
/// (`--deck`), under FSRS the forgetting curve's decay (`prop:r`), and
/// the lapses that make a leech (`is:leech`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scope {
    pub today: Day,
    pub deck: Option<i64>,
    pub decay: Option<f32>,
    pub leech_threshold: u32,
}

/// A compiled query: the WHERE clause and its parameters, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Compiled {
    pub sql: String,
    pub params: Vec<Value>,
}

impl Collection {
    /// The scope of a query on `today`: FSRS's decay if FSRS schedules.
    pub fn search_scope(&self, today: Day, deck: Option<i64>) -> Result<Scope> {
        let decay = match self.config().scheduler {
            SchedulerKind::Fsrs => Some(self.fsrs_scheduler(0)?.decay()),
            SchedulerKind::Sm2 => None,
        };
        Ok(Scope {
            today,
            deck,
            decay,
            leech_threshold: self.config().leech_threshold,
        })
    }

    /// Compiles `query` into a WHERE clause over `cards c`; fails on a deck
    /// that does not exist or a filter the scope cannot answer.
    pub fn compile(&self, query: &Node, scope: &Scope) -> Result<Compiled> {
        let mut out = Compiler {
            col: self,
            scope,
            sql: String::new(),
            params: Vec::new(),
        };
        if let Some(deck) = scope.deck {
            let p = out.param(deck);
            out.sql.push_str(&format!("c.deck_id = {p} AND "));
        }
        out.sql.push('(');
        out.node(query)?;
        out.sql.push(')');
        Ok(Compiled {
            sql: out.sql,
            params: out.params,
        })
    }

    /// The statement that lists the cards `compiled` finds, in course order
    /// (then by id: cards added on two synced devices can share a place).
    pub fn search_statement(compiled: &Compiled) -> String {
        format!(
            "SELECT {CARD_COLUMNS} FROM cards c JOIN decks d ON d.id = c.deck_id WHERE {} ORDER BY c.position, c.uid",
            compiled.sql
        )
    }

    /// The cards `query` finds, in course order.
    pub fn search(&self, query: &Node, scope: &Scope) -> Result<Vec<Card>> {
        let compiled = self.compile(query, scope)?;
        let mut stmt = self
            .conn
            .prepare_cached(&Self::search_statement(&compiled))?;
        let cards = stmt
            .query_map(rusqlite::params_from_iter(&compiled.params), row_to_card)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(cards)
    }
}

struct Compiler<'a> {
    col: &'a Collection,
    scope: &'a Scope,
    sql: String,
    params: Vec<Value>,
}

/// A `LIKE` pattern (with `ESCAPE '\'`) for `p`: `%`, `_` and `\` taken
/// literally, `*` as any run of characters.
fn like(p: &Pattern) -> String {
    let mut s = String::with_capacity(p.0.len() + 2);
    for c in p.0.chars() {
        match c {
            '%' | '_' | '\\' => {
                s.push('\\');
                s.push(c);
            }
            '*' => s.push('%'),
            c => s.push(c),
        }
    }
    s
}

/// A card that review could show today (not retired, suspended or buried);
/// `{t}` is the parameter holding today.
fn active(t: &str) -> String {
    format!(
        "c.retired = 0 AND c.suspended = 0 AND (c.buried_until IS NULL OR c.buried_until <= {t})"
    )
}

/// In a learning step or with a same-day repeat pending (given `active`
/// and a due day: `Card::status`'s order).
fn learning(t: &str) -> String {
    format!("((c.repeat_on IS NOT NULL AND c.repeat_on = {t}) OR c.step IS NOT NULL)")
}

impl Compiler<'_> {
    /// Binds `v` and returns its placeholder.
    fn param(&mut self, v: impl Into<Value>) -> String {
        self.params.push(v.into());
        format!("?{}", self.params.len())
    }

    fn node(&mut self, node: &Node) -> Result<()> {
        let (parts, joint) = match node {
            Node::And(parts) if parts.is_empty() => {
                self.sql.push('1');
                return Ok(());
            }
            Node::And(parts) => (parts, " AND "),
            Node::Or(parts) => (parts, " OR "),
            Node::Not(inner) => {
                self.sql.push_str("NOT (");
                self.node(inner)?;
                self.sql.push(')');
                return Ok(());
            }
            Node::Filter(f) => {
                let sql = self.filter(f)?;
                self.sql.push('(');
                self.sql.push_str(&sql);
                self.sql.push(')');
                return Ok(());
            }
        };
        self.sql.push('(');
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                self.sql.push_str(joint);
            }
            self.node(part)?;
        }
        self.sql.push(')');
        Ok(())
    }

    fn filter(&mut self, f: &Filter) -> Result<String> {
        Ok(match f {
            Filter::Text(p) => {
                let p = self.param(format!("%{}%", like(p)));
                format!("c.front LIKE {p} ESCAPE '\\' OR c.back LIKE {p} ESCAPE '\\'")
            }
            Filter::Deck(p) => self.deck(p)?,
            Filter::Tag(p) => self.tag(p),
            Filter::Kind(k) => format!("c.kind = {}", self.param(k.as_str().to_string())),
            Filter::Source(p) => format!("c.source LIKE {} ESCAPE '\\'", self.param(like(p))),
            // Card ids are lowercase ASCII: equality finds an exact one
            // through the unique index.
            Filter::Id(p) if !p.has_wildcard() => {
                format!("c.uid = {}", self.param(p.0.to_ascii_lowercase()))
            }
            Filter::Id(p) => format!("c.uid LIKE {} ESCAPE '\\'", self.param(like(p))),
            Filter::Is(is) => self.is(*is),
            Filter::Prop { prop, cmp, value } => self.prop(*prop, *cmp, *value)?,
            Filter::Rated { days, grade } => {
                let from = self.param(self.scope.today - *days as Day + 1);
                let graded = match grade {
                    Some(g) => format!(" AND r.grade = {}", self.param(i64::from(*g))),
                    None => String::new(),
                };
                format!("c.id IN (SELECT r.card_id FROM revlog r WHERE r.day >= {from}{graded})")
            }
            // The card's first answer is in the window: an answer there
            // with none logged before it.
            Filter::Introduced { days } => {
                let from = self.param(self.scope.today - *days as Day + 1);
                format!(
                    "c.id IN (SELECT r.card_id FROM revlog r WHERE r.day >= {from}
                       AND NOT EXISTS (SELECT 1 FROM revlog o WHERE o.card_id = r.card_id AND o.id < r.id))"
                )
            }
        })
    }

    /// `deck:NAME`: a deck that does not exist is an error, not an empty
    /// result (a typo should say so).
    fn deck(&mut self, p: &Pattern) -> Result<String> {
        let pattern = like(p);
        let exists: bool = self.col.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM decks WHERE name LIKE ?1 ESCAPE '\\')",
            [&pattern],
            |r| r.get(0),
        )?;
        if !exists {
            return Err(super::unknown_deck(self.col, &p.0));
        }
        Ok(format!(
            "c.deck_id IN (SELECT x.id FROM decks x WHERE x.name LIKE {} ESCAPE '\\')",
            self.param(pattern)
        ))
    }

    /// `tag:NAME`: one of the card's space-separated tags, whole. A star
    /// may not cross from one tag into the next, so a pattern with one is
    /// matched against each tag alone.
    fn tag(&mut self, p: &Pattern) -> String {
        if !p.has_wildcard() {
            let p = self.param(format!("% {} %", like(p)));
            return format!("(' ' || c.tags || ' ') LIKE {p} ESCAPE '\\'");
        }
        let p = self.param(like(p));
        format!(
            "EXISTS (WITH RECURSIVE t(tag, rest) AS (SELECT '', c.tags || ' '
                 UNION ALL SELECT substr(rest, 1, instr(rest, ' ') - 1), substr(rest, instr(rest, ' ') + 1)
                 FROM t WHERE rest <> '')
               SELECT 1 FROM t WHERE tag <> '' AND tag LIKE {p} ESCAPE '\\')"
        )
    }

    fn is(&mut self, is: Is) -> String {
        // Bound only where used: an unused last parameter is an error.
        let t = match is {
            Is::Retired | Is::Suspended | Is::Leech => String::new(),
            _ => self.param(self.scope.today),
        };
        match is {
            Is::Retired => "c.retired = 1".into(),
            Is::Suspended => "c.retired = 0 AND c.suspended = 1".into(),
            Is::Buried => format!(
                "c.retired = 0 AND c.suspended = 0 AND c.buried_until IS NOT NULL AND c.buried_until > {t}"
            ),
            Is::New => format!("c.due IS NULL AND {}", active(&t)),
            Is::Learning => format!("c.due IS NOT NULL AND {} AND {}", active(&t), learning(&t)),
            Is::Review => format!(
                "c.due IS NOT NULL AND {} AND NOT {}",
                active(&t),
                learning(&t)
            ),
            Is::Due => format!(
                "c.due IS NOT NULL AND {} AND (c.due <= {t} OR (c.repeat_on IS NOT NULL AND c.repeat_on = {t}))",
                active(&t)
            ),
            Is::Leech => format!(
                "c.lapses >= {} OR (' ' || c.tags || ' ') LIKE '% leech %'",
                self.param(self.scope.leech_threshold)
            ),
        }
    }

    fn prop(&mut self, prop: Prop, cmp: Cmp, value: f64) -> Result<String> {
        let op = cmp.sql();
        // Scheduled cards only (see `Prop`), so the partial indexes of
        // studied cards apply.
        let scheduled = "c.retired = 0 AND c.due IS NOT NULL AND ";
        Ok(match prop {
            Prop::Lapses => format!("c.lapses {op} {}", self.param(value)),
            Prop::Reps => format!("c.reps {op} {}", self.param(value)),
            Prop::Ivl => format!("{scheduled}c.interval {op} {}", self.param(value)),
            // EF is stored in thousandths.
            Prop::Ef => format!(
                "{scheduled}c.ease {op} {}",
                self.param((value * 1000.0).round())
            ),
            Prop::Due => {
                let day = self.param(f64::from(self.scope.today) + value);
                format!("{scheduled}c.suspended = 0 AND c.due {op} {day}")
            }
            Prop::Stability => format!(
                "{scheduled}c.stability IS NOT NULL AND c.stability {op} {}",
                self.param(value)
            ),
            Prop::Difficulty => format!(
                "{scheduled}c.difficulty IS NOT NULL AND c.difficulty {op} {}",
                self.param(value)
            ),
            Prop::Recall => self.recall(cmp, value)?,
        })
    }

    /// `prop:r OP x`. FSRS's recall `(1 + f·t/S)^-decay`, with
    /// `f = 0.9^(-1/decay) - 1`, falls as the days `t` since the last
    /// answer grow, so `R < x` is `t > k·S` with `k = (x^(-1/decay) - 1)/f`:
    /// a comparison SQLite can make without powers, and the same for every
    /// card.
    fn recall(&mut self, cmp: Cmp, x: f64) -> Result<String> {
        let Some(decay) = self.scope.decay else {
            return Err(Error::BadValue(
                "prop:r is FSRS's predicted recall: switch with `py201 config scheduler fsrs`"
                    .into(),
            ));
        };
        let decay = f64::from(decay);
        let f = 0.9f64.powf(-1.0 / decay) - 1.0;
        // x = 0 gives an infinite k; capped, so k·S stays a number.
        let k = ((x.max(0.0).powf(-1.0 / decay) - 1.0) / f).min(1e12);
        // Recall falls as t grows: the comparison turns around.
        let op = match cmp {
            Cmp::Lt => ">",
            Cmp::Le => ">=",
            Cmp::Gt => "<",
            Cmp::Ge => "<=",
            Cmp::Eq | Cmp::Ne => {
                return Err(Error::BadValue(
                    "prop:r takes <, <=, > or >= (a probability is never exactly a number)".into(),
                ));
            }
        };
        let t = self.param(self.scope.today);
        let k = self.param(k);
        Ok(format!(
            "c.retired = 0 AND c.due IS NOT NULL AND c.stability IS NOT NULL AND
             max(0, {t} - CASE WHEN c.step IS NOT NULL THEN c.due ELSE c.due - c.interval END)
               {op} {k} * c.stability"
        ))
    }
}
