//! A step as data: once [`super::step`] allows it, what the step changes
//! beyond the case's state and what the resident hears. The service applies
//! a plan in one transaction; every rule about it lives here.

use super::{CaseAction, CaseKind, CaseState, Transition};
use crate::case_texts;
use crate::deadlines::{deadline_for, response_rule, Deadline, DeadlinePolicy, DeadlineRule};
use crate::measurement::Measurement;
use crate::repair::{RepairUrgency, MAX_DESCRIPTION_CHARS};
use crate::service_change::{self, ServiceChange};
use crate::working_days::WorkingCalendar;
use std::borrow::Cow;
use translations::{text, Lang, Localize};

/// The stars a rating may give.
pub const RATING_STARS: std::ops::RangeInclusive<i64> = 1..=5;
/// The longest rating comment kept, in characters.
pub const MAX_RATING_COMMENT_CHARS: usize = 200;
/// The longest note a step takes, in characters.
pub const MAX_STEP_NOTE_CHARS: usize = MAX_DESCRIPTION_CHARS;

/// The case a step is taken on, as far as the plan needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StepSubject {
    pub kind: CaseKind,
    pub urgency: RepairUrgency,
    /// The outage an incident published, if any.
    pub outage_id: Option<i64>,
}

/// What the person chose beside the step, already checked against the
/// database where that is needed (the crew is the company's own, the case
/// to merge into is open and another one).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StepChoices {
    pub crew_id: Option<i64>,
    pub rating: Option<i64>,
    pub merge_into: Option<i64>,
    /// What the crew's work at the door changes
    /// ([`crate::service_change::plan_service_change`]).
    pub service_change: Option<ServiceChange>,
    /// What the crew measured ([`crate::measurement::check_measurement`]).
    pub measurement: Option<Measurement>,
}

/// One change a step makes beyond the state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StepChange {
    AssignCrew(i64),
    /// The response the deadline waited for (the crew arrived, a decision).
    RecordResponse,
    /// A review's decision, with its reason.
    RecordDecision(String),
    /// A reopened case owes a new visit.
    RestartClock {
        rule: DeadlineRule,
        deadline: Deadline,
    },
    Rate {
        stars: i64,
        comment: String,
    },
    MergeInto(i64),
    /// The household's service changes with the crew's work.
    ChangeService(ServiceChange),
    /// An approved change of holder: the case's new holder becomes the
    /// household's, and residents bound to it who are not that holder are
    /// unbound and told.
    ChangeHolder,
    /// A measurement on site, kept on the household's record.
    RecordMeasurement(Measurement),
    /// An incident that ends takes its published outage with it.
    RestoreOutage {
        outage_id: i64,
        notice: &'static str,
    },
}

/// Everything one step does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepPlan {
    pub transition: Transition,
    pub changes: Vec<StepChange>,
    /// The note the timeline shows ("4 星：很及时").
    pub timeline_note: String,
    /// What the resident (and those whose reports were merged into the
    /// case) hear, if anything.
    pub resident_update: Option<String>,
}

impl StepPlan {
    /// Whether the state moved (the 12345 platform hears of such steps).
    pub fn moves_state(&self) -> bool {
        self.transition.to != self.transition.from
    }
}

/// Why a step allowed by the flow still cannot be taken as sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepRefusal {
    NoteTooLong,
    NoCrew,
    NoRating,
    CommentTooLong,
    NoMergeTarget,
    NoFieldWork,
    NoMeasurement,
}

impl Localize for StepRefusal {
    fn say(&self, lang: Lang) -> Cow<'static, str> {
        match self {
            Self::NoteTooLong => text::step_note_too_long(lang).into(),
            Self::NoCrew => text::step_no_crew(lang).into(),
            Self::NoRating => text::step_no_rating(lang).into(),
            Self::CommentTooLong => text::step_comment_too_long(lang).into(),
            Self::NoMergeTarget => text::step_no_merge_target(lang).into(),
            Self::NoFieldWork => text::step_no_field_work(lang).into(),
            Self::NoMeasurement => text::measurement_no_reading(lang).into(),
        }
    }
}

translations::localized_error!(StepRefusal);

/// What a step recorded, then the crew's own note if any: "关阀铅封，铅封号
/// QF1；阀门在厨房".
fn with_note(recorded: &str, note: &str) -> String {
    if note.is_empty() {
        recorded.to_string()
    } else {
        format!("{recorded}；{note}")
    }
}

