//! The audit log: sign-ins, failures, role changes, staff views of personal
//! data. Rows are only ever inserted.

use crate::error::BackendResult;
use sqlx::{Any, AnyPool, Executor};

pub struct AuditRecord<'a> {
    pub at: i64,
    pub actor_id: Option<i64>,
    pub action: &'a str,
    pub subject_type: &'a str,
    pub subject_id: String,
    pub detail: String,
    pub client_addr: &'a str,
}

pub async fn record<'e, E>(executor: E, entry: &AuditRecord<'_>) -> BackendResult<()>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, action, subject_type, subject_id, detail, client_addr) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(entry.at)
    .bind(entry.actor_id)
    .bind(entry.action)
    .bind(entry.subject_type)
    .bind(&entry.subject_id)
    .bind(&entry.detail)
    .bind(entry.client_addr)
    .execute(executor)
    .await?;
    Ok(())
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AuditRow {
    pub at: i64,
    pub actor: Option<String>,
    pub action: String,
    pub subject_type: String,
    pub subject_id: String,
    pub detail: String,
    pub client_addr: Option<String>,
}

/// The newest entries, optionally of one action.
pub async fn recent(
    pool: &AnyPool,
    action: Option<&str>,
    limit: i64,
) -> BackendResult<Vec<AuditRow>> {
    Ok(sqlx::query_as(
        "SELECT a.at, COALESCE(NULLIF(p.display_name, ''), p.username, p.phone) AS actor, \
                a.action, a.subject_type, a.subject_id, a.detail, a.client_addr \
         FROM audit_log a LEFT JOIN people p ON p.id = a.actor_id \
         WHERE ($1 = '' OR a.action = $1) \
         ORDER BY a.at DESC, a.id DESC LIMIT $2",
    )
    .bind(action.unwrap_or(""))
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

/// Removes failed sign-ins by nobody in particular (no person behind them)
/// older than `before`: the log keeps them for [`domain::limits`]'
/// retention, not for ever.
pub async fn purge_anonymous_sign_in_failures(pool: &AnyPool, before: i64) -> BackendResult<u64> {
    Ok(sqlx::query(
        "DELETE FROM audit_log WHERE action = 'sign_in_failed' AND actor_id IS NULL AND at < $1",
    )
    .bind(before)
    .execute(pool)
    .await?
    .rows_affected())
}

/// Whether `actor_id` did `action` on this subject at or after `since`.
pub async fn done_since(
    pool: &AnyPool,
    actor_id: i64,
    action: &str,
    subject_type: &str,
    subject_id: &str,
    since: i64,
) -> BackendResult<bool> {
    Ok(sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM audit_log WHERE actor_id = $1 AND action = $2 \
           AND subject_type = $3 AND subject_id = $4 AND at >= $5",
    )
    .bind(actor_id)
    .bind(action)
    .bind(subject_type)
    .bind(subject_id)
    .bind(since)
    .fetch_one(pool)
    .await?
        > 0)
}
