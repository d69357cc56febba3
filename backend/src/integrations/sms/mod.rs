//! Text messages to residents' mobile numbers: sign-in codes first.
//!
//! One trait, [`NotificationChannel`], with two channels: [`LogChannel`]
//! (the default, writes the text to the server log) and [`AliyunSms`]
//! (Aliyun's `SendSms`, RPC style, signature version 1.0).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

mod aliyun;
pub use aliyun::*;

/// A text message to a mainland mobile number (11 ASCII digits, already validated).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutgoingText {
    pub phone: String,
    pub message: TextTemplate,
}

/// The texts the portal sends. Each maps to one template registered with
/// the provider, and to a rendered text for the log channel.
/// Stored in the outbox as JSON (`{"template":"sign_in_code",...}`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "template", rename_all = "snake_case")]
pub enum TextTemplate {
    /// A one-time sign-in code.
    SignInCode { code: String, valid_minutes: u32 },
    /// News of a case: "您的工单 R20261128000042：抢修人员已出发。"
    CaseUpdate { case_no: String, update: String },
    /// A grid worker asks to file for the resident; the code is the consent.
    FilingConsent {
        code: String,
        worker: String,
        what: String,
        valid_minutes: u32,
    },
    /// Someone asks to bind the holder's household; the code is the
    /// holder's consent, read out to them.
    BindingCode {
        code: String,
        account_no: String,
        applicant: String,
        valid_minutes: u32,
    },
    /// News of a household account to the residents bound to it.
    AccountNews { account_no: String, news: String },
    /// News of an outage to everyone in its area: "幸福里小区停热（计划停热）：…"
    OutageNews { news: String },
}

impl TextTemplate {
    /// The Chinese text a person reads (used by the log channel), e.g.
    /// "【供热服务】您的登录验证码是 123456，5 分钟内有效。如非本人操作请忽略。"
    pub fn render(&self) -> String {
        match self {
            Self::SignInCode {
                code,
                valid_minutes} => format!(
                "【供热服务】您的登录验证码是 {code}，{valid_minutes} 分钟内有效。如非本人操作请忽略。"
            ),
            Self::CaseUpdate { case_no, update } => {
                format!("【供热服务】您的工单 {case_no}：{update}")
            }
            Self::FilingConsent {
                code,
                worker,
                what,
                valid_minutes} => format!(
                "【供热服务】网格员{worker}申请代您提交{what}，同意请将验证码 {code} 告诉网格员，{valid_minutes} 分钟内有效。如不同意请忽略。"
            ),
            Self::BindingCode {
                code,
                account_no,
                applicant,
                valid_minutes} => format!(
                "【供热服务】手机 {applicant} 申请绑定您的供热户号 {account_no}，同意请将验证码 {code} 告诉对方，{valid_minutes} 分钟内有效。如不认识对方请勿告知。"
            ),
            Self::AccountNews { account_no, news } => {
                format!("【供热服务】您绑定的户号 {account_no}：{news}")
            }
            Self::OutageNews { news } => format!("【供热服务】{news}"),
        }
    }

    /// Whether the text goes to a whole area at once (an outage's news),
    /// and so may go out in a provider's batch call with others of the same
    /// words.
    pub fn is_bulk(&self) -> bool {
        matches!(self, Self::OutageNews { .. })
    }

    /// Template parameters for a provider template, as a JSON object
    /// string: `{"code":"123456"}`.
    pub fn provider_params(&self) -> String {
        match self {
            Self::SignInCode { code, .. } => serde_json::json!({ "code": code }).to_string(),
            Self::CaseUpdate { case_no, update } => {
                serde_json::json!({ "case_no": case_no, "update": update }).to_string()
            }
            Self::FilingConsent {
                code, worker, what, ..
            } => serde_json::json!({ "code": code, "worker": worker, "what": what }).to_string(),
            Self::BindingCode {
                code,
                account_no,
                applicant,
                ..
            } => serde_json::json!({ "code": code, "account_no": account_no, "applicant": applicant })
                .to_string(),
            Self::AccountNews { account_no, news } => {
                serde_json::json!({ "account_no": account_no, "news": news }).to_string()
            }
            Self::OutageNews { news } => serde_json::json!({ "news": news }).to_string(),
        }
    }
}

