//! Checks on the request before anything handles it: who the client is, and
//! that a state-changing request comes from the portal's own pages.

use app::context::ClientAddr;
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
    /// How many reverse proxies in front append to X-Forwarded-For (0: the
    /// header is not believed at all).
    pub trusted_proxies: usize,
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

/// The client's address as `proxies` trusted proxies in front report it:
/// each appends the address it was reached from to X-Forwarded-For, so the
/// client is the `proxies`-th hop from the right. Hops to its left were
/// written by the client itself and are never believed. None when the
/// header (all of its lines, in order) has fewer hops or that hop is not
/// an address.
pub fn forwarded_client<'a>(
    header_lines: impl IntoIterator<Item = &'a str>,
    proxies: usize,
) -> Option<std::net::IpAddr> {
    if proxies == 0 {
        return None;
    }
    let hops: Vec<&str> = header_lines
        .into_iter()
        .flat_map(|line| line.split(','))
        .map(str::trim)
        .collect();
    let hop = hops.len().checked_sub(proxies).map(|i| hops[i])?;
    hop.parse().ok()
}

/// The client's address: the peer, or the hop the outermost trusted proxy
/// appended to X-Forwarded-For.
fn client_addr(settings: &GuardSettings, request: &Request<Body>) -> String {
    let forwarded = request
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok());
    if let Some(addr) = forwarded_client(forwarded, settings.trusted_proxies) {
        return addr.to_string();
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
    // Open311 and telemetry are for other systems: an API key, never a
    // cookie, so a post from another site rides nobody's session.
    let path = request.uri().path();
    let cookieless_api = path.starts_with("/open311/") || path.starts_with("/telemetry/");
    if !cookieless_api && is_cross_site(request.method(), request.headers(), &allowed) {
        let lang = app::session::language_of(request.headers());
        tracing::warn!(
            method = %request.method(),
            path = %request.uri().path(),
            origin = ?request.headers().get(header::ORIGIN),
            "cross-site request refused"
        );
        return (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            translations::text::cross_site_refused(lang),
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
    fn the_client_is_the_hop_the_trusted_proxy_appended() {
        let ip = |text: &str| Some(text.parse::<std::net::IpAddr>().unwrap());
        // The client wrote "1.2.3.4" itself; nginx appended the real peer.
        assert_eq!(
            forwarded_client(["1.2.3.4, 203.0.113.7"], 1),
            ip("203.0.113.7")
        );
        assert_eq!(forwarded_client(["203.0.113.7"], 1), ip("203.0.113.7"));
        // Two proxies (a CDN, then nginx): skip the one nginx appended.
        assert_eq!(
            forwarded_client(["1.2.3.4, 203.0.113.7, 10.0.0.2"], 2),
            ip("203.0.113.7")
        );
        // Several header lines are one list, in order.
        assert_eq!(
            forwarded_client(["1.2.3.4", "203.0.113.7"], 1),
            ip("203.0.113.7")
        );
        assert_eq!(forwarded_client(["2001:db8::1"], 1), ip("2001:db8::1"));
        // Not trusted, too few hops, or not an address: no answer.
        assert_eq!(forwarded_client(["203.0.113.7"], 0), None);
        assert_eq!(forwarded_client(["203.0.113.7"], 2), None);
        assert_eq!(forwarded_client(["1.2.3.4, unknown"], 1), None);
        assert_eq!(forwarded_client(Vec::<&str>::new(), 1), None);
    }

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
