//! 未诉先办: the dispatcher's proposed incidents (several flats of one
//! building or station reporting cold together) and gathering them into one
//! incident case that a single crew works; every gathered resident hears of
//! its progress.

use crate::cases::notify::{tell_merged_residents, tell_resident};
use crate::cases::opening::{already_open, open_case, FirstEvent, Opened};
use crate::config::PortalSettings;
use crate::db::Database;
use crate::error::{BackendError, BackendResult};
use crate::reference::CompanyProposals;
use crate::services::identity::{RequestOrigin, Viewer};
use crate::services::outage_desk;
use crate::store::cases::{self, NewCase, NewEvent};
use crate::store::outage_desk as desk;
use crate::store::places;
use domain::case_flow::{CaseAction, CaseKind, CaseState};
use domain::case_texts;
use domain::cases::Filed;
use domain::clock::{format_month_day_time, UnixSeconds};
use domain::deadlines::{response_rule, Deadline};
use domain::incidents::{
    outage_notice, propose_incidents, ColdReport, IncidentProposalView, IncidentRule, IncidentScope,
};
use domain::outage::OutageKind;
use domain::outage_desk::{CheckedOutage, Notice};
use domain::repair::RepairUrgency;
use domain::roles::Role;
use translations::{text, Lang};

async fn scope_label(db: &Database, scope: IncidentScope) -> BackendResult<String> {
    Ok(match scope {
        IncidentScope::Building(id) => places::building_place(db.reader(), id)
            .await?
            .map(|p| format!("{} {}", p.community_name, p.building_name))
            .unwrap_or_default(),
        IncidentScope::Station(id) => places::station_name(db.reader(), id)
            .await?
            .unwrap_or_default(),
    })
}

async fn cold_reports(
    db: &Database,
    viewer: &Viewer,
    now: UnixSeconds,
) -> BackendResult<Vec<cases::ColdReportRow>> {
    cases::cold_reports(
        db.reader(),
        viewer.person_id,
        now - domain::incidents::REPORTS_LOOK_BACK,
    )
    .await
}

/// A company's kept proposals serve a request whose clock is this close to
/// theirs (a test clock may jump; the real one moves a second per period).
const PROPOSALS_CLOCK_TOLERANCE: i64 = 60;

/// The incidents worth proposing to a dispatcher now. Worked out once a
/// second per company: at 500,000 households that is some 900 open reports
/// of cold a day per company, read and grouped on every queue view
/// otherwise. Gathering an incident or publishing an outage drops them at
/// once; a new report shows within the second.
pub async fn proposals(
    db: &Database,
    viewer: &Viewer,
    now: UnixSeconds,
) -> BackendResult<Vec<IncidentProposalView>> {
    viewer.require(Role::Dispatcher)?;
    let Some(company_id) = viewer.company_id else {
        return Ok(Vec::new());
    };
    let kept = db
        .company_proposals(company_id)
        .get(
            |kept| (kept.now - now).abs() <= PROPOSALS_CLOCK_TOLERANCE,
            || async move {
                Ok(CompanyProposals {
                    now,
                    views: work_out_proposals(db, viewer, now).await?,
                })
            },
        )
        .await?;
    Ok(kept.views.clone())
}

async fn work_out_proposals(
    db: &Database,
    viewer: &Viewer,
    now: UnixSeconds,
) -> BackendResult<Vec<IncidentProposalView>> {
    let reports: Vec<ColdReport> = cold_reports(db, viewer, now)
        .await?
        .into_iter()
        .map(|r| ColdReport {
            case_id: r.case_id,
            household_id: r.household_id,
            building_id: r.building_id,
            station_id: r.station_id,
            filed_at: r.created_at,
        })
        .collect();
    let mut views = Vec::new();
    for proposal in propose_incidents(&reports, &IncidentRule::default()) {
        views.push(IncidentProposalView {
            label: scope_label(db, proposal.scope).await?,
            proposal,
        });
    }
    Ok(views)
}

/// What an incident case opens with.
struct IncidentOpening<'a> {
    /// "proactive" (gathered reports) or "telemetry" (found by data).
    channel: &'a str,
    scope: IncidentScope,
    company_id: Option<i64>,
    summary: &'a str,
    details: &'a str,
    key: &'a str,
    /// The first timeline entry's note.
    note: &'a str,
}

