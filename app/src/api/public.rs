//! Reads anyone may make without signing in.

use domain::notices::{BuildingLookup, HomeOverview, OutageBoard};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[server(input = GetUrl, prefix = "/api", endpoint = "home")]
pub async fn load_home() -> Result<HomeOverview, ServerFnError> {
    use crate::context::to_server_error;
    let services = crate::context::Services::current()?;
    backend::services::public::home_overview(&services.db, &services.settings, services.now())
        .await
        .map_err(to_server_error)
}

#[server(input = GetUrl, prefix = "/api", endpoint = "outages")]
pub async fn load_outage_board(
    district: Option<String>,
    community: Option<i64>,
) -> Result<OutageBoard, ServerFnError> {
    use crate::context::to_server_error;
    let services = crate::context::Services::current()?;
    let district = district.filter(|d| !d.trim().is_empty());
    backend::services::public::outage_board(
        &services.db,
        &services.settings,
        services.now(),
        district.as_deref(),
        community,
    )
    .await
    .map_err(to_server_error)
}

#[server(input = GetUrl, prefix = "/api", endpoint = "building")]
pub async fn load_building_lookup(
    district: Option<String>,
    community: Option<i64>,
    building: Option<i64>,
    unit: Option<i64>,
) -> Result<BuildingLookup, ServerFnError> {
    use crate::context::to_server_error;
    use backend::services::public::LookupChoice;
    let services = crate::context::Services::current()?;
    let choice = LookupChoice {
        district: district.as_deref().map(str::trim).filter(|d| !d.is_empty()),
        community,
        building,
        unit,
    };
    backend::services::public::building_lookup(
        &services.db,
        &services.settings,
        services.now(),
        choice,
    )
    .await
    .map_err(to_server_error)
}
