//! 首页: is the heat on, or when does it start? Then outages and hotlines.

use crate::api::public::load_home;
use crate::components::feedback::loaded;
use crate::components::season::SeasonCard;
use crate::prefs::use_lang;
use domain::notices::HomeOverview;
use leptos::prelude::*;
use leptos_meta::Title;
use translations::text;

#[component]
pub fn HomePage() -> impl IntoView {
    let lang = use_lang();
    let overview = Resource::new(|| (), |_| load_home());
    view! {
        <Title text=text::layout_home(lang) />
        <h1 class="visually-hidden">{text::home_weifang_heating_home_page(lang)}</h1>
        {loaded(overview, |overview| view! { <HomeContent overview /> })}
    }
}

#[component]
fn HomeContent(overview: HomeOverview) -> impl IntoView {
    let lang = use_lang();
    let outage_summary = if overview.outages_ongoing + overview.outages_upcoming == 0 {
        view! { <p class="outage-summary__none">{text::home_no_outages_are_announced_at_the(lang)}</p> }.into_any()
    } else {
        let ongoing = if overview.outages_ongoing == 1 {
            text::home_outage_under_way(lang)
        } else {
            text::home_outages_under_way(lang)
        };
        let upcoming = if overview.outages_upcoming == 1 {
            text::home_outage_coming_up(lang)
        } else {
            text::home_outages_coming_up(lang)
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
            let label = line.label_in(lang);
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
            <h2 id="outage-summary-title" class="card__title">{text::layout_outages(lang)}</h2>
            {outage_summary}
            <a class="button button--secondary" href="/outages">{text::home_see_all_outages(lang)}</a>
        </section>
        <nav class="actions" aria-label=text::home_services(lang)>
            <a class="action" href="/building">
                <span class="action__title">{text::building_check_a_building(lang)}</span>
                <span class="action__hint">{text::home_is_the_heat_on_in_my(lang)}</span>
            </a>
            <a class="action" href="/outages">
                <span class="action__title">{text::layout_outages(lang)}</span>
                <span class="action__hint">{text::home_planned_works_and_emergency_repairs(lang)}</span>
            </a>
        </nav>
        <section class="card" aria-labelledby="hotlines-title">
            <h2 id="hotlines-title" class="card__title">{text::home_hotlines(lang)}</h2>
            <ul class="list list--lines">{hotlines}</ul>
        </section>
    }
}
