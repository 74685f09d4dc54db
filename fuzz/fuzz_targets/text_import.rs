//! The CSV/TSV importer (Anki's "Notes in Plain Text" export): header lines
//! `#separator:`, `#html:`, `#columns:`, `#deck:`, `#tags column:`,
//! `#guid column:`, `#notetype column:`, `#deck column:`, then the rows.
//! The first byte picks the file name (so the separator is chosen from the
//! extension or sniffed from the content) and whether `--deck` renames.
#![no_main]

use libfuzzer_sys::fuzz_target;
use py201::interop::text;
use std::path::Path;

const NAMES: [&str; 6] = ["f.csv", "f.tsv", "f.tab", "f.txt", "f", "F.CSV"];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let path = Path::new(NAMES[usize::from(pick & 0x7) % NAMES.len()]);
    let rename = (pick & 0x8 != 0).then_some("Renamed");
    let body = String::from_utf8_lossy(rest);
    if let Ok(decks) = text::read(path, &body, rename) {
        for d in &decks {
            if let Some(r) = rename {
                assert_eq!(d.name, r, "--deck did not rename");
            }
            assert_eq!(
                d.notes.len(),
                d.notes
                    .iter()
                    .map(|n| &n.id)
                    .collect::<std::collections::HashSet<_>>()
                    .len(),
                "an accepted deck holds two notes with one id"
            );
        }
    }
});
