//! Delivers what the outbox holds through the configured channels, at least
//! once: a message leaves the outbox only when the provider took it, or when
//! retrying cannot help.
//!
//! Rows are routed by their channel: "sms" rows (a phone number and any
//! [`TextTemplate`]) go through the text channel, "wechat" rows (an openid
//! and a [`WeChatMessage`]) through WeChat template messages when they are
//! configured. Retries, back-off and give-ups are the same for both.
//!
//! Texts go out within the provider's rate (texts per second, counted for
//! all instances together in one guarded statement per call), and an
//! outage's news to a whole area goes out in the provider's batch call,
//! up to 100 numbers a call.

use crate::db::Database;
use crate::error::{BackendError, BackendResult};
use crate::integrations::hotline::HotlineCallbacks;
use crate::integrations::sms::{
    NotificationChannel, OutgoingText, SendFailure, TextTemplate, MAX_NUMBERS_PER_BATCH,
};
use crate::integrations::wechat_template::{mask_openid, WeChatMessage, WeChatTemplates};
use crate::services::hotline::HOTLINE_CHANNEL;
use crate::services::identity::SMS_CHANNEL;
use crate::store::{outbox, throttles};
use domain::otp::OtpPolicy;
use domain::phone::mask_phone;
use std::sync::Arc;
use std::time::Duration;

/// Queues a text to `phone` in the caller's transaction (with the change
/// it tells of), once per `dedupe_key`; the delivery worker sends it.
pub(crate) async fn queue_text(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    phone: &str,
    dedupe_key: &str,
    text: &TextTemplate,
    now: i64,
) -> BackendResult<()> {
    let payload = serde_json::to_string(text).map_err(|e| BackendError::Internal(e.to_string()))?;
    outbox::enqueue(
        tx,
        &outbox::NewMessage {
            channel: SMS_CHANNEL,
            recipient: phone,
            dedupe_key,
            payload: &payload,
            now,
        },
    )
    .await
}

/// The outbox channel of WeChat template messages; the recipient is an openid.
pub const WECHAT_CHANNEL: &str = "wechat";

/// Where outbox rows go: texts always, WeChat template messages when the
/// official account and a template are configured.
#[derive(Clone, Debug)]
pub struct Channels {
    pub sms: Arc<dyn NotificationChannel>,
    pub wechat: Option<Arc<WeChatTemplates>>,
    /// News of 12345 orders to the hotline platform's callback.
    pub hotline: Option<Arc<HotlineCallbacks>>,
    /// Texts per second the text provider takes, shared by every instance.
    pub texts_per_second: u32,
}

impl Channels {
    /// Texts only, at the default rate; "wechat" and "hotline" rows are given up.
    pub fn sms_only(sms: Arc<dyn NotificationChannel>) -> Self {
        Self {
            sms,
            wechat: None,
            hotline: None,
            texts_per_second: domain::delivery::DEFAULT_TEXTS_PER_SECOND,
        }
    }
}

/// What one round of delivery did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DeliveryRound {
    pub delivered: usize,
    pub retrying: usize,
    pub abandoned: usize,
    /// Due messages another worker (another instance) took first.
    pub claimed_elsewhere: usize,
    /// Texts left for the next second: the provider's rate was spent.
    pub deferred: usize,
    /// Calls made to the text provider (a batch call counts once).
    pub text_calls: usize,
}

/// Why a message did not go out, and when to try again (`None`: never).
type Undelivered = (String, Option<i64>);

/// The throttle bucket that counts texts handed to the provider, per second.
const TEXT_RATE_BUCKET: &str = "provider-rate:sms";

/// Sends every message due at `now`, once, within the provider's rate for
/// the current second of the wall clock.
pub async fn deliver_due(
    db: &Database,
    channels: &Channels,
    now: i64,
) -> BackendResult<DeliveryRound> {
    let wall_second = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX)
        });
    deliver_due_in_second(db, channels, now, wall_second).await
}

