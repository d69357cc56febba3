//! Reading from the portal in the browser, for islands (gloo-net's fetch,
//! which is far lighter in the wasm than a server function's client).

/// The body of a successful GET of `address` asking for `accept`; None when
/// the connection failed or the server refused.
pub async fn get_text(address: &str, accept: &str) -> Option<String> {
    let answer = gloo_net::http::Request::get(address)
        .header("Accept", accept)
        .send()
        .await
        .ok()?;
    if !answer.ok() {
        return None;
    }
    answer.text().await.ok()
}
