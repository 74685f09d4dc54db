//! The line protocol, for pipes and scripts: one line reveals (empty, or the
//! typed answer), one line grades (0-5) or gives a command (u, s, b, q).
//! This output is an interface scripts rely on: change it only on purpose.

use super::{CardView, Frontend, Input, LineSource, Step, render};
use crate::error::Result;
use crate::model::CardKind;
use crate::scheduler::Grade;
use std::io::Write;

pub struct Pipe<L: LineSource, W: Write> {
    input: L,
    out: W,
    prompt: String,
}

impl<L: LineSource, W: Write> Pipe<L, W> {
    pub fn new(input: L, out: W) -> Self {
        Self {
            input,
            out,
            prompt: String::new(),
        }
    }
}

fn command(key: &str) -> Option<Step> {
    match key {
        "q" => Some(Step::Quit),
        "u" => Some(Step::Undo),
        "s" => Some(Step::Suspend),
        "b" => Some(Step::Bury),
        _ => None,
    }
}

impl<L: LineSource, W: Write> Frontend for Pipe<L, W> {
    fn question(&mut self, view: &CardView<'_>) -> Result<Step> {
        let card = view.card;
        write!(
            self.out,
            "{}",
            render::question(card, view.position, view.total, &view.label)
        )?;
        writeln!(self.out, "{}", render::reveal_prompt(card.kind))?;
        self.out.flush()?;
        Ok(match self.input.next_line() {
            Input::End => Step::End,
            Input::Interrupt => Step::Interrupt,
            Input::Line(l) if card.kind == CardKind::Typed => Step::Reveal(Some(l)),
            Input::Line(l) => command(l.trim()).unwrap_or(Step::Reveal(None)),
        })
    }

    fn answer(
        &mut self,
        view: &CardView<'_>,
        typed: Option<&str>,
        hints: &render::Hints,
    ) -> Result<()> {
        write!(self.out, "{}", render::answer(view.card, typed))?;
        self.prompt = render::grade_prompt(hints);
        Ok(())
    }

    fn read_grade(&mut self) -> Result<Step> {
        loop {
            writeln!(self.out, "{}", self.prompt)?;
            self.out.flush()?;
            let line = match self.input.next_line() {
                Input::End => return Ok(Step::End),
                Input::Interrupt => return Ok(Step::Interrupt),
                Input::Line(l) => l,
            };
            let key = line.trim();
            if let Some(g) = key.parse::<u8>().ok().and_then(|v| Grade::try_from(v).ok()) {
                return Ok(Step::Grade(g));
            }
            if let Some(c) = command(key) {
                return Ok(c);
            }
            writeln!(
                self.out,
                "{:?} is not a grade: type 0-5, or u (undo), s (suspend), b (bury), q (quit)",
                render::sanitize(key)
            )?;
        }
    }

    fn note(&mut self, message: &str) -> Result<()> {
        writeln!(self.out, "{message}")?;
        Ok(())
    }

    fn finish(&mut self, lines: &[String]) -> Result<()> {
        for l in lines {
            writeln!(self.out, "{l}")?;
        }
        self.out.flush()?;
        Ok(())
    }
}