/// [`deliver_due`], counting the texts sent against the provider's rate
/// in the window of `wall_second` (real time, even when the portal's clock
/// is fixed for a demo). Texts beyond the rate go back to the outbox, due
/// at once, for the next round (in the next second) to take; other
/// channels are not limited.
pub async fn deliver_due_in_second(
    db: &Database,
    channels: &Channels,
    now: i64,
    wall_second: i64,
) -> BackendResult<DeliveryRound> {
    let mut round = DeliveryRound::default();
    let rate = channels.texts_per_second.max(1);
    let round_size = i64::from(rate).clamp(50, 2_000);
    let mut texts = Vec::new();
    for message in outbox::due(db.reader(), now, round_size).await? {
        // An order's news reaches the platform in the order it happened:
        // a later step waits while an earlier one is still being retried.
        if message.channel == HOTLINE_CHANNEL
            && outbox::earlier_waiting(db.writer(), HOTLINE_CHANNEL, &message.recipient, message.id)
                .await?
        {
            continue;
        }
        // Another instance's worker may have read the same row: one wins.
        if !outbox::claim(db.writer(), &message, now + domain::delivery::CLAIM_LEASE).await? {
            round.claimed_elsewhere += 1;
            continue;
        }
        let outcome = match message.channel.as_str() {
            SMS_CHANNEL => {
                texts.push(TextRow::of(message));
                continue;
            }
            WECHAT_CHANNEL => send_wechat(channels.wechat.as_deref(), &message, now).await,
            HOTLINE_CHANNEL => send_hotline(channels.hotline.as_deref(), &message, now).await,
            _ => Err(give_up("unknown channel")),
        };
        record(db, channels, &message, outcome, now, &mut round).await?;
    }

    let batch_size = domain::delivery::batch_size_under(MAX_NUMBERS_PER_BATCH, rate);
    let sends = domain::delivery::plan_sends(texts, |row| row.bulk_words.clone(), batch_size);
    let mut rate_spent = false;
    for send in sends {
        let count = u32::try_from(send.len()).unwrap_or(u32::MAX);
        rate_spent = rate_spent
            || !throttles::take_many(db.writer(), TEXT_RATE_BUCKET, wall_second, count, rate)
                .await?;
        if rate_spent {
            for row in &send {
                outbox::release(db.writer(), row.message.id, now).await?;
            }
            round.deferred += send.len();
            continue;
        }
        round.text_calls += 1;
        for (message, outcome) in send_texts(channels.sms.as_ref(), &send, now).await {
            record(db, channels, &message, outcome, now, &mut round).await?;
        }
    }
    Ok(round)
}

/// A claimed "sms" row read once: its text (None when the payload is
/// unreadable), and the words it shares with the other texts of its batch
/// when it is bulk news (None: it goes out on its own).
struct TextRow {
    message: outbox::PendingMessage,
    template: Option<TextTemplate>,
    bulk_words: Option<String>,
}

impl TextRow {
    fn of(message: outbox::PendingMessage) -> Self {
        let template = serde_json::from_str::<TextTemplate>(&message.payload).ok();
        let bulk = template.as_ref().is_some_and(TextTemplate::is_bulk);
        Self {
            bulk_words: bulk.then(|| message.payload.clone()),
            template,
            message,
        }
    }
}

/// Records what became of one message: delivered, to be retried, or given up.
async fn record(
    db: &Database,
    channels: &Channels,
    message: &outbox::PendingMessage,
    outcome: Result<(), Undelivered>,
    now: i64,
    round: &mut DeliveryRound,
) -> BackendResult<()> {
    match outcome {
        Ok(()) => {
            // The log channel's texts stay readable for the demo outbox page;
            // what a real provider delivered is not kept.
            // News to the 12345 platform is kept as a record of what it was told.
            let keep = (message.channel == SMS_CHANNEL && channels.sms.name() == "log")
                || message.channel == HOTLINE_CHANNEL;
            outbox::mark_delivered(db.writer(), message.id, now, keep).await?;
            round.delivered += 1;
        }
        Err((reason, retry_at)) => {
            let (channel_name, recipient) = match message.channel.as_str() {
                SMS_CHANNEL => (channels.sms.name(), mask_phone(&message.recipient)),
                WECHAT_CHANNEL => (WECHAT_CHANNEL, mask_openid(&message.recipient)),
                HOTLINE_CHANNEL => (HOTLINE_CHANNEL, message.recipient.clone()),
                _ => ("unknown", "…".to_string()),
            };
            tracing::warn!(
                outbox_id = message.id,
                %recipient,
                channel = channel_name,
                %reason,
                will_retry = retry_at.is_some(),
                "message not delivered"
            );
            outbox::mark_failed(db.writer(), message.id, &reason, retry_at, now).await?;
            if retry_at.is_some() {
                round.retrying += 1;
            } else {
                round.abandoned += 1;
            }
        }
    }
    Ok(())
}

