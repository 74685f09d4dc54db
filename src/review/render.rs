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

/// Said under the question of a leech: a card failed this often is better
/// rewritten, split or suspended than drilled again.
pub fn leech_notice(card: &Card) -> Option<String> {
    let lapses = card.state.lapses;
    (lapses >= LEECH_LAPSES).then(|| format!("Leech: this card has failed {lapses} times."))
}

pub fn reveal_prompt(kind: CardKind) -> &'static str {
    match kind {
        CardKind::Typed => "Type your answer, then Enter:",
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

/// The grade legend with what each grade would do, from the real scheduler.
pub fn grade_prompt(preview: &[Outcome; 6], fuzz: bool) -> String {
    let parts: Vec<String> = Grade::ALL
        .iter()
        .zip(preview)
        .map(|(g, o)| match o.kind {
            ReviewKind::Repeat => format!("{} {}", g.value(), g.label()),
            ReviewKind::First => {
                let i = o.state.interval;
                format!("{} {} ({})", g.value(), g.label(), days(i, fuzz && i >= 3))
            }
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
}
