//! Cases: filing (temperature complaint, repair, application), reading, and
//! the steps people take. Filing and steps are plain form posts that answer
//! with a redirect to the case page, so they work before WebAssembly loads.

use domain::cases::{CaseBrief, CaseDetail, Queue};
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, MultipartData, MultipartFormData};
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use translations::{text, StaticText};

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
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    let window = backend::cases::application_window_now(&call.db, &call.settings, call.now())
        .await
        .map_err(to_server_error)?;
    let consent = match consent.filter(|token| !token.trim().is_empty()) {
        Some(token) => Some(
            backend::services::grid_work::consent_for_form(&call.db, &call.viewer, token.trim())
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
            &call.db,
            &call.settings,
            &call.viewer,
            call.now(),
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
        application_season: window.season_label(crate::prefs::Preferences::current().lang),
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
const NO_HOUSEHOLD: StaticText = text::form_household_missing;

/// 室温投诉 (multipart: an optional photo of the thermometer): triage, then
/// a case, or the reason there is none.
#[server(input = MultipartFormData, prefix = "/api", endpoint = "file/temperature")]
pub async fn file_temperature_complaint(data: MultipartData) -> Result<(), ServerFnError> {
    use backend::cases::{file_temperature_complaint, TemperatureForm};
    crate::form_data::act_on_upload(data, |call, form| async move {
        let form = TemperatureForm {
            household_id: form.required_number("household_id", NO_HOUSEHOLD)?,
            room: form.text("room"),
            reading: form.text("reading"),
            measured_as_guided: form.ticked("measured_as_guided"),
            file_anyway: form.ticked("file_anyway"),
            note: form.text("note"),
            idempotency_key: form.text("idempotency_key"),
            consent: form.consent(),
            photos: form.files,
        };
        file_temperature_complaint(&call.db, &call.settings, &call.viewer, &call.origin, form)
            .await
            .map(|filed| filed.case_id)
            .map_err(crate::context::to_server_error)
    })
    .await
}

/// 故障报修 (multipart: photos of the fault).
#[server(input = MultipartFormData, prefix = "/api", endpoint = "file/repair")]
pub async fn file_repair(data: MultipartData) -> Result<(), ServerFnError> {
    use backend::cases::{file_repair, RepairForm};
    crate::form_data::act_on_upload(data, |call, form| async move {
        let form = RepairForm {
            household_id: form.required_number("household_id", NO_HOUSEHOLD)?,
            category: form.text("category"),
            water_flooding: form.ticked("water_flooding"),
            description: form.text("description"),
            idempotency_key: form.text("idempotency_key"),
            consent: form.consent(),
            photos: form.files,
        };
        file_repair(&call.db, &call.settings, &call.viewer, &call.origin, form)
            .await
            .map(|filed| filed.case_id)
            .map_err(crate::context::to_server_error)
    })
    .await
}

/// 业务办理 (multipart: photos of the documents): new connection, suspend, resume.
#[server(input = MultipartFormData, prefix = "/api", endpoint = "file/application")]
pub async fn file_application(data: MultipartData) -> Result<(), ServerFnError> {
    use backend::cases::{file_application, ApplicationForm};
    crate::form_data::act_on_upload(data, |call, form| async move {
        let form = ApplicationForm {
            household_id: form.required_number("household_id", NO_HOUSEHOLD)?,
            kind: form.text("kind"),
            has_own_valve: form.ticked("has_own_valve"),
            note: form.text("note"),
            idempotency_key: form.text("idempotency_key"),
            consent: form.consent(),
            new_holder_name: form.text("new_holder_name"),
            new_holder_phone: form.text("new_holder_phone"),
            documents: form.files,
        };
        file_application(&call.db, &call.settings, &call.viewer, &call.origin, form)
            .await
            .map(|filed| filed.case_id)
            .map_err(crate::context::to_server_error)
    })
    .await
}

/// A step that carries photos (完成处理 with a picture of the work).
#[server(input = MultipartFormData, prefix = "/api", endpoint = "cases/step-with-photos")]
pub async fn take_case_step_with_photos(data: MultipartData) -> Result<(), ServerFnError> {
    use backend::cases::{take_step, StepForm};
    crate::form_data::act_on_upload(data, |call, form| async move {
        let case_id = form.required_number("case_id", text::form_case_id_missing)?;
        let step = StepForm {
            case_id,
            action: form.text("action"),
            note: form.text("note"),
            crew_id: form.number("crew_id"),
            rating: form.number("rating"),
            merge_into: form.text("merge_into"),
            seal_no: form.text("seal_no"),
            measured_rooms: (1..=domain::measurement::MAX_ROOMS)
                .map(|n| {
                    (
                        form.text(&format!("room_{n}")),
                        form.text(&format!("reading_{n}")),
                    )
                })
                .collect(),
            cause: form.text("cause"),
            confirmed: form.ticked("confirmed"),
            confirmed_by: form.text("confirmed_by"),
            photos: form.files,
        };
        take_step(&call.db, &call.settings, &call.viewer, &call.origin, step)
            .await
            .map(|_| case_id)
            .map_err(crate::context::to_server_error)
    })
    .await
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
    use crate::context::to_server_error;
    use backend::cases::StepForm;
    let call = crate::context::Call::signed_in().await?;
    backend::cases::take_step(
        &call.db,
        &call.settings,
        &call.viewer,
        &call.origin,
        StepForm {
            case_id,
            action,
            note: note.unwrap_or_default(),
            crew_id: number(&crew_id),
            rating: number(&rating),
            merge_into: merge_into.unwrap_or_default(),
            ..StepForm::default()
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
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    backend::cases::my_cases(&call.db, &call.viewer, call.now())
        .await
        .map_err(to_server_error)
}

/// One case the viewer may read, with the steps they may take.
#[server(input = GetUrl, prefix = "/api", endpoint = "cases/one")]
pub async fn load_case(id: i64) -> Result<CaseDetail, ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    backend::cases::case_detail(&call.db, &call.viewer, id, &call.origin)
        .await
        .map_err(to_server_error)
}

/// How many entries the case's timeline holds now, as the viewer sees it:
/// an open case page asks for it to tell whether there is news.
#[server(input = GetUrl, prefix = "/api", endpoint = "cases/one/events")]
pub async fn count_case_events(id: i64) -> Result<usize, ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    backend::cases::timeline_length(&call.db, &call.viewer, id)
        .await
        .map_err(to_server_error)
}

/// A repair crew member's jobs.
#[server(input = GetUrl, prefix = "/api", endpoint = "jobs")]
pub async fn load_crew_jobs() -> Result<Vec<CaseBrief>, ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    backend::cases::crew_jobs(&call.db, &call.viewer, call.now())
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
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    backend::cases::dispatch_queue(&call.db, &call.viewer, params.filter(), call.now())
        .await
        .map_err(to_server_error)
}

/// 未诉先办: gathers the reports of a proposal into one incident, then opens it.
#[server(prefix = "/api", endpoint = "incidents/create")]
pub async fn create_incident(scope: String, case_ids: String) -> Result<(), ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    let filed = backend::services::incidents::create_incident(
        &call.db,
        &call.settings,
        &call.viewer,
        &call.origin,
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
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    let hours = restore_in_hours
        .trim()
        .parse::<i64>()
        .map_err(|_| crate::context::refused(text::outage_restore_time_missing))?;
    backend::services::incidents::publish_outage(
        &call.db,
        &call.settings,
        &call.viewer,
        &call.origin,
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
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    let extension_days = match extension_days.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(days) => Some(
            days.parse::<u32>()
                .map_err(|_| crate::context::refused(text::order_extension_days))?,
        ),
    };
    backend::services::hotline::dispatcher_step(
        &call.db,
        &call.viewer,
        &call.origin,
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
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    backend::services::hotline::place_order(
        &call.db,
        &call.viewer,
        &call.origin,
        case_id,
        &account_no,
    )
    .await
    .map_err(to_server_error)?;
    go_to_case(case_id);
    Ok(())
}
