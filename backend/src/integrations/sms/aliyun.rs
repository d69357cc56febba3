//! Aliyun's SMS (`SendSms` for one text, `SendBatchSms` for up to 100
//! numbers of one template; RPC style, signature version 1.0): settings,
//! the signed request and the answer.

use super::{
    describe_error, http_client, read_body, BoxFuture, NotificationChannel, OutgoingText,
    SendFailure, TextTemplate,
};
use hmac::{Hmac, Mac};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha1::Sha1;
use std::fmt;
use std::time::{Duration, SystemTime};

/// Aliyun's public SMS endpoint.
pub const ALIYUN_DEFAULT_ENDPOINT: &str = "https://dysmsapi.aliyuncs.com/";
/// The region Aliyun's SMS API is addressed through.
pub const ALIYUN_DEFAULT_REGION: &str = "cn-hangzhou";
/// How long one `SendSms` call may take, connection included.
pub const ALIYUN_DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// Aliyun SMS `SendSms` (RPC API, API version 2017-05-25, signature version
/// 1.0, HMAC-SHA1), over HTTPS GET.
#[derive(Clone)]
pub struct AliyunSmsSettings {
    /// Default [`ALIYUN_DEFAULT_ENDPOINT`].
    pub endpoint: String,
    pub access_key_id: String,
    pub access_key_secret: String,
    /// The approved signature (签名), e.g. "供热服务".
    pub sign_name: String,
    /// The approved template code for sign-in codes, e.g. "SMS_123456789";
    /// it takes one parameter, `code`.
    pub sign_in_template: String,
    /// The approved template code for case news, with parameters `case_no`
    /// and `update`; without it case news is not sent by SMS.
    pub case_update_template: Option<String>,
    /// The approved template for a grid worker's consent request, with
    /// parameters `code`, `worker` and `what`; without it grid workers
    /// cannot file for residents through Aliyun.
    pub consent_template: Option<String>,
    /// The approved template for a binding's code to the holder
    /// (`code`, `account_no`, `applicant`).
    pub binding_code_template: Option<String>,
    /// The approved template for news of a bound household (`account_no`, `news`).
    pub account_news_template: Option<String>,
    /// Outage news to everyone in an outage's area (`${news}`).
    pub outage_news_template: Option<String>,
    /// Default [`ALIYUN_DEFAULT_REGION`].
    pub region_id: String,
    /// Default [`ALIYUN_DEFAULT_TIMEOUT`].
    pub timeout: Duration,
}

impl AliyunSmsSettings {
    /// Settings with the default endpoint, region and timeout.
    pub fn new(
        access_key_id: impl Into<String>,
        access_key_secret: impl Into<String>,
        sign_name: impl Into<String>,
        sign_in_template: impl Into<String>,
    ) -> Self {
        Self {
            endpoint: ALIYUN_DEFAULT_ENDPOINT.to_string(),
            access_key_id: access_key_id.into(),
            access_key_secret: access_key_secret.into(),
            sign_name: sign_name.into(),
            sign_in_template: sign_in_template.into(),
            case_update_template: None,
            consent_template: None,
            binding_code_template: None,
            account_news_template: None,
            outage_news_template: None,
            region_id: ALIYUN_DEFAULT_REGION.to_string(),
            timeout: ALIYUN_DEFAULT_TIMEOUT,
        }
    }
}

/// Never prints the access key secret.
impl fmt::Debug for AliyunSmsSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AliyunSmsSettings")
            .field("endpoint", &self.endpoint)
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &"<redacted>")
            .field("sign_name", &self.sign_name)
            .field("sign_in_template", &self.sign_in_template)
            .field("case_update_template", &self.case_update_template)
            .field("consent_template", &self.consent_template)
            .field("binding_code_template", &self.binding_code_template)
            .field("account_news_template", &self.account_news_template)
            .field("outage_news_template", &self.outage_news_template)
            .field("region_id", &self.region_id)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// The Aliyun SMS channel: settings plus one HTTP client, built once.
#[derive(Debug)]
pub struct AliyunSms {
    settings: AliyunSmsSettings,
    endpoint: reqwest::Url,
    client: reqwest::Client,
}

