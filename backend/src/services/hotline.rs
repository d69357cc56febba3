//! 12345 work orders: an order from the platform becomes a case (placed at
//! a household or building when its address can be read, flagged for a
//! dispatcher otherwise) with the order's own clock; the dispatcher signs
//! for it, reports progress, asks for more time, returns it or replies, and
//! every such step goes back to the platform through the outbox; the
//! platform's satisfaction call closes the order or reopens the case.

use crate::cases::opening::{open_case, FirstEvent, Opened};
use crate::cases::steps::changed_meanwhile;
use crate::db::Database;
use crate::error::{BackendError, BackendResult};
use crate::services::identity::{RequestOrigin, Viewer};
use crate::store::cases::{self, NewCase, NewEvent};
use crate::store::hotline::{self, NewOrder, OrderChange, OrderRow};
use crate::store::outbox;
use domain::case_flow::{CaseAction, CaseKind, CaseState};
use domain::clock::UnixSeconds;
use domain::deadlines::{response_rule, urgency, warn_at_for, Deadline, DeadlineRule};
use domain::hotline::{
    check_order, check_order_action, parse_address, InboundOrder, OrderAction, OrderClock,
    OrderStatus,
};
use domain::household::parse_account_no;
use domain::repair::RepairUrgency;
use domain::roles::Role;
use serde::{Deserialize, Serialize};

/// The outbox channel of news to the platform; the recipient is the order id.
pub const HOTLINE_CHANNEL: &str = "hotline";

/// What the platform hears back when it sends an order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderReceipt {
    pub order_id: String,
    pub case_no: String,
    /// False when the order had been received before (nothing changed).
    pub created: bool,
    /// False when the address could not be matched to a building.
    pub placed: bool,
}

