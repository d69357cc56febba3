//! WeChat official account template messages (模板消息): news of a case, and
//! (with a second template) of an outage, for residents who linked their
//! WeChat, beside the text message.
//!
//! This is not a [`super::sms::NotificationChannel`]: that trait sends a
//! text to a phone number, while a template message goes to an openid and
//! fills named fields of a template the account registered. So the client
//! has one method of its own, [`WeChatTemplates::send`], and the outbox
//! worker calls it for rows of the "wechat" channel; both answer with
//! the same [`SendFailure`], so retries and give-ups follow the same rules.
//!
//! WeChat's API: the account's access token from the one holder
//! ([`AccessTokens`]), then `POST
//! {api_base}/cgi-bin/message/template/send?access_token=..` with the message
//! as JSON. Neither the app secret nor an access token is ever logged.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use domain::clock::{to_local, UnixSeconds};

use super::sms::{describe_error, SendFailure};
use super::wechat::{WECHAT_DEFAULT_API_BASE, WECHAT_DEFAULT_TIMEOUT};
use super::wechat_token::{errmsg, http_base, json_answer, AccessTokens, STALE_TOKEN_CODES};

/// The template's keys for the case number, the news and its time, as
/// `HEATDESK_WECHAT_TEMPLATE_FIELDS` spells them by default.
pub const WECHAT_TEMPLATE_DEFAULT_FIELDS: &str = "character_string1,thing2,time3";
/// WeChat's limit for a `thing` field, in characters.
pub const THING_MAX_CHARS: usize = domain::outage_desk::WECHAT_THING_MAX_CHARS;
/// Answers that mean WeChat is busy or the account's quota is spent: try later.
const BUSY_CODES: [i64; 2] = [-1, 45009];

/// The template's keys for the three values a case update fills.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateFields {
    /// The case number, e.g. `character_string1`.
    pub case_no: String,
    /// The news, at most [`THING_MAX_CHARS`] characters, e.g. `thing2`.
    pub update: String,
    /// When it happened, "YYYY-MM-DD HH:MM" Beijing time, e.g. `time3`.
    pub time: String,
}

impl TemplateFields {
    /// Reads "case_no_key,update_key,time_key" (three distinct keys of
    /// ASCII letters, digits and `_`).
    pub fn parse(text: &str) -> Result<Self, String> {
        let [case_no, update, time] = three_keys(
            text,
            "case number, update, time",
            WECHAT_TEMPLATE_DEFAULT_FIELDS,
        )?;
        Ok(Self {
            case_no,
            update,
            time,
        })
    }
}

/// Three distinct template keys of ASCII letters, digits and `_`, separated
/// by commas; `what` and `example` explain a refusal.
fn three_keys(text: &str, what: &str, example: &str) -> Result<[String; 3], String> {
    let keys: Vec<&str> = text.split(',').map(str::trim).collect();
    let [first, second, third] = keys.as_slice() else {
        return Err(format!(
            "expected three keys separated by commas ({what}), e.g. {example}"
        ));
    };
    for key in [first, second, third] {
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return Err(format!(
                "template key {key:?}: expected ASCII letters, digits and _"
            ));
        }
    }
    if first == second || first == third || second == third {
        return Err("the three template keys must differ".to_string());
    }
    Ok([first.to_string(), second.to_string(), third.to_string()])
}

/// The outage template's keys, as `HEATDESK_WECHAT_OUTAGE_TEMPLATE_FIELDS`
/// spells them by default.
pub const WECHAT_OUTAGE_TEMPLATE_DEFAULT_FIELDS: &str = "thing1,thing2,time3";

/// The keys of the outage template's three values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutageTemplateFields {
    /// The outage's title (where), at most [`THING_MAX_CHARS`], e.g. `thing1`.
    pub title: String,
    /// The news (off until…, back, called off), e.g. `thing2`.
    pub news: String,
    /// When it was published, "YYYY-MM-DD HH:MM" Beijing time, e.g. `time3`.
    pub time: String,
}

impl OutageTemplateFields {
    /// Reads "title_key,news_key,time_key".
    pub fn parse(text: &str) -> Result<Self, String> {
        let [title, news, time] = three_keys(
            text,
            "title, news, time",
            WECHAT_OUTAGE_TEMPLATE_DEFAULT_FIELDS,
        )?;
        Ok(Self { title, news, time })
    }
}

