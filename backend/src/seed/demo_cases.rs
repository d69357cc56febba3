//! The demo's cases around `now`: a queue a dispatcher can work (new,
//! dispatched, due soon, overdue), an application under review, and one
//! closed, rated repair on the demo resident's own timeline.

use crate::cases::opening::{open_case, FirstEvent, Opened};
use crate::error::BackendResult;
use crate::store::cases::{self, NewCase, NewEvent};
use domain::case_flow::{CaseAction, CaseKind, CaseState};
use domain::clock::UnixSeconds;
use domain::deadlines::response_rule;
use domain::repair::RepairUrgency;
use sqlx::{Any, Transaction};

const MINUTE: i64 = 60;

/// Who the demo cases involve.
pub struct DemoPeople {
    pub resident_id: i64,
    pub resident_phone: &'static str,
    pub resident_household: i64,
    pub dispatcher_id: i64,
    pub dispatcher_name: &'static str,
    pub crew_member_id: i64,
    pub crew_member_name: &'static str,
    pub crew_id: i64,
}

struct DemoCase {
    kind: CaseKind,
    /// (community index, building index, flat index in the building)
    flat: (usize, usize, i64),
    summary: &'static str,
    details: &'static str,
    category: Option<&'static str>,
    urgency: RepairUrgency,
    room: Option<(&'static str, i64)>,
    /// Minutes before `now` it was filed, and its response clock in minutes.
    filed_minutes_ago: i64,
    clock_minutes: i64,
    /// Steps taken, each minutes after filing, with its note.
    steps: &'static [(CaseAction, i64, &'static str)],
}

const QUEUE: [DemoCase; 11] = [
    DemoCase {
        kind: CaseKind::Repair,
        flat: (0, 1, 5),
        summary: "暖气片不热",
        details: "卧室暖气片上半部分不热，阀门已打开。",
        category: Some("radiator_cold"),
        urgency: RepairUrgency::Normal,
        room: None,
        filed_minutes_ago: 25,
        clock_minutes: 120,
        steps: &[],
    },
    DemoCase {
        kind: CaseKind::Repair,
        flat: (0, 2, 9),
        summary: "漏水（紧急）",
        details: "厨房暖气管接口漏水，地面已经积水。",
        category: Some("leak"),
        urgency: RepairUrgency::Emergency,
        room: None,
        filed_minutes_ago: 50,
        clock_minutes: 120,
        steps: &[(CaseAction::Assign, 8, "")],
    },
    DemoCase {
        kind: CaseKind::Temperature,
        flat: (2, 0, 3),
        summary: "主卧 16.0 ℃",
        details: "晚上室温明显偏低。",
        category: None,
        urgency: RepairUrgency::Normal,
        room: Some(("master_bedroom", 160)),
        filed_minutes_ago: 20 * 60,
        clock_minutes: 24 * 60,
        steps: &[],
    },
    DemoCase {
        kind: CaseKind::Temperature,
        flat: (3, 1, 20),
        summary: "客厅 15.5 ℃",
        details: "顶楼，外墙一侧很冷。",
        category: None,
        urgency: RepairUrgency::Normal,
        room: Some(("living_room", 155)),
        filed_minutes_ago: 26 * 60,
        clock_minutes: 24 * 60,
        steps: &[],
    },
    // Three flats of 金宝花园 4号楼 this morning: a proposed incident.
    DemoCase {
        kind: CaseKind::Temperature,
        flat: (0, 3, 4),
        summary: "客厅 15.0 ℃",
        details: "从早上开始暖气不热。",
        category: None,
        urgency: RepairUrgency::Normal,
        room: Some(("living_room", 150)),
        filed_minutes_ago: 150,
        clock_minutes: 24 * 60,
        steps: &[],
    },
    DemoCase {
        kind: CaseKind::Temperature,
        flat: (0, 3, 9),
        summary: "主卧 14.5 ℃",
        details: "",
        category: None,
        urgency: RepairUrgency::Normal,
        room: Some(("master_bedroom", 145)),
        filed_minutes_ago: 90,
        clock_minutes: 24 * 60,
        steps: &[],
    },
    DemoCase {
        kind: CaseKind::Temperature,
        flat: (0, 3, 15),
        summary: "客厅 15.5 ℃",
        details: "邻居家也不热。",
        category: None,
        urgency: RepairUrgency::Normal,
        room: Some(("living_room", 155)),
        filed_minutes_ago: 40,
        clock_minutes: 24 * 60,
        steps: &[],
    },
    // Earlier this week in 金宝花园 1号楼: measured, fixed and closed; the
    // property manager's chart shows the readings.
    DemoCase {
        kind: CaseKind::Temperature,
        flat: (0, 0, 4),
        summary: "客厅 16.5 ℃",
        details: "",
        category: None,
        urgency: RepairUrgency::Normal,
        room: Some(("living_room", 165)),
        filed_minutes_ago: 5 * 24 * 60,
        clock_minutes: 24 * 60,
        steps: CLOSED_AFTER_A_VISIT,
    },
    DemoCase {
        kind: CaseKind::Temperature,
        flat: (0, 0, 7),
        summary: "主卧 17.0 ℃",
        details: "",
        category: None,
        urgency: RepairUrgency::Normal,
        room: Some(("master_bedroom", 170)),
        filed_minutes_ago: 3 * 24 * 60,
        clock_minutes: 24 * 60,
        steps: CLOSED_AFTER_A_VISIT,
    },
    DemoCase {
        kind: CaseKind::Temperature,
        flat: (0, 0, 10),
        summary: "次卧 17.5 ℃",
        details: "",
        category: None,
        urgency: RepairUrgency::Normal,
        room: Some(("bedroom", 175)),
        filed_minutes_ago: 24 * 60,
        clock_minutes: 24 * 60,
        steps: CLOSED_AFTER_A_VISIT,
    },
    DemoCase {
        kind: CaseKind::Suspend,
        flat: (4, 0, 2),
        summary: "报停 · 2027—2028 供暖季",
        details: "房屋长期空置。",
        category: None,
        urgency: RepairUrgency::Normal,
        room: None,
        filed_minutes_ago: 2 * 24 * 60,
        clock_minutes: 3 * 24 * 60,
        steps: &[(CaseAction::StartReview, 60, "")],
    },
];

