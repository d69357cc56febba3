//! A grid worker's work: consents to file for a resident, and the visit log.
//! Reads are scoped to the worker's grids in SQL.

use crate::error::BackendResult;
use crate::store::access::GRID_BUILDINGS;
use crate::store::households::{HouseholdRow, HOUSEHOLD_SELECT};
use sqlx::{Any, AnyPool, Transaction};

/// A household of one of the worker's grids, by its account number.
pub async fn grid_household_by_account(
    pool: &AnyPool,
    person_id: i64,
    account_no: &str,
) -> BackendResult<Option<HouseholdRow>> {
    grid_household(pool, person_id, "h.account_no = $2", account_no.to_string()).await
}

/// A household of one of the worker's grids, by id.
pub async fn grid_household_by_id(
    pool: &AnyPool,
    person_id: i64,
    household_id: i64,
) -> BackendResult<Option<HouseholdRow>> {
    grid_household(pool, person_id, "h.id = $2", household_id).await
}

async fn grid_household<T>(
    pool: &AnyPool,
    person_id: i64,
    condition: &str,
    value: T,
) -> BackendResult<Option<HouseholdRow>>
where
    T: for<'q> sqlx::Encode<'q, Any> + sqlx::Type<Any> + Send,
{
    Ok(sqlx::query_as(&format!(
        "{HOUSEHOLD_SELECT} WHERE {condition} AND u.building_id IN ({GRID_BUILDINGS})"
    ))
    .bind(person_id)
    .bind(value)
    .fetch_optional(pool)
    .await?)
}

pub struct NewConsent<'a> {
    pub token_hash: &'a str,
    /// What the resident is asked to agree to (`CaseKind::as_str`).
    pub case_kind: &'a str,
    pub grid_worker_id: i64,
    pub household_id: i64,
    pub phone: &'a str,
    pub code_hash: &'a str,
    pub now: i64,
}

pub async fn insert_consent(
    tx: &mut Transaction<'_, Any>,
    consent: &NewConsent<'_>,
) -> BackendResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO filing_consents (token_hash, grid_worker_id, household_id, phone, code_hash, created_at, case_kind) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(consent.token_hash)
    .bind(consent.grid_worker_id)
    .bind(consent.household_id)
    .bind(consent.phone)
    .bind(consent.code_hash)
    .bind(consent.now)
    .bind(consent.case_kind)
    .fetch_one(&mut **tx)
    .await?)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ConsentRow {
    pub id: i64,
    pub grid_worker_id: i64,
    pub household_id: i64,
    pub phone: String,
    pub code_hash: String,
    pub created_at: i64,
    pub wrong_tries: i64,
    pub confirmed_at: Option<i64>,
    pub case_kind: String,
}

/// A consent the worker asked for, by its token's hash (another worker's
/// token finds nothing).
pub async fn consent_of_worker(
    pool: &AnyPool,
    grid_worker_id: i64,
    token_hash: &str,
) -> BackendResult<Option<ConsentRow>> {
    Ok(sqlx::query_as(
        "SELECT id, grid_worker_id, household_id, phone, code_hash, created_at, wrong_tries, \
                confirmed_at, case_kind \
         FROM filing_consents WHERE token_hash = $1 AND grid_worker_id = $2",
    )
    .bind(token_hash)
    .bind(grid_worker_id)
    .fetch_optional(pool)
    .await?)
}

/// The mobile numbers linked to a household: its bound residents' and the
/// holder's number on file.
pub async fn household_phones(pool: &AnyPool, household_id: i64) -> BackendResult<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT p.phone FROM person_households ph JOIN people p ON p.id = ph.person_id \
          WHERE ph.household_id = $1 AND p.phone IS NOT NULL AND p.disabled_at IS NULL \
         UNION SELECT holder_phone FROM households WHERE id = $1 AND holder_phone IS NOT NULL",
    )
    .bind(household_id)
    .fetch_all(pool)
    .await?)
}

/// Spends a consent on the case it filed. False when it was spent already.
pub async fn spend_consent(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    case_id: i64,
    now: i64,
) -> BackendResult<bool> {
    Ok(sqlx::query(
        "UPDATE filing_consents SET confirmed_at = $1, case_id = $2 WHERE id = $3 AND confirmed_at IS NULL",
    )
    .bind(now)
    .bind(case_id)
    .bind(id)
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1)
}

pub struct NewVisit<'a> {
    pub grid_worker_id: i64,
    pub building_id: i64,
    pub household_id: Option<i64>,
    pub visited_on: &'a str,
    pub notes: &'a str,
    pub follow_up_case_id: Option<i64>,
    pub idempotency_key: &'a str,
    pub now: i64,
}

/// Logs a visit once per key; a repeated key answers with the first visit.
pub async fn insert_visit(pool: &AnyPool, visit: &NewVisit<'_>) -> BackendResult<i64> {
    let inserted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO grid_visits (grid_worker_id, building_id, household_id, visited_on, notes, follow_up_case_id, idempotency_key, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
    )
    .bind(visit.grid_worker_id)
    .bind(visit.building_id)
    .bind(visit.household_id)
    .bind(visit.visited_on)
    .bind(visit.notes)
    .bind(visit.follow_up_case_id)
    .bind(visit.idempotency_key)
    .bind(visit.now)
    .fetch_optional(pool)
    .await?;
    match inserted {
        Some(id) => Ok(id),
        None => Ok(
            sqlx::query_scalar("SELECT id FROM grid_visits WHERE idempotency_key = $1")
                .bind(visit.idempotency_key)
                .fetch_one(pool)
                .await?,
        ),
    }
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct VisitRow {
    pub id: i64,
    pub visited_on: String,
    pub place: String,
    pub worker_name: String,
    pub notes: String,
    pub follow_up_case_id: Option<i64>,
    pub follow_up_case_no: Option<String>,
}

/// The newest visits to buildings of the worker's grids (by anyone), newest
/// first.
pub async fn visits_in_grids(
    pool: &AnyPool,
    person_id: i64,
    limit: i64,
) -> BackendResult<Vec<VisitRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT v.id, v.visited_on, \
                cm.name || ' ' || b.name || COALESCE(' ' || u.name || ' ' || h.room, '') AS place, \
                p.display_name AS worker_name, v.notes, v.follow_up_case_id, c.case_no AS follow_up_case_no \
         FROM grid_visits v \
         JOIN buildings b ON b.id = v.building_id \
         JOIN communities cm ON cm.id = b.community_id \
         JOIN people p ON p.id = v.grid_worker_id \
         LEFT JOIN households h ON h.id = v.household_id \
         LEFT JOIN units u ON u.id = h.unit_id \
         LEFT JOIN cases c ON c.id = v.follow_up_case_id \
         WHERE v.building_id IN ({GRID_BUILDINGS}) \
         ORDER BY v.visited_on DESC, v.id DESC LIMIT $2"
    ))
    .bind(person_id)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}
