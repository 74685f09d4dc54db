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
use layout::{Block, Header, Screen, Span, Styles};
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

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
    /// What is on screen, laid out afresh at every draw (and so at every resize).
    screen: Screen,
    /// Rows of the scrolled part the last draw showed: a page for PgUp/PgDn.
    view: usize,
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
            screen: Screen::default(),
            view: 0,
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

    fn styles(&self) -> Styles {
        Styles {
            bold: self.st(None, &[Attribute::Bold]),
            dim: self.st(Some(palette::DIM), &[]),
            key: self.st(Some(palette::ACCENT), &[Attribute::Bold]),
            message: self.st(Some(palette::ACCENT), &[Attribute::Bold]),
        }
    }

    /// Text with `inline code` in a code colour: one block per paragraph.
    fn text(&self, text: &str, base: ContentStyle, indent: usize) -> Vec<Block> {
        let code = self.st(Some(palette::CODE), &[]);
        render::sanitize(text)
            .split('\n')
            .map(|para| {
                let spans = para
                    .split('`')
                    .enumerate()
                    .filter(|(_, chunk)| !chunk.is_empty())
                    .map(|(i, chunk)| (chunk.to_string(), if i % 2 == 1 { code } else { base }))
                    .collect();
                Block::Text { spans, indent }
            })
            .collect()
    }

    /// Code, highlighted, indented as written, for a box.
    fn code(&self, code: &str) -> Block {
        let rows = highlight(&render::sanitize(code))
            .into_iter()
            .map(|spans| {
                spans
                    .into_iter()
                    .map(|(text, kind)| (text, self.kind_style(kind)))
                    .collect()
            })
            .collect();
        Block::Code {
            rows,
            frame: self.st(Some(palette::DIM), &[]),
        }
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

    /// A new card on screen: the header, the question (pinned), its code.
    fn header(&mut self, v: &CardView<'_>) {
        let mut pinned = vec![];
        if let Some(leech) = render::leech_notice(v.card) {
            pinned.push(Block::Spans(vec![(
                format!(" {leech}"),
                self.st(Some(palette::WARN), &[]),
            )]));
            pinned.push(Block::Blank);
        }
        pinned.extend(self.text(&v.card.front, ContentStyle::new(), 1));
        let mut body = vec![];
        if let Some(code) = &v.card.code {
            body.push(Block::Blank);
            body.push(self.code(code));
        }
        let message = self.screen.message.take();
        self.screen = Screen {
            header: Header {
                deck: render::sanitize(&v.card.deck),
                position: format!("{}/{}", v.position, v.total),
                label: v.label.clone(),
                new: v.left.new,
                due: v.left.due,
                repeats: v.left.repeats,
            },
            pinned,
            body,
            message,
            ..Screen::default()
        };
    }

    /// Lays the screen out at the terminal's present size and draws it.
    fn draw(&mut self) -> Result<()> {
        let (cols, rows) = terminal::size().unwrap_or((80, 24));
        // Prose past 120 columns is hard to read: wide terminals keep a margin.
        let cols = usize::from(cols).min(120);
        let frame = layout::compose(&self.screen, &self.styles(), cols, usize::from(rows));
        self.screen.scroll = frame.scroll;
        self.screen.anchor = None;
        self.view = frame.view;
        queue!(self.out, terminal::Clear(terminal::ClearType::All))?;
        for (i, line) in frame.rows.iter().enumerate() {
            queue!(
                self.out,
                cursor::MoveTo(0, u16::try_from(i).unwrap_or(u16::MAX))
            )?;
            for (text, st) in line {
                queue!(
                    self.out,
                    PrintStyledContent(StyledContent::new(*st, text.as_str()))
                )?;
            }
        }
        self.out.flush()?;
        Ok(())
    }

    /// Moves the scrolled part for a scrolling key; false for any other key.
    fn scroll(&mut self, k: &KeyEvent) -> bool {
        let page = self.view.saturating_sub(1).max(1);
        let s = self.screen.scroll;
        self.screen.scroll = match k.code {
            KeyCode::Up => s.saturating_sub(1),
            KeyCode::Down => s + 1,
            KeyCode::PageUp => s.saturating_sub(page),
            KeyCode::PageDown => s + page,
            KeyCode::Home => 0,
            // The layout stops at the last page.
            KeyCode::End => usize::MAX / 2,
            _ => return false,
        };
        true
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
        let bold = self.st(None, &[Attribute::Bold]);
        let mut body = vec![Block::Spans(vec![(" Keys".into(), bold)]), Block::Blank];
        for (k, what) in [
            ("space, Enter", "show the answer"),
            (
                "0 ... 5",
                "grade: 0 blackout, 1 wrong, 2 wrong but familiar, 3 hard, 4 good, 5 perfect",
            ),
            ("u", "undo the last answer (the card comes back)"),
            ("s", "suspend this card"),
            ("b", "bury this card until tomorrow"),
            ("↑ ↓ PgUp PgDn", "scroll a card taller than the screen"),
            (
                "q, Esc, Ctrl-C",
                "end the session (everything answered is saved)",
            ),
            ("?", "this help"),
        ] {
            body.push(Block::Text {
                spans: vec![
                    (format!("  {k:<16}"), bold),
                    (what.into(), ContentStyle::new()),
                ],
                indent: 1,
            });
        }
        let saved = std::mem::replace(
            &mut self.screen.body,
            vec![Block::Spans(vec![(
                " Press any key to go back.".into(),
                ContentStyle::new(),
            )])],
        );
        body.append(&mut self.screen.body);
        let pinned = std::mem::take(&mut self.screen.pinned);
        let scroll = std::mem::take(&mut self.screen.scroll);
        self.screen.body = body;
        self.draw()?;
        let _ = self.key()?;
        self.screen.body = saved;
        self.screen.pinned = pinned;
        self.screen.scroll = scroll;
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
    /// shows the help, arrows scroll, anything else shows `hint` and is asked again.
    fn prompt(&mut self, hint: &str, accept: impl Fn(KeyCode) -> Option<Step>) -> Result<Step> {
        loop {
            self.draw()?;
            self.screen.message = None;
            let Some(k) = self.key()? else {
                return Ok(Step::Interrupt);
            };
            if let Some(c) = Self::command(&k) {
                return Ok(c);
            }
            if let Some(step) = accept(k.code) {
                return Ok(step);
            }
            if self.scroll(&k) {
                continue;
            }
            if k.code == KeyCode::Char('?') {
                self.help()?;
            } else {
                self.screen.message = Some(hint.into());
            }
        }
    }

    /// A one-line editor for typed answers, kept in view above the footer.
    fn read_typed(&mut self) -> Result<Step> {
        let mut buf = String::new();
        loop {
            let st = self.st(Some(palette::ACCENT), &[]);
            self.screen.input = Some(vec![
                (" Your answer: ".into(), ContentStyle::new()),
                (render::sanitize(&buf), st),
                ("▏".into(), ContentStyle::new()),
            ]);
            self.draw()?;
            self.screen.message = None;
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
            if self.scroll(&k) {
                continue;
            }
            match k.code {
                KeyCode::Enter => {
                    self.screen.input = None;
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
        self.screen.footer = parts
            .iter()
            .map(|(k, what)| ((*k).to_string(), (*what).to_string()))
            .collect();
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
        let body = &mut self.screen.body;
        body.push(Block::Blank);
        if ok {
            body.push(Block::Spans(vec![
                (" Your answer: ".into(), ContentStyle::new()),
                (t, good),
                ("  ✓ matches".into(), good),
            ]));
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
        body.push(Block::Spans(yours));
        body.push(Block::Spans(wanted));
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
        self.screen.body.push(Block::Blank);
        // Once revealed, the answer comes into view (the question stays pinned).
        self.screen.anchor = Some(self.screen.body.len());
        self.screen.body.push(Block::Rule {
            ch: '┄',
            style: dim,
        });
        // The answer in the terminal's own foreground: the most readable colour
        // on any background; the dashed rule above already sets it apart.
        let answer = self.text(&v.card.back, ContentStyle::new(), 1);
        self.screen.body.extend(answer);
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
        self.screen.message = Some(message.trim().to_string());
        Ok(())
    }

    fn finish(&mut self, lines: &[String]) -> Result<()> {
        self.restore();
        if let Some(m) = self.screen.message.take() {
            if m.starts_with("Interrupted") {
                writeln!(self.out, "{m}")?;
            }
        }
        // Back on the normal screen: folded at words for its width, not
        // wherever the terminal would cut them.
        for l in lines {
            writeln!(self.out, "{}", crate::table::wrap(l))?;
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

mod layout;

#[cfg(test)]
mod tests;
