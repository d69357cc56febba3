//! Work in the background: delivering texts and WeChat template messages
//! through the configured channels from the outbox, and clearing away ended
//! sessions and old codes.

use crate::config::{Config, SmsConfig};
use app::context::TimeSource;
use backend::integrations::hotline::HotlineCallbacks;
use backend::integrations::sms::{AliyunSms, LogChannel, NotificationChannel, UnconfiguredChannel};
use backend::integrations::wechat_template::WeChatTemplates;
use backend::integrations::wechat_token::AccessTokens;
use backend::services::delivery::Channels;
use backend::{Database, PortalSettings};
use std::sync::Arc;

/// The configured channel for texts.
pub fn channel(config: &Config) -> Result<Arc<dyn NotificationChannel>, String> {
    Ok(match &config.sms {
        SmsConfig::Log => Arc::new(LogChannel),
        SmsConfig::Unset => {
            tracing::warn!(
                "no SMS provider configured (HEATDESK_SMS_PROVIDER): texts wait in the outbox"
            );
            Arc::new(UnconfiguredChannel)
        }
        SmsConfig::Aliyun(settings) => Arc::new(
            AliyunSms::new(settings.as_ref().clone())
                .map_err(|e| format!("配置错误 HEATDESK_ALIYUN_*: {e}"))?,
        ),
    })
}

/// The configured channels: texts, and WeChat template messages when a
/// template is configured (with the account's one access token holder,
/// `tokens`, when there is one).
pub fn channels(config: &Config, tokens: Option<Arc<AccessTokens>>) -> Result<Channels, String> {
    let wechat = match &config.wechat_templates {
        None => None,
        Some(settings) => Some(Arc::new(
            match tokens {
                Some(tokens) => WeChatTemplates::with_tokens(settings.clone(), tokens),
                None => WeChatTemplates::new(settings.clone()),
            }
            .map_err(|e| format!("配置错误 HEATDESK_WECHAT_TEMPLATE_ID: {e}"))?,
        )),
    };
    let hotline = match &config.hotline {
        None => None,
        Some(settings) => Some(Arc::new(
            HotlineCallbacks::new(settings.clone())
                .map_err(|e| format!("配置错误 HEATDESK_HOTLINE_*: {e}"))?,
        )),
    };
    Ok(Channels {
        sms: channel(config)?,
        wechat,
        hotline,
        texts_per_second: config.texts_per_second,
    })
}

/// Starts delivering in the background; the task stops with the runtime.
pub fn spawn_delivery(
    db: Database,
    channels: Channels,
    clock: TimeSource,
) -> tokio::task::JoinHandle<()> {
    tracing::info!(
        channel = channels.sms.name(),
        wechat = channels.wechat.is_some(),
        texts_per_second = channels.texts_per_second,
        "outbox delivery started"
    );
    tokio::spawn(backend::services::delivery::run(db, channels, move || {
        clock.now()
    }))
}

/// Every ten minutes, removes ended sessions, old codes and stale WeChat
/// links; readies telemetry partitions, drops raw months past
/// `telemetry_raw_months`, reviews which sensors to trust and computes the
/// days of 室温达标率 still due.
pub fn spawn_housekeeping(
    db: Database,
    clock: TimeSource,
    settings: Arc<PortalSettings>,
    telemetry_raw_months: u32,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            tick.tick().await;
            let now = clock.now();
            match backend::services::identity::purge_expired(&db, now).await {
                Ok(0) => {}
                Ok(removed) => tracing::info!(removed, "expired sign-in data removed"),
                Err(error) => tracing::error!(error = %error.log_detail(), "housekeeping failed"),
            }
            match backend::services::telemetry::upkeep::housekeeping(&db, now, telemetry_raw_months)
                .await
            {
                Ok(done) if done == Default::default() => {}
                Ok(done) => tracing::info!(
                    flagged = done.flagged,
                    cleared = done.cleared,
                    raw_dropped = done.raw_dropped,
                    "telemetry housekeeping"
                ),
                Err(error) => {
                    tracing::error!(error = %error.log_detail(), "telemetry housekeeping failed")
                }
            }
            refresh_compliance(&db, &settings, now, now).await;
        }
    })
}

/// Computes the days of 室温达标率 still due, and those whose hours
/// readings since `filled_since` reached (none when it is `now`), and says
/// so in the log.
async fn refresh_compliance(db: &Database, settings: &PortalSettings, filled_since: i64, now: i64) {
    use backend::services::telemetry::compliance::refresh_after_fill;
    match refresh_after_fill(db, settings, filled_since, now, now).await {
        Ok(0) => {}
        Ok(days) => tracing::info!(days, "indoor compliance computed"),
        Err(error) => {
            tracing::error!(error = %error.log_detail(), "indoor compliance not computed")
        }
    }
}

/// In demo mode: the simulated smart-heating platform registers its
/// sensors, back-fills two days, then reports every five minutes, so the
/// demo shows live data.
pub fn spawn_telemetry_simulator(
    db: Database,
    clock: TimeSource,
    settings: Arc<PortalSettings>,
) -> tokio::task::JoinHandle<()> {
    use backend::seed::telemetry::{register_sensors, simulate};
    use backend::services::telemetry::upkeep::review_sensors;
    tokio::spawn(async move {
        let started = clock.now();
        if let Err(error) = register_sensors(&db, started).await {
            tracing::error!(error = %error.log_detail(), "simulated sensors not registered");
            return;
        }
        let mut from = started - 2 * 86_400;
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(300));
        loop {
            tick.tick().await;
            let now = clock.now();
            match simulate(&db, from, now, now, &mut |_, _| {}).await {
                Ok(done) => {
                    tracing::debug!(kept = done.kept, "simulated telemetry");
                    let from_before = std::mem::replace(&mut from, now);
                    // Trust follows the data at once, not at the next
                    // housekeeping round.
                    if let Err(error) = review_sensors(&db, now).await {
                        tracing::error!(error = %error.log_detail(), "sensor review failed");
                    }
                    // And the back-filled days show in the city's figures,
                    // even those housekeeping computed before they arrived.
                    refresh_compliance(&db, &settings, from_before, now).await;
                }
                Err(error) => {
                    tracing::error!(error = %error.log_detail(), "simulated telemetry failed")
                }
            }
        }
    })
}

/// Follows up payments every minute: asks the providers about orders
/// quiet for five minutes, closes those left unpaid, sends refunds.
pub fn spawn_payment_follow_up(
    db: Database,
    providers: Arc<backend::integrations::payments::PaymentProviders>,
    clock: TimeSource,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            tick.tick().await;
            match backend::services::payments::follow_up_orders(&db, &providers, clock.now()).await
            {
                Ok(done) if done == Default::default() => {}
                Ok(done) => tracing::info!(
                    queried = done.queried,
                    paid = done.paid,
                    closed = done.closed,
                    refunds_sent = done.refunds_sent,
                    refunds_failed = done.refunds_failed,
                    "payments followed up"
                ),
                Err(error) => {
                    tracing::error!(error = %error.log_detail(), "payment follow-up failed")
                }
            }
        }
    })
}
