//! 12345 hotline work orders (Shandong rules): what an inbound order must
//! carry, where its address points, and the order's own clock — sign for it
//! within 2 h, reply within 5 working days (one extension of up to 10), or
//! return a wrongly routed order within 2 working days with a reason.

use crate::case_flow::CaseKind;
use crate::clock::UnixSeconds;
use crate::repair::RepairCategory;
use crate::typing::halfwidth;
use serde::{Deserialize, Serialize};
use translations::{text, Lang, StaticText};

/// How far a signed request's timestamp may be from our clock.
pub const MAX_CLOCK_SKEW: i64 = 300;
/// The longest extension of the reply deadline, in working days.
pub const MAX_EXTENSION_DAYS: u32 = 10;

/// A work order as the platform sends it (JSON).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboundOrder {
    pub order_id: String,
    /// When the hotline took the call, Unix seconds.
    pub received_at: i64,
    pub caller_name: String,
    pub caller_phone: String,
    /// "奎文区金宝花园2号楼1单元301"
    pub address: String,
    /// "temperature", or a repair category ("no_heat", "leak", …).
    pub category: String,
    pub description: String,
    /// The platform's own deadline for the reply, Unix seconds, if it set one.
    #[serde(default)]
    pub deadline: Option<i64>,
}

/// An order that passed the checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedOrder {
    pub order_id: String,
    pub received_at: UnixSeconds,
    pub caller_name: String,
    /// Digits only: a mobile or a landline.
    pub caller_phone: String,
    pub address: String,
    pub kind: CaseKind,
    pub category: Option<RepairCategory>,
    pub description: String,
    pub deadline: Option<UnixSeconds>,
}

/// Why an order is refused, for the platform's engineers (English and
/// Chinese: the platform logs it).
pub fn check_order(order: &InboundOrder, now: UnixSeconds) -> Result<CheckedOrder, String> {
    let order_id = order.order_id.trim();
    if order_id.is_empty()
        || order_id.len() > 64
        || !order_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err("order_id: 1–64 letters, digits, - or _ (工单编号格式不正确)".to_string());
    }
    if order.received_at <= 0 || order.received_at > now + MAX_CLOCK_SKEW {
        return Err("received_at: not a time in the past (受理时间不正确)".to_string());
    }
    let phone: String = order
        .caller_phone
        .chars()
        .map(halfwidth)
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '+'))
        .collect();
    if !(7..=15).contains(&phone.len()) || !phone.bytes().all(|b| b.is_ascii_digit()) {
        return Err("caller_phone: 7–15 digits (来电号码不正确)".to_string());
    }
    let within = |text: &str, field: &str, max: usize, required: bool| {
        let text = text.trim();
        if required && text.is_empty() {
            Err(format!("{field}: required (不能为空)"))
        } else if text.chars().count() > max {
            Err(format!("{field}: at most {max} characters (内容过长)"))
        } else {
            Ok(text.to_string())
        }
    };
    let caller_name = within(&order.caller_name, "caller_name", 50, false)?;
    let address = within(&order.address, "address", 200, true)?;
    let description = within(&order.description, "description", 2000, true)?;
    let (kind, category) = match order.category.trim() {
        "temperature" => (CaseKind::Temperature, None),
        other => (
            CaseKind::Repair,
            Some(RepairCategory::parse(other).unwrap_or(RepairCategory::Other)),
        ),
    };
    Ok(CheckedOrder {
        order_id: order_id.to_string(),
        received_at: order.received_at,
        caller_name,
        caller_phone: phone,
        address,
        kind,
        category,
        description,
        deadline: order.deadline.filter(|d| *d > order.received_at),
    })
}

/// Whether a signed request's timestamp is fresh enough to accept.
pub fn fresh_timestamp(timestamp: i64, now: UnixSeconds) -> bool {
    (timestamp - now).abs() <= MAX_CLOCK_SKEW
}

/// The parts of a Chinese address the portal can match: the text before the
/// building (holding the community's name), "2号楼", "1单元", "301".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AddressParts {
    pub before_building: String,
    pub building: Option<String>,
    pub unit: Option<String>,
    pub room: Option<String>,
}

