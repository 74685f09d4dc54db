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
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("decks");
    let mut files: Vec<_> = fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                .collect()
        })
        .unwrap_or_default();
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
