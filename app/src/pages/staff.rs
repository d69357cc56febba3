//! Staff pages: a grid worker's grid, a property manager's buildings, and
//! one looked-after building with its cases (no residents' details).

use crate::api::staff::{load_grid_buildings, load_looked_after_building, load_property_buildings};
use crate::components::case::CaseList;
use crate::components::feedback::loaded;
use crate::components::outage::HeatBadge;
use crate::components::readings::ReadingChart;
use crate::format::parse_id;
use crate::prefs::use_lang;
use domain::account::{BuildingDesk, StaffBuilding};
use domain::outage::OutagePhase;
use domain::triage::{Reading, STANDARD_MIN_TENTHS};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn GridPage() -> impl IntoView {
    let lang = use_lang();
    let buildings = Resource::new(|| (), |_| load_grid_buildings());
    view! {
        <Title text=lang.t("我的网格", "My grid") />
        <h1 class="page-title">{lang.t("我的网格", "My grid")}</h1>
        {loaded(buildings, move |buildings| view! { <BuildingTable buildings /> })}
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