/// Reads "潍坊市奎文区金宝花园2号楼1单元301室" (full-width digits, spaces
/// and 栋/幢 for 号楼 allowed) into its parts.
pub fn parse_address(text: &str) -> AddressParts {
    let text: String = text
        .chars()
        .map(halfwidth)
        .filter(|c| !c.is_whitespace())
        .collect();
    let chars: Vec<char> = text.chars().collect();
    // The building: digits followed by 号楼, 栋 or 幢.
    let mut parts = AddressParts {
        before_building: text.clone(),
        ..AddressParts::default()
    };
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let number: String = chars[start..i].iter().collect();
            let rest: String = chars[i..].iter().collect();
            let marker = ["号楼", "栋", "幢"]
                .into_iter()
                .find(|m| rest.starts_with(m));
            if let Some(marker) = marker {
                parts.before_building = chars[..start].iter().collect();
                parts.building = Some(format!("{number}号楼"));
                let after: String = rest[marker.len()..].to_string();
                let (unit, room) = unit_and_room(&after);
                parts.unit = unit;
                parts.room = room;
                return parts;
            }
        } else {
            i += 1;
        }
    }
    parts
}

/// "1单元301室" → ("1单元", "301").
fn unit_and_room(text: &str) -> (Option<String>, Option<String>) {
    let digits_at = |s: &str| -> (String, String) {
        let number: String = s.chars().take_while(char::is_ascii_digit).collect();
        let rest = s[number.len()..].to_string();
        (number, rest)
    };
    let (number, rest) = digits_at(text.trim_start_matches(['-', '#']));
    if number.is_empty() {
        return (None, None);
    }
    if let Some(after) = rest.strip_prefix("单元") {
        let (room, _) = digits_at(after.trim_start_matches(['-', '#']));
        return (
            Some(format!("{number}单元")),
            (!room.is_empty()).then_some(room),
        );
    }
    (None, Some(number))
}

/// Where an order stands on the hotline's side.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrderStatus {
    /// 待签收
    Received,
    /// 已签收, being worked
    SignedFor,
    /// 已答复, waiting for the satisfaction call
    Replied,
    /// 已办结: the caller was satisfied
    Closed,
    /// 已退单: routed to us wrongly
    Returned,
}

impl OrderStatus {
    pub const ALL: [Self; 5] = [
        Self::Received,
        Self::SignedFor,
        Self::Replied,
        Self::Closed,
        Self::Returned,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::SignedFor => "signed_for",
            Self::Replied => "replied",
            Self::Closed => "closed",
            Self::Returned => "returned",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Self::Received => text::order_status_received(lang),
            Self::SignedFor => text::order_status_signed_for(lang),
            Self::Replied => text::order_status_replied(lang),
            Self::Closed => text::order_status_closed(lang),
            Self::Returned => text::order_status_returned(lang),
        }
    }
}

/// What a dispatcher (or the platform) does to an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrderAction {
    /// 签收
    SignFor,
    /// 进展: a progress note to the platform.
    Progress,
    /// 延期: once, up to [`MAX_EXTENSION_DAYS`] working days, with a reason.
    Extend,
    /// 答复: the final reply.
    Reply,
    /// 退单: wrongly routed, with a reason, within 2 working days.
    Return,
    /// The platform's satisfaction call: satisfied.
    Satisfied,
    /// The platform's satisfaction call: not satisfied; the case reopens.
    Unsatisfied,
}

impl OrderAction {
    pub const ALL: [Self; 7] = [
        Self::SignFor,
        Self::Progress,
        Self::Extend,
        Self::Reply,
        Self::Return,
        Self::Satisfied,
        Self::Unsatisfied,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignFor => "sign_for",
            Self::Progress => "progress",
            Self::Extend => "extend",
            Self::Reply => "reply",
            Self::Return => "return",
            Self::Satisfied => "satisfied",
            Self::Unsatisfied => "unsatisfied",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == text)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Self::SignFor => text::order_action_sign_for(lang),
            Self::Progress => text::order_action_progress(lang),
            Self::Extend => text::order_action_extend(lang),
            Self::Reply => text::order_action_reply(lang),
            Self::Return => text::order_action_return(lang),
            Self::Satisfied => text::order_action_satisfied(lang),
            Self::Unsatisfied => text::order_action_unsatisfied(lang),
        }
    }

    /// Whether the dispatcher takes it (the others come from the platform).
    pub fn by_dispatcher(self) -> bool {
        !matches!(self, Self::Satisfied | Self::Unsatisfied)
    }

    /// Whether it must carry a text (reason, progress, reply).
    pub fn needs_text(self) -> bool {
        matches!(
            self,
            Self::Progress | Self::Extend | Self::Reply | Self::Return
        )
    }
}

