//! Open311 API keys (admin): the list, issuing one (shown once) and
//! revoking one. The new key reaches the page in a short-lived HttpOnly
//! cookie, read once, so issuing works as a plain form post too.

use domain::open311::ApiKeySummary;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// Seconds the page has to show a key just issued.
#[cfg(feature = "ssr")]
const ISSUED_KEY_SHOWN_FOR: i64 = 300;

/// Every key issued (admin).
#[server(input = GetUrl, prefix = "/api", endpoint = "admin/open311/keys")]
pub async fn load_api_keys() -> Result<Vec<ApiKeySummary>, ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    backend::services::open311::api_keys(&call.db, &call.viewer)
        .await
        .map_err(to_server_error)
}

/// The key just issued, once: the cookie that carried it is cleared.
#[server(input = GetUrl, prefix = "/api", endpoint = "admin/open311/issued")]
pub async fn take_issued_key() -> Result<Option<String>, ServerFnError> {
    use crate::session::{clear_cookie, cookie, ISSUED_KEY_COOKIE};
    let call = crate::context::Call::signed_in().await?;
    if !call.viewer.has(domain::roles::Role::Admin) {
        return Ok(None);
    }
    let key = cookie(&call, ISSUED_KEY_COOKIE);
    if key.is_some() {
        clear_cookie(&call, ISSUED_KEY_COOKIE);
    }
    Ok(key)
}

/// Issues a key for a system (admin), then shows it on the keys page.
#[server(prefix = "/api", endpoint = "admin/open311/issue")]
pub async fn issue_api_key(label: String) -> Result<(), ServerFnError> {
    use crate::context::to_server_error;
    use crate::session::{set_cookie, ISSUED_KEY_COOKIE};
    let call = crate::context::Call::signed_in().await?;
    let issued =
        backend::services::open311::issue_key(&call.db, &call.viewer, &label, &call.origin)
            .await
            .map_err(to_server_error)?;
    set_cookie(
        &call,
        ISSUED_KEY_COOKIE,
        &issued.key,
        Some(ISSUED_KEY_SHOWN_FOR),
    );
    // The key's id in the address makes each issue a new page state, so the
    // page reads the cookie exactly once per key, with or without WebAssembly.
    leptos_axum::redirect(&format!("/admin/open311?issued={}", issued.id));
    Ok(())
}

/// Revokes a key (admin).
#[server(prefix = "/api", endpoint = "admin/open311/revoke")]
pub async fn revoke_api_key(key_id: i64) -> Result<(), ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    backend::services::open311::revoke_key(&call.db, &call.viewer, key_id, &call.origin)
        .await
        .map_err(to_server_error)
}
