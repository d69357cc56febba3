//! WeChat official account web authorization (网页授权), OAuth2: the
//! authorize link, the code exchange and, for `snsapi_userinfo`, the profile.

use std::fmt;
use std::time::Duration;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::sms::{describe_error, http_client, read_body};

/// Where WeChat's authorize page lives.
pub const WECHAT_DEFAULT_AUTHORIZE_BASE: &str = "https://open.weixin.qq.com";
/// Where WeChat's API lives.
pub const WECHAT_DEFAULT_API_BASE: &str = "https://api.weixin.qq.com";
/// How long one API call may take, connection included.
pub const WECHAT_DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// What the resident is asked to grant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WeChatScope {
    /// `snsapi_base`: the openid only, without a consent page.
    Base,
    /// `snsapi_userinfo`: the openid and the profile, after consent.
    UserInfo,
}

impl WeChatScope {
    /// The scope as WeChat spells it.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Base => "snsapi_base",
            Self::UserInfo => "snsapi_userinfo",
        }
    }
}

/// The official account's credentials and WeChat's addresses.
#[derive(Clone)]
pub struct WeChatSettings {
    pub app_id: String,
    pub app_secret: String,
    pub scope: WeChatScope,
    /// Default [`WECHAT_DEFAULT_AUTHORIZE_BASE`].
    pub authorize_base: String,
    /// Default [`WECHAT_DEFAULT_API_BASE`].
    pub api_base: String,
    /// Default [`WECHAT_DEFAULT_TIMEOUT`].
    pub timeout: Duration,
}

impl WeChatSettings {
    /// Settings with WeChat's addresses and the default timeout.
    pub fn new(
        app_id: impl Into<String>,
        app_secret: impl Into<String>,
        scope: WeChatScope,
    ) -> Self {
        Self {
            app_id: app_id.into(),
            app_secret: app_secret.into(),
            scope,
            authorize_base: WECHAT_DEFAULT_AUTHORIZE_BASE.to_string(),
            api_base: WECHAT_DEFAULT_API_BASE.to_string(),
            timeout: WECHAT_DEFAULT_TIMEOUT,
        }
    }
}

/// Never prints the app secret.
impl fmt::Debug for WeChatSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WeChatSettings")
            .field("app_id", &self.app_id)
            .field("app_secret", &"<redacted>")
            .field("scope", &self.scope)
            .field("authorize_base", &self.authorize_base)
            .field("api_base", &self.api_base)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// Who signed in, as the code exchange tells.
#[derive(Debug, Clone)]
pub struct WeChatIdentity {
    pub openid: String,
    /// Only when the official account is bound to an open platform account.
    pub unionid: Option<String>,
    /// The web-authorization access token (for [`WeChatOAuth::profile`]).
    pub access_token: String,
    /// The scope granted, e.g. "snsapi_base".
    pub scope: String,
}

/// What `snsapi_userinfo` tells about a resident.
#[derive(Debug, Clone)]
pub struct WeChatProfile {
    pub nickname: String,
}

/// Why a WeChat call gave no answer to use.
#[derive(Debug, thiserror::Error)]
pub enum WeChatError {
    /// WeChat answered with an error code (e.g. 40029 invalid code, 40163
    /// code been used); retrying the same call will not help.
    #[error("wechat refused: {errcode} {errmsg}")]
    Refused { errcode: i64, errmsg: String },
    /// WeChat could not be reached, did not answer in time, or answered
    /// something unreadable; a retry may succeed.
    #[error("wechat unavailable: {0}")]
    Unavailable(String),
}

/// WeChat web authorization for one official account.
#[derive(Debug)]
pub struct WeChatOAuth {
    settings: WeChatSettings,
    client: reqwest::Client,
}

impl WeChatOAuth {
    /// Checks the settings and builds the HTTP client (no proxy from the
    /// environment, no redirects, the settings' timeout on every call).
    pub fn new(mut settings: WeChatSettings) -> Result<Self, String> {
        if settings.app_id.trim().is_empty() {
            return Err("wechat app id is empty".to_string());
        }
        if settings.app_secret.trim().is_empty() {
            return Err("wechat app secret is empty".to_string());
        }
        for (name, base) in [
            ("authorize base", &mut settings.authorize_base),
            ("api base", &mut settings.api_base),
        ] {
            let url =
                reqwest::Url::parse(base).map_err(|e| format!("wechat {name} {base:?}: {e}"))?;
            if !matches!(url.scheme(), "https" | "http") || url.query().is_some() {
                return Err(format!(
                    "wechat {name} {base:?}: expected an http(s) address without a query"
                ));
            }
            let trimmed = base.trim_end_matches('/').len();
            base.truncate(trimmed);
        }
        let client = http_client(settings.timeout)?;
        Ok(Self { settings, client })
    }

