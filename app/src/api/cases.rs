//! Cases: filing (temperature complaint, repair, application), reading, and
//! the steps people take. Filing and steps are plain form posts that answer
//! with a redirect to the case page, so they work before WebAssembly loads.

use domain::cases::{CaseBrief, CaseDetail, Queue};
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, MultipartData, MultipartFormData};
use serde::{Deserialize, Serialize};

/// A household a resident may file for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilingHousehold {
    pub household_id: i64,
    pub address: String,
    pub service_state: String,
}

/// What a filing form needs: the households it may be for and a fresh
/// idempotency key for this one form. A grid worker filing for a resident
/// gets the consented household only, and the consent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilingForm {
    pub households: Vec<FilingHousehold>,
    pub idempotency_key: String,
    /// The season applications made now are for: "2027—2028 供暖季".
    pub application_season: String,
    /// The last moment to apply for that season.
    pub application_deadline: i64,
    pub consent: Option<domain::grid_work::ConsentForForm>,
}

#[server(input = GetUrl, prefix = "/api", endpoint = "file/form")]
pub async fn load_filing_form(consent: Option<String>) -> Result<FilingForm, ServerFnError> {
    use crate::portal::{portal, to_server_error};
    let portal = portal()?;
    let viewer = crate::session::signed_in(&portal).await?;
    let window = backend::cases::application_window_now(&portal.db, &portal.settings, portal.now())
        .await
        .map_err(to_server_error)?;
    let consent = match consent.filter(|token| !token.trim().is_empty()) {
        Some(token) => Some(
            backend::services::grid_work::consent_for_form(&portal.db, &viewer, token.trim())
                .await
                .map_err(to_server_error)?,
        ),
        None => None,
    };
    let households = match &consent {
        Some(consent) => vec![FilingHousehold {
            household_id: consent.household_id,
            address: consent.address.clone(),
            service_state: String::new(),
        }],
        None => backend::services::accounts::my_households(
            &portal.db,
            &portal.settings,
            &viewer,
            portal.now(),
        )
        .await
        .map_err(to_server_error)?
        .into_iter()
        .map(|card| FilingHousehold {
            household_id: card.household_id,
            address: card.address(),
            service_state: card.service_state.clone(),
        })
        .collect(),
    };
    Ok(FilingForm {
        households,
        idempotency_key: backend::secrets::new_token(),
        application_season: window.season_label(),
        application_deadline: window.apply_by,
        consent,
    })
}

/// A number from a form field that may be empty.
#[cfg(feature = "ssr")]
fn number(value: &Option<String>) -> Option<i64> {
    value.as_deref().and_then(|v| v.trim().parse().ok())
}

#[cfg(feature = "ssr")]
fn go_to_case(case_id: i64) {
    leptos_axum::redirect(&format!("/cases/{case_id}"));
}

#[cfg(feature = "ssr")]
const NO_HOUSEHOLD: &str = "请选择房屋";

/// 室温投诉 (multipart: an optional photo of the thermometer): triage, then
/// a case, or the reason there is none.
#[server(input = MultipartFormData, prefix = "/api", endpoint = "file/temperature")]
pub async fn file_temperature_complaint(data: MultipartData) -> Result<(), ServerFnError> {
    use crate::portal::{portal, to_server_error};
    use backend::cases::{file_temperature_complaint, TemperatureForm};
    let portal = portal()?;
    let viewer = crate::session::signed_in(&portal).await?;
    let (form, _turn) = crate::form_data::read_upload_form(data, &portal, &viewer).await?;
    let filed = file_temperature_complaint(
        &portal.db,
        &portal.settings,
        &viewer,
        &crate::session::origin(&portal),
        TemperatureForm {
            household_id: form.required_number("household_id", NO_HOUSEHOLD)?,
            room: form.text("room"),
            reading: form.text("reading"),
            measured_as_guided: form.ticked("measured_as_guided"),
            file_anyway: form.ticked("file_anyway"),
            note: form.text("note"),
            idempotency_key: form.text("idempotency_key"),
            consent: form.consent(),
            photos: form.files,
        },
    )
    .await
    .map_err(to_server_error)?;
    go_to_case(filed.case_id);
    Ok(())
}

/// 故障报修 (multipart: photos of the fault).
#[server(input = MultipartFormData, prefix = "/api", endpoint = "file/repair")]
pub async fn file_repair(data: MultipartData) -> Result<(), ServerFnError> {
    use crate::portal::{portal, to_server_error};
    use backend::cases::RepairForm;
    let portal = portal()?;
    let viewer = crate::session::signed_in(&portal).await?;
    let (form, _turn) = crate::form_data::read_upload_form(data, &portal, &viewer).await?;
    let filed = backend::cases::file_repair(
        &portal.db,
        &portal.settings,
        &viewer,
        &crate::session::origin(&portal),
        RepairForm {
            household_id: form.required_number("household_id", NO_HOUSEHOLD)?,
            category: form.text("category"),
            water_flooding: form.ticked("water_flooding"),
            description: form.text("description"),
            idempotency_key: form.text("idempotency_key"),
            consent: form.consent(),
            photos: form.files,
        },
    )
    .await
    .map_err(to_server_error)?;
    go_to_case(filed.case_id);
    Ok(())
}