/// Opens an incident case in `tx`, with its crew-on-site clock: the case
/// (or the one its key opened before), and the clock.
async fn open_incident(
    db: &Database,
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    viewer: &Viewer,
    origin: &RequestOrigin,
    opening: &IncidentOpening<'_>,
) -> BackendResult<(Opened, Deadline)> {
    let policy = db.reference().await?.case_policy.clone();
    let rule = response_rule(CaseKind::Incident, RepairUrgency::Normal);
    let deadline = policy.deadline(rule, origin.now);
    let (building_id, station_id) = match opening.scope {
        IncidentScope::Building(id) => (Some(id), None),
        IncidentScope::Station(id) => (None, Some(id)),
    };
    let new_case = NewCase {
        channel: opening.channel,
        building_id,
        station_id,
        company_id: opening.company_id,
        filed_by: Some(viewer.person_id),
        summary: opening.summary,
        details: opening.details,
        idempotency_key: opening.key,
        category: Some("no_heat"),
        urgency: RepairUrgency::Normal.as_str(),
        deadline_rule: Some(rule.as_str()),
        due_at: Some(deadline.due_at),
        warn_at: Some(deadline.warn_at),
        now: origin.now,
        ..NewCase::default()
    };
    let actor = format!("调度员 {}", viewer.display_name);
    let opened = open_case(
        tx,
        CaseKind::Incident,
        new_case,
        FirstEvent {
            actor_id: Some(viewer.person_id),
            actor_label: &actor,
            note: opening.note,
        },
        None,
    )
    .await?;
    Ok((opened, deadline))
}

/// Gathers open reports of cold into one incident: the incident case with a
/// crew-on-site clock, each report merged into it with a timeline entry and
/// a text to its resident, in one transaction. The same set of reports
/// gathered twice gives the same incident.
pub async fn create_incident(
    db: &Database,
    settings: &PortalSettings,
    viewer: &Viewer,
    origin: &RequestOrigin,
    scope: &str,
    case_ids: &str,
) -> BackendResult<Filed> {
    viewer.require(Role::Dispatcher)?;
    let scope = IncidentScope::decode(scope)
        .ok_or_else(|| BackendError::refused(text::incident_scope_missing))?;
    let mut wanted: Vec<i64> = case_ids
        .split(',')
        .filter_map(|id| id.trim().parse().ok())
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    if wanted.len() < 2 || wanted.len() > 200 {
        return Err(BackendError::refused(text::incident_too_few_cases));
    }
    let stale = || BackendError::refused(text::incident_cases_changed);
    let open = cold_reports(db, viewer, origin.now).await?;
    let mut children = Vec::with_capacity(wanted.len());
    for id in &wanted {
        let report = open.iter().find(|r| r.case_id == *id).ok_or_else(stale)?;
        let in_scope = match scope {
            IncidentScope::Building(b) => report.building_id == b,
            IncidentScope::Station(s) => report.station_id == s,
        };
        if !in_scope {
            return Err(stale());
        }
        children.push(report.clone());
    }
    let label = scope_label(db, scope).await?;
    let summary = format!("{label} {} 户报冷", children.len());
    let key = format!(
        "incident:{}",
        wanted
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",")
    );
    let mut tx = db.writer().begin().await?;
    let (opened, deadline) = open_incident(
        db,
        &mut tx,
        viewer,
        origin,
        &IncidentOpening {
            channel: "proactive",
            scope,
            company_id: None,
            summary: &summary,
            details: "未诉先办：同一范围内多户报冷，合并派单处理。",
            key: &key,
            note: &format!("未诉先办：合并 {} 户报冷", children.len()),
        },
    )
    .await?;
    let actor = format!("调度员 {}", viewer.display_name);
    let Opened::New {
        case_id: incident_id,
        case_no: incident_no,
        ..
    } = opened
    else {
        tx.rollback().await?;
        return already_open(db, &key).await;
    };
    let place = match scope {
        IncidentScope::Building(_) => "楼栋",
        IncidentScope::Station(_) => "换热站",
    };
    let update = case_texts::gathered_into_incident(place, &incident_no, &deadline, Lang::Zh);
    for child in &children {
        let moved = cases::move_state(
            &mut tx,
            child.case_id,
            &child.state,
            CaseState::Merged.as_str(),
            true,
            origin.now,
        )
        .await?;
        if !moved {
            tx.rollback().await?;
            return Err(stale());
        }
        cases::set_parent(&mut tx, child.case_id, incident_id).await?;
        let event_id = cases::append_event(
            &mut tx,
            &NewEvent {
                case_id: child.case_id,
                at: origin.now,
                actor_id: Some(viewer.person_id),
                actor_label: &actor,
                kind: CaseAction::Merge.as_str(),
                from_state: Some(&child.state),
                to_state: CaseState::Merged.as_str(),
                note: &format!("并入集中处理事件 {incident_no}"),
            },
        )
        .await?;
        let contact = cases::contact(&mut tx, child.case_id).await?;
        if let Some(phone) = &contact.contact_phone {
            tell_resident(
                &mut tx,
                settings.wechat_case_updates,
                phone,
                &contact.case_no,
                &format!("case-event:{event_id}"),
                &update,
                origin.now,
            )
            .await?;
        }
    }
    tx.commit().await?;
    db.proposals_changed();
    tracing::info!(incident_id, cases = children.len(), "incident gathered");
    Ok(Filed {
        case_id: incident_id,
        created: true,
    })
}

