//! WeChat openids: linked to a person, or parked until the person behind
//! them verifies their phone.

use crate::error::BackendResult;
use sqlx::{Any, AnyPool, Transaction};

/// The person (not disabled) an openid is linked to.
pub async fn linked_person(pool: &AnyPool, openid: &str) -> BackendResult<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT w.person_id FROM wechat_links w JOIN people p ON p.id = w.person_id \
         WHERE w.openid = $1 AND p.disabled_at IS NULL",
    )
    .bind(openid)
    .fetch_optional(pool)
    .await?)
}

/// Parks an openid under the hash of the token its browser keeps.
pub async fn park(pool: &AnyPool, token_hash: &str, openid: &str, now: i64) -> BackendResult<()> {
    sqlx::query("INSERT INTO wechat_pending (token_hash, openid, created_at) VALUES ($1, $2, $3)")
        .bind(token_hash)
        .bind(openid)
        .bind(now)
        .execute(pool)
        .await?;
    Ok(())
}

/// Takes a parked openid out (once): the openid when it was parked after
/// `parked_since`.
pub async fn take_parked(
    tx: &mut Transaction<'_, Any>,
    token_hash: &str,
    parked_since: i64,
) -> BackendResult<Option<String>> {
    let openid = sqlx::query_scalar(
        "SELECT openid FROM wechat_pending WHERE token_hash = $1 AND created_at > $2",
    )
    .bind(token_hash)
    .bind(parked_since)
    .fetch_optional(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM wechat_pending WHERE token_hash = $1")
        .bind(token_hash)
        .execute(&mut **tx)
        .await?;
    Ok(openid)
}

/// Links an openid to a person, unless it is linked already.
pub async fn link(
    tx: &mut Transaction<'_, Any>,
    openid: &str,
    person_id: i64,
    now: i64,
) -> BackendResult<()> {
    sqlx::query(
        "INSERT INTO wechat_links (openid, person_id, linked_at) VALUES ($1, $2, $3) \
         ON CONFLICT (openid) DO NOTHING",
    )
    .bind(openid)
    .bind(person_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Removes openids parked at or before `parked_by`; the rows removed.
pub async fn purge_parked(pool: &AnyPool, parked_by: i64) -> BackendResult<u64> {
    Ok(
        sqlx::query("DELETE FROM wechat_pending WHERE created_at <= $1")
            .bind(parked_by)
            .execute(pool)
            .await?
            .rows_affected(),
    )
}

/// The openids linked to the (not disabled) person with this phone.
pub async fn openids_of_phone(
    tx: &mut Transaction<'_, Any>,
    phone: &str,
) -> BackendResult<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT w.openid FROM wechat_links w JOIN people p ON p.id = w.person_id \
         WHERE p.phone = $1 AND p.disabled_at IS NULL ORDER BY w.openid",
    )
    .bind(phone)
    .fetch_all(&mut **tx)
    .await?)
}

/// The openid a person signed in to WeChat with last, if any (for paying
/// inside WeChat's browser).
pub async fn openid_of_person(pool: &AnyPool, person_id: i64) -> BackendResult<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT openid FROM wechat_links WHERE person_id = $1 ORDER BY linked_at DESC LIMIT 1",
    )
    .bind(person_id)
    .fetch_optional(pool)
    .await?)
}
