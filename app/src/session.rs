//! The request's side of signing in: cookies, where the request came from,
//! and the signed-in person (server only).

use crate::context::{to_server_error, ClientAddr, Services};
use backend::services::identity::{self, RequestOrigin, SignedInSession, Viewer};
use http::header::{COOKIE, SET_COOKIE, USER_AGENT};
use http::request::Parts;
use http::HeaderValue;
use leptos::prelude::*;
use translations::Lang;

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
/// The server function a plain form post just carried out (its path), for
/// the one page view the post is sent back to: that form says it is done.
pub const DONE_COOKIE: &str = "hd_done";
/// Long enough for the redirect to be followed on a slow phone.
pub const DONE_COOKIE_SECONDS: i64 = 60;

fn parts() -> Option<Parts> {
    use_context::<Parts>()
}

/// A cookie's name: `__Host-` prefixed when cookies are secure, so that no
/// other host or path can plant it.
fn cookie_name(services: &Services, base: &str) -> String {
    secure_cookie_name(base, services.access.secure_cookies)
}

fn secure_cookie_name(base: &str, secure: bool) -> String {
    if secure {
        format!("__Host-{base}")
    } else {
        base.to_string()
    }
}

/// A `Set-Cookie` value for `base` (named as [`cookie_name`] does); `max_age`
/// None makes it last the browser session.
pub fn set_cookie_value(base: &str, value: &str, max_age: Option<i64>, secure: bool) -> String {
    let mut cookie = format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Lax",
        secure_cookie_name(base, secure)
    );
    if let Some(seconds) = max_age {
        cookie.push_str(&format!("; Max-Age={seconds}"));
    }
    if secure {
        cookie.push_str("; Secure");
    }
    cookie
}

/// The value of cookie `base` in a request's headers, outside Leptos.
pub fn request_cookie(headers: &http::HeaderMap, base: &str, secure: bool) -> Option<String> {
    cookie_in(headers, &secure_cookie_name(base, secure))
}

/// The server function a plain form post just carried out, when this page
/// is the one the post was sent back to.
pub fn done_marker() -> Option<String> {
    cookie(&use_context::<Services>()?, DONE_COOKIE)
}

/// The value of a cookie of this request.
pub fn cookie(services: &Services, base: &str) -> Option<String> {
    cookie_in(&parts()?.headers, &cookie_name(services, base))
}

/// The session token a request carries, outside Leptos (plain axum routes).
pub fn session_token(headers: &http::HeaderMap, services: &Services) -> Option<String> {
    cookie_in(headers, &cookie_name(services, SESSION_COOKIE))
}

/// The language a request's reader chose, outside Leptos (plain axum routes
/// and middleware). Either cookie name will do: a language is nobody's secret.
pub fn language_of(headers: &http::HeaderMap) -> Lang {
    let chosen = cookie_in(headers, LANGUAGE_COOKIE)
        .or_else(|| cookie_in(headers, &format!("__Host-{LANGUAGE_COOKIE}")));
    language_from_cookie(chosen.as_deref())
}

/// The language cookie's value as a language; Chinese unless it says "en".
pub fn language_from_cookie(value: Option<&str>) -> Lang {
    if value == Some("en") {
        Lang::En
    } else {
        Lang::Zh
    }
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
pub fn set_cookie(services: &Services, base: &str, value: &str, max_age: Option<i64>) {
    let cookie = set_cookie_value(base, value, max_age, services.access.secure_cookies);
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(&cookie),
    ) {
        response.append_header(SET_COOKIE, value);
    }
}

pub fn clear_cookie(services: &Services, base: &str) {
    set_cookie(services, base, "", Some(0));
}

/// Where this request came from and when.
pub fn origin(services: &Services) -> RequestOrigin {
    let parts = parts();
    let client_addr = parts
        .as_ref()
        .and_then(|p| p.extensions.get::<ClientAddr>())
        .map(|a| a.0.clone());
    match &parts {
        Some(parts) => request_origin(&parts.headers, client_addr, services.now()),
        None => request_origin(&http::HeaderMap::new(), client_addr, services.now()),
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

/// The signed-in person, if any: read once per request (see
/// [`crate::context::RequestViewer`]).
pub async fn viewer(services: &Services) -> Result<Option<Viewer>, ServerFnError> {
    match use_context::<crate::context::RequestViewer>() {
        Some(memo) => memo.get_or_read(|| read_viewer(services)).await,
        None => read_viewer(services).await,
    }
}

async fn read_viewer(services: &Services) -> Result<Option<Viewer>, ServerFnError> {
    let Some(token) = cookie(services, SESSION_COOKIE) else {
        return Ok(None);
    };
    identity::resolve_session(&services.db, &token, services.now())
        .await
        .map_err(to_server_error)
}

/// The signed-in person; otherwise a "please sign in" error, and for a page
/// load, a redirect to the sign-in page.
pub async fn signed_in(services: &Services) -> Result<Viewer, ServerFnError> {
    match viewer(services).await? {
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
pub fn start_session(services: &Services, session: &SignedInSession) {
    set_cookie(
        services,
        SESSION_COOKIE,
        &session.token,
        Some(session.policy.absolute),
    );
    clear_cookie(services, CHALLENGE_COOKIE);
    clear_cookie(services, WECHAT_PENDING_COOKIE);
    if cookie(services, SECOND_FACTOR_COOKIE).is_some() {
        clear_cookie(services, SECOND_FACTOR_COOKIE);
    }
    leptos_axum::redirect(session.viewer.signed_in().home_path());
}
