//! The city heating authority's season desk: the season as the city sees
//! it, and publishing a decision. The backend checks the role.

use domain::season_decision::SeasonDeskView;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[server(input = GetUrl, prefix = "/api", endpoint = "season/decisions")]
pub async fn load_season_desk() -> Result<SeasonDeskView, ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    backend::services::season_decisions::desk(&call.db, &call.settings, &call.viewer, call.now())
        .await
        .map_err(to_server_error)
}

/// An early start or extension at `effective_at` (a local date and time),
/// with its reason, for the chosen companies (none: every company).
#[server(prefix = "/api", endpoint = "season/decisions/publish")]
pub async fn publish_season_decision(
    kind: String,
    effective_at: String,
    reason: String,
    company_ids: Option<Vec<i64>>,
) -> Result<(), ServerFnError> {
    use crate::context::to_server_error;
    use backend::services::season_decisions::{publish, DecisionInput};
    let call = crate::context::Call::signed_in().await?;
    let input = DecisionInput {
        kind: domain::season::AnnouncementKind::parse(kind.trim()),
        effective_at: domain::clock::parse_local_input(&effective_at),
        reason,
        company_ids: company_ids.unwrap_or_default(),
    };
    publish(&call.db, &call.settings, &call.viewer, &call.origin, input)
        .await
        .map_err(to_server_error)?;
    leptos_axum::redirect("/authority/season");
    Ok(())
}
