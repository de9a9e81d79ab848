//! Sandbox-file bytes → `sandbox::parse`. Nothing may panic, and a file that parses survives
//! a write/read round trip unchanged.

#![no_main]

use libfuzzer_sys::fuzz_target;
use teamform_portal::sandbox::parse;

fuzz_target!(|data: &[u8]| {
    let Ok(file) = parse(data) else {
        return;
    };
    let _ = file.state.fingerprints();
    let Ok(bytes) = serde_json::to_vec_pretty(&file) else {
        return;
    };
    assert_eq!(parse(&bytes).as_ref(), Ok(&file));
});
