//! Smart heating: the sensor registry (admin) and its CSV import, each
//! company's weather-compensated curve (admin), and the dispatcher's
//! station board.

use domain::telemetry::{DataFinding, SensorRegistry, SensorSummary, StationBoard};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// Counts and the first sensors, flagged first (admin).
#[server(input = GetUrl, prefix = "/api", endpoint = "admin/sensors/registry")]
pub async fn load_sensor_registry() -> Result<SensorRegistry, ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    backend::services::telemetry::registry::summary(&call.db, &call.viewer)
        .await
        .map_err(to_server_error)
}

/// Imports a registry CSV (`sensor_id,kind,place`), then shows what it
/// did on the registry page.
#[server(prefix = "/api", endpoint = "admin/sensors/import")]
pub async fn import_sensors(csv: String) -> Result<(), ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    let report = backend::services::telemetry::registry::import_sensors(
        &call.db,
        &call.viewer,
        &csv,
        &call.origin,
    )
    .await
    .map_err(to_server_error)?;
    leptos_axum::redirect(&format!(
        "/admin/sensors?registered={}&moved={}",
        report.registered, report.moved
    ));
    Ok(())
}

/// One sensor by its code, for its edit form (admin); None when no
/// sensor has that code.
#[server(input = GetUrl, prefix = "/api", endpoint = "admin/sensors/one")]
pub async fn load_sensor(code: String) -> Result<Option<SensorSummary>, ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    backend::services::telemetry::registry::sensor(&call.db, &call.viewer, &code)
        .await
        .map_err(to_server_error)
}

/// Gives a sensor another kind or place (admin), then shows it saved.
#[server(prefix = "/api", endpoint = "admin/sensors/edit")]
pub async fn edit_sensor(code: String, kind: String, place: String) -> Result<(), ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    backend::services::telemetry::registry::edit_sensor(
        &call.db,
        &call.viewer,
        (&code, &kind, &place),
        &call.origin,
    )
    .await
    .map_err(to_server_error)?;
    // A saved code is letters, digits, '-', '_' and '.': safe in a query.
    leptos_axum::redirect(&format!("/admin/sensors?sensor={}#edit", code.trim()));
    Ok(())
}

/// The dispatcher's station board.
#[server(input = GetUrl, prefix = "/api", endpoint = "desk/stations")]
pub async fn load_station_board() -> Result<StationBoard, ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    backend::services::telemetry::views::station_board(&call.db, &call.viewer, call.now())
        .await
        .map_err(to_server_error)
}

/// Sets a company's curve (admin): two points (outdoor ℃ → supply ℃) and
/// the tolerance, as typed ("-7", "55.5").
#[server(prefix = "/api", endpoint = "admin/sensors/curve")]
pub async fn set_supply_curve(
    company: i64,
    cold_outdoor: String,
    cold_supply: String,
    mild_outdoor: String,
    mild_supply: String,
    tolerance: String,
) -> Result<(), ServerFnError> {
    use crate::context::to_server_error;
    use domain::telemetry::{parse_degrees, SupplyCurve};
    let call = crate::context::Call::signed_in().await?;
    let degrees = |text: &str| {
        parse_degrees(text).ok_or_else(|| {
            to_server_error(backend::BackendError::refused(
                translations::text::telemetry_curve_invalid,
            ))
        })
    };
    let curve = SupplyCurve {
        cold_outdoor: degrees(&cold_outdoor)?,
        cold_supply: degrees(&cold_supply)?,
        mild_outdoor: degrees(&mild_outdoor)?,
        mild_supply: degrees(&mild_supply)?,
        tolerance: degrees(&tolerance)?,
    };
    backend::services::telemetry::registry::set_supply_curve(
        &call.db,
        &call.viewer,
        company,
        curve,
        &call.origin,
    )
    .await
    .map_err(to_server_error)
}

/// 未诉先办 from data: cold buildings and stations below the curve (dispatcher).
#[server(input = GetUrl, prefix = "/api", endpoint = "desk/findings")]
pub async fn load_data_findings() -> Result<Vec<DataFinding>, ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    backend::services::telemetry::findings::data_findings(
        &call.db,
        &call.settings,
        &call.viewer,
        call.now(),
    )
    .await
    .map_err(to_server_error)
}

/// Opens an incident for what the data found, then shows it.
#[server(prefix = "/api", endpoint = "incidents/from-data")]
pub async fn open_data_incident(scope: String) -> Result<(), ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    let filed = backend::services::incidents::open_data_incident(
        &call.db,
        &call.settings,
        &call.viewer,
        &call.origin,
        &scope,
    )
    .await
    .map_err(to_server_error)?;
    leptos_axum::redirect(&format!("/cases/{}", filed.case_id));
    Ok(())
}
