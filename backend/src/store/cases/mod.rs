//! Cases and their timelines. Reads go through the access rules; writes take
//! a transaction and change a case only from the state the caller read.

use crate::error::BackendResult;
use crate::store::access::{
    COMPANY_CASE, GRID_BUILDINGS, LOOKED_AFTER_BUILDINGS, PERSON_CREWS, VISIBLE_CASE, VISIBLE_CASES,
};
use sqlx::AnyPool;

/// A case as lists show it.
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
    pub warn_at: Option<i64>,
    pub responded_at: Option<i64>,
    pub urgency: String,
    pub crew_name: Option<String>,
    pub closed_at: Option<i64>,
}

/// The columns of a [`CaseRow`], over [`case_joins!`].
macro_rules! case_columns {
    () => {
        "c.id, c.case_no, c.kind, c.state, c.summary, \
         COALESCE(cm.name || ' ' || b.name, st.name, '') AS place, c.household_id, c.building_id, \
         c.created_at, c.due_at, c.warn_at, c.responded_at, c.urgency, cr.name AS crew_name, \
         c.closed_at"
    };
}

/// The case `c` with its building `b`, community `cm`, crew `cr` and the
/// station `st` of a station-wide case.
macro_rules! case_joins {
    () => {
        "FROM cases c \
         LEFT JOIN buildings b ON b.id = c.building_id \
         LEFT JOIN communities cm ON cm.id = b.community_id \
         LEFT JOIN crews cr ON cr.id = c.assigned_crew_id \
         LEFT JOIN stations st ON st.id = c.station_id"
    };
}

const CASE_SELECT: &str = concat!("SELECT ", case_columns!(), " ", case_joins!());

// After the macros above, which one case's page reads with.
mod one_case;
mod writing;
pub use one_case::*;
pub use writing::*;

/// Open cases only: the nearest deadline first, then the oldest. The same
/// expression as the index `cases_open_by_deadline` (migration 0008), so a
/// queue walks that index and stops at its limit.
const OPEN_ORDER: &str = "ORDER BY \
     CASE WHEN c.responded_at IS NULL AND c.due_at IS NOT NULL THEN c.due_at ELSE 9999999999 END, \
     c.created_at, c.id";

/// Open cases first, the nearest deadline first, then the oldest.
const READING_ORDER: &str = "ORDER BY CASE WHEN c.closed_at IS NULL THEN 0 ELSE 1 END, \
     CASE WHEN c.responded_at IS NULL AND c.due_at IS NOT NULL THEN c.due_at ELSE 9999999999 END, \
     c.created_at, c.id";