    /// The scope this official account asks for.
    pub fn scope(&self) -> &WeChatScope {
        &self.settings.scope
    }

    /// The link that starts sign-in, in WeChat's documented parameter order:
    /// `{authorize_base}/connect/oauth2/authorize?appid=..&redirect_uri=<percent-encoded>&response_type=code&scope=..&state=..#wechat_redirect`.
    pub fn authorize_url(&self, redirect_uri: &str, state: &str) -> String {
        format!(
            "{}/connect/oauth2/authorize?appid={}&redirect_uri={}&response_type=code&scope={}&state={}#wechat_redirect",
            self.settings.authorize_base,
            encode(&self.settings.app_id),
            encode(redirect_uri),
            self.settings.scope.as_str(),
            encode(state),
        )
    }

    /// Exchanges the `code` WeChat appended to the redirect for the
    /// resident's identity: `GET {api_base}/sns/oauth2/access_token`.
    pub async fn exchange_code(&self, code: &str) -> Result<WeChatIdentity, WeChatError> {
        let url = format!("{}/sns/oauth2/access_token", self.settings.api_base);
        let query = [
            ("appid", self.settings.app_id.as_str()),
            ("secret", self.settings.app_secret.as_str()),
            ("code", code),
            ("grant_type", "authorization_code"),
        ];
        let answer = self.get_json(&url, &query).await?;
        let identity = parse_identity(&answer, self.settings.scope)?;
        tracing::debug!(openid = %identity.openid, scope = %identity.scope, "wechat code exchanged");
        Ok(identity)
    }

    /// The resident's profile: `GET {api_base}/sns/userinfo` (only
    /// meaningful when the scope granted is `snsapi_userinfo`).
    pub async fn profile(&self, identity: &WeChatIdentity) -> Result<WeChatProfile, WeChatError> {
        let url = format!("{}/sns/userinfo", self.settings.api_base);
        let query = [
            ("access_token", identity.access_token.as_str()),
            ("openid", identity.openid.as_str()),
            ("lang", "zh_CN"),
        ];
        let answer = self.get_json(&url, &query).await?;
        let nickname = string_field(&answer, "nickname").ok_or_else(|| {
            WeChatError::Unavailable("userinfo answer without nickname".to_string())
        })?;
        Ok(WeChatProfile { nickname })
    }

    /// One GET; the body parsed as JSON whatever its content type, and an
    /// `errcode` other than 0 turned into [`WeChatError::Refused`].
    async fn get_json(
        &self,
        url: &str,
        query: &[(&str, &str)],
    ) -> Result<serde_json::Value, WeChatError> {
        let response = self
            .client
            .get(url)
            .query(query)
            .send()
            .await
            .map_err(|e| WeChatError::Unavailable(describe_error(e)))?;
        let status = response.status();
        if status.is_server_error() {
            return Err(WeChatError::Unavailable(format!("HTTP {status}")));
        }
        let body = read_body(response)
            .await
            .map_err(WeChatError::Unavailable)?;
        let answer = serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .filter(serde_json::Value::is_object)
            .ok_or_else(|| WeChatError::Unavailable(format!("HTTP {status}, unreadable answer")))?;
        check_errcode(&answer)?;
        if !status.is_success() {
            return Err(WeChatError::Unavailable(format!("HTTP {status}")));
        }
        Ok(answer)
    }
}

/// True when a User-Agent is WeChat's in-app browser ("MicroMessenger").
pub fn is_wechat_browser(user_agent: &str) -> bool {
    const MARK: &[u8] = b"micromessenger";
    user_agent
        .as_bytes()
        .windows(MARK.len())
        .any(|window| window.eq_ignore_ascii_case(MARK))
}

/// Characters left as they are in a query value: RFC 3986 unreserved.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn encode(s: &str) -> String {
    utf8_percent_encode(s, UNRESERVED).to_string()
}

fn string_field(answer: &serde_json::Value, name: &str) -> Option<String> {
    answer
        .get(name)
        .and_then(serde_json::Value::as_str)
        .map(str::to_string)
}

