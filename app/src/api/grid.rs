//! A grid worker's desk: the grid, filing for a resident with their texted
//! consent, and the visit log. Plain form posts that redirect, so they work
//! before WebAssembly loads.

use domain::grid_work::GridDesk;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use translations::text;

/// The desk and a fresh one-time key for the visit form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridPageData {
    pub desk: GridDesk,
    pub visit_key: String,
}

/// 我的网格: buildings, open cases, visits.
#[server(input = GetUrl, prefix = "/api", endpoint = "grid/desk")]
pub async fn load_grid_desk() -> Result<GridPageData, ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    let desk =
        backend::services::grid_work::grid_desk(&call.db, &call.settings, &call.viewer, call.now())
            .await
            .map_err(to_server_error)?;
    Ok(GridPageData {
        desk,
        visit_key: backend::secrets::new_token(),
    })
}

/// Texts the resident a consent code, then opens the filing form for them.
#[server(prefix = "/api", endpoint = "grid/consent")]
pub async fn request_filing_consent(
    account_no: String,
    phone: String,
    kind: String,
) -> Result<(), ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    let requested = backend::services::grid_work::request_filing_consent(
        &call.db,
        &call.viewer,
        &call.origin,
        &account_no,
        &phone,
        &kind,
    )
    .await
    .map_err(to_server_error)?;
    leptos_axum::redirect(&requested.form_path);
    Ok(())
}

/// Logs a visit (访民问暖), then shows the grid again.
#[server(prefix = "/api", endpoint = "grid/visits")]
pub async fn log_grid_visit(
    building_id: String,
    account_no: String,
    visited_on: String,
    notes: String,
    follow_up_case_no: String,
    idempotency_key: String,
) -> Result<(), ServerFnError> {
    use crate::context::to_server_error;
    use backend::services::grid_work::{log_visit, VisitForm};
    let call = crate::context::Call::signed_in().await?;
    let building_id = building_id
        .trim()
        .parse()
        .map_err(|_| crate::context::refused(text::form_visit_building_missing))?;
    log_visit(
        &call.db,
        &call.viewer,
        &call.origin,
        VisitForm {
            building_id,
            account_no,
            visited_on,
            notes,
            follow_up_case_no,
            idempotency_key,
        },
    )
    .await
    .map_err(to_server_error)?;
    leptos_axum::redirect("/grid");
    Ok(())
}
