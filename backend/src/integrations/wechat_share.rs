//! Share cards inside WeChat: the JS-SDK (`wx.config`) needs the page's
//! address signed with the account's jsapi_ticket, so that
//! `updateAppMessageShareData` can give a shared `/outages/{id}` a proper
//! card (title, summary, icon) in a chat.
//!
//! WeChat's API: `GET {api_base}/cgi-bin/ticket/getticket?access_token=..&type=jsapi`
//! with the account's access token from the one holder ([`AccessTokens`]);
//! the ticket is cached like the token (two hours, dropped five minutes
//! early). The signature is SHA-1 over
//! `jsapi_ticket=..&noncestr=..&timestamp=..&url=..`, the address without
//! its `#` part ([`jsapi_signature`], checked against WeChat's documented
//! example). Neither the ticket nor the token is ever logged.

use std::fmt;
use std::sync::Arc;

use sha1::{Digest, Sha1};

use super::sms::{describe_error, SendFailure};
use super::wechat_token::{json_answer, lasting_value, AccessTokens, Cached, STALE_TOKEN_CODES};

/// What the page hands to `wx.config`, as WeChat names the fields.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareConfig {
    pub app_id: String,
    pub timestamp: i64,
    pub nonce_str: String,
    pub signature: String,
}

/// The account's jsapi_ticket, fetched with its access token.
pub struct JsApiTickets {
    tokens: Arc<AccessTokens>,
    /// Held while a ticket is fetched, so concurrent pages fetch it once.
    cached: tokio::sync::Mutex<Option<Cached>>,
}

/// Never prints the ticket.
impl fmt::Debug for JsApiTickets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsApiTickets")
            .field("tokens", &self.tokens)
            .finish_non_exhaustive()
    }
}

impl JsApiTickets {
    pub fn new(tokens: Arc<AccessTokens>) -> Self {
        Self {
            tokens,
            cached: tokio::sync::Mutex::new(None),
        }
    }

    /// `wx.config`'s fields for the page at `url`, signed at `timestamp`.
    pub async fn config_for(&self, url: &str, timestamp: i64) -> Result<ShareConfig, SendFailure> {
        let ticket = self.ticket().await?;
        let nonce_str = format!("{:016x}", rand::random::<u64>());
        let url = url.split('#').next().unwrap_or_default();
        Ok(ShareConfig {
            app_id: self.tokens.app_id().to_string(),
            timestamp,
            signature: jsapi_signature(&ticket, &nonce_str, timestamp, url),
            nonce_str,
        })
    }

    /// The cached ticket, or a new one; a stale access token is replaced
    /// and the ticket asked for once more.
    pub async fn ticket(&self) -> Result<String, SendFailure> {
        let mut cached = self.cached.lock().await;
        if let Some(ticket) = cached.as_ref().and_then(Cached::fresh) {
            return Ok(ticket);
        }
        let token = self.tokens.get().await?;
        let answer = match self.fetch(&token).await? {
            Ok(answer) => answer,
            Err(errcode) => {
                tracing::info!(
                    channel = "wechat",
                    errcode,
                    "access token no longer valid, fetching a new one"
                );
                self.tokens.forget(&token).await;
                let token = self.tokens.get().await?;
                self.fetch(&token).await?.map_err(|errcode| {
                    SendFailure::Unavailable(format!(
                        "a new access token was refused too (errcode {errcode})"
                    ))
                })?
            }
        };
        let (ticket, expires_in) = lasting_value(&answer, "ticket")
            .map_err(|reason| SendFailure::Unavailable(format!("jsapi ticket: {reason}")))?;
        *cached = Some(Cached::new(ticket.clone(), expires_in));
        Ok(ticket)
    }

    /// One `getticket` call: the answer, or the errcode of a stale token.
    async fn fetch(&self, token: &str) -> Result<Result<serde_json::Value, i64>, SendFailure> {
        let url = format!("{}/cgi-bin/ticket/getticket", self.tokens.api_base());
        let response = self
            .tokens
            .client()
            .get(&url)
            .query(&[("access_token", token), ("type", "jsapi")])
            .send()
            .await
            .map_err(|e| {
                SendFailure::Unavailable(format!("jsapi ticket: {}", describe_error(e)))
            })?;
        let answer = json_answer(response)
            .await
            .map_err(|reason| SendFailure::Unavailable(format!("jsapi ticket: {reason}")))?;
        match answer.get("errcode").and_then(serde_json::Value::as_i64) {
            Some(code) if STALE_TOKEN_CODES.contains(&code) => Ok(Err(code)),
            _ => Ok(Ok(answer)),
        }
    }
}

/// WeChat's JS-SDK signature: SHA-1, in lower-case hex, of
/// `jsapi_ticket={ticket}&noncestr={nonce_str}&timestamp={timestamp}&url={url}`
/// (the fields sorted by name, the address as the page has it, without `#`).
pub fn jsapi_signature(ticket: &str, nonce_str: &str, timestamp: i64, url: &str) -> String {
    let plain =
        format!("jsapi_ticket={ticket}&noncestr={nonce_str}&timestamp={timestamp}&url={url}");
    Sha1::digest(plain.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example in WeChat's JS-SDK documentation (附录1-JS-SDK使用权限签名算法).
    #[test]
    fn signature_matches_wechat_documented_example() {
        assert_eq!(
            jsapi_signature(
                "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg",
                "Wm3WZYTPz0wzccnW",
                1_414_587_457,
                "http://mp.weixin.qq.com?params=value",
            ),
            "0f9de62fce790f9a083d5c99e95740ceb90c27ed"
        );
    }
}