impl AliyunSms {
    /// Checks the settings and builds the HTTP client (no proxy from the
    /// environment, no redirects, the settings' timeout on every call).
    pub fn new(settings: AliyunSmsSettings) -> Result<Self, String> {
        let endpoint = reqwest::Url::parse(&settings.endpoint)
            .map_err(|e| format!("aliyun sms endpoint {:?}: {e}", settings.endpoint))?;
        if !matches!(endpoint.scheme(), "https" | "http") || endpoint.query().is_some() {
            return Err(format!(
                "aliyun sms endpoint {:?}: expected an http(s) address without a query",
                settings.endpoint
            ));
        }
        for (name, value) in [
            ("access key id", &settings.access_key_id),
            ("access key secret", &settings.access_key_secret),
            ("sign name", &settings.sign_name),
            ("sign-in template", &settings.sign_in_template),
            ("region id", &settings.region_id),
        ] {
            if value.trim().is_empty() {
                return Err(format!("aliyun sms {name} is empty"));
            }
        }
        let client = http_client(settings.timeout)?;
        Ok(Self {
            settings,
            endpoint,
            client,
        })
    }

    /// The template code and parameters for one text, if one is configured.
    fn template(&self, message: &TextTemplate) -> Option<(&str, String)> {
        let code = match message {
            TextTemplate::SignInCode { .. } => Some(self.settings.sign_in_template.as_str()),
            TextTemplate::CaseUpdate { .. } => self.settings.case_update_template.as_deref(),
            TextTemplate::FilingConsent { .. } => self.settings.consent_template.as_deref(),
            TextTemplate::BindingCode { .. } => self.settings.binding_code_template.as_deref(),
            TextTemplate::AccountNews { .. } => self.settings.account_news_template.as_deref(),
            TextTemplate::OutageNews { .. } => self.settings.outage_news_template.as_deref(),
        };
        code.map(|code| (code, message.provider_params()))
    }

    /// The parameters every call carries, with the action's own, signed
    /// for `method`: the encoded query string (GET) or form body (POST).
    fn signed(
        &self,
        method: &str,
        action: &[(&str, &str)],
        nonce: &str,
        timestamp: &str,
    ) -> String {
        let common = [
            ("AccessKeyId", self.settings.access_key_id.as_str()),
            ("Format", "JSON"),
            ("RegionId", self.settings.region_id.as_str()),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", nonce),
            ("SignatureVersion", "1.0"),
            ("Timestamp", timestamp),
            ("Version", "2017-05-25"),
        ];
        let mut params: Vec<(String, String)> = common
            .iter()
            .chain(action)
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let signature = aliyun_signature(method, &params, &self.settings.access_key_secret);
        params.push(("Signature".to_string(), signature));
        canonical_query(&params)
    }

    /// The complete, signed query string of one `SendSms` call.
    fn signed_query(
        &self,
        text: &OutgoingText,
        (template_code, template_param): (&str, String),
        nonce: &str,
        timestamp: &str,
    ) -> String {
        self.signed(
            "GET",
            &[
                ("Action", "SendSms"),
                ("PhoneNumbers", text.phone.as_str()),
                ("SignName", self.settings.sign_name.as_str()),
                ("TemplateCode", template_code),
                ("TemplateParam", template_param.as_str()),
            ],
            nonce,
            timestamp,
        )
    }

    /// The complete, signed form body of one `SendBatchSms` call: one
    /// template, and per number its sign name and parameters, as JSON arrays.
    fn signed_batch_form(
        &self,
        texts: &[OutgoingText],
        template_code: &str,
        nonce: &str,
        timestamp: &str,
    ) -> String {
        let phones: Vec<&str> = texts.iter().map(|text| text.phone.as_str()).collect();
        let sign_names = vec![self.settings.sign_name.as_str(); texts.len()];
        let params: Vec<serde_json::Value> = texts
            .iter()
            .map(|text| {
                serde_json::from_str(&text.message.provider_params())
                    .unwrap_or(serde_json::Value::Null)
            })
            .collect();
        let phones = serde_json::Value::from(phones).to_string();
        let sign_names = serde_json::Value::from(sign_names).to_string();
        let params = serde_json::Value::from(params).to_string();
        self.signed(
            "POST",
            &[
                ("Action", "SendBatchSms"),
                ("PhoneNumberJson", phones.as_str()),
                ("SignNameJson", sign_names.as_str()),
                ("TemplateCode", template_code),
                ("TemplateParamJson", params.as_str()),
            ],
            nonce,
            timestamp,
        )
    }

