//! The cloze parser: `{{c1::answer}}` / `{{c1::answer::hint}}`. Any text may be
//! refused, never a panic; when `numbers` accepts a text, the numbers are
//! distinct, ascending and >= 1, and each of them renders.
#![no_main]

use libfuzzer_sys::fuzz_target;
use py201::decks::cloze;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match cloze::numbers(&text) {
        Ok(ns) => {
            assert!(!ns.is_empty());
            assert!(ns.windows(2).all(|w| w[0] < w[1]), "numbers not ascending: {ns:?}");
            assert!(ns[0] >= 1);
            for &n in &ns {
                if let Err(e) = cloze::render(&text, n) {
                    panic!("numbers() accepted the text but render({n}) failed: {e}");
                }
            }
            // A number the text does not hold still renders (every deletion shown).
            assert!(cloze::render(&text, u32::MAX).is_ok());
        }
        Err(_) => {
            let _ = cloze::render(&text, 1);
        }
    }
});
