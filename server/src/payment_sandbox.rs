//! A sandbox payment provider: WeChat Pay's API v3 and Alipay's gateway as
//! heatdesk uses them. It checks the signature of everything heatdesk
//! sends (refusing what does not verify), signs every answer and
//! notification with its own keys, encrypts WeChat Pay's notification
//! resources, and has a cashier page where the "payer" confirms. Nothing
//! is charged. The demo city pays through it (mounted at `/demo-pay`); the
//! tests run it on a port of its own.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use backend::integrations::payments::alipay::{form_encode, signing_content, AlipaySettings};
use backend::integrations::payments::keys::{self, RsaPrivateKey, RsaPublicKey};
use backend::integrations::payments::wechat_pay::{self, WeChatPaySettings};
use domain::fees::money::{parse_yuan, Fen};
use domain::fees::payment::Provider;
use http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use serde_json::json;

const MERCHANT_KEY: &str =
    include_str!("../../backend/tests/fixtures/payments/wechatpay-go-merchant-key.pem");
const MERCHANT_PUBLIC_KEY: &str =
    include_str!("../../backend/tests/fixtures/payments/wechatpay-go-platform-public-key.pem");
const PLATFORM_KEY: &str =
    include_str!("../../backend/tests/fixtures/payments/stub-wechat-platform-key.pem");
const PLATFORM_PUBLIC_KEY: &str =
    include_str!("../../backend/tests/fixtures/payments/stub-wechat-platform-public-key.pem");
const ALIPAY_APP_KEY: &str =
    include_str!("../../backend/tests/fixtures/payments/alipay-sdk-app-private-key.pem");
const ALIPAY_APP_PUBLIC_KEY: &str =
    include_str!("../../backend/tests/fixtures/payments/alipay-sdk-app-public-key.pem");
const ALIPAY_KEY: &str = include_str!("../../backend/tests/fixtures/payments/stub-alipay-key.pem");
const ALIPAY_PUBLIC_KEY: &str =
    include_str!("../../backend/tests/fixtures/payments/stub-alipay-public-key.pem");

pub const SANDBOX_MCH_ID: &str = "1900000109";
pub const SANDBOX_WECHAT_APP_ID: &str = "wxd678efh567hg6787";
pub const SANDBOX_MERCHANT_SERIAL: &str = "F5765756002FDD77";
pub const SANDBOX_PLATFORM_SERIAL: &str = "PUB_KEY_ID_0119000001092026120800000000";
pub const SANDBOX_API_V3_KEY: &[u8; 32] = b"heatdeskSandboxApiV3Key012345678";
pub const SANDBOX_ALIPAY_APP_ID: &str = "2021000122671080";

/// The keys both sides hold.
pub struct SandboxKeys {
    merchant_public: RsaPublicKey,
    platform_private: RsaPrivateKey,
    alipay_app_public: RsaPublicKey,
    alipay_private: RsaPrivateKey,
}

impl SandboxKeys {
    fn bundled() -> Self {
        Self {
            merchant_public: keys::public_key(MERCHANT_PUBLIC_KEY).expect("bundled key"),
            platform_private: keys::private_key(PLATFORM_KEY).expect("bundled key"),
            alipay_app_public: keys::public_key(ALIPAY_APP_PUBLIC_KEY).expect("bundled key"),
            alipay_private: keys::private_key(ALIPAY_KEY).expect("bundled key"),
        }
    }
}

/// The portal's settings for paying through a sandbox at `base`, with
/// notifications to `public_url`.
pub fn portal_settings(base: &str, public_url: &str) -> (WeChatPaySettings, AlipaySettings) {
    let public_url = public_url.trim_end_matches('/');
    (
        WeChatPaySettings {
            mch_id: SANDBOX_MCH_ID.to_string(),
            app_id: SANDBOX_WECHAT_APP_ID.to_string(),
            merchant_serial: SANDBOX_MERCHANT_SERIAL.to_string(),
            merchant_key: keys::private_key(MERCHANT_KEY).expect("bundled key"),
            platform_keys: vec![(
                SANDBOX_PLATFORM_SERIAL.to_string(),
                keys::public_key(PLATFORM_PUBLIC_KEY).expect("bundled key"),
            )],
            api_v3_key: *SANDBOX_API_V3_KEY,
            notify_url: format!("{public_url}/payments/wechat/notify"),
            api_base: format!("{base}/wechat"),
        },
        AlipaySettings {
            app_id: SANDBOX_ALIPAY_APP_ID.to_string(),
            app_private_key: keys::private_key(ALIPAY_APP_KEY).expect("bundled key"),
            alipay_public_key: keys::public_key(ALIPAY_PUBLIC_KEY).expect("bundled key"),
            gateway: format!("{base}/alipay/gateway.do"),
            notify_url: format!("{public_url}/payments/alipay/notify"),
        },
    )
}

