//! What a resident is told about their case, word for word: the
//! acknowledgement when it is filed and the news of each step. One place, so
//! that a text changes once for the web, WeChat and the SMS alike.

use crate::case_flow::{CaseAction, CaseKind};
use crate::clock::format_month_day_time;
use crate::deadlines::Deadline;
use translations::{text, Lang, StaticText};

/// A temperature complaint was filed and a visit is due.
pub fn temperature_filed(deadline: &Deadline, lang: Lang) -> String {
    text::resident_temperature_filed(lang, format_month_day_time(deadline.due_at, lang))
}

/// A repair was filed and the crew is due.
pub fn repair_filed(deadline: &Deadline, lang: Lang) -> String {
    text::resident_repair_filed(lang, format_month_day_time(deadline.due_at, lang))
}

/// An application was filed and its review is due.
pub fn application_filed(kind: CaseKind, deadline: &Deadline, lang: Lang) -> String {
    text::resident_application_filed(
        lang,
        format_month_day_time(deadline.due_at, lang),
        kind.label(lang),
    )
}

/// A resident's report was gathered into an incident of their building or
/// station (`place`: "楼栋", "换热站").
pub fn gathered_into_incident(
    place: &str,
    incident_no: &str,
    deadline: &Deadline,
    lang: Lang,
) -> String {
    text::resident_gathered_into_incident(
        lang,
        format_month_day_time(deadline.due_at, lang),
        incident_no,
        place,
    )
}

/// The news of one step, or None when the step tells the resident nothing.
/// `new_deadline` is the visit a reopened case is owed.
pub fn step_update(
    action: CaseAction,
    note: &str,
    new_deadline: Option<&Deadline>,
    lang: Lang,
) -> Option<String> {
    if !action.tells_resident() {
        return None;
    }
    let with_note = |done: StaticText| {
        if note.is_empty() {
            text::resident_step_done(lang, done(lang))
        } else {
            text::resident_step_done_with_note(lang, done(lang), note)
        }
    };
    Some(match action {
        CaseAction::Assign => text::resident_assigned(lang).to_string(),
        CaseAction::Depart => text::resident_crew_departed(lang).to_string(),
        CaseAction::Arrive => text::resident_crew_arrived(lang).to_string(),
        CaseAction::Fix => {
            format!(
                "{}{}",
                with_note(text::resident_fixed),
                text::resident_please_confirm(lang)
            )
        }
        CaseAction::Reopen => match new_deadline {
            Some(d) => text::resident_reopened_by(lang, format_month_day_time(d.due_at, lang)),
            None => text::resident_reopened(lang).to_string(),
        },
        CaseAction::StartReview => text::resident_review_started(lang).to_string(),
        CaseAction::Approve => with_note(text::resident_approved),
        CaseAction::Reject => with_note(text::resident_rejected),
        // The plan says what the household's service is now
        // (`service_change::resident_news`); this is the plain fallback.
        CaseAction::Complete | CaseAction::FinishFieldWork | CaseAction::RecordMeasurement => {
            text::resident_completed(lang).to_string()
        }
        CaseAction::Merge => text::resident_merged(lang).to_string(),
        CaseAction::Confirm | CaseAction::Rate | CaseAction::Cancel | CaseAction::Note => {
            return None
        }
    })
}

/// The same news for a resident whose report was merged into `case_no`.
pub fn update_of_merged(case_no: &str, update: &str, lang: Lang) -> String {
    text::resident_update_of_merged(lang, case_no, update)
}

/// An outage was published for the resident's incident.
pub fn outage_published(
    cause: &str,
    expected_restore_at: crate::clock::UnixSeconds,
    lang: Lang,
) -> String {
    text::resident_outage_published(
        lang,
        cause,
        format_month_day_time(expected_restore_at, lang),
    )
}

/// The public notice of an incident's outage when the incident ends:
/// heat back (closed), or the notice lifted (any other end).
pub fn incident_outage_ended(closed: bool, lang: Lang) -> &'static str {
    if closed {
        text::incident_outage_heat_back(lang)
    } else {
        text::incident_outage_lifted(lang)
    }
}

/// A step or a filing refused because someone else moved the case (or its
/// order) since the page was read.
pub const CHANGED_MEANWHILE: StaticText = text::case_changed_meanwhile;

/// A grid worker's consent code spent by another filing meanwhile.
pub const CONSENT_SPENT: StaticText = text::consent_code_spent;

/// A case nobody may read (or that does not exist: the same answer).
pub const CASE_NOT_FOUND: StaticText = text::case_not_found;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_that_tell_nobody_have_no_text() {
        for action in CaseAction::ALL {
            assert_eq!(
                step_update(action, "", None, Lang::Zh).is_some(),
                action.tells_resident(),
                "{action:?}"
            );
        }
    }

    #[test]
    fn a_note_is_quoted_or_the_sentence_ends() {
        assert_eq!(
            step_update(CaseAction::Reject, "材料不全", None, Lang::Zh).as_deref(),
            Some("审核未通过，原因：材料不全")
        );
        assert_eq!(
            step_update(CaseAction::Approve, "", None, Lang::Zh).as_deref(),
            Some("审核已通过。")
        );
        assert_eq!(
            update_of_merged("I20261128000007", "抢修人员已到达。", Lang::Zh),
            "（集中处理事件 I20261128000007）抢修人员已到达。"
        );
        assert_eq!(
            step_update(CaseAction::Fix, "换了阀门", None, Lang::En).as_deref(),
            Some("The work is done: 换了阀门 Please confirm on the case page whether it is fixed, and rate it.")
        );
    }
}
