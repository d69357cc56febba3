//! Staff second factors: the TOTP secret, recovery codes, and the short
//! step between a right password and a session.

use crate::error::BackendResult;
use sqlx::{Any, AnyPool, Transaction};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct FactorRow {
    pub secret: String,
    pub confirmed_at: Option<i64>,
}

/// A person's factor, confirmed or still being enrolled.
pub async fn factor(pool: &AnyPool, person_id: i64) -> BackendResult<Option<FactorRow>> {
    Ok(
        sqlx::query_as(
            "SELECT secret, confirmed_at FROM staff_second_factors WHERE person_id = $1",
        )
        .bind(person_id)
        .fetch_optional(pool)
        .await?,
    )
}

/// Starts (or restarts) an enrolment: a new secret and new recovery codes
/// (their hashes), replacing an unconfirmed enrolment; a confirmed factor
/// is left alone (false).
pub async fn begin_enrolment(
    tx: &mut Transaction<'_, Any>,
    person_id: i64,
    secret: &str,
    recovery_hashes: &[String],
) -> BackendResult<bool> {
    let replaced = sqlx::query(
        "INSERT INTO staff_second_factors (person_id, secret, confirmed_at, last_step) \
         VALUES ($1, $2, NULL, 0) \
         ON CONFLICT (person_id) DO UPDATE SET secret = EXCLUDED.secret, last_step = 0 \
         WHERE staff_second_factors.confirmed_at IS NULL",
    )
    .bind(person_id)
    .bind(secret)
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1;
    if !replaced {
        return Ok(false);
    }
    sqlx::query("DELETE FROM recovery_codes WHERE person_id = $1")
        .bind(person_id)
        .execute(&mut **tx)
        .await?;
    for hash in recovery_hashes {
        sqlx::query("INSERT INTO recovery_codes (person_id, code_hash) VALUES ($1, $2)")
            .bind(person_id)
            .bind(hash)
            .execute(&mut **tx)
            .await?;
    }
    Ok(true)
}

/// Accepts a code's time step once: true when `step` is newer than every
/// step accepted before (one statement, so a code raced in twice counts
/// once), and marks the factor confirmed.
pub async fn accept_step(
    pool: &AnyPool,
    person_id: i64,
    step: i64,
    now: i64,
) -> BackendResult<bool> {
    Ok(sqlx::query(
        "UPDATE staff_second_factors SET last_step = $1, \
                confirmed_at = COALESCE(confirmed_at, $2) \
         WHERE person_id = $3 AND last_step < $1",
    )
    .bind(step)
    .bind(now)
    .bind(person_id)
    .execute(pool)
    .await?
    .rows_affected()
        == 1)
}

/// Spends a recovery code of a confirmed factor: true when it was unused.
pub async fn spend_recovery_code(
    pool: &AnyPool,
    person_id: i64,
    code_hash: &str,
    now: i64,
) -> BackendResult<bool> {
    Ok(sqlx::query(
        "UPDATE recovery_codes SET used_at = $1 \
         WHERE person_id = $2 AND code_hash = $3 AND used_at IS NULL \
           AND EXISTS (SELECT 1 FROM staff_second_factors f \
                        WHERE f.person_id = $2 AND f.confirmed_at IS NOT NULL)",
    )
    .bind(now)
    .bind(person_id)
    .bind(code_hash)
    .execute(pool)
    .await?
    .rows_affected()
        == 1)
}

/// Recovery codes not used yet.
pub async fn unused_recovery_codes(pool: &AnyPool, person_id: i64) -> BackendResult<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM recovery_codes WHERE person_id = $1 AND used_at IS NULL",
    )
    .bind(person_id)
    .fetch_one(pool)
    .await?)
}

/// Removes a person's factor and codes (an admin's reset: they enrol anew).
pub async fn remove(tx: &mut Transaction<'_, Any>, person_id: i64) -> BackendResult<bool> {
    sqlx::query("DELETE FROM recovery_codes WHERE person_id = $1")
        .bind(person_id)
        .execute(&mut **tx)
        .await?;
    Ok(
        sqlx::query("DELETE FROM staff_second_factors WHERE person_id = $1")
            .bind(person_id)
            .execute(&mut **tx)
            .await?
            .rows_affected()
            == 1,
    )
}

/// Opens the step between password and session.
pub async fn open_challenge(
    pool: &AnyPool,
    token_hash: &str,
    person_id: i64,
    now: i64,
) -> BackendResult<()> {
    sqlx::query(
        "INSERT INTO second_factor_challenges (token_hash, person_id, created_at) VALUES ($1, $2, $3)",
    )
    .bind(token_hash)
    .bind(person_id)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(())
}

/// The person a challenge is for, while it is open (not used, young enough).
pub async fn challenge_person(
    pool: &AnyPool,
    token_hash: &str,
    opened_after: i64,
) -> BackendResult<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT person_id FROM second_factor_challenges \
         WHERE token_hash = $1 AND used_at IS NULL AND created_at > $2",
    )
    .bind(token_hash)
    .bind(opened_after)
    .fetch_optional(pool)
    .await?)
}

/// Reserves one try of a challenge before a code is checked (one
/// statement): the person, or None when it is used, old or out of tries.
pub async fn reserve_try(
    pool: &AnyPool,
    token_hash: &str,
    max_tries: u32,
    opened_after: i64,
) -> BackendResult<Option<i64>> {
    Ok(sqlx::query_scalar(
        "UPDATE second_factor_challenges SET tries = tries + 1 \
         WHERE token_hash = $1 AND used_at IS NULL AND tries < $2 AND created_at > $3 \
         RETURNING person_id",
    )
    .bind(token_hash)
    .bind(i64::from(max_tries))
    .bind(opened_after)
    .fetch_optional(pool)
    .await?)
}

/// Closes a challenge that led to a session; false when another request
/// closed it first.
pub async fn close_challenge(pool: &AnyPool, token_hash: &str, now: i64) -> BackendResult<bool> {
    Ok(sqlx::query(
        "UPDATE second_factor_challenges SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL",
    )
    .bind(now)
    .bind(token_hash)
    .execute(pool)
    .await?
    .rows_affected()
        == 1)
}

/// Removes challenges opened before `before`.
pub async fn purge_challenges(pool: &AnyPool, before: i64) -> BackendResult<u64> {
    Ok(
        sqlx::query("DELETE FROM second_factor_challenges WHERE created_at < $1")
            .bind(before)
            .execute(pool)
            .await?
            .rows_affected(),
    )
}
