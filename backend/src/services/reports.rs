//! Reports for dispatchers: 日调度、周分析、月通报 of their company, and the
//! same cases as CSV; for the city's heating authority, every company's
//! figures side by side.

use crate::db::Database;
use crate::error::BackendResult;
use crate::services::identity::Viewer;
use crate::store::reports;
use domain::case_flow::{CaseKind, CaseState};
use domain::city_report::{build_city_report, CityCase, CityReport, ReportView};
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
    let cases = rows.into_iter().filter_map(report_case).collect();
    Ok(build_report(period, cases, now))
}

/// The report `viewer` may read for `period`.
pub async fn report_for(
    db: &Database,
    viewer: &Viewer,
    period: Period,
    now: UnixSeconds,
) -> BackendResult<ReportView> {
    if viewer.has(Role::HeatingAuthority) {
        return Ok(ReportView::City(
            city_report(db, viewer, period, now).await?,
        ));
    }
    Ok(ReportView::Company(report(db, viewer, period, now).await?))
}

/// Every company's figures for `period` side by side, for the city's
/// heating authority.
pub async fn city_report(
    db: &Database,
    viewer: &Viewer,
    period: Period,
    now: UnixSeconds,
) -> BackendResult<CityReport> {
    viewer.require(Role::HeatingAuthority)?;
    let (start, end) = period.range();
    let companies: Vec<(i64, String)> = crate::store::seasons::companies(db.reader())
        .await?
        .into_iter()
        .map(|company| (company.id, company.name))
        .collect();
    let cases = reports::city_cases_filed(db.reader(), start, end)
        .await?
        .into_iter()
        .filter_map(|row| {
            Some(CityCase {
                // A case placed nowhere yet counts in the city's total only.
                company_id: row.company_id.unwrap_or(0),
                from_hotline: row.from_hotline == 1,
                case: report_case(row.case)?,
            })
        })
        .collect();
    let compliance = crate::services::telemetry::compliance::days_between(db, start, end).await?;
    Ok(build_city_report(
        period,
        &companies,
        cases,
        &compliance,
        now,
    ))
}

/// A stored row as the report counts it; None for a kind or state this
/// version does not know.
fn report_case(row: reports::ReportRow) -> Option<ReportCase> {
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
        measured_below: row.measured_below == 1,
    })
}
