//! Cases from filing to rating: a resident files a temperature complaint, a
//! repair or an application; dispatchers, crews and residents take it step by
//! step. Each use case is one transaction: the case, its timeline entry and
//! the resident's message in the outbox commit together or not at all.

use crate::config::PortalSettings;
use crate::db::Database;
use crate::error::{BackendError, BackendResult};
use crate::integrations::sms::TextTemplate;
use crate::services::attachments::{attach, prepare_all, PreparedImage, Upload};
use crate::services::identity::{RequestOrigin, Viewer};
use crate::services::public::season_now;
use crate::store::cases::{self, CaseRow, NewCase, NewEvent, QueueQuery};
use crate::store::{attachments, audit, calendar, grid_work, households, outages, outbox};
use chrono::NaiveDate;
use domain::account::Choice;
use domain::applications::{application_window, check_application, DEFAULT_DAYS_BEFORE_SEASON};
use domain::case_flow::{step, CaseAction, CaseKind, CaseState, FlowError, Party};
use domain::cases::{
    CaseBrief, CaseDetail, Filed, Queue, QueueFilter, Reporter, Response, TimelineEntry, QUEUE_PAGE,
};
use domain::clock::{to_local, UnixSeconds};
use domain::deadlines::{deadline_for, urgency, Clock, Deadline, DeadlinePolicy, DeadlineRule};
use domain::phone::mask_phone;
use domain::repair::{
    clean_description, repair_urgency, RepairCategory, RepairUrgency, MAX_DESCRIPTION_CHARS,
};
use domain::roles::Role;
use domain::season::SeasonCalendar;
use domain::triage::{triage_complaint, CoveringOutage, Reading, Room, Triage};
use domain::uploads::{AttachmentLink, AttachmentPurpose};
use domain::working_days::{CalendarDay, DayKind, WorkingCalendar};
use std::collections::HashMap;

/// The longest list a page shows.
const LIST_LIMIT: i64 = 200;

/// Repeated reads of a resident's phone within this many seconds are one
/// audit entry.
const CONTACT_AUDIT_WINDOW: i64 = 30 * 60;

/// Deadlines and the working calendar as the admin keeps them.
#[derive(Debug)]
pub struct CasePolicy {
    pub deadlines: DeadlinePolicy,
    pub calendar: WorkingCalendar,
}

impl CasePolicy {
    /// The rules in force, as this process last read them (see
    /// [`crate::reference`]).
    pub async fn current(db: &Database) -> BackendResult<std::sync::Arc<Self>> {
        Ok(std::sync::Arc::clone(&db.reference().await?.case_policy))
    }

    /// The rules as the database holds them now.
    pub async fn read(db: &Database) -> BackendResult<Self> {
        let mut deadlines = DeadlinePolicy::default();
        for (rule, amount, unit) in calendar::deadline_rules(db.reader()).await? {
            if rule == "warn_before" && unit == "percent" {
                deadlines.warn_percent = u32::try_from(amount.clamp(1, 99)).unwrap_or(25);
            } else if let (Some(rule), Some(clock)) =
                (DeadlineRule::parse(&rule), Clock::parse(amount, &unit))
            {
                deadlines.set(rule, clock);
            }
        }
        Ok(Self {
            deadlines,
            calendar: WorkingCalendar::new(listed_days(db).await?),
        })
    }

    pub(crate) fn deadline(&self, rule: DeadlineRule, from: UnixSeconds) -> Deadline {
        deadline_for(&self.deadlines, &self.calendar, rule, from)
    }
}

/// The holidays and make-up working days, by day (unreadable rows skipped).
pub(crate) async fn listed_days(db: &Database) -> BackendResult<Vec<CalendarDay>> {
    Ok(calendar::calendar_days(db.reader())
        .await?
        .into_iter()
        .filter_map(|(day, kind, name)| {
            Some(CalendarDay {
                day: NaiveDate::parse_from_str(&day, "%Y-%m-%d").ok()?,
                kind: DayKind::parse(&kind)?,
                name,
            })
        })
        .collect())
}

/// The response a new (or reopened) case owes, by kind and urgency.
fn response_rule(kind: CaseKind, urgency: RepairUrgency) -> DeadlineRule {
    match (kind, urgency) {
        (CaseKind::Repair, RepairUrgency::Emergency) => DeadlineRule::EmergencyOnSite,
        (CaseKind::Repair, RepairUrgency::Normal) => DeadlineRule::RepairOnSite,
        (CaseKind::Temperature, _) => DeadlineRule::TemperatureMeasured,
        (CaseKind::Incident, _) => DeadlineRule::RepairOnSite,
        (CaseKind::Connection | CaseKind::Suspend | CaseKind::Resume, _) => {
            DeadlineRule::ApplicationReview
        }
    }
}

/// A list line from a stored row, with its deadline as it stands at `now`.
pub fn brief(row: CaseRow, now: UnixSeconds) -> CaseBrief {
    let state = CaseState::parse(&row.state).unwrap_or(CaseState::Acknowledged);
    let deadline = match (row.due_at, row.warn_at) {
        (Some(due_at), warn_at) if row.responded_at.is_none() && !state.is_final() => {
            Some(Deadline {
                due_at,
                warn_at: warn_at.unwrap_or(due_at),
            })
        }
        _ => None,
    };
    CaseBrief {
        case_id: row.id,
        case_no: row.case_no,
        kind: CaseKind::parse(&row.kind).unwrap_or(CaseKind::Repair),
        state,
        summary: row.summary,
        place: row.place,
        created_at: row.created_at,
        urgency: deadline.as_ref().map(|d| urgency(now, d)),
        deadline,
        emergency: row.urgency == RepairUrgency::Emergency.as_str(),
        crew_name: row.crew_name,
        closed_at: row.closed_at,
    }
}

