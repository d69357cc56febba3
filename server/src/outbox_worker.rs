//! The background delivery of texts: the channel the configuration names,
//! fed by the outbox.

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
pub fn spawn(
    db: Database,
    channel: Arc<dyn NotificationChannel>,
    clock: Clock,
) -> tokio::task::JoinHandle<()> {
    tracing::info!(channel = channel.name(), "outbox delivery started");
    tokio::spawn(backend::services::delivery::run(db, channel, move || {
        clock.now()
    }))
}
