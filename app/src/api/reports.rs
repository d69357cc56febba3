//! Reports for dispatchers (日调度、周分析、月通报).

use domain::reports::Report;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// The report of the period holding `date` (today without one); `period`
/// is "day", "week" or "month".
#[server(input = GetUrl, prefix = "/api", endpoint = "reports")]
pub async fn load_report(
    period: Option<String>,
    date: Option<String>,
) -> Result<Report, ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    let now = call.now();
    let today = domain::clock::to_local(now).date_naive();
    let period = domain::reports::Period::from_form(period.as_deref(), date.as_deref(), today);
    backend::services::reports::report(&call.db, &call.viewer, period, now)
        .await
        .map_err(to_server_error)
}
