//! The life of a case: its kinds, states, the steps people take and who may
//! take them. One table of transitions per family of cases; everything else
//! (the pages' buttons, the service's checks) asks [`step`].

use crate::clock::UnixSeconds;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use translations::{text, Lang, Localize};

mod plan;
pub use plan::{
    check_step_note, plan_step, StepChange, StepChoices, StepPlan, StepRefusal, StepSubject,
};

/// The kind of a case's first timeline entry.
pub const FILED_EVENT: &str = "filed";

/// What a case is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CaseKind {
    /// 室温投诉
    Temperature,
    /// 故障报修
    Repair,
    /// 供热报装
    Connection,
    /// 报停
    Suspend,
    /// 复供
    Resume,
    /// 过户: the account passes to a new holder.
    HolderChange,
    /// 集中处理事件: several flats' reports of cold, gathered by a dispatcher
    /// (未诉先办) and worked as one.
    Incident,
}

impl CaseKind {
    pub const ALL: [Self; 7] = [
        Self::Temperature,
        Self::Repair,
        Self::Connection,
        Self::Suspend,
        Self::Resume,
        Self::HolderChange,
        Self::Incident,
    ];
    pub const APPLICATIONS: [Self; 4] = [
        Self::Connection,
        Self::Suspend,
        Self::Resume,
        Self::HolderChange,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Temperature => "temperature",
            Self::Repair => "repair",
            Self::Connection => "connection",
            Self::Suspend => "suspend",
            Self::Resume => "resume",
            Self::HolderChange => "holder_change",
            Self::Incident => "incident",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Self::Temperature => text::case_kind_temperature(lang),
            Self::Repair => text::case_kind_repair(lang),
            Self::Connection => text::case_kind_connection(lang),
            Self::Suspend => text::case_kind_suspend(lang),
            Self::Resume => text::case_kind_resume(lang),
            Self::HolderChange => text::case_kind_holder_change(lang),
            Self::Incident => text::case_kind_incident(lang),
        }
    }

    /// The first letter of its case numbers: T20261128000042.
    pub fn number_prefix(self) -> char {
        match self {
            Self::Temperature => 'T',
            Self::Repair => 'R',
            Self::Connection | Self::Suspend | Self::Resume | Self::HolderChange => 'A',
            Self::Incident => 'I',
        }
    }

    pub fn family(self) -> Family {
        match self {
            Self::Temperature | Self::Repair | Self::Incident => Family::FieldService,
            Self::Connection | Self::Suspend | Self::Resume | Self::HolderChange => {
                Family::Application
            }
        }
    }

    /// The state a new case starts in.
    pub fn initial_state(self) -> CaseState {
        match self.family() {
            Family::FieldService => CaseState::Acknowledged,
            Family::Application => CaseState::Submitted,
        }
    }
}

/// Cases that send a crew out, and cases that are reviewed at a desk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Family {
    FieldService,
    Application,
}

/// Where a case stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CaseState {
    /// 已受理: filed, waiting for a crew.
    Acknowledged,
    /// 已派单: a crew has it.
    Dispatched,
    /// 已出发
    OnTheWay,
    /// 已到场
    OnSite,
    /// 已修复, waiting for the resident to confirm.
    Fixed,
    /// 已办结
    Closed,
    /// 已提交 (applications)
    Submitted,
    /// 审核中
    UnderReview,
    /// 已通过, the works or the valve visit follow.
    Approved,
    /// 未通过, with a reason. Final.
    Rejected,
    /// 已办结 (applications)
    Done,
    /// 已并案: joined an incident that is worked instead. Final.
    Merged,
    /// 已撤销 by the resident before anyone acted. Final.
    Cancelled,
}

