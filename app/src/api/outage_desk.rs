//! The duty desk's calls (dispatchers): the company's outages, one outage
//! with who hears of it, and each step on it; and an outage's public page.
//! The backend checks the role, and the company in its queries.

// The new-outage form has ten fields; the `server` macro repeats them on
// the browser side, where an attribute on the function does not reach.
#![allow(clippy::too_many_arguments)]

use domain::notices::OutagePage;
use domain::outage_desk::{DeskOutageDetail, OutageDeskView};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// The dispatcher's company's outages and the new-outage form's choices.
#[server(input = GetUrl, prefix = "/api", endpoint = "desk/outages")]
pub async fn load_outage_desk() -> Result<OutageDeskView, ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    backend::services::outage_desk::desk(&call.db, &call.viewer, call.now())
        .await
        .map_err(to_server_error)
}

/// One of the company's outages, its audience and its timeline.
#[server(input = GetUrl, prefix = "/api", endpoint = "desk/outage")]
pub async fn load_desk_outage(id: i64) -> Result<DeskOutageDetail, ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    backend::services::outage_desk::outage(&call.db, &call.viewer, id, call.now())
        .await
        .map_err(to_server_error)
}

/// An outage's public page; "not found" for a draft or a notice not yet public.
#[server(input = GetUrl, prefix = "/api", endpoint = "outage")]
pub async fn load_outage_page(id: i64) -> Result<OutagePage, ServerFnError> {
    use crate::context::to_server_error;
    use backend::BackendError;
    let services = crate::context::Services::current()?;
    backend::services::public::outage_page(&services.db, services.now(), id)
        .await
        .and_then(|page| page.ok_or(BackendError::NotFound(translations::text::outage_not_found)))
        .map(|page| OutagePage {
            public_url: services.access.public_url.clone(),
            ..page
        })
        .map_err(to_server_error)
}

/// Writes a new outage as a draft, then opens it (to check who hears of
/// it before publishing).
#[server(prefix = "/api", endpoint = "desk/outages/new")]
pub async fn create_outage(
    kind: String,
    title: String,
    cause: String,
    contact: Option<String>,
    starts_at: String,
    expected_restore_at: String,
    short_notice_reason: Option<String>,
    station_ids: Option<Vec<i64>>,
    community_ids: Option<Vec<i64>>,
    building_ids: Option<Vec<i64>>,
) -> Result<(), ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    let form = outage_form(
        kind,
        title,
        cause,
        contact,
        starts_at,
        expected_restore_at,
        short_notice_reason,
        station_ids,
        community_ids,
        building_ids,
    );
    let id = backend::services::outage_desk::create(&call.db, &call.viewer, &call.origin, form)
        .await
        .map_err(to_server_error)?;
    go_to_outage(id);
    Ok(())
}

/// Rewrites a draft from the same fields as a new outage, then shows it.
#[server(prefix = "/api", endpoint = "desk/outages/edit")]
pub async fn edit_outage(
    id: i64,
    kind: String,
    title: String,
    cause: String,
    contact: Option<String>,
    starts_at: String,
    expected_restore_at: String,
    short_notice_reason: Option<String>,
    station_ids: Option<Vec<i64>>,
    community_ids: Option<Vec<i64>>,
    building_ids: Option<Vec<i64>>,
) -> Result<(), ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    let form = outage_form(
        kind,
        title,
        cause,
        contact,
        starts_at,
        expected_restore_at,
        short_notice_reason,
        station_ids,
        community_ids,
        building_ids,
    );
    backend::services::outage_desk::edit_draft(&call.db, &call.viewer, &call.origin, id, form)
        .await
        .map_err(to_server_error)?;
    go_to_outage(id);
    Ok(())
}

