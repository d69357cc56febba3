//! The payment providers' settings: a merchant account with WeChat Pay
//! (API v3) and an app with Alipay, each on when its settings are all
//! there, and the fee reduction scale. Keys are read from files, never
//! from the environment itself.

use std::path::{Path, PathBuf};

use backend::integrations::payments::{keys, AlipaySettings, WeChatPaySettings};
use clap::Args;
use domain::fees::reduction::ReductionScale;

use crate::config::{bad, ConfigError};

#[derive(Debug, Clone, Args, Default)]
pub struct PaymentSettings {
    /// WeChat Pay merchant number (商户号); with the rest below, turns on
    /// paying with WeChat Pay.
    #[arg(long, env = "HEATDESK_WECHATPAY_MCH_ID", global = true)]
    pub wechatpay_mch_id: Option<String>,
    /// The AppID the payments belong to (the official account's).
    #[arg(long, env = "HEATDESK_WECHATPAY_APP_ID", global = true)]
    pub wechatpay_app_id: Option<String>,
    /// The serial number of the merchant's API certificate.
    #[arg(long, env = "HEATDESK_WECHATPAY_MERCHANT_SERIAL", global = true)]
    pub wechatpay_merchant_serial: Option<String>,
    /// The merchant's private key (apiclient_key.pem).
    #[arg(long, env = "HEATDESK_WECHATPAY_MERCHANT_KEY_FILE", global = true)]
    pub wechatpay_merchant_key_file: Option<PathBuf>,
    /// WeChat Pay's keys that sign its answers and notifications:
    /// `SERIAL=/path/key.pem`, several separated by commas while switching
    /// from platform certificates to a public key (`PUB_KEY_ID_…=…`).
    #[arg(long, env = "HEATDESK_WECHATPAY_PLATFORM_KEYS", global = true)]
    pub wechatpay_platform_keys: Option<String>,
    /// The APIv3 key (32 characters) that decrypts notifications.
    #[arg(long, env = "HEATDESK_WECHATPAY_API_V3_KEY", global = true)]
    pub wechatpay_api_v3_key: Option<String>,
    /// WeChat Pay's API address (tests point it at a stub).
    #[arg(long, env = "HEATDESK_WECHATPAY_API_BASE", global = true)]
    pub wechatpay_api_base: Option<String>,
    /// Alipay AppID; with the keys below, turns on paying with Alipay.
    #[arg(long, env = "HEATDESK_ALIPAY_APP_ID", global = true)]
    pub alipay_app_id: Option<String>,
    /// The app's private key (RSA2).
    #[arg(long, env = "HEATDESK_ALIPAY_APP_KEY_FILE", global = true)]
    pub alipay_app_key_file: Option<PathBuf>,
    /// Alipay's public key (支付宝公钥).
    #[arg(long, env = "HEATDESK_ALIPAY_PUBLIC_KEY_FILE", global = true)]
    pub alipay_public_key_file: Option<PathBuf>,
    /// Alipay's gateway (tests point it at a stub).
    #[arg(long, env = "HEATDESK_ALIPAY_GATEWAY", global = true)]
    pub alipay_gateway: Option<String>,
    /// The fee reduction scale (潍坊市供热条例 Art. 37): bands of ℃ with
    /// their percent per day, "16-18:20,14-16:50,-14:100".
    #[arg(long, env = "HEATDESK_FEE_REDUCTION_SCALE", global = true)]
    pub fee_reduction_scale: Option<String>,
}

/// The checked settings.
#[derive(Clone, Default)]
pub struct PaymentConfig {
    pub wechat: Option<WeChatPaySettings>,
    pub alipay: Option<AlipaySettings>,
    pub reduction_scale: ReductionScale,
}

impl std::fmt::Debug for PaymentConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PaymentConfig")
            .field("wechat", &self.wechat.as_ref().map(|w| &w.mch_id))
            .field("alipay", &self.alipay.as_ref().map(|a| &a.app_id))
            .field("reduction_scale", &self.reduction_scale)
            .finish()
    }
}

