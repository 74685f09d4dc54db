use super::{Ctx, progress};
use crate::cli::ExportArgs;
use crate::interop::{Format, apkg, backup, deckfile, text};
use anyhow::{Context, Result, anyhow, bail};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Writes via a temporary file and a rename, so an interrupted export never
/// leaves a half-written file where a good one was.
fn write_file(path: &Path, data: impl AsRef<[u8]>) -> Result<()> {
    emit_with(Some(path), |w| Ok(w.write_all(data.as_ref())?))
}

/// Writes `path` through `write` given a temporary file beside it, renamed
/// to `path` once complete: a failed export never leaves half a file, nor
/// replaces a good one.
fn with_temp_file(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> Result<()>,
) -> Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.py201-tmp"));
    let file =
        std::fs::File::create(&tmp).with_context(|| format!("writing {}", path.display()))?;
    let mut buf = std::io::BufWriter::new(file);
    let done = write(&mut buf).and_then(|()| Ok(buf.flush()?));
    if let Err(e) = done {
        let _ = std::fs::remove_file(&tmp);
        return Err(e.context(format!("writing {}", path.display())));
    }
    std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// Writes what `write` produces to `out` (see [`with_temp_file`]) or to
/// stdout, without building it in memory.
fn emit_with(out: Option<&Path>, write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    match out {
        Some(path) => with_temp_file(path, |w| write(w)),
        None => {
            let mut o = std::io::BufWriter::new(std::io::stdout().lock());
            write(&mut o)?;
            o.flush()?;
            Ok(())
        }
    }
}

fn emit(out: Option<&Path>, data: &str) -> Result<()> {
    emit_with(out, |w| Ok(w.write_all(data.as_bytes())?))
}

pub fn run(ctx: &Ctx, args: ExportArgs) -> Result<ExitCode> {
    let format = Format::parse(&args.format).ok_or_else(|| {
        anyhow!(
            "--format {:?}: use deck, csv, tsv, json or apkg",
            args.format
        )
    })?;
    if args.with_progress && format != Format::Apkg {
        bail!(
            "--with-progress is for --format apkg; a JSON backup (--format json) always holds the whole history, and deck, CSV and TSV files hold card content only"
        );
    }
    let col = ctx.open()?;
    let deck = args.deck.as_deref().map(|d| col.deck_id(d)).transpose()?;
    let out: Option<PathBuf> = args.output.filter(|p| p.as_os_str() != "-");
    match format {
        Format::Deck => {
            let decks = col.deck_notes(deck)?;
            if deck.is_some() {
                let d = decks.first().ok_or_else(|| anyhow!("deck not found"))?;
                emit(out.as_deref(), &deckfile::write(d).map_err(|e| anyhow!(e))?)?;
            } else {
                let Some(dir) = out else {
                    bail!(
                        "deck files hold one deck each: choose one with --deck NAME, or give -o FOLDER for one file per deck"
                    );
                };
                std::fs::create_dir_all(&dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
                for (i, d) in decks.iter().enumerate() {
                    write_file(
                        &dir.join(deckfile::file_name(i, &d.name)),
                        &deckfile::write(d).map_err(|e| anyhow!(e))?,
                    )?;
                }
                eprintln!(
                    "py201: wrote {} deck files to {}",
                    decks.len(),
                    dir.display()
                );
            }
        }
        Format::Csv | Format::Tsv => {
            let sep = if format == Format::Tsv { b'\t' } else { b',' };
            let decks = col.export_decks(deck)?;
            // On stdout the bar would share the terminal with the file itself.
            let quiet = ctx.quiet || out.is_none() || !std::io::stderr().is_terminal();
            let notes = if quiet { 0 } else { col.live_notes(deck)? };
            let pb = progress::bar(notes, "exporting", quiet);
            // Each note goes from the collection to the file as it is read.
            let done = emit_with(out.as_deref(), |w| {
                let mut file = text::Writer::new(w, sep).map_err(|e| anyhow!(e))?;
                col.each_note(&decks, &mut |d, id, note| {
                    let spec = note.spec(&id)?;
                    file.note(&d.name, &id, &spec)
                        .map_err(|e| crate::error::Error::Io(std::io::Error::other(e)))?;
                    pb.inc(1);
                    Ok(())
                })?;
                file.finish().map_err(|e| anyhow!(e))
            });
            pb.finish_and_clear();
            done?;
        }
        Format::Json => {
            if deck.is_some() {
                bail!(
                    "a JSON backup holds the whole collection with its history; leave out --deck (or use --format deck)"
                );
            }
            let created = ctx.clock.now().to_rfc3339();
            let cards = col.cards_total()?;
            let pb = progress::spinner(cards, "writing the backup", ctx.quiet || out.is_none());
            let data = col
                .dump()
                .map_err(anyhow::Error::from)
                .and_then(|d| backup::write(d, created).map_err(|e| anyhow!(e)));
            pb.finish_and_clear();
            emit(out.as_deref(), &data?)?;
        }
        Format::Apkg => {
            let Some(path) = out else {
                bail!("an Anki package is a binary file: give -o FILE.apkg");
            };
            let opts = apkg::Options {
                with_progress: args.with_progress,
                now_ms: ctx.clock.now().timestamp_millis(),
                today: ctx.clock.today(col.config().day_starts_at),
                config: *col.config(),
            };
            let pb = progress::bar(col.package_cards(deck)?, "exporting", ctx.quiet);
            let scratch = path
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or_else(|| Path::new("."))
                .to_path_buf();
            let mut done = None;
            let written = with_temp_file(&path, |w| {
                let summary = apkg::write(&col, deck, &opts, &scratch, w, &mut |n| {
                    pb.inc(n);
                    if pb.position() == pb.length().unwrap_or(0) {
                        pb.set_message("compressing");
                    }
                })?;
                done = Some(summary);
                Ok(())
            });
            pb.finish_and_clear();
            written?;
            let Some(done) = done else {
                bail!("exporting {}: nothing written", path.display());
            };
            if !ctx.quiet {
                let n = |count: usize, what: &str| {
                    format!("{count} {what}{}", if count == 1 { "" } else { "s" })
                };
                let reviews = if args.with_progress {
                    format!(", {}", n(done.reviews, "review"))
                } else {
                    String::new()
                };
                eprintln!(
                    "py201: wrote {}: {}, {}, {}{reviews}",
                    path.display(),
                    n(done.decks, "deck"),
                    n(done.notes, "note"),
                    n(done.cards, "card")
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