/// An order's clock and history, as far as its rules need.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderClock {
    pub status: OrderStatus,
    pub extended: bool,
}

/// Why an action cannot be taken now.
pub fn check_order_action(
    clock: OrderClock,
    action: OrderAction,
    text: &str,
    extension_days: Option<u32>,
) -> Result<OrderStatus, StaticText> {
    use OrderAction as A;
    use OrderStatus as S;
    if action.needs_text() && text.trim().is_empty() {
        return Err(match action {
            A::Return => text::order_return_reason_missing,
            A::Extend => text::order_extension_reason_missing,
            A::Reply => text::order_reply_missing,
            _ => text::order_progress_missing,
        });
    }
    if text.chars().count() > 1000 {
        return Err(text::order_text_too_long);
    }
    match (clock.status, action) {
        (S::Received, A::SignFor) => Ok(S::SignedFor),
        (S::Received | S::SignedFor, A::Return) => Ok(S::Returned),
        (S::SignedFor, A::Progress) => Ok(S::SignedFor),
        (S::SignedFor, A::Extend) if clock.extended => Err(text::order_already_extended),
        (S::SignedFor, A::Extend) => match extension_days {
            Some(days) if (1..=MAX_EXTENSION_DAYS).contains(&days) => Ok(S::SignedFor),
            _ => Err(text::order_extension_days),
        },
        (S::SignedFor, A::Reply) => Ok(S::Replied),
        (S::Replied, A::Satisfied) => Ok(S::Closed),
        (S::Replied, A::Unsatisfied) => Ok(S::SignedFor),
        (S::Received, _) => Err(text::order_sign_for_first),
        (S::Closed | S::Returned, _) => Err(text::order_finished),
        (S::Replied, _) => Err(text::order_awaiting_callback),
        (S::SignedFor, _) => Err(text::order_not_now),
    }
}

