//! Reading cases: a list line with its deadline as it stands, one case
//! with its timeline and the steps the viewer may take, and the lists each
//! role works from.

use super::parties::parties_of;
use crate::db::Database;
use crate::error::{BackendError, BackendResult};
use crate::services::identity::{RequestOrigin, Viewer};
use crate::store::cases::{self, CaseRow, QueueQuery};
use crate::store::{attachments, audit};
use domain::case_flow::{CaseAction, CaseKind, CaseState, Party};
use domain::case_texts::CASE_NOT_FOUND;
use domain::cases::{
    CaseBrief, CaseDetail, Queue, QueueFilter, Response, TimelineEntry, QUEUE_PAGE,
};
use domain::clock::UnixSeconds;
use domain::deadlines::{urgency, Deadline};
use domain::phone::mask_phone;
use domain::repair::{RepairCategory, RepairUrgency};
use domain::roles::Role;
use domain::triage::{CoveringOutage, Reading, Room};
use domain::uploads::{AttachmentLink, AttachmentPurpose};
use std::collections::HashMap;

/// How much of the home sensor's record a temperature complaint shows.
const SENSOR_HOURS_BESIDE_COMPLAINT: i64 = 48 * 3600;

/// The longest list a page shows.
const LIST_LIMIT: i64 = 200;

/// Repeated reads of a resident's phone within this many seconds are one
/// audit entry.
const CONTACT_AUDIT_WINDOW: i64 = 30 * 60;

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

/// How many entries the timeline of a case the viewer may read holds: what
/// an open case page asks to tell whether there is news. Reads no contact,
/// so nothing is audited.
pub async fn timeline_length(db: &Database, viewer: &Viewer, case_id: i64) -> BackendResult<usize> {
    cases::one_visible_to(db.reader(), viewer.person_id, case_id)
        .await?
        .ok_or(BackendError::NotFound(CASE_NOT_FOUND))?;
    let length = cases::timeline_length(db.reader(), case_id).await?;
    Ok(usize::try_from(length).unwrap_or_default())
}

/// One case for one viewer: its facts, timeline and the steps they may take.
/// A dispatcher's or crew's read of the resident's phone is audited.
pub async fn case_detail(
    db: &Database,
    viewer: &Viewer,
    case_id: i64,
    origin: &RequestOrigin,
) -> BackendResult<CaseDetail> {
    let cases::CaseForPerson {
        row,
        facts,
        relation,
    } = cases::for_person(db.reader(), viewer.person_id, case_id)
        .await?
        .ok_or(BackendError::NotFound(CASE_NOT_FOUND))?;
    let parties = parties_of(relation, viewer);
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
            cases::company_crews(db.reader(), company).await?
        }
        _ => Vec::new(),
    };
    let mut files: HashMap<i64, Vec<AttachmentLink>> = HashMap::new();
    for file in attachments::of_case(db.reader(), case_id).await? {
        files
            .entry(file.event_id.unwrap_or(0))
            .or_default()
            .push(AttachmentLink {
                id: file.id,
                purpose: AttachmentPurpose::parse(&file.purpose)
                    .unwrap_or(AttachmentPurpose::Photo),
                uploaded_at: file.created_at,
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
    let is_case_dispatcher = parties.contains(&Party::Dispatcher);
    let hotline = if is_case_dispatcher {
        crate::services::hotline::order_view(db, case_id, true, origin.now).await?
    } else {
        None
    };
    // Beside a temperature complaint, the home's sensor: for those who
    // act on it and the resident whose home it is.
    let indoor = match facts.household_id {
        Some(household) if brief.kind == CaseKind::Temperature && (calls_resident || own_phone) => {
            crate::services::telemetry::views::home_temperature(
                db,
                household,
                origin.now,
                SENSOR_HOURS_BESIDE_COMPLAINT,
            )
            .await?
        }
        _ => None,
    };
    let may_publish_outage = brief.kind == CaseKind::Incident
        && !brief.state.is_final()
        && facts.outage_id.is_none()
        && viewer.has(Role::Dispatcher);
    Ok(CaseDetail {
        indoor,
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
        season_start_year: facts
            .season_start_year
            .and_then(|year| i32::try_from(year).ok()),
        new_holder: facts.new_holder_name.map(|name| {
            let phone = facts.new_holder_phone.as_deref().unwrap_or_default();
            format!("{name}（{}）", domain::phone::mask_phone(phone))
        }),
        timeline,
        actions,
        crews,
        brief,
    })
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
