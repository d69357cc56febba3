//! API keys (admin): the list, issuing one for Open311 or telemetry (shown
//! once) and revoking one. The new key reaches the page in a short-lived
//! HttpOnly cookie, read once, so issuing works as a plain form post too.

use domain::api_keys::ApiKeyDirectory;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// Seconds the page has to show a key just issued.
#[cfg(feature = "ssr")]
const ISSUED_KEY_SHOWN_FOR: i64 = 300;

/// Every key issued, and the companies to bind one to (admin).
#[server(input = GetUrl, prefix = "/api", endpoint = "admin/api-keys/keys")]
pub async fn load_api_keys() -> Result<ApiKeyDirectory, ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    backend::services::api_keys::directory(&call.db, &call.viewer)
        .await
        .map_err(to_server_error)
}

/// The key just issued, once: the cookie that carried it is cleared.
#[server(input = GetUrl, prefix = "/api", endpoint = "admin/api-keys/issued")]
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
/// `scope` is "open311" (the default) or "telemetry"; `company` binds a
/// telemetry key to one company's sensors (empty: the city's platform).
#[server(prefix = "/api", endpoint = "admin/api-keys/issue")]
pub async fn issue_api_key(
    label: String,
    scope: Option<String>,
    company: Option<String>,
) -> Result<(), ServerFnError> {
    use crate::context::to_server_error;
    use crate::session::{set_cookie, ISSUED_KEY_COOKIE};
    use backend::services::api_keys::{issue, KeyRequest};
    use domain::api_keys::KeyScope;
    let call = crate::context::Call::signed_in().await?;
    let scope = match scope.as_deref().map(str::trim) {
        None | Some("") => KeyScope::Open311,
        Some(text) => KeyScope::parse(text).ok_or_else(|| {
            to_server_error(backend::BackendError::refused(
                translations::text::api_key_scope_unknown,
            ))
        })?,
    };
    let company = company.as_deref().and_then(|c| c.trim().parse().ok());
    let request = KeyRequest {
        label: &label,
        scope,
        company,
    };
    let issued = issue(&call.db, &call.viewer, &request, &call.origin)
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
    leptos_axum::redirect(&format!("/admin/api-keys?issued={}", issued.id));
    Ok(())
}

/// Revokes a key (admin).
#[server(prefix = "/api", endpoint = "admin/api-keys/revoke")]
pub async fn revoke_api_key(key_id: i64) -> Result<(), ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    backend::services::api_keys::revoke(&call.db, &call.viewer, key_id, &call.origin)
        .await
        .map_err(to_server_error)
}
