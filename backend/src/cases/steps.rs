//! Taking a step on a case: the flow says whether the viewer may, the plan
//! ([`domain::case_flow::plan_step`]) says what the step changes and what
//! the resident hears, and [`take_step`] applies the plan in one
//! transaction.

use super::notify::{tell_merged_residents, tell_resident};
use super::parties::{actor_label, parties_of};
use crate::config::PortalSettings;
use crate::db::Database;
use crate::error::{BackendError, BackendResult};
use crate::services::attachments::{attach, prepare_all, Upload};
use crate::services::identity::{RequestOrigin, Viewer};
use crate::services::outage_desk;
use crate::services::public::season_now;
use crate::store::cases::{self, CaseFacts, NewEvent};
use crate::store::{binding_requests, households, measurements};
use domain::applications::unbound_by_holder_change;
use domain::case_flow::{
    check_step_note, plan_step, step, CaseAction, CaseKind, CaseState, FlowError, StepChange,
    StepChoices, StepSubject,
};
use domain::case_texts::{self, CASE_NOT_FOUND};
use domain::measurement::check_measurement;
use domain::outage_desk::{DeskOutage, OutageNews};
use domain::repair::RepairUrgency;
use domain::service_change::{
    plan_service_change, FieldWork, FieldWorkRecord, HouseholdService, ServiceChange, ServiceState,
};
use domain::uploads::AttachmentPurpose;
use sqlx::Connection;
use translations::{text, Lang};

/// A step as the case page's forms send it.
#[derive(Clone, Debug, Default)]
pub struct StepForm {
    pub case_id: i64,
    pub action: String,
    pub note: String,
    pub crew_id: Option<i64>,
    pub rating: Option<i64>,
    pub merge_into: String,
    /// Photos of the work (with 完成处理, and needed with the work at the
    /// door that completes an application).
    pub photos: Vec<Upload>,
    /// The seal number the crew put on or took off a valve (铅封号).
    pub seal_no: String,
    /// 上门测温: (room, reading) rows, the cause side when below the
    /// standard, and the resident's confirmation on the spot.
    pub measured_rooms: Vec<(String, String)>,
    pub cause: String,
    pub confirmed: bool,
    pub confirmed_by: String,
}