/// Why the platform's request is refused.
#[derive(Debug, thiserror::Error)]
pub enum OrderRefusal {
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Backend(#[from] BackendError),
}

impl From<sqlx::Error> for OrderRefusal {
    fn from(error: sqlx::Error) -> Self {
        Self::Backend(error.into())
    }
}

/// Where an address points: a household, or only a building, and the
/// company that heats it.
pub(crate) struct Placement {
    pub household_id: Option<i64>,
    pub building_id: Option<i64>,
    pub company_id: Option<i64>,
}

/// Reads a Chinese address (小区, 号楼, 单元, 室) and finds the building, and
/// the household when unit and room are there too.
pub(crate) async fn place(db: &Database, address: &str) -> BackendResult<Placement> {
    let parts = parse_address(address);
    // The longest community name the address holds (the first one made,
    // of equal lengths), from the communities every page already keeps.
    let reference = db.reference().await?;
    let community = reference
        .communities
        .iter()
        .filter(|c| !c.name.is_empty() && parts.before_building.contains(c.name.as_str()))
        .min_by_key(|c| (std::cmp::Reverse(c.name.chars().count()), c.id))
        .map(|c| c.id);
    let nowhere = Placement {
        household_id: None,
        building_id: None,
        company_id: None,
    };
    let (Some(community_id), Some(building)) = (community, parts.building.as_deref()) else {
        return Ok(nowhere);
    };
    let Some((building_id, company_id)) =
        hotline::building_by_name(db.reader(), community_id, building).await?
    else {
        return Ok(nowhere);
    };
    let household_id = match (parts.unit.as_deref(), parts.room.as_deref()) {
        (Some(unit), Some(room)) => {
            hotline::household_by_place(db.reader(), building_id, unit, room).await?
        }
        _ => None,
    };
    Ok(Placement {
        household_id,
        building_id: Some(building_id),
        company_id: Some(company_id),
    })
}

/// Whether a verified request signature is seen for the first time; a
/// second sight is a replay (the platform signs each retry afresh).
pub async fn first_sight_of_signature(
    db: &Database,
    signature: &str,
    now: UnixSeconds,
) -> BackendResult<bool> {
    hotline::first_sight_of_signature(db.writer(), signature, now).await
}

/// Takes one order from the platform (already authenticated). A resent
/// order id answers with the case it made, changing nothing.
pub async fn receive_order(
    db: &Database,
    body: &[u8],
    now: UnixSeconds,
) -> Result<OrderReceipt, OrderRefusal> {
    let order: InboundOrder = serde_json::from_slice(body)
        .map_err(|e| OrderRefusal::Invalid(format!("body: not a work order ({e})")))?;
    let order = check_order(&order, now).map_err(OrderRefusal::Invalid)?;
    let already = |row: OrderRow, case_no: String| OrderReceipt {
        order_id: row.order_id,
        case_no,
        created: false,
        placed: row.placed == 1,
    };
    if let Some(row) = hotline::by_order_id(db.reader(), &order.order_id).await? {
        let case_no = case_no(db, row.case_id).await?;
        return Ok(already(row, case_no));
    }
    let placement = place(db, &order.address).await?;
    let company_id = match placement.company_id {
        Some(company) => company,
        None => hotline::first_company(db.reader())
            .await?
            .ok_or_else(|| BackendError::Internal("no heating company".into()))?,
    };
    let policy = db.reference().await?.case_policy.clone();
    let sign_due = policy.deadline(DeadlineRule::HotlineSignFor, now).due_at;
    let reply_due = order
        .deadline
        .unwrap_or_else(|| policy.deadline(DeadlineRule::HotlineReply, now).due_at);
    let return_due = policy.deadline(DeadlineRule::HotlineReturn, now).due_at;
    let urgency = match (order.kind, order.category) {
        (CaseKind::Repair, Some(category)) => domain::repair::repair_urgency(category, false),
        _ => RepairUrgency::Normal,
    };
    let response_rule = response_rule(order.kind, urgency);
    let response = policy.deadline(response_rule, now);
    let what = match order.category {
        Some(category) => category.label(),
        None => CaseKind::Temperature.label(),
    };
    let summary = format!("12345：{what}");
    // Who called and from where stays beside the case (case_reporters and
    // the order), for the dispatcher and the crew: not in the case's text.
    let details = order.description.clone();
    let key = format!("12345:{}", order.order_id);
    let mobile = domain::phone::MobileNumber::parse(&order.caller_phone).ok();
    let new_case = NewCase {
        channel: "12345",
        household_id: placement.household_id,
        building_id: placement.building_id,
        filed_by: None,
        summary: &summary,
        details: &details,
        idempotency_key: &key,
        category: order.category.map(|c| c.as_str()),
        urgency: urgency.as_str(),
        contact_phone: mobile.as_ref().map(|m| m.as_str()),
        deadline_rule: Some(response_rule.as_str()),
        due_at: Some(response.due_at),
        warn_at: Some(response.warn_at),
        company_id: placement.building_id.is_none().then_some(company_id),
        now,
        ..NewCase::default()
    };
    let payload = String::from_utf8_lossy(body).into_owned();
    let reporter = domain::cases::Reporter {
        name: Some(order.caller_name.clone()).filter(|n| !n.trim().is_empty()),
        phone: Some(order.caller_phone.clone()).filter(|p| !p.trim().is_empty()),
        email: None,
        address: Some(order.address.clone()).filter(|a| !a.trim().is_empty()),
    };
    let placed_note = if placement.building_id.is_some() {
        String::new()
    } else {
        "（地址未能匹配到楼栋，请调度员核实）".to_string()
    };
    let mut tx = db.writer().begin().await?;
    let opened = open_case(
        &mut tx,
        order.kind,
        new_case,
        FirstEvent {
            actor_id: None,
            actor_label: &format!("12345 热线（工单 {}）", order.order_id),
            note: &format!("{}{placed_note}", order.description),
        },
        Some(&reporter),
    )
    .await?;
    let Opened::New {
        case_id, case_no, ..
    } = opened
    else {
        // The same order, inserted by a concurrent resend.
        tx.rollback().await?;
        let row = hotline::by_order_id(db.writer(), &order.order_id)
            .await?
            .ok_or_else(|| BackendError::Internal("hotline order vanished".into()))?;
        let case_no = case_no(db, row.case_id).await?;
        return Ok(already(row, case_no));
    };
    hotline::insert(
        &mut tx,
        &NewOrder {
            order_id: &order.order_id,
            case_id,
            received_at: order.received_at,
            caller_name: &order.caller_name,
            caller_phone: &order.caller_phone,
            address: &order.address,
            placed: placement.building_id.is_some(),
            sign_due_at: sign_due,
            reply_due_at: reply_due,
            return_due_at: return_due,
            payload: &payload,
            now,
        },
    )
    .await?;
    tx.commit().await?;
    tracing::info!(case_id, order_id = %order.order_id, placed = placement.building_id.is_some(), "12345 order received");
    Ok(OrderReceipt {
        order_id: order.order_id,
        case_no,
        created: true,
        placed: placement.building_id.is_some(),
    })
}

async fn case_no(db: &Database, case_id: i64) -> BackendResult<String> {
    cases::case_no(db.reader(), case_id)
        .await?
        .ok_or(BackendError::NotFound("没有找到该工单"))
}

/// One piece of news for the platform, as the callback's JSON body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderNews {
    pub order_id: String,
    /// "sign_for", "progress", "extend", "reply", "return"
    pub event: String,
    pub at: i64,
    pub text: String,
    pub case_no: String,
    pub reply_due_at: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension_days: Option<u32>,
    /// With event "status": the case's new state ("dispatched", "closed"…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case_state: Option<String>,
}

