//! What reports count: a dispatcher's company's cases filed in a period,
//! and for the city's heating authority every company's.

use crate::error::BackendResult;
use crate::store::access::COMPANY_CASE;
use sqlx::AnyPool;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ReportRow {
    pub id: i64,
    pub case_no: String,
    pub kind: String,
    pub state: String,
    pub station: String,
    pub community: String,
    pub summary: String,
    pub created_at: i64,
    pub due_at: Option<i64>,
    pub responded_at: Option<i64>,
    pub response_on_time: Option<i64>,
    pub closed_at: Option<i64>,
    pub rating: Option<i64>,
    pub crew: Option<String>,
    /// 1 when a measurement on site found the home below 18 ℃.
    pub measured_below: i64,
}

/// A report's columns of a case `c`, and the joins they read from (its
/// building's community, its station, its crew).
macro_rules! report_case_from {
    () => {
        "c.id, c.case_no, c.kind, c.state, COALESCE(s.name, '') AS station, \
         COALESCE(cm.name, '') AS community, c.summary, c.created_at, c.due_at, \
         c.responded_at, c.response_on_time, c.closed_at, c.rating, cr.name AS crew, \
         CASE WHEN EXISTS (SELECT 1 FROM temperature_measurements tm \
                           WHERE tm.case_id = c.id AND tm.meets_standard = 0) \
              THEN 1 ELSE 0 END AS measured_below \
         FROM cases c \
         LEFT JOIN buildings b ON b.id = c.building_id \
         LEFT JOIN communities cm ON cm.id = b.community_id \
         LEFT JOIN stations s ON s.id = COALESCE(b.station_id, c.station_id) \
         LEFT JOIN crews cr ON cr.id = c.assigned_crew_id"
    };
}

/// The cases of the dispatcher's company filed in [start, end), oldest first.
pub async fn company_cases_filed(
    pool: &AnyPool,
    person_id: i64,
    start: i64,
    end: i64,
) -> BackendResult<Vec<ReportRow>> {
    Ok(sqlx::query_as(&format!(
        concat!(
            "SELECT ",
            report_case_from!(),
            " WHERE c.created_at >= $2 AND c.created_at < $3 AND {} \
             ORDER BY c.created_at, c.id"
        ),
        COMPANY_CASE
    ))
    .bind(person_id)
    .bind(start)
    .bind(end)
    .fetch_all(pool)
    .await?)
}

/// A case of any company, for the city's view: its company (by its
/// building's or station's, or its own while a 12345 order is unplaced)
/// and whether it came in as a 12345 order.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CityRow {
    pub company_id: Option<i64>,
    pub from_hotline: i64,
    #[sqlx(flatten)]
    pub case: ReportRow,
}

/// Every company's cases filed in [start, end), oldest first.
pub async fn city_cases_filed(pool: &AnyPool, start: i64, end: i64) -> BackendResult<Vec<CityRow>> {
    Ok(sqlx::query_as(concat!(
        "SELECT COALESCE(s.company_id, c.company_id) AS company_id, \
                CASE WHEN EXISTS (SELECT 1 FROM hotline_orders ho WHERE ho.case_id = c.id) \
                     THEN 1 ELSE 0 END AS from_hotline, ",
        report_case_from!(),
        " WHERE c.created_at >= $1 AND c.created_at < $2 ORDER BY c.created_at, c.id"
    ))
    .bind(start)
    .bind(end)
    .fetch_all(pool)
    .await?)
}
