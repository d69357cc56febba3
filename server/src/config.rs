//! Configuration from flags and environment. A bad value stops start-up with
//! one line naming the setting.

use backend::integrations::hotline::HotlineSettings;
use backend::integrations::sms::AliyunSmsSettings;
use backend::integrations::wechat::{WeChatScope, WeChatSettings};
use backend::integrations::wechat_template::{
    OutageTemplate, OutageTemplateFields, TemplateFields, WeChatTemplateSettings,
};
use clap::{Args, Parser, Subcommand};
use domain::season::{MonthDayHour, SeasonRule};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "heatdesk", version, about = "潍坊供热服务平台 heatdesk")]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the portal (the default).
    Serve {
        /// Seed the demo city when the database is empty, and print the demo accounts.
        #[arg(long, env = "HEATDESK_DEMO")]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load data into the database (refused when it already holds a city).
    #[command(group(clap::ArgGroup::new("city").required(true).args(["demo", "scale"])))]
    Seed {
        /// The small demo city.
        #[arg(long)]
        demo: bool,
        /// The demo city grown to N households (500000 when N is left out),
        /// with about ten cases of history each: for load and scale tests.
        #[arg(long, value_name = "N", num_args = 0..=1, default_missing_value = "500000",
              value_parser = clap::value_parser!(i64).range(1..=5_000_000))]
        scale: Option<i64>,
    },
    /// Simulate another system feeding the portal.
    Simulate {
        #[command(subcommand)]
        what: Simulated,
    },
    /// Import a file the operator holds, checked as the pages and the API
    /// check it.
    Import {
        #[command(subcommand)]
        what: Imported,
    },
}

