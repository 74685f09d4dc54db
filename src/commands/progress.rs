//! Progress bars for long imports, exports and fits. They go to stderr, only
//! on a terminal and (for imports and exports) only for work big enough to
//! watch: a pipe or a log file never receives bar redraws, and small decks
//! finish before a bar would help.

use crate::interop::export::{Progress, Work};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;

/// Work on at least this many cards gets a bar.
pub const FROM: u64 = 5_000;

/// A bar over `len` cards, or a hidden one (every call on it a no-op) when
/// stderr is not a terminal, `--quiet` is on, or the job is small.
pub fn bar(len: u64, what: &str, quiet: bool) -> ProgressBar {
    if quiet || len < FROM || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new(len);
    let style = ProgressStyle::with_template(
        "{msg} [{bar:32}] {human_pos}/{human_len} cards, {elapsed} (about {eta} left)",
    )
    .map(|s| s.progress_chars("=> "))
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    pb.set_style(style);
    pb.set_message(what.to_string());
    // Draw at once: a job that ends within indicatif's first refresh
    // interval would otherwise show nothing at all.
    pb.tick();
    pb
}

/// A spinner for a step that cannot count its progress (serializing a whole
/// backup in one go), under the same conditions as [`bar`].
pub fn spinner(cards: u64, what: &str, quiet: bool) -> ProgressBar {
    if quiet || cards < FROM || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new_spinner();
    pb.set_message(format!("{what} ({cards} cards)"));
    pb.enable_steady_tick(std::time::Duration::from_millis(100));
    pb
}

/// A bar for fitting FSRS's parameters, whose length the optimizer only
/// learns as it goes (the caller sets it); hidden when stderr is not a
/// terminal. Every fit gets one: even a small log takes seconds.
pub fn fitting() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new(1);
    pb.set_style(
        ProgressStyle::with_template("fitting FSRS {bar:40} {percent:>3}% {elapsed_precise}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    pb
}

/// An export's bars: [`bar`] while notes or cards are written, [`spinner`]
/// while a backup is serialized.
pub struct ExportBar {
    quiet: bool,
    work: Option<Work>,
    pb: ProgressBar,
}

impl ExportBar {
    pub fn new(quiet: bool) -> Self {
        ExportBar {
            quiet,
            work: None,
            pb: ProgressBar::hidden(),
        }
    }
}

impl Progress for ExportBar {
    fn shown(&self, to_stdout: bool) -> bool {
        // On stdout the bar would share the terminal with the file itself.
        !self.quiet && !to_stdout && std::io::stderr().is_terminal()
    }

    fn start(&mut self, work: Work, total: u64) {
        self.work = Some(work);
        self.pb = match work {
            Work::Notes | Work::Cards => bar(total, "exporting", false),
            Work::Backup => spinner(total, "writing the backup", false),
        };
    }

    fn advance(&mut self, n: u64) {
        self.pb.inc(n);
        if self.work == Some(Work::Cards) && self.pb.position() == self.pb.length().unwrap_or(0) {
            self.pb.set_message("compressing");
        }
    }

    fn finish(&mut self) {
        self.pb.finish_and_clear();
    }
}