/// An idempotency key as the form sent it: 16 to 64 letters, digits, `-`, `_`.
pub(crate) fn check_idempotency_key(key: &str) -> BackendResult<&str> {
    let key = key.trim();
    let fine = (16..=64).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if fine {
        Ok(key)
    } else {
        Err(BackendError::Invalid(
            "表单已失效，请刷新页面后重新提交".to_string(),
        ))
    }
}

/// The idempotency key as stored: one person's keys never meet another's,
/// nor those of other systems ("12345:…", "open311:…", "incident:…").
fn scoped_key(viewer: &Viewer, key: &str) -> String {
    format!("web:{}:{key}", viewer.person_id)
}

/// The case a key already filed: a retried or repeated submit answers with
/// it, whatever changed since.
async fn already_filed(db: &Database, viewer: &Viewer, key: &str) -> BackendResult<Option<Filed>> {
    Ok(
        cases::by_idempotency_key(db.reader(), &scoped_key(viewer, key))
            .await?
            .map(|case_id| Filed {
                case_id,
                created: false,
            }),
    )
}

/// Who files a case, for which household, and who hears of it: the
/// resident for their own home, a grid worker for a resident who consented
/// with a texted code, or another system (Open311).
pub(crate) struct Filer {
    /// The household; another system may name only a building.
    pub household: Option<households::HouseholdRow>,
    pub building_id: i64,
    /// The person who files; None when another system does.
    pub filed_by: Option<i64>,
    /// The phone the case's news goes to.
    pub contact_phone: Option<String>,
    /// The resident the case is for, when they have an account.
    pub filed_for: Option<i64>,
    /// "web" (the resident), "grid" (a grid worker for them) or "open311".
    pub channel: &'static str,
    /// "居民", "网格员 李娜（代居民提交）"
    pub actor_label: String,
    /// The consent this filing spends.
    pub consent_id: Option<i64>,
    /// Who asked, as another system passed them on (name, phone, email,
    /// address as given): kept apart from the case's text, for the
    /// dispatchers and the crew only.
    pub reporter: Option<Reporter>,
}

/// A grid worker's proof that the resident agreed: the consent's token
/// (from the page address) and the code the resident read out.
#[derive(Clone, Debug, Default)]
pub struct ConsentProof {
    pub token: String,
    pub code: String,
}

/// The filer of a form: the resident themselves, or (with a consent proof)
/// a grid worker for a household of their grid.
async fn filer(
    db: &Database,
    viewer: &Viewer,
    household_id: i64,
    kind: CaseKind,
    consent: Option<&ConsentProof>,
    now: UnixSeconds,
) -> BackendResult<Filer> {
    match consent {
        Some(proof) => {
            crate::services::grid_work::consented_filer(db, viewer, proof, household_id, kind, now)
                .await
        }
        None => {
            let household = own_household(db, viewer, household_id).await?;
            Ok(Filer {
                building_id: household.building_id,
                household: Some(household),
                filed_by: Some(viewer.person_id),
                contact_phone: viewer.phone.clone(),
                filed_for: Some(viewer.person_id),
                channel: "web",
                actor_label: "居民".to_string(),
                consent_id: None,
                reporter: None,
            })
        }
    }
}

/// The start every filing shares: the form's one-time key, scoped to the
/// person (`Err` with the case a repeated submit already filed), and who
/// files for which household.
async fn begin_filing(
    db: &Database,
    viewer: &Viewer,
    idempotency_key: &str,
    household_id: i64,
    kind: CaseKind,
    consent: Option<&ConsentProof>,
    now: UnixSeconds,
) -> BackendResult<Result<(String, Filer), Filed>> {
    let key = check_idempotency_key(idempotency_key)?;
    if let Some(filed) = already_filed(db, viewer, key).await? {
        return Ok(Err(filed));
    }
    Ok(Ok((
        scoped_key(viewer, key),
        filer(db, viewer, household_id, kind, consent, now).await?,
    )))
}

/// A household the resident bound, with what filing needs of it.
async fn own_household(
    db: &Database,
    viewer: &Viewer,
    household_id: i64,
) -> BackendResult<households::HouseholdRow> {
    viewer.require(Role::Resident)?;
    households::bound_to(db.reader(), viewer.person_id)
        .await?
        .into_iter()
        .find(|h| h.id == household_id)
        .ok_or(BackendError::NotFound("请选择您已绑定的房屋"))
}

/// Case numbers read the filing date: R20261128000042.
fn number_prefix(kind: CaseKind, now: UnixSeconds) -> String {
    format!("{}{}", kind.number_prefix(), to_local(now).format("%Y%m%d"))
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
}

