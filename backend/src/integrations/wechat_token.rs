//! The official account's access token (`GET {api_base}/cgi-bin/token`),
//! held once for everything that calls WeChat's server API with it:
//! template messages and the JS-SDK's jsapi_ticket. WeChat allows a limited
//! number of token fetches a day and a new token ends the old one, so one
//! holder per account fetches it, caches it until five minutes before it
//! expires, and lets concurrent callers wait for one fetch. Neither the app
//! secret nor a token is ever logged.

use std::fmt;
use std::time::{Duration, Instant};

use super::sms::{describe_error, http_client, read_body, SendFailure};

/// A cached access token is dropped this many seconds before WeChat says it
/// expires.
pub const TOKEN_REFRESH_MARGIN_SECS: u64 = 300;

/// Answers that mean the access token is no longer good (invalid credential,
/// invalid access token, access token expired): fetch a new one, try again.
pub(super) const STALE_TOKEN_CODES: [i64; 3] = [40001, 40014, 42001];

/// A value WeChat hands out for a while (a token, a ticket), and the moment
/// it stops being used.
pub(super) struct Cached {
    pub(super) value: String,
    pub(super) fresh_until: Instant,
}

impl Cached {
    /// Kept until [`TOKEN_REFRESH_MARGIN_SECS`] before it expires.
    pub(super) fn new(value: String, expires_in: u64) -> Self {
        let keep_for = expires_in.saturating_sub(TOKEN_REFRESH_MARGIN_SECS);
        Self {
            value,
            fresh_until: Instant::now() + Duration::from_secs(keep_for),
        }
    }

    pub(super) fn fresh(&self) -> Option<String> {
        (Instant::now() < self.fresh_until).then(|| self.value.clone())
    }
}

/// One official account's access token.
pub struct AccessTokens {
    app_id: String,
    app_secret: String,
    api_base: String,
    client: reqwest::Client,
    /// Held while a token is fetched, so concurrent callers fetch it once.
    cached: tokio::sync::Mutex<Option<Cached>>,
}

/// Never prints the app secret or the token.
impl fmt::Debug for AccessTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessTokens")
            .field("app_id", &self.app_id)
            .field("api_base", &self.api_base)
            .finish_non_exhaustive()
    }
}

impl AccessTokens {
    /// Checks the account's settings and builds the HTTP client (no proxy
    /// from the environment, no redirects, `timeout` on every call).
    pub fn new(
        app_id: &str,
        app_secret: &str,
        api_base: &str,
        timeout: Duration,
    ) -> Result<Self, String> {
        for (name, value) in [("app id", app_id), ("app secret", app_secret)] {
            if value.trim().is_empty() {
                return Err(format!("wechat {name} is empty"));
            }
        }
        Ok(Self {
            app_id: app_id.to_string(),
            app_secret: app_secret.to_string(),
            api_base: http_base("api base", api_base)?,
            client: http_client(timeout)?,
            cached: tokio::sync::Mutex::new(None),
        })
    }

    pub fn app_id(&self) -> &str {
        &self.app_id
    }

    /// WeChat's API address, without a trailing slash.
    pub fn api_base(&self) -> &str {
        &self.api_base
    }

    /// The HTTP client calls with this account's tokens go through.
    pub(super) fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// The cached access token, or a new one from WeChat.
    pub async fn get(&self) -> Result<String, SendFailure> {
        let mut cached = self.cached.lock().await;
        if let Some(token) = cached.as_ref().and_then(Cached::fresh) {
            return Ok(token);
        }
        let (value, expires_in) = self.fetch().await?;
        *cached = Some(Cached::new(value.clone(), expires_in));
        Ok(value)
    }

    /// Drops the cached token if it is still `stale` (another caller may
    /// have replaced it already).
    pub async fn forget(&self, stale: &str) {
        let mut cached = self.cached.lock().await;
        if cached.as_ref().is_some_and(|token| token.value == stale) {
            *cached = None;
        }
    }

