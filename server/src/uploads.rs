//! Requests that carry files: a larger body limit for the forms that take
//! photos (1 MiB everywhere else), and the route that serves a case's
//! photos to those who may read the case.

use crate::router::MAX_REQUEST_BODY;
use app::context::Services;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::uploads::{MAX_FILES_PER_FORM, MAX_UPLOAD_BYTES};
use http::{header, HeaderMap, HeaderValue, StatusCode};

/// The largest body of a form with files: six photos and the fields.
pub const MAX_UPLOAD_BODY: usize = MAX_FILES_PER_FORM * MAX_UPLOAD_BYTES + 256 * 1024;

/// The server functions whose forms carry files: the multipart ones.
pub fn takes_files(path: &str) -> bool {
    app::argument_decoding::takes_multipart(path)
}

/// Refuses bodies over the limit of their route with 413: at once when the
/// declared length is over, while reading when an undeclared one runs over.
pub async fn limit_body(request: Request, next: Next) -> Response {
    let limit = if takes_files(request.uri().path()) {
        MAX_UPLOAD_BODY
    } else {
        MAX_REQUEST_BODY
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|length| length > limit) {
        let lang = app::session::language_of(request.headers());
        let message = if limit == MAX_UPLOAD_BODY {
            translations::text::input_photos_too_large(lang)
        } else {
            translations::text::input_form_too_large(lang)
        };
        return (StatusCode::PAYLOAD_TOO_LARGE, message).into_response();
    }
    let (parts, body) = request.into_parts();
    let body = Body::new(http_body_util::Limited::new(body, limit));
    next.run(Request::from_parts(parts, body)).await
}

/// GET /attachments/{id}: the photo, if the signed-in viewer may read its
/// case; 404 for everyone else (whether it exists is nobody else's business).
pub async fn attachment(
    State(services): State<Services>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Response {
    let lang = app::session::language_of(&headers);
    let not_found = || {
        (
            StatusCode::NOT_FOUND,
            translations::text::attachment_not_found(lang),
        )
            .into_response()
    };
    let viewer = match crate::signed_in::viewer(&services, &headers).await {
        Ok(Some(viewer)) => viewer,
        Ok(None) => return not_found(),
        Err(response) => return response,
    };
    match backend::services::attachments::read(
        &services.db,
        &services.settings.upload_dir,
        &viewer,
        id,
    )
    .await
    {
        Ok((content_type, bytes)) => {
            let mut response = Response::new(Body::from(bytes));
            let headers = response.headers_mut();
            if let Ok(value) = HeaderValue::from_str(&content_type) {
                headers.insert(header::CONTENT_TYPE, value);
            }
            headers.insert(
                header::CACHE_CONTROL,
                // Photos of people's homes: kept by no cache, shared or not.
                HeaderValue::from_static("private, no-store"),
            );
            headers.insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("inline"),
            );
            response
        }
        Err(error) => crate::backend_answer::plain_answer(&error, "attachment", lang),
    }
}
