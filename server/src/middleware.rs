//! Response headers every answer carries: security headers and a cache
//! policy that lets browsers keep hashed assets for a year.

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Request};
use axum::middleware::Next;
use axum::response::Response;

/// For everything but HTML documents: allow nothing active.
const FALLBACK_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// The policy of an HTML document: its own scripts (by the nonce minted for
/// this request), the compilation of its WebAssembly, and WeChat's JS-SDK
/// (which public/wechat-share.js loads inside WeChat only, for share cards).
fn document_policy(nonce: &str) -> Option<HeaderValue> {
    HeaderValue::from_str(&format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval' {WECHAT_JS_SDK}; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    ))
    .ok()
}

/// Where WeChat serves its JS-SDK (jweixin), and its fallback host.
const WECHAT_JS_SDK: &str = "https://res.wx.qq.com https://res2.wx.qq.com";

/// What the answers' headers depend on.
#[derive(Clone, Copy, Debug)]
pub struct HeaderSettings {
    /// The portal is reached over https: browsers are told to keep to it
    /// (Strict-Transport-Security).
    pub https: bool,
}

/// A year of https only, for the portal's host (not its subdomains, which
/// the utility may run otherwise).
const HSTS: &str = "max-age=31536000";

/// Adds security headers and the cache policy for the request's path. Mints
/// the script nonce a document rendered for this request carries.
pub async fn response_headers(
    State(settings): State<HeaderSettings>,
    mut request: Request<Body>,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let nonce = backend::secrets::new_token();
    request
        .extensions_mut()
        .insert(app::context::DocumentNonce(nonce.clone()));
    let mut response = next.run(request).await;
    let is_document = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let success = response.status().is_success();
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if settings.https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(self), geolocation=(), microphone=()"),
    );
    match document_policy(&nonce).filter(|_| is_document) {
        Some(policy) => {
            headers.insert(header::CONTENT_SECURITY_POLICY, policy);
        }
        None => {
            headers.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(FALLBACK_CSP),
            );
        }
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, cache_policy(&path, success));
    }
    response
}

/// Hashed bundle files never change under their name; pages and API answers
/// are always fresh (and pages private); other static files may be kept for a day.
fn cache_policy(path: &str, success: bool) -> HeaderValue {
    if !success {
        HeaderValue::from_static("no-store")
    } else if path.starts_with("/pkg/") && is_hashed_file_name(path) {
        HeaderValue::from_static("public, max-age=31536000, immutable")
    } else if path.starts_with("/api/")
        || path.starts_with("/hotline/")
        || matches!(path, "/healthz" | "/readyz")
    {
        HeaderValue::from_static("no-store")
    } else if path.starts_with("/open311/") {
        // Other systems' answers change with every case: ask each time.
        HeaderValue::from_static("no-cache")
    } else if path.contains('.') {
        HeaderValue::from_static("public, max-age=86400")
    } else {
        // Pages may carry a signed-in person's data: never in a shared cache.
        HeaderValue::from_static("private, no-cache")
    }
}

/// "heatdesk.cVzNcftqUpntlnVvGViGTQ.wasm": cargo-leptos puts a base64url
/// content hash between the stem and the extension.
fn is_hashed_file_name(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() >= 3
        && parts[1..parts.len() - 1].iter().any(|part| {
            part.len() >= 16
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_assets_are_immutable_and_pages_fresh() {
        for hashed in [
            "/pkg/heatdesk.cVzNcftqUpntlnVvGViGTQ.wasm",
            "/pkg/heatdesk.1s-iFMsnzGHT5eY57Wr__w.js",
            "/pkg/heatdesk.cVzNcftqUpntlnVvGViGTQ.wasm.br",
        ] {
            assert_eq!(
                cache_policy(hashed, true),
                "public, max-age=31536000, immutable",
                "{hashed}"
            );
        }
        assert_eq!(
            cache_policy("/pkg/heatdesk.wasm", true),
            "public, max-age=86400"
        );
        assert_eq!(cache_policy("/favicon.svg", true), "public, max-age=86400");
        assert_eq!(cache_policy("/outages", true), "private, no-cache");
        assert_eq!(cache_policy("/api/home", true), "no-store");
        assert_eq!(cache_policy("/open311/v2/requests.json", true), "no-cache");
        assert_eq!(cache_policy("/open311/v2/services.xml", true), "no-cache");
        assert_eq!(cache_policy("/hotline/v1/orders", true), "no-store");
        assert_eq!(
            cache_policy("/pkg/heatdesk.1a2b3c4d5e6f.wasm", false),
            "no-store"
        );
    }
}
