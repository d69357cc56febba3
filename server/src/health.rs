//! `/healthz`: the process answers. `/readyz`: the database answers, every
//! migration is applied and the server is not shutting down.

use crate::router::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Set once shutdown begins, so load balancers stop sending new requests.
#[derive(Clone, Debug, Default)]
pub struct Readiness {
    shutting_down: Arc<AtomicBool>,
}

impl Readiness {
    pub fn begin_shutdown(&self) {
        self.shutting_down.store(true, Ordering::SeqCst);
    }

    pub fn is_shutting_down(&self) -> bool {
        self.shutting_down.load(Ordering::SeqCst)
    }
}

pub async fn healthz() -> Response {
    Json(json!({ "status": "alive" })).into_response()
}

pub async fn readyz(State(state): State<AppState>) -> Response {
    if state.readiness.is_shutting_down() {
        return not_ready("shutting down");
    }
    match state.services.db.pending_migrations().await {
        Ok(0) => Json(json!({ "status": "ready" })).into_response(),
        Ok(pending) => not_ready(&format!("{pending} migrations pending")),
        Err(error) => {
            tracing::warn!(error = %error.log_detail(), "readiness check failed");
            not_ready("database unreachable")
        }
    }
}

fn not_ready(reason: &str) -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Json(json!({ "status": "not_ready", "reason": reason })),
    )
        .into_response()
}
