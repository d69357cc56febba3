//! Alipay (open platform, RSA2): `alipay.trade.wap.pay` on a phone and
//! `alipay.trade.page.pay` on a desktop (both a signed address the payer's
//! browser opens), `alipay.trade.query`, `.close` and `.refund` (signed
//! form posts whose answers are verified), and the asynchronous
//! notification (a signed form post).
//!
//! What is signed, from Alipay's documentation (自行实现签名 / 异步通知验签):
//! every parameter but `sign` and the empty ones, sorted by name, joined
//! as `k=v&…`, SHA256withRSA. A notification is verified without `sign`
//! and `sign_type`; Alipay's own SDK retries with `sign_type` kept, and so
//! does this. An answer is verified over the raw text of its
//! `…_response` object.

use std::collections::BTreeMap;
use std::sync::Arc;

use domain::fees::money::parse_yuan;
use domain::fees::payment::{Channel, Provider};
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde_json::json;

use super::{
    describe, http_client, keys, HandOff, NoticeRefusal, OrderAtProvider, OrderToStart,
    PaymentNotice, ProviderFailure, RefundAtProvider, RefundToSend,
};

/// Alipay's gateway.
pub const GATEWAY: &str = "https://openapi.alipay.com/gateway.do";

#[derive(Clone)]
pub struct AlipaySettings {
    pub app_id: String,
    pub app_private_key: RsaPrivateKey,
    pub alipay_public_key: RsaPublicKey,
    /// `GATEWAY`, or a stub's address in tests.
    pub gateway: String,
    /// Where Alipay posts notifications: `{public}/payments/alipay/notify`.
    pub notify_url: String,
}

/// The signed content of `params`: sorted, non-empty, without `excluded`.
pub fn signing_content(params: &BTreeMap<String, String>, excluded: &[&str]) -> String {
    params
        .iter()
        .filter(|(key, value)| !value.is_empty() && !excluded.contains(&key.as_str()))
        .map(|(key, value)| format!("{key}={value}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Adds the `sign` to a request's parameters.
pub fn sign_params(key: &RsaPrivateKey, params: &mut BTreeMap<String, String>) {
    let content = signing_content(params, &["sign"]);
    params.insert("sign".to_string(), keys::sign(key, content.as_bytes()));
}

/// Whether a notification's parameters carry Alipay's signature.
pub fn verify_notification(public: &RsaPublicKey, params: &BTreeMap<String, String>) -> bool {
    let Some(sign) = params.get("sign") else {
        return false;
    };
    keys::verify(
        public,
        signing_content(params, &["sign", "sign_type"]).as_bytes(),
        sign,
    ) || keys::verify(public, signing_content(params, &["sign"]).as_bytes(), sign)
}

/// The raw text of the JSON value under `key` in `answer` (the first
/// occurrence at the top level), as Alipay signed it.
pub fn raw_value<'a>(answer: &'a str, key: &str) -> Option<&'a str> {
    let needle = format!("\"{key}\"");
    let after = answer.find(&needle)? + needle.len();
    let rest = &answer[after..];
    let colon = rest.find(':')?;
    let value = rest[colon + 1..].trim_start();
    let offset = answer.len() - value.len();
    if !value.starts_with('{') {
        return None;
    }
    let (mut depth, mut in_string, mut escaped) = (0i32, false, false);
    for (i, c) in value.char_indices() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(&answer[offset..offset + i + 1]);
                }
            }
            _ => {}
        }
    }
    None
}

