//! The Atom feed of the outage board and the season's decisions
//! (`/outages.atom`), for other city systems and feed readers.

use app::context::Services;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::{header, HeaderMap, HeaderValue};

/// Readers poll; a minute of caching keeps a crowd of them cheap.
const CACHE_FOR: &str = "public, max-age=60";

pub async fn outages_atom(State(services): State<Services>, headers: HeaderMap) -> Response {
    let lang = app::session::language_of(&headers);
    let now = services.now();
    match backend::services::public::public_news(&services.db, &services.settings, now).await {
        Ok(news) => {
            let document = domain::news_feed::atom(&news, &services.access.public_url, lang);
            let mut response = document.into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/atom+xml; charset=utf-8"),
            );
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(CACHE_FOR));
            response
        }
        Err(error) => crate::backend_answer::plain_answer(&error, "outage feed", lang),
    }
}