/// A complaint measured and put right the same day.
const CLOSED_AFTER_A_VISIT: &[(CaseAction, i64, &str)] = &[
    (CaseAction::Assign, 10, ""),
    (CaseAction::Arrive, 150, ""),
    (
        CaseAction::Fix,
        200,
        "上门测温后调节单元平衡阀，复测 19.5 ℃。",
    ),
    (CaseAction::Confirm, 400, ""),
];

/// The demo resident's own finished case.
const RESIDENTS_OWN: DemoCase = DemoCase {
    kind: CaseKind::Repair,
    flat: (0, 0, 0),
    summary: "阀门故障",
    details: "入户阀门拧不动。",
    category: Some("valve"),
    urgency: RepairUrgency::Normal,
    room: None,
    filed_minutes_ago: 22 * 60,
    clock_minutes: 120,
    steps: &[
        (CaseAction::Assign, 6, ""),
        (CaseAction::Depart, 15, ""),
        (CaseAction::Arrive, 58, ""),
        (CaseAction::Fix, 95, "更换入户阀门阀芯，试压正常。"),
        (CaseAction::Confirm, 180, ""),
        (CaseAction::Rate, 181, "5 星：师傅很专业"),
    ],
};

async fn household_in(
    tx: &mut Transaction<'_, Any>,
    building_id: i64,
    flat: i64,
) -> BackendResult<i64> {
    Ok(sqlx::query_scalar(
        "SELECT h.id FROM households h JOIN units u ON u.id = h.unit_id \
         WHERE u.building_id = $1 ORDER BY u.sort_key, h.id LIMIT 1 OFFSET $2",
    )
    .bind(building_id)
    .bind(flat)
    .fetch_one(&mut **tx)
    .await?)
}

