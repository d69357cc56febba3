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

/// A live-looking session with the person behind it and their roles, as
/// one statement reads them.
#[derive(Clone, Debug)]
pub struct SessionOfPerson {
    pub session: SessionRow,
    pub display_name: String,
    pub phone: Option<String>,
    pub username: Option<String>,
    pub company_id: Option<i64>,
    /// Role names as stored, unsorted.
    pub roles: Vec<String>,
}

#[derive(sqlx::FromRow)]
struct SessionPersonRole {
    #[sqlx(flatten)]
    session: SessionRow,
    display_name: String,
    phone: Option<String>,
    username: Option<String>,
    company_id: Option<i64>,
    role: Option<String>,
}

/// The session of a token with its person and their roles, if the person
/// is not disabled: one statement, a row per role.
pub async fn find_with_person(
    pool: &AnyPool,
    token_hash: &str,
) -> BackendResult<Option<SessionOfPerson>> {
    let rows: Vec<SessionPersonRole> = sqlx::query_as(
        "SELECT s.person_id, s.created_at, s.last_seen_at, s.idle_timeout, s.absolute_timeout, \
                p.display_name, p.phone, p.username, p.company_id, r.role \
         FROM sessions s JOIN people p ON p.id = s.person_id \
         LEFT JOIN person_roles r ON r.person_id = p.id \
         WHERE s.token_hash = $1 AND p.disabled_at IS NULL",
    )
    .bind(token_hash)
    .fetch_all(pool)
    .await?;
    let roles = rows.iter().filter_map(|r| r.role.clone()).collect();
    Ok(rows.into_iter().next().map(|first| SessionOfPerson {
        session: first.session,
        display_name: first.display_name,
        phone: first.phone,
        username: first.username,
        company_id: first.company_id,
        roles,
    }))
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
