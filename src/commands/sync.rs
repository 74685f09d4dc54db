//! `py201 sync [DIR]`, the sync settings of `py201 config` (`sync-dir`,
//! `sync-auto`, `device-name`), and the automatic sync around a review.

use super::{Ctx, outln};
use crate::cli::SyncArgs;
use crate::collection::Collection;
use crate::collection::devices;
use crate::sync::{self, report::Report};
use anyhow::{Result, bail};
use std::path::PathBuf;
use std::process::ExitCode;

/// The settings kept with sync's bookkeeping, not in `Config`.
pub const KEYS: &[(&str, &str, &str)] = &[
    (
        "sync-dir",
        "a folder, or none",
        "the folder `py201 sync` uses when given none (Syncthing, Dropbox, a git clone)",
    ),
    (
        "sync-auto",
        "on or off",
        "sync with sync-dir at the start and end of each review session",
    ),
    (
        "device-name",
        "a short name",
        "this collection's name in other devices' sync summaries",
    ),
];

pub fn run(ctx: &Ctx, args: SyncArgs) -> Result<ExitCode> {
    let mut col = ctx.open()?;
    if args.new_device_id {
        let me = sync::new_device_id(&col.conn)?;
        eprintln!("py201: this collection is now device {me}");
    }
    let dir = match args.dir {
        Some(d) => d,
        None => match devices::meta(&col.conn, "sync-dir")? {
            Some(d) => PathBuf::from(d),
            None => bail!(
                "no sync folder: name one (`py201 sync DIR`) or set it (`py201 config sync-dir DIR`)"
            ),
        },
    };
    let now_ms = ctx.clock.now().timestamp_millis();
    let report = sync::sync(&mut col, &dir, now_ms)?;
    print(&report)?;
    Ok(if report.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The summary and conflicts on stdout, each problem as an error line.
fn print(report: &Report) -> Result<()> {
    outln!("{}", report.summary())?;
    for c in report.settings_lines().iter().chain(&report.conflicts) {
        outln!("{c}")?;
    }
    for p in &report.problems {
        eprintln!("py201: error: {p}");
    }
    Ok(())
}

/// Whether `key` is one of sync's settings.
pub fn is_key(key: &str) -> bool {
    KEYS.iter().any(|(k, _, _)| *k == key)
}

/// A sync setting's value as `config` shows it.
pub fn get(col: &Collection, key: &str) -> Result<String> {
    Ok(match key {
        "device-name" => sync::own_device(&col.conn)?.name,
        "sync-auto" => devices::meta(&col.conn, key)?.unwrap_or_else(|| "off".into()),
        _ => devices::meta(&col.conn, key)?.unwrap_or_else(|| "none".into()),
    })
}

/// Sets a sync setting, checked first.
pub fn set(col: &Collection, key: &str, value: &str) -> Result<()> {
    let value = value.trim();
    match key {
        "device-name" if value.is_empty() || value.len() > 60 => {
            bail!("device-name: give a name of 1 to 60 characters")
        }
        "device-name" => {
            let mut me = sync::own_device(&col.conn)?;
            me.name = value.to_string();
            devices::save_device(&col.conn, &me)?;
        }
        "sync-auto" if !matches!(value, "on" | "off") => {
            bail!("sync-auto: {value:?} is not on or off")
        }
        "sync-dir" if value != "none" && !std::path::Path::new(value).is_dir() => {
            bail!("sync-dir: {value}: no such folder")
        }
        "sync-dir" if value != "none" => {
            let abs = std::fs::canonicalize(value)?;
            devices::set_meta(&col.conn, key, &abs.to_string_lossy())?;
        }
        _ => devices::set_meta(&col.conn, key, value)?,
    }
    Ok(())
}

/// The automatic sync around a review (`sync-auto on` with a `sync-dir`):
/// its summary, or why it failed, as a note; a failed sync never stops
/// the review.
pub fn auto(ctx: &Ctx, col: &mut Collection) {
    let on = devices::meta(&col.conn, "sync-auto").ok().flatten();
    let dir = devices::meta(&col.conn, "sync-dir").ok().flatten();
    let (Some("on"), Some(dir)) = (on.as_deref(), dir) else {
        return;
    };
    if dir == "none" {
        return;
    }
    let now_ms = ctx.clock.now().timestamp_millis();
    match sync::sync(col, std::path::Path::new(&dir), now_ms) {
        Ok(report) => {
            if !ctx.quiet {
                eprintln!("py201: sync: {}", report.summary());
            }
            let settings = report.settings_lines();
            for p in report
                .problems
                .iter()
                .chain(&settings)
                .chain(&report.conflicts)
            {
                eprintln!("py201: sync: {p}");
            }
        }
        Err(e) => eprintln!("py201: sync failed, reviewing without it: {e}"),
    }
}
