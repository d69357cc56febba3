//! WeChat Pay API v3: requests signed with the merchant key
//! (`WECHATPAY2-SHA256-RSA2048`), answers and notifications verified with
//! WeChat Pay's key (platform certificate or public-key mode; both are
//! accepted while a merchant switches), notification resources decrypted
//! with the APIv3 key (AEAD_AES_256_GCM).
//!
//! What is signed, from WeChat Pay's documentation (签名生成 / 签名验证):
//! a request is five lines `METHOD\npath?query\ntimestamp\nnonce\nbody\n`;
//! an answer or a notification three lines `timestamp\nnonce\nbody\n`.

use std::sync::Arc;

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use domain::fees::money::Fen;
use domain::fees::payment::{Channel, Provider};
use reqwest::header::HeaderMap;
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde::Deserialize;
use serde_json::json;

use super::{
    describe, http_client, keys, nonce, wall_clock, HandOff, JsapiParams, NoticeRefusal,
    OrderAtProvider, OrderToStart, PaymentNotice, ProviderFailure, RefundAtProvider, RefundToSend,
};

/// WeChat Pay's API.
pub const API_BASE: &str = "https://api.mch.weixin.qq.com";

/// Answers and notifications signed this far from our clock are refused
/// (WeChat Pay's own SDKs refuse 5 minutes).
pub const MAX_CLOCK_SKEW_SECONDS: i64 = 300;

pub const TIMESTAMP_HEADER: &str = "wechatpay-timestamp";
pub const NONCE_HEADER: &str = "wechatpay-nonce";
pub const SIGNATURE_HEADER: &str = "wechatpay-signature";
pub const SERIAL_HEADER: &str = "wechatpay-serial";

/// A merchant's WeChat Pay settings.
#[derive(Clone)]
pub struct WeChatPaySettings {
    pub mch_id: String,
    /// The official account's AppID the payments belong to.
    pub app_id: String,
    /// The serial number of the merchant's API certificate.
    pub merchant_serial: String,
    pub merchant_key: RsaPrivateKey,
    /// WeChat Pay's keys, each with the serial (or `PUB_KEY_ID_…`) that
    /// names it in the `Wechatpay-Serial` header.
    pub platform_keys: Vec<(String, RsaPublicKey)>,
    /// The APIv3 key: 32 bytes.
    pub api_v3_key: [u8; 32],
    /// Where WeChat Pay posts notifications: `{public}/payments/wechat/notify`.
    pub notify_url: String,
    /// `API_BASE`, or a stub's address in tests.
    pub api_base: String,
}

/// The five signed lines of a request.
pub fn request_message(
    method: &str,
    path: &str,
    timestamp: i64,
    nonce: &str,
    body: &str,
) -> String {
    format!("{method}\n{path}\n{timestamp}\n{nonce}\n{body}\n")
}

/// The three signed lines of an answer or a notification.
pub fn answer_message(timestamp: &str, nonce: &str, body: &[u8]) -> Vec<u8> {
    let mut message = Vec::with_capacity(body.len() + 64);
    message.extend_from_slice(timestamp.as_bytes());
    message.push(b'\n');
    message.extend_from_slice(nonce.as_bytes());
    message.push(b'\n');
    message.extend_from_slice(body);
    message.push(b'\n');
    message
}

/// The `Authorization` header of a request.
pub fn authorization(
    settings: &WeChatPaySettings,
    method: &str,
    path: &str,
    timestamp: i64,
    nonce: &str,
    body: &str,
) -> String {
    let signature = keys::sign(
        &settings.merchant_key,
        request_message(method, path, timestamp, nonce, body).as_bytes(),
    );
    format!(
        "WECHATPAY2-SHA256-RSA2048 mchid=\"{}\",nonce_str=\"{nonce}\",timestamp=\"{timestamp}\",serial_no=\"{}\",signature=\"{signature}\"",
        settings.mch_id, settings.merchant_serial
    )
}

/// The signature headers of an answer or a notification.
#[derive(Clone, Copy, Debug)]
pub struct SignatureHeaders<'a> {
    pub timestamp: &'a str,
    pub nonce: &'a str,
    pub signature: &'a str,
    pub serial: &'a str,
}

impl<'a> SignatureHeaders<'a> {
    pub fn of(headers: &'a HeaderMap) -> Option<Self> {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        Some(Self {
            timestamp: header(TIMESTAMP_HEADER)?,
            nonce: header(NONCE_HEADER)?,
            signature: header(SIGNATURE_HEADER)?,
            serial: header(SERIAL_HEADER)?,
        })
    }
}

