//! The request's side of signing in: cookies, where the request came from,
//! and the signed-in person (server only).

use crate::portal::{to_server_error, ClientAddr, Portal};
use backend::services::identity::{self, RequestOrigin, SignedInSession, Viewer};
use http::header::{COOKIE, SET_COOKIE, USER_AGENT};
use http::request::Parts;
use http::HeaderValue;
use leptos::prelude::*;

/// The session token (HttpOnly).
pub const SESSION_COOKIE: &str = "hd_session";
/// The token that binds a sign-in code to this browser.
pub const CHALLENGE_COOKIE: &str = "hd_code";
/// A WeChat openid waiting for its phone verification.
pub const WECHAT_PENDING_COOKIE: &str = "hd_wechat";
/// The step between a staff member's right password and their session.
pub const SECOND_FACTOR_COOKIE: &str = "hd_2fa";
/// The OAuth `state` of a WeChat sign-in under way.
pub const OAUTH_STATE_COOKIE: &str = "hd_oauth";
/// 大字模式 (large text, high contrast).
pub const LARGE_TEXT_COOKIE: &str = "hd_large";
/// Language: "en" or absent (Chinese).
pub const LANGUAGE_COOKIE: &str = "hd_lang";
/// An Open311 key just issued, for the one page view that shows it.
pub const ISSUED_KEY_COOKIE: &str = "hd_open311_key";

fn parts() -> Option<Parts> {
    use_context::<Parts>()
}

/// A cookie's name: `__Host-` prefixed when cookies are secure, so that no
/// other host or path can plant it.
fn cookie_name(portal: &Portal, base: &str) -> String {
    if portal.access.secure_cookies {
        format!("__Host-{base}")
    } else {
        base.to_string()
    }
}

/// The value of a cookie of this request.
pub fn cookie(portal: &Portal, base: &str) -> Option<String> {
    cookie_in(&parts()?.headers, &cookie_name(portal, base))
}

/// The session token a request carries, outside Leptos (plain axum routes).
pub fn session_token(headers: &http::HeaderMap, portal: &Portal) -> Option<String> {
    cookie_in(headers, &cookie_name(portal, SESSION_COOKIE))
}

fn cookie_in(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|header| header.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim().to_string())
        .filter(|value| !value.is_empty())
}

/// Sets a cookie on the response; `max_age` None makes it last the browser session.
pub fn set_cookie(portal: &Portal, base: &str, value: &str, max_age: Option<i64>) {
    let mut cookie = format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Lax",
        cookie_name(portal, base)
    );
    if let Some(seconds) = max_age {
        cookie.push_str(&format!("; Max-Age={seconds}"));
    }
    if portal.access.secure_cookies {
        cookie.push_str("; Secure");
    }
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(&cookie),
    ) {
        response.append_header(SET_COOKIE, value);
    }
}

pub fn clear_cookie(portal: &Portal, base: &str) {
    set_cookie(portal, base, "", Some(0));
}

/// Where this request came from and when.
pub fn origin(portal: &Portal) -> RequestOrigin {
    let parts = parts();
    let client_addr = parts
        .as_ref()
        .and_then(|p| p.extensions.get::<ClientAddr>())
        .map(|a| a.0.clone());
    match &parts {
        Some(parts) => request_origin(&parts.headers, client_addr, portal.now()),
        None => request_origin(&http::HeaderMap::new(), client_addr, portal.now()),
    }
}

/// Where a request came from (its client address, "unknown" when none is
/// known) and its user agent, at `now`: for server functions and for the
/// plain routes other systems call alike.
pub fn request_origin(
    headers: &http::HeaderMap,
    client_addr: Option<String>,
    now: i64,
) -> RequestOrigin {
    RequestOrigin {
        client_addr: client_addr.unwrap_or_else(|| "unknown".to_string()),
        user_agent: headers
            .get(USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|ua| ua.chars().take(300).collect())
            .unwrap_or_default(),
        now,
    }
}

/// The signed-in person, if any.
pub async fn viewer(portal: &Portal) -> Result<Option<Viewer>, ServerFnError> {
    let Some(token) = cookie(portal, SESSION_COOKIE) else {
        return Ok(None);
    };
    identity::resolve_session(&portal.db, &token, portal.now())
        .await
        .map_err(to_server_error)
}

/// The signed-in person; otherwise a "please sign in" error, and for a page
/// load, a redirect to the sign-in page.
pub async fn signed_in(portal: &Portal) -> Result<Viewer, ServerFnError> {
    match viewer(portal).await? {
        Some(viewer) => Ok(viewer),
        None => {
            leptos_axum::redirect("/signin");
            // 401 for a script's call; a page or a plain form goes to /signin.
            Err(to_server_error(backend::BackendError::SignedOut))
        }
    }
}

/// Starts a session in this browser: a fresh token (never one the browser
/// brought along), cookies of the sign-in flow cleared; then on to the
/// person's own start page.
pub fn start_session(portal: &Portal, session: &SignedInSession) {
    set_cookie(
        portal,
        SESSION_COOKIE,
        &session.token,
        Some(session.policy.absolute),
    );
    clear_cookie(portal, CHALLENGE_COOKIE);
    clear_cookie(portal, WECHAT_PENDING_COOKIE);
    if cookie(portal, SECOND_FACTOR_COOKIE).is_some() {
        clear_cookie(portal, SECOND_FACTOR_COOKIE);
    }
    leptos_axum::redirect(session.viewer.signed_in().home_path());
}
