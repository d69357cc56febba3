//! A request to one of the portal's server functions, as a script or a
//! browser could send it: its arguments are decoded by the function's own
//! codec, and a multipart form read to its end, as the server does before
//! the function runs (`app::argument_decoding`).
//!
//! The input's first byte picks the function, the second how the request
//! carries its arguments; the rest is the body or the query string.
#![no_main]

use app::argument_decoding::{decode_arguments, known_paths, ServerFnRequest};
use leptos::server_fn::axum_export::body::Body;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

/// How the arguments travel.
fn request(path: &str, carrier: u8, data: &[u8]) -> Option<ServerFnRequest> {
    let post = |content_type: &str| {
        http::Request::post(path)
            .header(http::header::CONTENT_TYPE, content_type)
            .body(Body::from(data.to_vec()))
            .ok()
    };
    match carrier % 5 {
        0 => post("application/x-www-form-urlencoded"),
        1 => post("multipart/form-data; boundary=heatdesk"),
        // A boundary of the input's own choosing (the header must still be
        // one hyper would have accepted).
        2 => {
            let (boundary, body) = data.split_at(data.len().min(16));
            let content_type = format!(
                "multipart/form-data; boundary={}",
                String::from_utf8_lossy(boundary)
            );
            http::Request::post(path)
                .header(http::header::CONTENT_TYPE, content_type)
                .body(Body::from(body.to_vec()))
                .ok()
        }
        3 => post("application/json"),
        // A query string, as far as the URI parser lets it through.
        _ => {
            let query = String::from_utf8_lossy(data);
            http::Request::get(format!("{path}?{query}"))
                .body(Body::empty())
                .ok()
        }
    }
}

fuzz_target!(|input: &[u8]| {
    static PATHS: OnceLock<Vec<&'static str>> = OnceLock::new();
    let paths = PATHS.get_or_init(known_paths);
    let [which, carrier, data @ ..] = input else {
        return;
    };
    let path = paths[usize::from(*which) % paths.len()];
    if let Some(request) = request(path, *carrier, data) {
        let _ = futures::executor::block_on(decode_arguments(request));
    }
});