/// Why a text was not sent.
#[derive(Clone, Debug, thiserror::Error)]
pub enum SendFailure {
    /// The provider refused this message; retrying will not help (bad
    /// number, template, signature, business limit).
    #[error("provider refused: {code} {message}")]
    Refused { code: String, message: String },
    /// The provider could not be reached or did not answer in time; a retry
    /// may succeed.
    #[error("provider unavailable: {0}")]
    Unavailable(String),
}

/// A boxed future that can cross threads, so the trait stays object safe.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where sign-in codes and notices go. One trait, several channels.
pub trait NotificationChannel: Send + Sync + fmt::Debug {
    /// A short name for logs and settings: "log", "aliyun".
    fn name(&self) -> &'static str;
    /// Sends one text; resolves once the provider has accepted or refused it.
    fn send<'a>(&'a self, text: &'a OutgoingText) -> BoxFuture<'a, Result<(), SendFailure>>;
    /// Sends texts of one template (at most [`MAX_NUMBERS_PER_BATCH`]) and
    /// answers for each, in order. A provider with a batch call makes one
    /// call; the default sends them one by one.
    fn send_batch<'a>(
        &'a self,
        texts: &'a [OutgoingText],
    ) -> BoxFuture<'a, Vec<Result<(), SendFailure>>> {
        Box::pin(async move {
            let mut outcomes = Vec::with_capacity(texts.len());
            for text in texts {
                outcomes.push(self.send(text).await);
            }
            outcomes
        })
    }
}

/// The default: writes the message to the server log (with the full number
/// and text) and succeeds. For development and demos only.
#[derive(Debug, Default)]
pub struct LogChannel;

impl NotificationChannel for LogChannel {
    fn name(&self) -> &'static str {
        "log"
    }

    fn send<'a>(&'a self, text: &'a OutgoingText) -> BoxFuture<'a, Result<(), SendFailure>> {
        Box::pin(async move {
            tracing::info!(
                channel = "log",
                phone = %text.phone,
                text = %text.message.render(),
                "text message (log channel, not sent)"
            );
            Ok(())
        })
    }
}

/// No provider configured (outside demo mode): every text waits in the
/// outbox, retried, until an operator configures one and restarts.
#[derive(Debug, Default)]
pub struct UnconfiguredChannel;

impl NotificationChannel for UnconfiguredChannel {
    fn name(&self) -> &'static str {
        "unconfigured"
    }

    fn send<'a>(&'a self, _text: &'a OutgoingText) -> BoxFuture<'a, Result<(), SendFailure>> {
        Box::pin(async move {
            Err(SendFailure::Unavailable(
                "no SMS provider is configured (HEATDESK_SMS_PROVIDER)".to_string(),
            ))
        })
    }
}

/// The largest answer body read from a provider.
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// One HTTP client for one provider: the timeout covers connecting, sending
/// and reading; no proxy from the environment; redirects are not followed.
pub(super) fn http_client(timeout: Duration) -> Result<reqwest::Client, String> {
    if timeout.is_zero() {
        return Err("the timeout must be longer than zero".to_string());
    }
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("heatdesk/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("building the HTTP client: {}", describe_error(e)))
}

/// Reads an answer body as text, up to [`MAX_ANSWER_BYTES`].
pub(super) async fn read_body(mut response: reqwest::Response) -> Result<String, String> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(describe_error)? {
        if body.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(format!("answer longer than {MAX_ANSWER_BYTES} bytes"));
        }
        body.extend_from_slice(&chunk);
    }
    String::from_utf8(body).map_err(|_| "answer is not UTF-8".to_string())
}

/// A transport error for logs: its chain of causes, without the URL (whose
/// query may hold credentials).
pub(super) fn describe_error(error: reqwest::Error) -> String {
    let timed_out = error.is_timeout();
    let error = error.without_url();
    let mut text = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    if timed_out {
        format!("timed out ({text})")
    } else {
        text
    }
}