/// Verifies that `body` was signed by WeChat Pay, recently.
pub fn verify_signed(
    settings: &WeChatPaySettings,
    headers: SignatureHeaders<'_>,
    body: &[u8],
    now: i64,
) -> Result<(), NoticeRefusal> {
    let timestamp: i64 = headers
        .timestamp
        .trim()
        .parse()
        .map_err(|_| NoticeRefusal::Malformed("the timestamp is not a number".to_string()))?;
    if now.abs_diff(timestamp) >= MAX_CLOCK_SKEW_SECONDS.unsigned_abs() {
        return Err(NoticeRefusal::Stale);
    }
    let Some((_, key)) = settings
        .platform_keys
        .iter()
        .find(|(serial, _)| serial.eq_ignore_ascii_case(headers.serial.trim()))
    else {
        return Err(NoticeRefusal::Forged(format!(
            "signed by an unknown key {}",
            headers.serial
        )));
    };
    let message = answer_message(headers.timestamp, headers.nonce, body);
    if keys::verify(key, &message, headers.signature) {
        Ok(())
    } else {
        Err(NoticeRefusal::Forged(
            "the signature does not verify".to_string(),
        ))
    }
}

/// The encrypted part of a notification.
#[derive(Clone, Debug, Deserialize)]
pub struct Resource {
    pub algorithm: String,
    pub ciphertext: String,
    #[serde(default)]
    pub associated_data: String,
    pub nonce: String,
}

/// Decrypts a notification's resource with the APIv3 key.
pub fn decrypt(api_v3_key: &[u8; 32], resource: &Resource) -> Result<Vec<u8>, NoticeRefusal> {
    if resource.algorithm != "AEAD_AES_256_GCM" {
        return Err(NoticeRefusal::Malformed(format!(
            "unknown algorithm {}",
            resource.algorithm
        )));
    }
    let ciphertext = BASE64
        .decode(resource.ciphertext.as_bytes())
        .map_err(|_| NoticeRefusal::Malformed("the ciphertext is not Base64".to_string()))?;
    if resource.nonce.len() != 12 {
        return Err(NoticeRefusal::Malformed(
            "the nonce is not 12 bytes".to_string(),
        ));
    }
    let cipher = Aes256Gcm::new(api_v3_key.into());
    cipher
        .decrypt(
            Nonce::from_slice(resource.nonce.as_bytes()),
            Payload {
                msg: &ciphertext,
                aad: resource.associated_data.as_bytes(),
            },
        )
        .map_err(|_| NoticeRefusal::Forged("the resource does not decrypt".to_string()))
}

/// Encrypts a resource as WeChat Pay does (for the sandbox provider and
/// tests): Base64 of the ciphertext with its tag.
pub fn encrypt(api_v3_key: &[u8; 32], nonce: &str, associated_data: &str, plain: &[u8]) -> String {
    let cipher = Aes256Gcm::new(api_v3_key.into());
    let sealed = cipher
        .encrypt(
            Nonce::from_slice(nonce.as_bytes()),
            Payload {
                msg: plain,
                aad: associated_data.as_bytes(),
            },
        )
        .expect("AES-GCM encryption of a short message");
    BASE64.encode(sealed)
}

/// The JSAPI payment sheet's parameters for a prepay id.
pub fn jsapi_params(
    settings: &WeChatPaySettings,
    prepay_id: &str,
    timestamp: i64,
    nonce: &str,
) -> JsapiParams {
    let package = format!("prepay_id={prepay_id}");
    let message = format!("{}\n{timestamp}\n{nonce}\n{package}\n", settings.app_id);
    JsapiParams {
        app_id: settings.app_id.clone(),
        time_stamp: timestamp.to_string(),
        nonce_str: nonce.to_string(),
        package,
        sign_type: "RSA".to_string(),
        pay_sign: keys::sign(&settings.merchant_key, message.as_bytes()),
    }
}

#[derive(Deserialize)]
struct Notification {
    event_type: String,
    resource: Resource,
}

#[derive(Deserialize)]
struct Amount {
    total: i64,
}

#[derive(Deserialize)]
struct Transaction {
    #[serde(default)]
    mchid: String,
    out_trade_no: String,
    #[serde(default)]
    transaction_id: String,
    trade_state: String,
    amount: Option<Amount>,
}