    async fn send_text(&self, text: &OutgoingText) -> Result<(), SendFailure> {
        let (code, params) = self.template(&text.message).ok_or_else(no_template)?;
        let mut url = self.endpoint.clone();
        url.set_query(Some(&self.signed_query(
            text,
            (code, params),
            &new_nonce(),
            &aliyun_timestamp(SystemTime::now()),
        )));
        self.answer_of(self.client.get(url)).await
    }

    /// One `SendBatchSms` call (POST, form body) for texts of one template;
    /// the provider accepts or refuses the call as a whole.
    async fn send_batch_call(&self, texts: &[OutgoingText]) -> Result<(), SendFailure> {
        let first = texts.first().ok_or_else(|| SendFailure::Refused {
            code: "EmptyBatch".to_string(),
            message: "a batch needs at least one number".to_string(),
        })?;
        let (code, _) = self.template(&first.message).ok_or_else(no_template)?;
        if texts.len() > MAX_NUMBERS_PER_BATCH
            || texts
                .iter()
                .any(|text| self.template(&text.message).map(|(c, _)| c) != Some(code))
        {
            return Err(SendFailure::Refused {
                code: "MixedBatch".to_string(),
                message: format!(
                    "a batch carries one template and at most {MAX_NUMBERS_PER_BATCH} numbers"
                ),
            });
        }
        let form = self.signed_batch_form(
            texts,
            code,
            &new_nonce(),
            &aliyun_timestamp(SystemTime::now()),
        );
        self.answer_of(
            self.client
                .post(self.endpoint.clone())
                .header(
                    reqwest::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded",
                )
                .body(form),
        )
        .await
    }

    /// Sends a request and reads Aliyun's answer: "OK", a refusal with its
    /// code, or unavailable (no answer, a server error, an unreadable body).
    async fn answer_of(&self, request: reqwest::RequestBuilder) -> Result<(), SendFailure> {
        let response = request
            .send()
            .await
            .map_err(|e| SendFailure::Unavailable(describe_error(e)))?;
        let status = response.status();
        if status.is_server_error() {
            return Err(SendFailure::Unavailable(format!("HTTP {status}")));
        }
        let body = read_body(response)
            .await
            .map_err(SendFailure::Unavailable)?;
        let answer = AliyunAnswer::parse(&body)
            .ok_or_else(|| SendFailure::Unavailable(format!("HTTP {status}, unreadable answer")))?;
        if answer.code == "OK" {
            tracing::debug!(
                channel = "aliyun",
                request_id = %answer.request_id,
                biz_id = %answer.biz_id,
                "text message accepted"
            );
            Ok(())
        } else {
            tracing::warn!(
                channel = "aliyun",
                %status,
                code = %answer.code,
                message = %answer.message,
                request_id = %answer.request_id,
                "text message refused"
            );
            Err(SendFailure::Refused {
                code: answer.code,
                message: answer.message,
            })
        }
    }
}

/// The most numbers one `SendBatchSms` call takes (Aliyun's documented limit).
pub const MAX_NUMBERS_PER_BATCH: usize = 100;

fn no_template() -> SendFailure {
    SendFailure::Refused {
        code: "NoTemplate".to_string(),
        message: "no SMS template is configured for this kind of message".to_string(),
    }
}

fn new_nonce() -> String {
    format!("{:032x}", rand::random::<u128>())
}

impl NotificationChannel for AliyunSms {
    fn name(&self) -> &'static str {
        "aliyun"
    }

    fn send<'a>(&'a self, text: &'a OutgoingText) -> BoxFuture<'a, Result<(), SendFailure>> {
        Box::pin(self.send_text(text))
    }

    /// One `SendBatchSms` call: every text shares its outcome.
    fn send_batch<'a>(
        &'a self,
        texts: &'a [OutgoingText],
    ) -> BoxFuture<'a, Vec<Result<(), SendFailure>>> {
        Box::pin(async move {
            let outcome = self.send_batch_call(texts).await;
            vec![outcome; texts.len()]
        })
    }
}