/// `errcode` absent or 0 is fine; anything else is a refusal.
fn check_errcode(answer: &serde_json::Value) -> Result<(), WeChatError> {
    match answer.get("errcode") {
        None | Some(serde_json::Value::Null) => Ok(()),
        Some(code) => match code.as_i64() {
            Some(0) => Ok(()),
            Some(errcode) => Err(WeChatError::Refused {
                errcode,
                errmsg: string_field(answer, "errmsg").unwrap_or_default(),
            }),
            None => Err(WeChatError::Unavailable(format!(
                "unreadable errcode {code}"
            ))),
        },
    }
}

/// The identity in an access-token answer that carried no error.
fn parse_identity(
    answer: &serde_json::Value,
    asked: WeChatScope,
) -> Result<WeChatIdentity, WeChatError> {
    let required = |name: &str| {
        string_field(answer, name)
            .filter(|value| !value.is_empty())
            .ok_or_else(|| WeChatError::Unavailable(format!("access token answer without {name}")))
    };
    Ok(WeChatIdentity {
        openid: required("openid")?,
        access_token: required("access_token")?,
        unionid: string_field(answer, "unionid").filter(|value| !value.is_empty()),
        scope: string_field(answer, "scope").unwrap_or_else(|| asked.as_str().to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn oauth(scope: WeChatScope) -> WeChatOAuth {
        let mut settings = WeChatSettings::new("wx1234567890abcdef", "app-secret", scope);
        settings.authorize_base = "https://open.weixin.qq.com/".to_string();
        WeChatOAuth::new(settings).expect("valid settings")
    }

    #[test]
    fn authorize_url_follows_wechat_documented_order() {
        assert_eq!(
            oauth(WeChatScope::UserInfo).authorize_url("https://heat.example.cn/wx?a=1&b=2", "xyz"),
            "https://open.weixin.qq.com/connect/oauth2/authorize?appid=wx1234567890abcdef\
             &redirect_uri=https%3A%2F%2Fheat.example.cn%2Fwx%3Fa%3D1%26b%3D2\
             &response_type=code&scope=snsapi_userinfo&state=xyz#wechat_redirect"
        );
        assert_eq!(oauth(WeChatScope::Base).scope(), &WeChatScope::Base);
    }

    #[test]
    fn wechat_browser_is_told_by_its_user_agent() {
        assert!(is_wechat_browser(
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 \
             (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.44(0x18002c2f) NetType/WIFI Language/zh_CN"
        ));
        assert!(is_wechat_browser("micromessenger/7.0"));
        assert!(!is_wechat_browser(
            "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36"
        ));
        assert!(!is_wechat_browser(""));
    }

    #[test]
    fn errcodes_map_to_refusals() {
        assert!(check_errcode(&json!({"openid": "o"})).is_ok());
        assert!(check_errcode(&json!({"errcode": 0, "errmsg": "ok"})).is_ok());
        match check_errcode(&json!({"errcode": 40163, "errmsg": "code been used"})) {
            Err(WeChatError::Refused { errcode, errmsg }) => {
                assert_eq!((errcode, errmsg.as_str()), (40163, "code been used"));
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert!(matches!(
            check_errcode(&json!({"errcode": "x"})),
            Err(WeChatError::Unavailable(_))
        ));
    }

    #[test]
    fn identity_needs_openid_and_token() {
        let identity = parse_identity(
            &json!({"access_token": "AT", "openid": "O", "unionid": "U"}),
            WeChatScope::Base,
        )
        .expect("identity");
        assert_eq!(identity.unionid.as_deref(), Some("U"));
        assert_eq!(identity.scope, "snsapi_base");
        assert!(matches!(
            parse_identity(&json!({"access_token": "AT"}), WeChatScope::Base),
            Err(WeChatError::Unavailable(_))
        ));
    }

    #[test]
    fn settings_are_checked_and_the_secret_never_printed() {
        let settings = WeChatSettings::new("wxid", "top-secret", WeChatScope::Base);
        assert!(!format!("{settings:?}").contains("top-secret"));
        assert!(!format!("{:?}", WeChatOAuth::new(settings.clone())).contains("top-secret"));
        let mut no_secret = settings.clone();
        no_secret.app_secret = " ".to_string();
        assert!(WeChatOAuth::new(no_secret).is_err());
        let mut bad_base = settings;
        bad_base.api_base = "api.weixin.qq.com".to_string();
        assert!(WeChatOAuth::new(bad_base).is_err());
    }
}