/// Publishes an emergency outage for an open incident: the notice covers the
/// incident's building or station, starts now and names the expected
/// restore time; the incident is tied to it (so later complaints there are
/// triaged as covered), its timeline says so, and every gathered resident
/// is texted. It goes public the desk's way, so everyone in the area hears
/// of it as of any emergency; closing the incident restores it the desk's
/// way too.
pub async fn publish_outage(
    db: &Database,
    settings: &PortalSettings,
    viewer: &Viewer,
    origin: &RequestOrigin,
    case_id: i64,
    cause: &str,
    restore_in_hours: i64,
) -> BackendResult<i64> {
    viewer.require(Role::Dispatcher)?;
    let not_found = || BackendError::NotFound(text::case_not_found);
    // The dispatcher's own company's incident, not merely one they may
    // read (as a grid worker, say): an outage speaks for a company.
    let row = cases::one_of_dispatcher_company(db.reader(), viewer.person_id, case_id)
        .await?
        .ok_or_else(not_found)?;
    let place = cases::incident_place(db.reader(), case_id)
        .await?
        .ok_or_else(|| BackendError::refused(text::incident_outage_only_for_incidents))?;
    let state = CaseState::parse(&row.state)
        .ok_or_else(|| BackendError::Internal(format!("case state {}", row.state)))?;
    if state.is_final() {
        return Err(BackendError::refused(text::incident_outage_after_end));
    }
    if place.outage_id.is_some() {
        return Err(BackendError::refused(
            text::incident_outage_already_published,
        ));
    }
    let facts = cases::facts(db.reader(), case_id)
        .await?
        .ok_or_else(not_found)?;
    let company_id = facts
        .company_id
        .ok_or_else(|| BackendError::Internal(format!("incident {case_id} has no company")))?;
    let scope = match (place.building_id, place.station_id) {
        (Some(building), _) => IncidentScope::Building(building),
        (None, Some(station)) => IncidentScope::Station(station),
        (None, None) => {
            return Err(BackendError::Internal(format!(
                "incident {case_id} has no place"
            )))
        }
    };
    let label = scope_label(db, scope).await?;
    let notice = outage_notice(&label, cause, restore_in_hours, origin.now)
        .map_err(BackendError::refused)?;
    let (station_ids, building_ids) = match scope {
        IncidentScope::Building(id) => (Vec::new(), vec![id]),
        IncidentScope::Station(id) => (vec![id], Vec::new()),
    };
    let merged = cases::merged_into(db.reader(), case_id).await?;
    let restore_by = format_month_day_time(notice.expected_restore_at, Lang::Zh);
    let actor = format!("调度员 {}", viewer.display_name);

    let checked = CheckedOutage {
        kind: OutageKind::Emergency,
        title: notice.title.clone(),
        cause: notice.cause.clone(),
        contact: String::new(),
        starts_at: notice.starts_at,
        expected_restore_at: notice.expected_restore_at,
        notice: Notice::InTime,
        station_ids,
        building_ids,
        community_ids: Vec::new(),
    };

    let mut tx = db.writer().begin().await?;
    let outage_id =
        desk::insert_draft(&mut tx, company_id, &checked, viewer.person_id, origin.now).await?;
    desk::insert_update(
        &mut tx,
        outage_id,
        origin.now,
        &format!("正在抢修：{}，预计 {restore_by} 恢复供热。", notice.cause),
        None,
        Some(viewer.person_id),
    )
    .await?;
    let outage = outage_desk::drafted(outage_id, checked);
    let publisher = outage_desk::DeskActor {
        settings,
        origin,
        person_id: viewer.person_id,
        company_id,
    };
    if outage_desk::publish_within(&mut tx, &publisher, &outage, origin.now)
        .await?
        .is_none()
    {
        return Err(BackendError::Internal(format!(
            "outage {outage_id} left its draft before it was published"
        )));
    }
    if !cases::set_outage(&mut tx, case_id, outage_id).await? {
        tx.rollback().await?;
        return Err(BackendError::refused(
            text::incident_outage_already_published,
        ));
    }
    let event_id = cases::append_event(
        &mut tx,
        &NewEvent {
            case_id,
            at: origin.now,
            actor_id: Some(viewer.person_id),
            actor_label: &actor,
            kind: CaseAction::Note.as_str(),
            from_state: Some(state.as_str()),
            to_state: state.as_str(),
            note: &format!(
                "发布停热公告「{}」：{}，预计 {restore_by} 恢复供热",
                notice.title, notice.cause
            ),
        },
    )
    .await?;
    let update = case_texts::update_of_merged(
        &row.case_no,
        &case_texts::outage_published(&notice.cause, notice.expected_restore_at, Lang::Zh),
        Lang::Zh,
    );
    tell_merged_residents(
        &mut tx,
        settings.wechat_case_updates,
        &merged,
        event_id,
        &update,
        origin.now,
    )
    .await?;
    tx.commit().await?;
    db.outages_changed();
    db.proposals_changed();
    tracing::info!(case_id, outage_id, "outage published for an incident");
    Ok(outage_id)
}

