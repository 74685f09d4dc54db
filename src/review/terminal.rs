//! The full-screen review for a real terminal: single keypresses (no Enter),
//! one screen per card redrawn in place, code highlighted in a box, colour
//! that respects `NO_COLOR` and `--color`. The session logic is the same as
//! for pipes (see `Frontend`).

use super::highlight::{Kind, highlight};
use super::{CardView, Frontend, Step, render};
use crate::error::Result;
use crate::model::CardKind;
use crate::scheduler::Grade;
use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::style::{Attribute, Color, ContentStyle, PrintStyledContent, StyledContent};
use crossterm::{cursor, execute, queue, terminal};
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// One styled piece of a screen line.
type Span = (String, ContentStyle);

/// The screen's colours, by role. Only ANSI colours that stay readable on
/// both light and dark backgrounds: the bright yellow, cyan and green that
/// dark-theme tools favour fall to 1.1-1.4:1 contrast on white, so they are
/// not used at all (the test below measures every colour here against
/// white and black in the xterm and GNOME/Tango palettes).
mod palette {
    use crossterm::style::Color;
    /// Inline `code` in card text, and numbers and constants in code.
    pub const CODE: Color = Color::Magenta;
    /// Keys in the footer, the typed answer, matching characters, builtins.
    pub const ACCENT: Color = Color::Blue;
    pub const KEYWORD: Color = Color::DarkMagenta;
    pub const STRING: Color = Color::DarkRed;
    /// Box frames, comments, legends.
    pub const DIM: Color = Color::DarkGrey;
    /// Wrong characters of a typed answer, warnings.
    pub const WARN: Color = Color::Red;
    #[cfg(test)]
    pub const ALL: [Color; 6] = [CODE, ACCENT, KEYWORD, STRING, DIM, WARN];
}

/// The terminal front end. Restores the terminal when dropped, whatever happened.
pub struct Terminal<W: Write> {
    out: W,
    color: bool,
    /// Set by the signal handler (SIGHUP, SIGTERM): end the session.
    stop: Arc<AtomicBool>,
    /// Terminal events, read on their own thread: crossterm's reader spins
    /// without returning once the terminal is gone, so the session must be
    /// able to look away from it (to the stop flag and the terminal's size).
    events: std::sync::mpsc::Receiver<Event>,
    lines: Vec<Vec<Span>>,
    footer: Vec<Span>,
    message: Option<String>,
    active: bool,
}

fn style(color: bool, fg: Option<Color>, attrs: &[Attribute]) -> ContentStyle {
    let mut s = ContentStyle::new();
    if color {
        s.foreground_color = fg;
        for a in attrs {
            s.attributes.set(*a);
        }
    } else if attrs.contains(&Attribute::Bold) {
        s.attributes.set(Attribute::Bold);
    }
    s
}

