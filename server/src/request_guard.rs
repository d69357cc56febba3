//! Checks on the request before anything handles it: who the client is, and
//! that a state-changing request comes from the portal's own pages.

use app::portal::ClientAddr;
use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;
use std::sync::Arc;

/// What the guard needs to know about the deployment.
#[derive(Clone, Debug)]
pub struct GuardSettings {
    /// The portal's own origin ("https://heat.example.cn").
    pub public_origin: String,
    /// Whether a reverse proxy in front sets X-Forwarded-For.
    pub trust_forwarded_for: bool,
}

/// Rejects a cross-site state change: any method but GET, HEAD and OPTIONS
/// must come from the portal's own pages. Browsers say so with
/// `Sec-Fetch-Site` (modern) or `Origin` (all of them on POST); a request
/// with neither is not a browser riding a person's cookies.
pub fn is_cross_site(method: &Method, headers: &HeaderMap, allowed_origins: &[String]) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if !matches!(site, "same-origin" | "none") {
            return true;
        }
    }
    match headers.get(header::ORIGIN).map(|v| v.to_str()) {
        None => false,
        Some(Ok(origin)) => !allowed_origins.iter().any(|allowed| allowed == origin),
        Some(Err(_)) => true,
    }
}

/// The origins a form may be posted from: the public URL's, and the one the
/// request itself names in `Host` (the same server reached by another name,
/// as in tests and on a LAN).
fn allowed_origins(settings: &GuardSettings, headers: &HeaderMap) -> Vec<String> {
    let mut allowed = vec![settings.public_origin.clone()];
    if let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) {
        let scheme = if settings.public_origin.starts_with("https://") {
            "https"
        } else {
            "http"
        };
        allowed.push(format!("{scheme}://{host}"));
    }
    allowed
}

/// The client's address: the peer, or the first X-Forwarded-For hop when a
/// trusted proxy sets it.
fn client_addr(settings: &GuardSettings, request: &Request<Body>) -> String {
    if settings.trust_forwarded_for {
        let forwarded = request
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(str::trim)
            .filter(|v| v.parse::<std::net::IpAddr>().is_ok());
        if let Some(addr) = forwarded {
            return addr.to_string();
        }
    }
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip().to_string())
        .unwrap_or_else(|| "unknown".to_string())
}

pub async fn guard(
    State(settings): State<Arc<GuardSettings>>,
    mut request: Request<Body>,
    next: Next,
) -> Response {
    let allowed = allowed_origins(&settings, request.headers());
    // Open311 is for other systems: an API key, never a cookie, so a post
    // from another site rides nobody's session.
    let cookieless_api = request.uri().path().starts_with("/open311/");
    if !cookieless_api && is_cross_site(request.method(), request.headers(), &allowed) {
        tracing::warn!(
            method = %request.method(),
            path = %request.uri().path(),
            origin = ?request.headers().get(header::ORIGIN),
            "cross-site request refused"
        );
        return (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "跨站请求已被拒绝：请从本平台的页面提交。",
        )
            .into_response();
    }
    let addr = client_addr(&settings, &request);
    request.extensions_mut().insert(ClientAddr(addr));
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    const OWN: &str = "https://heat.example.cn";

    #[test]
    fn reads_are_never_cross_site() {
        let evil = headers(&[
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://evil.example"),
        ]);
        assert!(!is_cross_site(&Method::GET, &evil, &[OWN.into()]));
    }

    #[test]
    fn posts_from_other_sites_are() {
        let allowed = [OWN.to_string()];
        for pairs in [
            &[("sec-fetch-site", "cross-site")][..],
            &[("sec-fetch-site", "same-site")][..],
            &[("origin", "https://evil.example")][..],
            &[("origin", "null")][..],
            &[
                ("sec-fetch-site", "same-origin"),
                ("origin", "https://evil.example"),
            ][..],
        ] {
            assert!(
                is_cross_site(&Method::POST, &headers(pairs), &allowed),
                "{pairs:?}"
            );
        }
    }

    #[test]
    fn posts_from_own_pages_are_not() {
        let allowed = [OWN.to_string()];
        for pairs in [
            &[("sec-fetch-site", "same-origin"), ("origin", OWN)][..],
            &[("origin", OWN)][..],
            &[("sec-fetch-site", "none")][..],
            &[][..],
        ] {
            assert!(
                !is_cross_site(&Method::POST, &headers(pairs), &allowed),
                "{pairs:?}"
            );
        }
    }
}