/// Inserts the demo cases; how many.
pub async fn seed_cases(
    tx: &mut Transaction<'_, Any>,
    now: UnixSeconds,
    community_buildings: &[Vec<i64>],
    people: &DemoPeople,
) -> BackendResult<usize> {
    let mut count = 0;
    for (index, case) in QUEUE.iter().enumerate() {
        let (community, building, flat) = case.flat;
        let building_id = community_buildings[community][building];
        let household = household_in(tx, building_id, flat).await?;
        let phone = format!("1370000{:04}", index + 1);
        insert(
            tx,
            now,
            case,
            household,
            building_id,
            None,
            &phone,
            people,
            index,
        )
        .await?;
        count += 1;
    }
    let building_id = community_buildings[0][0];
    insert(
        tx,
        now,
        &RESIDENTS_OWN,
        people.resident_household,
        building_id,
        Some(people.resident_id),
        people.resident_phone,
        people,
        QUEUE.len(),
    )
    .await?;
    Ok(count + 1)
}

#[allow(clippy::too_many_arguments)]
async fn insert(
    tx: &mut Transaction<'_, Any>,
    now: UnixSeconds,
    case: &DemoCase,
    household_id: i64,
    building_id: i64,
    filed_for: Option<i64>,
    phone: &str,
    people: &DemoPeople,
    index: usize,
) -> BackendResult<()> {
    let filed_at = now - case.filed_minutes_ago * MINUTE;
    let due_at = filed_at + case.clock_minutes * MINUTE;
    let warn_at = due_at - (case.clock_minutes * MINUTE) / 4;
    let key = format!("demo-case-{index}");
    let channel = if filed_for.is_some() { "web" } else { "phone" };
    let initial = case.kind.initial_state();
    let new_case = NewCase {
        channel,
        household_id: Some(household_id),
        building_id: Some(building_id),
        filed_by: Some(filed_for.unwrap_or(people.dispatcher_id)),
        filed_for,
        summary: case.summary,
        details: case.details,
        idempotency_key: &key,
        category: case.category,
        urgency: case.urgency.as_str(),
        room: case.room.map(|(room, _)| room),
        reading_tenths: case.room.map(|(_, reading)| reading),
        measured_as_guided: case.room.map(|_| 1),
        triage: case.room.map(|_| "below_standard"),
        contact_phone: Some(phone),
        deadline_rule: Some(response_rule(case.kind, case.urgency).as_str()),
        due_at: Some(due_at),
        warn_at: Some(warn_at),
        now: filed_at,
        ..NewCase::default()
    };
    let filer_label = if filed_for.is_some() {
        "居民"
    } else {
        "调度员 刘志强（电话受理）"
    };
    let filed_by = new_case.filed_by;
    let first_event = FirstEvent {
        actor_id: filed_by,
        actor_label: filer_label,
        note: case.details,
    };
    let Opened::New { case_id, .. } = open_case(tx, case.kind, new_case, first_event, None).await?
    else {
        return Ok(());
    };
    let mut state: CaseState = initial;
    for (action, minutes, note) in case.steps {
        let at = filed_at + minutes * MINUTE;
        let to = domain::case_flow::next_state(case.kind, state, *action).unwrap_or(state);
        let (actor_id, actor_label) = match action.party() {
            domain::case_flow::Party::Dispatcher => (
                people.dispatcher_id,
                format!("调度员 {}", people.dispatcher_name),
            ),
            domain::case_flow::Party::Crew => (
                people.crew_member_id,
                format!("抢修人员 {}", people.crew_member_name),
            ),
            _ => (
                filed_for.unwrap_or(people.dispatcher_id),
                "居民".to_string(),
            ),
        };
        cases::append_event(
            tx,
            &NewEvent {
                case_id,
                at,
                actor_id: Some(actor_id),
                actor_label: &actor_label,
                kind: action.as_str(),
                from_state: Some(state.as_str()),
                to_state: to.as_str(),
                note,
            },
        )
        .await?;
        cases::move_state(tx, case_id, state.as_str(), to.as_str(), to.is_final(), at).await?;
        match action {
            CaseAction::Assign => cases::assign_crew(tx, case_id, people.crew_id).await?,
            CaseAction::Arrive => cases::record_response(tx, case_id, at).await?,
            CaseAction::Rate => {
                cases::record_rating(tx, case_id, 5, "师傅很专业", at).await?;
            }
            _ => {}
        }
        state = to;
    }
    Ok(())
}