impl Default for OutageTemplateFields {
    fn default() -> Self {
        Self {
            title: "thing1".to_string(),
            news: "thing2".to_string(),
            time: "time3".to_string(),
        }
    }
}

/// The account's second template, for outage news (停热通知).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutageTemplate {
    pub template_id: String,
    pub fields: OutageTemplateFields,
}

/// What a "wechat" outbox row asks to send. A case update is stored as the
/// text's own [`super::sms::TextTemplate::CaseUpdate`] JSON, so rows queued
/// before outage news existed still read.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "template", rename_all = "snake_case")]
pub enum WeChatMessage {
    /// News of a case; a tap opens the resident's cases.
    CaseUpdate { case_no: String, update: String },
    /// News of an outage; a tap opens its page.
    OutageNotice {
        outage_id: i64,
        title: String,
        news: String,
    },
}

impl Default for TemplateFields {
    fn default() -> Self {
        Self {
            case_no: "character_string1".to_string(),
            update: "thing2".to_string(),
            time: "time3".to_string(),
        }
    }
}

/// The official account, the approved template and where WeChat lives.
#[derive(Clone)]
pub struct WeChatTemplateSettings {
    pub app_id: String,
    pub app_secret: String,
    /// The template's id as the account's back office shows it.
    pub template_id: String,
    /// Default [`WECHAT_DEFAULT_API_BASE`].
    pub api_base: String,
    /// Default [`WECHAT_DEFAULT_TIMEOUT`] (5 s), per call.
    pub timeout: Duration,
    /// The portal's origin; when set, a tap on the message opens
    /// `{link_base}/cases` (the resident's cases).
    pub link_base: Option<String>,
    /// Default [`TemplateFields::default`] ("character_string1,thing2,time3").
    pub fields: TemplateFields,
    /// The template for outage news; without it outage news goes by text only.
    pub outage: Option<OutageTemplate>,
}

impl WeChatTemplateSettings {
    /// Settings with WeChat's address, the default timeout and fields, no link.
    pub fn new(
        app_id: impl Into<String>,
        app_secret: impl Into<String>,
        template_id: impl Into<String>,
    ) -> Self {
        Self {
            app_id: app_id.into(),
            app_secret: app_secret.into(),
            template_id: template_id.into(),
            api_base: WECHAT_DEFAULT_API_BASE.to_string(),
            timeout: WECHAT_DEFAULT_TIMEOUT,
            link_base: None,
            fields: TemplateFields::default(),
            outage: None,
        }
    }
}

/// Never prints the app secret.
impl fmt::Debug for WeChatTemplateSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WeChatTemplateSettings")
            .field("app_id", &self.app_id)
            .field("app_secret", &"<redacted>")
            .field("template_id", &self.template_id)
            .field("api_base", &self.api_base)
            .field("timeout", &self.timeout)
            .field("link_base", &self.link_base)
            .field("fields", &self.fields)
            .field("outage", &self.outage)
            .finish()
    }
}

/// Template messages for one official account: settings, and the
/// account's access token holder (shared with the JS-SDK's tickets).
pub struct WeChatTemplates {
    settings: WeChatTemplateSettings,
    tokens: Arc<AccessTokens>,
}

