//! Delivers what the outbox holds through the configured channel, at least
//! once: a message leaves the outbox only when the provider took it, or when
//! retrying cannot help.

use crate::db::Database;
use crate::error::BackendResult;
use crate::integrations::sms::{NotificationChannel, OutgoingText, SendFailure, TextTemplate};
use crate::services::identity::SMS_CHANNEL;
use crate::store::outbox;
use domain::phone::mask_phone;
use std::sync::Arc;
use std::time::Duration;

/// Attempts before a message that keeps failing is given up.
pub const MAX_ATTEMPTS: i64 = 5;
/// The first retry waits this long; each further one twice as long.
pub const FIRST_RETRY_AFTER: i64 = 10;
/// A sign-in code older than this is useless and no longer sent.
pub const CODE_USEFUL_FOR: i64 = 5 * 60;

/// What one round of delivery did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DeliveryRound {
    pub delivered: usize,
    pub retrying: usize,
    pub abandoned: usize,
}

/// Sends every message due at `now`, once.
pub async fn deliver_due(
    db: &Database,
    channel: &dyn NotificationChannel,
    now: i64,
) -> BackendResult<DeliveryRound> {
    let mut round = DeliveryRound::default();
    for message in outbox::due(db.reader(), now, 50).await? {
        let give_up = |reason: &str| (reason.to_string(), None);
        let text = serde_json::from_str::<TextTemplate>(&message.payload);
        let outcome = match text {
            _ if message.channel != SMS_CHANNEL => Err(give_up("unknown channel")),
            Err(_) => Err(give_up("unreadable payload")),
            Ok(TextTemplate::SignInCode { .. }) if now - message.created_at > CODE_USEFUL_FOR => {
                Err(give_up("code expired before delivery"))
            }
            Ok(template) => {
                let text = OutgoingText {
                    phone: message.recipient.clone(),
                    message: template,
                };
                match channel.send(&text).await {
                    Ok(()) => Ok(()),
                    Err(SendFailure::Refused { code, message }) => {
                        Err(give_up(&format!("refused: {code} {message}")))
                    }
                    Err(SendFailure::Unavailable(reason)) => {
                        let attempts = message.attempts + 1;
                        let retry_at = (attempts < MAX_ATTEMPTS)
                            .then(|| now + FIRST_RETRY_AFTER * (1 << (attempts - 1).min(10)));
                        Err((format!("unavailable: {reason}"), retry_at))
                    }
                }
            }
        };
        match outcome {
            Ok(()) => {
                // The log channel's texts stay readable for the demo outbox page;
                // a code a real provider delivered is not kept.
                let keep = channel.name() == "log";
                outbox::mark_delivered(db.writer(), message.id, now, keep).await?;
                round.delivered += 1;
            }
            Err((reason, retry_at)) => {
                tracing::warn!(
                    outbox_id = message.id,
                    recipient = %mask_phone(&message.recipient),
                    channel = channel.name(),
                    %reason,
                    will_retry = retry_at.is_some(),
                    "text message not delivered"
                );
                outbox::mark_failed(db.writer(), message.id, &reason, retry_at, now).await?;
                if retry_at.is_some() {
                    round.retrying += 1;
                } else {
                    round.abandoned += 1;
                }
            }
        }
    }
    Ok(round)
}

/// Delivers due messages every second until the task is dropped.
pub async fn run(
    db: Database,
    channel: Arc<dyn NotificationChannel>,
    now: impl Fn() -> i64 + Send + 'static,
) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(error) = deliver_due(&db, channel.as_ref(), now()).await {
            tracing::error!(error = %error.log_detail(), "outbox delivery round failed");
        }
    }
}

/// The newest texts of the log channel, as a person would read them: the
/// demo's stand-in for a phone.
pub async fn demo_messages(db: &Database, limit: i64) -> BackendResult<Vec<(i64, String, String)>> {
    Ok(outbox::recent(db.reader(), SMS_CHANNEL, limit)
        .await?
        .into_iter()
        .filter_map(|m| {
            let text = serde_json::from_str::<TextTemplate>(&m.payload).ok()?;
            Some((m.created_at, m.recipient, text.render()))
        })
        .collect())
}
