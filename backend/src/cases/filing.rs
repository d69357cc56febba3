//! Filing: a resident's temperature complaint, repair or application (or a
//! grid worker's for them, or another system's through Open311). Each form
//! has its own rules; what they share is written by [`file`] in one
//! transaction: the case, its first entry, its files and the resident's
//! acknowledgement.

use super::notify::tell_resident;
use super::opening::{
    already_open, begin_filing, open_case, ConsentProof, Filer, FilingStart, FirstEvent, Opened,
};
use crate::config::PortalSettings;
use crate::db::Database;
use crate::error::{BackendError, BackendResult};
use crate::services::attachments::{attach, prepare_all, PreparedImage, Upload};
use crate::services::identity::{RequestOrigin, Viewer};
use crate::services::public::season_now;
use crate::store::cases::{self, NewCase};
use crate::store::{grid_work, outages, places};
use domain::applications::{
    application_window, check_application, required_documents, NewHolder,
    DEFAULT_DAYS_BEFORE_SEASON,
};
use domain::case_flow::CaseKind;
use domain::case_texts;
use domain::cases::Filed;
use domain::clock::UnixSeconds;
use domain::deadlines::{response_rule, Deadline, DeadlineRule};
use domain::outage::is_in_force;
use domain::repair::{clean_description, repair_urgency, RepairCategory, RepairUrgency};
use domain::season::SeasonCalendar;
use domain::service_change::ServiceState;
use domain::triage::{triage_household_complaint, CoveringOutage, Reading, Room, Triage};
use domain::uploads::AttachmentPurpose;
use sqlx::Connection;
use translations::{text, Lang, Localized};

/// 室温投诉 as the form sends it.
#[derive(Clone, Debug, Default)]
pub struct TemperatureForm {
    pub household_id: i64,
    pub room: String,
    pub reading: String,
    pub measured_as_guided: bool,
    pub file_anyway: bool,
    pub note: String,
    pub idempotency_key: String,
    /// Set when a grid worker files for the resident.
    pub consent: Option<ConsentProof>,
    /// An optional photo of the thermometer.
    pub photos: Vec<Upload>,
}

/// 故障报修 as the form sends it.
#[derive(Clone, Debug, Default)]
pub struct RepairForm {
    pub household_id: i64,
    pub category: String,
    pub water_flooding: bool,
    pub description: String,
    pub idempotency_key: String,
    /// Set when a grid worker files for the resident.
    pub consent: Option<ConsentProof>,
    pub photos: Vec<Upload>,
}

/// 业务办理 as the form sends it.
#[derive(Clone, Debug, Default)]
pub struct ApplicationForm {
    pub household_id: i64,
    pub kind: String,
    pub has_own_valve: bool,
    pub note: String,
    pub idempotency_key: String,
    /// Set when a grid worker files for the resident.
    pub consent: Option<ConsentProof>,
    /// Photos of the documents the application needs; at least one.
    pub documents: Vec<Upload>,
    /// A change of holder's new holder: name and mobile number.
    pub new_holder_name: String,
    pub new_holder_phone: String,
}

/// Files a temperature complaint after triage. Out of season, or at 18 ℃
/// and above without `file_anyway`, nothing is filed and the answer says why.
pub async fn file_temperature_complaint(
    db: &Database,
    settings: &PortalSettings,
    viewer: &Viewer,
    origin: &RequestOrigin,
    form: TemperatureForm,
) -> BackendResult<Filed> {
    let start = begin_filing(
        db,
        viewer,
        &form.idempotency_key,
        form.household_id,
        CaseKind::Temperature,
        form.consent.as_ref(),
        origin.now,
    )
    .await?;
    match start {
        FilingStart::AlreadyFiled(filed) => Ok(filed),
        FilingStart::New { stored_key, filer } => {
            file_temperature_as(db, settings, origin, &stored_key, &filer, form).await
        }
    }
}