/// Never prints the app secret or the access token.
impl fmt::Debug for WeChatTemplates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WeChatTemplates")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl WeChatTemplates {
    /// Checks the settings, with an access token holder of its own.
    pub fn new(settings: WeChatTemplateSettings) -> Result<Self, String> {
        let tokens = AccessTokens::new(
            &settings.app_id,
            &settings.app_secret,
            &settings.api_base,
            settings.timeout,
        )?;
        Self::with_tokens(settings, Arc::new(tokens))
    }

    /// Checks the settings; sends with the account's `tokens`, the holder
    /// every other caller of WeChat's API for this account shares.
    pub fn with_tokens(
        mut settings: WeChatTemplateSettings,
        tokens: Arc<AccessTokens>,
    ) -> Result<Self, String> {
        if settings.template_id.trim().is_empty() {
            return Err("wechat template id is empty".to_string());
        }
        if let Some(outage) = &settings.outage {
            if outage.template_id.trim().is_empty() {
                return Err("wechat outage template id is empty".to_string());
            }
        }
        if tokens.app_id() != settings.app_id {
            return Err("wechat template messages need the same account as its tokens".to_string());
        }
        settings.api_base = tokens.api_base().to_string();
        if let Some(link_base) = &settings.link_base {
            settings.link_base = Some(http_base("link base", link_base)?);
        }
        Ok(Self { settings, tokens })
    }

    /// Whether outage news has a template of its own to go out by.
    pub fn sends_outage_news(&self) -> bool {
        self.settings.outage.is_some()
    }

    /// Tells the resident with `openid` the news of a case that happened at
    /// `at`; see [`Self::send`].
    pub async fn send_case_update(
        &self,
        openid: &str,
        case_no: &str,
        update: &str,
        at: UnixSeconds,
    ) -> Result<(), SendFailure> {
        let message = WeChatMessage::CaseUpdate {
            case_no: case_no.to_string(),
            update: update.to_string(),
        };
        self.send(openid, &message, at).await
    }

    /// Sends `message`, news of `at`, to the resident with `openid`. A
    /// stale access token is replaced and the message sent once more; a
    /// refusal that concerns this message or this resident (unsubscribed,
    /// refused messages, bad openid, template or data, or outage news with
    /// no outage template) is [`SendFailure::Refused`]; WeChat busy, the
    /// quota spent, an unusable access token or no answer is
    /// [`SendFailure::Unavailable`].
    pub async fn send(
        &self,
        openid: &str,
        message: &WeChatMessage,
        at: UnixSeconds,
    ) -> Result<(), SendFailure> {
        let body = self.message(openid, message, at)?;
        let token = self.tokens.get().await?;
        match self.post_message(&token, &body).await? {
            SendAnswer::Accepted => return Ok(()),
            SendAnswer::StaleToken(errcode) => {
                tracing::info!(
                    channel = "wechat",
                    errcode,
                    "wechat access token no longer valid, fetching a new one"
                );
                self.tokens.forget(&token).await;
            }
        }
        let token = self.tokens.get().await?;
        match self.post_message(&token, &body).await? {
            SendAnswer::Accepted => Ok(()),
            SendAnswer::StaleToken(errcode) => {
                self.tokens.forget(&token).await;
                Err(SendFailure::Unavailable(format!(
                    "a new access token was refused too (errcode {errcode})"
                )))
            }
        }
    }

    /// The JSON body of one template message.
    fn message(
        &self,
        openid: &str,
        message: &WeChatMessage,
        at: UnixSeconds,
    ) -> Result<serde_json::Value, SendFailure> {
        let time = to_local(at).format("%Y-%m-%d %H:%M").to_string();
        let (template_id, values, path) = match message {
            WeChatMessage::CaseUpdate { case_no, update } => {
                let fields = &self.settings.fields;
                (
                    &self.settings.template_id,
                    [
                        (&fields.case_no, case_no.clone()),
                        (&fields.update, truncate_thing(update)),
                        (&fields.time, time),
                    ],
                    "/cases".to_string(),
                )
            }
            WeChatMessage::OutageNotice {
                outage_id,
                title,
                news,
            } => {
                let Some(outage) = &self.settings.outage else {
                    return Err(SendFailure::Refused {
                        code: "no-outage-template".to_string(),
                        message: "no wechat template for outage news".to_string(),
                    });
                };
                (
                    &outage.template_id,
                    [
                        (&outage.fields.title, truncate_thing(title)),
                        (&outage.fields.news, truncate_thing(news)),
                        (&outage.fields.time, time),
                    ],
                    format!("/outages/{outage_id}"),
                )
            }
        };
        let data: serde_json::Map<String, serde_json::Value> = values
            .into_iter()
            .map(|(key, value)| (key.clone(), serde_json::json!({ "value": value })))
            .collect();
        let mut body = serde_json::json!({
            "touser": openid,
            "template_id": template_id,
            "data": data,
        });
        if let Some(link_base) = &self.settings.link_base {
            body["url"] = serde_json::Value::String(format!("{link_base}{path}"));
        }
        Ok(body)
    }

    /// `POST {api_base}/cgi-bin/message/template/send?access_token=..`.
    async fn post_message(
        &self,
        token: &str,
        body: &serde_json::Value,
    ) -> Result<SendAnswer, SendFailure> {
        let url = format!("{}/cgi-bin/message/template/send", self.settings.api_base);
        let response = self
            .tokens
            .client()
            .post(&url)
            .query(&[("access_token", token)])
            .json(body)
            .send()
            .await
            .map_err(|e| SendFailure::Unavailable(describe_error(e)))?;
        let answer = json_answer(response)
            .await
            .map_err(SendFailure::Unavailable)?;
        let Some(errcode) = answer.get("errcode").and_then(serde_json::Value::as_i64) else {
            return Err(SendFailure::Unavailable(
                "answer without errcode".to_string(),
            ));
        };
        let errmsg = errmsg(&answer);
        match errcode {
            0 => {
                let msgid = answer.get("msgid").map(ToString::to_string);
                tracing::debug!(channel = "wechat", msgid = ?msgid, "template message accepted");
                Ok(SendAnswer::Accepted)
            }
            code if STALE_TOKEN_CODES.contains(&code) => Ok(SendAnswer::StaleToken(code)),
            code if BUSY_CODES.contains(&code) => Err(SendFailure::Unavailable(format!(
                "wechat busy: {code} {errmsg}"
            ))),
            // 43004 unsubscribed, 43101 refused messages, 40003 bad openid,
            // 40037 bad template id, 47003 bad data, and anything else
            // WeChat names: sending the same message again will not help.
            code => {
                tracing::warn!(channel = "wechat", errcode = code, %errmsg, "template message refused");
                Err(SendFailure::Refused {
                    code: code.to_string(),
                    message: errmsg,
                })
            }
        }
    }
}