/// Writes the case, its first timeline entry and the resident's message in
/// one transaction; the same key (as stored: scoped to who files) returns
/// the case it created before.
async fn file(
    db: &Database,
    settings: &PortalSettings,
    origin: &RequestOrigin,
    scoped_key: &str,
    filing: Filing<'_>,
    extra: impl FnOnce(&mut NewCase<'_>),
) -> BackendResult<Filed> {
    let initial = filing.kind.initial_state();
    let details = filing.details.clone();
    let mut new_case = NewCase {
        kind: filing.kind.as_str(),
        state: initial.as_str(),
        channel: filing.filer.channel,
        household_id: filing.filer.household.as_ref().map(|h| h.id),
        building_id: Some(filing.filer.building_id),
        filed_by: filing.filer.filed_by,
        filed_for: filing.filer.filed_for,
        outage_id: filing.outage_id,
        summary: &filing.summary,
        details: &details,
        idempotency_key: scoped_key,
        urgency: filing.urgency.as_str(),
        contact_phone: filing.filer.contact_phone.as_deref(),
        deadline_rule: filing.deadline.map(|(rule, _)| rule.as_str()),
        due_at: filing.deadline.map(|(_, d)| d.due_at),
        warn_at: filing.deadline.map(|(_, d)| d.warn_at),
        now: origin.now,
        ..NewCase::default()
    };
    extra(&mut new_case);
    let mut tx = db.writer().begin().await?;
    let Some((case_id, case_no)) =
        cases::insert(&mut tx, &new_case, &number_prefix(filing.kind, origin.now)).await?
    else {
        tx.rollback().await?;
        let case_id = cases::by_idempotency_key(db.writer(), scoped_key)
            .await?
            .ok_or_else(|| BackendError::Internal("idempotency key vanished".into()))?;
        return Ok(Filed {
            case_id,
            created: false,
        });
    };
    if let Some(reporter) = filing.filer.reporter.as_ref().filter(|r| !r.is_empty()) {
        cases::insert_reporter(&mut tx, case_id, reporter).await?;
    }
    // Spent before any photo is written, so a refusal leaves nothing behind.
    if let Some(consent_id) = filing.filer.consent_id {
        if !grid_work::spend_consent(&mut tx, consent_id, case_id, origin.now).await? {
            tx.rollback().await?;
            return Err(BackendError::Invalid(
                "这个验证码已经用过了，请重新获取居民的验证码".to_string(),
            ));
        }
    }
    let event_id = cases::append_event(
        &mut tx,
        &NewEvent {
            case_id,
            at: origin.now,
            actor_id: filing.filer.filed_by,
            actor_label: &filing.filer.actor_label,
            kind: "filed",
            from_state: None,
            to_state: initial.as_str(),
            note: &details,
        },
    )
    .await?;
    attach(
        &mut tx,
        &settings.upload_dir,
        case_id,
        event_id,
        filing.filer.filed_by,
        filing.purpose,
        &filing.attachments,
        origin.now,
    )
    .await?;
    if let Some(phone) = filing.filer.contact_phone.as_deref() {
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
    tracing::info!(case_id, kind = filing.kind.as_str(), "case filed");
    Ok(Filed {
        case_id,
        created: true,
    })
}

/// Queues a text for the resident, once per `dedupe_key` (a timeline entry,
/// or an entry and the merged case it is told to). With
/// `wechat_case_updates` (the portal's [`PortalSettings::wechat_case_updates`])
/// the same news is also queued as a WeChat template message for every
/// openid linked to the person with that phone, once per key and openid.
pub(crate) async fn tell_resident(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    wechat_case_updates: bool,
    phone: &str,
    case_no: &str,
    dedupe_key: &str,
    update: &str,
    now: UnixSeconds,
) -> BackendResult<()> {
    let text = TextTemplate::CaseUpdate {
        case_no: case_no.to_string(),
        update: update.to_string(),
    };
    crate::services::delivery::queue_text(tx, phone, dedupe_key, &text, now).await?;
    if !wechat_case_updates {
        return Ok(());
    }
    let payload =
        serde_json::to_string(&text).map_err(|e| BackendError::Internal(e.to_string()))?;
    let openids: Vec<String> = sqlx::query_scalar(
        "SELECT w.openid FROM wechat_links w JOIN people p ON p.id = w.person_id \
         WHERE p.phone = $1 AND p.disabled_at IS NULL ORDER BY w.openid",
    )
    .bind(phone)
    .fetch_all(&mut **tx)
    .await?;
    for openid in &openids {
        outbox::enqueue(
            tx,
            &outbox::NewMessage {
                channel: crate::services::delivery::WECHAT_CHANNEL,
                recipient: openid,
                dedupe_key: &format!("{dedupe_key}:wechat:{openid}"),
                payload: &payload,
                now,
            },
        )
        .await?;
    }
    Ok(())
}

/// Tells the residents whose reports were merged into a case (as
/// [`cases::merged_into`] lists them) of one of its timeline entries, once
/// per entry and merged case.
pub(crate) async fn tell_merged_residents(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    wechat_case_updates: bool,
    merged: &[(i64, String, String, Option<String>)],
    event_id: i64,
    update: &str,
    now: UnixSeconds,
) -> BackendResult<()> {
    for (child_id, child_no, _, phone) in merged {
        if let Some(phone) = phone {
            tell_resident(
                tx,
                wechat_case_updates,
                phone,
                child_no,
                &format!("case-event:{event_id}:merged:{child_id}"),
                update,
                now,
            )
            .await?;
        }
    }
    Ok(())
}

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

/// Files a temperature complaint after triage. Out of season, or at 18 ℃
/// and above without `file_anyway`, nothing is filed and the answer says why.
pub async fn file_temperature_complaint(
    db: &Database,
    settings: &PortalSettings,
    viewer: &Viewer,
    origin: &RequestOrigin,
    form: TemperatureForm,
) -> BackendResult<Filed> {
    let (key, filer) = match begin_filing(
        db,
        viewer,
        &form.idempotency_key,
        form.household_id,
        CaseKind::Temperature,
        form.consent.as_ref(),
        origin.now,
    )
    .await?
    {
        Ok(started) => started,
        Err(filed) => return Ok(filed),
    };
    file_temperature_as(db, settings, origin, &key, &filer, form).await
}

/// A temperature complaint for a filer already known (the form's household,
/// key and consent are not read again).
pub(crate) async fn file_temperature_as(
    db: &Database,
    settings: &PortalSettings,
    origin: &RequestOrigin,
    key: &str,
    filer: &Filer,
    form: TemperatureForm,
) -> BackendResult<Filed> {
    let room = Room::parse(&form.room)
        .ok_or_else(|| BackendError::Invalid("请选择测温的房间".to_string()))?;
    let reading = Reading::parse(&form.reading).map_err(|m| BackendError::Invalid(m.into()))?;
    let note = clean_description(&form.note, false).map_err(|m| BackendError::Invalid(m.into()))?;
    let season = season_now(db, settings, origin.now).await?;
    let covering: Vec<CoveringOutage> =
        outages::current_touching_building(db.reader(), filer.building_id, origin.now, origin.now)
            .await?
            .into_iter()
            .filter(|o| o.starts_at <= origin.now && o.restored_at.is_none())
            .map(|o| CoveringOutage {
                outage_id: o.id,
                title: o.title,
                expected_restore_at: o.expected_restore_at,
            })
            .collect();
    let triage = triage_complaint(&season, &covering, reading);
    if !triage.opens_case(form.file_anyway) {
        let mut message = triage.explain(reading);
        if triage == Triage::MeetsStandard {
            message.push_str("如仍要投诉，请勾选“仍要投诉”后再提交。");
        }
        return Err(BackendError::Invalid(message));
    }
    let policy = CasePolicy::current(db).await?;
    let (outage_id, deadline) = match &triage {
        Triage::CoveredByOutage(outage) => (Some(outage.outage_id), None),
        _ => {
            let rule = DeadlineRule::TemperatureMeasured;
            (None, Some((rule, policy.deadline(rule, origin.now))))
        }
    };
    let acknowledgement = match (&triage, deadline) {
        (Triage::CoveredByOutage(_), _) | (_, None) => triage.explain(reading),
        (_, Some((_, d))) => format!(
            "室温投诉已受理，工作人员将于 {} 前上门测温。",
            domain::clock::format_month_day_time(d.due_at)
        ),
    };
    let summary = format!("{} {}", room.label(), reading.display());
    let attachments = prepare_all(form.photos).await?;
    file(
        db,
        settings,
        origin,
        key,
        Filing {
            kind: CaseKind::Temperature,
            filer,
            summary,
            details: note,
            urgency: RepairUrgency::Normal,
            outage_id,
            deadline,
            acknowledgement,
            attachments,
            purpose: AttachmentPurpose::Photo,
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

pub async fn file_repair(
    db: &Database,
    settings: &PortalSettings,
    viewer: &Viewer,
    origin: &RequestOrigin,
    form: RepairForm,
) -> BackendResult<Filed> {
    let (key, filer) = match begin_filing(
        db,
        viewer,
        &form.idempotency_key,
        form.household_id,
        CaseKind::Repair,
        form.consent.as_ref(),
        origin.now,
    )
    .await?
    {
        Ok(started) => started,
        Err(filed) => return Ok(filed),
    };
    file_repair_as(db, settings, origin, &key, &filer, form).await
}

/// A repair for a filer already known.
pub(crate) async fn file_repair_as(
    db: &Database,
    settings: &PortalSettings,
    origin: &RequestOrigin,
    key: &str,
    filer: &Filer,
    form: RepairForm,
) -> BackendResult<Filed> {
    let category = RepairCategory::parse(&form.category)
        .ok_or_else(|| BackendError::Invalid("请选择故障类型".to_string()))?;
    let description = clean_description(&form.description, category == RepairCategory::Other)
        .map_err(|m| BackendError::Invalid(m.into()))?;
    let urgency = repair_urgency(category, form.water_flooding);
    let policy = CasePolicy::current(db).await?;
    let rule = response_rule(CaseKind::Repair, urgency);
    let deadline = policy.deadline(rule, origin.now);
    let summary = match urgency {
        RepairUrgency::Emergency => format!("{}（紧急）", category.label()),
        RepairUrgency::Normal => category.label().to_string(),
    };
    let acknowledgement = format!(
        "报修已受理，抢修人员将于 {} 前到达。",
        domain::clock::format_month_day_time(deadline.due_at)
    );
    let attachments = prepare_all(form.photos).await?;
    file(
        db,
        settings,
        origin,
        key,
        Filing {
            kind: CaseKind::Repair,
            filer,
            summary,
            details: description,
            urgency,
            outage_id: None,
            deadline: Some((rule, deadline)),
            acknowledgement,
            attachments,
            purpose: AttachmentPurpose::Photo,
        },
        |case| case.category = Some(category.as_str()),
    )
    .await
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
}

pub async fn file_application(
    db: &Database,
    settings: &PortalSettings,
    viewer: &Viewer,
    origin: &RequestOrigin,
    form: ApplicationForm,
) -> BackendResult<Filed> {
    let kind = application_kind(&form.kind)?;
    let (key, filer) = match begin_filing(
        db,
        viewer,
        &form.idempotency_key,
        form.household_id,
        kind,
        form.consent.as_ref(),
        origin.now,
    )
    .await?
    {
        Ok(started) => started,
        Err(filed) => return Ok(filed),
    };
    file_application_as(db, settings, origin, &key, &filer, form, None).await
}

/// The application a form names.
fn application_kind(text: &str) -> BackendResult<CaseKind> {
    CaseKind::parse(text)
        .filter(|k| CaseKind::APPLICATIONS.contains(k))
        .ok_or_else(|| BackendError::Invalid("请选择要办理的业务".to_string()))
}

/// An application for a filer already known. `documents_at` is where
/// another system keeps the documents' photos, when it sent none.
pub(crate) async fn file_application_as(
    db: &Database,
    settings: &PortalSettings,
    origin: &RequestOrigin,
    key: &str,
    filer: &Filer,
    form: ApplicationForm,
    documents_at: Option<&str>,
) -> BackendResult<Filed> {
    let household = filer
        .household
        .as_ref()
        .ok_or_else(|| BackendError::Invalid("业务办理须指明房屋（户号）".to_string()))?;
    let kind = application_kind(&form.kind)?;
    check_application(kind, &household.service_state, form.has_own_valve)
        .map_err(|m| BackendError::Invalid(m.into()))?;
    let mut note =
        clean_description(&form.note, false).map_err(|m| BackendError::Invalid(m.into()))?;
    let documents = prepare_all(form.documents).await?;
    if let Some(link) = documents_at {
        note = format!("{note}\n材料照片：{link}").trim().to_string();
    } else if documents.is_empty() {
        return Err(BackendError::Invalid(format!(
            "请上传所需材料的照片：{}",
            domain::applications::required_documents(kind).join("、")
        )));
    }
    let window = application_window_now(db, settings, origin.now).await?;
    let policy = CasePolicy::current(db).await?;
    let rule = DeadlineRule::ApplicationReview;
    let deadline = policy.deadline(rule, origin.now);
    let summary = format!("{} · {}", kind.label(), window.season_label());
    let acknowledgement = format!(
        "{}申请已提交，将于 {} 前完成审核。",
        kind.label(),
        domain::clock::format_month_day_time(deadline.due_at)
    );
    file(
        db,
        settings,
        origin,
        key,
        Filing {
            kind,
            filer,
            summary,
            details: note,
            urgency: RepairUrgency::Normal,
            outage_id: None,
            deadline: Some((rule, deadline)),
            acknowledgement,
            attachments: documents,
            purpose: AttachmentPurpose::Document,
        },
        |case| case.season_start_year = Some(i64::from(window.season_start_year)),
    )
    .await
}

/// The parties a viewer acts as on one case, most specific first.
async fn parties(db: &Database, viewer: &Viewer, case_id: i64) -> BackendResult<Vec<Party>> {
    let relation = cases::relation(db.reader(), viewer.person_id, case_id).await?;
    let mut parties = Vec::new();
    if relation.dispatcher == 1 {
        parties.push(Party::Dispatcher);
    }
    if relation.crew == 1 {
        parties.push(Party::Crew);
    }
    if relation.resident == 1 {
        parties.push(Party::Resident);
    }
    let staff = [Role::Dispatcher, Role::RepairCrew, Role::GridWorker];
    if parties.is_empty() && staff.iter().any(|r| viewer.has(*r)) {
        parties.push(Party::AnyStaff);
    }
    Ok(parties)
}

/// How the timeline names the viewer acting as `party`.
fn actor_label(viewer: &Viewer, party: Party) -> String {
    match party {
        Party::Resident => "居民".to_string(),
        Party::Dispatcher => format!("调度员 {}", viewer.display_name),
        Party::Crew => format!("抢修人员 {}", viewer.display_name),
        Party::AnyStaff if viewer.has(Role::GridWorker) => {
            format!("网格员 {}", viewer.display_name)
        }
        Party::AnyStaff => format!("工作人员 {}", viewer.display_name),
    }
}

/// One case for one viewer: its facts, timeline and the steps they may take.
/// A dispatcher's or crew's read of the resident's phone is audited.
pub async fn case_detail(
    db: &Database,
    viewer: &Viewer,
    case_id: i64,
    origin: &RequestOrigin,
) -> BackendResult<CaseDetail> {
    let row = cases::one_visible_to(db.reader(), viewer.person_id, case_id)
        .await?
        .ok_or(BackendError::NotFound("没有找到该工单，或您无权查看"))?;
    let facts = cases::facts(db.reader(), case_id)
        .await?
        .ok_or(BackendError::NotFound("没有找到该工单，或您无权查看"))?;
    let parties = parties(db, viewer, case_id).await?;
    let brief = brief(row, origin.now);
    let mut actions: Vec<CaseAction> = Vec::new();
    for party in &parties {
        for action in domain::case_flow::available_steps(brief.kind, brief.state, *party) {
            let rated_already = action == CaseAction::Rate && facts.rating.is_some();
            if !actions.contains(&action) && !rated_already {
                actions.push(action);
            }
        }
    }
    let calls_resident = parties
        .iter()
        .any(|p| matches!(p, Party::Dispatcher | Party::Crew));
    let reporter = if calls_resident {
        cases::reporter(db.reader(), case_id).await?
    } else {
        None
    };
    if calls_resident && (facts.contact_phone.is_some() || reporter.is_some()) {
        // One entry per person and case every half hour: an open page
        // refreshing itself is one look, not a hundred.
        let seen_lately = audit::done_since(
            db.reader(),
            viewer.person_id,
            "read_contact",
            "case",
            &case_id.to_string(),
            origin.now - CONTACT_AUDIT_WINDOW,
        )
        .await?;
        if !seen_lately {
            audit::record(
                db.writer(),
                &origin.audit(
                    Some(viewer.person_id),
                    "read_contact",
                    "case",
                    case_id,
                    "查看报修人联系方式",
                ),
            )
            .await?;
        }
    }
    // Others see a phone only when it is their own, or the grid worker
    // filed with that resident's consent; then masked.
    let own_phone = facts.contact_phone.is_some() && facts.contact_phone == viewer.phone;
    let filed_it = facts.filed_by == Some(viewer.person_id) && viewer.has(Role::GridWorker);
    let contact_phone = match facts.contact_phone.as_deref() {
        Some(phone) if calls_resident => Some(phone.to_string()),
        Some(phone) if own_phone || filed_it => Some(mask_phone(phone)),
        _ => None,
    };
    let crews = match facts.company_id {
        Some(company) if actions.contains(&CaseAction::Assign) => {
            cases::company_crews(db.reader(), company)
                .await?
                .into_iter()
                .map(|(id, label)| Choice { id, label })
                .collect()
        }
        _ => Vec::new(),
    };
    let mut files: HashMap<i64, Vec<AttachmentLink>> = HashMap::new();
    for (id, event_id, purpose, uploaded_at) in attachments::of_case(db.reader(), case_id).await? {
        files
            .entry(event_id.unwrap_or(0))
            .or_default()
            .push(AttachmentLink {
                id,
                purpose: AttachmentPurpose::parse(&purpose).unwrap_or(AttachmentPurpose::Photo),
                uploaded_at,
            });
    }
    let timeline = cases::timeline(db.reader(), case_id)
        .await?
        .into_iter()
        .map(|event| TimelineEntry {
            attachments: files.remove(&event.id).unwrap_or_default(),
            at: event.at,
            actor_label: event.actor_label,
            action: CaseAction::parse(&event.kind),
            to_state: event.to_state.as_deref().and_then(CaseState::parse),
            note: event.note,
        })
        .collect();
    let season_label = facts
        .season_start_year
        .map(|year| format!("{}—{} 供暖季", year, year + 1));
    let is_case_dispatcher = parties.contains(&Party::Dispatcher);
    let hotline = if is_case_dispatcher {
        crate::services::hotline::order_view(db, case_id, true, origin.now).await?
    } else {
        None
    };
    let may_publish_outage = brief.kind == CaseKind::Incident
        && !brief.state.is_final()
        && facts.outage_id.is_none()
        && viewer.has(Role::Dispatcher);
    Ok(CaseDetail {
        hotline,
        may_publish_outage,
        address: facts.address,
        details: facts.details,
        category: facts.category.as_deref().and_then(RepairCategory::parse),
        urgency: if brief.emergency {
            RepairUrgency::Emergency
        } else {
            RepairUrgency::Normal
        },
        room: facts.room.as_deref().and_then(Room::parse),
        reading: facts
            .reading_tenths
            .and_then(|t| i32::try_from(t).ok())
            .map(Reading),
        measured_as_guided: facts.measured_as_guided.map(|m| m == 1),
        outage: match (facts.outage_id, facts.outage_title, facts.outage_restore_at) {
            (Some(outage_id), Some(title), Some(expected_restore_at)) => Some(CoveringOutage {
                outage_id,
                title,
                expected_restore_at,
            }),
            _ => None,
        },
        contact_phone,
        reporter,
        response: match (facts.response_on_time, facts.responded_at) {
            (Some(on_time), Some(at)) => Some(Response {
                at,
                on_time: on_time == 1,
            }),
            _ => None,
        },
        decision_note: facts.decision_note,
        rating: facts.rating.and_then(|r| u8::try_from(r).ok()),
        rating_comment: facts.rating_comment,
        season_label,
        timeline,
        actions,
        crews,
        brief,
    })
}

/// A step as the case page's forms send it.
#[derive(Clone, Debug, Default)]
pub struct StepForm {
    pub case_id: i64,
    pub action: String,
    pub note: String,
    pub crew_id: Option<i64>,
    pub rating: Option<i64>,
    pub merge_into: String,
    /// Photos of the work (with 完成处理).
    pub photos: Vec<Upload>,
}

/// The longest rating comment kept, in characters.
const MAX_COMMENT_CHARS: usize = 200;

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
    let row = cases::one_visible_to(db.reader(), viewer.person_id, form.case_id)
        .await?
        .ok_or(BackendError::NotFound("没有找到该工单，或您无权查看"))?;
    let facts = cases::facts(db.reader(), form.case_id)
        .await?
        .ok_or(BackendError::NotFound("没有找到该工单，或您无权查看"))?;
    let action = CaseAction::parse(&form.action)
        .ok_or_else(|| BackendError::Invalid("不认识的操作".to_string()))?;
    let kind = CaseKind::parse(&row.kind)
        .ok_or_else(|| BackendError::Internal(format!("case kind {}", row.kind)))?;
    let state = CaseState::parse(&row.state)
        .ok_or_else(|| BackendError::Internal(format!("case state {}", row.state)))?;
    let parties = parties(db, viewer, form.case_id).await?;
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
            Some(error) => BackendError::Invalid(error.to_string()),
            None => BackendError::Forbidden,
        });
    };
    if transition.note.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(BackendError::Invalid(
            "说明太长了，请控制在 500 字以内".to_string(),
        ));
    }

    // What the step needs beyond the state machine.
    let crew_id = match action {
        CaseAction::Assign => {
            let crew_id = form
                .crew_id
                .ok_or_else(|| BackendError::Invalid("请选择抢修队".to_string()))?;
            let company_crews = match facts.company_id {
                Some(company) => cases::company_crews(db.reader(), company).await?,
                None => Vec::new(),
            };
            if !company_crews.iter().any(|(id, _)| *id == crew_id) {
                return Err(BackendError::Invalid("请选择本公司的抢修队".to_string()));
            }
            Some(crew_id)
        }
        _ => None,
    };
    let rating = match action {
        CaseAction::Rate => {
            let rating = form
                .rating
                .filter(|r| (1..=5).contains(r))
                .ok_or_else(|| BackendError::Invalid("请选择 1 到 5 星".to_string()))?;
            if transition.note.chars().count() > MAX_COMMENT_CHARS {
                return Err(BackendError::Invalid("评价请控制在 200 字以内".to_string()));
            }
            Some(rating)
        }
        _ => None,
    };
    let merge_into = match action {
        CaseAction::Merge => Some(merge_target(db, viewer, &form.merge_into, form.case_id).await?),
        _ => None,
    };
    let photos = prepare_all(form.photos).await?;
    let reopened_deadline = match action {
        CaseAction::Reopen => {
            let policy = CasePolicy::current(db).await?;
            let urgency = if row.urgency == RepairUrgency::Emergency.as_str() {
                RepairUrgency::Emergency
            } else {
                RepairUrgency::Normal
            };
            let rule = response_rule(kind, urgency);
            Some((rule, policy.deadline(rule, origin.now)))
        }
        _ => None,
    };

    // Read before the transaction: SQLite's writer pool has one connection.
    let merged = cases::merged_into(db.reader(), form.case_id).await?;
    let mut tx = db.writer().begin().await?;
    let moved = cases::move_state(
        &mut tx,
        form.case_id,
        transition.from.as_str(),
        transition.to.as_str(),
        transition.to.is_final(),
        origin.now,
    )
    .await?;
    if !moved {
        tx.rollback().await?;
        return Err(changed_meanwhile());
    }
    match action {
        CaseAction::Assign => {
            if let Some(crew_id) = crew_id {
                cases::assign_crew(&mut tx, form.case_id, crew_id).await?;
            }
        }
        CaseAction::Arrive => cases::record_response(&mut tx, form.case_id, origin.now).await?,
        CaseAction::Approve | CaseAction::Reject => {
            cases::record_response(&mut tx, form.case_id, origin.now).await?;
            cases::record_decision(&mut tx, form.case_id, &transition.note).await?;
        }
        CaseAction::Reopen => {
            if let Some((rule, deadline)) = reopened_deadline {
                cases::restart_clock(
                    &mut tx,
                    form.case_id,
                    rule.as_str(),
                    deadline.due_at,
                    deadline.warn_at,
                )
                .await?;
            }
        }
        CaseAction::Rate => {
            let first = cases::record_rating(
                &mut tx,
                form.case_id,
                rating.unwrap_or(5),
                &transition.note,
                origin.now,
            )
            .await?;
            if !first {
                tx.rollback().await?;
                return Err(BackendError::Invalid("这个工单已经评价过了".to_string()));
            }
        }
        CaseAction::Merge => {
            if let Some(parent) = merge_into {
                cases::set_parent(&mut tx, form.case_id, parent).await?;
            }
        }
        _ => {}
    }
    // An incident's published outage ends with the incident.
    if let (CaseKind::Incident, true, Some(outage_id)) =
        (kind, transition.to.is_final(), facts.outage_id)
    {
        let message = if transition.to == CaseState::Closed {
            "抢修完成，已恢复供热。"
        } else {
            "事件已结束，停热公告解除。"
        };
        outages::restore(&mut tx, outage_id, origin.now, message).await?;
    }
    let note = match (action, rating) {
        (CaseAction::Rate, Some(stars)) if transition.note.is_empty() => format!("{stars} 星"),
        (CaseAction::Rate, Some(stars)) => format!("{stars} 星：{}", transition.note),
        _ => transition.note.clone(),
    };
    let event_id = cases::append_event(
        &mut tx,
        &NewEvent {
            case_id: form.case_id,
            at: origin.now,
            actor_id: Some(viewer.person_id),
            actor_label: &actor_label(viewer, party),
            kind: action.as_str(),
            from_state: Some(transition.from.as_str()),
            to_state: transition.to.as_str(),
            note: &note,
        },
    )
    .await?;
    attach(
        &mut tx,
        &settings.upload_dir,
        form.case_id,
        event_id,
        Some(viewer.person_id),
        AttachmentPurpose::Photo,
        &photos,
        origin.now,
    )
    .await?;
    if action.tells_resident() {
        if let Some(phone) = facts.contact_phone.as_deref() {
            let update = resident_update(action, &transition.note, reopened_deadline);
            tell_resident(
                &mut tx,
                settings.wechat_case_updates,
                phone,
                &row.case_no,
                &format!("case-event:{event_id}"),
                &update,
                origin.now,
            )
            .await?;
        }
        // Residents whose reports were merged into this case hear of it too.
        let update = resident_update(action, &transition.note, reopened_deadline);
        tell_merged_residents(
            &mut tx,
            settings.wechat_case_updates,
            &merged,
            event_id,
            &format!("（集中处理事件 {}）{update}", row.case_no),
            origin.now,
        )
        .await?;
    }
    if transition.to != transition.from {
        crate::services::hotline::tell_platform_of_case_step(
            &mut tx,
            form.case_id,
            &row.case_no,
            event_id,
            transition.to,
            &transition.note,
            origin.now,
        )
        .await?;
    }
    tx.commit().await?;
    if facts.outage_id.is_some() {
        db.outages_changed();
    }
    Ok(transition.to)
}