/// A temperature complaint for a filer already known (the form's household,
/// key and consent are not read again).
pub(crate) async fn file_temperature_as(
    db: &Database,
    settings: &PortalSettings,
    origin: &RequestOrigin,
    stored_key: &str,
    filer: &Filer,
    form: TemperatureForm,
) -> BackendResult<Filed> {
    let room =
        Room::parse(&form.room).ok_or_else(|| BackendError::refused(text::filing_room_missing))?;
    let reading = Reading::parse(&form.reading).map_err(BackendError::refused)?;
    let note = clean_description(&form.note, false).map_err(BackendError::refused)?;
    let company = places::company_of_building(db.reader(), filer.building_id).await?;
    let season = season_now(db, settings, origin.now, company).await?;
    let covering: Vec<CoveringOutage> =
        outages::current_touching_building(db.reader(), filer.building_id, origin.now, origin.now)
            .await?
            .into_iter()
            .filter(|o| is_in_force(origin.now, o.starts_at, o.restored_at))
            .map(|o| CoveringOutage {
                outage_id: o.id,
                title: o.title,
                expected_restore_at: o.expected_restore_at,
            })
            .collect();
    // A household not heated (报停, not connected) is owed no heat.
    let service = filer
        .household
        .as_ref()
        .and_then(|household| ServiceState::parse(&household.service_state))
        .unwrap_or(ServiceState::Heated);
    let triage = triage_household_complaint(service, &season, &covering, reading);
    if !triage.opens_case(form.file_anyway) {
        let meets_standard = triage == Triage::MeetsStandard;
        return Err(BackendError::Invalid(Localized::new(|lang| {
            let mut message = triage.explain(reading, lang);
            if meets_standard {
                message.push_str(text::triage_file_anyway_hint(lang));
            }
            message
        })));
    }
    let (outage_id, deadline) = match &triage {
        Triage::CoveredByOutage(outage) => (Some(outage.outage_id), None),
        _ => {
            let rule = response_rule(CaseKind::Temperature, RepairUrgency::Normal);
            let policy = db.reference().await?.case_policy.clone();
            (None, Some((rule, policy.deadline(rule, origin.now))))
        }
    };
    let acknowledgement = match (&triage, deadline) {
        (Triage::CoveredByOutage(_), _) | (_, None) => triage.explain(reading, Lang::Zh),
        (_, Some((_, d))) => case_texts::temperature_filed(&d, Lang::Zh),
    };
    let attachments = prepare_all(form.photos).await?;
    file(
        db,
        settings,
        origin,
        stored_key,
        Filing {
            kind: CaseKind::Temperature,
            filer,
            summary: format!("{} {}", room.label(Lang::Zh), reading.display()),
            details: note,
            urgency: RepairUrgency::Normal,
            outage_id,
            deadline,
            acknowledgement,
            attachments,
            purpose: AttachmentPurpose::Photo,
            new_holder: None,
        },
        |case| {
            case.room = Some(room.as_str());
            case.reading_tenths = Some(i64::from(reading.0));
            case.measured_as_guided = Some(i64::from(form.measured_as_guided));
            case.triage = Some(triage.as_str());
        },
    )
    .await
}

pub async fn file_repair(
    db: &Database,
    settings: &PortalSettings,
    viewer: &Viewer,
    origin: &RequestOrigin,
    form: RepairForm,
) -> BackendResult<Filed> {
    let start = begin_filing(
        db,
        viewer,
        &form.idempotency_key,
        form.household_id,
        CaseKind::Repair,
        form.consent.as_ref(),
        origin.now,
    )
    .await?;
    match start {
        FilingStart::AlreadyFiled(filed) => Ok(filed),
        FilingStart::New { stored_key, filer } => {
            file_repair_as(db, settings, origin, &stored_key, &filer, form).await
        }
    }
}

