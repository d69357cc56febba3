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
    use crate::portal::{portal, to_server_error};
    let portal = portal()?;
    let viewer = crate::session::signed_in(&portal).await?;
    backend::services::open311::api_keys(&portal.db, &viewer)
        .await
        .map_err(to_server_error)
}

/// The key just issued, once: the cookie that carried it is cleared.
#[server(input = GetUrl, prefix = "/api", endpoint = "admin/open311/issued")]
pub async fn take_issued_key() -> Result<Option<String>, ServerFnError> {
    use crate::portal::portal;
    use crate::session::{clear_cookie, cookie, ISSUED_KEY_COOKIE};
    let portal = portal()?;
    let viewer = crate::session::signed_in(&portal).await?;
    if !viewer.has(domain::roles::Role::Admin) {
        return Ok(None);
    }
    let key = cookie(&portal, ISSUED_KEY_COOKIE);
    if key.is_some() {
        clear_cookie(&portal, ISSUED_KEY_COOKIE);
    }
    Ok(key)
}

/// Issues a key for a system (admin), then shows it on the keys page.
#[server(prefix = "/api", endpoint = "admin/open311/issue")]
pub async fn issue_api_key(label: String) -> Result<(), ServerFnError> {
    use crate::portal::{portal, to_server_error};
    use crate::session::{origin, set_cookie, ISSUED_KEY_COOKIE};
    let portal = portal()?;
    let viewer = crate::session::signed_in(&portal).await?;
    let issued =
        backend::services::open311::issue_key(&portal.db, &viewer, &label, &origin(&portal))
            .await
            .map_err(to_server_error)?;
    set_cookie(
        &portal,
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
    use crate::portal::{portal, to_server_error};
    use crate::session::origin;
    let portal = portal()?;
    let viewer = crate::session::signed_in(&portal).await?;
    backend::services::open311::revoke_key(&portal.db, &viewer, key_id, &origin(&portal))
        .await
        .map_err(to_server_error)
}
