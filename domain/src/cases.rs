//! Cases as people read them: a line in a list, a page with its timeline.

use crate::account::Choice;
use crate::case_flow::{CaseAction, CaseKind, CaseState};
use crate::clock::{format_month_day_time, UnixSeconds};
use crate::deadlines::{Deadline, Urgency};
use crate::repair::{RepairCategory, RepairUrgency};
use crate::triage::{CoveringOutage, Reading, Room};
use crate::uploads::AttachmentLink;
use serde::{Deserialize, Serialize};
use translations::{text, Lang};

/// One case in a list: what, where, how far along, by when. No personal data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseBrief {
    pub case_id: i64,
    pub case_no: String,
    pub kind: CaseKind,
    pub state: CaseState,
    pub summary: String,
    /// "金宝花园 1号楼"
    pub place: String,
    pub created_at: UnixSeconds,
    /// The response still owed (crew on site, a review decision), if any.
    pub deadline: Option<Deadline>,
    /// Where `deadline` stands at the time of reading.
    pub urgency: Option<Urgency>,
    pub emergency: bool,
    pub crew_name: Option<String>,
    pub closed_at: Option<UnixSeconds>,
}

/// The promise a case's deadline stands for, as the resident reads it:
/// "抢修人员应于 11月28日 15:42 前到达".
pub fn promise(kind: CaseKind, deadline: &Deadline, lang: Lang) -> String {
    let by = format_month_day_time(deadline.due_at, lang);
    match kind {
        CaseKind::Repair | CaseKind::Incident => text::case_promise_crew_on_site(lang, by),
        CaseKind::Temperature => text::case_promise_measured(lang, by),
        CaseKind::Connection | CaseKind::Suspend | CaseKind::Resume | CaseKind::HolderChange => {
            text::case_promise_reviewed(lang, by)
        }
    }
}

/// One entry of a case's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub at: UnixSeconds,
    /// "调度员 张敏", "居民", "奎文抢修一队 王师傅"
    pub actor_label: String,
    /// The step taken; `None` for the filing itself.
    pub action: Option<CaseAction>,
    pub to_state: Option<CaseState>,
    pub note: String,
    /// Photos or documents that came with this step.
    pub attachments: Vec<AttachmentLink>,
}

impl TimelineEntry {
    pub fn headline(&self, lang: Lang) -> &'static str {
        match self.action {
            Some(action) => action.past_tense(lang),
            None => text::case_filed(lang),
        }
    }
}

/// Whether the first response came within its deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    pub at: UnixSeconds,
    pub on_time: bool,
}

/// Everything a case page shows to one viewer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseDetail {
    pub brief: CaseBrief,
    /// "奎文区 金宝花园 1号楼 2单元 301"
    pub address: String,
    pub details: String,
    pub category: Option<RepairCategory>,
    pub urgency: RepairUrgency,
    pub room: Option<Room>,
    pub reading: Option<Reading>,
    pub measured_as_guided: Option<bool>,
    pub outage: Option<CoveringOutage>,
    /// The phone to call: full for the dispatcher and the assigned crew,
    /// masked for the resident it belongs to and the grid worker who filed
    /// with their consent, absent for everyone else.
    pub contact_phone: Option<String>,
    /// Who reported the case through another system (Open311, 12345), as
    /// they gave it: only for the company's dispatchers and the case's crew.
    pub reporter: Option<Reporter>,
    pub response: Option<Response>,
    pub decision_note: Option<String>,
    pub rating: Option<u8>,
    pub rating_comment: Option<String>,
    /// The year the season an application is for starts (2027 for the
    /// 2027—2028 season).
    pub season_start_year: Option<i32>,
    /// A change of holder's new holder: "王芳（138****0099）".
    pub new_holder: Option<String>,
    pub timeline: Vec<TimelineEntry>,
    /// The steps this viewer may take now.
    pub actions: Vec<CaseAction>,
    /// Crews to assign to, when the viewer may assign.
    pub crews: Vec<Choice>,
    /// An open incident without an outage notice, seen by a dispatcher.
    pub may_publish_outage: bool,
    /// The 12345 order the case came from, for its dispatcher.
    pub hotline: Option<crate::hotline::OrderView>,
    /// Beside a temperature complaint: the home's sensor, last 48 hours.
    pub indoor: Option<crate::telemetry::HomeTemperature>,
}

/// A reporter's contact details as another system passed them on.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reporter {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Where they said they were, in their words.
    pub address: Option<String>,
}

impl Reporter {
    /// Whether anything is known.
    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.phone.is_none()
            && self.email.is_none()
            && self.address.is_none()
    }
}

impl CaseDetail {
    pub fn may(&self, action: CaseAction) -> bool {
        self.actions.contains(&action)
    }
}

/// How many cases the dispatcher's queue lists at once; the filters narrow
/// it (a company of a large city has thousands open).
pub const QUEUE_PAGE: usize = 100;

/// The longest place search the queue takes, in characters.
const PLACE_SEARCH_MAX: usize = 30;

/// What the queue's place box holds, as a search: trimmed, at most
/// [`PLACE_SEARCH_MAX`] characters, nothing when blank.
pub fn place_search(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.chars().take(PLACE_SEARCH_MAX).collect())
}

/// A dispatcher's queue filters (all optional).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueFilter {
    pub kind: Option<CaseKind>,
    pub state: Option<CaseState>,
    /// Part of a community's or a heat-exchange station's name (see
    /// [`place_search`]).
    pub place: Option<String>,
    pub overdue_only: bool,
    /// Finished cases too (otherwise open ones only).
    pub include_finished: bool,
}

/// The queue with what its filters offer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Queue {
    /// The first [`QUEUE_PAGE`] cases, nearest deadline first.
    pub cases: Vec<CaseBrief>,
    /// More cases match than are listed.
    pub more: bool,
    pub filter: QueueFilter,
    /// 未诉先办: groups of cold reports worth one incident.
    pub proposals: Vec<crate::incidents::IncidentProposalView>,
}

/// A case just filed (or found again by its idempotency key).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filed {
    pub case_id: i64,
    /// False when the same submit had already created the case.
    pub created: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::local_instant;

    #[test]
    fn a_place_search_is_trimmed_and_bounded() {
        assert_eq!(place_search("  东方 "), Some("东方".to_string()));
        assert_eq!(place_search("   "), None);
        let long = "花".repeat(50);
        assert_eq!(
            place_search(&long).unwrap().chars().count(),
            PLACE_SEARCH_MAX
        );
    }

    #[test]
    fn promises_name_the_time() {
        let due = local_instant(2026, 11, 28, 15).unwrap() + 42 * 60;
        let deadline = Deadline {
            due_at: due,
            warn_at: due - 1800,
        };
        assert_eq!(
            promise(CaseKind::Repair, &deadline, Lang::Zh),
            "抢修人员应于 11月28日 15:42 前到达"
        );
        assert!(promise(CaseKind::Suspend, &deadline, Lang::Zh).contains("审核"));
        assert!(promise(CaseKind::Temperature, &deadline, Lang::En).contains("measure"));
    }
}
