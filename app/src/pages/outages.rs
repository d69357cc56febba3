//! 停热公告: every current and upcoming outage, filterable by district or
//! community. The filter is a plain GET form.

use crate::api::outage_desk::load_outage_page;
use crate::api::public::load_outage_board;
use crate::components::feedback::loaded;
use crate::components::outage::{OutageCard, Timeline};
use crate::components::places::DistrictOptions;
use crate::format::parse_id;
use crate::prefs::use_lang;
use domain::notices::OutageBoard;
use leptos::prelude::*;
use leptos_meta::{Link, Meta, Script, Title};
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use translations::text;

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
        <Title text=text::layout_outages(lang) />
        <Link rel="alternate" type_="application/atom+xml" href="/outages.atom" title=text::feed_title(lang) />
        <h1 class="page-title">{text::layout_outages(lang)}</h1>
        {loaded(board, move |board| {
            let filter = filter.get_untracked();
            view! { <OutageBoardView board=board.clone() filter /> }
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
        text::outages_no_outages_are_announced_for_the(lang)
    } else {
        text::outages_no_outages_are_announced_heat_is(lang)
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
                    <label for="district">{text::building_district(lang)}</label>
                    <select id="district" name="district">
                        <option value="">{text::building_all_districts(lang)}</option>
                        {district_options}
                    </select>
                </div>
                <div class="field">
                    <label for="community">{text::building_community(lang)}</label>
                    <select id="community" name="community">
                        <option value="">{text::outages_all_communities(lang)}</option>
                        {community_options}
                    </select>
                </div>
                <div class="filter__actions">
                    <button class="button" type="submit">{text::admin_filter(lang)}</button>
                    {filtered.then(|| view! { <a class="button button--secondary" href="/outages">{text::outages_clear(lang)}</a> })}
                </div>
            </div>
        </Form>
        <div class="outage-list">{cards}</div>
    }
}

/// `/outages/{id}`: one outage, its area, its buildings and every progress
/// note: the page a lobby notice's QR code and a shared link open.
#[component]
pub fn OneOutagePage() -> impl IntoView {
    let lang = use_lang();
    let params = leptos_router::hooks::use_params_map();
    let id = Memo::new(move |_| parse_id(params.read().get("id")));
    let page = Resource::new(
        move || id.get(),
        |id| load_outage_page(id.unwrap_or_default()),
    );
    view! {
        <Title text=text::layout_outages(lang) />
        <p><a href="/outages">{text::outage_page_back(lang)}</a></p>
        {loaded(page, move |page| view! {
            <Title text=page.notice.title.clone() />
            <ShareCard page=page.clone() />
            <OutageCard notice=page.notice />
            <Timeline entries=page.timeline />
        })}
    }
}

/// How the page looks when shared: Open Graph tags for chats and feeds,
/// and inside WeChat its JS-SDK card (public/wechat-share.js reads the tags).
#[component]
fn ShareCard(page: domain::notices::OutagePage) -> impl IntoView {
    let lang = use_lang();
    let base = page.public_url.trim_end_matches('/').to_string();
    view! {
        <Meta property="og:type" content="article" />
        <Meta property="og:title" content=page.notice.title.clone() />
        <Meta property="og:description" content=domain::print_notice::share_summary(&page.notice, lang) />
        <Meta property="og:url" content=format!("{base}/outages/{}", page.notice.id) />
        <Meta property="og:image" content=format!("{base}/share-icon.png") />
        <Script src="/wechat-share.js" defer="defer" />
    }
}
