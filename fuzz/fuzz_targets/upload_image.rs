//! An uploaded photo: sniffed, decoded within its pixel budget, re-encoded.
#![no_main]

use backend::services::attachments::{prepare, Upload};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    for name in ["photo.jpg", "photo.png", "photo.webp"] {
        let _ = prepare(&Upload {
            name: name.to_string(),
            bytes: bytes.to_vec(),
        });
    }
});