/// Queues one piece of news for the platform, once per timeline entry.
async fn enqueue_news(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    news: &OrderNews,
    event_id: i64,
) -> BackendResult<()> {
    let payload = serde_json::to_string(news).map_err(|e| BackendError::Internal(e.to_string()))?;
    outbox::enqueue(
        tx,
        &outbox::NewMessage {
            channel: HOTLINE_CHANNEL,
            recipient: &news.order_id,
            dedupe_key: &format!("hotline:{}:{event_id}", news.order_id),
            payload: &payload,
            now: news.at,
        },
    )
    .await
}

/// Tells the platform that the case of one of its orders moved (a crew
/// assigned, on site, fixed, closed, an application decided), in the
/// transaction that moved it. Nothing is sent for cases that came another
/// way, nor once the order is closed or returned.
pub(crate) async fn tell_platform_of_case_step(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    case_id: i64,
    case_no: &str,
    event_id: i64,
    to: CaseState,
    note: &str,
    now: UnixSeconds,
) -> BackendResult<()> {
    let Some(order) = hotline::open_by_case(tx, case_id).await? else {
        return Ok(());
    };
    let text = if note.is_empty() {
        to.label().to_string()
    } else {
        format!("{}：{note}", to.label())
    };
    let news = OrderNews {
        order_id: order.order_id,
        event: "status".to_string(),
        at: now,
        text,
        case_no: case_no.to_string(),
        reply_due_at: order.reply_due_at,
        extension_days: None,
        case_state: Some(to.as_str().to_string()),
    };
    enqueue_news(tx, &news, event_id).await
}

/// A dispatcher's step on an order, or the platform's satisfaction result.
#[derive(Clone, Debug, Default)]
pub struct OrderStep {
    pub action: String,
    pub text: String,
    pub extension_days: Option<u32>,
}

/// Who takes a step: a dispatcher of the case's company, or the platform.
enum OrderActor<'a> {
    Dispatcher(&'a Viewer),
    Platform,
}

