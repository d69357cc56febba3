//! 首页: is the heat on, or when does it start? Then outages and hotlines.

use crate::api::public::load_home;
use crate::components::feedback::loaded;
use crate::components::season::SeasonCard;
use crate::prefs::{use_lang, Lang};
use domain::notices::HomeOverview;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    let lang = use_lang();
    let overview = Resource::new(|| (), |_| load_home());
    view! {
        <Title text=lang.t("首页", "Home") />
        <h1 class="visually-hidden">{lang.t("潍坊供热服务首页", "Weifang Heating home page")}</h1>
        {loaded(overview, |overview| view! { <HomeContent overview /> })}
    }
}

#[component]
fn HomeContent(overview: HomeOverview) -> impl IntoView {
    let lang = use_lang();
    let outage_summary = if overview.outages_ongoing + overview.outages_upcoming == 0 {
        view! { <p class="outage-summary__none">{lang.t("目前没有停热公告。", "No outages are announced at the moment.")}</p> }.into_any()
    } else {
        let ongoing = match (lang, overview.outages_ongoing) {
            (Lang::Zh, _) => " 处停热中",
            (Lang::En, 1) => " outage under way",
            (Lang::En, _) => " outages under way",
        };
        let upcoming = match (lang, overview.outages_upcoming) {
            (Lang::Zh, _) => " 处即将停热",
            (Lang::En, 1) => " outage coming up",
            (Lang::En, _) => " outages coming up",
        };
        view! {
            <p class="outage-summary__counts">
                <span class="count count--off">
                    <strong>{overview.outages_ongoing}</strong>{ongoing}
                </span>
                <span class="count count--waiting">
                    <strong>{overview.outages_upcoming}</strong>{upcoming}
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
            let label = match lang {
                Lang::Zh => line.label.clone(),
                Lang::En => line.label_en(),
            };
            view! {
                <li class="hotline">
                    <span>{label}</span>
                    <a class="tel" href=href>{line.number}</a>
                </li>
            }
        })
        .collect_view();
    view! {
        <SeasonCard season=overview.season now=overview.now />
        <section class="card outage-summary" aria-labelledby="outage-summary-title">
            <h2 id="outage-summary-title" class="card__title">{lang.t("停热公告", "Outages")}</h2>
            {outage_summary}
            <a class="button button--secondary" href="/outages">{lang.t("查看停热公告", "See all outages")}</a>
        </section>
        <nav class="actions" aria-label=lang.t("常用服务", "Services")>
            <a class="action" href="/building">
                <span class="action__title">{lang.t("查询楼栋", "Check a building")}</span>
                <span class="action__hint">{lang.t("我家楼现在有没有暖气", "Is the heat on in my building now")}</span>
            </a>
            <a class="action" href="/outages">
                <span class="action__title">{lang.t("停热公告", "Outages")}</span>
                <span class="action__hint">{lang.t("计划停热、抢修停热", "Planned works and emergency repairs")}</span>
            </a>
        </nav>
        <section class="card" aria-labelledby="hotlines-title">
            <h2 id="hotlines-title" class="card__title">{lang.t("服务热线", "Hotlines")}</h2>
            <ul class="list list--lines">{hotlines}</ul>
        </section>
    }
}