/// The fields of a `SendSms` answer that matter; `None` when the body is not
/// a JSON object with a string `Code`.
struct AliyunAnswer {
    code: String,
    message: String,
    request_id: String,
    biz_id: String,
}

impl AliyunAnswer {
    fn parse(body: &str) -> Option<Self> {
        let value: serde_json::Value = serde_json::from_str(body).ok()?;
        let field = |name: &str| {
            value
                .get(name)
                .and_then(serde_json::Value::as_str)
                .map(str::to_string)
        };
        Some(Self {
            code: field("Code")?,
            message: field("Message").unwrap_or_default(),
            request_id: field("RequestId").unwrap_or_default(),
            biz_id: field("BizId").unwrap_or_default(),
        })
    }
}

/// Characters Aliyun leaves as they are: RFC 3986 unreserved.
const ALIYUN_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes per Aliyun's rules: RFC 3986 unreserved characters kept,
/// everything else as UTF-8 `%XX` (so space is `%20`, `*` is `%2A`, `~` stays).
fn aliyun_encode(s: &str) -> String {
    utf8_percent_encode(s, ALIYUN_UNRESERVED).to_string()
}

/// `key=value` pairs, encoded and sorted by key, joined with `&`.
fn canonical_query(params: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    sorted
        .iter()
        .map(|(k, v)| format!("{}={}", aliyun_encode(k), aliyun_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Aliyun RPC signature, version 1.0: percent-encode per Aliyun's rules,
/// sort params by key, build `"GET&%2F&" + percentEncode(canonicalized
/// query)`, HMAC-SHA1 with key `secret + "&"`, base64. Returns the
/// signature, not yet url-encoded.
pub fn aliyun_signature(
    method: &str,
    params: &[(String, String)],
    access_key_secret: &str,
) -> String {
    use base64::Engine as _;

    let string_to_sign = format!(
        "{method}&{}&{}",
        aliyun_encode("/"),
        aliyun_encode(&canonical_query(params))
    );
    let mut mac = Hmac::<Sha1>::new_from_slice(format!("{access_key_secret}&").as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(string_to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// `Timestamp` as Aliyun wants it: UTC, `YYYY-MM-DDThh:mm:ssZ`.
fn aliyun_timestamp(at: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(at)
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// Aliyun's documented `SendSms` signature example.
    #[test]
    fn signature_matches_aliyun_documented_example() {
        let params = owned(&[
            ("AccessKeyId", "testId"),
            ("Action", "SendSms"),
            ("Format", "XML"),
            ("OutId", "123"),
            ("PhoneNumbers", "15300000001"),
            ("RegionId", "cn-hangzhou"),
            ("SignName", "阿里云短信测试专用"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", "45e25e9b-0a6f-4070-8c85-2956eda1b466"),
            ("SignatureVersion", "1.0"),
            ("TemplateCode", "SMS_71390007"),
            ("TemplateParam", r#"{"customer":"test"}"#),
            ("Timestamp", "2017-07-12T02:42:19Z"),
            ("Version", "2017-05-25"),
        ]);
        let signature = aliyun_signature("GET", &params, "testSecret");
        assert_eq!(signature, "zJDF+Lrzhj/ThnlvIToysFRq6t4=");
        assert_eq!(
            aliyun_encode(&signature),
            "zJDF%2BLrzhj%2FThnlvIToysFRq6t4%3D"
        );

        // The order the params come in does not matter.
        let mut reversed = params.clone();
        reversed.reverse();
        assert_eq!(aliyun_signature("GET", &reversed, "testSecret"), signature);
    }

    #[test]
    fn encoding_follows_aliyun_rules() {
        assert_eq!(aliyun_encode("a b*c~d"), "a%20b%2Ac~d");
        assert_eq!(aliyun_encode("-_.~AZaz09"), "-_.~AZaz09");
        assert_eq!(aliyun_encode("+/=&:"), "%2B%2F%3D%26%3A");
        assert_eq!(aliyun_encode("供热"), "%E4%BE%9B%E7%83%AD");
    }

    #[test]
    fn sign_in_code_renders_and_has_provider_params() {
        let message = TextTemplate::SignInCode {
            code: "123456".to_string(),
            valid_minutes: 5,
        };
        assert_eq!(
            message.render(),
            "【供热服务】您的登录验证码是 123456，5 分钟内有效。如非本人操作请忽略。"
        );
        assert_eq!(message.provider_params(), r#"{"code":"123456"}"#);
    }

    #[test]
    fn timestamp_is_utc_seconds_with_z() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_499_827_339);
        assert_eq!(aliyun_timestamp(at), "2017-07-12T02:42:19Z");
    }

    #[test]
    fn signed_query_carries_every_param_and_a_matching_signature() {
        let mut settings = AliyunSmsSettings::new("id", "secret", "供热服务", "SMS_1");
        settings.endpoint = "http://127.0.0.1:9/".to_string();
        let sms = AliyunSms::new(settings).expect("valid settings");
        let text = OutgoingText {
            phone: "13800138000".to_string(),
            message: TextTemplate::SignInCode {
                code: "654321".to_string(),
                valid_minutes: 5,
            },
        };
        let template = sms.template(&text.message).unwrap();
        let query = sms.signed_query(&text, template, "n1", "2024-01-01T00:00:00Z");
        assert!(query.starts_with("AccessKeyId=id&Action=SendSms&Format=JSON&"));
        assert!(query.contains("&PhoneNumbers=13800138000&"));
        assert!(query.contains("&TemplateParam=%7B%22code%22%3A%22654321%22%7D&"));
        assert!(query.contains("&SignName=%E4%BE%9B%E7%83%AD%E6%9C%8D%E5%8A%A1&"));
        let (unsigned, signature) = query.split_once("&Signature=").expect("signature");
        let (signature, rest) = signature.split_once('&').expect("params after signature");
        let mut params: Vec<(String, String)> = [unsigned, rest]
            .join("&")
            .split('&')
            .map(|pair| {
                let (k, v) = pair.split_once('=').expect("key=value");
                let v = percent_encoding::percent_decode_str(v).decode_utf8_lossy();
                (k.to_string(), v.into_owned())
            })
            .collect();
        params.sort();
        assert_eq!(
            aliyun_encode(&aliyun_signature("GET", &params, "secret")),
            signature
        );
    }

    #[test]
    fn settings_are_checked_and_the_secret_never_printed() {
        let settings = AliyunSmsSettings::new("id", "top-secret", "供热服务", "SMS_1");
        assert!(!format!("{settings:?}").contains("top-secret"));
        let sms = AliyunSms::new(settings.clone()).expect("valid settings");
        assert!(!format!("{sms:?}").contains("top-secret"));
        assert_eq!(sms.name(), "aliyun");

        let mut empty_secret = settings.clone();
        empty_secret.access_key_secret = String::new();
        assert!(AliyunSms::new(empty_secret).is_err());
        let mut bad_endpoint = settings.clone();
        bad_endpoint.endpoint = "dysmsapi.aliyuncs.com".to_string();
        assert!(AliyunSms::new(bad_endpoint).is_err());
        let mut no_timeout = settings;
        no_timeout.timeout = Duration::ZERO;
        assert!(AliyunSms::new(no_timeout).is_err());
    }

    #[test]
    fn answers_without_a_code_are_unreadable() {
        assert!(AliyunAnswer::parse("<html>502</html>").is_none());
        assert!(AliyunAnswer::parse(r#"{"Message":"x"}"#).is_none());
        assert!(AliyunAnswer::parse(r#"{"Code":7}"#).is_none());
        let answer =
            AliyunAnswer::parse(r#"{"Code":"OK","Message":"OK","RequestId":"r","BizId":"b"}"#)
                .expect("answer");
        assert_eq!(
            (
                answer.code.as_str(),
                answer.request_id.as_str(),
                answer.biz_id.as_str()
            ),
            ("OK", "r", "b")
        );
    }
}