impl CaseState {
    pub const ALL: [Self; 13] = [
        Self::Acknowledged,
        Self::Dispatched,
        Self::OnTheWay,
        Self::OnSite,
        Self::Fixed,
        Self::Closed,
        Self::Submitted,
        Self::UnderReview,
        Self::Approved,
        Self::Rejected,
        Self::Done,
        Self::Merged,
        Self::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Acknowledged => "acknowledged",
            Self::Dispatched => "dispatched",
            Self::OnTheWay => "on_the_way",
            Self::OnSite => "on_site",
            Self::Fixed => "fixed",
            Self::Closed => "closed",
            Self::Submitted => "submitted",
            Self::UnderReview => "under_review",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Done => "done",
            Self::Merged => "merged",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Self::Acknowledged => text::case_state_acknowledged(lang),
            Self::Dispatched => text::case_state_dispatched(lang),
            Self::OnTheWay => text::case_state_on_the_way(lang),
            Self::OnSite => text::case_state_on_site(lang),
            Self::Fixed => text::case_state_fixed(lang),
            Self::Closed => text::case_state_closed(lang),
            Self::Submitted => text::case_state_submitted(lang),
            Self::UnderReview => text::case_state_under_review(lang),
            Self::Approved => text::case_state_approved(lang),
            Self::Rejected => text::case_state_rejected(lang),
            Self::Done => text::case_state_done(lang),
            Self::Merged => text::case_state_merged(lang),
            Self::Cancelled => text::case_state_cancelled(lang),
        }
    }

    /// Whether nothing more is owed on the case.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Self::Closed | Self::Rejected | Self::Done | Self::Merged | Self::Cancelled
        )
    }

    /// Whether the first response (a crew on site, a review decision) is
    /// still owed, so the response deadline runs.
    pub fn awaits_response(self) -> bool {
        matches!(
            self,
            Self::Acknowledged
                | Self::Dispatched
                | Self::OnTheWay
                | Self::Submitted
                | Self::UnderReview
        )
    }
}

/// A step someone takes on a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CaseAction {
    /// 派单 / 改派 to a crew.
    Assign,
    /// 出发
    Depart,
    /// 到达
    Arrive,
    /// 完成维修 (with a note).
    Fix,
    /// The crew's work at the door that makes an approved application
    /// count (关阀铅封, 拆封开阀, 验收开通: [`crate::service_change::FieldWork`]),
    /// with a photo and, at a valve, the seal number.
    FinishFieldWork,
    /// 上门测温: the crew records a temperature complaint's measurement
    /// (each room's reading, the resident's confirmation, the result); the
    /// state stays.
    RecordMeasurement,
    /// The resident confirms it is fixed.
    Confirm,
    /// The resident says it is not fixed (with a reason).
    Reopen,
    /// 1–5 and a comment, once, after the case is finished.
    Rate,
    /// 开始审核
    StartReview,
    /// 审核通过
    Approve,
    /// 审核不通过 (with a reason).
    Reject,
    /// 办结 an approved application.
    Complete,
    /// 并案 into an incident.
    Merge,
    /// The resident withdraws a case nobody has acted on.
    Cancel,
    /// 备注: a note on the timeline, no change of state.
    Note,
}

