//! The telemetry API for smart-heating platforms: POST /telemetry/v1/readings
//! with a telemetry key (`Authorization: Bearer hdtel_…`), a JSON array or
//! CSV of readings; the answer accounts for every row. The rules are
//! `domain::telemetry`'s, the use case `backend::services::telemetry`'s;
//! docs/telemetry.md is the contract.

use app::context::Services;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use backend::services::telemetry as service;
use domain::telemetry::{read_csv_batch, read_json_batch, BatchError};
use http::{header, HeaderMap, StatusCode};
use serde_json::json;
use translations::Lang;

fn refuse(status: StatusCode, error: &str, message: String) -> Response {
    (status, Json(json!({ "error": error, "message": message }))).into_response()
}

/// The key a request carries: `Authorization: Bearer …`, or `X-Api-Key`.
fn key_of(headers: &HeaderMap) -> &str {
    let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
    header(header::AUTHORIZATION.as_str())
        .and_then(|value| value.trim().strip_prefix("Bearer "))
        .or_else(|| header("x-api-key"))
        .map(str::trim)
        .unwrap_or_default()
}

/// POST /telemetry/v1/readings
pub async fn post_readings(
    State(shared): State<Services>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let now = shared.now();
    let source =
        match service::source(&shared.db, key_of(&headers), now).await {
            Ok(Some(source)) => source,
            Ok(None) => return refuse(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "a telemetry key is required: Authorization: Bearer hdtel_… 密钥缺失、无效或已吊销"
                    .to_string(),
            ),
            Err(e) => return crate::backend_answer::plain_answer(&e, "telemetry key", Lang::Zh),
        };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let batch = if content_type.starts_with("application/json") {
        read_json_batch(&body)
    } else if content_type.starts_with("text/csv") {
        read_csv_batch(&body)
    } else {
        return refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send application/json or text/csv 请以 JSON 或 CSV 报送".to_string(),
        );
    };
    let batch = match batch {
        Ok(batch) => batch,
        Err(e @ BatchError::TooMany) => {
            return refuse(StatusCode::PAYLOAD_TOO_LARGE, "too_many", e.message())
        }
        Err(e @ BatchError::Unreadable) => {
            return refuse(StatusCode::BAD_REQUEST, "unreadable", e.message())
        }
    };
    match service::ingest(&shared.db, source.company, &batch, now).await {
        Ok(answer) => (StatusCode::OK, Json(answer)).into_response(),
        Err(e) => crate::backend_answer::plain_answer(&e, "telemetry readings", Lang::Zh),
    }
}
