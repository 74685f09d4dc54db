//! What `py201 show ID` says about one card: its content and state, every
//! answer it was given with the schedule before and after, and, under
//! FSRS, its predicted recall today and the day that recall falls to the
//! desired retention. Pure: built from what the collection returned; the
//! text and JSON (keys in docs/json.md) are the two renderings.

use crate::clock::{Day, day_string};
use crate::collection::cards::Card;
use crate::collection::device_cards::Superseded;
use crate::collection::history::LogEntry;
use crate::collection::overrides::Override;
use crate::listing::{CardJson, round4, to_json};
use crate::review::render::sanitize;
use crate::scheduler::CardState;
use crate::scheduler::fsrs::{Fsrs, elapsed_days};
use chrono::{Local, TimeZone};
use serde::Serialize;
use std::fmt::Write as _;

/// One card and its history, on `today`; `fsrs` while FSRS schedules.
pub struct Report<'a> {
    pub card: &'a Card,
    pub log: &'a [LogEntry],
    pub today: Day,
    pub fsrs: Option<&'a Fsrs>,
    /// The learner's edit, when this is a built-in card they edited.
    pub edited: Option<&'a Override>,
    /// Edits of it that lost to a later one on another device (sync).
    pub superseded: &'a [Superseded],
}

/// `py201 show --json`. These names are a public interface.
#[derive(Serialize)]
struct ShowJson<'a> {
    card: CardJson<'a>,
    recall: Option<f64>,
    recall_falls_to_retention_on: Option<String>,
    edited: Option<EditedJson<'a>>,
    superseded_edits: Vec<SupersededJson<'a>>,
    history: Vec<AnswerJson>,
}

/// An edit that lost to a later one on another device.
#[derive(Serialize)]
struct SupersededJson<'a> {
    edited_at: String,
    device: &'a str,
    kept_at: String,
    kept_device: &'a str,
    deleted: bool,
    deck: &'a str,
    front: &'a str,
    back: &'a str,
    code: Option<&'a str>,
    tags: Vec<&'a str>,
}

/// A built-in card's edit: when, and py201's text under it.
#[derive(Serialize)]
struct EditedJson<'a> {
    at: String,
    builtin_changed_at: Option<String>,
    builtin_front: &'a str,
    builtin_back: &'a str,
    builtin_code: Option<&'a str>,
}

#[derive(Serialize)]
struct AnswerJson {
    time: String,
    day: String,
    grade: u8,
    repeat: bool,
    /// Answered before its due day (`py201 review --ahead`).
    early: bool,
    interval_before: u32,
    interval_after: u32,
    ef_before: f64,
    ef_after: f64,
    stability: Option<f64>,
    difficulty: Option<f64>,
    recall: Option<f64>,
    taken_ms: i64,
}

