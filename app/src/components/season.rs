//! The heating-season card: countdown before the season, day N during it.

use domain::clock::{format_full, format_iso, format_month_day_time};
use domain::season::{Countdown, SeasonPhase, SeasonStatus};
use leptos::prelude::*;

#[component]
pub fn SeasonCard(season: SeasonStatus, now: i64) -> impl IntoView {
    let window = season.effective;
    let regulated = season.regulated;
    let headline = match season.phase {
        SeasonPhase::During { day, total_days } => view! {
            <div class="season season--on">
                <span class="badge badge--on">"供暖中"</span>
                <p class="season__big">
                    "本供暖季第 " <strong>{day}</strong> " 天"
                    <span class="season__of">" / 共 " {total_days} " 天"</span>
                </p>
                <p>
                    "结束时间："
                    <time datetime=format_iso(window.end)>{format_full(window.end)}</time>
                </p>
            </div>
        }
        .into_any(),
        SeasonPhase::Before { .. } => view! {
            <div class="season season--before">
                <span class="badge badge--waiting">"尚未供暖"</span>
                <p class="season__big">
                    "距供暖开始还有 " <LiveCountdown target=window.start now />
                </p>
                <p>
                    "开始时间："
                    <time datetime=format_iso(window.start)>{format_full(window.start)}</time>
                </p>
            </div>
        }
        .into_any(),
    };
    let announcements = season
        .announcements
        .iter()
        .map(|a| {
            view! {
                <li class="announcement">
                    <span class="badge badge--info">{a.kind.label()}</span>
                    <p>
                        <strong>"新时间：" {format_month_day_time(a.effective_at)}</strong>
                    </p>
                    <p>{a.reason.clone()}</p>
                    <p class="muted">
                        "发布于 "
                        <time datetime=format_iso(a.published_at)>
                            {format_month_day_time(a.published_at)}
                        </time>
                    </p>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card card--season" aria-labelledby="season-title">
            <h2 id="season-title" class="card__title">{window.label()}</h2>
            {headline}
            <p class="muted">
                "法定供暖期：" {format_month_day_time(regulated.start)} " 至次年 "
                {format_month_day_time(regulated.end)}
            </p>
            <ul class="announcements">{announcements}</ul>
        </section>
    }
}

/// The countdown text; after hydration it ticks once a minute.
#[component]
fn LiveCountdown(target: i64, now: i64) -> impl IntoView {
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
                    "即将开始，请刷新页面".to_string()
                } else {
                    Countdown::between(now.get(), target).describe()
                }
            }}
        </strong>
    }
}