#[derive(Debug, Subcommand)]
pub enum Imported {
    /// The sensor registry: CSV `sensor_id,kind,place` (place: a household's
    /// account number for indoor sensors, a station code for station and
    /// outdoor sensors), as on the registry page; refused whole, naming the
    /// lines, when any line cannot be registered.
    Sensors { file: PathBuf },
    /// A platform's readings export: CSV `sensor_id,measured_at,quantity,value`
    /// of any length, kept in batches of 1,000 exactly as the telemetry API
    /// keeps them (bad lines answered by line number, the good ones kept
    /// once; readings older than the late window are refused).
    Readings { file: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum Simulated {
    /// The smart-heating platform: registers the simulated sensors (when no
    /// sensor is registered yet) and back-fills their readings of the last
    /// DAYS days; a rerun over the same days changes nothing.
    Telemetry {
        #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(i64).range(1..=31))]
        days: i64,
    },
}

/// Settings shared by every subcommand.
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// sqlite:PATH (the default) or postgres://USER@HOST/DB.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite:data/heatdesk.db",
        global = true
    )]
    pub database_url: String,
    /// Address and port to listen on.
    #[arg(
        long,
        env = "HEATDESK_LISTEN",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub listen: String,
    /// The URL people reach the portal at (decides secure cookies, links in messages).
    #[arg(
        long,
        env = "HEATDESK_PUBLIC_URL",
        default_value = "http://127.0.0.1:3000",
        global = true
    )]
    pub public_url: String,
    /// Folder with the built site (cargo-leptos output: pkg/, favicon, …).
    #[arg(
        long,
        env = "HEATDESK_SITE_ROOT",
        default_value = "target/site",
        global = true
    )]
    pub site_root: PathBuf,
    /// Where case photos and documents are kept (created when missing).
    #[arg(
        long,
        env = "HEATDESK_UPLOAD_DIR",
        default_value = "data/uploads",
        global = true
    )]
    pub upload_dir: PathBuf,
    /// Regulated season start, "MM-DD HH:00" in Beijing time.
    #[arg(
        long,
        env = "HEATDESK_SEASON_START",
        default_value = "11-14 12:00",
        global = true
    )]
    pub season_start: String,
    /// Regulated season end (next spring), "MM-DD HH:00".
    #[arg(
        long,
        env = "HEATDESK_SEASON_END",
        default_value = "03-15 12:00",
        global = true
    )]
    pub season_end: String,
    /// Freeze the clock at this Beijing time ("2026-11-28T09:00"), for demos and tests.
    #[arg(long, env = "HEATDESK_FIXED_NOW", global = true)]
    pub fixed_now: Option<String>,
    /// Seconds a request may take before it is answered with 408.
    #[arg(
        long,
        env = "HEATDESK_REQUEST_TIMEOUT",
        default_value = "30",
        global = true
    )]
    pub request_timeout_secs: String,
    /// Take the client address from X-Forwarded-For (only behind a proxy that sets it).
    #[arg(long, env = "HEATDESK_TRUST_FORWARDED_FOR", global = true)]
    pub trust_forwarded_for: bool,
    /// Whether admins and dispatchers pass a second factor (TOTP) after
    /// their password: "on", "off", or "auto" (on outside demo mode).
    #[arg(
        long,
        env = "HEATDESK_REQUIRE_SECOND_FACTOR",
        default_value = "auto",
        global = true
    )]
    pub require_second_factor: String,
    /// Whether the local regulations let a crew seal a valve for 报停
    /// within the heating season (the suspension then counts from the
    /// seal date): "on" or "off".
    #[arg(
        long,
        env = "HEATDESK_SUSPEND_WITHIN_SEASON",
        default_value = "on",
        global = true
    )]
    pub suspend_within_season: String,
    /// Requests one Open311 key may post per minute.
    #[arg(
        long,
        env = "HEATDESK_OPEN311_POSTS_PER_MINUTE",
        default_value = "600",
        global = true
    )]
    pub open311_posts_per_minute: String,
    /// Whole months of raw telemetry readings kept (hourly rollups are kept
    /// for good).
    #[arg(
        long,
        env = "HEATDESK_TELEMETRY_RAW_MONTHS",
        default_value = "6",
        global = true
    )]
    pub telemetry_raw_months: String,
    /// Texts per second the SMS provider takes, for all instances together.
    #[arg(long, env = "HEATDESK_SMS_RATE", default_value = "100", global = true)]
    pub sms_rate: String,
    /// How many proxies in front append to X-Forwarded-For: the client is
    /// the address the outermost of them appended (1: the right-most hop).
    #[arg(
        long,
        env = "HEATDESK_TRUSTED_PROXIES",
        default_value = "1",
        global = true
    )]
    pub trusted_proxies: String,
    /// Where texts go: "aliyun" (Aliyun SMS), or "log" (the server log; demo
    /// mode only, where it is the default). Unset outside demo mode, texts
    /// wait in the outbox until a provider is configured.
    #[arg(long, env = "HEATDESK_SMS_PROVIDER", default_value = "", global = true)]
    pub sms_provider: String,
    /// Aliyun SMS AccessKey ID.
    #[arg(
        long,
        env = "HEATDESK_ALIYUN_ACCESS_KEY_ID",
        global = true,
        hide_env_values = true
    )]
    pub aliyun_access_key_id: Option<String>,
    /// Aliyun SMS AccessKey secret (set it in the environment, not on the command line).
    #[arg(
        long,
        env = "HEATDESK_ALIYUN_ACCESS_KEY_SECRET",
        global = true,
        hide_env_values = true
    )]
    pub aliyun_access_key_secret: Option<String>,
    /// The approved SMS signature (签名), e.g. 潍坊供热.
    #[arg(long, env = "HEATDESK_ALIYUN_SIGN_NAME", global = true)]
    pub aliyun_sign_name: Option<String>,
    /// The approved template code of the sign-in text, with a ${code} parameter.
    #[arg(long, env = "HEATDESK_ALIYUN_SIGN_IN_TEMPLATE", global = true)]
    pub aliyun_sign_in_template: Option<String>,
    /// The approved template code of case news, with ${case_no} and ${update};
    /// without it, case news is not texted.
    #[arg(long, env = "HEATDESK_ALIYUN_CASE_TEMPLATE", global = true)]
    pub aliyun_case_template: Option<String>,
    #[arg(long, env = "HEATDESK_ALIYUN_CONSENT_TEMPLATE", global = true)]
    pub aliyun_consent_template: Option<String>,
    /// The approved template for a household binding's code to the holder's
    /// phone (`${code}`, `${account_no}`, `${applicant}`).
    #[arg(long, env = "HEATDESK_ALIYUN_BINDING_CODE_TEMPLATE", global = true)]
    pub aliyun_binding_code_template: Option<String>,
    /// The approved template for news of a bound household to its residents
    /// (`${account_no}`, `${news}`).
    #[arg(long, env = "HEATDESK_ALIYUN_ACCOUNT_NEWS_TEMPLATE", global = true)]
    pub aliyun_account_news_template: Option<String>,
    /// The approved template for outage news (`${news}`).
    #[arg(long, env = "HEATDESK_ALIYUN_OUTAGE_NEWS_TEMPLATE", global = true)]
    pub aliyun_outage_news_template: Option<String>,
    /// Aliyun SMS endpoint (tests point it at a stub).
    #[arg(long, env = "HEATDESK_ALIYUN_ENDPOINT", global = true)]
    pub aliyun_endpoint: Option<String>,
    /// WeChat official account AppID; with the secret, enables WeChat sign-in.
    #[arg(long, env = "HEATDESK_WECHAT_APP_ID", global = true)]
    pub wechat_app_id: Option<String>,
    /// WeChat official account AppSecret.
    #[arg(
        long,
        env = "HEATDESK_WECHAT_APP_SECRET",
        global = true,
        hide_env_values = true
    )]
    pub wechat_app_secret: Option<String>,
    /// "base" (snsapi_base, silent) or "userinfo" (snsapi_userinfo, asks consent).
    #[arg(
        long,
        env = "HEATDESK_WECHAT_SCOPE",
        default_value = "base",
        global = true
    )]
    pub wechat_scope: String,
    /// WeChat API address (tests point it at a stub).
    #[arg(long, env = "HEATDESK_WECHAT_API_BASE", global = true)]
    pub wechat_api_base: Option<String>,
    /// WeChat authorize page address (tests point it at a stub).
    #[arg(long, env = "HEATDESK_WECHAT_AUTHORIZE_BASE", global = true)]
    pub wechat_authorize_base: Option<String>,
    /// The official account's template for case news (模板消息); with the
    /// app id and secret, residents who linked WeChat get case news there too.
    #[arg(long, env = "HEATDESK_WECHAT_TEMPLATE_ID", global = true)]
    pub wechat_template_id: Option<String>,
    /// The template's keys for case number, news and time.
    #[arg(long, env = "HEATDESK_WECHAT_TEMPLATE_FIELDS", global = true)]
    pub wechat_template_fields: Option<String>,
    /// The account's second template, for outage news (停热通知); needs the
    /// case template too.
    #[arg(long, env = "HEATDESK_WECHAT_OUTAGE_TEMPLATE_ID", global = true)]
    pub wechat_outage_template_id: Option<String>,
    /// The outage template's keys for title, news and time.
    #[arg(long, env = "HEATDESK_WECHAT_OUTAGE_TEMPLATE_FIELDS", global = true)]
    pub wechat_outage_template_fields: Option<String>,
    /// The secret shared with the 12345 platform; turns on its endpoints.
    #[arg(long, env = "HEATDESK_HOTLINE_SECRET", global = true)]
    pub hotline_secret: Option<String>,
    /// Where the 12345 platform takes an order's news.
    #[arg(long, env = "HEATDESK_HOTLINE_CALLBACK_URL", global = true)]
    pub hotline_callback_url: Option<String>,
    #[command(flatten)]
    pub payments: crate::payment_config::PaymentSettings,
}

