//! What server functions and pages reach on the server: the database, the
//! portal's settings and the clock, provided once per request by the server.

use backend::{BackendError, Database, PortalSettings};
use leptos::prelude::*;
use std::sync::Arc;

/// The time source: the system clock, or a fixed instant for demos and tests.
#[derive(Clone, Copy, Debug)]
pub enum Clock {
    System,
    Fixed(i64),
}

impl Clock {
    pub fn now(self) -> i64 {
        match self {
            Self::System => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or_default(),
            Self::Fixed(at) => at,
        }
    }
}

/// Everything a request needs beyond its own input.
#[derive(Clone, Debug)]
pub struct Portal {
    pub db: Database,
    pub settings: Arc<PortalSettings>,
    pub clock: Clock,
}

impl Portal {
    pub fn now(&self) -> i64 {
        self.clock.now()
    }
}

/// The portal of the current request.
pub fn portal() -> Result<Portal, ServerFnError> {
    use_context::<Portal>()
        .ok_or_else(|| ServerFnError::ServerError("服务未就绪，请稍后再试".to_string()))
}

/// Logs a backend failure in full and gives the person its Chinese message.
pub fn to_server_error(error: BackendError) -> ServerFnError {
    tracing::error!(error = %error.log_detail(), "backend call failed");
    ServerFnError::ServerError(error.public_message())
}

/// Per-document protection: a fresh script nonce and the Content Security
/// Policy that allows exactly the scripts this document carries, plus the
/// compilation of its WebAssembly.
pub fn protect_document() {
    use leptos::nonce::{provide_nonce, use_nonce};
    provide_nonce();
    let nonce = use_nonce().map(|n| n.to_string()).unwrap_or_default();
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        let policy = format!(
            "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
             style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
             object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
        );
        if let Ok(value) = http::HeaderValue::from_str(&policy) {
            response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
}