/// Shanghai time as Alipay's `timestamp` wants it.
fn timestamp() -> String {
    domain::clock::to_local(super::wall_clock())
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// Reads a notification: signature, our app, the order, the amount.
pub fn read_notification(
    settings: &AlipaySettings,
    params: &BTreeMap<String, String>,
) -> Result<PaymentNotice, NoticeRefusal> {
    if !verify_notification(&settings.alipay_public_key, params) {
        return Err(NoticeRefusal::Forged(
            "the signature does not verify".to_string(),
        ));
    }
    let field = |name: &str| {
        params
            .get(name)
            .map(String::as_str)
            .ok_or_else(|| NoticeRefusal::Malformed(format!("no {name}")))
    };
    if field("app_id")? != settings.app_id {
        return Err(NoticeRefusal::Forged("for another app".to_string()));
    }
    let amount = parse_yuan(field("total_amount")?)
        .map_err(|_| NoticeRefusal::Malformed("total_amount is not an amount".to_string()))?;
    let status = field("trade_status")?;
    Ok(PaymentNotice {
        provider: Provider::Alipay,
        out_trade_no: field("out_trade_no")?.to_string(),
        transaction_id: field("trade_no")?.to_string(),
        amount,
        paid: status == "TRADE_SUCCESS" || status == "TRADE_FINISHED",
    })
}

/// Alipay's client.
#[derive(Clone)]
pub struct Alipay {
    settings: Arc<AlipaySettings>,
    http: reqwest::Client,
}

impl Alipay {
    pub fn new(settings: AlipaySettings) -> Result<Self, String> {
        Ok(Self {
            settings: Arc::new(settings),
            http: http_client()?,
        })
    }

    pub fn settings(&self) -> &AlipaySettings {
        &self.settings
    }

    fn params(&self, method: &str, biz_content: serde_json::Value) -> BTreeMap<String, String> {
        BTreeMap::from([
            ("app_id".to_string(), self.settings.app_id.clone()),
            ("method".to_string(), method.to_string()),
            ("format".to_string(), "JSON".to_string()),
            ("charset".to_string(), "utf-8".to_string()),
            ("sign_type".to_string(), "RSA2".to_string()),
            ("timestamp".to_string(), timestamp()),
            ("version".to_string(), "1.0".to_string()),
            ("biz_content".to_string(), biz_content.to_string()),
        ])
    }

    /// The signed cashier address for an order: the payer's browser opens it.
    pub fn start(&self, order: &OrderToStart) -> Result<HandOff, ProviderFailure> {
        let (method, product) = match order.channel {
            Channel::AlipayWap => ("alipay.trade.wap.pay", "QUICK_WAP_WAY"),
            Channel::AlipayPage => ("alipay.trade.page.pay", "FAST_INSTANT_TRADE_PAY"),
            _ => {
                return Err(ProviderFailure::Refused {
                    code: "WRONG_PROVIDER".to_string(),
                    message: "a WeChat Pay channel".to_string(),
                })
            }
        };
        let mut params = self.params(
            method,
            json!({
                "out_trade_no": order.out_trade_no,
                "total_amount": order.amount.yuan(),
                "subject": order.description,
                "product_code": product,
                "quit_url": order.return_url,
                // Unpaid past this, Alipay closes it: the cashier address
                // stops working when heatdesk gives up on the order.
                "time_expire": domain::clock::to_local(order.expires_at)
                    .format("%Y-%m-%d %H:%M:%S")
                    .to_string(),
            }),
        );
        params.insert("notify_url".to_string(), self.settings.notify_url.clone());
        params.insert("return_url".to_string(), order.return_url.clone());
        sign_params(&self.settings.app_private_key, &mut params);
        let query = form_encode(&params);
        Ok(HandOff::Redirect {
            url: format!("{}?{query}", self.settings.gateway),
        })
    }

    /// One signed call; the `…_response` object once its signature verifies.
    async fn call(
        &self,
        method: &str,
        biz_content: serde_json::Value,
    ) -> Result<serde_json::Value, ProviderFailure> {
        let mut params = self.params(method, biz_content);
        sign_params(&self.settings.app_private_key, &mut params);
        let response = self
            .http
            .post(&self.settings.gateway)
            .header(
                "Content-Type",
                "application/x-www-form-urlencoded;charset=utf-8",
            )
            .body(form_encode(&params))
            .send()
            .await
            .map_err(describe)?;
        let status = response.status();
        let text = response.text().await.map_err(describe)?;
        if !status.is_success() {
            return Err(ProviderFailure::Unavailable(format!("HTTP {status}")));
        }
        let key = format!("{}_response", method.replace('.', "_"));
        let raw = raw_value(&text, &key)
            .ok_or_else(|| ProviderFailure::Unavailable(format!("no {key} in the answer")))?;
        let whole: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| ProviderFailure::Unavailable(format!("unreadable answer: {e}")))?;
        let signed = whole["sign"].as_str().is_some_and(|sign| {
            keys::verify(&self.settings.alipay_public_key, raw.as_bytes(), sign)
        });
        if !signed {
            return Err(ProviderFailure::Unverified(
                "the answer's signature does not verify".to_string(),
            ));
        }
        let answer: serde_json::Value = serde_json::from_str(raw)
            .map_err(|e| ProviderFailure::Unavailable(format!("unreadable answer: {e}")))?;
        Ok(answer)
    }

    fn refused(answer: &serde_json::Value) -> ProviderFailure {
        let text = |name: &str| answer[name].as_str().unwrap_or_default().to_string();
        ProviderFailure::Refused {
            code: if text("sub_code").is_empty() {
                text("code")
            } else {
                text("sub_code")
            },
            message: if text("sub_msg").is_empty() {
                text("msg")
            } else {
                text("sub_msg")
            },
        }
    }

    pub async fn query(&self, out_trade_no: &str) -> Result<OrderAtProvider, ProviderFailure> {
        let answer = self
            .call(
                "alipay.trade.query",
                json!({ "out_trade_no": out_trade_no }),
            )
            .await?;
        if answer["code"] != "10000" {
            if answer["sub_code"] == "ACQ.TRADE_NOT_EXIST" {
                return Ok(OrderAtProvider::Unknown);
            }
            return Err(Self::refused(&answer));
        }
        if answer["out_trade_no"] != out_trade_no {
            return Err(ProviderFailure::Unverified(
                "the answer is for another order".to_string(),
            ));
        }
        Ok(match answer["trade_status"].as_str().unwrap_or_default() {
            "TRADE_SUCCESS" | "TRADE_FINISHED" => OrderAtProvider::Paid {
                transaction_id: answer["trade_no"].as_str().unwrap_or_default().to_string(),
                amount: parse_yuan(answer["total_amount"].as_str().unwrap_or_default()).map_err(
                    |_| ProviderFailure::Unavailable("total_amount unreadable".to_string()),
                )?,
            },
            "TRADE_CLOSED" => OrderAtProvider::Closed,
            _ => OrderAtProvider::Waiting,
        })
    }

    pub async fn close(&self, out_trade_no: &str) -> Result<(), ProviderFailure> {
        let answer = self
            .call(
                "alipay.trade.close",
                json!({ "out_trade_no": out_trade_no }),
            )
            .await?;
        // An order the payer never opened does not exist at Alipay yet.
        if answer["code"] == "10000" || answer["sub_code"] == "ACQ.TRADE_NOT_EXIST" {
            Ok(())
        } else {
            Err(Self::refused(&answer))
        }
    }

    pub async fn refund(&self, refund: &RefundToSend) -> Result<RefundAtProvider, ProviderFailure> {
        let answer = self
            .call(
                "alipay.trade.refund",
                json!({
                    "out_trade_no": refund.out_trade_no,
                    "refund_amount": refund.refund.yuan(),
                    "out_request_no": refund.out_refund_no,
                    "refund_reason": refund.reason,
                }),
            )
            .await?;
        if answer["code"] != "10000" {
            return Err(Self::refused(&answer));
        }
        let refund_id = format!(
            "{}/{}",
            answer["trade_no"].as_str().unwrap_or_default(),
            refund.out_refund_no
        );
        Ok(RefundAtProvider::Succeeded { refund_id })
    }
}

