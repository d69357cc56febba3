//! Open311: the API keys other systems hold, and the public facts of the
//! cases GET requests lists.

use crate::error::BackendResult;
use sqlx::{AnyPool, FromRow};

#[derive(Clone, Debug, FromRow)]
pub struct KeyRow {
    pub id: i64,
    pub label: String,
    pub key_hint: String,
    pub issued_by_name: String,
    pub issued_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

pub struct NewKey<'a> {
    pub label: &'a str,
    pub key_hash: &'a str,
    pub key_hint: &'a str,
    pub issued_by: i64,
    pub now: i64,
}

pub async fn insert_key(pool: &AnyPool, key: &NewKey<'_>) -> BackendResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO open311_keys (label, key_hash, key_hint, issued_by, issued_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(key.label)
    .bind(key.key_hash)
    .bind(key.key_hint)
    .bind(key.issued_by)
    .bind(key.now)
    .fetch_one(pool)
    .await?)
}

/// Every key, the ones in use first, newest first.
pub async fn keys(pool: &AnyPool) -> BackendResult<Vec<KeyRow>> {
    Ok(sqlx::query_as(
        "SELECT k.id, k.label, k.key_hint, p.display_name AS issued_by_name, k.issued_at, \
                k.last_used_at, k.revoked_at \
         FROM open311_keys k JOIN people p ON p.id = k.issued_by \
         ORDER BY CASE WHEN k.revoked_at IS NULL THEN 0 ELSE 1 END, k.issued_at DESC, k.id DESC",
    )
    .fetch_all(pool)
    .await?)
}

/// Revokes a key; false when there is no such key or it was revoked before.
pub async fn revoke(pool: &AnyPool, key_id: i64, by: i64, now: i64) -> BackendResult<bool> {
    let done = sqlx::query(
        "UPDATE open311_keys SET revoked_at = $1, revoked_by = $2 \
         WHERE id = $3 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(by)
    .bind(key_id)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The key with this hash, while it is not revoked: its id and holder.
pub async fn active_key(pool: &AnyPool, key_hash: &str) -> BackendResult<Option<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT id, label FROM open311_keys WHERE key_hash = $1 AND revoked_at IS NULL",
    )
    .bind(key_hash)
    .fetch_optional(pool)
    .await?)
}

/// Notes that a key was used, at most once a minute (not a write per
/// request).
pub async fn touch(pool: &AnyPool, key_id: i64, now: i64) -> BackendResult<()> {
    sqlx::query(
        "UPDATE open311_keys SET last_used_at = $1 \
         WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)",
    )
    .bind(now)
    .bind(key_id)
    .bind(now - 60)
    .execute(pool)
    .await?;
    Ok(())
}

/// What anyone may read of a case.
#[derive(Clone, Debug, FromRow)]
pub struct PublicRow {
    pub case_no: String,
    pub kind: String,
    pub state: String,
    pub summary: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub due_at: Option<i64>,
    pub outage_restore_at: Option<i64>,
    pub place: Option<String>,
    pub company: Option<String>,
}

const PUBLIC_SELECT: &str = "SELECT c.case_no, c.kind, c.state, c.summary, c.created_at, \
         c.updated_at, c.due_at, o.expected_restore_at AS outage_restore_at, \
         CASE WHEN b.id IS NULL THEN NULL ELSE cm.name || ' ' || b.name END AS place, \
         co.name AS company \
     FROM cases c \
     LEFT JOIN buildings b ON b.id = c.building_id \
     LEFT JOIN communities cm ON cm.id = b.community_id \
     LEFT JOIN stations st ON st.id = COALESCE(b.station_id, c.station_id) \
     LEFT JOIN heating_companies co ON co.id = COALESCE(st.company_id, c.company_id) \
     LEFT JOIN outages o ON o.id = c.outage_id";

/// `$first, $first+1, …` for `count` values.
fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The filter GET requests asks for, in the store's terms.
pub struct PublicQuery<'a> {
    /// Case numbers; when any, the other filters are not applied.
    pub case_nos: &'a [String],
    pub kinds: &'a [&'a str],
    pub from: i64,
    pub to: i64,
    /// None: open and closed.
    pub open: Option<bool>,
    pub limit: i64,
}

/// Cases of the asked kinds filed in the window (or the named ones),
/// newest first.
pub async fn public_requests(
    pool: &AnyPool,
    query: &PublicQuery<'_>,
) -> BackendResult<Vec<PublicRow>> {
    if !query.case_nos.is_empty() {
        let sql = format!(
            "{PUBLIC_SELECT} WHERE c.case_no IN ({}) AND c.kind IN ({}) \
             ORDER BY c.created_at DESC, c.id DESC",
            placeholders(1, query.case_nos.len()),
            placeholders(1 + query.case_nos.len(), query.kinds.len()),
        );
        let mut q = sqlx::query_as(&sql);
        for case_no in query.case_nos {
            q = q.bind(case_no);
        }
        for kind in query.kinds {
            q = q.bind(*kind);
        }
        return Ok(q.fetch_all(pool).await?);
    }
    let status = match query.open {
        Some(true) => " AND c.closed_at IS NULL",
        Some(false) => " AND c.closed_at IS NOT NULL",
        None => "",
    };
    let sql = format!(
        "{PUBLIC_SELECT} WHERE c.created_at >= $1 AND c.created_at <= $2 AND c.kind IN ({}){status} \
         ORDER BY c.created_at DESC, c.id DESC LIMIT ${}",
        placeholders(3, query.kinds.len()),
        3 + query.kinds.len(),
    );
    let mut q = sqlx::query_as(&sql).bind(query.from).bind(query.to);
    for kind in query.kinds {
        q = q.bind(*kind);
    }
    Ok(q.bind(query.limit).fetch_all(pool).await?)
}

/// The public facts of the case with this idempotency key.
pub async fn public_by_key(pool: &AnyPool, key: &str) -> BackendResult<Option<PublicRow>> {
    Ok(
        sqlx::query_as(&format!("{PUBLIC_SELECT} WHERE c.idempotency_key = $1"))
            .bind(key)
            .fetch_optional(pool)
            .await?,
    )
}
