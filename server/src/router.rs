//! The HTTP router: health endpoints, the Leptos pages and server functions,
//! static files, and the middleware around all of them.

use crate::config::Config;
use crate::health::{self, Readiness};
use crate::middleware::{response_headers, HeaderSettings};
use crate::request_guard::{self, GuardSettings};
use app::context::{AccessSettings, Services, TimeSource};
use app::{shell, App};
use axum::extract::FromRef;
use axum::routing::get;
use axum::Router;
use backend::integrations::payments::{Alipay, PaymentProviders, WeChatPay};
use backend::{Database, PortalSettings};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::services::ServeDir;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Bodies larger than this are refused with 413 (forms with files get
/// [`crate::uploads::MAX_UPLOAD_BODY`]).
pub const MAX_REQUEST_BODY: usize = 1024 * 1024;

#[derive(Clone, Debug, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub services: Services,
    pub readiness: Readiness,
    pub guard: Arc<GuardSettings>,
    pub hotline: crate::hotline::HotlineInbound,
    pub wechat_account: crate::wechat_share::WeChatAccount,
    /// The sandbox payment provider, in demo mode without real ones.
    pub payment_sandbox: Option<Arc<crate::payment_sandbox::Sandbox>>,
}

/// The Leptos options for a built site under `site_root`, with hashed file
/// names when cargo-leptos left a hash file beside the binary.
pub fn leptos_options(config: &Config) -> LeptosOptions {
    let hash_file_present = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt")))
        .is_some_and(|path| path.exists());
    LeptosOptions::builder()
        .output_name("heatdesk")
        .site_root(config.site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(config.listen)
        .env(leptos::config::Env::PROD)
        .hash_files(hash_file_present)
        .build()
}

/// The portal's origin: scheme, host and port of its public URL.
fn origin_of(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("http", url));
    let host = rest.split('/').next().unwrap_or_default();
    format!("{scheme}://{host}")
}

/// Everything a request may reach. `demo` opens the demo outbox page.
pub fn state(config: &Config, db: Database, readiness: Readiness, demo: bool) -> AppState {
    let settings = PortalSettings {
        season_rule: config.season_rule,
        upload_dir: config.upload_dir.clone(),
        wechat_case_updates: config.wechat_templates.is_some(),
        wechat_outage_news: config
            .wechat_templates
            .as_ref()
            .is_some_and(|templates| templates.outage.is_some()),
        open311_posts_per_minute: config.open311_posts_per_minute,
        suspend_within_season: config.suspend_within_season,
        fee_reduction_scale: config.payments.reduction_scale.clone(),
        ..PortalSettings::default()
    };
    let wechat = config.wechat.clone().and_then(|settings| {
        backend::integrations::wechat::WeChatOAuth::new(settings)
            .map_err(|e| tracing::error!(error = %e, "WeChat sign-in disabled"))
            .ok()
            .map(Arc::new)
    });
    let access = AccessSettings {
        otp: domain::otp::OtpPolicy::default(),
        secure_cookies: config.public_url.starts_with("https://"),
        demo,
        wechat,
        public_url: config.public_url.clone(),
        // Off in demo mode unless asked for: the demo accounts share a password.
        require_second_factor: config.require_second_factor.unwrap_or(!demo),
    };
    let (payments, payment_sandbox) = payment_providers(config, demo);
    AppState {
        payment_sandbox,
        leptos_options: leptos_options(config),
        services: Services {
            db,
            settings: Arc::new(settings),
            clock: config
                .fixed_now
                .map_or(TimeSource::System, TimeSource::Fixed),
            access: Arc::new(access),
            payments: Arc::new(payments),
            invoicer: Arc::new(backend::services::payments::RecordingInvoicer),
        },
        readiness,
        guard: Arc::new(GuardSettings {
            public_origin: origin_of(&config.public_url),
            trusted_proxies: config.trusted_proxies,
        }),
        hotline: crate::hotline::HotlineInbound(config.hotline.clone().map(Arc::new)),
        wechat_account: crate::wechat_share::WeChatAccount::of(config),
    }
}

/// The configured payment providers; in demo mode without any, the
/// sandbox provider the portal itself serves at `/demo-pay`.
fn payment_providers(
    config: &Config,
    demo: bool,
) -> (
    PaymentProviders,
    Option<Arc<crate::payment_sandbox::Sandbox>>,
) {
    let configured = &config.payments;
    let (wechat, alipay, sandbox) =
        if demo && configured.wechat.is_none() && configured.alipay.is_none() {
            let base = format!("{}/demo-pay", config.public_url.trim_end_matches('/'));
            let (wechat, alipay) =
                crate::payment_sandbox::portal_settings(&base, &config.public_url);
            (
                Some(wechat),
                Some(alipay),
                Some(crate::payment_sandbox::Sandbox::new(&base)),
            )
        } else {
            (configured.wechat.clone(), configured.alipay.clone(), None)
        };
    let providers = PaymentProviders {
        wechat: wechat.and_then(|settings| {
            WeChatPay::new(settings)
                .map_err(|e| tracing::error!(error = %e, "WeChat Pay disabled"))
                .ok()
        }),
        alipay: alipay.and_then(|settings| {
            Alipay::new(settings)
                .map_err(|e| tracing::error!(error = %e, "Alipay disabled"))
                .ok()
        }),
    };
    (providers, sandbox)
}