/// A notification to post: headers, body, and the portal's address for it.
pub type SignedNotification = (Vec<(String, String)>, String, String);

/// An order as the sandbox knows it.
#[derive(Clone, Debug)]
pub struct SandboxOrder {
    pub provider: Provider,
    pub amount: Fen,
    pub description: String,
    pub notify_url: String,
    pub return_url: Option<String>,
    pub transaction_id: Option<String>,
    pub closed: bool,
    pub refunded: Fen,
}

#[derive(Default)]
struct Ledger {
    orders: HashMap<String, SandboxOrder>,
    refunds: HashMap<String, (String, Fen)>,
    refused: usize,
    next_transaction: u64,
}

/// The sandbox provider.
pub struct Sandbox {
    keys: SandboxKeys,
    /// Where the sandbox is reached (its cashier's links).
    base: String,
    ledger: Mutex<Ledger>,
    http: reqwest::Client,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox").field("base", &self.base).finish()
    }
}

fn refuse(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        axum::Json(json!({ "code": code, "message": message })),
    )
        .into_response()
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl Sandbox {
    pub fn new(base: &str) -> Arc<Self> {
        Arc::new(Self {
            keys: SandboxKeys::bundled(),
            base: base.trim_end_matches('/').to_string(),
            ledger: Mutex::new(Ledger::default()),
            http: reqwest::Client::builder()
                .no_proxy()
                .timeout(std::time::Duration::from_secs(10))
                .build()
                .expect("an HTTP client"),
        })
    }

    fn ledger(&self) -> std::sync::MutexGuard<'_, Ledger> {
        self.ledger
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// An order by its number.
    pub fn order(&self, out_trade_no: &str) -> Option<SandboxOrder> {
        self.ledger().orders.get(out_trade_no).cloned()
    }

    /// Requests refused for a bad signature or a wrong merchant.
    pub fn refused_requests(&self) -> usize {
        self.ledger().refused
    }

    /// Refunds made: out_refund_no → (out_trade_no, amount).
    pub fn refunds(&self) -> HashMap<String, (String, Fen)> {
        self.ledger().refunds.clone()
    }

    /// The payer pays, and the sandbox tells nobody (a notification lost
    /// on the way): only a query finds out. The transaction id.
    pub fn pay_quietly(&self, out_trade_no: &str) -> Option<String> {
        let mut ledger = self.ledger();
        ledger.next_transaction += 1;
        let number = ledger.next_transaction;
        let order = ledger.orders.get_mut(out_trade_no)?;
        if order.transaction_id.is_none() {
            let prefix = match order.provider {
                Provider::WeChatPay => "4200000000",
                Provider::Alipay => "2026120822001",
            };
            order.transaction_id = Some(format!("{prefix}{number:010}"));
        }
        order.closed = false;
        order.transaction_id.clone()
    }

    /// A signed (and, for WeChat Pay, encrypted) payment notification for
    /// a paid order: the headers and the body to post to its notify URL.
    pub fn notification(&self, out_trade_no: &str) -> Option<SignedNotification> {
        let order = self.order(out_trade_no)?;
        let transaction_id = order.transaction_id.clone()?;
        Some(match order.provider {
            Provider::WeChatPay => {
                let resource = json!({
                    "mchid": SANDBOX_MCH_ID, "appid": SANDBOX_WECHAT_APP_ID,
                    "out_trade_no": out_trade_no, "transaction_id": transaction_id,
                    "trade_type": "JSAPI", "trade_state": "SUCCESS", "trade_state_desc": "支付成功",
                    "success_time": "2026-12-08T10:00:00+08:00",
                    "amount": { "total": order.amount.0, "payer_total": order.amount.0, "currency": "CNY" },
                })
                .to_string();
                let nonce = "sandboxnonce";
                let body = json!({
                    "id": format!("EV-{transaction_id}"),
                    "create_time": "2026-12-08T10:00:00+08:00",
                    "resource_type": "encrypt-resource",
                    "event_type": "TRANSACTION.SUCCESS",
                    "summary": "支付成功",
                    "resource": {
                        "original_type": "transaction", "algorithm": "AEAD_AES_256_GCM",
                        "ciphertext": wechat_pay::encrypt(SANDBOX_API_V3_KEY, nonce, "transaction", resource.as_bytes()),
                        "associated_data": "transaction", "nonce": nonce,
                    },
                })
                .to_string();
                (
                    self.wechat_signature_headers(body.as_bytes()),
                    body,
                    order.notify_url,
                )
            }
            Provider::Alipay => {
                let mut params: BTreeMap<String, String> = [
                    ("notify_type", "trade_status_sync".to_string()),
                    ("notify_id", format!("N{transaction_id}")),
                    ("notify_time", "2026-12-08 10:00:00".to_string()),
                    ("app_id", SANDBOX_ALIPAY_APP_ID.to_string()),
                    ("charset", "utf-8".to_string()),
                    ("version", "1.0".to_string()),
                    ("sign_type", "RSA2".to_string()),
                    ("trade_no", transaction_id),
                    ("out_trade_no", out_trade_no.to_string()),
                    ("trade_status", "TRADE_SUCCESS".to_string()),
                    ("total_amount", order.amount.yuan()),
                    ("subject", order.description.clone()),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect();
                let content = signing_content(&params, &["sign", "sign_type"]);
                params.insert(
                    "sign".to_string(),
                    keys::sign(&self.keys.alipay_private, content.as_bytes()),
                );
                (
                    vec![(
                        "content-type".to_string(),
                        "application/x-www-form-urlencoded; charset=utf-8".to_string(),
                    )],
                    form_encode(&params),
                    order.notify_url,
                )
            }
        })
    }

    /// Posts a paid order's notification to the portal; the portal's answer status.
    pub async fn notify(&self, out_trade_no: &str) -> Option<u16> {
        let (headers, body, url) = self.notification(out_trade_no)?;
        let mut request = self.http.post(url).body(body);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        match request.send().await {
            Ok(response) => Some(response.status().as_u16()),
            Err(error) => {
                tracing::warn!(%error, "the sandbox could not notify the portal");
                None
            }
        }
    }

    fn wechat_signature_headers(&self, body: &[u8]) -> Vec<(String, String)> {
        let timestamp = backend::integrations::payments::wall_clock().to_string();
        let nonce = backend_nonce();
        let signature = keys::sign(
            &self.keys.platform_private,
            &wechat_pay::answer_message(&timestamp, &nonce, body),
        );
        vec![
            ("content-type".to_string(), "application/json".to_string()),
            (wechat_pay::TIMESTAMP_HEADER.to_string(), timestamp),
            (wechat_pay::NONCE_HEADER.to_string(), nonce),
            (wechat_pay::SIGNATURE_HEADER.to_string(), signature),
            (
                wechat_pay::SERIAL_HEADER.to_string(),
                SANDBOX_PLATFORM_SERIAL.to_string(),
            ),
        ]
    }

    fn wechat_answer(&self, status: StatusCode, body: serde_json::Value) -> Response {
        let body = body.to_string();
        let mut response = (status, body.clone()).into_response();
        for (name, value) in self.wechat_signature_headers(body.as_bytes()) {
            if let (Ok(name), Ok(value)) = (
                http::HeaderName::try_from(name),
                HeaderValue::try_from(value),
            ) {
                response.headers_mut().insert(name, value);
            }
        }
        response
    }

    /// Whether a request carries the merchant's signature.
    fn wechat_signed(&self, method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> bool {
        let Some(authorization) = headers.get("authorization").and_then(|v| v.to_str().ok()) else {
            return false;
        };
        let Some(fields) = authorization.strip_prefix("WECHATPAY2-SHA256-RSA2048 ") else {
            return false;
        };
        let field = |name: &str| {
            fields.split(',').find_map(|pair| {
                let (key, value) = pair.trim().split_once('=')?;
                (key == name).then(|| value.trim_matches('"').to_string())
            })
        };
        let (Some(mchid), Some(nonce), Some(timestamp), Some(serial), Some(signature)) = (
            field("mchid"),
            field("nonce_str"),
            field("timestamp"),
            field("serial_no"),
            field("signature"),
        ) else {
            return false;
        };
        let fresh = timestamp.parse::<i64>().is_ok_and(|t| {
            backend::integrations::payments::wall_clock().abs_diff(t)
                < wechat_pay::MAX_CLOCK_SKEW_SECONDS.unsigned_abs()
        });
        // Wherever the sandbox is mounted, the portal signed the API's own path.
        let full = uri.path_and_query().map_or("/", |p| p.as_str());
        let path = full.find("/v3/").map_or(full, |at| &full[at..]);
        let body = std::str::from_utf8(body).unwrap_or_default();
        let message = wechat_pay::request_message(
            method.as_str(),
            path,
            timestamp.parse().unwrap_or_default(),
            &nonce,
            body,
        );
        mchid == SANDBOX_MCH_ID
            && serial == SANDBOX_MERCHANT_SERIAL
            && fresh
            && keys::verify(&self.keys.merchant_public, message.as_bytes(), &signature)
    }

    fn alipay_answer(&self, method: &str, answer: serde_json::Value) -> Response {
        let raw = answer.to_string();
        let sign = keys::sign(&self.keys.alipay_private, raw.as_bytes());
        let key = format!("{}_response", method.replace('.', "_"));
        (
            [("content-type", "application/json;charset=utf-8")],
            format!("{{\"{key}\":{raw},\"sign\":\"{sign}\"}}"),
        )
            .into_response()
    }

    /// Checks an Alipay request's parameters; the decoded `biz_content`.
    fn alipay_signed(&self, params: &BTreeMap<String, String>) -> Option<serde_json::Value> {
        let sign = params.get("sign")?;
        let content = signing_content(params, &["sign"]);
        let ok = params.get("app_id").map(String::as_str) == Some(SANDBOX_ALIPAY_APP_ID)
            && keys::verify(&self.keys.alipay_app_public, content.as_bytes(), sign);
        ok.then(|| serde_json::from_str(params.get("biz_content")?).ok())
            .flatten()
    }

    fn cashier_page(&self, out_trade_no: &str) -> Response {
        let Some(order) = self.order(out_trade_no) else {
            return (
                StatusCode::NOT_FOUND,
                Html("<p>没有这笔订单</p>".to_string()),
            )
                .into_response();
        };
        let provider = order.provider.label(translations::Lang::Zh);
        let back = order
            .return_url
            .as_deref()
            .map(|url| format!("<p><a href=\"{}\">取消，返回</a></p>", html_escape(url)))
            .unwrap_or_default();
        let state = if order.transaction_id.is_some() {
            "<p class=\"paid\">这笔订单已支付。</p>".to_string()
        } else if order.closed {
            "<p>这笔订单已关闭。</p>".to_string()
        } else {
            format!(
                "<form method=\"post\" action=\"{}/cashier/{}/pay\"><button type=\"submit\">确认支付 {}</button></form>",
                self.base,
                html_escape(out_trade_no),
                order.amount
            )
        };
        Html(format!(
            "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>演示收银台</title><link rel=\"icon\" href=\"data:,\"></head><body>\
             <h1>演示收银台（模拟{provider}）</h1>\
             <p>这是 heatdesk 演示用的模拟支付，不会真的扣款。</p>\
             <p>{}</p><p>订单号 {}</p><p class=\"amount\">{}</p>{state}{back}</body></html>",
            html_escape(&order.description),
            html_escape(out_trade_no),
            order.amount
        ))
        .into_response()
    }
}

fn backend_nonce() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    format!(
        "sandbox{}{}",
        backend::integrations::payments::wall_clock(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

type Shared = State<Arc<Sandbox>>;

async fn wechat_create(
    State(sandbox): Shared,
    Path(kind): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !sandbox.wechat_signed(&method, &uri, &headers, &body) {
        sandbox.ledger().refused += 1;
        return refuse(StatusCode::UNAUTHORIZED, "SIGN_ERROR", "签名错误");
    }
    let Ok(order) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return refuse(StatusCode::BAD_REQUEST, "PARAM_ERROR", "body");
    };
    let (Some(no), Some(total), Some(notify_url)) = (
        order["out_trade_no"].as_str(),
        order["amount"]["total"].as_i64(),
        order["notify_url"].as_str(),
    ) else {
        return refuse(StatusCode::BAD_REQUEST, "PARAM_ERROR", "fields");
    };
    if order["mchid"] != SANDBOX_MCH_ID || order["appid"] != SANDBOX_WECHAT_APP_ID || total <= 0 {
        return refuse(
            StatusCode::BAD_REQUEST,
            "PARAM_ERROR",
            "mchid, appid or amount",
        );
    }
    if kind == "jsapi" && order["payer"]["openid"].as_str().is_none() {
        return refuse(StatusCode::BAD_REQUEST, "PARAM_ERROR", "payer.openid");
    }
    {
        let mut ledger = sandbox.ledger();
        if let Some(known) = ledger.orders.get(no) {
            if known.amount.0 != total {
                return refuse(
                    StatusCode::BAD_REQUEST,
                    "OUT_TRADE_NO_USED",
                    "商户订单号重复",
                );
            }
        } else {
            ledger.orders.insert(
                no.to_string(),
                SandboxOrder {
                    provider: Provider::WeChatPay,
                    amount: Fen(total),
                    description: order["description"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                    notify_url: notify_url.to_string(),
                    return_url: None,
                    transaction_id: None,
                    closed: false,
                    refunded: Fen::ZERO,
                },
            );
        }
    }
    let answer = match kind.as_str() {
        "jsapi" => json!({ "prepay_id": format!("wx{no}") }),
        "h5" => json!({ "h5_url": format!("{}/cashier/{no}?from=h5", sandbox.base) }),
        "native" => json!({ "code_url": format!("{}/cashier/{no}", sandbox.base) }),
        _ => return refuse(StatusCode::NOT_FOUND, "NOT_FOUND", "kind"),
    };
    sandbox.wechat_answer(StatusCode::OK, answer)
}

async fn wechat_query(
    State(sandbox): Shared,
    Path(no): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if !sandbox.wechat_signed(&method, &uri, &headers, b"") {
        sandbox.ledger().refused += 1;
        return refuse(StatusCode::UNAUTHORIZED, "SIGN_ERROR", "签名错误");
    }
    let Some(order) = sandbox.order(&no) else {
        return refuse(StatusCode::NOT_FOUND, "ORDER_NOT_EXIST", "订单不存在");
    };
    let state = match (&order.transaction_id, order.closed) {
        (Some(_), _) if order.refunded > Fen::ZERO => "REFUND",
        (Some(_), _) => "SUCCESS",
        (None, true) => "CLOSED",
        (None, false) => "NOTPAY",
    };
    sandbox.wechat_answer(
        StatusCode::OK,
        json!({
            "mchid": SANDBOX_MCH_ID, "appid": SANDBOX_WECHAT_APP_ID, "out_trade_no": no,
            "transaction_id": order.transaction_id.unwrap_or_default(), "trade_state": state,
            "amount": { "total": order.amount.0, "currency": "CNY" },
        }),
    )
}

async fn wechat_close(
    State(sandbox): Shared,
    Path(no): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !sandbox.wechat_signed(&method, &uri, &headers, &body) {
        sandbox.ledger().refused += 1;
        return refuse(StatusCode::UNAUTHORIZED, "SIGN_ERROR", "签名错误");
    }
    let mut ledger = sandbox.ledger();
    match ledger.orders.get_mut(&no) {
        Some(order) if order.transaction_id.is_some() => {
            refuse(StatusCode::BAD_REQUEST, "ORDERPAID", "订单已支付")
        }
        Some(order) => {
            order.closed = true;
            StatusCode::NO_CONTENT.into_response()
        }
        None => refuse(StatusCode::NOT_FOUND, "ORDER_NOT_EXIST", "订单不存在"),
    }
}

async fn wechat_refund(
    State(sandbox): Shared,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !sandbox.wechat_signed(&method, &uri, &headers, &body) {
        sandbox.ledger().refused += 1;
        return refuse(StatusCode::UNAUTHORIZED, "SIGN_ERROR", "签名错误");
    }
    let Ok(request) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return refuse(StatusCode::BAD_REQUEST, "PARAM_ERROR", "body");
    };
    let (Some(no), Some(refund_no), Some(amount)) = (
        request["out_trade_no"].as_str(),
        request["out_refund_no"].as_str(),
        request["amount"]["refund"].as_i64(),
    ) else {
        return refuse(StatusCode::BAD_REQUEST, "PARAM_ERROR", "fields");
    };
    match refund(&sandbox, no, refund_no, Fen(amount)) {
        Ok(()) => sandbox.wechat_answer(
            StatusCode::OK,
            json!({ "refund_id": format!("5030{refund_no}"), "out_refund_no": refund_no, "status": "SUCCESS" }),
        ),
        Err(why) => refuse(StatusCode::BAD_REQUEST, "INVALID_REQUEST", why),
    }
}

/// A refund, once per refund number (a resent one is answered the same).
fn refund(sandbox: &Sandbox, no: &str, refund_no: &str, amount: Fen) -> Result<(), &'static str> {
    let mut ledger = sandbox.ledger();
    if ledger.refunds.contains_key(refund_no) {
        return Ok(());
    }
    let Some(order) = ledger.orders.get_mut(no) else {
        return Err("订单不存在");
    };
    if order.transaction_id.is_none()
        || order.refunded.0 + amount.0 > order.amount.0
        || amount.0 <= 0
    {
        return Err("退款金额超过可退金额");
    }
    order.refunded = Fen(order.refunded.0 + amount.0);
    ledger
        .refunds
        .insert(refund_no.to_string(), (no.to_string(), amount));
    Ok(())
}

fn decode_form(text: &str) -> BTreeMap<String, String> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(text)
        .unwrap_or_default()
        .into_iter()
        .collect()
}

/// `GET gateway.do?…`: the cashier for `wap.pay` and `page.pay`.
async fn alipay_cashier(State(sandbox): Shared, RawQuery(query): RawQuery) -> Response {
    let params = decode_form(query.as_deref().unwrap_or_default());
    let Some(biz) = sandbox.alipay_signed(&params) else {
        sandbox.ledger().refused += 1;
        return (
            StatusCode::BAD_REQUEST,
            Html("<p>验签出错（invalid-signature）</p>".to_string()),
        )
            .into_response();
    };
    let method = params.get("method").map(String::as_str).unwrap_or_default();
    if !matches!(method, "alipay.trade.wap.pay" | "alipay.trade.page.pay") {
        return (StatusCode::BAD_REQUEST, Html("<p>method</p>".to_string())).into_response();
    }
    let (Some(no), Some(amount)) = (
        biz["out_trade_no"].as_str(),
        biz["total_amount"]
            .as_str()
            .and_then(|a| parse_yuan(a).ok()),
    ) else {
        return (
            StatusCode::BAD_REQUEST,
            Html("<p>biz_content</p>".to_string()),
        )
            .into_response();
    };
    {
        let mut ledger = sandbox.ledger();
        ledger
            .orders
            .entry(no.to_string())
            .or_insert_with(|| SandboxOrder {
                provider: Provider::Alipay,
                amount,
                description: biz["subject"].as_str().unwrap_or_default().to_string(),
                notify_url: params.get("notify_url").cloned().unwrap_or_default(),
                return_url: params.get("return_url").cloned(),
                transaction_id: None,
                closed: false,
                refunded: Fen::ZERO,
            });
    }
    sandbox.cashier_page(no)
}

/// `POST gateway.do`: query, close and refund.
async fn alipay_call(State(sandbox): Shared, body: Bytes) -> Response {
    let params = decode_form(std::str::from_utf8(&body).unwrap_or_default());
    let method = params.get("method").cloned().unwrap_or_default();
    let Some(biz) = sandbox.alipay_signed(&params) else {
        sandbox.ledger().refused += 1;
        return sandbox.alipay_answer(
            &method,
            json!({ "code": "40002", "msg": "Invalid Arguments", "sub_code": "isv.invalid-signature", "sub_msg": "验签出错" }),
        );
    };
    let no = biz["out_trade_no"].as_str().unwrap_or_default().to_string();
    let order = sandbox.order(&no);
    let not_found = json!({ "code": "40004", "msg": "Business Failed", "sub_code": "ACQ.TRADE_NOT_EXIST", "sub_msg": "交易不存在" });
    let answer = match (method.as_str(), order) {
        (_, None) => not_found,
        ("alipay.trade.query", Some(order)) => json!({
            "code": "10000", "msg": "Success", "out_trade_no": no,
            "trade_no": order.transaction_id.clone().unwrap_or_default(),
            "trade_status": match (&order.transaction_id, order.closed) {
                (Some(_), _) => "TRADE_SUCCESS",
                (None, true) => "TRADE_CLOSED",
                (None, false) => "WAIT_BUYER_PAY",
            },
            "total_amount": order.amount.yuan(),
        }),
        ("alipay.trade.close", Some(order)) if order.transaction_id.is_some() => json!({
            "code": "40004", "msg": "Business Failed", "sub_code": "ACQ.TRADE_STATUS_ERROR", "sub_msg": "交易状态不合法"
        }),
        ("alipay.trade.close", Some(_)) => {
            if let Some(order) = sandbox.ledger().orders.get_mut(&no) {
                order.closed = true;
            }
            json!({ "code": "10000", "msg": "Success", "out_trade_no": no })
        }
        ("alipay.trade.refund", Some(order)) => {
            let amount = biz["refund_amount"]
                .as_str()
                .and_then(|a| parse_yuan(a).ok());
            let request_no = biz["out_request_no"].as_str().unwrap_or_default();
            match amount.map(|amount| refund(&sandbox, &no, request_no, amount)) {
                Some(Ok(())) => json!({
                    "code": "10000", "msg": "Success", "out_trade_no": no,
                    "trade_no": order.transaction_id.unwrap_or_default(), "fund_change": "Y",
                    "refund_fee": biz["refund_amount"],
                }),
                _ => {
                    json!({ "code": "40004", "msg": "Business Failed", "sub_code": "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "sub_msg": "退款金额超限" })
                }
            }
        }
        _ => json!({ "code": "40004", "msg": "Business Failed", "sub_code": "ACQ.INVALID_METHOD" }),
    };
    sandbox.alipay_answer(&method, answer)
}

/// The cashier; WeChat's H5 page is opened with where to send the payer
/// back (`redirect_url`).
async fn cashier(
    State(sandbox): Shared,
    Path(no): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let params = decode_form(query.as_deref().unwrap_or_default());
    if let Some(back) = params.get("redirect_url") {
        if let Some(order) = sandbox.ledger().orders.get_mut(&no) {
            order.return_url = Some(back.clone());
        }
    }
    sandbox.cashier_page(&no)
}

/// The payer confirms: paid, the portal notified, the payer sent back.
async fn cashier_pay(State(sandbox): Shared, Path(no): Path<String>) -> Response {
    if sandbox
        .order(&no)
        .is_none_or(|order| order.closed && order.transaction_id.is_none())
    {
        return sandbox.cashier_page(&no);
    }
    sandbox.pay_quietly(&no);
    sandbox.notify(&no).await;
    match sandbox.order(&no).and_then(|order| order.return_url) {
        Some(url) => Redirect::to(&url).into_response(),
        None => sandbox.cashier_page(&no),
    }
}

/// The sandbox's routes, to mount where `base` (given to [`Sandbox::new`])
/// points.
pub fn router(sandbox: Arc<Sandbox>) -> Router {
    Router::new()
        .route("/wechat/v3/pay/transactions/{kind}", post(wechat_create))
        .route(
            "/wechat/v3/pay/transactions/out-trade-no/{no}",
            get(wechat_query),
        )
        .route(
            "/wechat/v3/pay/transactions/out-trade-no/{no}/close",
            post(wechat_close),
        )
        .route("/wechat/v3/refund/domestic/refunds", post(wechat_refund))
        .route("/alipay/gateway.do", get(alipay_cashier).post(alipay_call))
        .route("/cashier/{no}", get(cashier))
        .route("/cashier/{no}/pay", post(cashier_pay))
        .with_state(sandbox)
}