impl CaseAction {
    pub const ALL: [Self; 16] = [
        Self::Assign,
        Self::Depart,
        Self::Arrive,
        Self::Fix,
        Self::FinishFieldWork,
        Self::RecordMeasurement,
        Self::Confirm,
        Self::Reopen,
        Self::Rate,
        Self::StartReview,
        Self::Approve,
        Self::Reject,
        Self::Complete,
        Self::Merge,
        Self::Cancel,
        Self::Note,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Assign => "assign",
            Self::Depart => "depart",
            Self::Arrive => "arrive",
            Self::Fix => "fix",
            Self::FinishFieldWork => "finish_field_work",
            Self::RecordMeasurement => "record_measurement",
            Self::Confirm => "confirm",
            Self::Reopen => "reopen",
            Self::Rate => "rate",
            Self::StartReview => "start_review",
            Self::Approve => "approve",
            Self::Reject => "reject",
            Self::Complete => "complete",
            Self::Merge => "merge",
            Self::Cancel => "cancel",
            Self::Note => "note",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == text)
    }

    /// The button a person presses.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Self::Assign => text::case_action_assign(lang),
            Self::Depart => text::case_action_depart(lang),
            Self::Arrive => text::case_action_arrive(lang),
            Self::Fix => text::case_action_fix(lang),
            Self::FinishFieldWork => text::case_action_finish_field_work(lang),
            Self::RecordMeasurement => text::case_action_record_measurement(lang),
            Self::Confirm => text::case_action_confirm(lang),
            Self::Reopen => text::case_action_reopen(lang),
            Self::Rate => text::case_action_rate(lang),
            Self::StartReview => text::case_action_start_review(lang),
            Self::Approve => text::case_action_approve(lang),
            Self::Reject => text::case_action_reject(lang),
            Self::Complete => text::case_action_complete(lang),
            Self::Merge => text::case_action_merge(lang),
            Self::Cancel => text::case_action_cancel(lang),
            Self::Note => text::case_action_note(lang),
        }
    }

    /// What the timeline says happened.
    pub fn past_tense(self, lang: Lang) -> &'static str {
        match self {
            Self::Assign => text::case_action_assign_past_tense(lang),
            Self::Depart => text::case_action_depart_past_tense(lang),
            Self::Arrive => text::case_action_arrive_past_tense(lang),
            Self::Fix => text::case_action_fix_past_tense(lang),
            Self::FinishFieldWork => text::case_action_finish_field_work_past_tense(lang),
            Self::RecordMeasurement => text::case_action_record_measurement_past_tense(lang),
            Self::Confirm => text::case_action_confirm_past_tense(lang),
            Self::Reopen => text::case_action_reopen_past_tense(lang),
            Self::Rate => text::case_action_rate_past_tense(lang),
            Self::StartReview => text::case_action_start_review_past_tense(lang),
            Self::Approve => text::case_action_approve_past_tense(lang),
            Self::Reject => text::case_action_reject_past_tense(lang),
            Self::Complete => text::case_action_complete_past_tense(lang),
            Self::Merge => text::case_action_merge_past_tense(lang),
            Self::Cancel => text::case_action_cancel_past_tense(lang),
            Self::Note => text::case_action_note_past_tense(lang),
        }
    }

    /// Who takes this step.
    pub fn party(self) -> Party {
        match self {
            Self::Assign
            | Self::StartReview
            | Self::Approve
            | Self::Reject
            | Self::Complete
            | Self::Merge => Party::Dispatcher,
            Self::Depart
            | Self::Arrive
            | Self::Fix
            | Self::FinishFieldWork
            | Self::RecordMeasurement => Party::Crew,
            Self::Confirm | Self::Reopen | Self::Rate | Self::Cancel => Party::Resident,
            Self::Note => Party::AnyStaff,
        }
    }

    /// Steps whose note is the point (a reason, what was done).
    pub fn needs_note(self) -> bool {
        matches!(self, Self::Fix | Self::Reopen | Self::Reject | Self::Note)
    }

    /// Whether the resident hears of this step (an SMS or WeChat message).
    pub fn tells_resident(self) -> bool {
        !matches!(self, Self::Note | Self::Rate | Self::Cancel | Self::Confirm)
    }
}

/// Who may take a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Party {
    /// The resident the case is for.
    Resident,
    /// A dispatcher of the heating company.
    Dispatcher,
    /// The crew the case is assigned to.
    Crew,
    /// Any staff who can see the case (dispatcher, crew, grid worker).
    AnyStaff,
}

impl Party {
    fn label(self, lang: Lang) -> &'static str {
        match self {
            Self::Resident => text::party_resident(lang),
            Self::Dispatcher => text::party_dispatcher(lang),
            Self::Crew => text::party_crew(lang),
            Self::AnyStaff => text::party_any_staff(lang),
        }
    }
}

/// Why a step was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlowError {
    NotNow {
        state: CaseState,
        action: CaseAction,
    },
    NotYours {
        action: CaseAction,
        party: Party,
    },
    NoteRequired,
}

impl Localize for FlowError {
    fn say(&self, lang: Lang) -> Cow<'static, str> {
        match self {
            Self::NotNow { state, action } => {
                text::step_not_now(lang, action.label(lang), state.label(lang)).into()
            }
            Self::NotYours { action, party } => {
                text::step_not_yours(lang, action.label(lang), party.label(lang)).into()
            }
            Self::NoteRequired => text::step_note_required(lang).into(),
        }
    }
}

translations::localized_error!(FlowError);