/// 业务办理 (multipart: photos of the documents): new connection, suspend, resume.
#[server(input = MultipartFormData, prefix = "/api", endpoint = "file/application")]
pub async fn file_application(data: MultipartData) -> Result<(), ServerFnError> {
    use crate::portal::{portal, to_server_error};
    use backend::cases::ApplicationForm;
    let portal = portal()?;
    let viewer = crate::session::signed_in(&portal).await?;
    let (form, _turn) = crate::form_data::read_upload_form(data, &portal, &viewer).await?;
    let filed = backend::cases::file_application(
        &portal.db,
        &portal.settings,
        &viewer,
        &crate::session::origin(&portal),
        ApplicationForm {
            household_id: form.required_number("household_id", NO_HOUSEHOLD)?,
            kind: form.text("kind"),
            has_own_valve: form.ticked("has_own_valve"),
            note: form.text("note"),
            idempotency_key: form.text("idempotency_key"),
            consent: form.consent(),
            documents: form.files,
        },
    )
    .await
    .map_err(to_server_error)?;
    go_to_case(filed.case_id);
    Ok(())
}

/// A step that carries photos (完成处理 with a picture of the work).
#[server(input = MultipartFormData, prefix = "/api", endpoint = "cases/step-with-photos")]
pub async fn take_case_step_with_photos(data: MultipartData) -> Result<(), ServerFnError> {
    use crate::portal::{portal, to_server_error};
    use backend::cases::StepForm;
    let portal = portal()?;
    let viewer = crate::session::signed_in(&portal).await?;
    let (form, _turn) = crate::form_data::read_upload_form(data, &portal, &viewer).await?;
    let case_id = form.required_number("case_id", "工单编号缺失，请刷新页面")?;
    backend::cases::take_step(
        &portal.db,
        &portal.settings,
        &viewer,
        &crate::session::origin(&portal),
        StepForm {
            case_id,
            action: form.text("action"),
            note: form.text("note"),
            crew_id: form.number("crew_id"),
            rating: form.number("rating"),
            merge_into: form.text("merge_into"),
            photos: form.files,
        },
    )
    .await
    .map_err(to_server_error)?;
    go_to_case(case_id);
    Ok(())
}

/// One step on a case (派单, 出发, 到达, 完成, 确认, 评价 …), then back to it.
#[server(prefix = "/api", endpoint = "cases/step")]
pub async fn take_case_step(
    case_id: i64,
    action: String,
    note: Option<String>,
    crew_id: Option<String>,
    rating: Option<String>,
    merge_into: Option<String>,
) -> Result<(), ServerFnError> {
    use crate::portal::{portal, to_server_error};
    use backend::cases::StepForm;
    let portal = portal()?;
    let viewer = crate::session::signed_in(&portal).await?;
    backend::cases::take_step(
        &portal.db,
        &portal.settings,
        &viewer,
        &crate::session::origin(&portal),
        StepForm {
            case_id,
            action,
            note: note.unwrap_or_default(),
            crew_id: number(&crew_id),
            rating: number(&rating),
            merge_into: merge_into.unwrap_or_default(),
            photos: Vec::new(),
        },
    )
    .await
    .map_err(to_server_error)?;
    go_to_case(case_id);
    Ok(())
}

/// The cases the viewer may read.
#[server(input = GetUrl, prefix = "/api", endpoint = "cases")]
pub async fn load_cases() -> Result<Vec<CaseBrief>, ServerFnError> {
    use crate::portal::{portal, to_server_error};
    let portal = portal()?;
    let viewer = crate::session::signed_in(&portal).await?;
    backend::cases::my_cases(&portal.db, &viewer, portal.now())
        .await
        .map_err(to_server_error)
}

/// One case the viewer may read, with the steps they may take.
#[server(input = GetUrl, prefix = "/api", endpoint = "cases/one")]
pub async fn load_case(id: i64) -> Result<CaseDetail, ServerFnError> {
    use crate::portal::{portal, to_server_error};
    let portal = portal()?;
    let viewer = crate::session::signed_in(&portal).await?;
    backend::cases::case_detail(&portal.db, &viewer, id, &crate::session::origin(&portal))
        .await
        .map_err(to_server_error)
}

