//! An Open311 POST body or GET query string, as another system sends it.
#![no_main]

use libfuzzer_sys::fuzz_target;

/// 28 Nov 2026 10:00 in Shanghai.
const NOW: i64 = 1_795_831_200;

fuzz_target!(|body: &[u8]| {
    if let Ok(fields) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(body) {
        let _ = domain::open311::parse_post(&fields);
        let _ = domain::open311::parse_query(&fields, NOW);
    }
});
