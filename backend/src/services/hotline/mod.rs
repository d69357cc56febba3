//! 12345 work orders: an order from the platform becomes a case (placed at
//! a household or building when its address can be read, flagged for a
//! dispatcher otherwise) with the order's own clock; the dispatcher signs
//! for it, reports progress, asks for more time, returns it or replies, and
//! every such step goes back to the platform through the outbox; the
//! platform's satisfaction call closes the order or reopens the case.

use crate::cases::opening::{open_case, FirstEvent, Opened};
use crate::db::Database;
use crate::error::{BackendError, BackendResult};
use crate::store::cases::{self, NewCase};
use crate::store::hotline::{self, NewOrder, OrderRow};
use domain::case_flow::CaseKind;
use domain::clock::UnixSeconds;
use domain::deadlines::{response_rule, DeadlineRule};
use domain::hotline::{check_order, parse_address, InboundOrder};
use domain::repair::RepairUrgency;
use serde::{Deserialize, Serialize};
use translations::Lang;

mod news;
mod working;
pub use news::*;
pub use working::*;

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
        Some(category) => category.label(Lang::Zh),
        None => CaseKind::Temperature.label(Lang::Zh),
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
        .ok_or_else(|| BackendError::Internal(format!("case {case_id} of an order vanished")))
}