/// The state a step leads to, if the case's kind and state allow it.
pub fn next_state(kind: CaseKind, state: CaseState, action: CaseAction) -> Option<CaseState> {
    use CaseAction as A;
    use CaseState as S;
    if action == A::Note {
        return Some(state);
    }
    match kind.family() {
        Family::FieldService => match (state, action) {
            (S::Acknowledged | S::Dispatched | S::OnTheWay, A::Assign) => Some(S::Dispatched),
            (S::Dispatched, A::Depart) => Some(S::OnTheWay),
            (S::Dispatched | S::OnTheWay, A::Arrive) => Some(S::OnSite),
            (S::OnSite, A::Fix) => Some(S::Fixed),
            (S::OnSite, A::RecordMeasurement) if kind == CaseKind::Temperature => Some(S::OnSite),
            // An incident has no resident of its own: the dispatcher closes it.
            (S::Fixed, A::Complete) if kind == CaseKind::Incident => Some(S::Closed),
            (S::Fixed, A::Confirm | A::Reopen) if kind == CaseKind::Incident => None,
            (S::Fixed, A::Confirm) => Some(S::Closed),
            (S::Fixed, A::Reopen) => Some(S::Acknowledged),
            (S::Closed, A::Rate) => Some(S::Closed),
            (S::Acknowledged | S::Dispatched, A::Merge) => Some(S::Merged),
            (S::Acknowledged, A::Cancel) => Some(S::Cancelled),
            _ => None,
        },
        // An approved application is done only when a crew has done the
        // work at the door that changes the household.
        Family::Application => match (state, action) {
            (S::Submitted, A::StartReview) => Some(S::UnderReview),
            // A change of holder needs no visit: the decision is the change.
            (S::Submitted | S::UnderReview, A::Approve) if kind == CaseKind::HolderChange => {
                Some(S::Done)
            }
            (S::Submitted | S::UnderReview, A::Approve) => Some(S::Approved),
            // Refused after approval too (the household changed meanwhile,
            // the valve cannot be sealed): a reason, and nothing changes.
            (
                S::Submitted
                | S::UnderReview
                | S::Approved
                | S::Dispatched
                | S::OnTheWay
                | S::OnSite,
                A::Reject,
            ) => Some(S::Rejected),
            (S::Approved | S::Dispatched | S::OnTheWay, A::Assign) => Some(S::Dispatched),
            (S::Dispatched, A::Depart) => Some(S::OnTheWay),
            (S::Dispatched | S::OnTheWay, A::Arrive) => Some(S::OnSite),
            (S::OnSite, A::FinishFieldWork) => Some(S::Done),
            (S::Done | S::Rejected, A::Rate) => Some(state),
            (S::Submitted, A::Cancel) => Some(S::Cancelled),
            _ => None,
        },
    }
}

/// One entry of a case's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    pub action: CaseAction,
    pub from: CaseState,
    pub to: CaseState,
    pub at: UnixSeconds,
    pub note: String,
}

/// A step on a case by someone acting as `acting_as`: the timeline entry it
/// appends, or why it is refused.
pub fn step(
    kind: CaseKind,
    state: CaseState,
    action: CaseAction,
    acting_as: Party,
    at: UnixSeconds,
    note: &str,
) -> Result<Transition, FlowError> {
    let allowed_party = action.party();
    let party_ok = allowed_party == acting_as
        || (allowed_party == Party::AnyStaff && acting_as != Party::Resident);
    if !party_ok {
        return Err(FlowError::NotYours {
            action,
            party: allowed_party,
        });
    }
    let to = next_state(kind, state, action).ok_or(FlowError::NotNow { state, action })?;
    let note = note.trim();
    if action.needs_note() && note.is_empty() {
        return Err(FlowError::NoteRequired);
    }
    Ok(Transition {
        action,
        from: state,
        to,
        at,
        note: note.to_string(),
    })
}

