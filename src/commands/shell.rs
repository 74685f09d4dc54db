//! What py201 gives the shell: completion scripts and the manual page.
//! Both are built whole in memory first, so writing them is one fallible
//! write whose error (a closed pipe, `py201 man | head`) the caller sees;
//! clap_complete's own writer panics on one.

use crate::cli::{Cli, CompletionsArgs};
use anyhow::Result;
use clap::CommandFactory;
use std::io::Write;
use std::process::ExitCode;

pub fn completions(a: CompletionsArgs) -> Result<ExitCode> {
    let mut script = Vec::new();
    clap_complete::generate(a.shell, &mut Cli::command(), "py201", &mut script);
    emit(&script)
}

pub fn man() -> Result<ExitCode> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut page)?;
    emit(&page)
}

fn emit(bytes: &[u8]) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