/// Takes one step on the order of a case; the case's timeline records it,
/// and the dispatcher's steps are queued for the platform in the same
/// transaction.
async fn take_order_step(
    db: &Database,
    actor: OrderActor<'_>,
    origin: &RequestOrigin,
    order: OrderRow,
    step: OrderStep,
) -> BackendResult<OrderStatus> {
    let action = OrderAction::parse(&step.action)
        .ok_or_else(|| BackendError::Invalid("不认识的操作".to_string()))?;
    let (actor_id, actor_label) = match &actor {
        OrderActor::Dispatcher(viewer) => {
            if !action.by_dispatcher() {
                return Err(BackendError::Forbidden);
            }
            (
                Some(viewer.person_id),
                format!("调度员 {}", viewer.display_name),
            )
        }
        OrderActor::Platform => {
            if action.by_dispatcher() {
                return Err(BackendError::Forbidden);
            }
            (None, "12345 回访".to_string())
        }
    };
    let status = OrderStatus::parse(&order.status)
        .ok_or_else(|| BackendError::Internal(format!("order status {}", order.status)))?;
    let clock = OrderClock {
        status,
        extended: order.extended_days.is_some(),
    };
    let text = step.text.trim().to_string();
    let next = check_order_action(clock, action, &text, step.extension_days)
        .map_err(|m| BackendError::Invalid(m.to_string()))?;
    let now = origin.now;
    let policy = db.reference().await?.case_policy.clone();
    let mut change = OrderChange::default();
    match action {
        OrderAction::SignFor => change.signed_at = Some(now),
        OrderAction::Extend => {
            let days = step.extension_days.unwrap_or(1);
            change.extended_days = Some(i64::from(days));
            change.reply_due_at = Some(policy.calendar.add_working_days(order.reply_due_at, days));
        }
        OrderAction::Reply => change.replied_at = Some(now),
        OrderAction::Satisfied => change.closed_at = Some(now),
        OrderAction::Unsatisfied => {
            change.reply_due_at = Some(policy.deadline(DeadlineRule::HotlineReply, now).due_at);
        }
        OrderAction::Progress | OrderAction::Return => {}
    }
    let case = cases::one_row(db.reader(), order.case_id)
        .await?
        .ok_or(BackendError::NotFound("没有找到该工单"))?;
    let case_state = CaseState::parse(&case.state)
        .ok_or_else(|| BackendError::Internal(format!("case state {}", case.state)))?;
    let note = match (action, step.extension_days) {
        (OrderAction::Extend, Some(days)) => {
            format!("12345 {}（{days} 个工作日）：{text}", action.label())
        }
        _ if text.is_empty() => format!("12345 {}", action.label()),
        _ => format!("12345 {}：{text}", action.label()),
    };

    let mut tx = db.writer().begin().await?;
    if !hotline::move_status(&mut tx, order.id, status.as_str(), next.as_str(), change).await? {
        tx.rollback().await?;
        return Err(changed_meanwhile());
    }
    // The case follows the order where the order decides it.
    let case_to = match action {
        OrderAction::Return if !case_state.is_final() => Some(CaseState::Cancelled),
        OrderAction::Unsatisfied => Some(CaseState::Acknowledged),
        _ => None,
    };
    let to_state = case_to.unwrap_or(case_state);
    if let Some(to) = case_to {
        if !cases::move_state(
            &mut tx,
            order.case_id,
            case_state.as_str(),
            to.as_str(),
            to.is_final(),
            now,
        )
        .await?
        {
            tx.rollback().await?;
            return Err(changed_meanwhile());
        }
        if to == CaseState::Acknowledged {
            let rule = DeadlineRule::parse(case.deadline_rule.as_deref().unwrap_or(""))
                .unwrap_or(DeadlineRule::RepairOnSite);
            let deadline = policy.deadline(rule, now);
            cases::restart_clock(
                &mut tx,
                order.case_id,
                rule.as_str(),
                deadline.due_at,
                deadline.warn_at,
            )
            .await?;
        }
    }
    let kind = match action {
        OrderAction::Unsatisfied => CaseAction::Reopen.as_str(),
        OrderAction::Return => CaseAction::Cancel.as_str(),
        _ => CaseAction::Note.as_str(),
    };
    let event_id = cases::append_event(
        &mut tx,
        &NewEvent {
            case_id: order.case_id,
            at: now,
            actor_id,
            actor_label: &actor_label,
            kind,
            from_state: Some(case_state.as_str()),
            to_state: to_state.as_str(),
            note: &note,
        },
    )
    .await?;
    if action.by_dispatcher() {
        let news = OrderNews {
            order_id: order.order_id.clone(),
            event: action.as_str().to_string(),
            at: now,
            text: text.clone(),
            case_no: case.case_no.clone(),
            reply_due_at: change.reply_due_at.unwrap_or(order.reply_due_at),
            extension_days: step
                .extension_days
                .filter(|_| action == OrderAction::Extend),
            case_state: None,
        };
        enqueue_news(&mut tx, &news, event_id).await?;
    }
    tx.commit().await?;
    Ok(next)
}

/// The order of a case the dispatcher may work; the same refusal whether
/// there is no order or the case is not theirs.
async fn dispatchers_order(
    db: &Database,
    viewer: &Viewer,
    case_id: i64,
) -> BackendResult<OrderRow> {
    viewer.require(Role::Dispatcher)?;
    let relation = cases::relation(db.reader(), viewer.person_id, case_id).await?;
    let order = hotline::by_case(db.reader(), case_id).await?;
    match (relation.dispatcher, order) {
        (1, Some(order)) => Ok(order),
        _ => Err(BackendError::NotFound(
            "没有找到该 12345 工单，或您无权处理",
        )),
    }
}

/// A dispatcher's step on the order of a case they may work.
pub async fn dispatcher_step(
    db: &Database,
    viewer: &Viewer,
    origin: &RequestOrigin,
    case_id: i64,
    step: OrderStep,
) -> BackendResult<OrderStatus> {
    let order = dispatchers_order(db, viewer, case_id).await?;
    take_order_step(db, OrderActor::Dispatcher(viewer), origin, order, step).await
}

/// The platform's satisfaction result (回访).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SatisfactionResult {
    pub satisfied: bool,
    #[serde(default)]
    pub comment: String,
}

