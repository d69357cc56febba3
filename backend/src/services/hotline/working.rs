//! Working an order: the dispatcher signs for it, reports progress, asks
//! for more time, returns it or replies; the platform's satisfaction call
//! closes it or reopens the case; an unplaced order is placed by hand.

use super::*;
use crate::cases::steps::changed_meanwhile;
use crate::db::Database;
use crate::error::{BackendError, BackendResult};
use crate::services::identity::{RequestOrigin, Viewer};
use crate::store::cases::{self, NewEvent};
use crate::store::hotline::{self, OrderChange, OrderRow};
use domain::case_flow::{CaseAction, CaseState};
use domain::clock::UnixSeconds;
use domain::deadlines::{urgency, warn_at_for, Deadline, DeadlineRule};
use domain::hotline::{check_order_action, OrderAction, OrderClock, OrderStatus};
use domain::household::parse_account_no;
use domain::roles::Role;
use serde::{Deserialize, Serialize};
use translations::{text, Lang};

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
        .ok_or_else(|| BackendError::refused(text::step_unknown_action))?;
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
        .map_err(BackendError::refused)?;
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
        .ok_or(BackendError::NotFound(text::order_case_not_found))?;
    let case_state = CaseState::parse(&case.state)
        .ok_or_else(|| BackendError::Internal(format!("case state {}", case.state)))?;
    let note = match (action, step.extension_days) {
        (OrderAction::Extend, Some(days)) => {
            format!(
                "12345 {}（{days} 个工作日）：{text}",
                action.label(Lang::Zh)
            )
        }
        _ if text.is_empty() => format!("12345 {}", action.label(Lang::Zh)),
        _ => format!("12345 {}：{text}", action.label(Lang::Zh)),
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
        _ => Err(BackendError::NotFound(text::order_not_found)),
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
        BackendError::Invalid(message) => OrderRefusal::Invalid(message.get(Lang::Zh).to_string()),
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
        return Err(BackendError::refused(text::order_already_located));
    }
    let account_no = parse_account_no(account_no).map_err(|e| BackendError::invalid(&e))?;
    let hotline::HouseholdPlace {
        household_id,
        building_id,
    } = hotline::company_household(db.reader(), viewer.person_id, &account_no)
        .await?
        .ok_or_else(|| BackendError::refused(text::order_household_not_found))?;
    let case = cases::one_row(db.reader(), case_id)
        .await?
        .ok_or(BackendError::NotFound(text::order_case_not_found))?;
    let mut tx = db.writer().begin().await?;
    if !hotline::place(&mut tx, order.id, case_id, household_id, building_id).await? {
        tx.rollback().await?;
        return Err(BackendError::refused(text::order_already_located));
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