impl Transaction {
    fn amount(&self) -> Fen {
        Fen(self.amount.as_ref().map_or(0, |a| a.total))
    }
}

/// Reads a notification: signature, freshness, decryption, merchant.
pub fn read_notification(
    settings: &WeChatPaySettings,
    headers: &HeaderMap,
    body: &[u8],
    now: i64,
) -> Result<PaymentNotice, NoticeRefusal> {
    let signed = SignatureHeaders::of(headers)
        .ok_or_else(|| NoticeRefusal::Forged("the Wechatpay-* headers are missing".to_string()))?;
    verify_signed(settings, signed, body, now)?;
    let notification: Notification = serde_json::from_slice(body)
        .map_err(|e| NoticeRefusal::Malformed(format!("the notification: {e}")))?;
    let plain = decrypt(&settings.api_v3_key, &notification.resource)?;
    let transaction: Transaction = serde_json::from_slice(&plain)
        .map_err(|e| NoticeRefusal::Malformed(format!("the transaction: {e}")))?;
    if transaction.mchid != settings.mch_id {
        return Err(NoticeRefusal::Forged(format!(
            "for merchant {}, not ours",
            transaction.mchid
        )));
    }
    Ok(PaymentNotice {
        provider: Provider::WeChatPay,
        paid: notification.event_type == "TRANSACTION.SUCCESS"
            && transaction.trade_state == "SUCCESS",
        amount: transaction.amount(),
        out_trade_no: transaction.out_trade_no,
        transaction_id: transaction.transaction_id,
    })
}

/// WeChat Pay's client.
#[derive(Clone)]
pub struct WeChatPay {
    settings: Arc<WeChatPaySettings>,
    http: reqwest::Client,
}

#[derive(Deserialize)]
struct ErrorAnswer {
    #[serde(default)]
    code: String,
    #[serde(default)]
    message: String,
}

impl WeChatPay {
    pub fn new(settings: WeChatPaySettings) -> Result<Self, String> {
        Ok(Self {
            settings: Arc::new(settings),
            http: http_client()?,
        })
    }

    pub fn settings(&self) -> &WeChatPaySettings {
        &self.settings
    }