/// A step refused because someone else moved the case (or its order) since
/// the page was read.
pub(crate) fn changed_meanwhile() -> BackendError {
    BackendError::Invalid("工单刚刚被其他人处理过，请刷新页面查看最新进展".to_string())
}

/// The text a resident gets for a step.
fn resident_update(
    action: CaseAction,
    note: &str,
    new_deadline: Option<(DeadlineRule, Deadline)>,
) -> String {
    let with_note = |text: &str| {
        if note.is_empty() {
            format!("{text}。")
        } else {
            format!("{text}：{note}")
        }
    };
    match action {
        CaseAction::Assign => "已派单给抢修队，请保持电话畅通。".to_string(),
        CaseAction::Depart => "抢修人员已出发，请稍候。".to_string(),
        CaseAction::Arrive => "抢修人员已到达。".to_string(),
        CaseAction::Fix => format!("{}请在工单页确认是否修好并评价。", with_note("已处理完成")),
        CaseAction::Reopen => match new_deadline {
            Some((_, d)) => format!(
                "已重新受理，将于 {} 前再次上门。",
                domain::clock::format_month_day_time(d.due_at)
            ),
            None => "已重新受理。".to_string(),
        },
        CaseAction::StartReview => "已开始审核。".to_string(),
        CaseAction::Approve => with_note("审核已通过"),
        CaseAction::Reject => with_note("审核未通过，原因"),
        CaseAction::Complete => "业务已办结。".to_string(),
        CaseAction::Merge => "已与同一问题的工单合并处理，进展请看主工单。".to_string(),
        CaseAction::Confirm | CaseAction::Rate | CaseAction::Cancel | CaseAction::Note => {
            String::new()
        }
    }
}

