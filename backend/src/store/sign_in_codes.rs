//! One-time sign-in codes, one row per code sent.

use crate::error::BackendResult;
use sqlx::{Any, AnyPool, Executor, Transaction};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CodeRow {
    pub id: i64,
    pub phone: String,
    pub code_hash: String,
    pub created_at: i64,
    /// Tries reserved so far (each comparison reserves one first).
    pub wrong_tries: i64,
    pub used_at: Option<i64>,
}

/// When codes were sent to a number since `since` (read inside the
/// transaction that holds the number's limit lock).
pub async fn sent_to_number<'e, E>(executor: E, phone: &str, since: i64) -> BackendResult<Vec<i64>>
where
    E: Executor<'e, Database = Any>,
{
    Ok(sqlx::query_scalar(
        "SELECT created_at FROM sign_in_codes WHERE phone = $1 AND created_at >= $2",
    )
    .bind(phone)
    .bind(since)
    .fetch_all(executor)
    .await?)
}

/// When codes were requested from a client address since `since`.
pub async fn requested_by_client<'e, E>(
    executor: E,
    client_addr: &str,
    since: i64,
) -> BackendResult<Vec<i64>>
where
    E: Executor<'e, Database = Any>,
{
    Ok(sqlx::query_scalar(
        "SELECT created_at FROM sign_in_codes WHERE client_addr = $1 AND created_at >= $2",
    )
    .bind(client_addr)
    .bind(since)
    .fetch_all(executor)
    .await?)
}

pub struct NewCode<'a> {
    pub challenge_hash: &'a str,
    pub phone: &'a str,
    pub code_hash: &'a str,
    pub client_addr: &'a str,
    pub now: i64,
}

pub async fn insert(tx: &mut Transaction<'_, Any>, code: &NewCode<'_>) -> BackendResult<()> {
    sqlx::query(
        "INSERT INTO sign_in_codes (challenge_hash, phone, code_hash, client_addr, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(code.challenge_hash)
    .bind(code.phone)
    .bind(code.code_hash)
    .bind(code.client_addr)
    .bind(code.now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn by_challenge(pool: &AnyPool, challenge_hash: &str) -> BackendResult<Option<CodeRow>> {
    Ok(sqlx::query_as(
        "SELECT id, phone, code_hash, created_at, wrong_tries, used_at \
         FROM sign_in_codes WHERE challenge_hash = $1",
    )
    .bind(challenge_hash)
    .fetch_optional(pool)
    .await?)
}

/// Reserves one try of a code before it is compared, in one statement:
/// the try is counted only while the code is unused, younger than
/// `issued_after` and tried fewer than `max_tries` times
/// (`domain::otp::may_try`). Returns the number of this try (1 for the
/// first), or None when no try is left.
pub async fn reserve_try(
    pool: &AnyPool,
    id: i64,
    max_tries: u32,
    issued_after: i64,
) -> BackendResult<Option<i64>> {
    Ok(sqlx::query_scalar(
        "UPDATE sign_in_codes SET wrong_tries = wrong_tries + 1 \
         WHERE id = $1 AND used_at IS NULL AND wrong_tries < $2 AND created_at > $3 \
         RETURNING wrong_tries",
    )
    .bind(id)
    .bind(i64::from(max_tries))
    .bind(issued_after)
    .fetch_optional(pool)
    .await?)
}

/// Marks a code used; false when another request used it first.
pub async fn mark_used(tx: &mut Transaction<'_, Any>, id: i64, now: i64) -> BackendResult<bool> {
    let done =
        sqlx::query("UPDATE sign_in_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
            .bind(now)
            .bind(id)
            .execute(&mut **tx)
            .await?;
    Ok(done.rows_affected() == 1)
}