/// A repair crew member's jobs.
#[server(input = GetUrl, prefix = "/api", endpoint = "jobs")]
pub async fn load_crew_jobs() -> Result<Vec<CaseBrief>, ServerFnError> {
    use crate::portal::{portal, to_server_error};
    let portal = portal()?;
    let viewer = crate::session::signed_in(&portal).await?;
    backend::cases::crew_jobs(&portal.db, &viewer, portal.now())
        .await
        .map_err(to_server_error)
}

/// The queue's filters as the address carries them (`/dispatch?kind=repair&overdue=1`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct QueueParams {
    pub kind: Option<String>,
    pub state: Option<String>,
    pub place: Option<String>,
    pub overdue: Option<String>,
    pub all: Option<String>,
}

impl QueueParams {
    pub fn filter(&self) -> domain::cases::QueueFilter {
        use domain::case_flow::{CaseKind, CaseState};
        let on = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.is_empty() && v != "0");
        domain::cases::QueueFilter {
            kind: self.kind.as_deref().and_then(CaseKind::parse),
            state: self.state.as_deref().and_then(CaseState::parse),
            place: self.place.as_deref().and_then(domain::cases::place_search),
            overdue_only: on(&self.overdue),
            include_finished: on(&self.all),
        }
    }
}

/// A dispatcher's queue.
#[server(input = GetUrl, prefix = "/api", endpoint = "dispatch")]
pub async fn load_queue(#[server(flatten)] params: QueueParams) -> Result<Queue, ServerFnError> {
    use crate::portal::{portal, to_server_error};
    let portal = portal()?;
    let viewer = crate::session::signed_in(&portal).await?;
    backend::cases::dispatch_queue(&portal.db, &viewer, params.filter(), portal.now())
        .await
        .map_err(to_server_error)
}

/// 未诉先办: gathers the reports of a proposal into one incident, then opens it.
#[server(prefix = "/api", endpoint = "incidents/create")]
pub async fn create_incident(scope: String, case_ids: String) -> Result<(), ServerFnError> {
    use crate::portal::{portal, to_server_error};
    let portal = portal()?;
    let viewer = crate::session::signed_in(&portal).await?;
    let filed = backend::services::incidents::create_incident(
        &portal.db,
        &portal.settings,
        &viewer,
        &crate::session::origin(&portal),
        &scope,
        &case_ids,
    )
    .await
    .map_err(to_server_error)?;
    go_to_case(filed.case_id);
    Ok(())
}

/// Publishes an emergency outage for an incident (dispatcher), then shows
/// the incident again.
#[server(prefix = "/api", endpoint = "incidents/publish-outage")]
pub async fn publish_incident_outage(
    case_id: i64,
    cause: String,
    restore_in_hours: String,
) -> Result<(), ServerFnError> {
    use crate::portal::{portal, to_server_error};
    let portal = portal()?;
    let viewer = crate::session::signed_in(&portal).await?;
    let hours = restore_in_hours
        .trim()
        .parse::<i64>()
        .map_err(|_| crate::portal::refused("请选择预计恢复供热的时间"))?;
    backend::services::incidents::publish_outage(
        &portal.db,
        &portal.settings,
        &viewer,
        &crate::session::origin(&portal),
        case_id,
        &cause,
        hours,
    )
    .await
    .map_err(to_server_error)?;
    go_to_case(case_id);
    Ok(())
}

/// A dispatcher's step on a case's 12345 order (sign for, progress, extend,
/// return, reply), then the case again.
#[server(prefix = "/api", endpoint = "hotline/step")]
pub async fn take_order_step(
    case_id: i64,
    action: String,
    text: Option<String>,
    extension_days: Option<String>,
) -> Result<(), ServerFnError> {
    use crate::portal::{portal, to_server_error};
    let portal = portal()?;
    let viewer = crate::session::signed_in(&portal).await?;
    let extension_days = match extension_days.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(days) => Some(
            days.parse::<u32>()
                .map_err(|_| crate::portal::refused("延期天数为 1 到 10 个工作日"))?,
        ),
    };
    backend::services::hotline::dispatcher_step(
        &portal.db,
        &viewer,
        &crate::session::origin(&portal),
        case_id,
        backend::services::hotline::OrderStep {
            action,
            text: text.unwrap_or_default(),
            extension_days,
        },
    )
    .await
    .map_err(to_server_error)?;
    go_to_case(case_id);
    Ok(())
}

/// Places a 12345 order whose address could not be read (dispatcher).
#[server(prefix = "/api", endpoint = "hotline/place")]
pub async fn place_hotline_order(case_id: i64, account_no: String) -> Result<(), ServerFnError> {
    use crate::portal::{portal, to_server_error};
    let portal = portal()?;
    let viewer = crate::session::signed_in(&portal).await?;
    backend::services::hotline::place_order(
        &portal.db,
        &viewer,
        &crate::session::origin(&portal),
        case_id,
        &account_no,
    )
    .await
    .map_err(to_server_error)?;
    go_to_case(case_id);
    Ok(())
}