/// 未诉先办 from data: opens an incident for a building or station the
/// data found cold, before anyone calls; a crew and an outage follow the
/// incident's usual way. The finding must still hold; opening it twice (two
/// dispatchers at once, say) gives one incident.
pub async fn open_data_incident(
    db: &Database,
    settings: &PortalSettings,
    viewer: &Viewer,
    origin: &RequestOrigin,
    scope: &str,
) -> BackendResult<Filed> {
    viewer.require(Role::Dispatcher)?;
    let company = viewer.company_id.ok_or(BackendError::Forbidden)?;
    let scope = IncidentScope::decode(scope)
        .ok_or_else(|| BackendError::refused(text::incident_scope_missing))?;
    let finding =
        crate::services::telemetry::findings::data_findings(db, settings, viewer, origin.now)
            .await?
            .into_iter()
            .find(|finding| finding.scope == scope)
            .ok_or_else(|| BackendError::refused(text::incident_finding_gone))?;
    if let Some((case_id, _)) = finding.incident {
        return Ok(Filed {
            case_id,
            created: false,
        });
    }
    let day = domain::clock::to_local(origin.now).format("%Y-%m-%d");
    let key = format!("telemetry:{}:{day}", scope.encode());
    let mut tx = db.writer().begin().await?;
    let (opened, _) = open_incident(
        db,
        &mut tx,
        viewer,
        origin,
        &IncidentOpening {
            channel: "telemetry",
            scope,
            company_id: Some(company),
            summary: &finding.summary(),
            details: &finding.details(),
            key: &key,
            note: "未诉先办：数据发现",
        },
    )
    .await?;
    let Opened::New { case_id, .. } = opened else {
        tx.rollback().await?;
        return already_open(db, &key).await;
    };
    tx.commit().await?;
    tracing::info!(case_id, scope = %scope.encode(), "incident opened from data");
    Ok(Filed {
        case_id,
        created: true,
    })
}
