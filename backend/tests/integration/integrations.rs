//! The outbound integrations against local stub servers: an Aliyun
//! `SendSms` stub that checks signatures on its own, a WeChat OAuth stub, and
//! a WeChat template message stub with access tokens that expire.

use std::collections::{HashMap, VecDeque};
use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use backend::integrations::sms::{
    AliyunSms, AliyunSmsSettings, LogChannel, NotificationChannel, OutgoingText, SendFailure,
    TextTemplate,
};
use backend::integrations::wechat::{WeChatError, WeChatOAuth, WeChatScope, WeChatSettings};
use backend::integrations::wechat_template::{WeChatTemplateSettings, WeChatTemplates};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::json;
use sha1::Sha1;

const PHONE: &str = "13800138000";
const CODE: &str = "123456";
const STUB_KEY_ID: &str = "stub-key-id";
const STUB_SECRET: &str = "stub-secret";
/// How long a slow stub waits before answering: far beyond the client's timeout.
const SLOW: Duration = Duration::from_secs(3);
const CLIENT_TIMEOUT: Duration = Duration::from_millis(300);

/// Serves `router` on a free loopback port until the test ends.
async fn serve(router: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a loopback port");
    let addr = listener.local_addr().expect("local address");
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    addr
}

fn sign_in_text() -> OutgoingText {
    OutgoingText {
        phone: PHONE.to_string(),
        message: TextTemplate::SignInCode {
            code: CODE.to_string(),
            valid_minutes: 5,
        },
    }
}

// ---------------------------------------------------------------- Aliyun ---

#[derive(Clone, Copy)]
enum AliyunMode {
    Accept,
    BusinessLimit,
    Slow,
    Down,
    Garbage,
}

#[derive(Clone)]
struct AliyunStub {
    mode: AliyunMode,
    seen: Arc<Mutex<Vec<HashMap<String, String>>>>,
}

impl AliyunStub {
    fn seen(&self) -> Vec<HashMap<String, String>> {
        self.seen.lock().expect("stub lock").clone()
    }
}

/// RFC 3986 percent-encoding as Aliyun documents it, written out byte by byte.
fn rfc3986(s: &str) -> String {
    let mut out = String::new();
    for byte in s.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The stub's own signature computation, independent of the crate's.
fn stub_signature(params: &[(String, String)], secret: &str) -> String {
    stub_signature_for("GET", params, secret)
}

fn stub_signature_for(method: &str, params: &[(String, String)], secret: &str) -> String {
    let mut sorted: Vec<&(String, String)> =
        params.iter().filter(|(k, _)| k != "Signature").collect();
    sorted.sort();
    let canonical = sorted
        .iter()
        .map(|(k, v)| format!("{}={}", rfc3986(k), rfc3986(v)))
        .collect::<Vec<_>>()
        .join("&");
    let string_to_sign = format!("{method}&%2F&{}", rfc3986(&canonical));
    let mut mac = Hmac::<Sha1>::new_from_slice(format!("{secret}&").as_bytes()).expect("hmac key");
    mac.update(string_to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// What a real `SendSms` call must carry, apart from the signature.
fn check_send_sms(params: &HashMap<String, String>) -> Result<(), String> {
    let expect = |key: &str, want: &str| match params.get(key) {
        Some(got) if got == want => Ok(()),
        got => Err(format!("{key}: expected {want:?}, got {got:?}")),
    };
    expect("AccessKeyId", STUB_KEY_ID)?;
    expect("Action", "SendSms")?;
    expect("Version", "2017-05-25")?;
    expect("Format", "JSON")?;
    expect("RegionId", "cn-hangzhou")?;
    expect("SignatureMethod", "HMAC-SHA1")?;
    expect("SignatureVersion", "1.0")?;
    expect("SignName", "供热服务")?;
    expect("TemplateCode", "SMS_SIGNIN")?;
    let phone = params.get("PhoneNumbers").ok_or("no PhoneNumbers")?;
    if phone.len() != 11 || !phone.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("PhoneNumbers {phone:?}"));
    }
    let template: serde_json::Value =
        serde_json::from_str(params.get("TemplateParam").ok_or("no TemplateParam")?)
            .map_err(|e| format!("TemplateParam: {e}"))?;
    if !template
        .get("code")
        .is_some_and(serde_json::Value::is_string)
    {
        return Err(format!("TemplateParam without code: {template}"));
    }
    let timestamp = params.get("Timestamp").ok_or("no Timestamp")?;
    if timestamp.len() != 20 || !timestamp.ends_with('Z') || timestamp.as_bytes()[10] != b'T' {
        return Err(format!("Timestamp {timestamp:?}"));
    }
    if params.get("SignatureNonce").is_none_or(String::is_empty) {
        return Err("no SignatureNonce".to_string());
    }
    Ok(())
}

fn aliyun_answer(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({"Message": message, "RequestId": "stub-request", "Code": code});
    (status, Json(body)).into_response()
}

async fn aliyun_send_sms(
    State(stub): State<AliyunStub>,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    let map: HashMap<String, String> = params.iter().cloned().collect();
    stub.seen.lock().expect("stub lock").push(map.clone());
    match stub.mode {
        AliyunMode::Slow => tokio::time::sleep(SLOW).await,
        AliyunMode::Down => {
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "503 Service Temporarily Unavailable",
            )
                .into_response()
        }
        AliyunMode::Garbage => return (StatusCode::OK, "<html>gateway</html>").into_response(),
        AliyunMode::Accept | AliyunMode::BusinessLimit => {}
    }
    if let Err(problem) = check_send_sms(&map) {
        return aliyun_answer(StatusCode::BAD_REQUEST, "StubCheckFailed", &problem);
    }
    let signature_ok = map
        .get("Signature")
        .is_some_and(|got| *got == stub_signature(&params, STUB_SECRET));
    if !signature_ok {
        return aliyun_answer(
            StatusCode::BAD_REQUEST,
            "SignatureDoesNotMatch",
            "Specified signature is not matched with our calculation.",
        );
    }
    match stub.mode {
        AliyunMode::BusinessLimit => aliyun_answer(
            StatusCode::OK,
            "isv.BUSINESS_LIMIT_CONTROL",
            "触发分钟级流控Permits:1",
        ),
        _ => {
            let body = json!({"Message": "OK", "RequestId": "stub-request", "BizId": "stub-biz", "Code": "OK"});
            (StatusCode::OK, Json(body)).into_response()
        }
    }
}

