//! 停热公告: every current and upcoming outage, filterable by district or
//! community. The filter is a plain GET form.

use crate::api::public::load_outage_board;
use crate::components::feedback::{ErrorNotice, Loading};
use crate::components::outage::OutageCard;
use crate::format::parse_id;
use domain::notices::OutageBoard;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

#[component]
pub fn OutagesPage() -> impl IntoView {
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
        <Title text="停热公告" />
        <h1 class="page-title">"停热公告"</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match board.await {
                    Ok(board) => view! { <OutageBoardView board filter=filter.get_untracked() /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn OutageBoardView(board: OutageBoard, filter: (Option<String>, Option<i64>)) -> impl IntoView {
    let (district, community) = filter;
    let filtered = district.is_some() || community.is_some();
    let district_options = board
        .districts
        .iter()
        .map(|d| {
            let selected = district.as_deref() == Some(d.as_str());
            view! { <option value=d.clone() selected=selected>{d.clone()}</option> }
        })
        .collect_view();
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
        "所选区域目前没有停热公告。"
    } else {
        "目前没有停热公告，全市正常供热。"
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
                    <label for="district">"区县"</label>
                    <select id="district" name="district">
                        <option value="">"全部区县"</option>
                        {district_options}
                    </select>
                </div>
                <div class="field">
                    <label for="community">"小区"</label>
                    <select id="community" name="community">
                        <option value="">"全部小区"</option>
                        {community_options}
                    </select>
                </div>
                <div class="filter__actions">
                    <button class="button" type="submit">"筛选"</button>
                    {filtered.then(|| view! { <a class="button button--secondary" href="/outages">"清除"</a> })}
                </div>
            </div>
        </Form>
        <div class="outage-list">{cards}</div>
    }
}
