//! Work in the background: delivering texts through the configured channel
//! from the outbox, and clearing away ended sessions and old codes.

use crate::config::{Config, SmsConfig};
use app::portal::Clock;
use backend::integrations::sms::{AliyunSms, LogChannel, NotificationChannel};
use backend::Database;
use std::sync::Arc;

/// The configured channel for texts.
pub fn channel(config: &Config) -> Result<Arc<dyn NotificationChannel>, String> {
    Ok(match &config.sms {
        SmsConfig::Log => Arc::new(LogChannel),
        SmsConfig::Aliyun(settings) => Arc::new(
            AliyunSms::new(settings.clone())
                .map_err(|e| format!("配置错误 HEATDESK_ALIYUN_*: {e}"))?,
        ),
    })
}

/// Starts delivering in the background; the task stops with the runtime.
pub fn spawn_delivery(
    db: Database,
    channel: Arc<dyn NotificationChannel>,
    clock: Clock,
) -> tokio::task::JoinHandle<()> {
    tracing::info!(channel = channel.name(), "outbox delivery started");
    tokio::spawn(backend::services::delivery::run(db, channel, move || {
        clock.now()
    }))
}

/// Every ten minutes, removes ended sessions, old codes and stale WeChat links.
pub fn spawn_housekeeping(db: Database, clock: Clock) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            tick.tick().await;
            match backend::services::identity::purge_expired(&db, clock.now()).await {
                Ok(0) => {}
                Ok(removed) => tracing::info!(removed, "expired sign-in data removed"),
                Err(error) => tracing::error!(error = %error.log_detail(), "housekeeping failed"),
            }
        }
    })
}