    /// One signed call; the answer's body once its signature verifies
    /// (an empty 204 carries none to verify and nothing to believe).
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> Result<(reqwest::StatusCode, Vec<u8>), ProviderFailure> {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let timestamp = wall_clock();
        let nonce = nonce();
        let authorization = authorization(
            &self.settings,
            method.as_str(),
            path,
            timestamp,
            &nonce,
            &body,
        );
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.settings.api_base))
            .header("Authorization", authorization)
            .header("Accept", "application/json");
        if !body.is_empty() {
            request = request
                .header("Content-Type", "application/json")
                .body(body);
        }
        let response = request.send().await.map_err(describe)?;
        let status = response.status();
        let headers: HeaderMap = response.headers().clone();
        let answer = response.bytes().await.map_err(describe)?.to_vec();
        if status.is_server_error() {
            return Err(ProviderFailure::Unavailable(format!("HTTP {status}")));
        }
        if status.is_client_error() {
            let error: ErrorAnswer = serde_json::from_slice(&answer).unwrap_or(ErrorAnswer {
                code: status.as_u16().to_string(),
                message: String::new(),
            });
            return Err(ProviderFailure::Refused {
                code: error.code,
                message: error.message,
            });
        }
        if status == reqwest::StatusCode::NO_CONTENT {
            return Ok((status, answer));
        }
        let signed = SignatureHeaders::of(&headers)
            .ok_or_else(|| ProviderFailure::Unverified("unsigned answer".to_string()))?;
        verify_signed(&self.settings, signed, &answer, wall_clock())
            .map_err(|e| ProviderFailure::Unverified(e.to_string()))?;
        Ok((status, answer))
    }

    fn read<T: serde::de::DeserializeOwned>(answer: &[u8]) -> Result<T, ProviderFailure> {
        serde_json::from_slice(answer)
            .map_err(|e| ProviderFailure::Unavailable(format!("unreadable answer: {e}")))
    }

    pub async fn start(&self, order: &OrderToStart) -> Result<HandOff, ProviderFailure> {
        let settings = &self.settings;
        let mut body = json!({
            "appid": settings.app_id,
            "mchid": settings.mch_id,
            "description": order.description,
            "out_trade_no": order.out_trade_no,
            "notify_url": settings.notify_url,
            "time_expire": domain::clock::to_local(order.expires_at).to_rfc3339(),
            "amount": { "total": order.amount.0, "currency": "CNY" },
        });
        let kind = match order.channel {
            Channel::WeChatJsapi => {
                let openid = order
                    .openid
                    .as_deref()
                    .ok_or_else(|| ProviderFailure::Refused {
                        code: "NO_OPENID".to_string(),
                        message: "JSAPI needs the payer's openid".to_string(),
                    })?;
                body["payer"] = json!({ "openid": openid });
                "jsapi"
            }
            Channel::WeChatH5 => {
                body["scene_info"] = json!({
                    "payer_client_ip": order.payer_ip,
                    "h5_info": { "type": "Wap" },
                });
                "h5"
            }
            Channel::WeChatNative => "native",
            Channel::AlipayWap | Channel::AlipayPage => {
                return Err(ProviderFailure::Refused {
                    code: "WRONG_PROVIDER".to_string(),
                    message: "an Alipay channel".to_string(),
                })
            }
        };
        let path = format!("/v3/pay/transactions/{kind}");
        let (_, answer) = self.call(reqwest::Method::POST, &path, Some(body)).await?;
        let answer: serde_json::Value = Self::read(&answer)?;
        let field = |name: &str| {
            answer[name]
                .as_str()
                .map(str::to_string)
                .ok_or_else(|| ProviderFailure::Unavailable(format!("no {name} in the answer")))
        };
        Ok(match order.channel {
            Channel::WeChatJsapi => HandOff::WeChatBridge(jsapi_params(
                settings,
                &field("prepay_id")?,
                wall_clock(),
                &nonce(),
            )),
            Channel::WeChatH5 => {
                // WeChat's H5 page returns the payer to `redirect_url`.
                let url = field("h5_url")?;
                let back = percent_encoding::utf8_percent_encode(
                    &order.return_url,
                    percent_encoding::NON_ALPHANUMERIC,
                );
                HandOff::Redirect {
                    url: format!("{url}&redirect_url={back}"),
                }
            }
            _ => HandOff::QrCode {
                code_url: field("code_url")?,
            },
        })
    }

    pub async fn query(&self, out_trade_no: &str) -> Result<OrderAtProvider, ProviderFailure> {
        let path = format!(
            "/v3/pay/transactions/out-trade-no/{out_trade_no}?mchid={}",
            self.settings.mch_id
        );
        let answer = match self.call(reqwest::Method::GET, &path, None).await {
            Err(ProviderFailure::Refused { code, .. }) if code == "ORDER_NOT_EXIST" => {
                return Ok(OrderAtProvider::Unknown)
            }
            other => other?.1,
        };
        let transaction: Transaction = Self::read(&answer)?;
        if transaction.mchid != self.settings.mch_id || transaction.out_trade_no != out_trade_no {
            return Err(ProviderFailure::Unverified(
                "the answer is for another order".to_string(),
            ));
        }
        Ok(match transaction.trade_state.as_str() {
            // REFUND: paid, then (partly) refunded; the payment stands.
            "SUCCESS" | "REFUND" => OrderAtProvider::Paid {
                amount: transaction.amount(),
                transaction_id: transaction.transaction_id,
            },
            "CLOSED" | "REVOKED" | "PAYERROR" => OrderAtProvider::Closed,
            _ => OrderAtProvider::Waiting,
        })
    }

    pub async fn close(&self, out_trade_no: &str) -> Result<(), ProviderFailure> {
        let path = format!("/v3/pay/transactions/out-trade-no/{out_trade_no}/close");
        self.call(
            reqwest::Method::POST,
            &path,
            Some(json!({ "mchid": self.settings.mch_id })),
        )
        .await?;
        Ok(())
    }

    pub async fn refund(&self, refund: &RefundToSend) -> Result<RefundAtProvider, ProviderFailure> {
        let body = json!({
            "out_trade_no": refund.out_trade_no,
            "out_refund_no": refund.out_refund_no,
            "reason": refund.reason,
            "amount": {
                "refund": refund.refund.0,
                "total": refund.paid_total.0,
                "currency": "CNY",
            },
        });
        let (_, answer) = self
            .call(
                reqwest::Method::POST,
                "/v3/refund/domestic/refunds",
                Some(body),
            )
            .await?;
        #[derive(Deserialize)]
        struct RefundAnswer {
            refund_id: String,
            out_refund_no: String,
            status: String,
        }
        let answer: RefundAnswer = Self::read(&answer)?;
        if answer.out_refund_no != refund.out_refund_no {
            return Err(ProviderFailure::Unverified(
                "the answer is for another refund".to_string(),
            ));
        }
        match answer.status.as_str() {
            "SUCCESS" => Ok(RefundAtProvider::Succeeded {
                refund_id: answer.refund_id,
            }),
            "PROCESSING" => Ok(RefundAtProvider::Processing {
                refund_id: answer.refund_id,
            }),
            other => Err(ProviderFailure::Refused {
                code: other.to_string(),
                message: "the refund was not accepted".to_string(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::keys::fixtures::*;
    use super::*;

    fn settings() -> WeChatPaySettings {
        WeChatPaySettings {
            mch_id: "1900000109".to_string(),
            app_id: "wxd678efh567hg6787".to_string(),
            merchant_serial: "F5765756002FDD77".to_string(),
            merchant_key: keys::private_key(WECHATPAY_GO_MERCHANT_KEY).unwrap(),
            platform_keys: vec![(
                "D7CE59D1F522D701".to_string(),
                keys::public_key(WECHATPAY_GO_PLATFORM_PUBLIC_KEY).unwrap(),
            )],
            api_v3_key: *b"heatdeskTestApiV3Key0123456789ab",
            notify_url: "https://heat.example.cn/payments/wechat/notify".to_string(),
            api_base: API_BASE.to_string(),
        }
    }

    /// wechatpay-go's `TestHandler_ParseNotifyRequest`: a notification
    /// signed with its platform certificate at 1624523846.
    const SDK_NOTIFICATION_BODY: &str = concat!(
        "{\"id\":\"3119dfba-e649-5eec-ab1e-3412bc4d2e17\",",
        "\"create_time\":\"2021-06-24T16:37:26+08:00\",",
        "\"resource_type\":\"encrypt-resource\",",
        "\"event_type\":\"PAYSCORE.USER_OPEN_SERVICE\",",
        "\"summary\":\"签约成功\",",
        "\"resource\":{",
        "\"original_type\":\"payscore\",",
        "\"algorithm\":\"AEAD_AES_256_GCM\",",
        "\"ciphertext\":\"YDS3lKPaC4Y52Gf3uhft5qUBlIa8b428AWTtTauHQfQrRw+X1WpiuHIDy0vo1Vd6VEq67aVyqPdDYMkRVSDaZL3iZt",
        "tevRMOoPKMifozg6XPWjIZumks/GpT48lI4NizyeaqLBokNebthah3o1H76qSlO9NkDjp9bzmKLEYYH9TEklFUpsvPqOTOcgSLgh21YJXYR",
        "7dEBXFgRLiNIKRgO5JdXh1hccRUAlyVWxE54PXpnQ==\",",
        "\"associated_data\":\"payscore\",",
        "\"nonce\":\"Kj7QIyUiYx1q\"}",
        "}"
    );
    const SDK_NOTIFICATION_SIGNATURE: &str = concat!(
        "tJHIiIS9eB2hAYstmAmbbD3ZE5LiIm/Ug5tuL4fC0YOFRWIHV39UFIZXC0e9Wl6lBu6sKvkqDkzpqzBsVHyXF",
        "lbYZTOQrVdG4b6LfTnK4mikv9++ixJMd3vTf2yCqvBkh98zs3Ds5zsYQakzbcwhmw4fMJs4nPLws28H0UW9FjDR//rxELLwXvV1VEA1I",
        "BLX70xptjL8hrfUjEE8kkry6yNJTHZRU8CAc7qHli2Ng1V1qb9ARbK8A3ThmFmPQvRGrapI/jS2laKKgYUmfdEdkNO6B2Cke5e8VTxY4",
        "06ArAmQ90GAihDwIcb16TQMnzCMBoutnwZKNiKRACrFmtxw2Q=="
    );

    fn sdk_headers(serial: &str) -> SignatureHeaders<'_> {
        SignatureHeaders {
            timestamp: "1624523846",
            nonce: "EcZ9Cmy4Xyx1i6RlJQzLcCyEqDa26NBz",
            signature: SDK_NOTIFICATION_SIGNATURE,
            serial,
        }
    }

    #[test]
    fn verifies_the_sdks_signed_notification() {
        let settings = settings();
        let body = SDK_NOTIFICATION_BODY.as_bytes();
        let at = 1_624_523_846;
        assert_eq!(
            verify_signed(&settings, sdk_headers("D7CE59D1F522D701"), body, at),
            Ok(())
        );
        // Serials are compared as WeChat Pay writes them, in any case.
        assert_eq!(
            verify_signed(&settings, sdk_headers("d7ce59d1f522d701"), body, at),
            Ok(())
        );
        // One byte changed, an unknown key, or five minutes late: refused.
        let tampered = SDK_NOTIFICATION_BODY.replace("签约成功", "签约失败");
        assert!(matches!(
            verify_signed(
                &settings,
                sdk_headers("D7CE59D1F522D701"),
                tampered.as_bytes(),
                at
            ),
            Err(NoticeRefusal::Forged(_))
        ));
        assert!(matches!(
            verify_signed(&settings, sdk_headers("PUB_KEY_ID_0000"), body, at),
            Err(NoticeRefusal::Forged(_))
        ));
        assert_eq!(
            verify_signed(&settings, sdk_headers("D7CE59D1F522D701"), body, at + 300),
            Err(NoticeRefusal::Stale)
        );
        assert_eq!(
            verify_signed(&settings, sdk_headers("D7CE59D1F522D701"), body, at + 299),
            Ok(())
        );
    }

    #[test]
    fn decrypts_an_aes_256_gcm_resource_made_by_another_implementation() {
        let vector: serde_json::Value = serde_json::from_str(AES256GCM_VECTOR).unwrap();
        let key: [u8; 32] = vector["api_v3_key"]
            .as_str()
            .unwrap()
            .as_bytes()
            .try_into()
            .unwrap();
        let resource = Resource {
            algorithm: "AEAD_AES_256_GCM".to_string(),
            ciphertext: vector["ciphertext"].as_str().unwrap().to_string(),
            associated_data: vector["associated_data"].as_str().unwrap().to_string(),
            nonce: vector["nonce"].as_str().unwrap().to_string(),
        };
        let plain = decrypt(&key, &resource).unwrap();
        assert_eq!(
            String::from_utf8(plain).unwrap(),
            vector["plaintext"].as_str().unwrap()
        );
        // Other associated data, or another key: no plaintext.
        let other = Resource {
            associated_data: "refund".to_string(),
            ..resource.clone()
        };
        assert!(matches!(
            decrypt(&key, &other),
            Err(NoticeRefusal::Forged(_))
        ));
        assert!(matches!(
            decrypt(&[0; 32], &resource),
            Err(NoticeRefusal::Forged(_))
        ));
    }

    #[test]
    fn signs_requests_and_the_jsapi_sheet_as_documented() {
        let settings = settings();
        let message = request_message(
            "GET",
            "/v3/certificates",
            1554208460,
            "593BEC0C930BF1AFEB40B4A08C8FB242",
            "",
        );
        assert_eq!(
            message,
            "GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n"
        );
        let header = authorization(
            &settings,
            "GET",
            "/v3/certificates",
            1554208460,
            "593BEC0C930BF1AFEB40B4A08C8FB242",
            "",
        );
        assert!(header.starts_with("WECHATPAY2-SHA256-RSA2048 mchid=\"1900000109\",nonce_str=\"593BEC0C930BF1AFEB40B4A08C8FB242\",timestamp=\"1554208460\",serial_no=\"F5765756002FDD77\",signature=\""));
        let signature = header
            .rsplit("signature=\"")
            .next()
            .unwrap()
            .trim_end_matches('"');
        assert!(keys::verify(
            &settings.platform_keys[0].1,
            message.as_bytes(),
            signature
        ));
        let sheet = jsapi_params(
            &settings,
            "wx201410272009395522657a690389285100",
            1414561699,
            "5K8264ILTKCH16CQ2502SI8ZNMTM67VS",
        );
        assert_eq!(
            sheet.package,
            "prepay_id=wx201410272009395522657a690389285100"
        );
        assert!(keys::verify(
            &settings.platform_keys[0].1,
            b"wxd678efh567hg6787\n1414561699\n5K8264ILTKCH16CQ2502SI8ZNMTM67VS\nprepay_id=wx201410272009395522657a690389285100\n",
            &sheet.pay_sign
        ));
    }
}
