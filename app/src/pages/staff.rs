//! Staff pages: a grid worker's grid, a property manager's buildings, and
//! one looked-after building with its cases (no residents' details).

use crate::api::grid::{load_grid_desk, GridPageData, LogGridVisit, RequestFilingConsent};
use crate::api::staff::{load_looked_after_building, load_property_buildings};
use crate::components::case::CaseList;
use crate::components::feedback::{loaded, ActionOutcome};
use crate::components::outage::{HeatBadge, Moment};
use crate::components::readings::ReadingChart;
use crate::format::parse_id;
use crate::prefs::{use_lang, Lang};
use domain::account::{BuildingDesk, Choice, StaffBuilding};
use domain::case_flow::CaseKind;
use domain::grid_work::VisitEntry;
use domain::outage::OutagePhase;
use domain::readings::DailyReading;
use domain::telemetry::MeasuredBuilding;
use domain::triage::{Reading, STANDARD_MIN_TENTHS};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use translations::text;

/// 我的网格: file for a resident, the grid's open cases (overdue first),
/// its buildings, and the visit log.
#[component]
pub fn GridPage() -> impl IntoView {
    let lang = use_lang();
    let visit = ServerAction::<LogGridVisit>::new();
    let desk = Resource::new(move || visit.version().get(), |_| load_grid_desk());
    view! {
        <Title text=text::staff_my_grid(lang) />
        <h1 class="page-title">{text::staff_my_grid(lang)}</h1>
        <p><a href="/fees">{text::fees_overview_title(lang)}</a></p>
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
                <h2>{text::staff_open_cases(lang)}</h2>
                <CaseList cases=desk.cases />
                <h2>{text::staff_buildings(lang)}</h2>
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
        CaseKind::HolderChange,
    ]
    .into_iter()
    .map(|kind| view! { <option value=kind.as_str()>{kind.label(lang)}</option> })
    .collect_view();
    view! {
        <section class="card file-for-resident">
            <h2 class="card__title">{text::staff_file_for_a_resident(lang)}</h2>
            <p class="muted">{text::staff_enter_the_resident_s_account_number(lang)}</p>
            <ActionOutcome action=consent done=text::staff_code_sent(lang) />
            <ActionForm action=consent attr:class="form">
                <label class="field">
                    <span class="field__label">{text::staff_what(lang)}</span>
                    <select class="field__input" name="kind" required>{kinds}</select>
                </label>
                <label class="field">
                    <span class="field__label">{text::staff_account_number(lang)}</span>
                    <input class="field__input" type="text" name="account_no" maxlength="20" required
                        autocomplete="off" placeholder="WF10000001" />
                </label>
                <label class="field">
                    <span class="field__label">{text::staff_resident_s_mobile(lang)}</span>
                    <span class="muted">{text::staff_a_number_bound_to_this_household(lang)}</span>
                    <input class="field__input" type="tel" name="phone" inputmode="tel" maxlength="20" required autocomplete="off" />
                </label>
                <button class="button button--large" type="submit" disabled=move || consent.pending().get()>
                    {text::staff_text_the_resident_a_code(lang)}
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
        view! { <p class="muted">{text::staff_no_visits_logged_yet(lang)}</p> }.into_any()
    } else {
        let items = visits
            .into_iter()
            .map(|v| {
                let follow_up = v.follow_up.map(|(id, no)| view! {
                    <p>{text::staff_follow_up_case(lang)}<a href=format!("/cases/{id}")>{no}</a></p>
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
            <h2 class="card__title">{text::staff_visit_log(lang)}</h2>
            <ActionOutcome action=visit done=text::staff_logged(lang) />
            <ActionForm action=visit attr:class="form">
                <input type="hidden" name="idempotency_key" value=visit_key />
                <label class="field">
                    <span class="field__label">{text::building_building(lang)}</span>
                    <select class="field__input" name="building_id" required>{options}</select>
                </label>
                <label class="field">
                    <span class="field__label">{text::staff_account_number_for_a_home_visit(lang)}</span>
                    <input class="field__input" type="text" name="account_no" maxlength="20" autocomplete="off" />
                </label>
                <label class="field">
                    <span class="field__label">{text::staff_date(lang)}</span>
                    <input class="field__input" type="date" name="visited_on" value=today required />
                </label>
                <label class="field">
                    <span class="field__label">{text::staff_notes(lang)}</span>
                    <textarea class="field__input" name="notes" rows="3" maxlength="500" required></textarea>
                </label>
                <label class="field">
                    <span class="field__label">{text::staff_follow_up_case_number_optional(lang)}</span>
                    <input class="field__input" type="text" name="follow_up_case_no" maxlength="30" autocomplete="off" />
                </label>
                <button class="button" type="submit" disabled=move || visit.pending().get()>
                    {text::staff_log_the_visit(lang)}
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
        <Title text=text::staff_my_buildings(lang) />
        <h1 class="page-title">{text::staff_my_buildings(lang)}</h1>
        <p><a href="/fees">{text::fees_overview_title(lang)}</a></p>
        {loaded(buildings, move |buildings| view! { <BuildingTable buildings /> })}
    }
}

#[component]
fn BuildingTable(buildings: Vec<StaffBuilding>) -> impl IntoView {
    let lang = use_lang();
    if buildings.is_empty() {
        return view! {
            <p class="card">{text::staff_no_buildings_are_assigned_to_you(lang)}</p>
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
                    <td>{households_with_suspended(lang, b.households, b.suspended_households)}</td>
                    <td class:below-standard=below>{lowest}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label=text::staff_buildings_2(lang)>
            <table class="table">
                <thead><tr>
                    <th scope="col">{text::building_building(lang)}</th>
                    <th scope="col">{text::staff_heat(lang)}</th>
                    <th scope="col">{text::staff_outages(lang)}</th>
                    <th scope="col">{text::staff_open_cases(lang)}</th>
                    <th scope="col">{text::staff_overdue(lang)}</th>
                    <th scope="col">{text::staff_households(lang)}</th>
                    <th scope="col">{text::staff_lowest_reading_7_days(lang)}</th>
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
        <Title text=text::staff_building(lang) />
        {loaded(building, move |desk| {
            let BuildingDesk { building, cases, readings, measured } = desk;
            let report = building.report;
            view! {
                <h1 class="page-title">{report.community_name.clone()}" "{report.building_name.clone()}</h1>
                <section class="card">
                    <HeatBadge status=report.heat />
                    <dl class="facts">
                        <dt>{text::building_station(lang)}</dt><dd>{report.station_name.clone()}</dd>
                        <dt>{text::staff_households(lang)}</dt>
                        <dd>{households_with_suspended(lang, building.households, building.suspended_households)}</dd>
                        <dt>{text::staff_open_cases(lang)}</dt><dd>{building.open_cases}</dd>
                    </dl>
                </section>
                <section class="card">
                    <h2 class="card__title">{text::staff_indoor_temperature(lang)}</h2>
                    <ReadingChart days=readings />
                </section>
                {(!measured.is_empty()).then(|| view! { <MeasuredTemperatures measured /> }.into_any())}
                <h2>{text::staff_cases(lang)}</h2>
                <CaseList cases />
            }
        })}
    }
}

/// What the building's indoor sensors measured: a week's lowest per day as
/// a chart, the same days as a table (lowest and median), and each flat's
/// last 24 hours.
#[component]
fn MeasuredTemperatures(measured: MeasuredBuilding) -> impl IntoView {
    let lang = use_lang();
    let chart_days: Vec<DailyReading> = measured
        .days
        .iter()
        .map(|day| DailyReading {
            day: day.day,
            lowest: day.lowest,
            average: day.median,
            count: day.sensors,
        })
        .collect();
    let shown = |tenths: Option<i32>| {
        tenths
            .map(|t| Reading(t).display())
            .unwrap_or_else(|| "—".to_string())
    };
    let day_rows = measured
        .days
        .into_iter()
        .map(|day| {
            view! {
                <tr>
                    <td>{day.day.format("%m-%d").to_string()}</td>
                    <td>{shown(day.lowest)}</td>
                    <td>{shown(day.median)}</td>
                    <td>{day.sensors}</td>
                </tr>
            }
        })
        .collect_view();
    let flat_rows = measured
        .flats
        .into_iter()
        .map(|flat| {
            let below = flat.average.is_some_and(|t| t < STANDARD_MIN_TENTHS);
            let state: Option<AnyView> = match flat.flag {
                Some(flag) => Some(view! { <span class="badge badge--warning">{flag.label(lang)}</span> }.into_any()),
                None if below => Some(view! { <span class="badge badge--danger">{text::staff_below_standard(lang)}</span> }.into_any()),
                None => None,
            };
            let heard = match flat.last_heard_at {
                Some(at) => view! { <Moment at /> }.into_any(),
                None => "—".into_any(),
            };
            let name = flat.flat.clone();
            view! {
                <tr data-flat=name>
                    <td>{flat.flat}</td>
                    <td>{shown(flat.average)}</td>
                    <td>{shown(flat.lowest)}</td>
                    <td>{heard}</td>
                    <td>{state}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" id="measured">
            <h2 class="card__title">{text::staff_measured_indoor_temperature(lang)}</h2>
            <ReadingChart days=chart_days caption=text::staff_measured_chart_caption(lang) />
            <div class="table-wrap">
                <table class="table">
                    <caption class="muted">{text::staff_measured_days_caption(lang)}</caption>
                    <thead><tr>
                        <th>{text::staff_day(lang)}</th>
                        <th>{text::staff_lowest(lang)}</th>
                        <th>{text::staff_median(lang)}</th>
                        <th>{text::staff_sensors(lang)}</th>
                    </tr></thead>
                    <tbody>{day_rows}</tbody>
                </table>
            </div>
            <div class="table-wrap">
                <table class="table">
                    <caption class="muted">{text::staff_flats_caption(lang)}</caption>
                    <thead><tr>
                        <th>{text::staff_flat(lang)}</th>
                        <th>{text::staff_average_24h(lang)}</th>
                        <th>{text::staff_lowest(lang)}</th>
                        <th>{text::staff_last_reading(lang)}</th>
                        <th>{text::staff_state(lang)}</th>
                    </tr></thead>
                    <tbody>{flat_rows}</tbody>
                </table>
            </div>
        </section>
    }
    .into_any()
}

/// "120（报停 3）": a building's households and how many are suspended.
fn households_with_suspended(lang: Lang, households: i64, suspended: i64) -> String {
    if suspended == 0 {
        households.to_string()
    } else {
        text::staff_households_suspended(lang, households, suspended)
    }
}
