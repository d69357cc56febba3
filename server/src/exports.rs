//! GET /reports/cases.csv?period=week&date=2026-11-23: a report's cases as
//! CSV for a spreadsheet, for dispatchers of the company.

use app::context::Services;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use domain::reports::{report_csv, Period};
use http::{header, HeaderMap, HeaderValue, StatusCode};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct ReportQuery {
    pub period: Option<String>,
    pub date: Option<String>,
}

pub async fn report_cases_csv(
    State(services): State<Services>,
    Query(query): Query<ReportQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = app::session::language_of(&headers);
    let viewer = match crate::signed_in::viewer(&services, &headers).await {
        Ok(Some(viewer)) => viewer,
        Ok(None) => {
            return (
                StatusCode::UNAUTHORIZED,
                translations::text::error_signed_out(lang),
            )
                .into_response()
        }
        Err(response) => return response,
    };
    let now = services.now();
    let today = domain::clock::to_local(now).date_naive();
    let period = Period::from_form(query.period.as_deref(), query.date.as_deref(), today);
    match backend::services::reports::report(&services.db, &viewer, period, now).await {
        Ok(report) => {
            let file_name = format!(
                "heatdesk-{}-{}.csv",
                period.kind.as_str(),
                period.first_day.format("%Y%m%d")
            );
            let mut response = report_csv(&report).into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            );
            if let Ok(value) =
                HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\""))
            {
                headers.insert(header::CONTENT_DISPOSITION, value);
            }
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(backend::BackendError::Forbidden) => (
            StatusCode::FORBIDDEN,
            translations::text::report_export_for_dispatchers(lang),
        )
            .into_response(),
        Err(error) => crate::backend_answer::plain_answer(&error, "report export", lang),
    }
}