/// `k=v&…` with both sides percent-encoded, as a form or a query string.
pub fn form_encode(params: &BTreeMap<String, String>) -> String {
    use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
    params
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                utf8_percent_encode(k, NON_ALPHANUMERIC),
                utf8_percent_encode(v, NON_ALPHANUMERIC)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::super::keys::fixtures::*;
    use super::*;
    use domain::fees::money::Fen;

    /// The notification in alipay-sdk-nodejs-all's `test/alipay.test.ts`
    /// ("verify sign should delete sign_type"), with its Alipay public key.
    fn sdk_notification() -> BTreeMap<String, String> {
        [
            ("gmt_create", "2019-08-15 15:56:22"),
            ("charset", "utf-8"),
            ("seller_email", "z97-yuquerevenue@service.aliyun.com"),
            ("subject", "语雀空间 500人规模"),
            ("sign", "QfTb8tqE1BMhS5qAnXtvsF3/jBkEvu9q9en0pdbBUDDjvKycZhQb7h8GDs4FKfi049PynaNuatxSgLb/nLWZpXyyh0LEWdK2S6Ri7nPwrVgOs08zugLO20vOQz44y3ti2Ncm8/wZts1Fr2gZ7pShnVX3d1B50hbsXnObT1r/U8ONNQjWXd0HIul4TG+Q3fm3svmSvFEy0WnzuhcyHPX5Gm4ELNctL6Qd5YniGJFNcc7kopHYtI/XD9YCKCH6Ct02rzUs9i11C9CsadtZn+WhxF26Dqt9sGEFajkJ8cxUTLi8+VCpLHsgPE8P0y095uQcDdK0YjCh4x7wVSov+lrmOQ=="),
            ("buyer_id", "2088102534368455"),
            ("invoice_amount", "0.10"),
            ("notify_id", "2019081500222155624068450559358070"),
            ("fund_bill_list", "[{\"amount\":\"0.10\",\"fundChannel\":\"ALIPAYACCOUNT\"}]"),
            ("notify_type", "trade_status_sync"),
            ("trade_status", "TRADE_SUCCESS"),
            ("receipt_amount", "0.10"),
            ("buyer_pay_amount", "0.10"),
            ("sign_type", "RSA2"),
            ("app_id", "2019073166072302"),
            ("seller_id", "2088531891668739"),
            ("gmt_payment", "2019-08-15 15:56:24"),
            ("notify_time", "2019-08-15 15:56:25"),
            ("version", "1.0"),
            ("out_trade_no", "20190815155618536-564-57"),
            ("total_amount", "0.10"),
            ("trade_no", "2019081522001468450512505578"),
            ("auth_app_id", "2019073166072302"),
            ("buyer_logon_id", "xud***@126.com"),
            ("point_amount", "0.00"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    const SDK_NOTIFY_PUBLIC_KEY: &str = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAqObrdC7hrgAVM98tK0nv3hSQRGGKT4lBsQjHiGjeYZjOPIPHR5knm2jnnz/YGIXIofVHkA/tAlBAd5DrY7YpvI4tP5EONLtZKC2ghBMx7McI2wRD0xiqzxOQr1FuhZGJ8/AUokBzJrzY+aGX2xcOrxFYRlFilvVLTXg4LWjR1tdPkO6+i7wQZAIVMClPkwVRZEbaERRHlKqTzv2gGv5rDU8gRoe1LeaN+6BlbTqHWkQcNCUNrA8C6l17XAXGKDsm/9TFWwO8EPHHHCaQdjtV5/FdcWIt+L8SR1ss7EXTjYDFtxcKVv9rEoY1lX8T4mX+GbXfZHraG5NCF1+XioL5JwIDAQAB";

    fn settings() -> AlipaySettings {
        AlipaySettings {
            app_id: "2019073166072302".to_string(),
            app_private_key: keys::private_key(ALIPAY_SDK_APP_PRIVATE_KEY).unwrap(),
            alipay_public_key: keys::public_key(SDK_NOTIFY_PUBLIC_KEY).unwrap(),
            gateway: GATEWAY.to_string(),
            notify_url: "https://heat.example.cn/payments/alipay/notify".to_string(),
        }
    }

    #[test]
    fn verifies_the_sdks_notification_and_reads_it() {
        let settings = settings();
        let notice = read_notification(&settings, &sdk_notification()).unwrap();
        assert_eq!(notice.out_trade_no, "20190815155618536-564-57");
        assert_eq!(notice.transaction_id, "2019081522001468450512505578");
        assert_eq!(notice.amount, Fen(10));
        assert!(notice.paid);
        // Without sign_type, as some gateways strip it: still verifies.
        let mut without = sdk_notification();
        without.remove("sign_type");
        assert!(verify_notification(&settings.alipay_public_key, &without));
        // One field changed: forged.
        let mut changed = sdk_notification();
        changed.insert("total_amount".to_string(), "100.00".to_string());
        assert!(matches!(
            read_notification(&settings, &changed),
            Err(NoticeRefusal::Forged(_))
        ));
        let mut unsigned = sdk_notification();
        unsigned.remove("sign");
        assert!(matches!(
            read_notification(&settings, &unsigned),
            Err(NoticeRefusal::Forged(_))
        ));
        // Signed by Alipay, but for another app.
        let other = AlipaySettings {
            app_id: "2021000000000000".to_string(),
            ..settings
        };
        assert!(matches!(
            read_notification(&other, &sdk_notification()),
            Err(NoticeRefusal::Forged(_))
        ));
    }

    #[test]
    fn request_content_is_sorted_and_leaves_out_the_sign_and_empty_values() {
        let params: BTreeMap<String, String> = [("b", "2"), ("a", "1"), ("sign", "x"), ("c", "")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(signing_content(&params, &["sign"]), "a=1&b=2");
        // The Python-made vector signs the content of these parameters.
        let vector: serde_json::Value = serde_json::from_str(ALIPAY_RSA2_VECTOR).unwrap();
        let content = vector["content"].as_str().unwrap();
        let mut params: BTreeMap<String, String> = content
            .split('&')
            .map(|pair| pair.split_once('=').unwrap())
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        sign_params(
            &keys::private_key(ALIPAY_SDK_APP_PRIVATE_KEY).unwrap(),
            &mut params,
        );
        assert_eq!(params["sign"], vector["sign"].as_str().unwrap());
    }

    #[test]
    fn finds_the_raw_response_object() {
        let answer = r#"{"alipay_trade_query_response":{"code":"10000","msg":"Success","subject":"a \"}\" b","x":{"y":1}},"sign":"abc"}"#;
        assert_eq!(
            raw_value(answer, "alipay_trade_query_response"),
            Some(r#"{"code":"10000","msg":"Success","subject":"a \"}\" b","x":{"y":1}}"#)
        );
        assert_eq!(raw_value(answer, "alipay_trade_close_response"), None);
        assert_eq!(raw_value(r#"{"k": "v"}"#, "k"), None);
    }

    #[test]
    fn the_cashier_address_carries_a_verifiable_signature() {
        let mut settings = settings();
        settings.alipay_public_key = keys::public_key(ALIPAY_SDK_APP_PUBLIC_KEY).unwrap();
        let alipay = Alipay::new(settings.clone()).unwrap();
        let order = OrderToStart {
            out_trade_no: "HDP000000000042".to_string(),
            description: "2026-2027供暖季热费".to_string(),
            amount: Fen(196944),
            channel: Channel::AlipayWap,
            openid: None,
            payer_ip: "127.0.0.1".to_string(),
            return_url: "https://heat.example.cn/me/bills".to_string(),
            expires_at: 1_796_263_200,
        };
        let HandOff::Redirect { url } = alipay.start(&order).unwrap() else {
            panic!()
        };
        let query = url.split_once('?').unwrap().1;
        let params: BTreeMap<String, String> = query
            .split('&')
            .map(|pair| pair.split_once('=').unwrap())
            .map(|(k, v)| {
                let decode = |s: &str| {
                    percent_encoding::percent_decode_str(s)
                        .decode_utf8()
                        .unwrap()
                        .to_string()
                };
                (decode(k), decode(v))
            })
            .collect();
        assert_eq!(params["method"], "alipay.trade.wap.pay");
        assert!(params["biz_content"].contains("\"total_amount\":\"1969.44\""));
        assert!(params["biz_content"].contains("\"time_expire\":\"2026-12-03 10:00:00\""));
        let content = signing_content(&params, &["sign"]);
        assert!(keys::verify(
            &settings.alipay_public_key,
            content.as_bytes(),
            &params["sign"]
        ));
    }
}