impl<W: Write> Terminal<W> {
    pub fn new(mut out: W, color: bool, stop: Arc<AtomicBool>) -> Result<Self> {
        terminal::enable_raw_mode()?;
        execute!(out, terminal::EnterAlternateScreen, cursor::Hide)?;
        let (tx, events) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            while let Ok(ev) = event::read() {
                if tx.send(ev).is_err() {
                    break;
                }
            }
        });
        Ok(Self {
            events,
            out,
            color,
            stop,
            lines: vec![],
            footer: vec![],
            message: None,
            active: true,
        })
    }

    fn restore(&mut self) {
        if self.active {
            self.active = false;
            let _ = execute!(self.out, cursor::Show, terminal::LeaveAlternateScreen);
            let _ = terminal::disable_raw_mode();
        }
    }

    fn st(&self, fg: Option<Color>, attrs: &[Attribute]) -> ContentStyle {
        style(self.color, fg, attrs)
    }

    fn width(&self) -> usize {
        terminal::size()
            .map(|(w, _)| usize::from(w))
            .unwrap_or(80)
            .clamp(20, 120)
    }

    /// Text with `inline code` in a code colour, word-wrapped to the screen.
    fn text(&mut self, text: &str, base: ContentStyle, indent: usize) {
        let code = self.st(Some(palette::CODE), &[]);
        let width = self.width().saturating_sub(indent + 2).max(10);
        for para in render::sanitize(text).split('\n') {
            let mut line: Vec<Span> = vec![(" ".repeat(indent), base)];
            let mut used = 0;
            let mut in_code = false;
            for (i, chunk) in para.split('`').enumerate() {
                if i > 0 {
                    in_code = !in_code;
                }
                let st = if in_code { code } else { base };
                for word in chunk.split_inclusive(' ') {
                    let n = word.chars().count();
                    if used + n > width && used > 0 {
                        self.lines.push(std::mem::take(&mut line));
                        line.push((" ".repeat(indent), base));
                        used = 0;
                    }
                    line.push((word.to_string(), st));
                    used += n;
                }
            }
            self.lines.push(line);
        }
    }

    /// Code, highlighted, indented as written, in a box; long lines wrap with a marker.
    fn code_box(&mut self, code: &str) {
        let inner = self.width().saturating_sub(6).max(10);
        let frame = self.st(Some(palette::DIM), &[]);
        let longest = code
            .lines()
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(0)
            .min(inner);
        let w = longest.max(20);
        self.lines.push(vec![
            ("  ┌".into(), frame),
            ("─".repeat(w + 2), frame),
            ("┐".into(), frame),
        ]);
        for spans in highlight(&render::sanitize(code)) {
            let mut row: Vec<Span> = vec![("  │ ".into(), frame)];
            let mut used = 0;
            for (text, kind) in spans {
                let st = self.kind_style(kind);
                let mut rest = text.as_str();
                while !rest.is_empty() {
                    let room = w - used;
                    if room == 0 {
                        row.push(("↩".into(), frame));
                        row.push((" │".into(), frame));
                        self.lines.push(std::mem::take(&mut row));
                        row.push(("  │   ".into(), frame));
                        used = 2;
                        continue;
                    }
                    let take: String = rest.chars().take(room).collect();
                    rest = &rest[take.len()..];
                    used += take.chars().count();
                    row.push((take, st));
                }
            }
            row.push((" ".repeat(w.saturating_sub(used) + 1), ContentStyle::new()));
            row.push(("│".into(), frame));
            self.lines.push(row);
        }
        self.lines.push(vec![
            ("  └".into(), frame),
            ("─".repeat(w + 2), frame),
            ("┘".into(), frame),
        ]);
    }

    fn kind_style(&self, k: Kind) -> ContentStyle {
        let fg = match k {
            Kind::Plain | Kind::Operator => None,
            Kind::Keyword => Some(palette::KEYWORD),
            Kind::String => Some(palette::STRING),
            Kind::Number | Kind::Constant => Some(palette::CODE),
            Kind::Comment => Some(palette::DIM),
            // Function names stand out by weight alone (see the attributes).
            Kind::Function => None,
            Kind::Builtin | Kind::Type => Some(palette::ACCENT),
        };
        let attrs: &[Attribute] = match k {
            Kind::Comment => &[Attribute::Italic],
            Kind::Function => &[Attribute::Bold],
            _ => &[],
        };
        self.st(fg, attrs)
    }

    fn header(&mut self, v: &CardView<'_>) {
        let dim = self.st(Some(palette::DIM), &[]);
        let bold = self.st(None, &[Attribute::Bold]);
        let left = format!(
            " {} · {}/{} · {}",
            render::sanitize(&v.card.deck),
            v.position,
            v.total,
            v.label
        );
        let right = format!(
            "new {} · due {} · repeats {} ",
            v.left.new, v.left.due, v.left.repeats
        );
        let pad = self
            .width()
            .saturating_sub(left.chars().count() + right.chars().count());
        self.lines = vec![
            vec![
                (left, bold),
                (" ".repeat(pad), ContentStyle::new()),
                (right, dim),
            ],
            vec![(
                format!(" {}", "─".repeat(self.width().saturating_sub(2))),
                dim,
            )],
            vec![],
        ];
        if let Some(leech) = render::leech_notice(v.card) {
            let warn = self.st(Some(palette::WARN), &[]);
            self.lines.push(vec![(format!(" {leech}"), warn)]);
            self.lines.push(vec![]);
        }
        self.text(&v.card.front, ContentStyle::new(), 1);
        if let Some(code) = &v.card.code {
            self.lines.push(vec![]);
            self.code_box(code);
        }
    }

    fn draw(&mut self) -> Result<()> {
        let (_, rows) = terminal::size().unwrap_or((80, 24));
        queue!(
            self.out,
            terminal::Clear(terminal::ClearType::All),
            cursor::MoveTo(0, 0)
        )?;
        let body = usize::from(rows).saturating_sub(3);
        // Too tall for the terminal: keep the header, and show the end of the
        // card (the answer and the typed comparison matter most once revealed).
        let skip = self.lines.len().saturating_sub(body);
        let shown = self
            .lines
            .iter()
            .take(2)
            .chain(self.lines.iter().skip(2 + skip));
        for (i, line) in shown.take(body).enumerate() {
            queue!(self.out, cursor::MoveTo(0, i as u16))?;
            for (text, st) in line {
                queue!(
                    self.out,
                    PrintStyledContent(StyledContent::new(*st, text.as_str()))
                )?;
            }
        }
        if let Some(m) = &self.message {
            let st = style(self.color, Some(palette::ACCENT), &[Attribute::Bold]);
            queue!(
                self.out,
                cursor::MoveTo(0, rows.saturating_sub(2)),
                PrintStyledContent(StyledContent::new(st, format!(" {m}")))
            )?;
        }
        queue!(self.out, cursor::MoveTo(0, rows.saturating_sub(1)))?;
        for (text, st) in &self.footer {
            queue!(
                self.out,
                PrintStyledContent(StyledContent::new(*st, text.as_str()))
            )?;
        }
        self.out.flush()?;
        Ok(())
    }

    /// The next key press, or a stop request from a signal.
    fn key(&mut self) -> Result<Option<KeyEvent>> {
        loop {
            if self.stop.load(Ordering::SeqCst) {
                return Ok(None);
            }
            match self.events.recv_timeout(Duration::from_millis(150)) {
                Ok(Event::Key(k)) if k.kind != KeyEventKind::Release => return Ok(Some(k)),
                Ok(Event::Resize(..)) => self.draw()?,
                Ok(_) => {}
                // A hung-up terminal has no size: treat it like SIGHUP.
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) if terminal::size().is_ok() => {}
                Err(_) => return Ok(None),
            }
        }
    }

    fn help(&mut self) -> Result<()> {
        let saved = std::mem::take(&mut self.lines);
        let bold = self.st(None, &[Attribute::Bold]);
        self.lines = vec![vec![(" Keys".into(), bold)], vec![]];
        for (k, what) in [
            ("space, Enter", "show the answer"),
            (
                "0 ... 5",
                "grade: 0 blackout, 1 wrong, 2 wrong but familiar, 3 hard, 4 good, 5 perfect",
            ),
            ("u", "undo the last answer (the card comes back)"),
            ("s", "suspend this card"),
            ("b", "bury this card until tomorrow"),
            (
                "q, Esc, Ctrl-C",
                "end the session (everything answered is saved)",
            ),
            ("?", "this help"),
        ] {
            self.lines.push(vec![
                (format!("   {k:<16}"), bold),
                (what.into(), ContentStyle::new()),
            ]);
        }
        self.lines.push(vec![]);
        self.lines.push(vec![(
            " Press any key to go back.".into(),
            ContentStyle::new(),
        )]);
        self.draw()?;
        let _ = self.key()?;
        self.lines = saved;
        self.draw()
    }

    fn command(k: &KeyEvent) -> Option<Step> {
        if k.modifiers.contains(KeyModifiers::CONTROL) && matches!(k.code, KeyCode::Char('c' | 'd'))
        {
            return Some(Step::Interrupt);
        }
        match k.code {
            KeyCode::Char('q') | KeyCode::Esc => Some(Step::Quit),
            KeyCode::Char('u') => Some(Step::Undo),
            KeyCode::Char('s') => Some(Step::Suspend),
            KeyCode::Char('b') => Some(Step::Bury),
            _ => None,
        }
    }

    /// Waits for a key this prompt accepts (`accept`) or a command; `?`
    /// shows the help, anything else shows `hint` and is asked again.
    fn prompt(&mut self, hint: &str, accept: impl Fn(KeyCode) -> Option<Step>) -> Result<Step> {
        loop {
            self.draw()?;
            self.message = None;
            let Some(k) = self.key()? else {
                return Ok(Step::Interrupt);
            };
            if let Some(c) = Self::command(&k) {
                return Ok(c);
            }
            if let Some(step) = accept(k.code) {
                return Ok(step);
            }
            if k.code == KeyCode::Char('?') {
                self.help()?;
            } else {
                self.message = Some(hint.into());
            }
        }
    }

    /// A one-line editor for typed answers.
    fn read_typed(&mut self) -> Result<Step> {
        let mut buf = String::new();
        let prompt_row = self.lines.len();
        loop {
            self.lines.truncate(prompt_row);
            let st = self.st(Some(palette::ACCENT), &[]);
            self.lines.push(vec![]);
            self.lines.push(vec![
                (" Your answer: ".into(), ContentStyle::new()),
                (render::sanitize(&buf), st),
                ("▏".into(), ContentStyle::new()),
            ]);
            self.draw()?;
            let Some(k) = self.key()? else {
                return Ok(Step::Interrupt);
            };
            if k.modifiers.contains(KeyModifiers::CONTROL) {
                // Letters are the answer's text here, so the card's commands
                // are on Ctrl keys (raw mode delivers ^S and ^Z as keys).
                match k.code {
                    KeyCode::Char('c' | 'd') => return Ok(Step::Interrupt),
                    KeyCode::Char('u') => buf.clear(),
                    KeyCode::Char('z') => return Ok(Step::Undo),
                    KeyCode::Char('s') => return Ok(Step::Suspend),
                    KeyCode::Char('b') => return Ok(Step::Bury),
                    _ => {}
                }
                continue;
            }
            match k.code {
                KeyCode::Enter => {
                    self.lines.truncate(prompt_row);
                    return Ok(Step::Reveal(Some(buf)));
                }
                KeyCode::Backspace => {
                    buf.pop();
                }
                KeyCode::Esc => return Ok(Step::Quit),
                KeyCode::Char(c) => buf.push(c),
                _ => {}
            }
        }
    }

    fn footer(&mut self, parts: &[(&str, &str)]) {
        let key = self.st(Some(palette::ACCENT), &[Attribute::Bold]);
        let dim = self.st(Some(palette::DIM), &[]);
        self.footer = vec![(" ".into(), ContentStyle::new())];
        for (i, (k, what)) in parts.iter().enumerate() {
            if i > 0 {
                self.footer.push(("  ".into(), ContentStyle::new()));
            }
            self.footer.push(((*k).into(), key));
            self.footer.push((format!(" {what}"), dim));
        }
    }

    /// The typed answer beside the expected one, differing characters marked.
    fn typed_diff(&mut self, typed: &str, expected: &str) {
        let ok = super::typed_matches(typed, expected);
        let good = self.st(Some(palette::ACCENT), &[Attribute::Bold]);
        let bad = self.st(
            Some(palette::WARN),
            &[Attribute::Bold, Attribute::Underlined],
        );
        let missing = self.st(Some(palette::ACCENT), &[Attribute::Underlined]);
        let one_line = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let (t, e) = (
            render::sanitize(&one_line(typed)),
            render::sanitize(&one_line(expected)),
        );
        self.lines.push(vec![]);
        if ok {
            self.lines.push(vec![
                (" Your answer: ".into(), ContentStyle::new()),
                (t, good),
                ("  ✓ matches".into(), good),
            ]);
            return;
        }
        let diff = similar::TextDiff::from_chars(e.as_str(), t.as_str());
        let mut yours: Vec<Span> = vec![(" Your answer: ".into(), ContentStyle::new())];
        let mut wanted: Vec<Span> = vec![(" Expected:    ".into(), ContentStyle::new())];
        for change in diff.iter_all_changes() {
            let v = change.value().to_string();
            match change.tag() {
                similar::ChangeTag::Equal => {
                    yours.push((v.clone(), ContentStyle::new()));
                    wanted.push((v, ContentStyle::new()));
                }
                similar::ChangeTag::Insert => yours.push((v, bad)),
                similar::ChangeTag::Delete => wanted.push((v, missing)),
            }
        }
        yours.push(("  ✗ differs".into(), bad));
        self.lines.push(yours);
        self.lines.push(wanted);
    }
}

