//! Staff pages: a grid worker's grid, a property manager's buildings, and
//! one looked-after building with its cases (no residents' details).

use crate::api::grid::{load_grid_desk, GridPageData, LogGridVisit, RequestFilingConsent};
use crate::api::staff::{load_looked_after_building, load_property_buildings};
use crate::components::case::CaseList;
use crate::components::feedback::{loaded, ActionOutcome};
use crate::components::outage::HeatBadge;
use crate::components::readings::ReadingChart;
use crate::format::parse_id;
use crate::prefs::use_lang;
use domain::account::{BuildingDesk, Choice, StaffBuilding};
use domain::case_flow::CaseKind;
use domain::grid_work::VisitEntry;
use domain::outage::OutagePhase;
use domain::triage::{Reading, STANDARD_MIN_TENTHS};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// 我的网格: file for a resident, the grid's open cases (overdue first),
/// its buildings, and the visit log.
#[component]
pub fn GridPage() -> impl IntoView {
    let lang = use_lang();
    let visit = ServerAction::<LogGridVisit>::new();
    let desk = Resource::new(move || visit.version().get(), |_| load_grid_desk());
    view! {
        <Title text=lang.t("我的网格", "My grid") />
        <h1 class="page-title">{lang.t("我的网格", "My grid")}</h1>
        <FileForResident />
        {loaded(desk, move |data| {
            let GridPageData { desk, visit_key } = data;
            let choices: Vec<Choice> = desk
                .buildings
                .iter()
                .map(|b| Choice {
                    id: b.report.building_id,
                    label: format!("{} {}", b.report.community_name, b.report.building_name),
                })
                .collect();
            view! {
                <h2>{lang.t("在办工单", "Open cases")}</h2>
                <CaseList cases=desk.cases />
                <h2>{lang.t("网格楼栋", "Buildings")}</h2>
                <BuildingTable buildings=desk.buildings />
                <VisitLog visits=desk.visits buildings=choices today=desk.today visit_key visit />
            }
        })}
    }
}

/// 代居民办理: the resident's account number and phone; a code goes to the
/// phone, and the filing form opens for that household.
#[component]
fn FileForResident() -> impl IntoView {
    let lang = use_lang();
    let consent = ServerAction::<RequestFilingConsent>::new();
    let kinds = [
        CaseKind::Temperature,
        CaseKind::Repair,
        CaseKind::Connection,
        CaseKind::Suspend,
        CaseKind::Resume,
    ]
    .into_iter()
    .map(|kind| view! { <option value=kind.as_str()>{lang.t(kind.label(), kind.label_en())}</option> })
    .collect_view();
    view! {
        <section class="card file-for-resident">
            <h2 class="card__title">{lang.t("代居民办理", "File for a resident")}</h2>
            <p class="muted">{lang.t(
                "填写居民的户号和手机号，系统给居民发送验证码；居民同意后把验证码告诉您，再填写工单。",
                "Enter the resident's account number and phone; a code is texted to them. Once they agree and read it to you, fill in the case.",
            )}</p>
            <ActionOutcome outcome=consent.value().into() done=lang.t("验证码已发送。", "Code sent.") />
            <ActionForm action=consent attr:class="form">
                <label class="field">
                    <span class="field__label">{lang.t("办理事项", "What")}</span>
                    <select class="field__input" name="kind" required>{kinds}</select>
                </label>
                <label class="field">
                    <span class="field__label">{lang.t("供热户号", "Account number")}</span>
                    <input class="field__input" type="text" name="account_no" maxlength="20" required
                        autocomplete="off" placeholder="WF10000001" />
                </label>
                <label class="field">
                    <span class="field__label">{lang.t("居民手机号", "Resident's mobile")}</span>
                    <span class="muted">{lang.t(
                        "须是已绑定这户的居民手机号，或户主在供热公司预留的手机号",
                        "A number bound to this household, or the holder's number on file with the company",
                    )}</span>
                    <input class="field__input" type="tel" name="phone" inputmode="tel" maxlength="20" required autocomplete="off" />
                </label>
                <button class="button button--large" type="submit" disabled=move || consent.pending().get()>
                    {lang.t("发送验证码给居民", "Text the resident a code")}
                </button>
            </ActionForm>
        </section>
    }
}

