//! Cases, read through the access rules.

use crate::error::BackendResult;
use crate::store::access::{LOOKED_AFTER_BUILDINGS, VISIBLE_CASES};
use sqlx::AnyPool;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CaseRow {
    pub id: i64,
    pub case_no: String,
    pub kind: String,
    pub state: String,
    pub summary: String,
    pub place: String,
    pub household_id: Option<i64>,
    pub building_id: Option<i64>,
    pub created_at: i64,
    pub due_at: Option<i64>,
    pub closed_at: Option<i64>,
}

const CASE_SELECT: &str = "SELECT c.id, c.case_no, c.kind, c.state, c.summary, \
         COALESCE(cm.name || ' ' || b.name, '') AS place, c.household_id, c.building_id, \
         c.created_at, c.due_at, c.closed_at \
     FROM cases c \
     LEFT JOIN buildings b ON b.id = c.building_id \
     LEFT JOIN communities cm ON cm.id = b.community_id";

/// The cases a person may read, open ones by deadline first.
pub async fn visible_to(pool: &AnyPool, person_id: i64, limit: i64) -> BackendResult<Vec<CaseRow>> {
    Ok(sqlx::query_as(&format!(
        "{CASE_SELECT} WHERE c.id IN ({VISIBLE_CASES}) \
         ORDER BY CASE WHEN c.closed_at IS NULL THEN 0 ELSE 1 END, \
                  COALESCE(c.due_at, c.created_at), c.id LIMIT $2"
    ))
    .bind(person_id)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

/// One case, if the person may read it.
pub async fn one_visible_to(
    pool: &AnyPool,
    person_id: i64,
    case_id: i64,
) -> BackendResult<Option<CaseRow>> {
    Ok(sqlx::query_as(&format!(
        "{CASE_SELECT} WHERE c.id = $2 AND c.id IN ({VISIBLE_CASES})"
    ))
    .bind(person_id)
    .bind(case_id)
    .fetch_optional(pool)
    .await?)
}

/// The cases of one building, if the person looks after it (nothing when not).
pub async fn of_looked_after_building(
    pool: &AnyPool,
    person_id: i64,
    building_id: i64,
) -> BackendResult<Vec<CaseRow>> {
    Ok(sqlx::query_as(&format!(
        "{CASE_SELECT} WHERE c.building_id = $2 AND c.building_id IN ({LOOKED_AFTER_BUILDINGS}) \
         ORDER BY CASE WHEN c.closed_at IS NULL THEN 0 ELSE 1 END, COALESCE(c.due_at, c.created_at), c.id"
    ))
    .bind(person_id)
    .bind(building_id)
    .fetch_all(pool)
    .await?)
}
