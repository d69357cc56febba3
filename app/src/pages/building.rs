//! 查询楼栋: community → building → unit, then whether heat is on and every
//! outage that touches the building. A plain GET form; with JavaScript each
//! choice updates the page in place (`LiveFilter`).

use crate::api::public::load_building_lookup;
use crate::components::feedback::loaded;
use crate::components::live_filter::LiveFilter;
use crate::components::outage::{HeatBadge, OutageCard};
use crate::components::places::DistrictOptions;
use crate::format::parse_id;
use crate::prefs::use_lang;
use domain::notices::{BuildingLookup, BuildingReport, PlaceChoice};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use translations::text;

#[component]
pub fn BuildingPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let picked = Memo::new(move |_| {
        let query = query.read();
        Picked {
            district: query.get("district").filter(|d| !d.trim().is_empty()),
            community: parse_id(query.get("community")),
            building: parse_id(query.get("building")),
            unit: parse_id(query.get("unit")),
        }
    });
    let lookup = Resource::new(
        move || picked.get(),
        |picked| {
            load_building_lookup(
                picked.district,
                picked.community,
                picked.building,
                picked.unit,
            )
        },
    );
    view! {
        <Title text=text::building_check_a_building(lang) />
        <h1 class="page-title">{text::building_is_the_heat_on_in_a(lang)}</h1>
        {loaded(lookup, |lookup| view! {
            <LiveFilter cascade=true>
                <LookupView lookup />
            </LiveFilter>
        })}
    }
}

/// What the query string has picked so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Picked {
    district: Option<String>,
    community: Option<i64>,
    building: Option<i64>,
    unit: Option<i64>,
}

#[component]
fn LookupView(lookup: BuildingLookup) -> impl IntoView {
    let lang = use_lang();
    let district = lookup.district.clone();
    let community_id = lookup.community_id;
    let building_id = lookup.building_id;

    let district_options =
        view! { <DistrictOptions districts=lookup.districts.clone() chosen=district.clone() /> };
    let community_prompt = if lookup.communities.is_empty() && district.is_none() {
        text::building_choose_a_district_first(lang)
    } else {
        text::building_choose_a_community(lang)
    };
    let no_communities = lookup.communities.is_empty();
    let community_options = lookup
        .communities
        .iter()
        .map(|c| {
            let label = if district.is_some() {
                c.name.clone()
            } else {
                format!("{} · {}", c.district, c.name)
            };
            view! { <option value=c.id selected=community_id == Some(c.id)>{label}</option> }
        })
        .collect_view();
    let report = lookup.report.map(|report| view! { <ReportView report /> });
    view! {
        <form method="get" action="/building">
            <div class="card picker">
                <div class="field">
                    <label for="district">{text::building_district(lang)}</label>
                    <select id="district" name="district">
                        <option value="">{text::building_all_districts(lang)}</option>
                        {district_options}
                    </select>
                </div>
                <div class="field">
                    <label for="community">{text::building_community(lang)}</label>
                    <select id="community" name="community" disabled=no_communities>
                        <option value="">{community_prompt}</option>
                        {community_options}
                    </select>
                </div>
                <PlaceSelect
                    id="building"
                    label=text::building_building(lang)
                    prompt=text::building_choose_a_building(lang)
                    choices=lookup.buildings
                    selected=building_id
                    disabled=community_id.is_none()
                />
                <PlaceSelect
                    id="unit"
                    label=text::building_unit_optional(lang)
                    prompt=text::building_all_units(lang)
                    choices=lookup.units
                    selected=lookup.unit_id
                    disabled=building_id.is_none()
                />
                <button class="button" type="submit">{text::building_check(lang)}</button>
            </div>
        </form>
        {report}
    }
}

#[component]
fn PlaceSelect(
    id: &'static str,
    label: &'static str,
    prompt: &'static str,
    choices: Vec<PlaceChoice>,
    selected: Option<i64>,
    disabled: bool,
) -> impl IntoView {
    let options = choices
        .into_iter()
        .map(|c| view! { <option value=c.id selected=selected == Some(c.id)>{c.name}</option> })
        .collect_view();
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select id=id name=id disabled=disabled>
                <option value="">{prompt}</option>
                {options}
            </select>
        </div>
    }
}

#[component]
fn ReportView(report: BuildingReport) -> impl IntoView {
    let lang = use_lang();
    let place = match &report.unit_name {
        Some(unit) => format!(
            "{} {} {}",
            report.community_name, report.building_name, unit
        ),
        None => format!("{} {}", report.community_name, report.building_name),
    };
    let outages = if report.outages.is_empty() {
        view! {
            <p class="card empty">
                {text::building_no_outages_have_touched_this_building(lang)}
            </p>
        }
        .into_any()
    } else {
        report
            .outages
            .into_iter()
            .map(|notice| view! { <OutageCard notice /> })
            .collect_view()
            .into_any()
    };
    let hotline_href = format!("tel:{}", report.company_hotline.replace('-', ""));
    view! {
        <section class="card report" aria-labelledby="report-title" data-building-id=report.building_id>
            <h2 id="report-title" class="card__title">{place}</h2>
            <HeatBadge status=report.heat />
            <dl class="facts">
                <dt>{text::building_district_2(lang)}</dt>
                <dd>{report.district}</dd>
                <dt>{text::building_station(lang)}</dt>
                <dd>{report.station_name}</dd>
                <dt>{text::outage_heating_company(lang)}</dt>
                <dd>{report.company_name}</dd>
                <dt>{text::building_hotline(lang)}</dt>
                <dd><a class="tel" href=hotline_href>{report.company_hotline}</a></dd>
            </dl>
        </section>
        <h2 class="section-title">{text::building_outages_touching_this_building(lang)}</h2>
        <div class="outage-list">{outages}</div>
    }
}
