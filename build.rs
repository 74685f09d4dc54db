//! Embeds every `decks/*.toml` into the binary and fingerprints them, so a
//! collection can tell cheaply at start-up whether its built-in decks are stale
//! (no parsing, no hashing of deck text at run time).
use std::{env, fs, path::Path};

fn fnv1a(bytes: &[u8], mut h: u64) -> u64 {
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    h
}

fn main() {
    println!("cargo:rerun-if-changed=decks");
    // The package's folder as Cargo gives it to this run, not as it was
    // when this script was compiled (`env!`): Cargo reuses a compiled build
    // script for a copy of the package elsewhere (a git worktree sharing
    // the target folder), which then read the decks of a folder since
    // removed and built a py201 with no built-in decks.
    let root = env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|e| panic!("CARGO_MANIFEST_DIR: {e}"));
    let dir = Path::new(&root).join("decks");
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read the built-in decks in {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    // A py201 without its decks is no py201: fail the build, not the learner.
    assert!(
        !files.is_empty(),
        "no built-in decks (*.toml) in {}",
        dir.display()
    );
    files.sort();
    let mut hash = 0xcbf2_9ce4_8422_2325_u64;
    let mut out = String::from(
        "/// (file name, contents) of every built-in deck, in course order.\npub const BUILTIN_DECKS: &[(&str, &str)] = &[\n",
    );
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let bytes = fs::read(f).unwrap_or_default();
        hash = fnv1a(name.as_bytes(), hash);
        hash = fnv1a(&bytes, hash);
        out.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            f.display().to_string()
        ));
    }
    out.push_str("];\n");
    out.push_str(&format!("/// Fingerprint of the built-in decks (FNV-1a over names and contents).\npub const BUILTIN_HASH: &str = \"{hash:016x}\";\n"));
    let dest = Path::new(&env::var("OUT_DIR").unwrap_or_default()).join("builtin_decks.rs");
    if let Err(e) = fs::write(&dest, out) {
        panic!("cannot write {}: {e}", dest.display());
    }
}
