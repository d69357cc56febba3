//! Requests to bind a household, waiting for the holder's code or a bound
//! resident's approval.

use crate::error::BackendResult;
use sqlx::{Any, AnyPool, Transaction};

pub struct NewRequest<'a> {
    pub token_hash: &'a str,
    pub person_id: i64,
    pub household_id: i64,
    /// The holder's phone the code went to, and the code's hash.
    pub sent_to: Option<&'a str>,
    pub code_hash: Option<&'a str>,
    pub now: i64,
}

pub async fn insert(tx: &mut Transaction<'_, Any>, request: &NewRequest<'_>) -> BackendResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO binding_requests (token_hash, person_id, household_id, sent_to, code_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(request.token_hash)
    .bind(request.person_id)
    .bind(request.household_id)
    .bind(request.sent_to)
    .bind(request.code_hash)
    .bind(request.now)
    .fetch_one(&mut **tx)
    .await?)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RequestRow {
    pub id: i64,
    pub person_id: i64,
    pub household_id: i64,
    pub sent_to: Option<String>,
    pub code_hash: Option<String>,
    pub created_at: i64,
    pub wrong_tries: i64,
    pub decided_at: Option<i64>,
}

const REQUEST_COLUMNS: &str =
    "id, person_id, household_id, sent_to, code_hash, created_at, wrong_tries, decided_at";

/// The person's own request, by its token's hash.
pub async fn of_person(
    pool: &AnyPool,
    person_id: i64,
    token_hash: &str,
) -> BackendResult<Option<RequestRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {REQUEST_COLUMNS} FROM binding_requests WHERE token_hash = $1 AND person_id = $2"
    ))
    .bind(token_hash)
    .bind(person_id)
    .fetch_optional(pool)
    .await?)
}

/// Decides an open request; false when it was decided already (by the
/// code, or another resident, first).
pub async fn decide(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    decision: &str,
    decided_by: Option<i64>,
    now: i64,
) -> BackendResult<bool> {
    Ok(sqlx::query(
        "UPDATE binding_requests SET decided_at = $1, decision = $2, decided_by = $3 \
         WHERE id = $4 AND decided_at IS NULL",
    )
    .bind(now)
    .bind(decision)
    .bind(decided_by)
    .bind(id)
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1)
}

/// Declines every undecided request to bind a household (it changed
/// hands: a code sent to the old holder must bind nobody).
pub async fn decline_open(
    tx: &mut Transaction<'_, Any>,
    household_id: i64,
    now: i64,
) -> BackendResult<()> {
    sqlx::query(
        "UPDATE binding_requests SET decided_at = $1, decision = 'decline' \
         WHERE household_id = $2 AND decided_at IS NULL",
    )
    .bind(now)
    .bind(household_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A request waiting for the residents of the households `person_id` is
/// bound to, as their page lists it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct WaitingRow {
    pub id: i64,
    pub household_id: i64,
    pub account_no: String,
    pub applicant_phone: String,
    pub created_at: i64,
}

/// Undecided requests made since `since` for households the person is
/// bound to (by others).
pub async fn waiting_for(
    pool: &AnyPool,
    person_id: i64,
    since: i64,
) -> BackendResult<Vec<WaitingRow>> {
    Ok(sqlx::query_as(
        "SELECT r.id, r.household_id, h.account_no, COALESCE(p.phone, '') AS applicant_phone, \
                r.created_at \
         FROM binding_requests r \
         JOIN person_households ph ON ph.household_id = r.household_id AND ph.person_id = $1 \
         JOIN households h ON h.id = r.household_id \
         JOIN people p ON p.id = r.person_id \
         WHERE r.decided_at IS NULL AND r.person_id <> $1 AND r.created_at >= $2 \
         ORDER BY r.created_at",
    )
    .bind(person_id)
    .bind(since)
    .fetch_all(pool)
    .await?)
}

/// One waiting request, if the person is bound to its household.
pub async fn waiting_one(
    pool: &AnyPool,
    person_id: i64,
    request_id: i64,
) -> BackendResult<Option<RequestRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {REQUEST_COLUMNS} FROM binding_requests r WHERE r.id = $2 AND r.person_id <> $1 \
           AND EXISTS (SELECT 1 FROM person_households ph \
                        WHERE ph.household_id = r.household_id AND ph.person_id = $1)"
    ))
    .bind(person_id)
    .bind(request_id)
    .fetch_optional(pool)
    .await?)
}
