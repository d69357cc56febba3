//! The 12345 platform's endpoints: POST /hotline/v1/orders (a work order)
//! and POST /hotline/v1/orders/{order_id}/satisfaction (the satisfaction
//! call). Both are signed by the platform (see
//! `backend::integrations::hotline`); the contract is docs/hotline-openapi.yaml.

use std::sync::Arc;

use app::context::Services;
use app::session::request_origin;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use backend::integrations::hotline::{
    HotlineSettings, SignedRequest, SIGNATURE_HEADER, TIMESTAMP_HEADER,
};
use backend::services::hotline::OrderRefusal;
use http::{HeaderMap, Method, StatusCode, Uri};
use serde_json::json;

/// The shared secret, when the platform is configured.
#[derive(Clone, Debug, Default)]
pub struct HotlineInbound(pub Option<Arc<HotlineSettings>>);

fn refuse(status: StatusCode, error: &str, message: String) -> Response {
    (status, Json(json!({ "error": error, "message": message }))).into_response()
}

/// The parts of a request a signature covers, besides the body.
struct RequestLine<'a> {
    method: &'a str,
    path: &'a str,
}

/// Checks the platform's signature and timestamp, and that this signature
/// was not used before; otherwise the refusal's status, error code and
/// message.
async fn authenticate(
    services: &Services,
    inbound: &HotlineInbound,
    line: RequestLine<'_>,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), (StatusCode, &'static str, String)> {
    let now = services.now();
    let Some(settings) = &inbound.0 else {
        return Err((
            StatusCode::NOT_FOUND,
            "not_configured",
            "12345 integration is not configured (未启用 12345 对接)".to_string(),
        ));
    };
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let timestamp = header(TIMESTAMP_HEADER).and_then(|t| t.trim().parse::<i64>().ok());
    let signature = header(SIGNATURE_HEADER);
    let (Some(timestamp), Some(signature)) = (timestamp, signature) else {
        return Err((
            StatusCode::UNAUTHORIZED,
            "unsigned",
            format!("{TIMESTAMP_HEADER} and {SIGNATURE_HEADER} are required (缺少签名)"),
        ));
    };
    if !domain::hotline::fresh_timestamp(timestamp, now) {
        return Err((
            StatusCode::UNAUTHORIZED,
            "stale",
            "the timestamp is more than 300 s from the server's clock (请求已过期)".to_string(),
        ));
    }
    let signed = SignedRequest {
        method: line.method,
        path: line.path,
        timestamp,
        body,
    };
    if !signed.verify(&settings.secret, signature) {
        return Err((
            StatusCode::UNAUTHORIZED,
            "bad_signature",
            "the signature does not match (签名不正确)".to_string(),
        ));
    }
    match backend::services::hotline::first_sight_of_signature(&services.db, signature, now).await {
        Ok(true) => Ok(()),
        Ok(false) => Err((
            StatusCode::UNAUTHORIZED,
            "replayed",
            "this signature was used before; sign each request afresh (重复的签名)".to_string(),
        )),
        Err(error) => {
            tracing::error!(error = %error.log_detail(), "12345 signature not recorded");
            Err((
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "try again later (请稍后重试)".to_string(),
            ))
        }
    }
}

/// The path and query of the request line, as the platform signed them.
fn path_and_query(uri: &Uri) -> &str {
    uri.path_and_query().map_or("/", |p| p.as_str())
}

fn refusal(error: OrderRefusal) -> Response {
    match error {
        OrderRefusal::Invalid(message) => {
            refuse(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message)
        }
        // The platform resends only what answered 503: whatever failed on
        // our side is for it to try again, never a refusal of the order.
        OrderRefusal::Backend(error) => {
            tracing::error!(error = %error.log_detail(), "12345 request failed");
            refuse(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "try again later (请稍后重试)".to_string(),
            )
        }
    }
}

/// POST /hotline/v1/orders: 201 with the case for a new order, 200 with
/// the same case for a resent one.
pub async fn receive_order(
    State(services): State<Services>,
    State(inbound): State<HotlineInbound>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let line = RequestLine {
        method: method.as_str(),
        path: path_and_query(&uri),
    };
    if let Err((status, error, message)) =
        authenticate(&services, &inbound, line, &headers, &body).await
    {
        return refuse(status, error, message);
    }
    let now = services.now();
    match backend::services::hotline::receive_order(&services.db, &body, now).await {
        Ok(receipt) => {
            let status = if receipt.created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            (status, Json(receipt)).into_response()
        }
        Err(error) => refusal(error),
    }
}

/// POST /hotline/v1/orders/{order_id}/satisfaction
pub async fn receive_satisfaction(
    State(services): State<Services>,
    State(inbound): State<HotlineInbound>,
    Path(order_id): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let line = RequestLine {
        method: method.as_str(),
        path: path_and_query(&uri),
    };
    if let Err((status, error, message)) =
        authenticate(&services, &inbound, line, &headers, &body).await
    {
        return refuse(status, error, message);
    }
    let origin = request_origin(&headers, Some("12345-platform".to_string()), services.now());
    match backend::services::hotline::receive_satisfaction(&services.db, &origin, &order_id, &body)
        .await
    {
        Ok(status) => (
            StatusCode::OK,
            Json(json!({ "order_id": order_id, "status": status.as_str() })),
        )
            .into_response(),
        Err(error) => refusal(error),
    }
}
