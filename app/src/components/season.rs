//! The heating-season card: countdown before the season, day N during it.

use crate::components::outage::{full_date_time, month_day_time};
use crate::prefs::use_lang;
use domain::clock::format_iso;
use domain::season::{Countdown, SeasonPhase, SeasonStatus};
use leptos::prelude::*;
use translations::text;

#[component]
pub fn SeasonCard(season: SeasonStatus, now: i64) -> impl IntoView {
    let lang = use_lang();
    let window = season.effective;
    let regulated = season.regulated;
    let headline = match season.phase {
        SeasonPhase::During { day, total_days } => view! {
            <div class="season season--on">
                <span class="badge badge--on">{text::season_heating_on(lang)}</span>
                <p class="season__big">
                    {text::season_day(lang)} <strong>{day}</strong> {text::season_of_the_season(lang)}
                    <span class="season__of">{text::season_of_total(lang)} {total_days} {text::season_days_in_all(lang)}</span>
                </p>
                <p>
                    {text::season_ends(lang)}
                    <time datetime=format_iso(window.end)>{full_date_time(lang, window.end)}</time>
                </p>
            </div>
        }
        .into_any(),
        SeasonPhase::Before { .. } => view! {
            <div class="season season--before">
                <span class="badge badge--waiting">{text::season_not_heating_yet(lang)}</span>
                <p class="season__big">
                    {text::season_heating_starts_in(lang)} <LiveCountdown target=window.start now />
                </p>
                <p>
                    {text::season_starts(lang)}
                    <time datetime=format_iso(window.start)>{full_date_time(lang, window.start)}</time>
                </p>
            </div>
        }
        .into_any(),
    };
    let title = window.label(lang);
    let announcements = season
        .announcements
        .iter()
        .map(|a| {
            view! {
                <li class="announcement">
                    <span class="badge badge--info">{a.kind.label(lang)}</span>
                    <p>
                        <strong>
                            {if a.kind.moves_the_season() {
                                text::season_new_date(lang)
                            } else {
                                text::season_limit_from(lang)
                            }}
                            {month_day_time(lang, a.effective_at)}
                        </strong>
                    </p>
                    <p>{a.reason.clone()}</p>
                    <p class="announcement__scope">{a.scope_label(lang)}</p>
                    <p class="muted">
                        {text::season_published(lang)}
                        <time datetime=format_iso(a.published_at)>
                            {month_day_time(lang, a.published_at)}
                        </time>
                    </p>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card card--season" aria-labelledby="season-title">
            <h2 id="season-title" class="card__title">{title}</h2>
            {headline}
            <p class="muted">
                {text::season_regulated_season(lang)} {month_day_time(lang, regulated.start)}
                {text::season_to(lang)} {month_day_time(lang, regulated.end)}
            </p>
            <ul class="announcements">{announcements}</ul>
        </section>
    }
}

/// The countdown text; in the browser it ticks once a minute (an island:
/// the only part of the season card that ships code).
#[island]
fn LiveCountdown(target: i64, now: i64) -> impl IntoView {
    let lang = use_lang();
    let now = RwSignal::new(now);
    #[cfg(feature = "hydrate")]
    {
        let interval = gloo_timers::callback::Interval::new(60_000, move || {
            now.update(|t| *t += 60);
        });
        // Dropping the interval cancels it when the page goes away.
        let interval = StoredValue::new_local(Some(interval));
        on_cleanup(move || interval.update_value(|running| drop(running.take())));
    }
    view! {
        <strong class="countdown" data-target=target>
            {move || {
                if now.get() >= target {
                    text::season_starting_now_please_reload_the_page(lang).to_string()
                } else {
                    let left = Countdown::between(now.get(), target);
                    left.describe(lang)
                }
            }}
        </strong>
    }
}