/// The app's routes, worked out once per process. Working them out runs the
/// app with resource loading suppressed process-wide (leptos_axum's
/// `SuppressResourceLoad`), so a page rendering meanwhile in another server
/// of the same process (the tests start many) would wait for a resource
/// forever (leptos-rs/leptos#4773); once per process, before any server of
/// it serves, nothing renders during it.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The brotli and gzip quality for pages and answers compressed as they are
/// sent (the wasm bundle is compressed at build time at the best quality).
const PAGE_COMPRESSION_QUALITY: i32 = 4;

pub fn build(state: AppState, request_timeout: Duration) -> Router {
    let routes = route_list();
    let services = state.services.clone();
    let guard = state.guard.clone();
    let secure_cookies = crate::done_marker::SecureCookies(services.access.secure_cookies);
    let options = state.leptos_options.clone();
    let sandbox = state.payment_sandbox.clone();
    // The bundle is served from brotli files written at build time when the
    // browser accepts them, so no request pays for compressing the wasm.
    let bundle =
        ServeDir::new(Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref()))
            .precompressed_br();
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/attachments/{id}", get(crate::uploads::attachment))
        .route("/reports/cases.csv", get(crate::exports::report_cases_csv))
        .route("/outages.atom", get(crate::feeds::outages_atom))
        .route("/outages/{id}/notice", get(crate::notices::outage_notice))
        .route(
            "/wechat/share-config",
            get(crate::wechat_share::share_config),
        )
        .route(
            "/open311/v2/{file}",
            get(crate::open311::catalogue).post(crate::open311::post_request),
        )
        .route(
            "/open311/v2/services/{file}",
            get(crate::open311::service_definition),
        )
        .route(
            "/open311/v2/requests/{file}",
            get(crate::open311::one_request),
        )
        .route("/open311/v2/tokens/{file}", get(crate::open311::token))
        .route(
            "/hotline/v1/orders",
            axum::routing::post(crate::hotline::receive_order),
        )
        .route(
            "/hotline/v1/orders/{order_id}/satisfaction",
            axum::routing::post(crate::hotline::receive_satisfaction),
        )
        .route(
            "/telemetry/v1/readings",
            axum::routing::post(crate::telemetry::post_readings),
        )
        .route(
            "/payments/wechat/notify",
            axum::routing::post(crate::payment_notices::wechat),
        )
        .route(
            "/payments/alipay/notify",
            axum::routing::post(crate::payment_notices::alipay),
        )
        .nest_service("/pkg", bundle)
        .nest_service(
            "/demo-pay",
            match sandbox {
                Some(sandbox) => crate::payment_sandbox::router(sandbox),
                None => Router::new(),
            },
        )
        .leptos_routes_with_context(
            &state,
            routes,
            move || app::context::provide_request_context(services.clone()),
            move || shell(options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .with_state(state)
        .layer(axum::middleware::from_fn(
            crate::api_input::server_function_input,
        ))
        .layer(axum::middleware::from_fn_with_state(
            secure_cookies,
            crate::done_marker::mark_done,
        ))
        .layer(axum::middleware::from_fn_with_state(
            guard.clone(),
            request_guard::guard,
        ))
        // Brotli's own default is its slowest quality (11), tens of
        // milliseconds per page; 4 compresses a page in well under one.
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(PAGE_COMPRESSION_QUALITY)))
        .layer(axum::middleware::from_fn(crate::uploads::limit_body))
        .layer(TimeoutLayer::with_status_code(
            http::StatusCode::REQUEST_TIMEOUT,
            request_timeout,
        ))
        .layer(CatchPanicLayer::new())
        // Outside the limits, so their 408, 413 and 500 answers carry the headers too.
        .layer(axum::middleware::from_fn_with_state(
            HeaderSettings {
                https: guard.public_origin.starts_with("https://"),
            },
            response_headers,
        ))
        .layer(TraceLayer::new_for_http())
}

/// Serves the router on a listener until `shutdown` resolves, with every
/// connection's peer address available to the request guard.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    let listener = listener.tap_io(|tcp| {
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::warn!(%error, "cannot set TCP_NODELAY");
        }
    });
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

#[cfg(test)]
mod tests {
    #[test]
    fn origins_drop_the_path() {
        assert_eq!(
            super::origin_of("https://heat.example.cn/portal"),
            "https://heat.example.cn"
        );
        assert_eq!(
            super::origin_of("http://127.0.0.1:3000"),
            "http://127.0.0.1:3000"
        );
    }
}
