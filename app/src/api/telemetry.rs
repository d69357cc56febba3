//! The sensor registry (admin): the registry page's data, and a CSV
//! import that works as a plain form post.

use domain::telemetry::SensorRegistry;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// Counts and the first sensors, flagged first (admin).
#[server(input = GetUrl, prefix = "/api", endpoint = "admin/sensors/registry")]
pub async fn load_sensor_registry() -> Result<SensorRegistry, ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    backend::services::telemetry::registry(&call.db, &call.viewer)
        .await
        .map_err(to_server_error)
}

/// Imports a registry CSV (`sensor_id,kind,place`), then shows what it
/// did on the registry page.
#[server(prefix = "/api", endpoint = "admin/sensors/import")]
pub async fn import_sensors(csv: String) -> Result<(), ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    let report =
        backend::services::telemetry::import_sensors(&call.db, &call.viewer, &csv, &call.origin)
            .await
            .map_err(to_server_error)?;
    leptos_axum::redirect(&format!(
        "/admin/sensors?registered={}&moved={}",
        report.registered, report.moved
    ));
    Ok(())
}
