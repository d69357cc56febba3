//! The providers' payment notifications: POST /payments/wechat/notify and
//! POST /payments/alipay/notify. Each is believed only once its signature
//! verifies; each is applied once however often it arrives. The providers
//! resend until they get a success answer, so whatever fails on our side
//! is answered as a failure, and a forged one is refused.

use app::context::Services;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use backend::integrations::payments::{alipay, wechat_pay, NoticeRefusal, PaymentNotice};
use backend::services::payments::{self, Settlement};
use http::{HeaderMap, StatusCode};
use serde_json::json;

fn wechat_failure(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "code": "FAIL", "message": message }))).into_response()
}

async fn apply(services: &Services, notice: &PaymentNotice) -> Result<Settlement, ()> {
    payments::receive_notice(&services.db, notice, services.now())
        .await
        .map_err(
            |error| tracing::error!(error = %error.log_detail(), "a payment notification not kept"),
        )
}

fn refusal_status(refusal: &NoticeRefusal) -> StatusCode {
    match refusal {
        NoticeRefusal::Forged(_) | NoticeRefusal::Stale => StatusCode::UNAUTHORIZED,
        NoticeRefusal::Malformed(_) => StatusCode::BAD_REQUEST,
        NoticeRefusal::NotConfigured(_) => StatusCode::NOT_FOUND,
    }
}

/// POST /payments/wechat/notify: 204 when kept (or known), 4xx for what
/// is not WeChat Pay's, 500 when it should be sent again.
pub async fn wechat(State(services): State<Services>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(provider) = services.payments.wechat.as_ref() else {
        return wechat_failure(StatusCode::NOT_FOUND, "WeChat Pay is not configured");
    };
    let notice = match wechat_pay::read_notification(
        provider.settings(),
        &headers,
        &body,
        backend::integrations::payments::wall_clock(),
    ) {
        Ok(notice) => notice,
        Err(refusal) => {
            tracing::warn!(%refusal, "a WeChat Pay notification refused");
            return wechat_failure(refusal_status(&refusal), &refusal.to_string());
        }
    };
    match apply(&services, &notice).await {
        Ok(_) => StatusCode::NO_CONTENT.into_response(),
        Err(()) => wechat_failure(StatusCode::INTERNAL_SERVER_ERROR, "try again later"),
    }
}

/// POST /payments/alipay/notify: "success" when kept (Alipay resends
/// anything else for a day).
pub async fn alipay(State(services): State<Services>, body: Bytes) -> Response {
    let Some(provider) = services.payments.alipay.as_ref() else {
        return (StatusCode::NOT_FOUND, "fail").into_response();
    };
    let params: std::collections::BTreeMap<String, String> =
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body)
            .unwrap_or_default()
            .into_iter()
            .collect();
    let notice = match alipay::read_notification(provider.settings(), &params) {
        Ok(notice) => notice,
        Err(refusal) => {
            tracing::warn!(%refusal, "an Alipay notification refused");
            return (refusal_status(&refusal), "fail").into_response();
        }
    };
    match apply(&services, &notice).await {
        Ok(_) => "success".into_response(),
        Err(()) => (StatusCode::INTERNAL_SERVER_ERROR, "fail").into_response(),
    }
}