fn give_up(reason: &str) -> Undelivered {
    (reason.to_string(), None)
}

/// A provider's answer as the outbox records it: a refusal is given up, an
/// unavailable provider is tried again later ([`domain::delivery::retry_at`]).
fn after_failure(failure: SendFailure, attempts_before: i64, now: i64) -> Undelivered {
    match failure {
        SendFailure::Refused { code, message } => give_up(&format!("refused: {code} {message}")),
        SendFailure::Unavailable(reason) => {
            let attempts = attempts_before + 1;
            (
                format!("unavailable: {reason}"),
                domain::delivery::retry_at(attempts, now),
            )
        }
    }
}

/// One provider call for "sms" rows: a text of its own, or a bulk text of
/// the same words to many numbers. Rows that cannot go out (unreadable, a
/// code already expired) are given up without a call. Answers each row.
async fn send_texts(
    channel: &dyn NotificationChannel,
    messages: &[TextRow],
    now: i64,
) -> Vec<(outbox::PendingMessage, Result<(), Undelivered>)> {
    let mut answered = Vec::with_capacity(messages.len());
    let mut sendable = Vec::with_capacity(messages.len());
    for row in messages {
        match &row.template {
            None => answered.push((row.message.clone(), Err(give_up("unreadable payload")))),
            Some(TextTemplate::SignInCode { .. })
                if now - row.message.created_at > OtpPolicy::default().lifetime =>
            {
                answered.push((
                    row.message.clone(),
                    Err(give_up("code expired before delivery")),
                ));
            }
            Some(template) => sendable.push((
                row.message.clone(),
                OutgoingText {
                    phone: row.message.recipient.clone(),
                    message: template.clone(),
                },
            )),
        }
    }
    let mut outcomes = match sendable.as_slice() {
        [] => Vec::new(),
        [(_, text)] => vec![channel.send(text).await],
        many => {
            let texts: Vec<OutgoingText> = many.iter().map(|(_, text)| text.clone()).collect();
            channel.send_batch(&texts).await
        }
    };
    // A channel that answered for fewer texts than it was given: the rest
    // are tried again, never taken as sent.
    outcomes.resize_with(sendable.len(), || {
        Err(SendFailure::Unavailable(
            "no answer for this text".to_string(),
        ))
    });
    for ((message, _), outcome) in sendable.into_iter().zip(outcomes) {
        let attempts = message.attempts;
        answered.push((
            message,
            outcome.map_err(|failure| after_failure(failure, attempts, now)),
        ));
    }
    answered
}

/// One "wechat" row: case or outage news, to an openid, timed when it was
/// queued.
async fn send_wechat(
    wechat: Option<&WeChatTemplates>,
    message: &outbox::PendingMessage,
    now: i64,
) -> Result<(), Undelivered> {
    let Some(wechat) = wechat else {
        return Err(give_up("wechat not configured"));
    };
    let Ok(news) = serde_json::from_str::<WeChatMessage>(&message.payload) else {
        return Err(give_up("no wechat template for this message"));
    };
    wechat
        .send(&message.recipient, &news, message.created_at)
        .await
        .map_err(|failure| after_failure(failure, message.attempts, now))
}

