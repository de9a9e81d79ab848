//! Fuzzes the HubSpot answer decoders: whatever bytes an API (or a man in the middle on a
//! misconfigured loopback) sends, decoding returns a value or an error, never a panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use teamform_hubspot::decode;

fuzz_target!(|data: &[u8]| {
    let Some((&which, body)) = data.split_first() else {
        return;
    };
    match which % 5 {
        0 => {
            let _ = decode::users_page(body);
        }
        1 => {
            let _ = decode::teams_page(body);
        }
        2 => {
            let _ = decode::roles(body);
        }
        3 => {
            let _ = decode::user(body);
        }
        _ => {
            let _ = decode::error_message(body);
        }
    }
});
