//! Reports for dispatchers: 日调度、周分析、月通报 of their company, and the
//! same cases as CSV.

use crate::db::Database;
use crate::error::BackendResult;
use crate::services::identity::Viewer;
use crate::store::reports;
use domain::case_flow::{CaseKind, CaseState};
use domain::clock::UnixSeconds;
use domain::reports::{build_report, Period, Report, ReportCase};
use domain::roles::Role;

/// The report of `period` for the dispatcher's company, as it stands at `now`.
pub async fn report(
    db: &Database,
    viewer: &Viewer,
    period: Period,
    now: UnixSeconds,
) -> BackendResult<Report> {
    viewer.require(Role::Dispatcher)?;
    let (start, end) = period.range();
    let rows = reports::company_cases_filed(db.reader(), viewer.person_id, start, end).await?;
    let cases = rows
        .into_iter()
        .filter_map(|row| {
            Some(ReportCase {
                case_id: row.id,
                case_no: row.case_no,
                kind: CaseKind::parse(&row.kind)?,
                state: CaseState::parse(&row.state)?,
                station: row.station,
                community: row.community,
                summary: row.summary,
                created_at: row.created_at,
                due_at: row.due_at,
                responded_at: row.responded_at,
                response_on_time: row.response_on_time.map(|t| t == 1),
                closed_at: row.closed_at,
                rating: row.rating.and_then(|r| u8::try_from(r).ok()),
                crew: row.crew,
            })
        })
        .collect();
    Ok(build_report(period, cases, now))
}