/// One "hotline" row: an order's news, to the platform. The platform must
/// hear every step, so an unavailable platform is tried again for as long
/// as it takes ([`domain::delivery::hotline_retry_at`]); only a
/// refusal (a 4xx answer) is given up, with its reason kept.
async fn send_hotline(
    hotline: Option<&HotlineCallbacks>,
    message: &outbox::PendingMessage,
    now: i64,
) -> Result<(), Undelivered> {
    let Some(hotline) = hotline else {
        return Err(give_up("hotline not configured"));
    };
    hotline
        .post(&message.payload, now)
        .await
        .map_err(|failure| match failure {
            SendFailure::Refused { code, message } => {
                give_up(&format!("refused: {code} {message}"))
            }
            SendFailure::Unavailable(reason) => (
                format!("unavailable: {reason}"),
                Some(domain::delivery::hotline_retry_at(message.attempts, now)),
            ),
        })
}

/// Delivers due messages every second until the task is dropped.
pub async fn run(db: Database, channels: Channels, now: impl Fn() -> i64 + Send + 'static) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(error) = deliver_due(&db, &channels, now()).await {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::notify::tell_resident;

    async fn person(db: &Database, phone: &str, openids: &[&str]) {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO people (display_name, phone, created_at) VALUES ('居民', $1, 0) RETURNING id",
        )
        .bind(phone)
        .fetch_one(db.writer())
        .await
        .unwrap();
        for openid in openids {
            sqlx::query(
                "INSERT INTO wechat_links (openid, person_id, linked_at) VALUES ($1, $2, 0)",
            )
            .bind(openid)
            .bind(id)
            .execute(db.writer())
            .await
            .unwrap();
        }
    }

    async fn tell(db: &Database, wechat: bool, key: &str) {
        let mut tx = db.writer().begin().await.unwrap();
        tell_resident(
            &mut tx,
            wechat,
            "13900000001",
            "R1",
            key,
            "抢修人员已出发。",
            100,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }

    async fn rows(db: &Database) -> Vec<(String, String, String)> {
        sqlx::query_as("SELECT channel, recipient, dedupe_key FROM outbox ORDER BY id")
            .fetch_all(db.reader())
            .await
            .unwrap()
    }

    crate::on_both_engines!(
        case_news_is_queued_once_per_event_and_openid,
        |db: Database| async move {
            person(&db, "13900000001", &["oLinkedA", "oLinkedB"]).await;
            person(&db, "13900000002", &["oSomeoneElse"]).await;

            tell(&db, true, "case-event:7").await;
            let queued = rows(&db).await;
            let row = |channel: &str, recipient: &str, key: &str| {
                (channel.to_string(), recipient.to_string(), key.to_string())
            };
            assert_eq!(
                queued,
                [
                    row(SMS_CHANNEL, "13900000001", "case-event:7"),
                    row(WECHAT_CHANNEL, "oLinkedA", "case-event:7:wechat:oLinkedA"),
                    row(WECHAT_CHANNEL, "oLinkedB", "case-event:7:wechat:oLinkedB"),
                ]
            );
            // The same event told again (a retried transaction): nothing more.
            tell(&db, true, "case-event:7").await;
            assert_eq!(rows(&db).await, queued);

            // Template messages off: the text only.
            tell(&db, false, "case-event:8").await;
            let mut expected = queued.clone();
            expected.push(row(SMS_CHANNEL, "13900000001", "case-event:8"));
            assert_eq!(rows(&db).await, expected);
        }
    );

    crate::on_both_engines!(
        wechat_rows_without_wechat_are_given_up,
        |db: Database| async move {
            person(&db, "13900000001", &["oLinkedA"]).await;
            tell(&db, true, "case-event:9").await;
            let channels = Channels::sms_only(Arc::new(crate::integrations::sms::LogChannel));
            let round = deliver_due(&db, &channels, 100).await.unwrap();
            assert_eq!(
                (round.delivered, round.retrying, round.abandoned),
                (1, 0, 1)
            );
            let reason: String = sqlx::query_scalar(
                "SELECT last_error FROM outbox WHERE channel = 'wechat' AND abandoned_at IS NOT NULL",
            )
            .fetch_one(db.reader())
            .await
            .unwrap();
            assert_eq!(reason, "wechat not configured");
            let later = deliver_due(&db, &channels, 10_000).await.unwrap();
            assert_eq!(later, DeliveryRound::default(), "not tried again");
        }
    );
}
