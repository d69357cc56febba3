//! The payment providers: WeChat Pay (API v3) and Alipay (RSA2). Each
//! signs what heatdesk sends, verifies what the provider answers and
//! notifies, and turns both into the few facts the payment service needs:
//! where to send the payer, whether an order was paid, whether a refund
//! went through.
//!
//! Nothing here decides anything about a bill: `services::payments` does,
//! from these facts, with the rules in `domain::fees`.

pub mod alipay;
pub mod keys;
pub mod wechat_pay;

use std::time::Duration;

use domain::fees::money::Fen;
use domain::fees::payment::{Channel, Provider};
use serde::{Deserialize, Serialize};

pub use alipay::{Alipay, AlipaySettings};
pub use wechat_pay::{WeChatPay, WeChatPaySettings};

/// How long one call to a provider may take, connection included.
pub const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);

/// An order to hand to a provider.
#[derive(Clone, Debug)]
pub struct OrderToStart {
    pub out_trade_no: String,
    /// What the payer's app shows: "潍坊热力 2026-2027供暖季热费 WF1000000001".
    pub description: String,
    pub amount: Fen,
    pub channel: Channel,
    /// The payer's openid, for WeChat's JSAPI.
    pub openid: Option<String>,
    /// The payer's address, which WeChat's H5 orders must state.
    pub payer_ip: String,
    /// Where the payer's browser comes back to (Alipay's `return_url`,
    /// and the page WeChat's H5 page returns to).
    pub return_url: String,
    /// When the provider stops taking payment for it (heatdesk closes it
    /// then too): Unix seconds.
    pub expires_at: i64,
}

/// The fields `WeixinJSBridge.invoke('getBrandWCPayRequest', …)` takes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JsapiParams {
    pub app_id: String,
    pub time_stamp: String,
    pub nonce_str: String,
    pub package: String,
    pub sign_type: String,
    pub pay_sign: String,
}

/// Where the payer goes to pay.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum HandOff {
    /// A provider's page (WeChat's H5 page, Alipay's cashier).
    Redirect { url: String },
    /// A QR code to scan with WeChat (Native, on a desktop).
    QrCode { code_url: String },
    /// The payment sheet inside WeChat's browser.
    WeChatBridge(JsapiParams),
}

/// An order as the provider's answer to a query states it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OrderAtProvider {
    /// The money arrived.
    Paid { transaction_id: String, amount: Fen },
    /// Not paid yet (the payer may still be paying).
    Waiting,
    /// Closed or revoked unpaid.
    Closed,
    /// The provider has no such order (never opened, or expired unopened).
    Unknown,
}

/// A verified, decrypted payment notification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentNotice {
    pub provider: Provider,
    pub out_trade_no: String,
    pub transaction_id: String,
    pub amount: Fen,
    /// Whether it says the money arrived (anything else is only noted).
    pub paid: bool,
}

/// A provider's answer to a refund.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefundAtProvider {
    Succeeded { refund_id: String },
    Processing { refund_id: String },
}

/// A refund to send.
#[derive(Clone, Debug)]
pub struct RefundToSend {
    pub out_trade_no: String,
    pub out_refund_no: String,
    pub refund: Fen,
    /// The whole of the original payment (WeChat Pay asks for it).
    pub paid_total: Fen,
    pub reason: String,
}

/// Why a call to a provider did not give an answer to act on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProviderFailure {
    /// The provider refused the request; retrying the same will not help.
    #[error("provider refused: {code} {message}")]
    Refused { code: String, message: String },
    /// Not reached, timed out, or answered something unreadable: retry later.
    #[error("provider unavailable: {0}")]
    Unavailable(String),
    /// An answer whose signature does not verify: never believed.
    #[error("provider answer not verified: {0}")]
    Unverified(String),
    /// The provider is not configured on this portal.
    #[error("{0} is not configured")]
    NotConfigured(&'static str),
}

/// Why a notification was not believed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NoticeRefusal {
    #[error("not signed, or the signature does not verify: {0}")]
    Forged(String),
    #[error("signed too long ago or in the future")]
    Stale,
    #[error("unreadable: {0}")]
    Malformed(String),
    #[error("{0} is not configured")]
    NotConfigured(&'static str),
}

/// Both providers, each when configured.
#[derive(Clone, Default)]
pub struct PaymentProviders {
    pub wechat: Option<WeChatPay>,
    pub alipay: Option<Alipay>,
}

impl std::fmt::Debug for PaymentProviders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PaymentProviders")
            .field("wechat", &self.wechat.is_some())
            .field("alipay", &self.alipay.is_some())
            .finish()
    }
}

impl PaymentProviders {
    /// The providers a resident can choose from.
    pub fn configured(&self) -> Vec<Provider> {
        let mut providers = Vec::new();
        if self.wechat.is_some() {
            providers.push(Provider::WeChatPay);
        }
        if self.alipay.is_some() {
            providers.push(Provider::Alipay);
        }
        providers
    }

    fn wechat(&self) -> Result<&WeChatPay, ProviderFailure> {
        self.wechat
            .as_ref()
            .ok_or(ProviderFailure::NotConfigured("WeChat Pay"))
    }

    fn alipay(&self) -> Result<&Alipay, ProviderFailure> {
        self.alipay
            .as_ref()
            .ok_or(ProviderFailure::NotConfigured("Alipay"))
    }

    /// Opens the order at its provider.
    pub async fn start(&self, order: &OrderToStart) -> Result<HandOff, ProviderFailure> {
        match order.channel.provider() {
            Provider::WeChatPay => self.wechat()?.start(order).await,
            Provider::Alipay => self.alipay()?.start(order),
        }
    }

    /// Asks the provider about an order (the answer's signature verified).
    pub async fn query(
        &self,
        provider: Provider,
        out_trade_no: &str,
    ) -> Result<OrderAtProvider, ProviderFailure> {
        match provider {
            Provider::WeChatPay => self.wechat()?.query(out_trade_no).await,
            Provider::Alipay => self.alipay()?.query(out_trade_no).await,
        }
    }

    /// Closes an unpaid order, so it cannot be paid any more.
    pub async fn close(
        &self,
        provider: Provider,
        out_trade_no: &str,
    ) -> Result<(), ProviderFailure> {
        match provider {
            Provider::WeChatPay => self.wechat()?.close(out_trade_no).await,
            Provider::Alipay => self.alipay()?.close(out_trade_no).await,
        }
    }

    /// Sends a refund back the way the payment came.
    pub async fn refund(
        &self,
        provider: Provider,
        refund: &RefundToSend,
    ) -> Result<RefundAtProvider, ProviderFailure> {
        match provider {
            Provider::WeChatPay => self.wechat()?.refund(refund).await,
            Provider::Alipay => self.alipay()?.refund(refund).await,
        }
    }
}

/// The wall clock, in Unix seconds: what providers' signatures are dated
/// by (a portal running on a fixed business clock still talks to providers
/// in real time).
pub fn wall_clock() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// A random nonce of 32 letters and digits.
pub(crate) fn nonce() -> String {
    use rand::distributions::Alphanumeric;
    use rand::Rng;
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(32)
        .map(char::from)
        .collect()
}

pub(crate) fn http_client() -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .timeout(PROVIDER_TIMEOUT)
        .connect_timeout(PROVIDER_TIMEOUT)
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("heatdesk/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("building the HTTP client: {e}"))
}

/// A transport error for logs, without the URL.
pub(crate) fn describe(error: reqwest::Error) -> ProviderFailure {
    ProviderFailure::Unavailable(error.without_url().to_string())
}