/// A repair for a filer already known.
pub(crate) async fn file_repair_as(
    db: &Database,
    settings: &PortalSettings,
    origin: &RequestOrigin,
    stored_key: &str,
    filer: &Filer,
    form: RepairForm,
) -> BackendResult<Filed> {
    let category = RepairCategory::parse(&form.category)
        .ok_or_else(|| BackendError::refused(text::filing_category_missing))?;
    let description = clean_description(&form.description, category == RepairCategory::Other)
        .map_err(BackendError::refused)?;
    let urgency = repair_urgency(category, form.water_flooding);
    let rule = response_rule(CaseKind::Repair, urgency);
    let deadline = db.reference().await?.case_policy.deadline(rule, origin.now);
    let summary = match urgency {
        RepairUrgency::Emergency => format!("{}（紧急）", category.label(Lang::Zh)),
        RepairUrgency::Normal => category.label(Lang::Zh).to_string(),
    };
    let attachments = prepare_all(form.photos).await?;
    file(
        db,
        settings,
        origin,
        stored_key,
        Filing {
            kind: CaseKind::Repair,
            filer,
            summary,
            details: description,
            urgency,
            outage_id: None,
            deadline: Some((rule, deadline)),
            acknowledgement: case_texts::repair_filed(&deadline, Lang::Zh),
            attachments,
            purpose: AttachmentPurpose::Photo,
            new_holder: None,
        },
        |case| case.category = Some(category.as_str()),
    )
    .await
}

pub async fn file_application(
    db: &Database,
    settings: &PortalSettings,
    viewer: &Viewer,
    origin: &RequestOrigin,
    form: ApplicationForm,
) -> BackendResult<Filed> {
    let kind = application_kind(&form.kind)?;
    let start = begin_filing(
        db,
        viewer,
        &form.idempotency_key,
        form.household_id,
        kind,
        form.consent.as_ref(),
        origin.now,
    )
    .await?;
    match start {
        FilingStart::AlreadyFiled(filed) => Ok(filed),
        FilingStart::New { stored_key, filer } => {
            file_application_as(db, settings, origin, &stored_key, &filer, form, None).await
        }
    }
}

/// The application a form names.
fn application_kind(text: &str) -> BackendResult<CaseKind> {
    CaseKind::parse(text)
        .filter(|k| CaseKind::APPLICATIONS.contains(k))
        .ok_or_else(|| BackendError::refused(text::filing_application_kind_missing))
}

/// An application for a filer already known. `documents_at` is where
/// another system keeps the documents' photos, when it sent none.
pub(crate) async fn file_application_as(
    db: &Database,
    settings: &PortalSettings,
    origin: &RequestOrigin,
    stored_key: &str,
    filer: &Filer,
    form: ApplicationForm,
    documents_at: Option<&str>,
) -> BackendResult<Filed> {
    let household = filer
        .household
        .as_ref()
        .ok_or_else(|| BackendError::refused(text::filing_application_household_missing))?;
    let kind = application_kind(&form.kind)?;
    let service = ServiceState::parse(&household.service_state).ok_or_else(|| {
        BackendError::Internal(format!("household service {}", household.service_state))
    })?;
    check_application(kind, service, form.has_own_valve).map_err(BackendError::refused)?;
    let new_holder = match kind {
        CaseKind::HolderChange => Some(
            NewHolder::parse(&form.new_holder_name, &form.new_holder_phone)
                .map_err(BackendError::refused)?,
        ),
        _ => None,
    };
    let mut note = clean_description(&form.note, false).map_err(BackendError::refused)?;
    let documents = prepare_all(form.documents).await?;
    if let Some(link) = documents_at {
        note = format!("{note}\n材料照片：{link}").trim().to_string();
    } else if documents.is_empty() {
        return Err(BackendError::Invalid(Localized::new(|lang| {
            text::filing_documents_missing(lang, required_documents(kind, lang))
        })));
    }
    let window = application_window_now(db, settings, origin.now).await?;
    let rule = response_rule(kind, RepairUrgency::Normal);
    let deadline = db.reference().await?.case_policy.deadline(rule, origin.now);
    file(
        db,
        settings,
        origin,
        stored_key,
        Filing {
            kind,
            filer,
            summary: format!(
                "{} · {}",
                kind.label(Lang::Zh),
                window.season_label(Lang::Zh)
            ),
            details: note,
            urgency: RepairUrgency::Normal,
            outage_id: None,
            deadline: Some((rule, deadline)),
            acknowledgement: case_texts::application_filed(kind, &deadline, Lang::Zh),
            attachments: documents,
            purpose: AttachmentPurpose::Document,
            new_holder: new_holder.as_ref(),
        },
        |case| case.season_start_year = Some(i64::from(window.season_start_year)),
    )
    .await
}