/// 访民问暖: the form to log a visit, and the newest visits of the grid.
#[component]
fn VisitLog(
    visits: Vec<VisitEntry>,
    buildings: Vec<Choice>,
    today: String,
    visit_key: String,
    visit: ServerAction<LogGridVisit>,
) -> impl IntoView {
    let lang = use_lang();
    let options = buildings
        .into_iter()
        .map(|b| view! { <option value=b.id>{b.label}</option> })
        .collect_view();
    let entries = if visits.is_empty() {
        view! { <p class="muted">{lang.t("还没有走访记录。", "No visits logged yet.")}</p> }
            .into_any()
    } else {
        let items = visits
            .into_iter()
            .map(|v| {
                let follow_up = v.follow_up.map(|(id, no)| view! {
                    <p>{lang.t("后续工单：", "Follow-up case: ")}<a href=format!("/cases/{id}")>{no}</a></p>
                });
                view! {
                    <li class="visit">
                        <p><strong>{v.visited_on}</strong>" · "{v.place}" · "<span class="muted">{v.worker_name}</span></p>
                        <p>{v.notes}</p>
                        {follow_up}
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="visits">{items}</ul> }.into_any()
    };
    view! {
        <section class="card visit-log">
            <h2 class="card__title">{lang.t("访民问暖", "Visit log")}</h2>
            <ActionOutcome outcome=visit.value().into() done=lang.t("已记录。", "Logged.") />
            <ActionForm action=visit attr:class="form">
                <input type="hidden" name="idempotency_key" value=visit_key />
                <label class="field">
                    <span class="field__label">{lang.t("楼栋", "Building")}</span>
                    <select class="field__input" name="building_id" required>{options}</select>
                </label>
                <label class="field">
                    <span class="field__label">{lang.t("户号（走访到户时填写）", "Account number (for a home visit)")}</span>
                    <input class="field__input" type="text" name="account_no" maxlength="20" autocomplete="off" />
                </label>
                <label class="field">
                    <span class="field__label">{lang.t("走访日期", "Date")}</span>
                    <input class="field__input" type="date" name="visited_on" value=today required />
                </label>
                <label class="field">
                    <span class="field__label">{lang.t("走访情况", "Notes")}</span>
                    <textarea class="field__input" name="notes" rows="3" maxlength="500" required></textarea>
                </label>
                <label class="field">
                    <span class="field__label">{lang.t("后续工单编号（可不填）", "Follow-up case number (optional)")}</span>
                    <input class="field__input" type="text" name="follow_up_case_no" maxlength="30" autocomplete="off" />
                </label>
                <button class="button" type="submit" disabled=move || visit.pending().get()>
                    {lang.t("记录走访", "Log the visit")}
                </button>
            </ActionForm>
            {entries}
        </section>
    }
}

#[component]
pub fn PropertyPage() -> impl IntoView {
    let lang = use_lang();
    let buildings = Resource::new(|| (), |_| load_property_buildings());
    view! {
        <Title text=lang.t("我的楼栋", "My buildings") />
        <h1 class="page-title">{lang.t("我的楼栋", "My buildings")}</h1>
        {loaded(buildings, move |buildings| view! { <BuildingTable buildings /> })}
    }
}

#[component]
fn BuildingTable(buildings: Vec<StaffBuilding>) -> impl IntoView {
    let lang = use_lang();
    if buildings.is_empty() {
        return view! {
            <p class="card">{lang.t("还没有分配给您的楼栋，请联系管理员。", "No buildings are assigned to you yet; ask an admin.")}</p>
        }
        .into_any();
    }
    let rows = buildings
        .into_iter()
        .map(|b| {
            let outages = b
                .report
                .outages
                .iter()
                .filter(|o| o.phase != OutagePhase::Restored)
                .count();
            let href = format!("/buildings/{}", b.report.building_id);
            let overdue = b.overdue_cases > 0;
            let below = b.lowest_recent_reading.is_some_and(|t| t < STANDARD_MIN_TENTHS);
            let lowest = b.lowest_recent_reading.map_or("—".to_string(), |t| Reading(t).display());
            view! {
                <tr>
                    <th scope="row"><a href=href>{b.report.community_name.clone()}" "{b.report.building_name.clone()}</a></th>
                    <td><HeatBadge status=b.report.heat /></td>
                    <td>{outages}</td>
                    <td>{b.open_cases}</td>
                    <td class:overdue=overdue>{b.overdue_cases}</td>
                    <td>{b.households}</td>
                    <td class:below-standard=below>{lowest}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label=lang.t("楼栋列表", "Buildings")>
            <table class="table">
                <thead><tr>
                    <th scope="col">{lang.t("楼栋", "Building")}</th>
                    <th scope="col">{lang.t("供热", "Heat")}</th>
                    <th scope="col">{lang.t("停热", "Outages")}</th>
                    <th scope="col">{lang.t("在办工单", "Open cases")}</th>
                    <th scope="col">{lang.t("超期", "Overdue")}</th>
                    <th scope="col">{lang.t("户数", "Households")}</th>
                    <th scope="col">{lang.t("近 7 天最低室温", "Lowest reading, 7 days")}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
pub fn LookedAfterBuildingPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let id = move || parse_id(params.read().get("id")).unwrap_or(0);
    let building = Resource::new(id, load_looked_after_building);
    view! {
        <Title text=lang.t("楼栋详情", "Building") />
        {loaded(building, move |desk| {
            let BuildingDesk { building, cases, readings } = desk;
            let report = building.report;
            view! {
                <h1 class="page-title">{report.community_name.clone()}" "{report.building_name.clone()}</h1>
                <section class="card">
                    <p><HeatBadge status=report.heat /></p>
                    <dl class="facts">
                        <dt>{lang.t("换热站", "Station")}</dt><dd>{report.station_name.clone()}</dd>
                        <dt>{lang.t("户数", "Households")}</dt><dd>{building.households}</dd>
                        <dt>{lang.t("在办工单", "Open cases")}</dt><dd>{building.open_cases}</dd>
                    </dl>
                </section>
                <section class="card">
                    <h2 class="card__title">{lang.t("室温", "Indoor temperature")}</h2>
                    <ReadingChart days=readings />
                </section>
                <h2>{lang.t("工单", "Cases")}</h2>
                <CaseList cases />
            }
        })}
    }
}
