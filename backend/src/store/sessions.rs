//! Server-side sessions, keyed by the hash of the cookie's token.

use crate::error::BackendResult;
use sqlx::AnyPool;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SessionRow {
    pub person_id: i64,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub idle_timeout: i64,
    pub absolute_timeout: i64,
}

pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub person_id: i64,
    pub now: i64,
    pub idle_timeout: i64,
    pub absolute_timeout: i64,
    pub client_addr: &'a str,
    pub user_agent: &'a str,
}

pub async fn insert(pool: &AnyPool, session: &NewSession<'_>) -> BackendResult<()> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, person_id, created_at, last_seen_at, idle_timeout, \
                               absolute_timeout, client_addr, user_agent) \
         VALUES ($1, $2, $3, $3, $4, $5, $6, $7)",
    )
    .bind(session.token_hash)
    .bind(session.person_id)
    .bind(session.now)
    .bind(session.idle_timeout)
    .bind(session.absolute_timeout)
    .bind(session.client_addr)
    .bind(session.user_agent)
    .execute(pool)
    .await?;
    Ok(())
}

/// The session of a token, if its person is not disabled.
pub async fn find(pool: &AnyPool, token_hash: &str) -> BackendResult<Option<SessionRow>> {
    Ok(sqlx::query_as(
        "SELECT s.person_id, s.created_at, s.last_seen_at, s.idle_timeout, s.absolute_timeout \
         FROM sessions s JOIN people p ON p.id = s.person_id \
         WHERE s.token_hash = $1 AND p.disabled_at IS NULL",
    )
    .bind(token_hash)
    .fetch_optional(pool)
    .await?)
}

pub async fn touch(pool: &AnyPool, token_hash: &str, now: i64) -> BackendResult<()> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
        .bind(now)
        .bind(token_hash)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn delete(pool: &AnyPool, token_hash: &str) -> BackendResult<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(pool)
        .await?;
    Ok(())
}

/// Ends every session of a person (sign-out everywhere, password reset).
pub async fn delete_all_of(pool: &AnyPool, person_id: i64) -> BackendResult<u64> {
    Ok(sqlx::query("DELETE FROM sessions WHERE person_id = $1")
        .bind(person_id)
        .execute(pool)
        .await?
        .rows_affected())
}

/// Removes sessions that ended before `now`.
pub async fn purge_ended(pool: &AnyPool, now: i64) -> BackendResult<u64> {
    Ok(sqlx::query(
        "DELETE FROM sessions WHERE last_seen_at + idle_timeout <= $1 \
                                 OR created_at + absolute_timeout <= $1",
    )
    .bind(now)
    .execute(pool)
    .await?
    .rows_affected())
}
