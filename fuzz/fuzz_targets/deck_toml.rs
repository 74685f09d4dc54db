//! The deck file parser (TOML): `py201 check`, `py201 import deck.toml` and the
//! built-in decks all come through `decks::parse`. Any text may be refused
//! with problems, never a panic. A deck it accepts must be exportable: each
//! note's stored fields (JSON) read back as the note, as `export -f deck` does.
#![no_main]

use libfuzzer_sys::fuzz_target;
use py201::decks::{NoteSpec, parse, parse_all};
use py201::interop::deckfile;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(deck) = parse("f.toml", text) {
        for note in &deck.content.notes {
            if let Err(e) = serde_json::from_str::<NoteSpec>(&note.fields) {
                panic!("note {:?}: stored fields do not read back: {e}", note.id);
            }
        }
    }
    // Import with a rename, and the multi-file check (`py201 check a b`).
    let _ = deckfile::read("f.toml", text, Some(" renamed "));
    let _ = parse_all([("a.toml", text), ("b.toml", text)]);
});