/// What a real `SendBatchSms` call must carry: one template, and per
/// number a sign name and a parameter object, as JSON arrays of one length.
fn check_send_batch(params: &HashMap<String, String>) -> Result<usize, String> {
    let expect = |key: &str, want: &str| match params.get(key) {
        Some(got) if got == want => Ok(()),
        got => Err(format!("{key}: expected {want:?}, got {got:?}")),
    };
    expect("AccessKeyId", STUB_KEY_ID)?;
    expect("Action", "SendBatchSms")?;
    expect("Version", "2017-05-25")?;
    expect("SignatureMethod", "HMAC-SHA1")?;
    expect("TemplateCode", "SMS_OUTAGE")?;
    let array = |key: &str| -> Result<Vec<serde_json::Value>, String> {
        let text = params.get(key).ok_or(format!("no {key}"))?;
        serde_json::from_str(text).map_err(|e| format!("{key}: {e}"))
    };
    let phones = array("PhoneNumberJson")?;
    let sign_names = array("SignNameJson")?;
    let template_params = array("TemplateParamJson")?;
    if phones.is_empty() || phones.len() > 100 {
        return Err(format!("{} numbers", phones.len()));
    }
    if sign_names.len() != phones.len() || template_params.len() != phones.len() {
        return Err("arrays of different lengths".to_string());
    }
    if !sign_names.iter().all(|name| name == "供热服务") {
        return Err(format!("SignNameJson {sign_names:?}"));
    }
    if !template_params
        .iter()
        .all(|p| p.get("news").is_some_and(serde_json::Value::is_string))
    {
        return Err("TemplateParamJson without news".to_string());
    }
    Ok(phones.len())
}

async fn aliyun_send_batch(
    State(stub): State<AliyunStub>,
    axum::extract::Form(params): axum::extract::Form<Vec<(String, String)>>,
) -> Response {
    let map: HashMap<String, String> = params.iter().cloned().collect();
    stub.seen.lock().expect("stub lock").push(map.clone());
    if let Err(problem) = check_send_batch(&map) {
        return aliyun_answer(StatusCode::BAD_REQUEST, "StubCheckFailed", &problem);
    }
    if map.get("Signature") != Some(&stub_signature_for("POST", &params, STUB_SECRET)) {
        return aliyun_answer(
            StatusCode::BAD_REQUEST,
            "SignatureDoesNotMatch",
            "Specified signature is not matched with our calculation.",
        );
    }
    match stub.mode {
        AliyunMode::Down => (StatusCode::SERVICE_UNAVAILABLE, "busy").into_response(),
        _ => aliyun_answer(StatusCode::OK, "OK", "OK"),
    }
}

