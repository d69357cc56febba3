//! 首页: is the heat on, or when does it start? Then outages and hotlines.

use crate::api::public::load_home;
use crate::components::feedback::{ErrorNotice, Loading};
use crate::components::season::SeasonCard;
use domain::notices::HomeOverview;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| load_home());
    view! {
        <Title text="首页" />
        <h1 class="visually-hidden">"潍坊供热服务首页"</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(overview) => view! { <HomeContent overview /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn HomeContent(overview: HomeOverview) -> impl IntoView {
    let outage_summary = if overview.outages_ongoing + overview.outages_upcoming == 0 {
        view! { <p class="outage-summary__none">"目前没有停热公告。"</p> }.into_any()
    } else {
        view! {
            <p class="outage-summary__counts">
                <span class="count count--off">
                    <strong>{overview.outages_ongoing}</strong>" 处停热中"
                </span>
                <span class="count count--waiting">
                    <strong>{overview.outages_upcoming}</strong>" 处即将停热"
                </span>
            </p>
        }
        .into_any()
    };
    let hotlines = overview
        .hotlines
        .into_iter()
        .map(|line| {
            let href = format!("tel:{}", line.number.replace('-', ""));
            view! {
                <li class="hotline">
                    <span>{line.label}</span>
                    <a class="tel" href=href>{line.number}</a>
                </li>
            }
        })
        .collect_view();
    view! {
        <SeasonCard season=overview.season now=overview.now />
        <section class="card outage-summary" aria-labelledby="outage-summary-title">
            <h2 id="outage-summary-title" class="card__title">"停热公告"</h2>
            {outage_summary}
            <a class="button button--secondary" href="/outages">"查看停热公告"</a>
        </section>
        <nav class="actions" aria-label="常用服务">
            <a class="action" href="/building">
                <span class="action__title">"查询楼栋"</span>
                <span class="action__hint">"我家楼现在有没有暖气"</span>
            </a>
            <a class="action" href="/outages">
                <span class="action__title">"停热公告"</span>
                <span class="action__hint">"计划停热、抢修停热"</span>
            </a>
        </nav>
        <section class="card" aria-labelledby="hotlines-title">
            <h2 id="hotlines-title" class="card__title">"服务热线"</h2>
            <ul class="list list--lines">{hotlines}</ul>
        </section>
    }
}