/// Where sign-in codes go.
#[derive(Debug, Clone)]
pub enum SmsConfig {
    /// No provider named: the log in demo mode; otherwise texts wait.
    Unset,
    /// The server log (demo mode only: it would write codes into the log).
    Log,
    Aliyun(Box<AliyunSmsSettings>),
}

impl Config {
    /// The settings as a server in (or out of) demo mode runs with them:
    /// the `log` text channel and demo mode go together.
    pub fn for_serving(mut self, demo: bool) -> Result<Self, ConfigError> {
        self.sms = match (self.sms, demo) {
            (SmsConfig::Unset, true) => SmsConfig::Log,
            (SmsConfig::Log, false) => {
                return Err(bad(
                    "HEATDESK_SMS_PROVIDER",
                    "log 只能用于演示模式（serve --demo）：它会把验证码写进日志",
                ))
            }
            (sms, _) => sms,
        };
        Ok(self)
    }
}

/// A configuration error: the setting and what is wrong with it.
#[derive(Debug)]
pub struct ConfigError {
    pub setting: &'static str,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "配置错误 {}: {}", self.setting, self.message)
    }
}

impl std::error::Error for ConfigError {}

pub(crate) fn bad(setting: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        setting,
        message: message.into(),
    }
}

/// Settings checked and turned into the types the server uses.
#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub listen: SocketAddr,
    pub public_url: String,
    pub site_root: PathBuf,
    pub upload_dir: PathBuf,
    pub season_rule: SeasonRule,
    pub fixed_now: Option<i64>,
    pub request_timeout: std::time::Duration,
    /// Proxies whose X-Forwarded-For hops are believed (0: none; the peer
    /// address is the client).
    pub trusted_proxies: usize,
    /// Requests one Open311 key may post per minute.
    pub open311_posts_per_minute: u32,
    /// Whole months of raw telemetry readings kept.
    pub telemetry_raw_months: u32,
    /// How far ahead long planned outages must be announced.
    /// Whether admins and dispatchers pass a second factor; None: only
    /// outside demo mode.
    pub require_second_factor: Option<bool>,
    /// Whether a valve may be sealed for 报停 within the season.
    pub suspend_within_season: bool,
    pub sms: SmsConfig,
    /// Texts per second the SMS provider takes (all instances together).
    pub texts_per_second: u32,
    pub wechat: Option<WeChatSettings>,
    /// WeChat template messages for case news (needs `wechat`).
    pub wechat_templates: Option<WeChatTemplateSettings>,
    /// The 12345 platform: the shared secret and the callback.
    pub hotline: Option<HotlineSettings>,
    /// WeChat Pay, Alipay and the fee reduction scale.
    pub payments: crate::payment_config::PaymentConfig,
}

