//! The heating-season card: countdown before the season, day N during it.

use crate::components::outage::{full_date_time, month_day_time};
use crate::prefs::{use_lang, Lang};
use domain::clock::format_iso;
use domain::season::{Countdown, SeasonPhase, SeasonStatus};
use leptos::prelude::*;

#[component]
pub fn SeasonCard(season: SeasonStatus, now: i64) -> impl IntoView {
    let lang = use_lang();
    let window = season.effective;
    let regulated = season.regulated;
    let headline = match season.phase {
        SeasonPhase::During { day, total_days } => view! {
            <div class="season season--on">
                <span class="badge badge--on">{lang.t("供暖中", "Heating on")}</span>
                <p class="season__big">
                    {lang.t("本供暖季第 ", "Day ")} <strong>{day}</strong> {lang.t(" 天", " of the season")}
                    <span class="season__of">{lang.t(" / 共 ", " / ")} {total_days} {lang.t(" 天", " days in all")}</span>
                </p>
                <p>
                    {lang.t("结束时间：", "Ends: ")}
                    <time datetime=format_iso(window.end)>{full_date_time(lang, window.end)}</time>
                </p>
            </div>
        }
        .into_any(),
        SeasonPhase::Before { .. } => view! {
            <div class="season season--before">
                <span class="badge badge--waiting">{lang.t("尚未供暖", "Not heating yet")}</span>
                <p class="season__big">
                    {lang.t("距供暖开始还有 ", "Heating starts in ")} <LiveCountdown target=window.start now />
                </p>
                <p>
                    {lang.t("开始时间：", "Starts: ")}
                    <time datetime=format_iso(window.start)>{full_date_time(lang, window.start)}</time>
                </p>
            </div>
        }
        .into_any(),
    };
    let title = match lang {
        Lang::Zh => window.label(),
        Lang::En => window.label_en(),
    };
    let announcements = season
        .announcements
        .iter()
        .map(|a| {
            view! {
                <li class="announcement">
                    <span class="badge badge--info">{lang.t(a.kind.label(), a.kind.label_en())}</span>
                    <p>
                        <strong>{lang.t("新时间：", "New date: ")} {month_day_time(lang, a.effective_at)}</strong>
                    </p>
                    <p>{a.reason.clone()}</p>
                    <p class="muted">
                        {lang.t("发布于 ", "Published ")}
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
                {lang.t("法定供暖期：", "Regulated season: ")} {month_day_time(lang, regulated.start)}
                {lang.t(" 至次年 ", " to ")} {month_day_time(lang, regulated.end)}
            </p>
            <ul class="announcements">{announcements}</ul>
        </section>
    }
}

/// The countdown text; after hydration it ticks once a minute.
#[component]
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
                    lang.t("即将开始，请刷新页面", "Starting now; please reload the page").to_string()
                } else {
                    let left = Countdown::between(now.get(), target);
                    match lang {
                        Lang::Zh => left.describe(),
                        Lang::En => left.describe_en(),
                    }
                }
            }}
        </strong>
    }
}
