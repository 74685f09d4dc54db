//! What py201 gives the shell: completion scripts and the manual page.
//! Both are built whole in memory first, so writing them is one fallible
//! write whose error (a closed pipe, `py201 man | head`) the caller sees;
//! clap_complete's own writer panics on one.

use crate::cli::{Cli, CompletionsArgs, ManArgs};
use anyhow::Result;
use clap::CommandFactory;
use std::io::Write;
use std::process::ExitCode;

pub fn completions(a: CompletionsArgs) -> Result<ExitCode> {
    let mut script = Vec::new();
    clap_complete::generate(a.shell, &mut Cli::command(), "py201", &mut script);
    emit(&script)
}

/// The manual: py201's own page, then one page per command with its
/// options (groff shows each `.TH` as a page of its own); or only the page
/// of `a.command`.
pub fn man(a: ManArgs) -> Result<ExitCode> {
    let mut cli = Cli::command().disable_help_subcommand(true);
    // Gives each command its full name ("py201 review") for its synopsis.
    cli.build();
    let commands: Vec<clap::Command> = cli.get_subcommands().cloned().collect();
    let mut out = Vec::new();
    match a.command {
        None => {
            clap_mangen::Man::new(cli).render(&mut out)?;
            for c in commands {
                page(c, &mut out)?;
            }
        }
        Some(name) => {
            let names: Vec<String> = commands.iter().map(|c| c.get_name().into()).collect();
            let Some(c) = commands.into_iter().find(|c| c.get_name() == name) else {
                return Err(super::usage_error(
                    "man",
                    &format!("no command {name:?} (commands: {})", names.join(", ")),
                ));
            };
            page(c, &mut out)?;
        }
    }
    emit(&out)
}

/// One command's page, titled `py201-NAME` as man pages of subcommands are.
fn page(c: clap::Command, out: &mut Vec<u8>) -> std::io::Result<()> {
    let title = format!("py201-{}", c.get_name());
    clap_mangen::Man::new(c).title(title).render(out)
}

fn emit(bytes: &[u8]) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