/// The cases a person may read, open ones by deadline first.
pub async fn visible_to(pool: &AnyPool, person_id: i64, limit: i64) -> BackendResult<Vec<CaseRow>> {
    Ok(sqlx::query_as(&format!(
        "{CASE_SELECT} WHERE c.id IN ({VISIBLE_CASES}) {READING_ORDER} LIMIT $2"
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
    Ok(
        sqlx::query_as(&format!("{CASE_SELECT} WHERE c.id = $2 AND {VISIBLE_CASE}"))
            .bind(person_id)
            .bind(case_id)
            .fetch_optional(pool)
            .await?,
    )
}

/// One case, if it belongs to the dispatcher's own company (not merely
/// one they may read through another role).
pub async fn one_of_dispatcher_company(
    pool: &AnyPool,
    person_id: i64,
    case_id: i64,
) -> BackendResult<Option<CaseRow>> {
    Ok(
        sqlx::query_as(&format!("{CASE_SELECT} WHERE c.id = $2 AND {COMPANY_CASE}"))
            .bind(person_id)
            .bind(case_id)
            .fetch_optional(pool)
            .await?,
    )
}

/// The open cases of a grid worker's buildings, nearest deadline first.
pub async fn open_in_grids(
    pool: &AnyPool,
    person_id: i64,
    limit: i64,
) -> BackendResult<Vec<CaseRow>> {
    Ok(sqlx::query_as(&format!(
        "{CASE_SELECT} WHERE c.closed_at IS NULL AND c.building_id IN ({GRID_BUILDINGS}) \
         {OPEN_ORDER} LIMIT $2"
    ))
    .bind(person_id)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

/// A case the person may read, by its number.
pub async fn visible_by_number(
    pool: &AnyPool,
    person_id: i64,
    case_no: &str,
) -> BackendResult<Option<i64>> {
    Ok(sqlx::query_scalar(&format!(
        "SELECT c.id FROM cases c WHERE c.case_no = $2 AND {VISIBLE_CASE}"
    ))
    .bind(person_id)
    .bind(case_no)
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
         {READING_ORDER}"
    ))
    .bind(person_id)
    .bind(building_id)
    .fetch_all(pool)
    .await?)
}

/// The jobs assigned to a repair crew member's crews.
pub async fn crew_jobs(pool: &AnyPool, person_id: i64, limit: i64) -> BackendResult<Vec<CaseRow>> {
    Ok(sqlx::query_as(&format!(
        "{CASE_SELECT} WHERE c.assigned_crew_id IN ({PERSON_CREWS}) {READING_ORDER} LIMIT $2"
    ))
    .bind(person_id)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

/// A dispatcher's queue filters, as the store reads them.
#[derive(Clone, Debug, Default)]
pub struct QueueQuery<'a> {
    pub kind: Option<&'a str>,
    pub state: Option<&'a str>,
    /// A `LIKE` pattern for the community's or the station's name.
    pub place_pattern: Option<String>,
    pub overdue_at: Option<i64>,
    pub include_finished: bool,
    pub limit: i64,
}

/// A `LIKE` pattern (with `ESCAPE '\'`) matching names that contain `text`.
pub fn contains_pattern(text: &str) -> String {
    let mut pattern = String::from("%");
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// The cases of a dispatcher's company, filtered, by deadline.
pub async fn queue(
    pool: &AnyPool,
    person_id: i64,
    query: &QueueQuery<'_>,
) -> BackendResult<Vec<CaseRow>> {
    let mut sql = format!("{CASE_SELECT} WHERE {COMPANY_CASE}");
    let mut next = 2;
    let mut placeholder = || {
        let p = format!("${next}");
        next += 1;
        p
    };
    if query.kind.is_some() {
        sql += &format!(" AND c.kind = {}", placeholder());
    }
    if query.state.is_some() {
        sql += &format!(" AND c.state = {}", placeholder());
    }
    if query.place_pattern.is_some() {
        let pattern = placeholder();
        sql += &format!(
            " AND (cm.name LIKE {pattern} ESCAPE '\\' \
               OR COALESCE(b.station_id, c.station_id) IN \
                  (SELECT s.id FROM stations s WHERE s.name LIKE {pattern} ESCAPE '\\'))"
        );
    }
    if query.overdue_at.is_some() {
        sql += &format!(
            " AND c.closed_at IS NULL AND c.responded_at IS NULL AND c.due_at <= {}",
            placeholder()
        );
    }
    let order = if query.include_finished {
        READING_ORDER
    } else {
        sql += " AND c.closed_at IS NULL";
        OPEN_ORDER
    };
    sql += &format!(" {order} LIMIT {}", placeholder());
    let mut q = sqlx::query_as(&sql).bind(person_id);
    if let Some(kind) = query.kind {
        q = q.bind(kind);
    }
    if let Some(state) = query.state {
        q = q.bind(state);
    }
    if let Some(pattern) = &query.place_pattern {
        q = q.bind(pattern.clone());
    }
    if let Some(at) = query.overdue_at {
        q = q.bind(at);
    }
    Ok(q.bind(query.limit).fetch_all(pool).await?)
}

#[cfg(test)]
mod tests {
    use super::contains_pattern;

    #[test]
    fn a_search_matches_its_text_literally() {
        assert_eq!(contains_pattern("东方"), "%东方%");
        assert_eq!(contains_pattern("100%_a\\b"), "%100\\%\\_a\\\\b%");
    }
}
