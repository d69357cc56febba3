//! How a backend error answers a plain route (12345, Open311, the CSV
//! export, photos, sessions): the status is always
//! [`BackendError::status`], the one mapping server functions use too;
//! faults of the server are logged in full.

use axum::response::{IntoResponse, Response};
use backend::BackendError;
use http::StatusCode;
use translations::Lang;

/// The status an error answers with.
pub fn status_of(error: &BackendError) -> StatusCode {
    StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// The status and the person's message in their language, as plain text;
/// `what` names the request in the log.
pub fn plain_answer(error: &BackendError, what: &'static str, lang: Lang) -> Response {
    if error.is_server_fault() {
        tracing::error!(error = %error.log_detail(), what, "request failed");
    } else {
        tracing::debug!(error = %error.log_detail(), what, "request refused");
    }
    (status_of(error), error.public_message(lang).into_owned()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use translations::{text, Localized, StaticText};

    #[test]
    fn every_error_has_its_status() {
        let cases = [
            (
                BackendError::refused(text::form_malformed),
                StatusCode::BAD_REQUEST,
            ),
            (BackendError::SignedOut, StatusCode::UNAUTHORIZED),
            (BackendError::Forbidden, StatusCode::FORBIDDEN),
            (
                BackendError::NotFound(text::case_not_found),
                StatusCode::NOT_FOUND,
            ),
            (
                BackendError::Throttled(Localized::from(text::sign_in_busy as StaticText)),
                StatusCode::TOO_MANY_REQUESTS,
            ),
            (
                BackendError::Internal("x".into()),
                StatusCode::INTERNAL_SERVER_ERROR,
            ),
            (
                BackendError::Storage("x".into()),
                StatusCode::SERVICE_UNAVAILABLE,
            ),
            (
                BackendError::Database(sqlx::Error::PoolTimedOut),
                StatusCode::SERVICE_UNAVAILABLE,
            ),
        ];
        for (error, status) in cases {
            assert_eq!(
                plain_answer(&error, "test", Lang::Zh).status(),
                status,
                "{error:?}"
            );
        }
    }
}