impl<W: Write> Drop for Terminal<W> {
    fn drop(&mut self) {
        self.restore();
    }
}

impl<W: Write> Frontend for Terminal<W> {
    fn question(&mut self, v: &CardView<'_>) -> Result<Step> {
        self.header(v);
        if v.card.kind == CardKind::Typed {
            self.footer(&[
                ("Enter", "check"),
                ("^U", "clear"),
                ("^Z", "undo"),
                ("^S", "suspend"),
                ("^B", "bury"),
                ("Esc", "quit"),
            ]);
            return self.read_typed();
        }
        self.footer(&[
            ("space", "show answer"),
            ("u", "undo"),
            ("s", "suspend"),
            ("b", "bury"),
            ("q", "quit"),
            ("?", "help"),
        ]);
        self.prompt(
            "space shows the answer; ? lists the keys",
            |code| match code {
                KeyCode::Enter | KeyCode::Char(' ') => Some(Step::Reveal(None)),
                _ => None,
            },
        )
    }

    fn answer(
        &mut self,
        v: &CardView<'_>,
        typed: Option<&str>,
        hints: &render::Hints,
    ) -> Result<()> {
        let dim = self.st(Some(palette::DIM), &[]);
        self.lines.push(vec![]);
        self.lines.push(vec![(
            format!(" {}", "┄".repeat(self.width().saturating_sub(2))),
            dim,
        )]);
        // The answer in the terminal's own foreground: the most readable colour
        // on any background; the dashed rule above already sets it apart.
        let answer_style = ContentStyle::new();
        self.text(&v.card.back, answer_style, 1);
        if let Some(t) = typed {
            self.typed_diff(t, &v.card.back);
        }
        let parts: Vec<(String, String)> = Grade::ALL
            .iter()
            .zip(hints)
            .map(|(g, h)| {
                let when = h.as_deref().unwrap_or("again");
                (g.value().to_string(), format!("{} {when}", g.label()))
            })
            .collect();
        let borrowed: Vec<(&str, &str)> = parts
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        self.footer(&borrowed);
        Ok(())
    }

    fn read_grade(&mut self) -> Result<Step> {
        self.prompt(
            "grade with 0-5 (4 = good); ? lists the keys",
            |code| match code {
                KeyCode::Char(c @ '0'..='5') => c
                    .to_digit(10)
                    .and_then(|d| Grade::try_from(d as u8).ok())
                    .map(Step::Grade),
                _ => None,
            },
        )
    }

    fn note(&mut self, message: &str) -> Result<()> {
        self.message = Some(message.trim().to_string());
        Ok(())
    }

    fn finish(&mut self, lines: &[String]) -> Result<()> {
        self.restore();
        if let Some(m) = self.message.take() {
            if m.starts_with("Interrupted") {
                writeln!(self.out, "{m}")?;
            }
        }
        for l in lines {
            writeln!(self.out, "{l}")?;
        }
        self.out.flush()?;
        Ok(())
    }
}

/// Whether to colour: `--color always|never`, or (auto) a terminal without `NO_COLOR`.
pub fn use_color(choice: &str, is_terminal: bool) -> bool {
    match choice {
        "always" => true,
        "never" => false,
        _ => is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}

#[cfg(test)]
mod tests;
