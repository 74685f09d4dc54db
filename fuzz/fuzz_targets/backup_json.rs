//! The JSON backup reader (`py201 import backup.json`): any text may be refused,
//! never a panic, a stack overflow (deep nesting) or a runaway allocation.
#![no_main]

use libfuzzer_sys::fuzz_target;
use py201::interop::backup;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = backup::read("f.json", &text);
});