/// A setting that must be there and not blank.
fn required(value: &Option<String>, setting: &'static str) -> Result<String, ConfigError> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .ok_or_else(|| bad(setting, "未设置"))
}

fn present(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

impl Settings {
    /// WeChat template messages: on with a template id, through the official
    /// account WeChat sign-in uses; a tap opens the portal's case list.
    fn wechat_templates(
        &self,
        account: Option<&WeChatSettings>,
        public_url: &str,
    ) -> Result<Option<WeChatTemplateSettings>, ConfigError> {
        let fields = present(&self.wechat_template_fields);
        let outage = self.wechat_outage_template()?;
        let Some(template_id) = present(&self.wechat_template_id) else {
            return match (fields, outage) {
                (Some(_), _) => Err(bad(
                    "HEATDESK_WECHAT_TEMPLATE_ID",
                    "设置了模板字段但未设置模板 ID",
                )),
                (None, Some(_)) => Err(bad(
                    "HEATDESK_WECHAT_TEMPLATE_ID",
                    "停热通知模板需要同时设置工单模板 ID",
                )),
                (None, None) => Ok(None),
            };
        };
        let Some(account) = account else {
            return Err(bad(
                "HEATDESK_WECHAT_APP_ID",
                "模板消息需要公众号的 AppID 和 AppSecret",
            ));
        };
        let mut settings = WeChatTemplateSettings::new(
            account.app_id.clone(),
            account.app_secret.clone(),
            template_id,
        );
        settings.api_base = account.api_base.clone();
        settings.link_base = Some(public_url.to_string());
        settings.outage = outage;
        if let Some(fields) = fields {
            settings.fields = TemplateFields::parse(&fields).map_err(|e| {
                bad(
                    "HEATDESK_WECHAT_TEMPLATE_FIELDS",
                    format!("“{fields}”：{e}"),
                )
            })?;
        }
        backend::integrations::wechat_template::WeChatTemplates::new(settings.clone())
            .map_err(|e| bad("HEATDESK_WECHAT_TEMPLATE_ID", e))?;
        Ok(Some(settings))
    }

    /// The outage template, when its id is set; fields without an id are a
    /// mistake.
    fn wechat_outage_template(&self) -> Result<Option<OutageTemplate>, ConfigError> {
        let fields = present(&self.wechat_outage_template_fields);
        let Some(template_id) = present(&self.wechat_outage_template_id) else {
            return match fields {
                Some(_) => Err(bad(
                    "HEATDESK_WECHAT_OUTAGE_TEMPLATE_ID",
                    "设置了停热通知模板字段但未设置模板 ID",
                )),
                None => Ok(None),
            };
        };
        let fields = match fields {
            Some(fields) => OutageTemplateFields::parse(&fields).map_err(|e| {
                bad(
                    "HEATDESK_WECHAT_OUTAGE_TEMPLATE_FIELDS",
                    format!("“{fields}”：{e}"),
                )
            })?,
            None => OutageTemplateFields::default(),
        };
        Ok(Some(OutageTemplate {
            template_id,
            fields,
        }))
    }

    /// The 12345 platform: on with a shared secret; a callback URL without
    /// one is a mistake.
    fn hotline(&self) -> Result<Option<HotlineSettings>, ConfigError> {
        let callback_url = present(&self.hotline_callback_url);
        let Some(secret) = present(&self.hotline_secret) else {
            return match callback_url {
                Some(_) => Err(bad(
                    "HEATDESK_HOTLINE_SECRET",
                    "设置了回调地址但未设置共享密钥",
                )),
                None => Ok(None),
            };
        };
        let settings = HotlineSettings {
            secret,
            callback_url,
            timeout: backend::integrations::hotline::HOTLINE_DEFAULT_TIMEOUT,
        };
        backend::integrations::hotline::HotlineCallbacks::new(settings.clone()).map_err(|e| {
            let setting = if e.contains("secret") {
                "HEATDESK_HOTLINE_SECRET"
            } else {
                "HEATDESK_HOTLINE_CALLBACK_URL"
            };
            bad(setting, e)
        })?;
        Ok(Some(settings))
    }

    pub fn validate(&self) -> Result<Config, ConfigError> {
        backend::db::Engine::of_url(&self.database_url)
            .map_err(|e| bad("DATABASE_URL", e.to_string()))?;
        let listen = self.listen.parse().map_err(|_| {
            bad(
                "HEATDESK_LISTEN",
                format!("“{}”不是“地址:端口”，例如 127.0.0.1:3000", self.listen),
            )
        })?;
        let public_url = self.public_url.trim_end_matches('/').to_string();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(bad(
                "HEATDESK_PUBLIC_URL",
                "必须以 http:// 或 https:// 开头",
            ));
        }
        let start = MonthDayHour::parse(&self.season_start)
            .map_err(|e| bad("HEATDESK_SEASON_START", e.to_string()))?;
        let end = MonthDayHour::parse(&self.season_end)
            .map_err(|e| bad("HEATDESK_SEASON_END", e.to_string()))?;
        let season_rule = SeasonRule::new(start, end)
            .map_err(|e| bad("HEATDESK_SEASON_START/END", e.to_string()))?;
        let fixed_now = match &self.fixed_now {
            None => None,
            Some(text) if text.trim().is_empty() => None,
            Some(text) => Some(domain::clock::parse_local_input(text).ok_or_else(|| {
                bad(
                    "HEATDESK_FIXED_NOW",
                    format!("“{text}”应写作 2026-11-28T09:00"),
                )
            })?),
        };
        let request_timeout = self
            .request_timeout_secs
            .parse::<u64>()
            .ok()
            .filter(|s| (1..=600).contains(s))
            .map(std::time::Duration::from_secs)
            .ok_or_else(|| bad("HEATDESK_REQUEST_TIMEOUT", "应为 1 到 600 之间的秒数"))?;
        let sms = match self.sms_provider.trim() {
            "" => SmsConfig::Unset,
            "log" => SmsConfig::Log,
            "aliyun" => {
                let mut settings = AliyunSmsSettings::new(
                    required(&self.aliyun_access_key_id, "HEATDESK_ALIYUN_ACCESS_KEY_ID")?,
                    required(
                        &self.aliyun_access_key_secret,
                        "HEATDESK_ALIYUN_ACCESS_KEY_SECRET",
                    )?,
                    required(&self.aliyun_sign_name, "HEATDESK_ALIYUN_SIGN_NAME")?,
                    required(
                        &self.aliyun_sign_in_template,
                        "HEATDESK_ALIYUN_SIGN_IN_TEMPLATE",
                    )?,
                );
                if let Some(endpoint) = present(&self.aliyun_endpoint) {
                    settings.endpoint = endpoint;
                }
                settings.case_update_template = present(&self.aliyun_case_template);
                settings.consent_template = present(&self.aliyun_consent_template);
                settings.binding_code_template = present(&self.aliyun_binding_code_template);
                settings.account_news_template = present(&self.aliyun_account_news_template);
                settings.outage_news_template = present(&self.aliyun_outage_news_template);
                backend::integrations::sms::AliyunSms::new(settings.clone())
                    .map_err(|e| bad("HEATDESK_ALIYUN_ENDPOINT", e))?;
                SmsConfig::Aliyun(Box::new(settings))
            }
            other => {
                return Err(bad(
                    "HEATDESK_SMS_PROVIDER",
                    format!("“{other}”不是 log 或 aliyun"),
                ))
            }
        };
        let wechat = match (
            present(&self.wechat_app_id),
            present(&self.wechat_app_secret),
        ) {
            (None, None) => None,
            (Some(app_id), Some(app_secret)) => {
                let scope = match self.wechat_scope.trim() {
                    "base" | "snsapi_base" => WeChatScope::Base,
                    "userinfo" | "snsapi_userinfo" => WeChatScope::UserInfo,
                    other => {
                        return Err(bad(
                            "HEATDESK_WECHAT_SCOPE",
                            format!("“{other}”不是 base 或 userinfo"),
                        ))
                    }
                };
                let mut settings = WeChatSettings::new(app_id, app_secret, scope);
                if let Some(api) = present(&self.wechat_api_base) {
                    settings.api_base = api;
                }
                if let Some(authorize) = present(&self.wechat_authorize_base) {
                    settings.authorize_base = authorize;
                }
                backend::integrations::wechat::WeChatOAuth::new(settings.clone())
                    .map_err(|e| bad("HEATDESK_WECHAT_API_BASE", e))?;
                Some(settings)
            }
            (Some(_), None) => {
                return Err(bad(
                    "HEATDESK_WECHAT_APP_SECRET",
                    "设置了 AppID 但未设置 AppSecret",
                ))
            }
            (None, Some(_)) => {
                return Err(bad(
                    "HEATDESK_WECHAT_APP_ID",
                    "设置了 AppSecret 但未设置 AppID",
                ))
            }
        };
        let wechat_templates = self.wechat_templates(wechat.as_ref(), &public_url)?;
        let hotline = self.hotline()?;
        let trusted_proxies = match self.trusted_proxies.trim().parse::<usize>() {
            Ok(n @ 1..=5) if self.trust_forwarded_for => n,
            Ok(1..=5) => 0,
            _ => {
                return Err(bad(
                    "HEATDESK_TRUSTED_PROXIES",
                    "应为 1 到 5 之间的整数（客户端与本服务之间的反向代理层数）",
                ))
            }
        };
        let open311_posts_per_minute = self
            .open311_posts_per_minute
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| bad("HEATDESK_OPEN311_POSTS_PER_MINUTE", "应为正整数"))?;
        let telemetry_raw_months = self
            .telemetry_raw_months
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=60).contains(n))
            .ok_or_else(|| {
                bad(
                    "HEATDESK_TELEMETRY_RAW_MONTHS",
                    "应为 1 到 60 之间的整数（保留原始数据的整月数）",
                )
            })?;
        let texts_per_second = self
            .sms_rate
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=domain::delivery::MAX_TEXTS_PER_SECOND).contains(n))
            .ok_or_else(|| {
                bad(
                    "HEATDESK_SMS_RATE",
                    format!(
                        "应为 1 到 {} 之间的整数（每秒条数）",
                        domain::delivery::MAX_TEXTS_PER_SECOND
                    ),
                )
            })?;
        let require_second_factor = match self.require_second_factor.trim() {
            "auto" | "" => None,
            "on" | "1" | "true" | "yes" => Some(true),
            "off" | "0" | "false" | "no" => Some(false),
            _ => {
                return Err(bad(
                    "HEATDESK_REQUIRE_SECOND_FACTOR",
                    "应为 auto、on 或 off",
                ))
            }
        };
        let suspend_within_season = match self.suspend_within_season.trim() {
            "on" | "1" | "true" | "yes" => true,
            "off" | "0" | "false" | "no" => false,
            _ => return Err(bad("HEATDESK_SUSPEND_WITHIN_SEASON", "应为 on 或 off")),
        };
        let payments = self.payments.validate(&public_url)?;
        Ok(Config {
            hotline,
            payments,
            suspend_within_season,
            trusted_proxies,
            open311_posts_per_minute,
            telemetry_raw_months,
            require_second_factor,
            sms,
            texts_per_second,
            wechat,
            wechat_templates,
            database_url: self.database_url.clone(),
            listen,
            public_url,
            site_root: self.site_root.clone(),
            upload_dir: self.upload_dir.clone(),
            season_rule,
            fixed_now,
            request_timeout,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Settings {
        Cli::parse_from(["heatdesk"]).settings
    }

    #[test]
    fn defaults_are_valid() {
        let config = settings().validate().unwrap();
        assert_eq!(config.listen.to_string(), "127.0.0.1:3000");
        assert_eq!(config.season_rule, SeasonRule::default());
        assert_eq!(config.fixed_now, None);
        assert_eq!(
            config.texts_per_second,
            domain::delivery::DEFAULT_TEXTS_PER_SECOND
        );
    }

    /// A setting's name and a way to break it.
    type BrokenSetting = (&'static str, fn(&mut Settings));

    #[test]
    fn each_bad_value_names_its_setting() {
        let cases: [BrokenSetting; 16] = [
            ("HEATDESK_SMS_RATE", |s| s.sms_rate = "0".into()),
            ("HEATDESK_SMS_RATE", |s| s.sms_rate = "10001".into()),
            ("HEATDESK_SMS_PROVIDER", |s| {
                s.sms_provider = "carrier-pigeon".into()
            }),
            ("HEATDESK_ALIYUN_ACCESS_KEY_ID", |s| {
                s.sms_provider = "aliyun".into()
            }),
            ("HEATDESK_WECHAT_APP_SECRET", |s| {
                s.wechat_app_id = Some("wx123".into())
            }),
            ("HEATDESK_WECHAT_APP_ID", |s| {
                s.wechat_template_id = Some("TPL-1".into())
            }),
            ("HEATDESK_WECHAT_TEMPLATE_FIELDS", |s| {
                s.wechat_app_id = Some("wx123".into());
                s.wechat_app_secret = Some("secret".into());
                s.wechat_template_id = Some("TPL-1".into());
                s.wechat_template_fields = Some("thing2,time3".into());
            }),
            ("HEATDESK_WECHAT_TEMPLATE_ID", |s| {
                s.wechat_template_fields = Some("character_string1,thing2,time3".into())
            }),
            ("HEATDESK_WECHAT_OUTAGE_TEMPLATE_ID", |s| {
                s.wechat_outage_template_fields = Some("thing1,thing2,time3".into())
            }),
            ("HEATDESK_WECHAT_OUTAGE_TEMPLATE_FIELDS", |s| {
                s.wechat_outage_template_id = Some("TPL-2".into());
                s.wechat_outage_template_fields = Some("thing1,thing1,time3".into());
            }),
            ("DATABASE_URL", |s| s.database_url = "mysql://x".into()),
            ("HEATDESK_LISTEN", |s| s.listen = "port 3000".into()),
            ("HEATDESK_PUBLIC_URL", |s| {
                s.public_url = "example.com".into()
            }),
            ("HEATDESK_SEASON_START", |s| {
                s.season_start = "11-31 12:00".into()
            }),
            ("HEATDESK_FIXED_NOW", |s| {
                s.fixed_now = Some("yesterday".into())
            }),
            ("HEATDESK_REQUEST_TIMEOUT", |s| {
                s.request_timeout_secs = "0".into()
            }),
        ];
        for (setting, break_it) in cases {
            let mut broken = settings();
            break_it(&mut broken);
            let error = broken.validate().unwrap_err();
            assert_eq!(error.setting, setting);
            assert!(error
                .to_string()
                .starts_with(&format!("配置错误 {setting}: ")));
        }
    }

    #[test]
    fn wechat_template_messages_use_the_official_account() {
        let mut with_template = settings();
        with_template.wechat_app_id = Some("wx123".into());
        with_template.wechat_app_secret = Some("app-secret".into());
        with_template.wechat_api_base = Some("http://127.0.0.1:9/".into());
        with_template.wechat_template_id = Some(" TPL-1 ".into());
        let config = with_template.validate().unwrap();
        let templates = config.wechat_templates.expect("template messages on");
        assert_eq!(templates.app_id, "wx123");
        assert_eq!(templates.app_secret, "app-secret");
        assert_eq!(templates.template_id, "TPL-1");
        assert_eq!(templates.api_base, "http://127.0.0.1:9/");
        assert_eq!(
            templates.link_base.as_deref(),
            Some("http://127.0.0.1:3000")
        );
        assert_eq!(templates.fields, TemplateFields::default());

        with_template.wechat_template_fields = Some("keyword1,keyword2,keyword3".into());
        let fields = with_template
            .validate()
            .unwrap()
            .wechat_templates
            .unwrap()
            .fields;
        assert_eq!(fields.update, "keyword2");
        assert!(with_template
            .validate()
            .unwrap()
            .wechat_templates
            .unwrap()
            .outage
            .is_none());
        with_template.wechat_outage_template_id = Some("TPL-OUTAGE".into());
        let outage = with_template
            .validate()
            .unwrap()
            .wechat_templates
            .unwrap()
            .outage
            .expect("an outage template");
        assert_eq!(outage.template_id, "TPL-OUTAGE");
        assert_eq!(outage.fields, OutageTemplateFields::default());
        let mut outage_only = settings();
        outage_only.wechat_app_id = Some("wx123".into());
        outage_only.wechat_app_secret = Some("app-secret".into());
        outage_only.wechat_outage_template_id = Some("TPL-OUTAGE".into());
        assert_eq!(
            outage_only.validate().unwrap_err().setting,
            "HEATDESK_WECHAT_TEMPLATE_ID"
        );

        let mut sign_in_only = settings();
        sign_in_only.wechat_app_id = Some("wx123".into());
        sign_in_only.wechat_app_secret = Some("app-secret".into());
        let config = sign_in_only.validate().unwrap();
        assert!(config.wechat.is_some() && config.wechat_templates.is_none());
    }

    #[test]
    fn subcommands_parse() {
        let cli = Cli::parse_from(["heatdesk", "seed", "--demo"]);
        assert!(matches!(
            cli.command,
            Some(Command::Seed {
                demo: true,
                scale: None
            })
        ));
        let cli = Cli::parse_from(["heatdesk", "seed", "--scale"]);
        assert!(matches!(
            cli.command,
            Some(Command::Seed {
                scale: Some(500_000),
                ..
            })
        ));
        let cli = Cli::parse_from(["heatdesk", "seed", "--scale", "3000"]);
        assert!(matches!(
            cli.command,
            Some(Command::Seed {
                scale: Some(3000),
                ..
            })
        ));
        assert!(Cli::try_parse_from(["heatdesk", "seed"]).is_err());
        let cli = Cli::parse_from(["heatdesk", "import", "readings", "export.csv"]);
        assert!(matches!(
            cli.command,
            Some(Command::Import { what: Imported::Readings { ref file } }) if file.as_os_str() == "export.csv"
        ));
        assert!(Cli::try_parse_from(["heatdesk", "import", "sensors"]).is_err());
        assert!(Cli::try_parse_from(["heatdesk", "seed", "--scale", "0"]).is_err());
        let cli = Cli::parse_from(["heatdesk", "--database-url", "postgres://x/y", "migrate"]);
        assert!(matches!(cli.command, Some(Command::Migrate)));
        assert_eq!(cli.settings.database_url, "postgres://x/y");
    }
}