/// An order as a case page shows it to a dispatcher (no caller phone: the
/// case's contact carries it, with its audited read).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderView {
    pub order_id: String,
    pub status: OrderStatus,
    pub caller_name: String,
    pub address: String,
    /// False while the address is not matched to a building.
    pub placed: bool,
    /// The order's running clock: signing for it, then replying.
    pub deadline: Option<crate::deadlines::Deadline>,
    pub urgency: Option<crate::deadlines::Urgency>,
    /// Until when a wrongly routed order may be returned.
    pub return_due_at: Option<UnixSeconds>,
    pub extended_days: Option<u32>,
    /// The steps the viewer may take now.
    pub actions: Vec<OrderAction>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use translations::Lang;

    fn order() -> InboundOrder {
        InboundOrder {
            order_id: "SD12345-20261128-0001".to_string(),
            received_at: 1_000_000,
            caller_name: "王先生".to_string(),
            caller_phone: "0536-8888 1234".to_string(),
            address: "潍坊市奎文区金宝花园2号楼1单元301".to_string(),
            category: "temperature".to_string(),
            description: "家里只有 15 度".to_string(),
            deadline: None,
        }
    }

    #[test]
    fn orders_are_checked_field_by_field() {
        let checked = check_order(&order(), 1_000_100).unwrap();
        assert_eq!(checked.kind, CaseKind::Temperature);
        assert_eq!(checked.caller_phone, "053688881234");
        let mut repair = order();
        repair.category = "burst_pipe".to_string();
        let checked = check_order(&repair, 1_000_100).unwrap();
        assert_eq!(checked.category, Some(RepairCategory::BurstPipe));
        repair.category = "something new".to_string();
        assert_eq!(
            check_order(&repair, 1_000_100).unwrap().category,
            Some(RepairCategory::Other)
        );
        let mut bad = order();
        bad.order_id = "含中文".to_string();
        assert!(check_order(&bad, 1_000_100)
            .unwrap_err()
            .starts_with("order_id"));
        let mut bad = order();
        bad.caller_phone = "12".to_string();
        assert!(check_order(&bad, 1_000_100)
            .unwrap_err()
            .starts_with("caller_phone"));
        let mut bad = order();
        bad.description = "  ".to_string();
        assert!(check_order(&bad, 1_000_100)
            .unwrap_err()
            .starts_with("description"));
        let mut bad = order();
        bad.received_at = 2_000_000;
        assert!(check_order(&bad, 1_000_100)
            .unwrap_err()
            .starts_with("received_at"));
        assert!(fresh_timestamp(1_000_000, 1_000_300));
        assert!(!fresh_timestamp(1_000_000, 1_000_301));
        assert!(!fresh_timestamp(1_000_400, 1_000_000));
    }

    #[test]
    fn addresses_are_read_into_building_unit_and_room() {
        let parts = parse_address("潍坊市奎文区金宝花园2号楼1单元301室");
        assert_eq!(parts.before_building, "潍坊市奎文区金宝花园");
        assert_eq!(parts.building.as_deref(), Some("2号楼"));
        assert_eq!(parts.unit.as_deref(), Some("1单元"));
        assert_eq!(parts.room.as_deref(), Some("301"));
        let parts = parse_address("金宝花园 １２栋 ３单元 ５０２");
        assert_eq!(parts.building.as_deref(), Some("12号楼"));
        assert_eq!(parts.unit.as_deref(), Some("3单元"));
        assert_eq!(parts.room.as_deref(), Some("502"));
        let parts = parse_address("鸢飞小区4号楼");
        assert_eq!(parts.before_building, "鸢飞小区");
        assert_eq!(parts.unit, None);
        let parts = parse_address("北海路与胜利街路口东100米");
        assert_eq!(parts.building, None);
        assert_eq!(parts.before_building, "北海路与胜利街路口东100米");
    }

    #[test]
    fn the_order_clock_follows_the_shandong_rules() {
        let at = |status, extended| OrderClock { status, extended };
        use OrderAction as A;
        use OrderStatus as S;
        assert_eq!(
            check_order_action(at(S::Received, false), A::SignFor, "", None),
            Ok(S::SignedFor)
        );
        assert_eq!(
            check_order_action(at(S::Received, false), A::Reply, "好了", None)
                .map_err(|t| t(Lang::Zh)),
            Err("请先签收这张工单")
        );
        assert_eq!(
            check_order_action(at(S::Received, false), A::Return, " ", None)
                .map_err(|t| t(Lang::Zh)),
            Err("请填写退单原因")
        );
        assert_eq!(
            check_order_action(at(S::Received, false), A::Return, "非供热问题", None),
            Ok(S::Returned)
        );
        assert_eq!(
            check_order_action(at(S::SignedFor, false), A::Extend, "待更换阀门", Some(10)),
            Ok(S::SignedFor)
        );
        assert!(check_order_action(at(S::SignedFor, false), A::Extend, "x", Some(11)).is_err());
        assert!(check_order_action(at(S::SignedFor, false), A::Extend, "x", None).is_err());
        assert_eq!(
            check_order_action(at(S::SignedFor, true), A::Extend, "x", Some(2))
                .map_err(|t| t(Lang::Zh)),
            Err("这张工单已经延期过一次")
        );
        assert_eq!(
            check_order_action(at(S::SignedFor, true), A::Reply, "已修复", None),
            Ok(S::Replied)
        );
        assert_eq!(
            check_order_action(at(S::Replied, true), A::Unsatisfied, "", None),
            Ok(S::SignedFor)
        );
        assert_eq!(
            check_order_action(at(S::Replied, true), A::Satisfied, "", None),
            Ok(S::Closed)
        );
        assert!(check_order_action(at(S::Closed, true), A::SignFor, "", None).is_err());
        assert!(check_order_action(at(S::Returned, false), A::Reply, "x", None).is_err());
        assert!(!A::Satisfied.by_dispatcher() && A::Return.by_dispatcher());
        for action in OrderAction::ALL {
            assert_eq!(OrderAction::parse(action.as_str()), Some(action));
        }
        for status in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(status.as_str()), Some(status));
        }
    }
}
