//! 工单: the cases a person may read (their own, their grid's, their
//! buildings', their company's, their jobs), and one case.

use crate::api::account::{load_case, load_cases};
use crate::components::feedback::loaded;
use crate::components::outage::Moment;
use crate::format::parse_id;
use crate::prefs::use_lang;
use domain::cases::CaseBrief;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn CasesPage() -> impl IntoView {
    let lang = use_lang();
    let cases = Resource::new(|| (), |_| load_cases());
    view! {
        <Title text=lang.t("工单", "Cases") />
        <h1 class="page-title">{lang.t("工单", "Cases")}</h1>
        {loaded(cases, move |cases| view! { <CaseList cases /> })}
    }
}

#[component]
pub fn CaseList(cases: Vec<CaseBrief>) -> impl IntoView {
    let lang = use_lang();
    if cases.is_empty() {
        return view! { <p class="card">{lang.t("暂无工单。", "No cases.")}</p> }.into_any();
    }
    let items = cases
        .into_iter()
        .map(|case| {
            let href = format!("/cases/{}", case.case_id);
            view! {
                <li class="case-row">
                    <a href=href><strong>{case.case_no}</strong>" "{case.summary}</a>
                    <span class="muted">{case.place}" · "{case.state}</span>
                    {case.due_at.map(|due| view! { <span class="muted">{lang.t("期限 ", "Due ")}<Moment at=due /></span> })}
                </li>
            }
        })
        .collect_view();
    view! { <ul class="list case-list">{items}</ul> }.into_any()
}

#[component]
pub fn CasePage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let id = move || parse_id(params.read().get("id")).unwrap_or(0);
    let case = Resource::new(id, load_case);
    view! {
        <Title text=lang.t("工单详情", "Case") />
        {loaded(case, move |case| view! {
            <h1 class="page-title">{case.case_no.clone()}</h1>
            <section class="card">
                <p>{case.summary.clone()}</p>
                <dl class="facts">
                    <dt>{lang.t("地点", "Place")}</dt><dd>{case.place.clone()}</dd>
                    <dt>{lang.t("状态", "State")}</dt><dd>{case.state.clone()}</dd>
                    <dt>{lang.t("受理时间", "Filed")}</dt><dd><Moment at=case.created_at /></dd>
                </dl>
            </section>
        })}
    }
}
