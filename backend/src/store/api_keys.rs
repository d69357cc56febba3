//! The API keys other systems hold (Open311, telemetry): issued, listed,
//! revoked, looked up by hash.

use crate::error::BackendResult;
use domain::api_keys::KeyScope;
use sqlx::{AnyPool, FromRow};

#[derive(Clone, Debug, FromRow)]
pub struct KeyRow {
    pub id: i64,
    pub scope: String,
    pub label: String,
    pub company_name: Option<String>,
    pub key_hint: String,
    pub issued_by_name: String,
    pub issued_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

pub struct NewKey<'a> {
    pub scope: KeyScope,
    pub label: &'a str,
    pub company: Option<i64>,
    pub key_hash: &'a str,
    pub key_hint: &'a str,
    pub issued_by: i64,
    pub now: i64,
}

/// A key in use: its id, holder and company.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct ActiveKey {
    pub id: i64,
    pub label: String,
    pub company_id: Option<i64>,
    pub last_used_at: Option<i64>,
}

pub async fn insert(pool: &AnyPool, key: &NewKey<'_>) -> BackendResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO api_keys (scope, label, company_id, key_hash, key_hint, issued_by, issued_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(key.scope.as_str())
    .bind(key.label)
    .bind(key.company)
    .bind(key.key_hash)
    .bind(key.key_hint)
    .bind(key.issued_by)
    .bind(key.now)
    .fetch_one(pool)
    .await?)
}

/// Every key, the ones in use first, newest first.
pub async fn all(pool: &AnyPool) -> BackendResult<Vec<KeyRow>> {
    Ok(sqlx::query_as(
        "SELECT k.id, k.scope, k.label, co.name AS company_name, k.key_hint, \
                p.display_name AS issued_by_name, k.issued_at, k.last_used_at, k.revoked_at \
         FROM api_keys k JOIN people p ON p.id = k.issued_by \
         LEFT JOIN heating_companies co ON co.id = k.company_id \
         ORDER BY CASE WHEN k.revoked_at IS NULL THEN 0 ELSE 1 END, k.issued_at DESC, k.id DESC",
    )
    .fetch_all(pool)
    .await?)
}

/// Revokes a key; false when there is no such key or it was revoked
/// before. The key's scope, for the audit.
pub async fn revoke(
    pool: &AnyPool,
    key_id: i64,
    by: i64,
    now: i64,
) -> BackendResult<Option<String>> {
    Ok(sqlx::query_scalar(
        "UPDATE api_keys SET revoked_at = $1, revoked_by = $2 \
         WHERE id = $3 AND revoked_at IS NULL RETURNING scope",
    )
    .bind(now)
    .bind(by)
    .bind(key_id)
    .fetch_optional(pool)
    .await?)
}

/// The key of this scope with this hash, while it is not revoked.
pub async fn active(
    pool: &AnyPool,
    scope: KeyScope,
    key_hash: &str,
) -> BackendResult<Option<ActiveKey>> {
    Ok(sqlx::query_as(
        "SELECT id, label, company_id, last_used_at FROM api_keys \
         WHERE key_hash = $1 AND scope = $2 AND revoked_at IS NULL",
    )
    .bind(key_hash)
    .bind(scope.as_str())
    .fetch_optional(pool)
    .await?)
}

/// Notes that a key was used at `now`, unless a use since `noted_since`
/// is noted already.
pub async fn touch(pool: &AnyPool, key_id: i64, now: i64, noted_since: i64) -> BackendResult<()> {
    sqlx::query(
        "UPDATE api_keys SET last_used_at = $1 \
         WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)",
    )
    .bind(now)
    .bind(key_id)
    .bind(noted_since)
    .execute(pool)
    .await?;
    Ok(())
}