/// The season a suspend or resume filed now is for, and its deadline.
pub async fn application_window_now(
    db: &Database,
    settings: &PortalSettings,
    now: UnixSeconds,
) -> BackendResult<domain::applications::ApplicationWindow> {
    let calendar = SeasonCalendar {
        rule: settings.season_rule,
        fixed: db.reference().await?.fixed_windows.clone(),
    };
    Ok(application_window(
        &calendar,
        DEFAULT_DAYS_BEFORE_SEASON,
        now,
    ))
}

/// What every filing shares once its own rules are checked.
struct Filing<'a> {
    kind: CaseKind,
    filer: &'a Filer,
    summary: String,
    details: String,
    urgency: RepairUrgency,
    outage_id: Option<i64>,
    deadline: Option<(DeadlineRule, Deadline)>,
    acknowledgement: String,
    /// Photos (or an application's documents), already prepared.
    attachments: Vec<PreparedImage>,
    purpose: AttachmentPurpose,
    /// The holder a change of holder names.
    new_holder: Option<&'a NewHolder>,
}

/// Opens the case, spends the grid worker's consent, keeps its files and
/// queues the resident's acknowledgement, in one transaction; the same key
/// (as stored: scoped to who files) returns the case it opened before.
async fn file(
    db: &Database,
    settings: &PortalSettings,
    origin: &RequestOrigin,
    stored_key: &str,
    filing: Filing<'_>,
    extra: impl FnOnce(&mut NewCase<'_>),
) -> BackendResult<Filed> {
    let filer = filing.filer;
    let mut new_case = NewCase {
        channel: filer.channel,
        household_id: filer.household.as_ref().map(|h| h.id),
        building_id: Some(filer.building_id),
        filed_by: filer.filed_by,
        filed_for: filer.filed_for,
        outage_id: filing.outage_id,
        summary: &filing.summary,
        details: &filing.details,
        idempotency_key: stored_key,
        urgency: filing.urgency.as_str(),
        contact_phone: filer.contact_phone.as_deref(),
        deadline_rule: filing.deadline.map(|(rule, _)| rule.as_str()),
        due_at: filing.deadline.map(|(_, d)| d.due_at),
        warn_at: filing.deadline.map(|(_, d)| d.warn_at),
        now: origin.now,
        ..NewCase::default()
    };
    extra(&mut new_case);
    // Many people file at once in a cold snap: the filing shares its
    // commit with those beside it, and is answered once it is on disk.
    let mut turn = db.write_turn().await?;
    let mut tx = turn.connection().begin().await?;
    let first_event = FirstEvent {
        actor_id: filer.filed_by,
        actor_label: &filer.actor_label,
        note: &filing.details,
    };
    let opened = open_case(
        &mut tx,
        filing.kind,
        new_case,
        first_event,
        filer.reporter.as_ref(),
    )
    .await?;
    let Opened::New {
        case_id,
        case_no,
        event_id,
    } = opened
    else {
        tx.rollback().await?;
        // The first filing with this key may be in this very batch.
        turn.durable().await?;
        return already_open(db, stored_key).await;
    };
    if let Some(holder) = filing.new_holder {
        cases::name_new_holder(&mut tx, case_id, &holder.name, holder.phone.as_str()).await?;
    }
    // Spent before any photo is written, so a refusal leaves nothing behind.
    if let Some(consent_id) = filer.consent_id {
        if !grid_work::spend_consent(&mut tx, consent_id, case_id, origin.now).await? {
            tx.rollback().await?;
            turn.durable().await?;
            return Err(BackendError::refused(case_texts::CONSENT_SPENT));
        }
    }
    attach(
        &mut tx,
        &settings.upload_dir,
        case_id,
        event_id,
        filer.filed_by,
        filing.purpose,
        &filing.attachments,
        origin.now,
    )
    .await?;
    if let Some(phone) = filer.contact_phone.as_deref() {
        tell_resident(
            &mut tx,
            settings.wechat_case_updates,
            phone,
            &case_no,
            &format!("case-event:{event_id}"),
            &filing.acknowledgement,
            origin.now,
        )
        .await?;
    }
    tx.commit().await?;
    turn.durable().await?;
    tracing::info!(case_id, kind = filing.kind.as_str(), "case filed");
    Ok(Filed {
        case_id,
        created: true,
    })
}
