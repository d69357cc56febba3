//! One-time sign-in codes, one row per code sent.

use crate::error::BackendResult;
use sqlx::{Any, AnyPool, Transaction};

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

pub struct NewCode<'a> {
    pub challenge_hash: &'a str,
    pub phone: &'a str,
    pub code_hash: &'a str,
    pub client_addr: &'a str,
    pub now: i64,
}

/// Removes codes sent before `sent_before`; the rows removed.
pub async fn purge(pool: &sqlx::AnyPool, sent_before: i64) -> BackendResult<u64> {
    Ok(
        sqlx::query("DELETE FROM sign_in_codes WHERE created_at < $1")
            .bind(sent_before)
            .execute(pool)
            .await?
            .rows_affected(),
    )
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