/// A step's note within [`MAX_STEP_NOTE_CHARS`]: checked before anything
/// else the step needs is looked up.
pub fn check_step_note(transition: &Transition) -> Result<(), StepRefusal> {
    if transition.note.chars().count() > MAX_STEP_NOTE_CHARS {
        return Err(StepRefusal::NoteTooLong);
    }
    Ok(())
}

/// The plan of a step `step` allowed on `subject`; the deadline of a reopened
/// case is counted by `deadlines` on `calendar` from the step's time.
pub fn plan_step(
    subject: StepSubject,
    transition: Transition,
    choices: StepChoices,
    deadlines: &DeadlinePolicy,
    calendar: &WorkingCalendar,
) -> Result<StepPlan, StepRefusal> {
    check_step_note(&transition)?;
    let note = transition.note.clone();
    let mut changes = Vec::new();
    let mut timeline_note = note.clone();
    let mut new_deadline = None;
    let mut resident_update = None;
    match transition.action {
        CaseAction::Assign => {
            changes.push(StepChange::AssignCrew(
                choices.crew_id.ok_or(StepRefusal::NoCrew)?,
            ));
        }
        CaseAction::Arrive => changes.push(StepChange::RecordResponse),
        CaseAction::Approve | CaseAction::Reject => {
            changes.push(StepChange::RecordResponse);
            changes.push(StepChange::RecordDecision(note.clone()));
            if subject.kind == CaseKind::HolderChange && transition.action == CaseAction::Approve {
                changes.push(StepChange::ChangeHolder);
                resident_update = Some(text::resident_holder_changed(Lang::Zh).to_string());
            }
        }
        CaseAction::Reopen => {
            let rule = response_rule(subject.kind, subject.urgency);
            let deadline = deadline_for(deadlines, calendar, rule, transition.at);
            new_deadline = Some(deadline);
            changes.push(StepChange::RestartClock { rule, deadline });
        }
        CaseAction::Rate => {
            let stars = choices
                .rating
                .filter(|r| RATING_STARS.contains(r))
                .ok_or(StepRefusal::NoRating)?;
            if note.chars().count() > MAX_RATING_COMMENT_CHARS {
                return Err(StepRefusal::CommentTooLong);
            }
            timeline_note = if note.is_empty() {
                format!("{stars} 星")
            } else {
                format!("{stars} 星：{note}")
            };
            changes.push(StepChange::Rate {
                stars,
                comment: note.clone(),
            });
        }
        CaseAction::Merge => {
            changes.push(StepChange::MergeInto(
                choices.merge_into.ok_or(StepRefusal::NoMergeTarget)?,
            ));
        }
        CaseAction::FinishFieldWork => {
            let change = choices.service_change.ok_or(StepRefusal::NoFieldWork)?;
            timeline_note = with_note(&change.timeline_note, &note);
            resident_update = Some(service_change::resident_news(&change, Lang::Zh));
            changes.push(StepChange::ChangeService(change));
        }
        CaseAction::RecordMeasurement => {
            let measurement = choices.measurement.ok_or(StepRefusal::NoMeasurement)?;
            let summary = measurement.summary(Lang::Zh);
            timeline_note = with_note(&summary, &note);
            resident_update = Some(text::resident_measured(Lang::Zh, summary));
            changes.push(StepChange::RecordMeasurement(measurement));
        }
        CaseAction::Depart
        | CaseAction::Fix
        | CaseAction::Confirm
        | CaseAction::StartReview
        | CaseAction::Complete
        | CaseAction::Cancel
        | CaseAction::Note => {}
    }
    if let (CaseKind::Incident, true, Some(outage_id)) =
        (subject.kind, transition.to.is_final(), subject.outage_id)
    {
        changes.push(StepChange::RestoreOutage {
            outage_id,
            notice: case_texts::incident_outage_ended(transition.to == CaseState::Closed, Lang::Zh),
        });
    }
    let resident_update = resident_update.or_else(|| {
        case_texts::step_update(transition.action, &note, new_deadline.as_ref(), Lang::Zh)
    });
    Ok(StepPlan {
        transition,
        changes,
        timeline_note,
        resident_update,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case_flow::{step, Party};

    const NOW: i64 = 1_764_295_200;

    fn subject(kind: CaseKind) -> StepSubject {
        StepSubject {
            kind,
            urgency: RepairUrgency::Normal,
            outage_id: None,
        }
    }

    fn plan(
        subject: StepSubject,
        state: CaseState,
        action: CaseAction,
        party: Party,
        note: &str,
        choices: StepChoices,
    ) -> Result<StepPlan, StepRefusal> {
        let transition = step(subject.kind, state, action, party, NOW, note).expect("allowed");
        plan_step(
            subject,
            transition,
            choices,
            &DeadlinePolicy::default(),
            &WorkingCalendar::default(),
        )
    }

    #[test]
    fn assigning_needs_a_crew() {
        let repair = subject(CaseKind::Repair);
        let state = CaseState::Acknowledged;
        assert_eq!(
            plan(
                repair,
                state,
                CaseAction::Assign,
                Party::Dispatcher,
                "",
                StepChoices::default()
            ),
            Err(StepRefusal::NoCrew)
        );
        let planned = plan(
            repair,
            state,
            CaseAction::Assign,
            Party::Dispatcher,
            "",
            StepChoices {
                crew_id: Some(7),
                ..StepChoices::default()
            },
        )
        .unwrap();
        assert_eq!(planned.changes, vec![StepChange::AssignCrew(7)]);
        assert!(planned.moves_state());
        assert_eq!(
            planned.resident_update.as_deref(),
            Some("已派单给抢修队，请保持电话畅通。")
        );
    }

    #[test]
    fn a_rating_is_one_to_five_stars_with_a_short_comment() {
        let repair = subject(CaseKind::Repair);
        let rate = |rating, note: &str| {
            plan(
                repair,
                CaseState::Closed,
                CaseAction::Rate,
                Party::Resident,
                note,
                StepChoices {
                    rating,
                    ..StepChoices::default()
                },
            )
        };
        assert_eq!(rate(None, ""), Err(StepRefusal::NoRating));
        assert_eq!(rate(Some(0), ""), Err(StepRefusal::NoRating));
        assert_eq!(rate(Some(6), ""), Err(StepRefusal::NoRating));
        assert_eq!(
            rate(Some(5), &"好".repeat(MAX_RATING_COMMENT_CHARS + 1)),
            Err(StepRefusal::CommentTooLong)
        );
        let planned = rate(Some(4), "很及时").unwrap();
        assert_eq!(planned.timeline_note, "4 星：很及时");
        assert_eq!(planned.resident_update, None);
        assert!(!planned.moves_state());
        assert_eq!(rate(Some(5), "").unwrap().timeline_note, "5 星");
    }

    #[test]
    fn a_reopened_case_owes_a_new_visit() {
        let mut repair = subject(CaseKind::Repair);
        repair.urgency = RepairUrgency::Emergency;
        let planned = plan(
            repair,
            CaseState::Fixed,
            CaseAction::Reopen,
            Party::Resident,
            "还是不热",
            StepChoices::default(),
        )
        .unwrap();
        let expected = deadline_for(
            &DeadlinePolicy::default(),
            &WorkingCalendar::default(),
            DeadlineRule::EmergencyOnSite,
            NOW,
        );
        assert_eq!(
            planned.changes,
            vec![StepChange::RestartClock {
                rule: DeadlineRule::EmergencyOnSite,
                deadline: expected
            }]
        );
        assert!(planned
            .resident_update
            .unwrap()
            .starts_with("已重新受理，将于"));
    }

    #[test]
    fn an_ending_incident_restores_its_outage() {
        let incident = StepSubject {
            outage_id: Some(3),
            ..subject(CaseKind::Incident)
        };
        let planned = plan(
            incident,
            CaseState::Fixed,
            CaseAction::Complete,
            Party::Dispatcher,
            "",
            StepChoices::default(),
        )
        .unwrap();
        assert_eq!(
            planned.changes,
            vec![StepChange::RestoreOutage {
                outage_id: 3,
                notice: "抢修完成，已恢复供热。"
            }]
        );
        let note = plan(
            incident,
            CaseState::Fixed,
            CaseAction::Note,
            Party::Dispatcher,
            "等配件",
            StepChoices::default(),
        )
        .unwrap();
        assert!(note.changes.is_empty());
    }

    #[test]
    fn a_long_note_is_refused() {
        let long = "字".repeat(MAX_STEP_NOTE_CHARS + 1);
        assert_eq!(
            plan(
                subject(CaseKind::Repair),
                CaseState::OnSite,
                CaseAction::Fix,
                Party::Crew,
                &long,
                StepChoices::default()
            ),
            Err(StepRefusal::NoteTooLong)
        );
    }
}