/// What a send answer leads to, short of a failure.
enum SendAnswer {
    Accepted,
    /// The access token was refused with this errcode.
    StaleToken(i64),
}

/// `text` as a `thing` field takes it: at most [`THING_MAX_CHARS`]
/// characters (not bytes), ending in "…" when cut.
pub fn truncate_thing(text: &str) -> String {
    let text = text.trim();
    if text.chars().count() <= THING_MAX_CHARS {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(THING_MAX_CHARS - 1).collect();
    cut.push('…');
    cut
}

/// An openid for logs: its first six characters and "…".
pub fn mask_openid(openid: &str) -> String {
    let mut masked: String = openid.chars().take(6).collect();
    masked.push('…');
    masked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn templates() -> WeChatTemplates {
        let mut settings = WeChatTemplateSettings::new("wxid", "top-secret", "TPL-1");
        settings.link_base = Some("https://heat.example.cn/".to_string());
        WeChatTemplates::new(settings).expect("valid settings")
    }

    #[test]
    fn thing_fields_are_cut_by_characters() {
        assert_eq!(truncate_thing("抢修人员已出发。"), "抢修人员已出发。");
        let exactly = "一二三四五六七八九十一二三四五六七八九十";
        assert_eq!(truncate_thing(exactly), exactly);
        let cut = truncate_thing("报修已受理，抢修人员将于 11月28日 12:00 前到达。");
        assert_eq!(cut.chars().count(), THING_MAX_CHARS);
        assert_eq!(cut, "报修已受理，抢修人员将于 11月28日…");
    }

    #[test]
    fn the_message_fills_the_template_in_beijing_time() {
        // 2026-11-28 02:05 UTC is 10:05 in Shanghai.
        let at = 1_795_831_500;
        let update = WeChatMessage::CaseUpdate {
            case_no: "R20261128000042".to_string(),
            update: "抢修人员已出发。".to_string(),
        };
        let body = templates()
            .message("OPENID-1", &update, at)
            .expect("a case template");
        assert_eq!(
            body,
            serde_json::json!({
                "touser": "OPENID-1",
                "template_id": "TPL-1",
                "url": "https://heat.example.cn/cases",
                "data": {
                    "character_string1": {"value": "R20261128000042"},
                    "thing2": {"value": "抢修人员已出发。"},
                    "time3": {"value": "2026-11-28 10:05"},
                }
            })
        );
    }

    #[test]
    fn outage_news_has_its_own_template_and_opens_the_outage() {
        let at = 1_795_831_500;
        let notice = WeChatMessage::OutageNotice {
            outage_id: 42,
            title: "东风东街一次网管道爆管抢修停热通知".to_string(),
            news: "已恢复供热".to_string(),
        };
        let refused = templates().message("OPENID-1", &notice, at);
        assert!(
            matches!(refused, Err(SendFailure::Refused { .. })),
            "{refused:?}"
        );
        let mut settings = WeChatTemplateSettings::new("wxid", "top-secret", "TPL-1");
        settings.link_base = Some("https://heat.example.cn".to_string());
        settings.outage = Some(OutageTemplate {
            template_id: "TPL-OUTAGE".to_string(),
            fields: OutageTemplateFields::parse("thing4, thing5, time6").expect("fields"),
        });
        let body = WeChatTemplates::new(settings)
            .expect("valid settings")
            .message("OPENID-1", &notice, at)
            .expect("an outage template");
        assert_eq!(
            body,
            serde_json::json!({
                "touser": "OPENID-1",
                "template_id": "TPL-OUTAGE",
                "url": "https://heat.example.cn/outages/42",
                "data": {
                    "thing4": {"value": "东风东街一次网管道爆管抢修停热通知"},
                    "thing5": {"value": "已恢复供热"},
                    "time6": {"value": "2026-11-28 10:05"},
                }
            })
        );
    }

    #[test]
    fn case_updates_queued_as_texts_read_as_wechat_messages() {
        let text = crate::integrations::sms::TextTemplate::CaseUpdate {
            case_no: "R1".to_string(),
            update: "已受理".to_string(),
        };
        let stored = serde_json::to_string(&text).expect("json");
        assert_eq!(
            serde_json::from_str::<WeChatMessage>(&stored).expect("a wechat message"),
            WeChatMessage::CaseUpdate {
                case_no: "R1".to_string(),
                update: "已受理".to_string(),
            }
        );
    }

    #[test]
    fn fields_are_three_distinct_keys() {
        assert_eq!(
            TemplateFields::parse(WECHAT_TEMPLATE_DEFAULT_FIELDS),
            Ok(TemplateFields::default())
        );
        let custom = TemplateFields::parse(" keyword1, keyword2 ,keyword3").expect("fields");
        assert_eq!(
            (
                custom.case_no.as_str(),
                custom.update.as_str(),
                custom.time.as_str()
            ),
            ("keyword1", "keyword2", "keyword3")
        );
        assert!(TemplateFields::parse("a,b").is_err());
        assert!(TemplateFields::parse("a,b,c,d").is_err());
        assert!(TemplateFields::parse("a,,c").is_err());
        assert!(TemplateFields::parse("a,a,c").is_err());
        assert!(TemplateFields::parse("a,b.c,d").is_err());
        assert_eq!(
            OutageTemplateFields::parse(WECHAT_OUTAGE_TEMPLATE_DEFAULT_FIELDS),
            Ok(OutageTemplateFields::default())
        );
        assert!(OutageTemplateFields::parse("a,a,b").is_err());
    }

    #[test]
    fn settings_are_checked_and_the_secret_never_printed() {
        let settings = WeChatTemplateSettings::new("wxid", "top-secret", "TPL-1");
        assert!(!format!("{settings:?}").contains("top-secret"));
        assert!(!format!("{:?}", templates()).contains("top-secret"));
        let mut no_template = settings.clone();
        no_template.template_id = " ".to_string();
        assert!(WeChatTemplates::new(no_template).is_err());
        let mut no_secret = settings.clone();
        no_secret.app_secret = String::new();
        assert!(WeChatTemplates::new(no_secret).is_err());
        let mut bad_base = settings.clone();
        bad_base.api_base = "api.weixin.qq.com".to_string();
        assert!(WeChatTemplates::new(bad_base).is_err());
        let mut bad_link = settings.clone();
        bad_link.link_base = Some("heat.example.cn".to_string());
        assert!(WeChatTemplates::new(bad_link).is_err());
        let mut no_timeout = settings;
        no_timeout.timeout = Duration::ZERO;
        assert!(WeChatTemplates::new(no_timeout).is_err());
    }

    #[test]
    fn openids_are_masked_for_logs() {
        assert_eq!(mask_openid("oAbCdEfGhIjKlMn"), "oAbCdE…");
        assert_eq!(mask_openid("o1"), "o1…");
    }
}
