//! Reports for dispatchers (日调度、周分析、月通报), and every company's
//! figures side by side for the city's heating authority.

use domain::city_report::ReportView;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// The report of the period holding `date` (today without one); `period`
/// is "day", "week" or "month". A dispatcher reads their company's, the
/// city's heating authority every company's.
#[server(input = GetUrl, prefix = "/api", endpoint = "reports")]
pub async fn load_report(
    period: Option<String>,
    date: Option<String>,
) -> Result<ReportView, ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    let now = call.now();
    let today = domain::clock::to_local(now).date_naive();
    let period = domain::reports::Period::from_form(period.as_deref(), date.as_deref(), today);
    backend::services::reports::report_for(&call.db, &call.viewer, period, now)
        .await
        .map_err(to_server_error)
}