/// Takes one step on a case for the viewer: the state moves only from the
/// state the case is in, and the timeline entry and the resident's message
/// are written with it.
pub async fn take_step(
    db: &Database,
    settings: &PortalSettings,
    viewer: &Viewer,
    origin: &RequestOrigin,
    form: StepForm,
) -> BackendResult<CaseState> {
    let cases::CaseForPerson {
        row,
        facts,
        relation,
    } = cases::for_person(db.reader(), viewer.person_id, form.case_id)
        .await?
        .ok_or(BackendError::NotFound(CASE_NOT_FOUND))?;
    let action = CaseAction::parse(&form.action)
        .ok_or_else(|| BackendError::refused(text::step_unknown_action))?;
    let kind = CaseKind::parse(&row.kind)
        .ok_or_else(|| BackendError::Internal(format!("case kind {}", row.kind)))?;
    let state = CaseState::parse(&row.state)
        .ok_or_else(|| BackendError::Internal(format!("case state {}", row.state)))?;

    // The first party the viewer acts as that may take the step; otherwise
    // the most telling refusal.
    let parties = parties_of(relation, viewer);
    let mut refusal: Option<FlowError> = None;
    let mut taken = None;
    for party in &parties {
        match step(kind, state, action, *party, origin.now, &form.note) {
            Ok(transition) => {
                taken = Some((transition, *party));
                break;
            }
            Err(error @ (FlowError::NotNow { .. } | FlowError::NoteRequired)) => {
                refusal = Some(error);
            }
            Err(error) => {
                refusal.get_or_insert(error);
            }
        }
    }
    let Some((transition, party)) = taken else {
        return Err(match refusal {
            Some(error) => BackendError::invalid(&error),
            None => BackendError::Forbidden,
        });
    };

    check_step_note(&transition).map_err(|e| BackendError::invalid(&e))?;

    // What the database must confirm of the choices, then the plan.
    let crew_id = match (action, form.crew_id) {
        (CaseAction::Assign, Some(crew_id)) => {
            let company_crews = match facts.company_id {
                Some(company) => cases::company_crews(db.reader(), company).await?,
                None => Vec::new(),
            };
            if !company_crews.iter().any(|crew| crew.id == crew_id) {
                return Err(BackendError::refused(text::step_crew_not_of_company));
            }
            Some(crew_id)
        }
        _ => None,
    };
    let merge_into = match action {
        CaseAction::Merge => merge_target(db, viewer, &form.merge_into, form.case_id).await?,
        _ => None,
    };
    let subject = StepSubject {
        kind,
        urgency: if row.urgency == RepairUrgency::Emergency.as_str() {
            RepairUrgency::Emergency
        } else {
            RepairUrgency::Normal
        },
        outage_id: facts.outage_id,
    };
    let service_change = match action {
        CaseAction::FinishFieldWork => {
            Some(field_work_change(db, settings, kind, &facts, &form, origin.now).await?)
        }
        _ => None,
    };
    let measurement = match action {
        CaseAction::RecordMeasurement => Some(
            check_measurement(
                &form.measured_rooms,
                &form.cause,
                form.confirmed,
                &form.confirmed_by,
            )
            .map_err(|e| BackendError::invalid(&e))?,
        ),
        _ => None,
    };
    let choices = StepChoices {
        crew_id,
        rating: form.rating,
        merge_into,
        service_change,
        measurement,
    };
    let policy = db.reference().await?.case_policy.clone();
    let plan = plan_step(
        subject,
        transition,
        choices,
        &policy.deadlines,
        &policy.calendar,
    )
    .map_err(|e| BackendError::invalid(&e))?;
    let photos = prepare_all(form.photos).await?;

    // Read before the transaction: SQLite's writer pool has one connection.
    let merged = cases::merged_into(db.reader(), form.case_id).await?;
    let outage_to_end = outage_to_end(db, &plan.changes, facts.company_id).await?;
    // The season a measurement counts in.
    let season_start_year = match action {
        CaseAction::RecordMeasurement => {
            season_now(db, settings, origin.now, facts.company_id)
                .await?
                .effective
                .start_year
        }
        _ => 0,
    };
    // A complaint measured below the standard and now fixed reduces the
    // season's bill: the season's length counts.
    let fixed_season = match (kind, plan.transition.to, facts.household_id) {
        (CaseKind::Temperature, CaseState::Fixed, Some(_)) => Some(
            season_now(db, settings, origin.now, facts.company_id)
                .await?
                .effective,
        ),
        _ => None,
    };
    let (case_id, at, transition) = (form.case_id, origin.now, &plan.transition);
    // Shares its commit with the filings and steps beside it; answered
    // once it is on disk.
    let mut turn = db.write_turn().await?;
    let mut tx = turn.connection().begin().await?;
    let moved = cases::move_state(
        &mut tx,
        case_id,
        transition.from.as_str(),
        transition.to.as_str(),
        transition.to.is_final(),
        at,
    )
    .await?;
    if !moved {
        tx.rollback().await?;
        turn.durable().await?;
        return Err(changed_meanwhile());
    }
    // Residents a change of holder unbinds, told once the entry exists.
    let mut unbound_phones = Vec::new();
    for change in &plan.changes {
        match change {
            StepChange::RecordMeasurement(measurement) => {
                measurements::record(
                    &mut tx,
                    &measurements::NewMeasurement {
                        case_id,
                        household_id: facts.household_id,
                        season_start_year,
                        measured_at: at,
                        measurement,
                        recorded_by: viewer.person_id,
                    },
                )
                .await?
            }
            StepChange::ChangeHolder => {
                let (Some(household_id), Some(name), Some(phone)) = (
                    facts.household_id,
                    facts.new_holder_name.as_deref(),
                    facts.new_holder_phone.as_deref(),
                ) else {
                    return Err(BackendError::Internal(format!(
                        "change of holder {case_id} without its household or holder"
                    )));
                };
                unbound_phones =
                    households::change_holder(&mut tx, household_id, name, phone).await?;
                binding_requests::decline_open(&mut tx, household_id, at).await?;
            }
            StepChange::AssignCrew(crew_id) => {
                cases::assign_crew(&mut tx, case_id, *crew_id).await?
            }
            StepChange::RecordResponse => cases::record_response(&mut tx, case_id, at).await?,
            StepChange::RecordDecision(note) => {
                cases::record_decision(&mut tx, case_id, note).await?
            }
            StepChange::RestartClock { rule, deadline } => {
                cases::restart_clock(
                    &mut tx,
                    case_id,
                    rule.as_str(),
                    deadline.due_at,
                    deadline.warn_at,
                )
                .await?
            }
            StepChange::Rate { stars, comment } => {
                if !cases::record_rating(&mut tx, case_id, *stars, comment, at).await? {
                    tx.rollback().await?;
                    turn.durable().await?;
                    return Err(BackendError::refused(text::step_already_rated));
                }
            }
            StepChange::MergeInto(parent) => cases::set_parent(&mut tx, case_id, *parent).await?,
            StepChange::ChangeService(change) => {
                let household_id = facts.household_id.ok_or_else(|| {
                    BackendError::Internal(format!("application {case_id} without a household"))
                })?;
                let changed = households::change_service(
                    &mut tx,
                    household_id,
                    case_id,
                    change,
                    viewer.person_id,
                    at,
                )
                .await?;
                if !changed {
                    tx.rollback().await?;
                    turn.durable().await?;
                    return Err(BackendError::refused(
                        text::field_work_household_changed_meanwhile,
                    ));
                }
            }
            StepChange::RestoreOutage { notice, .. } => {
                if let Some((company_id, outage)) = &outage_to_end {
                    // Already ended from the desk: nothing more to tell.
                    let actor = outage_desk::DeskActor {
                        settings,
                        origin,
                        person_id: viewer.person_id,
                        company_id: *company_id,
                    };
                    outage_desk::end_within(&mut tx, &actor, outage, OutageNews::Restored, notice)
                        .await?;
                }
            }
        }
    }
    if let (Some(season), Some(household_id)) = (&fixed_season, facts.household_id) {
        crate::services::fees::reduce_for_fixed_complaint(
            &mut tx,
            &settings.fee_reduction_scale,
            case_id,
            household_id,
            season,
            at,
        )
        .await?;
    }
    let event_id = cases::append_event(
        &mut tx,
        &NewEvent {
            case_id,
            at,
            actor_id: Some(viewer.person_id),
            actor_label: &actor_label(viewer, party),
            kind: action.as_str(),
            from_state: Some(transition.from.as_str()),
            to_state: transition.to.as_str(),
            note: &plan.timeline_note,
        },
    )
    .await?;
    attach(
        &mut tx,
        &settings.upload_dir,
        case_id,
        event_id,
        Some(viewer.person_id),
        AttachmentPurpose::Photo,
        &photos,
        at,
    )
    .await?;
    if let Some(update) = &plan.resident_update {
        if let Some(phone) = facts.contact_phone.as_deref() {
            tell_resident(
                &mut tx,
                settings.wechat_case_updates,
                phone,
                &row.case_no,
                &format!("case-event:{event_id}"),
                update,
                at,
            )
            .await?;
        }
        // Residents whose reports were merged into this case hear of it too.
        tell_merged_residents(
            &mut tx,
            settings.wechat_case_updates,
            &merged,
            event_id,
            &case_texts::update_of_merged(&row.case_no, update, Lang::Zh),
            at,
        )
        .await?;
    }
    for phone in &unbound_phones {
        tell_resident(
            &mut tx,
            settings.wechat_case_updates,
            phone,
            &row.case_no,
            &format!("case-event:{event_id}:unbound:{phone}"),
            &unbound_by_holder_change(
                facts.household_account_no.as_deref().unwrap_or_default(),
                Lang::Zh,
            ),
            at,
        )
        .await?;
    }
    if plan.moves_state() {
        crate::services::hotline::tell_platform_of_case_step(
            &mut tx,
            case_id,
            &row.case_no,
            event_id,
            transition.to,
            &transition.note,
            at,
        )
        .await?;
    }
    tx.commit().await?;
    turn.durable().await?;
    if facts.outage_id.is_some() {
        db.outages_changed();
    }
    Ok(plan.transition.to)
}

