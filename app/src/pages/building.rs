//! 查询楼栋: community → building → unit, then whether heat is on and every
//! outage that touches the building. A plain GET form; with JavaScript each
//! choice updates the page in place (`LiveFilter`).

use crate::api::public::load_building_lookup;
use crate::components::feedback::loaded;
use crate::components::live_filter::LiveFilter;
use crate::components::outage::{HeatBadge, OutageCard};
use crate::components::places::PlacePickerFields;
use crate::format::parse_id;
use crate::prefs::use_lang;
use domain::notices::{BuildingLookup, BuildingReport};
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
    let report = lookup
        .report
        .clone()
        .map(|report| view! { <ReportView report /> });
    view! {
        <form method="get" action="/building">
            <div class="card picker">
                <PlacePickerFields
                    lookup
                    unit_label=text::building_unit_optional(lang)
                    unit_prompt=text::building_all_units(lang)
                />
                <button class="button" type="submit">{text::building_check(lang)}</button>
            </div>
        </form>
        {report}
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
