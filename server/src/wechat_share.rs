//! The official account's clients, built once per process, and
//! `GET /wechat/share-config?url=..`: the signed `wx.config` fields a page
//! inside WeChat needs to give itself a share card (public/wechat-share.js
//! asks for them). Only the portal's own pages are signed.

use crate::config::Config;
use crate::request_guard::GuardSettings;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use backend::integrations::wechat_share::JsApiTickets;
use backend::integrations::wechat_token::AccessTokens;
use http::{header, HeaderMap, HeaderValue, StatusCode};
use std::sync::Arc;

/// The official account's access token holder and JS-SDK tickets, when
/// the account is configured; the token holder is the one template
/// messages use too.
#[derive(Clone, Debug, Default)]
pub struct WeChatAccount {
    pub tokens: Option<Arc<AccessTokens>>,
    pub tickets: Option<Arc<JsApiTickets>>,
}

impl WeChatAccount {
    pub fn of(config: &Config) -> Self {
        let Some(settings) = &config.wechat else {
            return Self::default();
        };
        match AccessTokens::new(
            &settings.app_id,
            &settings.app_secret,
            &settings.api_base,
            settings.timeout,
        ) {
            Ok(tokens) => {
                let tokens = Arc::new(tokens);
                Self {
                    tickets: Some(Arc::new(JsApiTickets::new(tokens.clone()))),
                    tokens: Some(tokens),
                }
            }
            Err(error) => {
                tracing::error!(%error, "WeChat account unusable: no share cards or template messages");
                Self::default()
            }
        }
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct ShareQuery {
    url: Option<String>,
}

/// The longest page address signed.
const MAX_URL_CHARS: usize = 2_048;

/// Whether `url` is a page of the portal at `origin` (its scheme, host and
/// port, then a path).
fn is_own_page(url: &str, origin: &str) -> bool {
    url.len() <= MAX_URL_CHARS
        && url
            .strip_prefix(origin)
            .is_some_and(|rest| rest.starts_with('/'))
        && !url.chars().any(char::is_control)
}

pub async fn share_config(
    State(account): State<WeChatAccount>,
    State(guard): State<Arc<GuardSettings>>,
    headers: HeaderMap,
    Query(query): Query<ShareQuery>,
) -> Response {
    let lang = app::session::language_of(&headers);
    let Some(tickets) = account.tickets else {
        return (
            StatusCode::NOT_FOUND,
            translations::text::wechat_share_not_configured(lang),
        )
            .into_response();
    };
    let Some(url) = query
        .url
        .filter(|url| is_own_page(url, &guard.public_origin))
    else {
        return (
            StatusCode::BAD_REQUEST,
            translations::text::wechat_share_bad_url(lang),
        )
            .into_response();
    };
    // WeChat checks the signature against real time, not a demo's clock.
    let timestamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| i64::try_from(elapsed.as_secs()).unwrap_or(0));
    match tickets.config_for(&url, timestamp).await {
        Ok(config) => {
            let mut response = axum::Json(config).into_response();
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(failure) => {
            tracing::warn!(reason = %failure, "no jsapi ticket for a share card");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                translations::text::wechat_share_unavailable(lang),
            )
                .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_portal_s_own_pages_are_signed() {
        let origin = "https://heat.example.cn";
        assert!(is_own_page("https://heat.example.cn/outages/3", origin));
        assert!(is_own_page(
            "https://heat.example.cn/outages/3?from=singlemessage",
            origin
        ));
        assert!(!is_own_page(
            "https://heat.example.cn.evil.cn/outages/3",
            origin
        ));
        assert!(!is_own_page("https://heat.example.cn", origin));
        assert!(!is_own_page("http://heat.example.cn/outages/3", origin));
        assert!(!is_own_page("https://heat.example.cn/a\nb", origin));
        let long = format!("{origin}/{}", "a".repeat(MAX_URL_CHARS));
        assert!(!is_own_page(&long, origin));
    }
}
