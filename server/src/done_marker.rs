//! Tells the page a plain form post is sent back to that the post went
//! through. Leptos answers a successful post from a page without JavaScript
//! with a redirect and no trace of the outcome; this marks the redirect with
//! a one-view cookie naming the server function ([`app::session::DONE_COOKIE`]),
//! which that form's outcome reads, and the next page clears it.

use app::session::{request_cookie, set_cookie_value, DONE_COOKIE, DONE_COOKIE_SECONDS};
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, Request};
use axum::middleware::Next;
use axum::response::Response;

/// Whether cookies are `Secure` (and `__Host-` named): the portal is served over https.
#[derive(Clone, Copy)]
pub struct SecureCookies(pub bool);

/// A post from a plain HTML form (not a script's), which Leptos answers with a redirect.
fn is_plain_form_post(method: &Method, path: &str, headers: &HeaderMap) -> bool {
    method == Method::POST
        && path.starts_with("/api/")
        && headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
}

/// A redirect that does not carry the server function's error back.
fn is_success_redirect(response: &Response) -> bool {
    response.status().is_redirection()
        && response
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|location| !location.contains("__err="))
}

pub async fn mark_done(
    State(SecureCookies(secure)): State<SecureCookies>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let path = request.uri().path().to_string();
    let posted = is_plain_form_post(request.method(), &path, request.headers());
    let carried = request.method() == Method::GET
        && !path.starts_with("/pkg/")
        && request_cookie(request.headers(), DONE_COOKIE, secure).is_some();
    let mut response = next.run(request).await;
    let cookie = if posted && is_success_redirect(&response) {
        Some(set_cookie_value(
            DONE_COOKIE,
            &path,
            Some(DONE_COOKIE_SECONDS),
            secure,
        ))
    } else if carried {
        Some(set_cookie_value(DONE_COOKIE, "", Some(0), secure))
    } else {
        None
    };
    if let Some(value) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}