/// The case a duplicate merges into: another open case of the same company.
async fn merge_target(
    db: &Database,
    viewer: &Viewer,
    case_no: &str,
    case_id: i64,
) -> BackendResult<i64> {
    let case_no = case_no.trim().to_ascii_uppercase();
    if case_no.is_empty() {
        return Err(BackendError::Invalid(
            "请填写要并入的主工单编号".to_string(),
        ));
    }
    let target = cases::open_case_by_number(db.reader(), viewer.person_id, &case_no)
        .await?
        .ok_or_else(|| {
            BackendError::Invalid("没有找到这个工单编号，或它已办结、不属于本公司".to_string())
        })?;
    if target == case_id {
        return Err(BackendError::Invalid("不能并入工单本身".to_string()));
    }
    Ok(target)
}

/// The cases the viewer may read, open ones by deadline first.
pub async fn my_cases(
    db: &Database,
    viewer: &Viewer,
    now: UnixSeconds,
) -> BackendResult<Vec<CaseBrief>> {
    let rows = cases::visible_to(db.reader(), viewer.person_id, LIST_LIMIT).await?;
    Ok(rows.into_iter().map(|row| brief(row, now)).collect())
}

/// A crew member's jobs: open ones by deadline, then recent finished ones.
pub async fn crew_jobs(
    db: &Database,
    viewer: &Viewer,
    now: UnixSeconds,
) -> BackendResult<Vec<CaseBrief>> {
    viewer.require(Role::RepairCrew)?;
    let rows = cases::crew_jobs(db.reader(), viewer.person_id, LIST_LIMIT).await?;
    Ok(rows.into_iter().map(|row| brief(row, now)).collect())
}

/// A dispatcher's queue: the company's cases, filtered, nearest deadline first.
pub async fn dispatch_queue(
    db: &Database,
    viewer: &Viewer,
    filter: QueueFilter,
    now: UnixSeconds,
) -> BackendResult<Queue> {
    viewer.require(Role::Dispatcher)?;
    let query = QueueQuery {
        kind: filter.kind.map(CaseKind::as_str),
        state: filter.state.map(CaseState::as_str),
        place_pattern: filter.place.as_deref().map(cases::contains_pattern),
        overdue_at: filter.overdue_only.then_some(now),
        include_finished: filter.include_finished,
        // One more than a page, to know whether there are more.
        limit: QUEUE_PAGE as i64 + 1,
    };
    let mut rows = cases::queue(db.reader(), viewer.person_id, &query).await?;
    let more = rows.len() > QUEUE_PAGE;
    rows.truncate(QUEUE_PAGE);
    Ok(Queue {
        cases: rows.into_iter().map(|row| brief(row, now)).collect(),
        more,
        filter,
        proposals: crate::services::incidents::proposals(db, viewer, now).await?,
    })
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