/// The steps a party could take now (the buttons a page shows).
pub fn available_steps(kind: CaseKind, state: CaseState, party: Party) -> Vec<CaseAction> {
    CaseAction::ALL
        .into_iter()
        .filter(|action| {
            let who = action.party();
            (who == party || (who == Party::AnyStaff && party != Party::Resident))
                && next_state(kind, state, *action).is_some()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn kinds() -> impl Strategy<Value = CaseKind> {
        prop::sample::select(CaseKind::ALL.to_vec())
    }
    fn actions() -> impl Strategy<Value = CaseAction> {
        prop::sample::select(CaseAction::ALL.to_vec())
    }
    fn parties() -> impl Strategy<Value = Party> {
        prop::sample::select(vec![
            Party::Resident,
            Party::Dispatcher,
            Party::Crew,
            Party::AnyStaff,
        ])
    }

    const FIELD_STATES: [CaseState; 8] = [
        CaseState::Acknowledged,
        CaseState::Dispatched,
        CaseState::OnTheWay,
        CaseState::OnSite,
        CaseState::Fixed,
        CaseState::Closed,
        CaseState::Merged,
        CaseState::Cancelled,
    ];
    const APPLICATION_STATES: [CaseState; 10] = [
        CaseState::Submitted,
        CaseState::UnderReview,
        CaseState::Approved,
        CaseState::Dispatched,
        CaseState::OnTheWay,
        CaseState::OnSite,
        CaseState::Rejected,
        CaseState::Done,
        CaseState::Merged,
        CaseState::Cancelled,
    ];

    #[test]
    fn a_repair_runs_from_filing_to_rating() {
        let mut state = CaseKind::Repair.initial_state();
        let steps = [
            (CaseAction::Assign, Party::Dispatcher, ""),
            (CaseAction::Depart, Party::Crew, ""),
            (CaseAction::Arrive, Party::Crew, ""),
            (CaseAction::Fix, Party::Crew, "更换阀门"),
            (CaseAction::Confirm, Party::Resident, ""),
            (CaseAction::Rate, Party::Resident, "很快"),
        ];
        for (action, party, note) in steps {
            state = step(CaseKind::Repair, state, action, party, 0, note)
                .unwrap()
                .to;
        }
        assert_eq!(state, CaseState::Closed);
    }

    #[test]
    fn an_application_is_reviewed_then_done_at_the_door() {
        let kind = CaseKind::Suspend;
        let mut state = kind.initial_state();
        for (action, party, note) in [
            (CaseAction::StartReview, Party::Dispatcher, ""),
            (CaseAction::Approve, Party::Dispatcher, "阀门已核实"),
            (CaseAction::Assign, Party::Dispatcher, ""),
            (CaseAction::Depart, Party::Crew, ""),
            (CaseAction::Arrive, Party::Crew, ""),
            (CaseAction::FinishFieldWork, Party::Crew, ""),
        ] {
            state = step(kind, state, action, party, 0, note).unwrap().to;
        }
        assert_eq!(state, CaseState::Done);
        // Refused after approval, with a reason: nothing changes.
        assert_eq!(
            step(
                kind,
                CaseState::OnSite,
                CaseAction::Reject,
                Party::Dispatcher,
                0,
                "已由其他工单办理"
            )
            .unwrap()
            .to,
            CaseState::Rejected
        );
        // The desk cannot call it done without the crew's work.
        assert!(step(
            kind,
            CaseState::Approved,
            CaseAction::Complete,
            Party::Dispatcher,
            0,
            ""
        )
        .is_err());
        assert!(step(
            kind,
            CaseState::Approved,
            CaseAction::FinishFieldWork,
            Party::Crew,
            0,
            ""
        )
        .is_err());
        let refused = step(
            kind,
            CaseState::Submitted,
            CaseAction::Reject,
            Party::Dispatcher,
            0,
            " ",
        );
        assert_eq!(refused, Err(FlowError::NoteRequired));
    }

    #[test]
    fn refusals_say_why_in_chinese() {
        let wrong_party = step(
            CaseKind::Repair,
            CaseState::Acknowledged,
            CaseAction::Assign,
            Party::Resident,
            0,
            "",
        )
        .unwrap_err();
        assert_eq!(wrong_party.to_string(), "「派单」需由调度员操作。");
        let too_late = step(
            CaseKind::Repair,
            CaseState::Closed,
            CaseAction::Assign,
            Party::Dispatcher,
            0,
            "",
        )
        .unwrap_err();
        assert!(too_late.to_string().contains("已办结"));
    }

    #[test]
    fn the_buttons_match_the_table() {
        assert_eq!(
            available_steps(CaseKind::Temperature, CaseState::Fixed, Party::Resident),
            vec![CaseAction::Confirm, CaseAction::Reopen]
        );
        assert_eq!(
            available_steps(CaseKind::Temperature, CaseState::OnSite, Party::Crew),
            vec![
                CaseAction::Fix,
                CaseAction::RecordMeasurement,
                CaseAction::Note
            ]
        );
        assert!(
            !available_steps(CaseKind::Repair, CaseState::OnSite, Party::Crew)
                .contains(&CaseAction::RecordMeasurement)
        );
        assert_eq!(
            available_steps(CaseKind::Repair, CaseState::Dispatched, Party::Crew),
            vec![CaseAction::Depart, CaseAction::Arrive, CaseAction::Note]
        );
        assert!(
            available_steps(CaseKind::Repair, CaseState::Cancelled, Party::Resident).is_empty()
        );
    }

    #[test]
    fn names_round_trip() {
        for kind in CaseKind::ALL {
            assert_eq!(CaseKind::parse(kind.as_str()), Some(kind));
        }
        for state in CaseState::ALL {
            assert_eq!(CaseState::parse(state.as_str()), Some(state));
        }
        for action in CaseAction::ALL {
            assert_eq!(CaseAction::parse(action.as_str()), Some(action));
        }
    }

    proptest! {
        /// Whatever anyone presses, in any order: a case stays in its
        /// family's states, every accepted step is one timeline entry from
        /// the state it was in, and refused steps change nothing.
        #[test]
        fn random_presses_never_leave_the_family(
            kind in kinds(),
            presses in prop::collection::vec((actions(), parties(), any::<bool>()), 0..40),
        ) {
            let family_states: &[CaseState] = match kind.family() {
                Family::FieldService => &FIELD_STATES,
                Family::Application => &APPLICATION_STATES,
            };
            let mut state = kind.initial_state();
            let mut timeline: Vec<Transition> = Vec::new();
            for (at, (action, party, with_note)) in presses.into_iter().enumerate() {
                let note = if with_note { "说明" } else { "" };
                match step(kind, state, action, party, at as i64, note) {
                    Ok(entry) => {
                        prop_assert_eq!(entry.from, state);
                        prop_assert!(family_states.contains(&entry.to));
                        if action.needs_note() { prop_assert!(!entry.note.is_empty()); }
                        state = entry.to;
                        timeline.push(entry);
                    }
                    Err(_) => prop_assert!(family_states.contains(&state)),
                }
            }
            for pair in timeline.windows(2) {
                prop_assert_eq!(pair[0].to, pair[1].from);
            }
        }

        /// Final states only take a rating or a note, and keep their state.
        #[test]
        fn final_states_stay_final(kind in kinds(), action in actions(), party in parties()) {
            for state in CaseState::ALL.into_iter().filter(|s| s.is_final()) {
                if let Ok(entry) = step(kind, state, action, party, 0, "说明") {
                    prop_assert!(matches!(action, CaseAction::Rate | CaseAction::Note));
                    prop_assert_eq!(entry.to, state);
                }
            }
        }

        /// A field case only closes through a crew on site and a fix the
        /// resident confirmed; an application is only decided by a dispatcher.
        #[test]
        fn closing_needs_the_work_done(
            kind in kinds(),
            presses in prop::collection::vec((actions(), parties()), 0..40),
        ) {
            let mut state = kind.initial_state();
            let mut seen_on_site = false;
            let mut seen_fixed = false;
            for (action, party) in presses {
                if let Ok(entry) = step(kind, state, action, party, 0, "说明") {
                    seen_on_site |= entry.to == CaseState::OnSite;
                    seen_fixed |= entry.to == CaseState::Fixed && seen_on_site;
                    if entry.to == CaseState::Closed && entry.from != CaseState::Closed {
                        prop_assert!(seen_fixed);
                        let closer = if kind == CaseKind::Incident { Party::Dispatcher } else { Party::Resident };
                        prop_assert_eq!(party, closer);
                    }
                    if matches!(entry.to, CaseState::Approved | CaseState::Rejected)
                        && entry.from != entry.to
                    {
                        prop_assert_eq!(party, Party::Dispatcher);
                    }
                    // An application is done only by the crew, on site, or
                    // (a change of holder) by the dispatcher's approval.
                    if entry.to == CaseState::Done && entry.from != CaseState::Done {
                        if kind == CaseKind::HolderChange {
                            prop_assert_eq!(action, CaseAction::Approve);
                        } else {
                            prop_assert_eq!(entry.from, CaseState::OnSite);
                            prop_assert_eq!(party, Party::Crew);
                        }
                    }
                    state = entry.to;
                }
            }
        }

        /// Nobody but the named party takes a step (staff notes aside).
        #[test]
        fn only_the_named_party_acts(
            kind in kinds(),
            action in actions(),
            party in parties(),
        ) {
            for state in CaseState::ALL {
                if step(kind, state, action, party, 0, "说明").is_ok() {
                    let who = action.party();
                    prop_assert!(who == party || (who == Party::AnyStaff && party != Party::Resident));
                }
            }
        }
    }
}