/// What the crew's work at the door (the step that completes an approved
/// application) changes in the case's household, as recorded in `form`.
async fn field_work_change(
    db: &Database,
    settings: &PortalSettings,
    kind: CaseKind,
    facts: &CaseFacts,
    form: &StepForm,
    now: i64,
) -> BackendResult<ServiceChange> {
    let work = FieldWork::of(kind)
        .ok_or_else(|| BackendError::Internal(format!("no work at the door for {kind:?}")))?;
    let state = facts
        .household_service_state
        .as_deref()
        .and_then(ServiceState::parse)
        .ok_or_else(|| {
            BackendError::Internal(format!("application {} without a household", form.case_id))
        })?;
    let season = season_now(db, settings, now, facts.company_id).await?;
    let record = FieldWorkRecord {
        work,
        seal_no: form.seal_no.clone(),
        // Empty file fields (a form sent without a photo) are no photo.
        photos: form
            .photos
            .iter()
            .filter(|photo| !photo.bytes.is_empty())
            .count(),
        done_at: now,
    };
    let household = HouseholdService {
        state,
        seal_no: facts.household_seal_no.clone(),
    };
    plan_service_change(&record, &household, &season, settings.suspend_within_season)
        .map_err(|e| BackendError::invalid(&e))
}

/// The outage a step's plan restores, with its company: an incident's
/// outage ends the desk's way.
async fn outage_to_end(
    db: &Database,
    changes: &[StepChange],
    company_id: Option<i64>,
) -> BackendResult<Option<(i64, DeskOutage)>> {
    let Some(outage_id) = changes.iter().find_map(|change| match change {
        StepChange::RestoreOutage { outage_id, .. } => Some(*outage_id),
        _ => None,
    }) else {
        return Ok(None);
    };
    let company_id = company_id.ok_or_else(|| {
        BackendError::Internal(format!("outage {outage_id} of a case with no company"))
    })?;
    let outage = outage_desk::own_outage(db, company_id, outage_id).await?;
    Ok(Some((company_id, outage)))
}

/// A step refused because someone else moved the case (or its order) since
/// the page was read.
pub(crate) fn changed_meanwhile() -> BackendError {
    BackendError::refused(case_texts::CHANGED_MEANWHILE)
}

/// The case a duplicate merges into: another open case of the same company.
/// None when no number was given (the plan refuses that).
async fn merge_target(
    db: &Database,
    viewer: &Viewer,
    case_no: &str,
    case_id: i64,
) -> BackendResult<Option<i64>> {
    let case_no = case_no.trim().to_ascii_uppercase();
    if case_no.is_empty() {
        return Ok(None);
    }
    let target = cases::open_case_by_number(db.reader(), viewer.person_id, &case_no)
        .await?
        .ok_or_else(|| BackendError::refused(text::step_merge_target_not_found))?;
    if target == case_id {
        return Err(BackendError::refused(text::step_merge_into_itself));
    }
    Ok(Some(target))
}