/// Local wall-clock time of a log row, `YYYY-MM-DD HH:MM`.
fn local_time(ms: i64) -> String {
    Local
        .timestamp_millis_opt(ms)
        .single()
        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// The same time for programs: RFC 3339 with the local offset.
fn rfc3339(ms: i64) -> String {
    Local
        .timestamp_millis_opt(ms)
        .single()
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// An answer given before the card's due day: a review ahead of time.
fn early(e: &LogEntry) -> bool {
    !e.repeat && e.before.due.is_some_and(|d| d > e.day)
}

impl Report<'_> {
    /// Predicted recall of `state` on `day`, for a card with an FSRS memory state.
    fn recall_of(&self, state: &CardState, day: Day) -> Option<f32> {
        state.memory?;
        self.fsrs?.recall(state, day)
    }

    /// The first study day on which predicted recall is at or below the
    /// desired retention: the forgetting curve solved for the days since
    /// the last answer.
    fn falls_on(&self) -> Option<Day> {
        let fsrs = self.fsrs?;
        let s = &self.card.state;
        let m = s.memory?;
        let decay = f64::from(fsrs.decay());
        let factor = 0.9f64.powf(-1.0 / decay) - 1.0;
        let x = f64::from(fsrs.fsrs.desired_retention);
        let t = f64::from(m.stability) * (x.powf(-1.0 / decay) - 1.0) / factor;
        let last = self.today - elapsed_days(s, self.today) as Day;
        Some(last + t.ceil().min(1e6) as Day)
    }

    fn answers(&self) -> Vec<AnswerJson> {
        self.log
            .iter()
            .map(|e| AnswerJson {
                time: rfc3339(e.time_ms),
                day: day_string(e.day),
                grade: e.grade,
                repeat: e.repeat,
                early: early(e),
                interval_before: e.before.interval,
                interval_after: e.after.interval,
                ef_before: e.before.ease.as_f64(),
                ef_after: e.after.ease.as_f64(),
                stability: e.after.memory.map(|m| round4(m.stability)),
                difficulty: e.after.memory.map(|m| round4(m.difficulty)),
                recall: self.recall_of(&e.before, e.day).map(round4),
                taken_ms: e.taken_ms,
            })
            .collect()
    }

    pub fn json(&self) -> serde_json::Result<String> {
        serde_json::to_string_pretty(&ShowJson {
            card: to_json(self.card, self.today),
            recall: self.recall_of(&self.card.state, self.today).map(round4),
            recall_falls_to_retention_on: self.falls_on().map(day_string),
            edited: self.edited.map(|o| EditedJson {
                at: rfc3339(o.edited_ms),
                builtin_changed_at: o.upstream_ms.map(rfc3339),
                builtin_front: &o.base.front,
                builtin_back: &o.base.back,
                builtin_code: o.base.code.as_deref(),
            }),
            superseded_edits: self
                .superseded
                .iter()
                .map(|s| SupersededJson {
                    edited_at: rfc3339(s.edited_ms),
                    device: &s.device,
                    kept_at: rfc3339(s.kept_ms),
                    kept_device: &s.kept_device,
                    deleted: s.deleted,
                    deck: &s.deck,
                    front: &s.front,
                    back: &s.back,
                    code: s.code.as_deref(),
                    tags: s.tags.split_whitespace().collect(),
                })
                .collect(),
            history: self.answers(),
        })
    }

    /// An edit that lost, in one line: when, where, and its text.
    fn superseded_line(s: &Superseded) -> String {
        let what = if s.deleted {
            "deleted".to_string()
        } else {
            let mut t = format!("front {:?}, back {:?}", s.front, s.back);
            if let Some(code) = &s.code {
                let _ = write!(t, ", code {code:?}");
            }
            let _ = write!(t, ", tags {:?}, deck {:?}", s.tags, s.deck);
            t
        };
        format!(
            "{} on {}: {what}; {}'s later edit kept",
            local_time(s.edited_ms),
            s.device,
            s.kept_device
        )
    }

    /// The card, its state, then its answers as a table.
    pub fn text(&self) -> String {
        let c = self.card;
        let mut s = format!(
            "{} · {} · {} · {}\n",
            c.uid,
            sanitize(&c.deck),
            c.kind,
            c.status(self.today).as_str()
        );
        // Each line of a field folded for the width, under the field's own
        // column; code keeps its lines as written.
        let mut field = |name: &str, value: &str| {
            for (i, l) in value
                .lines()
                .chain(value.is_empty().then_some(""))
                .enumerate()
            {
                let label = if i == 0 { name } else { "" };
                let line = format!("{:7}{}", "", sanitize(l));
                let folded = if name == "Code" {
                    line
                } else {
                    crate::table::wrap(&line)
                };
                // An empty field is its label alone, with no trailing space.
                let line = format!("{label:<7}{}", &folded[7..]);
                let _ = writeln!(s, "{}", if l.is_empty() { line.trim_end() } else { &line });
            }
        };
        field("Front", &c.front);
        if let Some(code) = &c.code {
            field("Code", code);
        }
        field("Back", &c.back);
        field("Source", &c.source);
        field("Tags", &c.tags);
        if let Some(line) = self.edited_line() {
            field("Edited", &line);
        }
        for e in self.superseded {
            field("Lost", &Self::superseded_line(e));
        }
        // A figure and its name stay on one line: the items break between
        // them, in the columns after the labels.
        let items = usize::from(crate::table::width()).saturating_sub(7);
        field("State", &crate::table::pack(&self.state_items(), items));
        if let Some(line) = self.fsrs_items() {
            field("FSRS", &crate::table::pack(&line, items));
        }
        s.push_str(&self.history_text());
        s
    }

    /// Whose text this is, for a built-in card the learner edited.
    fn edited_line(&self) -> Option<String> {
        let o = self.edited?;
        let mut line = format!("your text, since {}", local_time(o.edited_ms));
        if let Some(ms) = o.upstream_ms {
            let _ = write!(line, "; py201's text changed on {}", local_time(ms));
        }
        let _ = write!(
            line,
            " (`py201 edit --revert {}` shows py201's)",
            self.card.uid
        );
        Some(line)
    }

    fn state_items(&self) -> Vec<String> {
        let st = &self.card.state;
        let due = match st.due {
            None => "new, never answered".to_string(),
            Some(d) => format!("due {}", crate::review::render::relative_day(d, self.today)),
        };
        vec![
            due,
            format!("interval {} d", st.interval),
            format!("EF {:.2}", st.ease.as_f64()),
            format!("reps {}", st.reps),
            format!("lapses {}", st.lapses),
        ]
    }

    fn fsrs_items(&self) -> Option<Vec<String>> {
        let m = self.card.state.memory?;
        let mut items = vec![
            format!("stability {:.1} d", m.stability),
            format!("difficulty {:.1}", m.difficulty),
        ];
        if let (Some(r), Some(day), Some(f)) = (
            self.recall_of(&self.card.state, self.today),
            self.falls_on(),
            self.fsrs,
        ) {
            items.push(format!(
                "recall today {:.1}%, falls to {:.0}% on {}",
                r * 100.0,
                f.fsrs.desired_retention * 100.0,
                day_string(day)
            ));
        }
        Some(items)
    }

    fn history_text(&self) -> String {
        if self.log.is_empty() {
            return "No answers yet.\n".into();
        }
        let fsrs = self.log.iter().any(|e| e.after.memory.is_some());
        let mut header = vec!["When", "Grade", "Interval", "EF"];
        if fsrs {
            header.extend(["S", "D", "R"]);
        }
        header.push("Time");
        let mut table = crate::table::new();
        table
            .load_style(comfy_table::presets::UTF8_FULL_CONDENSED)
            .set_header(header);
        for e in self.log {
            table.add_row(self.row(e, fsrs));
        }
        format!(
            "{}:\n{table}\n",
            crate::commands::counted(self.log.len(), "answer")
        )
    }

    fn row(&self, e: &LogEntry, fsrs: bool) -> Vec<String> {
        let grade = if e.repeat {
            format!("{} (repeat)", e.grade)
        } else if early(e) {
            format!("{} (early)", e.grade)
        } else {
            e.grade.to_string()
        };
        let mut row = vec![
            local_time(e.time_ms),
            grade,
            format!("{} → {} d", e.before.interval, e.after.interval),
            format!(
                "{:.2} → {:.2}",
                e.before.ease.as_f64(),
                e.after.ease.as_f64()
            ),
        ];
        if fsrs {
            let m = e.after.memory;
            row.push(m.map_or(String::new(), |m| format!("{:.1}", m.stability)));
            row.push(m.map_or(String::new(), |m| format!("{:.1}", m.difficulty)));
            let r = self.recall_of(&e.before, e.day);
            row.push(r.map_or(String::new(), |r| format!("{:.0}%", r * 100.0)));
        }
        row.push(format!("{:.1}s", e.taken_ms as f64 / 1000.0));
        row
    }
}
