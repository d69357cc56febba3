//! A 12345 work order's JSON body, and the address text inside one.
#![no_main]

use libfuzzer_sys::fuzz_target;

const NOW: i64 = 1_795_831_200;

fuzz_target!(|body: &[u8]| {
    if let Ok(order) = serde_json::from_slice::<domain::hotline::InboundOrder>(body) {
        let _ = domain::hotline::check_order(&order, NOW);
        let _ = domain::hotline::parse_address(&order.address);
    }
    let _ = domain::hotline::parse_address(&String::from_utf8_lossy(body));
});
