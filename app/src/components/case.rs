//! Case badges, deadline clocks, lists and timelines.

use crate::components::outage::Moment;
use crate::prefs::use_lang;
use domain::case_flow::CaseState;
use domain::cases::{CaseBrief, TimelineEntry};
use domain::deadlines::{Deadline, Urgency};
use leptos::prelude::*;
use translations::text;

fn state_class(state: CaseState) -> &'static str {
    match state {
        CaseState::Closed | CaseState::Done | CaseState::Approved => "badge badge--on",
        CaseState::Rejected | CaseState::Cancelled | CaseState::Merged => "badge badge--muted",
        CaseState::Fixed => "badge badge--info",
        _ => "badge badge--waiting",
    }
}

#[component]
pub fn StateBadge(state: CaseState) -> impl IntoView {
    let lang = use_lang();
    view! { <span class=state_class(state) data-state=state.as_str()>{state.label(lang)}</span> }
}

/// "期限 11月28日 15:42 · 即将到期", yellow before, red after.
#[component]
pub fn DeadlineClock(deadline: Deadline, urgency: Urgency) -> impl IntoView {
    let lang = use_lang();
    let class = format!("deadline deadline--{}", urgency.as_str());
    view! {
        <span class=class data-urgency=urgency.as_str()>
            {text::case_due(lang)}<Moment at=deadline.due_at />
            {(urgency != Urgency::OnTime).then(|| view! { " · "<strong>{urgency.label(lang)}</strong> })}
        </span>
    }
}

/// Cases as a list of links, with state and deadline.
#[component]
pub fn CaseList(cases: Vec<CaseBrief>) -> impl IntoView {
    let lang = use_lang();
    if cases.is_empty() {
        return view! { <p class="card">{text::case_no_cases(lang)}</p> }.into_any();
    }
    let items = cases
        .into_iter()
        .map(|case| {
            let href = format!("/cases/{}", case.case_id);
            let kind = case.kind.label(lang);
            let case_no = case.case_no.clone();
            view! {
                <li class="case-row" data-case-no=case_no>
                    <a href=href class="case-row__link">
                        <strong>{kind}</strong>" · "{case.summary}
                        {case.emergency.then(|| view! { " "<span class="badge badge--danger">{text::case_emergency(lang)}</span> })}
                    </a>
                    <span class="case-row__meta">
                        <StateBadge state=case.state />
                        " "<span class="muted">{case.case_no}" · "{case.place}</span>
                    </span>
                    {case.deadline.zip(case.urgency).map(|(deadline, urgency)| view! { <DeadlineClock deadline urgency /> })}
                </li>
            }
        })
        .collect_view();
    view! { <ul class="list case-list">{items}</ul> }.into_any()
}

/// Every step of a case, oldest first.
#[component]
pub fn Timeline(entries: Vec<TimelineEntry>) -> impl IntoView {
    let lang = use_lang();
    let items = entries
        .into_iter()
        .map(|entry| {
            let headline = entry.headline(lang);
            view! {
                <li class="timeline__entry" data-action=entry.action.map_or(domain::case_flow::FILED_EVENT, |a| a.as_str())>
                    <Moment at=entry.at />
                    <strong class="timeline__headline">{headline}</strong>
                    <span class="muted">{entry.actor_label}</span>
                    {(!entry.note.is_empty()).then(|| view! { <p class="timeline__note">{entry.note}</p> })}
                    {(!entry.attachments.is_empty()).then(|| {
                        let photos = entry
                            .attachments
                            .iter()
                            .map(|file| view! {
                                <a class="timeline__photo" href=file.href() target="_blank">
                                    <img src=file.href() alt=text::case_attached_photo(lang) loading="lazy" width="96" height="96" />
                                </a>
                            })
                            .collect_view();
                        view! { <div class="timeline__photos">{photos}</div> }
                    })}
                </li>
            }
        })
        .collect_view();
    view! { <ol class="timeline">{items}</ol> }
}
