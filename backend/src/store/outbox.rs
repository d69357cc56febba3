//! Messages waiting to go out. Written in the same transaction as what caused
//! them; a worker delivers them and records the outcome.

use crate::error::BackendResult;
use sqlx::{Any, AnyPool, Transaction};

pub struct NewMessage<'a> {
    pub channel: &'a str,
    pub recipient: &'a str,
    pub dedupe_key: &'a str,
    pub payload: &'a str,
    pub now: i64,
}

pub async fn enqueue(tx: &mut Transaction<'_, Any>, message: &NewMessage<'_>) -> BackendResult<()> {
    sqlx::query(
        "INSERT INTO outbox (channel, recipient, dedupe_key, payload, created_at, available_at) \
         VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (dedupe_key) DO NOTHING",
    )
    .bind(message.channel)
    .bind(message.recipient)
    .bind(message.dedupe_key)
    .bind(message.payload)
    .bind(message.now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PendingMessage {
    pub id: i64,
    pub channel: String,
    pub recipient: String,
    pub payload: String,
    pub attempts: i64,
    pub created_at: i64,
    /// When it became due: the value [`claim`] compares against.
    pub available_at: i64,
}

/// Undelivered messages due at `now`, oldest first (by when they were
/// queued, so news meant to arrive in order is listed in order), one
/// person's messages (codes, case news) before an outage's news to a whole
/// area, so a sign-in code never waits behind thousands of bulk texts.
pub async fn due(pool: &AnyPool, now: i64, limit: i64) -> BackendResult<Vec<PendingMessage>> {
    Ok(sqlx::query_as(
        "SELECT id, channel, recipient, payload, attempts, created_at, available_at FROM outbox \
         WHERE delivered_at IS NULL AND abandoned_at IS NULL AND available_at <= $1 \
         ORDER BY CASE WHEN dedupe_key LIKE 'outage:%' THEN 1 ELSE 0 END, id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

/// Whether an older message to the same recipient on the same channel is
/// still waiting (not delivered, not given up): for channels whose
/// messages must arrive in order.
pub async fn earlier_waiting(
    pool: &AnyPool,
    channel: &str,
    recipient: &str,
    id: i64,
) -> BackendResult<bool> {
    let waiting: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM outbox WHERE channel = $1 AND recipient = $2 AND id < $3 \
           AND delivered_at IS NULL AND abandoned_at IS NULL LIMIT 1",
    )
    .bind(channel)
    .bind(recipient)
    .bind(id)
    .fetch_optional(pool)
    .await?;
    Ok(waiting.is_some())
}

/// Takes a due message for one delivery attempt: pushes its `available_at`
/// to `lease_until`, if nobody did since it was read. Only one worker of
/// however many instances wins a message; if that worker dies mid-send, the
/// message is due again when the lease ends.
pub async fn claim(
    pool: &AnyPool,
    message: &PendingMessage,
    lease_until: i64,
) -> BackendResult<bool> {
    let done = sqlx::query(
        "UPDATE outbox SET available_at = $1 \
         WHERE id = $2 AND available_at = $3 AND delivered_at IS NULL AND abandoned_at IS NULL",
    )
    .bind(lease_until)
    .bind(message.id)
    .bind(message.available_at)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Hands a claimed message back undelivered and untried, due again from
/// `available_at` (the provider's rate was spent before its turn).
pub async fn release(pool: &AnyPool, id: i64, available_at: i64) -> BackendResult<()> {
    sqlx::query(
        "UPDATE outbox SET available_at = $1 \
         WHERE id = $2 AND delivered_at IS NULL AND abandoned_at IS NULL",
    )
    .bind(available_at)
    .bind(id)
    .execute(pool)
    .await?;
    Ok(())
}

/// Records a delivery; `keep_payload` false blanks what no longer needs keeping
/// (a code sent through a real provider).
pub async fn mark_delivered(
    pool: &AnyPool,
    id: i64,
    now: i64,
    keep_payload: bool,
) -> BackendResult<()> {
    sqlx::query(
        "UPDATE outbox SET delivered_at = $1, attempts = attempts + 1, last_error = NULL, \
                payload = CASE WHEN $2 = 1 THEN payload ELSE '' END \
         WHERE id = $3",
    )
    .bind(now)
    .bind(i64::from(keep_payload))
    .bind(id)
    .execute(pool)
    .await?;
    Ok(())
}

/// Records a failed attempt and when to try again (`retry_at` None: give up).
pub async fn mark_failed(
    pool: &AnyPool,
    id: i64,
    error: &str,
    retry_at: Option<i64>,
    now: i64,
) -> BackendResult<()> {
    sqlx::query(
        "UPDATE outbox SET attempts = attempts + 1, last_error = $1, \
                available_at = COALESCE($2, available_at), \
                abandoned_at = CASE WHEN $2 IS NULL THEN $3 ELSE NULL END \
         WHERE id = $4",
    )
    .bind(error)
    .bind(retry_at)
    .bind(now)
    .bind(id)
    .execute(pool)
    .await?;
    Ok(())
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SentMessage {
    pub created_at: i64,
    pub recipient: String,
    pub payload: String,
}

/// The newest messages of a channel, for the demo outbox page.
pub async fn recent(pool: &AnyPool, channel: &str, limit: i64) -> BackendResult<Vec<SentMessage>> {
    Ok(sqlx::query_as(
        "SELECT created_at, recipient, payload FROM outbox WHERE channel = $1 \
         ORDER BY created_at DESC, id DESC LIMIT $2",
    )
    .bind(channel)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}
