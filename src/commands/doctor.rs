use super::Ctx;
use crate::cli::DoctorArgs;
use crate::commands::outln;
use anyhow::Result;
use std::process::ExitCode;

pub fn run(ctx: &Ctx, args: DoctorArgs) -> Result<ExitCode> {
    let mut col = match ctx.open() {
        Ok(col) => col,
        Err(e) if super::restore::damaged(&e) => {
            // Nothing here can repair the file itself; a backup can.
            outln!("{e:#}")?;
            outln!(
                "Not fixable here: restore a backup (`py201 backups`, then `py201 restore FILE`); the damaged file is kept in backups/."
            )?;
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(e),
    };
    let findings = col.doctor()?;
    if findings.is_empty() {
        outln!("No problems found in {}.", col.path().display())?;
        return Ok(ExitCode::SUCCESS);
    }
    for f in &findings {
        let how = if f.fixable {
            "fixable with --fix"
        } else {
            "not fixable here: restore a backup (py201 backups)"
        };
        outln!("{}: {} ({how})", f.what, f.count)?;
    }
    if !args.fix {
        return Ok(ExitCode::from(1));
    }
    if findings.iter().any(|f| !f.fixable) {
        outln!(
            "Not repairing: the damage above needs a backup, and a repair could make it worse."
        )?;
        return Ok(ExitCode::from(1));
    }
    let saved = col.backup(&ctx.stamp())?;
    outln!("Backed up to {}", saved.display())?;
    for line in col.doctor_fix()? {
        outln!("Fixed: {line}")?;
    }
    let left = col.doctor()?;
    Ok(if left.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
