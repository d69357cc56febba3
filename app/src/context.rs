//! What server functions and pages reach on the server: the [`Services`]
//! every request shares (the database, the settings, the time source, how
//! people sign in), provided once per request by the server, and the
//! [`Call`] of a signed-in person (the services, who they are, and where
//! and when the request came from).

use crate::prefs::Preferences;
use backend::integrations::wechat::WeChatOAuth;
use backend::{BackendError, Database, PortalSettings};
use domain::otp::OtpPolicy;
use leptos::prelude::*;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use translations::{text, Lang, StaticText};

/// Where "now" comes from: the system clock, a fixed instant for demos, or
/// a time tests move by hand.
#[derive(Clone, Debug)]
pub enum TimeSource {
    System,
    Fixed(i64),
    Manual(Arc<AtomicI64>),
}

impl TimeSource {
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
    /// Admins and dispatchers pass a second factor (TOTP) after their
    /// password (`HEATDESK_REQUIRE_SECOND_FACTOR`; on outside demo mode).
    pub require_second_factor: bool,
}

/// The client's address, as the server decided it (peer or trusted proxy header).
#[derive(Clone, Debug)]
pub struct ClientAddr(pub String);

/// What every request reaches beyond its own input.
#[derive(Clone, Debug)]
pub struct Services {
    pub db: Database,
    pub settings: Arc<PortalSettings>,
    pub clock: TimeSource,
    pub access: Arc<AccessSettings>,
    /// WeChat Pay and Alipay, each when configured (the sandbox in demo mode).
    pub payments: Arc<backend::integrations::payments::PaymentProviders>,
    /// Where e-invoice requests go.
    pub invoicer: Arc<dyn backend::services::payments::Invoicer>,
}

impl Services {
    /// The services of the current request.
    pub fn current() -> Result<Self, ServerFnError> {
        use_context::<Self>().ok_or_else(|| {
            ServerFnError::ServerError(text::services_not_ready(Lang::Zh).to_string())
        })
    }

    pub fn now(&self) -> i64 {
        self.clock.now()
    }
}

/// The signed-in person as this request first read them: the header's
/// session and a page's own server functions share one read of the session,
/// the person and their roles. A request that signs in or out answers with a
/// redirect, so nothing later in it would read a changed person.
#[derive(Clone, Debug, Default)]
pub struct RequestViewer(Arc<tokio::sync::OnceCell<Option<backend::services::identity::Viewer>>>);

impl RequestViewer {
    /// The viewer read once per request by `read`.
    pub async fn get_or_read<F>(
        &self,
        read: impl FnOnce() -> F,
    ) -> Result<Option<backend::services::identity::Viewer>, ServerFnError>
    where
        F: std::future::Future<
            Output = Result<Option<backend::services::identity::Viewer>, ServerFnError>,
        >,
    {
        self.0.get_or_try_init(read).await.cloned()
    }
}

/// What the server gives every request it renders or answers through
/// Leptos: the shared services, and a fresh [`RequestViewer`].
pub fn provide_request_context(services: Services) {
    provide_context(services);
    provide_context(RequestViewer::default());
}

/// A request of a signed-in person: the services, who they are, and where
/// and when the request came from. Reads as the services it carries
/// (`call.db`, `call.settings`).
#[derive(Clone, Debug)]
pub struct Call {
    services: Services,
    pub viewer: backend::services::identity::Viewer,
    pub origin: backend::services::identity::RequestOrigin,
}

impl Call {
    /// The current request's call; otherwise "please sign in" (401 for a
    /// script, a redirect to the sign-in page for a page or a form).
    pub async fn signed_in() -> Result<Self, ServerFnError> {
        let services = Services::current()?;
        let viewer = crate::session::signed_in(&services).await?;
        let origin = crate::session::origin(&services);
        Ok(Self {
            services,
            viewer,
            origin,
        })
    }
}

impl std::ops::Deref for Call {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.services
    }
}

/// Logs a backend failure (in full when it is the server's fault) and gives
/// the person its message in their language.
pub fn to_server_error(error: BackendError) -> ServerFnError {
    if error.is_server_fault() {
        tracing::error!(error = %error.log_detail(), "backend call failed");
    } else {
        tracing::debug!(error = %error.log_detail(), "request refused");
    }
    set_error_status(&error);
    ServerFnError::ServerError(
        error
            .public_message(Preferences::current().lang)
            .into_owned(),
    )
}

/// Input the person has to correct (a missing choice, an expired code):
/// their message, and a 400 for a script.
pub fn refused(message: StaticText) -> ServerFnError {
    to_server_error(BackendError::refused(message))
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
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(status);
    }
}

/// The script nonce of the document a request renders, minted by the
/// server's outermost middleware, which also writes the Content Security
/// Policy naming it (so the policy never depends on the render).
#[derive(Clone, Debug)]
pub struct DocumentNonce(pub String);

/// Makes the request's nonce the one every script of the document carries.
pub fn protect_document() {
    let nonce = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<DocumentNonce>().cloned());
    match nonce {
        Some(DocumentNonce(value)) => {
            provide_context(leptos::nonce::Nonce::from_value(value));
        }
        None => leptos::nonce::provide_nonce(),
    }
}
