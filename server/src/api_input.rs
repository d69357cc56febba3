//! What a server function answers when its input cannot be read: a post
//! that is not a form (415), a body that is not UTF-8, a field missing or
//! of the wrong type (400), each with a message in the reader's language in
//! the server function error format (`ServerError|…`), which the page shows as is.
//! A form for a multipart function without a boundary is refused (415)
//! before Leptos, which would panic on it, sees it.
//! Leptos itself would answer these with a 500.

use axum::body::{to_bytes, Body};
use axum::http::{header, HeaderValue, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use translations::text;

/// Error bodies are short; anything longer is passed on untouched.
const MAX_ERROR_BODY: usize = 16 * 1024;

/// The error variants Leptos uses for input it could not decode.
const INPUT_ERRORS: [&str; 3] = ["Args|", "Deserialization|", "MissingArg|"];

fn answer(status: StatusCode, message: &str) -> Response {
    let mut response = (status, format!("ServerError|{message}")).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

fn is_form(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|v| {
        v.starts_with("application/x-www-form-urlencoded") || v.starts_with("multipart/form-data")
    })
}

pub async fn server_function_input(request: Request<Body>, next: Next) -> Response {
    if !request.uri().path().starts_with("/api/") {
        return next.run(request).await;
    }
    let lang = app::session::language_of(request.headers());
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    if request.method() == Method::POST && !is_form(content_type) {
        return answer(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            text::input_not_a_form(lang),
        );
    }
    if app::argument_decoding::lacks_multipart_boundary(request.uri().path(), content_type) {
        return answer(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            text::input_multipart_without_boundary(lang),
        );
    }
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BODY).await else {
        return answer(
            StatusCode::INTERNAL_SERVER_ERROR,
            text::error_internal(lang),
        );
    };
    let text = String::from_utf8_lossy(&bytes);
    match INPUT_ERRORS
        .iter()
        .find(|prefix| text.starts_with(**prefix))
    {
        // A body without a declared length that outgrew the limit.
        Some(_) if text.contains("length limit exceeded") => answer(
            StatusCode::PAYLOAD_TOO_LARGE,
            translations::text::input_form_too_large(lang),
        ),
        Some(prefix) => {
            let detail = text[prefix.len()..].chars().take(200).collect::<String>();
            answer(
                StatusCode::BAD_REQUEST,
                &translations::text::input_form_unreadable(lang, detail),
            )
        }
        None => Response::from_parts(parts, Body::from(bytes)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The prefixes this module rewrites are Leptos' own encoding of its
    /// input errors, and `answer` writes what Leptos reads back as a
    /// server error: a Leptos upgrade that changes either fails here.
    #[test]
    fn leptos_still_encodes_its_errors_by_these_prefixes() {
        use leptos::prelude::ServerFnError;
        use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
        let input_errors = [
            ServerFnErrorErr::Args("x".into()),
            ServerFnErrorErr::Deserialization("x".into()),
            ServerFnErrorErr::MissingArg("x".into()),
        ];
        for error in input_errors {
            let encoded = <ServerFnError>::from_server_fn_error(error.clone()).ser();
            let text = String::from_utf8_lossy(&encoded);
            assert!(
                INPUT_ERRORS.iter().any(|prefix| text.starts_with(prefix)),
                "{error:?} is encoded as {text}"
            );
        }
        let ours = <ServerFnError>::de("ServerError|请刷新页面".into());
        assert_eq!(ours, ServerFnError::ServerError("请刷新页面".to_string()));
    }

    #[test]
    fn the_answer_is_a_server_function_error() {
        let response = answer(StatusCode::BAD_REQUEST, "表单内容有误");
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "text/plain; charset=utf-8"
        );
    }
}
