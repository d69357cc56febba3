//! Indoor temperatures as SVG charts a phone can read: a week of readings
//! (the lowest of each day as a bar), or a home's hours as a line; the
//! 18 ℃ standard as a dashed line in both.

use crate::components::outage::Moment;
use crate::prefs::use_lang;
use domain::readings::{ChartScale, DailyReading};
use domain::telemetry::HomeTemperature;
use domain::triage::{Reading, STANDARD_MIN_TENTHS};
use leptos::prelude::*;
use translations::text;

const WIDTH: f64 = 320.0;
const HEIGHT: f64 = 160.0;
const LEFT: f64 = 34.0;
const BOTTOM: f64 = 22.0;

/// `caption` says where the readings come from (complaints by default).
#[component]
pub fn ReadingChart(
    days: Vec<DailyReading>,
    #[prop(optional)] caption: Option<&'static str>,
) -> impl IntoView {
    let lang = use_lang();
    let scale = ChartScale::for_days(&days);
    let plot_height = HEIGHT - BOTTOM;
    let slot = (WIDTH - LEFT) / days.len().max(1) as f64;
    let standard_y = scale.y(STANDARD_MIN_TENTHS, plot_height);
    let bars = days
        .iter()
        .enumerate()
        .map(|(index, day)| {
            let x = LEFT + slot * index as f64;
            let label = day.day.format("%m-%d").to_string();
            let bar = day.lowest.map(|lowest| {
                let top = scale.y(lowest, plot_height);
                let below = lowest < STANDARD_MIN_TENTHS;
                let class = if below { "chart__bar chart__bar--below" } else { "chart__bar" };
                let title = format!(
                    "{} {}{}",
                    label,
                    text::readings_lowest(lang),
                    Reading(lowest).display()
                );
                view! {
                    <rect class=class x=format!("{:.1}", x + slot * 0.2) y=format!("{top:.1}")
                        width=format!("{:.1}", slot * 0.6) height=format!("{:.1}", (plot_height - top).max(0.0))>
                        <title>{title}</title>
                    </rect>
                    <text class="chart__value" x=format!("{:.1}", x + slot / 2.0) y=format!("{:.1}", top - 3.0)
                        text-anchor="middle">{format!("{:.1}", f64::from(lowest) / 10.0)}</text>
                }
            });
            view! {
                {bar}
                <text class="chart__day" x=format!("{:.1}", x + slot / 2.0) y=format!("{:.1}", HEIGHT - 6.0)
                    text-anchor="middle">{label}</text>
            }
        })
        .collect_view();
    let caption =
        caption.unwrap_or_else(|| text::readings_lowest_indoor_reading_per_day_over(lang));
    let empty = days.iter().all(|d| d.count == 0);
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=caption>
                <line class="chart__axis" x1=LEFT y1="0" x2=LEFT y2=plot_height />
                <line class="chart__axis" x1=LEFT y1=plot_height x2=WIDTH y2=plot_height />
                <line class="chart__standard" x1=LEFT y1=format!("{standard_y:.1}") x2=WIDTH y2=format!("{standard_y:.1}") />
                <text class="chart__tick" x=LEFT - 4.0 y=format!("{:.1}", standard_y + 4.0) text-anchor="end">"18℃"</text>
                {bars}
            </svg>
            <figcaption class="muted">
                {caption}
                {empty.then(|| text::readings_no_readings_this_week(lang))}
            </figcaption>
        </figure>
    }
}

/// A home's hourly averages (hour, tenths) as a line, with a tick at each
/// local midnight.
#[component]
pub fn HourlyChart(hours: Vec<(i64, i32)>, caption: &'static str) -> impl IntoView {
    let scale = ChartScale::for_values(hours.iter().map(|(_, tenths)| *tenths));
    let plot_height = HEIGHT - BOTTOM;
    let (first, last) = match (hours.first(), hours.last()) {
        (Some(first), Some(last)) => (first.0, last.0.max(first.0 + 3600)),
        _ => (0, 3600),
    };
    let x = |at: i64| LEFT + (WIDTH - LEFT) * (at - first) as f64 / (last - first) as f64;
    let points = hours
        .iter()
        .map(|(at, tenths)| format!("{:.1},{:.1}", x(*at), scale.y(*tenths, plot_height)))
        .collect::<Vec<_>>()
        .join(" ");
    let standard_y = scale.y(STANDARD_MIN_TENTHS, plot_height);
    let midnights = hours
        .iter()
        .filter(|(at, _)| domain::clock::to_local(*at).format("%H").to_string() == "00")
        .map(|(at, _)| {
            let label = domain::clock::to_local(*at).format("%m-%d").to_string();
            view! {
                <line class="chart__axis" x1=format!("{:.1}", x(*at)) y1=plot_height x2=format!("{:.1}", x(*at)) y2=plot_height + 4.0 />
                <text class="chart__day" x=format!("{:.1}", x(*at)) y=format!("{:.1}", HEIGHT - 6.0) text-anchor="middle">{label}</text>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=caption>
                <line class="chart__axis" x1=LEFT y1="0" x2=LEFT y2=plot_height />
                <line class="chart__axis" x1=LEFT y1=plot_height x2=WIDTH y2=plot_height />
                <line class="chart__standard" x1=LEFT y1=format!("{standard_y:.1}") x2=WIDTH y2=format!("{standard_y:.1}") />
                <text class="chart__tick" x=LEFT - 4.0 y=format!("{:.1}", standard_y + 4.0) text-anchor="end">"18℃"</text>
                <polyline class="chart__line" fill="none" points=points />
                {midnights}
            </svg>
            <figcaption class="muted">{caption}</figcaption>
        </figure>
    }
}

/// The home's indoor sensor: its last days as a line, the same days as a
/// table, and a word when its readings are not to be trusted.
#[component]
pub fn HomeTemperatures(
    indoor: HomeTemperature,
    title: &'static str,
    caption: &'static str,
) -> impl IntoView {
    let lang = use_lang();
    let shown = |tenths: i32| Reading(tenths).display();
    let rows = indoor
        .days
        .into_iter()
        .map(|day| {
            view! {
                <tr>
                    <td>{day.day.format("%m-%d").to_string()}</td>
                    <td>{shown(day.lowest)}</td>
                    <td>{shown(day.average)}</td>
                    <td>{shown(day.highest)}</td>
                </tr>
            }
        })
        .collect_view();
    let trust = indoor.flag.map(|flag| {
        view! {
            <p class="notice notice--warning" role="status">
                {text::readings_sensor_not_trusted(lang, flag.label(lang))}
            </p>
        }
    });
    let heard = indoor.last_heard_at.map(|at| {
        view! { <p class="muted">{text::readings_sensor_last_reading(lang)}" "<Moment at /></p> }
    });
    view! {
        <div class="home-temperature" id="home-temperature">
            <h3>{title}</h3>
            {trust}
            <HourlyChart hours=indoor.hours caption />
            <div class="table-wrap">
                <table class="table">
                    <thead><tr>
                        <th>{text::readings_day(lang)}</th>
                        <th>{text::readings_lowest_hour(lang)}</th>
                        <th>{text::readings_average(lang)}</th>
                        <th>{text::readings_highest(lang)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            {heard}
        </div>
    }
}