/// An Aliyun stub in `mode`, and a channel pointed at it.
async fn aliyun_pair(mode: AliyunMode, secret: &str) -> (AliyunStub, AliyunSms) {
    let stub = AliyunStub {
        mode,
        seen: Arc::default(),
    };
    let router = Router::new()
        .route("/", get(aliyun_send_sms).post(aliyun_send_batch))
        .with_state(stub.clone());
    let addr = serve(router).await;
    let settings = AliyunSmsSettings {
        endpoint: format!("http://{addr}/"),
        access_key_id: STUB_KEY_ID.to_string(),
        access_key_secret: secret.to_string(),
        sign_name: "供热服务".to_string(),
        sign_in_template: "SMS_SIGNIN".to_string(),
        case_update_template: Some("SMS_CASE".to_string()),
        consent_template: Some("SMS_CONSENT".to_string()),
        binding_code_template: Some("SMS_BINDING".to_string()),
        account_news_template: None,
        outage_news_template: Some("SMS_OUTAGE".to_string()),
        region_id: "cn-hangzhou".to_string(),
        timeout: CLIENT_TIMEOUT,
    };
    (stub, AliyunSms::new(settings).expect("valid settings"))
}

#[test]
fn stub_signature_agrees_with_aliyun_documented_example() {
    let params: Vec<(String, String)> = [
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
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert_eq!(
        stub_signature(&params, "testSecret"),
        "zJDF+Lrzhj/ThnlvIToysFRq6t4="
    );
}

#[tokio::test]
async fn aliyun_accepts_a_signed_sign_in_code() {
    let (stub, sms) = aliyun_pair(AliyunMode::Accept, STUB_SECRET).await;
    assert_eq!(sms.name(), "aliyun");
    sms.send(&sign_in_text()).await.expect("sent");

    let seen = stub.seen();
    assert_eq!(seen.len(), 1, "exactly one request");
    assert_eq!(seen[0]["PhoneNumbers"], PHONE);
    let params: serde_json::Value =
        serde_json::from_str(&seen[0]["TemplateParam"]).expect("TemplateParam is JSON");
    assert_eq!(params, json!({"code": CODE}));
}

fn outage_news_to(count: usize) -> Vec<OutgoingText> {
    (0..count)
        .map(|n| OutgoingText {
            phone: format!("139{n:08}"),
            message: TextTemplate::OutageNews {
                news: "幸福里小区停热（抢修停热）：预计今日 18:00 恢复供热。".to_string(),
            },
        })
        .collect()
}

#[tokio::test]
async fn aliyun_sends_outage_news_in_one_signed_batch_call() {
    let (stub, sms) = aliyun_pair(AliyunMode::Accept, STUB_SECRET).await;
    let texts = outage_news_to(100);
    let outcomes = sms.send_batch(&texts).await;
    assert_eq!(outcomes.len(), 100);
    assert!(outcomes.iter().all(Result::is_ok), "{outcomes:?}");
    let seen = stub.seen();
    assert_eq!(seen.len(), 1, "one call for the hundred");
    let phones: Vec<String> = serde_json::from_str(&seen[0]["PhoneNumberJson"]).expect("json");
    assert_eq!(phones.first().map(String::as_str), Some("13900000000"));
    assert_eq!(phones.len(), 100);
}

#[tokio::test]
async fn aliyun_batch_failures_are_shared_and_mixed_batches_refused() {
    let (_stub, sms) = aliyun_pair(AliyunMode::Down, STUB_SECRET).await;
    let outcomes = sms.send_batch(&outage_news_to(3)).await;
    assert!(
        outcomes
            .iter()
            .all(|o| matches!(o, Err(SendFailure::Unavailable(_)))),
        "{outcomes:?}"
    );

    let (stub, sms) = aliyun_pair(AliyunMode::Accept, STUB_SECRET).await;
    let mut mixed = outage_news_to(2);
    mixed.push(sign_in_text());
    let outcomes = sms.send_batch(&mixed).await;
    assert!(
        outcomes
            .iter()
            .all(|o| matches!(o, Err(SendFailure::Refused { code, .. }) if code == "MixedBatch")),
        "{outcomes:?}"
    );
    let outcomes = sms.send_batch(&outage_news_to(101)).await;
    assert!(outcomes.iter().all(Result::is_err));
    assert!(
        stub.seen().is_empty(),
        "nothing the provider would refuse is sent"
    );
}

#[tokio::test]
async fn aliyun_nonces_differ_between_sends() {
    let (stub, sms) = aliyun_pair(AliyunMode::Accept, STUB_SECRET).await;
    sms.send(&sign_in_text()).await.expect("first sent");
    sms.send(&sign_in_text()).await.expect("second sent");
    let seen = stub.seen();
    assert_eq!(seen.len(), 2);
    assert_ne!(seen[0]["SignatureNonce"], seen[1]["SignatureNonce"]);
}

#[tokio::test]
async fn aliyun_wrong_secret_is_refused() {
    let (stub, sms) = aliyun_pair(AliyunMode::Accept, "wrong-secret").await;
    match sms.send(&sign_in_text()).await {
        Err(SendFailure::Refused { code, message }) => {
            assert_eq!(code, "SignatureDoesNotMatch");
            assert!(message.contains("signature"), "{message}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(stub.seen().len(), 1);
}

#[tokio::test]
async fn aliyun_business_limit_is_refused_with_its_code() {
    let (_stub, sms) = aliyun_pair(AliyunMode::BusinessLimit, STUB_SECRET).await;
    match sms.send(&sign_in_text()).await {
        Err(SendFailure::Refused { code, message }) => {
            assert_eq!(code, "isv.BUSINESS_LIMIT_CONTROL");
            assert_eq!(message, "触发分钟级流控Permits:1");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn aliyun_slow_answer_is_unavailable_after_the_timeout() {
    let (_stub, sms) = aliyun_pair(AliyunMode::Slow, STUB_SECRET).await;
    let started = Instant::now();
    let outcome = sms.send(&sign_in_text()).await;
    let waited = started.elapsed();
    assert!(
        matches!(outcome, Err(SendFailure::Unavailable(_))),
        "{outcome:?}"
    );
    assert!(waited < SLOW / 2, "gave up only after {waited:?}");
}

#[tokio::test]
async fn aliyun_server_error_is_unavailable() {
    let (stub, sms) = aliyun_pair(AliyunMode::Down, STUB_SECRET).await;
    let outcome = sms.send(&sign_in_text()).await;
    assert!(
        matches!(outcome, Err(SendFailure::Unavailable(_))),
        "{outcome:?}"
    );
    assert_eq!(stub.seen().len(), 1);
}

#[tokio::test]
async fn aliyun_unreadable_answer_is_unavailable() {
    let (_stub, sms) = aliyun_pair(AliyunMode::Garbage, STUB_SECRET).await;
    let outcome = sms.send(&sign_in_text()).await;
    assert!(
        matches!(outcome, Err(SendFailure::Unavailable(_))),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn aliyun_closed_port_is_unavailable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("local address");
    drop(listener);
    let mut settings = AliyunSmsSettings::new(STUB_KEY_ID, STUB_SECRET, "供热服务", "SMS_SIGNIN");
    settings.endpoint = format!("http://{addr}/");
    settings.timeout = CLIENT_TIMEOUT;
    let sms = AliyunSms::new(settings).expect("valid settings");
    let outcome = sms.send(&sign_in_text()).await;
    assert!(
        matches!(outcome, Err(SendFailure::Unavailable(_))),
        "{outcome:?}"
    );
}

// ---------------------------------------------------------------- WeChat ---

const WX_APP_ID: &str = "wx-test-app";
const WX_SECRET: &str = "wx-test-secret";

/// WeChat answers JSON as text/plain; the stub does the same.
fn wechat_answer(body: serde_json::Value) -> Response {
    ([(header::CONTENT_TYPE, "text/plain")], body.to_string()).into_response()
}

async fn wechat_access_token(Query(q): Query<HashMap<String, String>>) -> Response {
    let has = |key: &str, want: &str| q.get(key).is_some_and(|got| got == want);
    if !has("appid", WX_APP_ID)
        || !has("secret", WX_SECRET)
        || !has("grant_type", "authorization_code")
    {
        return wechat_answer(json!({"errcode": 40125, "errmsg": "invalid appsecret"}));
    }
    match q.get("code").map(String::as_str) {
        Some("good") | Some("slow") => {
            if has("code", "slow") {
                tokio::time::sleep(SLOW).await;
            }
            wechat_answer(json!({
                "access_token": "AT",
                "expires_in": 7200,
                "refresh_token": "RT",
                "openid": "OPENID-1",
                "scope": "snsapi_base"
            }))
        }
        Some("used") => wechat_answer(json!({"errcode": 40163, "errmsg": "code been used"})),
        _ => wechat_answer(json!({"errcode": 40029, "errmsg": "invalid code"})),
    }
}

async fn wechat_userinfo(Query(q): Query<HashMap<String, String>>) -> Response {
    let has = |key: &str, want: &str| q.get(key).is_some_and(|got| got == want);
    if has("access_token", "AT") && has("openid", "OPENID-1") && has("lang", "zh_CN") {
        wechat_answer(json!({
            "openid": "OPENID-1",
            "nickname": "暖气用户",
            "sex": 0,
            "province": "",
            "city": "",
            "country": "",
            "headimgurl": "",
            "privilege": []
        }))
    } else {
        wechat_answer(json!({"errcode": 40001, "errmsg": "invalid credential"}))
    }
}

async fn wechat_oauth(secret: &str, scope: WeChatScope) -> WeChatOAuth {
    let router = Router::new()
        .route("/sns/oauth2/access_token", get(wechat_access_token))
        .route("/sns/userinfo", get(wechat_userinfo));
    let addr = serve(router).await;
    let mut settings = WeChatSettings::new(WX_APP_ID, secret, scope);
    settings.api_base = format!("http://{addr}");
    settings.timeout = CLIENT_TIMEOUT;
    WeChatOAuth::new(settings).expect("valid settings")
}

#[tokio::test]
async fn wechat_exchanges_a_good_code_and_reads_the_profile() {
    let oauth = wechat_oauth(WX_SECRET, WeChatScope::UserInfo).await;
    let identity = oauth.exchange_code("good").await.expect("identity");
    assert_eq!(identity.openid, "OPENID-1");
    assert_eq!(identity.access_token, "AT");
    assert_eq!(identity.scope, "snsapi_base");
    assert_eq!(identity.unionid, None);

    let profile = oauth.profile(&identity).await.expect("profile");
    assert_eq!(profile.nickname, "暖气用户");

    let mut stale = identity;
    stale.access_token = "EXPIRED".to_string();
    assert!(matches!(
        oauth.profile(&stale).await,
        Err(WeChatError::Refused { errcode: 40001, .. })
    ));
}

#[tokio::test]
async fn wechat_refusals_keep_their_codes() {
    let oauth = wechat_oauth(WX_SECRET, WeChatScope::Base).await;
    match oauth.exchange_code("bad").await {
        Err(WeChatError::Refused { errcode, errmsg }) => {
            assert_eq!((errcode, errmsg.as_str()), (40029, "invalid code"));
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(matches!(
        oauth.exchange_code("used").await,
        Err(WeChatError::Refused { errcode: 40163, .. })
    ));

    let wrong_secret = wechat_oauth("not-the-secret", WeChatScope::Base).await;
    assert!(matches!(
        wrong_secret.exchange_code("good").await,
        Err(WeChatError::Refused { errcode: 40125, .. })
    ));
}

#[tokio::test]
async fn wechat_slow_answer_is_unavailable_after_the_timeout() {
    let oauth = wechat_oauth(WX_SECRET, WeChatScope::Base).await;
    let started = Instant::now();
    let outcome = oauth.exchange_code("slow").await;
    let waited = started.elapsed();
    assert!(
        matches!(outcome, Err(WeChatError::Unavailable(_))),
        "{outcome:?}"
    );
    assert!(waited < SLOW / 2, "gave up only after {waited:?}");
}

#[test]
fn wechat_authorize_url_encodes_the_redirect() {
    let settings = WeChatSettings::new("wx1234567890abcdef", WX_SECRET, WeChatScope::Base);
    let oauth = WeChatOAuth::new(settings).expect("valid settings");
    assert_eq!(
        oauth.authorize_url("https://heat.example.cn/signin/wechat?next=/account&lang=zh", "s7Xk2"),
        "https://open.weixin.qq.com/connect/oauth2/authorize?appid=wx1234567890abcdef\
         &redirect_uri=https%3A%2F%2Fheat.example.cn%2Fsignin%2Fwechat%3Fnext%3D%2Faccount%26lang%3Dzh\
         &response_type=code&scope=snsapi_base&state=s7Xk2#wechat_redirect"
    );
}

// ------------------------------------------- WeChat template messages ---

const WX_TEMPLATE_ID: &str = "TPL-case-news";
const WX_OPENID: &str = "oWx1234567890openid";
/// 2026-11-28 10:05 in Shanghai.
const UPDATE_AT: i64 = 1_795_831_500;

/// What the template stub answers a send with, instead of accepting it.
#[derive(Clone, Copy, Debug)]
enum SendScript {
    /// Answer this errcode (42001 also makes the stub forget its token).
    Errcode(i64),
    /// Wait far beyond the client's timeout, then accept.
    Slow,
    /// Answer 502 with an HTML page.
    Down,
}

#[derive(Default)]
struct TemplateStubState {
    token_calls: usize,
    /// The token the stub accepts now ("TOKEN-1", "TOKEN-2", …).
    valid_token: Option<String>,
    /// Each send's access token and JSON body, in order.
    sends: Vec<(String, serde_json::Value)>,
    /// Answers for the next sends; accepted once empty.
    script: VecDeque<SendScript>,
}

#[derive(Clone, Default)]
struct TemplateStub(Arc<Mutex<TemplateStubState>>);

impl TemplateStub {
    fn state(&self) -> std::sync::MutexGuard<'_, TemplateStubState> {
        self.0.lock().expect("stub lock")
    }
}

async fn template_token(
    State(stub): State<TemplateStub>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let has = |key: &str, want: &str| q.get(key).is_some_and(|got| got == want);
    let mut state = stub.state();
    state.token_calls += 1;
    if !has("grant_type", "client_credential") || !has("appid", WX_APP_ID) {
        return wechat_answer(json!({"errcode": 40013, "errmsg": "invalid appid"}));
    }
    if !has("secret", WX_SECRET) {
        return wechat_answer(json!({"errcode": 40125, "errmsg": "invalid appsecret"}));
    }
    let token = format!("TOKEN-{}", state.token_calls);
    state.valid_token = Some(token.clone());
    wechat_answer(json!({"access_token": token, "expires_in": 7200}))
}

async fn template_send(
    State(stub): State<TemplateStub>,
    Query(q): Query<HashMap<String, String>>,
    Json(body): Json<serde_json::Value>,
) -> Response {
    let token = q.get("access_token").cloned().unwrap_or_default();
    let script = {
        let mut state = stub.state();
        state.sends.push((token.clone(), body));
        if state.valid_token.as_deref() != Some(token.as_str()) {
            return wechat_answer(json!({"errcode": 40001, "errmsg": "invalid credential"}));
        }
        let script = state.script.pop_front();
        if let Some(SendScript::Errcode(42001)) = script {
            state.valid_token = None;
        }
        script
    };
    match script {
        None => {}
        Some(SendScript::Errcode(errcode)) => {
            return wechat_answer(json!({"errcode": errcode, "errmsg": format!("stub {errcode}")}))
        }
        Some(SendScript::Slow) => tokio::time::sleep(SLOW).await,
        Some(SendScript::Down) => {
            return (StatusCode::BAD_GATEWAY, "<html>502 Bad Gateway</html>").into_response()
        }
    }
    wechat_answer(json!({"errcode": 0, "errmsg": "ok", "msgid": 200228332}))
}

/// A template stub answering sends per `script`, and a client pointed at it
/// with `secret`.
async fn template_pair(script: &[SendScript], secret: &str) -> (TemplateStub, WeChatTemplates) {
    let stub = TemplateStub::default();
    stub.state().script = script.iter().copied().collect();
    let router = Router::new()
        .route("/cgi-bin/token", get(template_token))
        .route("/cgi-bin/message/template/send", post(template_send))
        .with_state(stub.clone());
    let addr = serve(router).await;
    let mut settings = WeChatTemplateSettings::new(WX_APP_ID, secret, WX_TEMPLATE_ID);
    settings.api_base = format!("http://{addr}/");
    settings.link_base = Some("https://heat.example.cn".to_string());
    settings.timeout = CLIENT_TIMEOUT;
    (
        stub,
        WeChatTemplates::new(settings).expect("valid settings"),
    )
}

async fn send_news(templates: &WeChatTemplates, update: &str) -> Result<(), SendFailure> {
    templates
        .send_case_update(WX_OPENID, "R20261128000042", update, UPDATE_AT)
        .await
}

#[tokio::test]
async fn wechat_template_message_carries_the_case_update() {
    let (stub, templates) = template_pair(&[], WX_SECRET).await;
    send_news(
        &templates,
        "报修已受理，抢修人员将于 11月28日 12:00 前到达，请保持电话畅通。",
    )
    .await
    .expect("sent");

    let state = stub.state();
    assert_eq!(state.token_calls, 1);
    assert_eq!(state.sends.len(), 1);
    let (token, body) = &state.sends[0];
    assert_eq!(token, "TOKEN-1");
    assert_eq!(body["touser"], WX_OPENID);
    assert_eq!(body["template_id"], WX_TEMPLATE_ID);
    assert_eq!(body["url"], "https://heat.example.cn/cases");
    assert_eq!(
        body["data"],
        json!({
            "character_string1": {"value": "R20261128000042"},
            "thing2": {"value": "报修已受理，抢修人员将于 11月28日…"},
            "time3": {"value": "2026-11-28 10:05"},
        })
    );
    let thing = body["data"]["thing2"]["value"].as_str().expect("thing2");
    assert_eq!(
        thing.chars().count(),
        20,
        "WeChat's limit counts characters"
    );
}

#[tokio::test]
async fn wechat_template_short_update_is_sent_whole_under_custom_keys() {
    let stub = TemplateStub::default();
    let router = Router::new()
        .route("/cgi-bin/token", get(template_token))
        .route("/cgi-bin/message/template/send", post(template_send))
        .with_state(stub.clone());
    let addr = serve(router).await;
    let mut settings = WeChatTemplateSettings::new(WX_APP_ID, WX_SECRET, WX_TEMPLATE_ID);
    settings.api_base = format!("http://{addr}");
    settings.timeout = CLIENT_TIMEOUT;
    settings.fields =
        backend::integrations::wechat_template::TemplateFields::parse("keyword1,keyword2,keyword3")
            .expect("fields");
    let templates = WeChatTemplates::new(settings).expect("valid settings");
    let exactly_twenty = "一二三四五六七八九十一二三四五六七八九十";
    send_news(&templates, exactly_twenty).await.expect("sent");

    let state = stub.state();
    let body = &state.sends[0].1;
    assert!(body.get("url").is_none(), "no link without a link base");
    assert_eq!(body["data"]["keyword1"]["value"], "R20261128000042");
    assert_eq!(body["data"]["keyword2"]["value"], exactly_twenty);
    assert_eq!(body["data"]["keyword3"]["value"], "2026-11-28 10:05");
}

#[tokio::test]
async fn wechat_template_token_is_fetched_once_for_two_messages() {
    let (stub, templates) = template_pair(&[], WX_SECRET).await;
    send_news(&templates, "抢修人员已出发。")
        .await
        .expect("first sent");
    send_news(&templates, "抢修人员已到达现场。")
        .await
        .expect("second sent");
    let state = stub.state();
    assert_eq!(state.token_calls, 1);
    let tokens: Vec<&str> = state.sends.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(tokens, ["TOKEN-1", "TOKEN-1"]);
}

#[tokio::test]
async fn wechat_template_expired_token_is_refreshed_and_the_message_still_goes() {
    let (stub, templates) = template_pair(&[SendScript::Errcode(42001)], WX_SECRET).await;
    send_news(&templates, "抢修人员已出发。")
        .await
        .expect("sent after a refresh");
    {
        let state = stub.state();
        assert_eq!(state.token_calls, 2);
        let tokens: Vec<&str> = state.sends.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(tokens, ["TOKEN-1", "TOKEN-2"]);
        assert_eq!(state.sends[0].1, state.sends[1].1, "the same message again");
    }
    // The new token is cached in turn.
    send_news(&templates, "已修好。").await.expect("sent");
    assert_eq!(stub.state().token_calls, 2);
}

#[tokio::test]
async fn wechat_template_token_refused_twice_is_unavailable_not_a_loop() {
    let script = [SendScript::Errcode(40001), SendScript::Errcode(40014)];
    let (stub, templates) = template_pair(&script, WX_SECRET).await;
    let outcome = send_news(&templates, "抢修人员已出发。").await;
    assert!(
        matches!(outcome, Err(SendFailure::Unavailable(_))),
        "{outcome:?}"
    );
    let state = stub.state();
    assert_eq!((state.token_calls, state.sends.len()), (2, 2));
}

#[tokio::test]
async fn wechat_template_refusals_for_the_resident_or_message_are_final() {
    for errcode in [43004, 43101, 40003, 40037, 47003] {
        let (stub, templates) = template_pair(&[SendScript::Errcode(errcode)], WX_SECRET).await;
        match send_news(&templates, "抢修人员已出发。").await {
            Err(SendFailure::Refused { code, message }) => {
                assert_eq!(code, errcode.to_string());
                assert_eq!(message, format!("stub {errcode}"));
            }
            other => panic!("{errcode}: expected a refusal, got {other:?}"),
        }
        let state = stub.state();
        assert_eq!(state.sends.len(), 1, "{errcode}: not sent again");
        assert_eq!(state.token_calls, 1, "{errcode}: the token is kept");
    }
}

#[tokio::test]
async fn wechat_template_busy_or_quota_or_bad_gateway_is_unavailable() {
    for script in [
        SendScript::Errcode(-1),
        SendScript::Errcode(45009),
        SendScript::Down,
    ] {
        let (stub, templates) = template_pair(&[script], WX_SECRET).await;
        let outcome = send_news(&templates, "抢修人员已出发。").await;
        assert!(
            matches!(outcome, Err(SendFailure::Unavailable(_))),
            "{script:?}: {outcome:?}"
        );
        assert_eq!(stub.state().sends.len(), 1, "{script:?}: tried once");
    }
}

#[tokio::test]
async fn wechat_template_slow_answer_is_unavailable_after_the_timeout() {
    let (_stub, templates) = template_pair(&[SendScript::Slow], WX_SECRET).await;
    let started = Instant::now();
    let outcome = send_news(&templates, "抢修人员已出发。").await;
    let waited = started.elapsed();
    assert!(
        matches!(outcome, Err(SendFailure::Unavailable(_))),
        "{outcome:?}"
    );
    assert!(waited < SLOW / 2, "gave up only after {waited:?}");
}

#[tokio::test]
async fn wechat_template_wrong_secret_is_unavailable_and_nothing_is_sent() {
    let (stub, templates) = template_pair(&[], "not-the-secret").await;
    let outcome = send_news(&templates, "抢修人员已出发。").await;
    match outcome {
        Err(SendFailure::Unavailable(reason)) => {
            assert!(reason.contains("40125"), "{reason}");
            assert!(!reason.contains("not-the-secret"), "{reason}");
        }
        other => panic!("expected unavailable, got {other:?}"),
    }
    assert!(stub.state().sends.is_empty());
}

#[tokio::test]
async fn wechat_template_closed_port_is_unavailable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("local address");
    drop(listener);
    let mut settings = WeChatTemplateSettings::new(WX_APP_ID, WX_SECRET, WX_TEMPLATE_ID);
    settings.api_base = format!("http://{addr}");
    settings.timeout = CLIENT_TIMEOUT;
    let templates = WeChatTemplates::new(settings).expect("valid settings");
    let outcome = send_news(&templates, "抢修人员已出发。").await;
    match outcome {
        Err(SendFailure::Unavailable(reason)) => {
            assert!(!reason.contains(WX_SECRET), "{reason}");
        }
        other => panic!("expected unavailable, got {other:?}"),
    }
}

#[tokio::test]
async fn wechat_template_secret_and_token_never_in_debug_or_logs() {
    // tracing decides whether a log line is wanted on the thread that reaches
    // it first, and while one dispatcher exists it asks only that thread's.
    // A second live dispatcher makes it ask every one, so tests on other
    // threads reaching these lines first cannot hide them from this one.
    let _second = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let (stub, templates) = template_pair(&[SendScript::Errcode(42001)], WX_SECRET).await;
    send_news(&templates, "抢修人员已出发。")
        .await
        .expect("sent");
    stub.state().script.push_back(SendScript::Errcode(43004));
    let refused = send_news(&templates, "已修好。").await;
    assert!(matches!(refused, Err(SendFailure::Refused { .. })));

    let debug = format!("{templates:?}");
    assert!(debug.contains(WX_APP_ID), "{debug}");
    let log = String::from_utf8(captured.0.lock().expect("log lock").clone()).expect("UTF-8 log");
    assert!(log.contains("43004"), "the refusal is logged: {log}");
    for secret in [WX_SECRET, "TOKEN-1", "TOKEN-2"] {
        assert!(!debug.contains(secret), "{secret} in {debug}");
        assert!(!log.contains(secret), "{secret} in {log}");
    }
    let settings = WeChatTemplateSettings::new(WX_APP_ID, WX_SECRET, WX_TEMPLATE_ID);
    assert!(!format!("{settings:?}").contains(WX_SECRET));
}

// ------------------------------------------------------------------- Log ---

/// A log writer that keeps what it is given.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log lock").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn log_channel_logs_the_full_text_and_succeeds() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let channel: Box<dyn NotificationChannel> = Box::new(LogChannel);
    assert_eq!(channel.name(), "log");
    channel.send(&sign_in_text()).await.expect("logged");

    let log = String::from_utf8(captured.0.lock().expect("log lock").clone()).expect("UTF-8 log");
    assert!(log.contains(PHONE), "{log}");
    assert!(
        log.contains("您的登录验证码是 123456，5 分钟内有效"),
        "{log}"
    );
}
