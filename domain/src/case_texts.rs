//! What a resident is told about their case, word for word: the
//! acknowledgement when it is filed and the news of each step. One place, so
//! that a text changes once for the web, WeChat and the SMS alike.

use crate::case_flow::{CaseAction, CaseKind};
use crate::clock::format_month_day_time;
use crate::deadlines::Deadline;

/// A temperature complaint was filed and a visit is due.
pub fn temperature_filed(deadline: &Deadline) -> String {
    format!(
        "室温投诉已受理，工作人员将于 {} 前上门测温。",
        format_month_day_time(deadline.due_at)
    )
}

/// A repair was filed and the crew is due.
pub fn repair_filed(deadline: &Deadline) -> String {
    format!(
        "报修已受理，抢修人员将于 {} 前到达。",
        format_month_day_time(deadline.due_at)
    )
}

/// An application was filed and its review is due.
pub fn application_filed(kind: CaseKind, deadline: &Deadline) -> String {
    format!(
        "{}申请已提交，将于 {} 前完成审核。",
        kind.label(),
        format_month_day_time(deadline.due_at)
    )
}

/// A resident's report was gathered into an incident of their building or
/// station (`place`: "楼栋", "换热站").
pub fn gathered_into_incident(place: &str, incident_no: &str, deadline: &Deadline) -> String {
    format!(
        "已与同一{place}的报冷合并为集中处理事件 {incident_no}，抢修人员将于 {} 前到场。",
        format_month_day_time(deadline.due_at)
    )
}

/// The news of one step, or None when the step tells the resident nothing.
/// `new_deadline` is the visit a reopened case is owed.
pub fn step_update(
    action: CaseAction,
    note: &str,
    new_deadline: Option<&Deadline>,
) -> Option<String> {
    if !action.tells_resident() {
        return None;
    }
    let with_note = |text: &str| {
        if note.is_empty() {
            format!("{text}。")
        } else {
            format!("{text}：{note}")
        }
    };
    Some(match action {
        CaseAction::Assign => "已派单给抢修队，请保持电话畅通。".to_string(),
        CaseAction::Depart => "抢修人员已出发，请稍候。".to_string(),
        CaseAction::Arrive => "抢修人员已到达。".to_string(),
        CaseAction::Fix => format!("{}请在工单页确认是否修好并评价。", with_note("已处理完成")),
        CaseAction::Reopen => match new_deadline {
            Some(d) => format!(
                "已重新受理，将于 {} 前再次上门。",
                format_month_day_time(d.due_at)
            ),
            None => "已重新受理。".to_string(),
        },
        CaseAction::StartReview => "已开始审核。".to_string(),
        CaseAction::Approve => with_note("审核已通过"),
        CaseAction::Reject => with_note("审核未通过，原因"),
        CaseAction::Complete => "业务已办结。".to_string(),
        CaseAction::Merge => "已与同一问题的工单合并处理，进展请看主工单。".to_string(),
        CaseAction::Confirm | CaseAction::Rate | CaseAction::Cancel | CaseAction::Note => {
            return None
        }
    })
}

/// The same news for a resident whose report was merged into `case_no`.
pub fn update_of_merged(case_no: &str, update: &str) -> String {
    format!("（集中处理事件 {case_no}）{update}")
}

/// An outage was published for the resident's incident.
pub fn outage_published(cause: &str, expected_restore_at: crate::clock::UnixSeconds) -> String {
    format!(
        "已发布停热公告：{cause}，预计 {} 恢复供热。",
        format_month_day_time(expected_restore_at)
    )
}

/// The public notice of an incident's outage when the incident ends:
/// heat back (closed), or the notice lifted (any other end).
pub fn incident_outage_ended(closed: bool) -> &'static str {
    if closed {
        "抢修完成，已恢复供热。"
    } else {
        "事件已结束，停热公告解除。"
    }
}

/// A step or a filing refused because someone else moved the case (or its
/// order) since the page was read.
pub const CHANGED_MEANWHILE: &str = "工单刚刚被其他人处理过，请刷新页面查看最新进展";

/// A grid worker's consent code spent by another filing meanwhile.
pub const CONSENT_SPENT: &str = "这个验证码已经用过了，请重新获取居民的验证码";

/// A case nobody may read (or that does not exist: the same answer).
pub const CASE_NOT_FOUND: &str = "没有找到该工单，或您无权查看";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_that_tell_nobody_have_no_text() {
        for action in CaseAction::ALL {
            assert_eq!(
                step_update(action, "", None).is_some(),
                action.tells_resident(),
                "{action:?}"
            );
        }
    }

    #[test]
    fn a_note_is_quoted_or_the_sentence_ends() {
        assert_eq!(
            step_update(CaseAction::Reject, "材料不全", None).as_deref(),
            Some("审核未通过，原因：材料不全")
        );
        assert_eq!(
            step_update(CaseAction::Approve, "", None).as_deref(),
            Some("审核已通过。")
        );
        assert_eq!(
            update_of_merged("I20261128000007", "抢修人员已到达。"),
            "（集中处理事件 I20261128000007）抢修人员已到达。"
        );
    }
}