    /// `GET {api_base}/cgi-bin/token?grant_type=client_credential&appid=..&secret=..`:
    /// the token and its lifetime in seconds. Any failure is
    /// [`SendFailure::Unavailable`]: what waits for the token is fine, and
    /// an operator can fix the account (secret, IP allow-list) meanwhile.
    async fn fetch(&self) -> Result<(String, u64), SendFailure> {
        let url = format!("{}/cgi-bin/token", self.api_base);
        let query = [
            ("grant_type", "client_credential"),
            ("appid", self.app_id.as_str()),
            ("secret", self.app_secret.as_str()),
        ];
        let response = self
            .client
            .get(&url)
            .query(&query)
            .send()
            .await
            .map_err(|e| {
                SendFailure::Unavailable(format!("access token: {}", describe_error(e)))
            })?;
        let answer = json_answer(response)
            .await
            .map_err(|reason| SendFailure::Unavailable(format!("access token: {reason}")))?;
        lasting_value(&answer, "access_token").map_err(|reason| {
            tracing::error!(
                channel = "wechat",
                %reason,
                "wechat refused an access token (check the app id, secret and IP allow-list)"
            );
            SendFailure::Unavailable(format!("access token: {reason}"))
        })
    }
}

/// The value called `field` and its `expires_in` from an answer whose
/// `errcode` is 0 or absent; otherwise why not.
pub(super) fn lasting_value(
    answer: &serde_json::Value,
    field: &str,
) -> Result<(String, u64), String> {
    let errcode = answer
        .get("errcode")
        .and_then(serde_json::Value::as_i64)
        .unwrap_or(0);
    if errcode != 0 {
        return Err(format!("refused: {errcode} {}", errmsg(answer)));
    }
    let value = answer
        .get(field)
        .and_then(serde_json::Value::as_str)
        .filter(|value| !value.is_empty());
    let expires_in = answer.get("expires_in").and_then(serde_json::Value::as_u64);
    match (value, expires_in) {
        (Some(value), Some(expires_in)) => Ok((value.to_string(), expires_in)),
        _ => Err(format!("answer without {field} or expires_in")),
    }
}

/// A 2xx answer whose body is a JSON object; anything else is a reason to
/// try later.
pub(super) async fn json_answer(response: reqwest::Response) -> Result<serde_json::Value, String> {
    let status = response.status();
    if !status.is_success() {
        return Err(format!("HTTP {status}"));
    }
    let body = read_body(response).await?;
    serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .filter(serde_json::Value::is_object)
        .ok_or_else(|| format!("HTTP {status}, unreadable answer"))
}

pub(super) fn errmsg(answer: &serde_json::Value) -> String {
    answer
        .get("errmsg")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// An http(s) address without a query, without its trailing slash.
pub(super) fn http_base(name: &str, base: &str) -> Result<String, String> {
    let url = reqwest::Url::parse(base).map_err(|e| format!("wechat {name} {base:?}: {e}"))?;
    if !matches!(url.scheme(), "https" | "http") || url.query().is_some() {
        return Err(format!(
            "wechat {name} {base:?}: expected an http(s) address without a query"
        ));
    }
    Ok(base.trim_end_matches('/').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lasting_values_need_no_error_a_value_and_a_lifetime() {
        let ok = serde_json::json!({"access_token": "T", "expires_in": 7200});
        assert_eq!(
            lasting_value(&ok, "access_token"),
            Ok(("T".to_string(), 7200))
        );
        let ticket =
            serde_json::json!({"errcode": 0, "errmsg": "ok", "ticket": "K", "expires_in": 7200});
        assert_eq!(
            lasting_value(&ticket, "ticket"),
            Ok(("K".to_string(), 7200))
        );
        let refused = serde_json::json!({"errcode": 40164, "errmsg": "invalid ip"});
        assert_eq!(
            lasting_value(&refused, "access_token"),
            Err("refused: 40164 invalid ip".to_string())
        );
        let empty = serde_json::json!({"access_token": "", "expires_in": 7200});
        assert!(lasting_value(&empty, "access_token").is_err());
    }

    #[test]
    fn the_secret_is_never_printed_and_settings_are_checked() {
        let tokens = AccessTokens::new(
            "wxid",
            "top-secret",
            "https://api.weixin.qq.com/",
            Duration::from_secs(5),
        )
        .expect("valid");
        assert!(!format!("{tokens:?}").contains("top-secret"));
        assert_eq!(tokens.api_base(), "https://api.weixin.qq.com");
        assert!(AccessTokens::new(
            "wxid",
            " ",
            "https://api.weixin.qq.com",
            Duration::from_secs(5)
        )
        .is_err());
        assert!(
            AccessTokens::new("wxid", "s", "api.weixin.qq.com", Duration::from_secs(5)).is_err()
        );
        assert!(
            AccessTokens::new("wxid", "s", "https://api.weixin.qq.com", Duration::ZERO).is_err()
        );
    }
}
