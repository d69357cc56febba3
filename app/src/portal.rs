//! What server functions and pages reach on the server: the database, the
//! portal's settings and the clock, provided once per request by the server.

use backend::integrations::wechat::WeChatOAuth;
use backend::{BackendError, Database, PortalSettings};
use domain::otp::OtpPolicy;
use leptos::prelude::*;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// The time source: the system clock, a fixed instant for demos, or a
/// clock tests move by hand.
#[derive(Clone, Debug)]
pub enum Clock {
    System,
    Fixed(i64),
    Manual(Arc<AtomicI64>),
}

impl Clock {
    pub fn now(&self) -> i64 {
        match self {
            Self::System => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or_default(),
            Self::Fixed(at) => *at,
            Self::Manual(at) => at.load(Ordering::SeqCst),
        }
    }
}

/// How people sign in here.
#[derive(Clone, Debug)]
pub struct AccessSettings {
    pub otp: OtpPolicy,
    /// Cookies carry `Secure` (and the `__Host-` prefix) when the portal is
    /// reached over https.
    pub secure_cookies: bool,
    /// Demo data is loaded: the demo outbox page shows the texts "sent".
    pub demo: bool,
    /// WeChat web authorization, when an official account is configured.
    pub wechat: Option<Arc<WeChatOAuth>>,
    /// The portal's public address, e.g. https://heat.example.cn.
    pub public_url: String,
}

/// The client's address, as the server decided it (peer or trusted proxy header).
#[derive(Clone, Debug)]
pub struct ClientAddr(pub String);

/// Everything a request needs beyond its own input.
#[derive(Clone, Debug)]
pub struct Portal {
    pub db: Database,
    pub settings: Arc<PortalSettings>,
    pub clock: Clock,
    pub access: Arc<AccessSettings>,
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

/// Logs a backend failure (in full when it is the server's fault) and gives
/// the person its Chinese message.
pub fn to_server_error(error: BackendError) -> ServerFnError {
    match &error {
        BackendError::Database(_) | BackendError::Migration(_) | BackendError::Internal(_) => {
            tracing::error!(error = %error.log_detail(), "backend call failed")
        }
        _ => tracing::debug!(error = %error.log_detail(), "request refused"),
    }
    set_error_status(&error);
    ServerFnError::ServerError(error.public_message())
}

/// Gives a server function's JSON answer the status its error deserves
/// (404, 403, 401, 400). Plain form posts keep the redirect that carries the
/// message back to the form, and pages keep their own status.
fn set_error_status(error: &BackendError) {
    use http::StatusCode;
    let from_a_script = use_context::<http::request::Parts>().is_some_and(|parts| {
        !parts
            .headers
            .get(http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"))
    });
    if !from_a_script {
        return;
    }
    let status = match error {
        BackendError::NotFound(_) => StatusCode::NOT_FOUND,
        BackendError::Forbidden => StatusCode::FORBIDDEN,
        BackendError::SignedOut => StatusCode::UNAUTHORIZED,
        BackendError::Invalid(_) => StatusCode::BAD_REQUEST,
        BackendError::Internal(_) | BackendError::Database(_) | BackendError::Migration(_) => {
            StatusCode::INTERNAL_SERVER_ERROR
        }
    };
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(status);
    }
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
