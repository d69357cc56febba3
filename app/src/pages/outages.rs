//! 停热公告: every current and upcoming outage, filterable by district or
//! community. The filter is a plain GET form.

use crate::api::public::load_outage_board;
use crate::components::feedback::loaded;
use crate::components::outage::OutageCard;
use crate::components::places::DistrictOptions;
use crate::components::remount::Remount;
use crate::format::parse_id;
use crate::prefs::use_lang;
use domain::notices::OutageBoard;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

#[component]
pub fn OutagesPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        let query = query.read();
        let district = query.get("district").filter(|d| !d.trim().is_empty());
        (district, parse_id(query.get("community")))
    });
    let board = Resource::new(
        move || filter.get(),
        |(district, community)| load_outage_board(district, community),
    );
    view! {
        <Title text=lang.t("停热公告", "Outages") />
        <h1 class="page-title">{lang.t("停热公告", "Outages")}</h1>
        {loaded(board, move |board| {
            let filter = filter.get_untracked();
            view! {
                <Remount key=filter.clone()>
                    <OutageBoardView board=board.clone() filter=filter.clone() />
                </Remount>
            }
        })}
    }
}

#[component]
fn OutageBoardView(board: OutageBoard, filter: (Option<String>, Option<i64>)) -> impl IntoView {
    let lang = use_lang();
    let (district, community) = filter;
    let filtered = district.is_some() || community.is_some();
    let district_options =
        view! { <DistrictOptions districts=board.districts.clone() chosen=district.clone() /> };
    let community_options = board
        .communities
        .iter()
        .map(|c| {
            let selected = community == Some(c.id);
            view! {
                <option value=c.id selected=selected>{format!("{} · {}", c.district, c.name)}</option>
            }
        })
        .collect_view();
    let empty_text = if filtered {
        lang.t(
            "所选区域目前没有停热公告。",
            "No outages are announced for the chosen area.",
        )
    } else {
        lang.t(
            "目前没有停热公告，全市正常供热。",
            "No outages are announced: heat is on across the city.",
        )
    };
    let cards = if board.notices.is_empty() {
        view! { <p class="card empty">{empty_text}</p> }.into_any()
    } else {
        board
            .notices
            .into_iter()
            .map(|notice| view! { <OutageCard notice /> })
            .collect_view()
            .into_any()
    };
    view! {
        <Form method="GET" action="/outages">
            <div class="filter card">
                <div class="field">
                    <label for="district">{lang.t("区县", "District")}</label>
                    <select id="district" name="district">
                        <option value="">{lang.t("全部区县", "All districts")}</option>
                        {district_options}
                    </select>
                </div>
                <div class="field">
                    <label for="community">{lang.t("小区", "Community")}</label>
                    <select id="community" name="community">
                        <option value="">{lang.t("全部小区", "All communities")}</option>
                        {community_options}
                    </select>
                </div>
                <div class="filter__actions">
                    <button class="button" type="submit">{lang.t("筛选", "Filter")}</button>
                    {filtered.then(|| view! { <a class="button button--secondary" href="/outages">{lang.t("清除", "Clear")}</a> })}
                </div>
            </div>
        </Form>
        <div class="outage-list">{cards}</div>
    }
}
