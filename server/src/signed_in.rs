//! The signed-in viewer of a plain axum route (attachments, CSV exports),
//! from the session cookie.

use app::context::Services;
use axum::response::Response;
use backend::services::identity::Viewer;
use http::HeaderMap;

/// The viewer, `Ok(None)` without a live session, or the response for a
/// failed lookup.
pub async fn viewer(services: &Services, headers: &HeaderMap) -> Result<Option<Viewer>, Response> {
    let Some(token) = app::session::session_token(headers, services) else {
        return Ok(None);
    };
    backend::services::identity::resolve_session(&services.db, &token, services.now())
        .await
        .map_err(|error| {
            let lang = app::session::language_of(headers);
            crate::backend_answer::plain_answer(&error, "session lookup", lang)
        })
}