fn present(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

fn read_key(path: &Path, setting: &'static str) -> Result<String, ConfigError> {
    std::fs::read_to_string(path)
        .map_err(|e| bad(setting, format!("无法读取 {}：{e}", path.display())))
}

impl PaymentSettings {
    pub fn validate(&self, public_url: &str) -> Result<PaymentConfig, ConfigError> {
        let reduction_scale = match present(&self.fee_reduction_scale) {
            Some(scale) => ReductionScale::parse(&scale)
                .map_err(|e| bad("HEATDESK_FEE_REDUCTION_SCALE", format!("“{scale}”：{e}")))?,
            None => ReductionScale::default(),
        };
        Ok(PaymentConfig {
            wechat: self.wechat(public_url)?,
            alipay: self.alipay(public_url)?,
            reduction_scale,
        })
    }

    fn wechat(&self, public_url: &str) -> Result<Option<WeChatPaySettings>, ConfigError> {
        let mch_id = present(&self.wechatpay_mch_id);
        let any_other = present(&self.wechatpay_app_id).is_some()
            || self.wechatpay_merchant_key_file.is_some()
            || present(&self.wechatpay_platform_keys).is_some()
            || present(&self.wechatpay_api_v3_key).is_some();
        let Some(mch_id) = mch_id else {
            return if any_other {
                Err(bad(
                    "HEATDESK_WECHATPAY_MCH_ID",
                    "设置了微信支付的其他项但未设置商户号",
                ))
            } else {
                Ok(None)
            };
        };
        let missing = |setting: &'static str| bad(setting, "开通微信支付需要设置这一项");
        let app_id =
            present(&self.wechatpay_app_id).ok_or_else(|| missing("HEATDESK_WECHATPAY_APP_ID"))?;
        let merchant_serial = present(&self.wechatpay_merchant_serial)
            .ok_or_else(|| missing("HEATDESK_WECHATPAY_MERCHANT_SERIAL"))?;
        let key_file = self
            .wechatpay_merchant_key_file
            .as_deref()
            .ok_or_else(|| missing("HEATDESK_WECHATPAY_MERCHANT_KEY_FILE"))?;
        let merchant_key =
            keys::private_key(&read_key(key_file, "HEATDESK_WECHATPAY_MERCHANT_KEY_FILE")?)
                .map_err(|e| bad("HEATDESK_WECHATPAY_MERCHANT_KEY_FILE", e))?;
        let listed = present(&self.wechatpay_platform_keys)
            .ok_or_else(|| missing("HEATDESK_WECHATPAY_PLATFORM_KEYS"))?;
        let mut platform_keys = Vec::new();
        for entry in listed.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (serial, path) = entry.split_once('=').ok_or_else(|| {
                bad(
                    "HEATDESK_WECHATPAY_PLATFORM_KEYS",
                    format!("“{entry}” 应写作 序列号=公钥文件路径"),
                )
            })?;
            let text = read_key(Path::new(path.trim()), "HEATDESK_WECHATPAY_PLATFORM_KEYS")?;
            let key =
                keys::public_key(&text).map_err(|e| bad("HEATDESK_WECHATPAY_PLATFORM_KEYS", e))?;
            platform_keys.push((serial.trim().to_string(), key));
        }
        let api_v3_key: [u8; 32] = present(&self.wechatpay_api_v3_key)
            .ok_or_else(|| missing("HEATDESK_WECHATPAY_API_V3_KEY"))?
            .as_bytes()
            .try_into()
            .map_err(|_| bad("HEATDESK_WECHATPAY_API_V3_KEY", "APIv3 密钥应为 32 个字符"))?;
        Ok(Some(WeChatPaySettings {
            mch_id,
            app_id,
            merchant_serial,
            merchant_key,
            platform_keys,
            api_v3_key,
            notify_url: format!(
                "{}/payments/wechat/notify",
                public_url.trim_end_matches('/')
            ),
            api_base: present(&self.wechatpay_api_base).unwrap_or_else(|| {
                backend::integrations::payments::wechat_pay::API_BASE.to_string()
            }),
        }))
    }

    fn alipay(&self, public_url: &str) -> Result<Option<AlipaySettings>, ConfigError> {
        let Some(app_id) = present(&self.alipay_app_id) else {
            return if self.alipay_app_key_file.is_some() || self.alipay_public_key_file.is_some() {
                Err(bad(
                    "HEATDESK_ALIPAY_APP_ID",
                    "设置了支付宝密钥但未设置 AppID",
                ))
            } else {
                Ok(None)
            };
        };
        let missing = |setting: &'static str| bad(setting, "开通支付宝支付需要设置这一项");
        let app_key_file = self
            .alipay_app_key_file
            .as_deref()
            .ok_or_else(|| missing("HEATDESK_ALIPAY_APP_KEY_FILE"))?;
        let public_key_file = self
            .alipay_public_key_file
            .as_deref()
            .ok_or_else(|| missing("HEATDESK_ALIPAY_PUBLIC_KEY_FILE"))?;
        Ok(Some(AlipaySettings {
            app_id,
            app_private_key: keys::private_key(&read_key(
                app_key_file,
                "HEATDESK_ALIPAY_APP_KEY_FILE",
            )?)
            .map_err(|e| bad("HEATDESK_ALIPAY_APP_KEY_FILE", e))?,
            alipay_public_key: keys::public_key(&read_key(
                public_key_file,
                "HEATDESK_ALIPAY_PUBLIC_KEY_FILE",
            )?)
            .map_err(|e| bad("HEATDESK_ALIPAY_PUBLIC_KEY_FILE", e))?,
            gateway: present(&self.alipay_gateway)
                .unwrap_or_else(|| backend::integrations::payments::alipay::GATEWAY.to_string()),
            notify_url: format!(
                "{}/payments/alipay/notify",
                public_url.trim_end_matches('/')
            ),
        }))
    }
}
