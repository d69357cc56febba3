//! 查询楼栋: community → building → unit, then whether heat is on and every
//! outage that touches the building. A plain GET form; after hydration each
//! choice updates the page without a reload.

use crate::api::public::load_building_lookup;
use crate::components::feedback::{ErrorNotice, Loading};
use crate::components::outage::{HeatBadge, OutageCard};
use crate::format::parse_id;
use crate::prefs::use_lang;
use domain::notices::{BuildingLookup, BuildingReport, PlaceChoice};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::{use_navigate, use_query_map};

#[component]
pub fn BuildingPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let choice = Memo::new(move |_| {
        let query = query.read();
        (
            parse_id(query.get("community")),
            parse_id(query.get("building")),
            parse_id(query.get("unit")),
        )
    });
    let lookup = Resource::new(
        move || choice.get(),
        |(community, building, unit)| load_building_lookup(community, building, unit),
    );
    view! {
        <Title text=lang.t("查询楼栋", "Check a building") />
        <h1 class="page-title">{lang.t("查询楼栋供热", "Is the heat on in a building?")}</h1>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match lookup.await {
                    Ok(lookup) => view! { <LookupView lookup /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// `/building?community=…&building=…&unit=…` for the parts chosen.
fn lookup_href(community: Option<i64>, building: Option<i64>, unit: Option<i64>) -> String {
    let parts: Vec<String> = [
        ("community", community),
        ("building", building),
        ("unit", unit),
    ]
    .into_iter()
    .filter_map(|(key, value)| value.map(|v| format!("{key}={v}")))
    .collect();
    if parts.is_empty() {
        "/building".to_string()
    } else {
        format!("/building?{}", parts.join("&"))
    }
}

#[component]
fn LookupView(lookup: BuildingLookup) -> impl IntoView {
    let lang = use_lang();
    let navigate = use_navigate();
    let community_id = lookup.community_id;
    let building_id = lookup.building_id;
    let go = move |href: String| navigate(&href, Default::default());
    let go_community = go.clone();
    let go_building = go.clone();
    let go_unit = go;

    let community_options = lookup
        .communities
        .iter()
        .map(|c| {
            view! {
                <option value=c.id selected=community_id == Some(c.id)>
                    {format!("{} · {}", c.district, c.name)}
                </option>
            }
        })
        .collect_view();
    let report = lookup.report.map(|report| view! { <ReportView report /> });
    view! {
        <Form method="GET" action="/building">
            <div class="card picker">
                <div class="field">
                    <label for="community">{lang.t("小区", "Community")}</label>
                    <select
                        id="community"
                        name="community"
                        on:change=move |ev| {
                            go_community(lookup_href(parse_id(Some(event_target_value(&ev))), None, None))
                        }
                    >
                        <option value="">{lang.t("请选择小区", "Choose a community")}</option>
                        {community_options}
                    </select>
                </div>
                <PlaceSelect
                    id="building"
                    label=lang.t("楼栋", "Building")
                    prompt=lang.t("请选择楼栋", "Choose a building")
                    choices=lookup.buildings
                    selected=building_id
                    disabled=community_id.is_none()
                    on_pick=move |id| go_building(lookup_href(community_id, id, None))
                />
                <PlaceSelect
                    id="unit"
                    label=lang.t("单元（可不选）", "Unit (optional)")
                    prompt=lang.t("全部单元", "All units")
                    choices=lookup.units
                    selected=lookup.unit_id
                    disabled=building_id.is_none()
                    on_pick=move |id| go_unit(lookup_href(community_id, building_id, id))
                />
                <button class="button" type="submit">{lang.t("查询", "Check")}</button>
            </div>
        </Form>
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
    on_pick: impl Fn(Option<i64>) + 'static,
) -> impl IntoView {
    let options = choices
        .into_iter()
        .map(|c| view! { <option value=c.id selected=selected == Some(c.id)>{c.name}</option> })
        .collect_view();
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select
                id=id
                name=id
                disabled=disabled
                on:change=move |ev| on_pick(parse_id(Some(event_target_value(&ev))))
            >
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
                {lang.t("本供暖季该楼栋没有停热记录。", "No outages have touched this building this season.")}
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
                <dt>{lang.t("所在区县", "District")}</dt>
                <dd>{report.district}</dd>
                <dt>{lang.t("换热站", "Station")}</dt>
                <dd>{report.station_name}</dd>
                <dt>{lang.t("供热单位", "Heating company")}</dt>
                <dd>{report.company_name}</dd>
                <dt>{lang.t("服务热线", "Hotline")}</dt>
                <dd><a class="tel" href=hotline_href>{report.company_hotline}</a></dd>
            </dl>
        </section>
        <h2 class="section-title">{lang.t("涉及该楼栋的停热", "Outages touching this building")}</h2>
        <div class="outage-list">{outages}</div>
    }
}
