//! What `py201 import FILE` does before any parser runs: read the file, refuse
//! empty, binary, non-UTF-8 and zip files (an Anki .apkg/.colpkg is named as
//! such), pick the format from the extension or the content, then parse. This
//! goes through the public `interop::read` with a real file, as the CLI does.
//! The first byte picks the file's extension and whether `--deck` renames.
#![no_main]

use libfuzzer_sys::fuzz_target;
use py201::interop::{self, Format};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const EXTS: [&str; 8] = ["apkg", "colpkg", "toml", "json", "csv", "tsv", "txt", ""];

fn dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("py201-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&d).expect("temp dir");
        d
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let ext = EXTS[usize::from(pick & 0x7)];
    let rename = (pick & 0x8 != 0).then_some("Renamed");
    let path = if ext.is_empty() {
        dir().join("import")
    } else {
        dir().join(format!("import.{ext}"))
    };
    std::fs::write(&path, rest).expect("write temp file");
    let result = interop::read(&path, rename);
    if rest.starts_with(b"PK\x03\x04") {
        assert!(result.is_err(), "a zip archive was imported");
    }
    if let Ok(text) = std::str::from_utf8(rest) {
        let f = interop::detect(&path, text);
        if ext == "apkg" || ext == "colpkg" {
            assert_ne!(f, Format::Apkg);
        }
    }
    let _ = std::fs::remove_file(&path);
});