/// The outage form's fields as the desk's rules read them.
#[cfg(feature = "ssr")]
fn outage_form(
    kind: String,
    title: String,
    cause: String,
    contact: Option<String>,
    starts_at: String,
    expected_restore_at: String,
    short_notice_reason: Option<String>,
    station_ids: Option<Vec<i64>>,
    community_ids: Option<Vec<i64>>,
    building_ids: Option<Vec<i64>>,
) -> domain::outage_desk::OutageForm {
    use domain::clock::parse_local_input;
    domain::outage_desk::OutageForm {
        kind: domain::outage::OutageKind::parse(kind.trim()),
        title,
        cause,
        contact: contact.unwrap_or_default(),
        starts_at: parse_local_input(&starts_at),
        expected_restore_at: parse_local_input(&expected_restore_at),
        short_notice_reason: short_notice_reason.unwrap_or_default(),
        station_ids: station_ids.unwrap_or_default(),
        building_ids: building_ids.unwrap_or_default(),
        community_ids: community_ids.unwrap_or_default(),
    }
}

#[cfg(feature = "ssr")]
fn go_to_outage(id: i64) {
    leptos_axum::redirect(&format!("/desk/outages/{id}"));
}

/// Publishes a draft now, or at `publish_at` (a local date and time).
#[server(prefix = "/api", endpoint = "desk/outages/publish")]
pub async fn publish_outage(id: i64, publish_at: Option<String>) -> Result<(), ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    let publish_at = match publish_at.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(domain::clock::parse_local_input(text).ok_or_else(|| {
            crate::context::refused(translations::text::outage_publish_time_unreadable)
        })?),
    };
    backend::services::outage_desk::publish(
        &call.db,
        &call.settings,
        &call.viewer,
        &call.origin,
        id,
        publish_at,
    )
    .await
    .map_err(to_server_error)?;
    go_to_outage(id);
    Ok(())
}

/// A progress note; a new expected restore time (optional) moves it.
#[server(prefix = "/api", endpoint = "desk/outages/update")]
pub async fn post_outage_update(
    id: i64,
    note: String,
    expected_restore_at: Option<String>,
) -> Result<(), ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    let new_restore = match expected_restore_at.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(domain::clock::parse_local_input(text).ok_or_else(|| {
            crate::context::refused(translations::text::outage_restore_time_missing)
        })?),
    };
    backend::services::outage_desk::post_update(
        &call.db,
        &call.settings,
        &call.viewer,
        &call.origin,
        id,
        &note,
        new_restore,
    )
    .await
    .map_err(to_server_error)?;
    go_to_outage(id);
    Ok(())
}

/// Heat is back ("restore") or the outage is called off ("cancel").
#[server(prefix = "/api", endpoint = "desk/outages/end")]
pub async fn end_outage(id: i64, step: String) -> Result<(), ServerFnError> {
    use crate::context::to_server_error;
    use domain::outage_desk::OutageStep;
    let call = crate::context::Call::signed_in().await?;
    let step = match step.as_str() {
        "restore" => OutageStep::Restore,
        "cancel" => OutageStep::Cancel,
        _ => {
            return Err(crate::context::refused(
                translations::text::outage_step_unknown,
            ))
        }
    };
    backend::services::outage_desk::end(
        &call.db,
        &call.settings,
        &call.viewer,
        &call.origin,
        id,
        step,
    )
    .await
    .map_err(to_server_error)?;
    go_to_outage(id);
    Ok(())
}

/// Whether the signed-in person gets routine (non-emergency) outage news.
#[server(input = GetUrl, prefix = "/api", endpoint = "me/outage-news")]
pub async fn load_outage_news_choice() -> Result<bool, ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    backend::services::outage_desk::news_opted_out(&call.db, &call.viewer)
        .await
        .map(|opted_out| !opted_out)
        .map_err(to_server_error)
}

/// Turns routine outage news on ("1") or off ("0"); emergencies always come.
#[server(prefix = "/api", endpoint = "me/outage-news/save")]
pub async fn save_outage_news_choice(receive: String) -> Result<(), ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    let opted_out = match receive.trim() {
        "1" => false,
        "0" => true,
        _ => {
            return Err(crate::context::refused(
                translations::text::outage_step_unknown,
            ))
        }
    };
    backend::services::outage_desk::set_news_opt_out(&call.db, &call.viewer, opted_out, call.now())
        .await
        .map_err(to_server_error)?;
    leptos_axum::redirect("/me/settings");
    Ok(())
}
