//! How a card and the session look as lines of text (terminal and pipe alike).

use crate::clock::{Day, day_string};
use crate::collection::cards::Card;
use crate::model::CardKind;
use crate::scheduler::{Grade, Outcome, ReviewKind};
use crate::stats::LEECH_LAPSES;
use std::fmt::Write as _;

/// Card text is data: control characters (terminal escape sequences above
/// all) are shown as visible `^[`-style text, never sent to the terminal.
pub fn sanitize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '\n' | '\t' => out.push(ch),
            c if (c as u32) < 0x20 => {
                out.push('^');
                out.push(char::from(b'@' + c as u8));
            }
            '\u{7f}' => out.push_str("^?"),
            c if ('\u{80}'..='\u{9f}').contains(&c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

fn indent(block: &str, by: &str) -> String {
    block
        .lines()
        .map(|l| format!("{by}{l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// "Q:" and the question, with any code indented as a block.
pub fn question(card: &Card, position: u32, total: u32, label: &str) -> String {
    let mut s = format!(
        "\n[{}] {position}/{total} · {label}\n",
        sanitize(&card.deck)
    );
    let front = sanitize(&card.front);
    let _ = writeln!(s, "Q: {}", front.replace('\n', "\n   "));
    if let Some(code) = &card.code {
        let _ = writeln!(s, "{}", indent(&sanitize(code), "    "));
    }
    if let Some(notice) = leech_notice(card) {
        let _ = writeln!(s, "{notice}");
    }
    s
}

/// Said under the question of a leech (tagged `leech`, or failed
/// [`LEECH_LAPSES`] times): a card failed this often is better rewritten,
/// split or suspended than drilled again.
pub fn leech_notice(card: &Card) -> Option<String> {
    let lapses = card.state.lapses;
    let tagged = card.tags.split_whitespace().any(|t| t == "leech");
    (lapses >= LEECH_LAPSES || tagged)
        .then(|| format!("Leech: this card has failed {lapses} times."))
}

/// Said when an answer makes the card a leech (`leech-threshold`).
pub fn became_leech(card: &Card, lapses: u32, suspended: bool) -> String {
    let what = if suspended {
        "tagged leech and suspended"
    } else {
        "tagged leech"
    };
    format!(
        "Leech: this card has now failed {lapses} times; {what}. Rewrite or split it: `py201 show {}` has its history.",
        card.uid
    )
}

pub fn reveal_prompt(kind: CardKind) -> &'static str {
    match kind {
        CardKind::Typed => {
            "Type your answer, then Enter (this line is your answer; u undo, s suspend, b bury and q quit come after it):"
        }
        _ => "(Enter shows the answer; s suspend, b bury, u undo, q quit)",
    }
}

pub fn answer(card: &Card, typed: Option<&str>) -> String {
    let mut s = format!("A: {}\n", sanitize(&card.back).replace('\n', "\n   "));
    if let Some(t) = typed {
        if super::typed_matches(t, &card.back) {
            let _ = writeln!(s, "Your answer: {} ✓ matches", sanitize(t.trim()));
        } else {
            let _ = writeln!(s, "Your answer: {} ✗ differs", sanitize(t.trim()));
        }
    }
    s
}

fn days(n: u32, fuzzed: bool) -> String {
    format!("{}{n}d", if fuzzed { "~" } else { "" })
}

/// What each grade 0..=5 would do, as shown beside it; `None` where the
/// scheduler gives nothing worth showing (an SM-2 same-day repeat).
pub type Hints = [Option<String>; 6];

/// When each grade would bring the card back, from the real scheduler:
/// `None` for an SM-2 same-day repeat (it only repeats today), `"10m"` for
/// an FSRS learning step, `"6d"` (`"~6d"` with fuzz) for an interval.
pub fn hints(preview: &[Outcome; 6], fuzz: bool, fsrs: bool, now_ms: i64) -> Hints {
    preview.map(|o| {
        if let Some(step) = o.state.step {
            let secs = (step.due_ms.saturating_sub(now_ms) / 1000).max(0);
            return Some(delay(secs));
        }
        if o.kind == ReviewKind::Repeat && !fsrs {
            return None;
        }
        let i = o.state.interval;
        Some(days(i, fuzz && i >= 3))
    })
}

/// A learning step's delay, rounded to its largest unit: 30s, 6m, 2h, 1d.
pub fn delay(secs: i64) -> String {
    let round = |size: i64| (secs + size / 2) / size;
    match secs {
        ..60 => format!("{}s", secs.max(0)),
        60..3600 => format!("{}m", round(60)),
        3600..86_400 => format!("{}h", round(3600)),
        _ => format!("{}d", round(86_400)),
    }
}

/// The grade legend with what each grade would do (see [`hints`]).
pub fn grade_prompt(hints: &Hints) -> String {
    let parts: Vec<String> = Grade::ALL
        .iter()
        .zip(hints)
        .map(|(g, h)| match h {
            None => format!("{} {}", g.value(), g.label()),
            Some(h) => format!("{} {} ({h})", g.value(), g.label()),
        })
        .collect();
    format!(
        "Grade: {}; u undo, s suspend, b bury, q quit",
        parts.join(", ")
    )
}

pub fn duration(ms: u64) -> String {
    let s = ms / 1000;
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m {:02}s", s / 60, s % 60),
        _ => format!("{}h {:02}m", s / 3600, (s % 3600) / 60),
    }
}

pub fn relative_day(day: Day, today: Day) -> String {
    let when = match day - today {
        ..=0 => "today".to_string(),
        1 => "tomorrow".to_string(),
        n => format!("in {n} days"),
    };
    format!("{} ({when})", day_string(day))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_shown_not_run() {
        assert_eq!(
            sanitize("a\u{1b}[2Jb\u{7}\n\tc\u{9b}"),
            "a^[[2Jb^G\n\tc\\u{9b}"
        );
    }

    #[test]
    fn durations() {
        assert_eq!(duration(5_400), "5s");
        assert_eq!(duration(134_000), "2m 14s");
        assert_eq!(duration(3_720_000), "1h 02m");
    }

    #[test]
    fn learning_step_delays_round_to_their_unit() {
        let got: Vec<String> = [30, 330, 600, 5_400, 86_400, 129_600]
            .iter()
            .map(|&s| delay(s))
            .collect();
        assert_eq!(got, ["30s", "6m", "10m", "2h", "1d", "2d"]);
    }

    #[test]
    fn hints_show_steps_days_and_sm2_repeats() {
        use crate::scheduler::fsrs::LearnStep;
        use crate::scheduler::{CardState, Outcome, ReviewKind};
        let now = 1_000_000;
        let at = |state: CardState, kind: ReviewKind| Outcome { state, kind };
        let step = CardState {
            step: Some(LearnStep {
                index: 0,
                due_ms: now + 600_000,
            }),
            ..CardState::NEW
        };
        let days = |n| CardState {
            interval: n,
            ..CardState::NEW
        };
        let p = [
            at(step, ReviewKind::First),
            at(days(1), ReviewKind::Repeat),
            at(days(2), ReviewKind::First),
            at(days(3), ReviewKind::First),
            at(days(6), ReviewKind::First),
            at(days(9), ReviewKind::First),
        ];
        let sm2 = hints(&p, true, false, now);
        assert_eq!(sm2[1], None, "an SM-2 same-day repeat shows no interval");
        assert_eq!(sm2[2].as_deref(), Some("2d"));
        assert_eq!(sm2[4].as_deref(), Some("~6d"));
        let fsrs = hints(&p, false, true, now);
        assert_eq!(fsrs[0].as_deref(), Some("10m"));
        assert_eq!(
            fsrs[1].as_deref(),
            Some("1d"),
            "FSRS graduating from a step"
        );
        assert_eq!(fsrs[4].as_deref(), Some("6d"));
    }
}