/// Records the platform's satisfaction call for an order (authenticated).
pub async fn receive_satisfaction(
    db: &Database,
    origin: &RequestOrigin,
    order_id: &str,
    body: &[u8],
) -> Result<OrderStatus, OrderRefusal> {
    let result: SatisfactionResult = serde_json::from_slice(body)
        .map_err(|e| OrderRefusal::Invalid(format!("body: not a satisfaction result ({e})")))?;
    let order = hotline::by_order_id(db.reader(), order_id)
        .await?
        .ok_or_else(|| OrderRefusal::Invalid(format!("order_id: unknown order {order_id}")))?;
    let action = if result.satisfied {
        OrderAction::Satisfied
    } else {
        OrderAction::Unsatisfied
    };
    take_order_step(
        db,
        OrderActor::Platform,
        origin,
        order,
        OrderStep {
            action: action.as_str().to_string(),
            text: result.comment.chars().take(1000).collect(),
            extension_days: None,
        },
    )
    .await
    .map_err(|error| match error {
        BackendError::Invalid(message) => OrderRefusal::Invalid(message),
        other => OrderRefusal::Backend(other),
    })
}

/// The order of a case, as its page shows it to a dispatcher.
pub async fn order_view(
    db: &Database,
    case_id: i64,
    may_act: bool,
    now: UnixSeconds,
) -> BackendResult<Option<domain::hotline::OrderView>> {
    let Some(order) = hotline::by_case(db.reader(), case_id).await? else {
        return Ok(None);
    };
    let status = OrderStatus::parse(&order.status).unwrap_or(OrderStatus::Received);
    let clock = OrderClock {
        status,
        extended: order.extended_days.is_some(),
    };
    let actions = if may_act {
        OrderAction::ALL
            .into_iter()
            .filter(|a| a.by_dispatcher())
            .filter(|a| {
                let probe = if a.needs_text() { "x" } else { "" };
                let days = (*a == OrderAction::Extend).then_some(1);
                check_order_action(clock, *a, probe, days).is_ok()
            })
            .collect()
    } else {
        Vec::new()
    };
    let running = match status {
        OrderStatus::Received => Some((DeadlineRule::HotlineSignFor, order.sign_due_at)),
        OrderStatus::SignedFor => Some((DeadlineRule::HotlineReply, order.reply_due_at)),
        _ => None,
    };
    let deadline = match running {
        Some((rule, due_at)) => {
            let policy = db.reference().await?.case_policy.clone();
            Some(Deadline {
                due_at,
                warn_at: warn_at_for(&policy.deadlines, &policy.calendar, rule, due_at),
            })
        }
        None => None,
    };
    Ok(Some(domain::hotline::OrderView {
        order_id: order.order_id,
        status,
        caller_name: order.caller_name,
        address: order.address,
        placed: order.placed == 1,
        urgency: deadline.as_ref().map(|d| urgency(now, d)),
        deadline,
        return_due_at: matches!(status, OrderStatus::Received | OrderStatus::SignedFor)
            .then_some(order.return_due_at),
        extended_days: order.extended_days.and_then(|d| u32::try_from(d).ok()),
        actions,
    }))
}

/// Places an order whose address could not be read: the dispatcher finds
/// the household (by account number, in their company) and the case moves
/// there, so its building's people and clocks see it.
pub async fn place_order(
    db: &Database,
    viewer: &Viewer,
    origin: &RequestOrigin,
    case_id: i64,
    account_no: &str,
) -> BackendResult<()> {
    let order = dispatchers_order(db, viewer, case_id).await?;
    if order.placed == 1 {
        return Err(BackendError::Invalid("这张工单已经定位过了".to_string()));
    }
    let account_no =
        parse_account_no(account_no).map_err(|e| BackendError::Invalid(e.to_string()))?;
    let (household_id, building_id) =
        hotline::company_household(db.reader(), viewer.person_id, &account_no)
            .await?
            .ok_or_else(|| {
                BackendError::Invalid("没有找到这个户号，或它不属于本公司".to_string())
            })?;
    let case = cases::one_row(db.reader(), case_id)
        .await?
        .ok_or(BackendError::NotFound("没有找到该工单"))?;
    let mut tx = db.writer().begin().await?;
    if !hotline::place(&mut tx, order.id, case_id, household_id, building_id).await? {
        tx.rollback().await?;
        return Err(BackendError::Invalid("这张工单已经定位过了".to_string()));
    }
    cases::append_event(
        &mut tx,
        &NewEvent {
            case_id,
            at: origin.now,
            actor_id: Some(viewer.person_id),
            actor_label: &format!("调度员 {}", viewer.display_name),
            kind: CaseAction::Note.as_str(),
            from_state: Some(&case.state),
            to_state: &case.state,
            note: &format!("核实地址，定位到户号 {account_no}"),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
