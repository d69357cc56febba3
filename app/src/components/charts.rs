//! Report charts as SVG a phone can read: columns over time, and
//! horizontal bars for counts by kind, station or community (each bar
//! labelled with its count; overdue cases in the bar's darker part).

use crate::prefs::use_lang;
use domain::reports::Tally;
use leptos::prelude::*;
use translations::text;

const WIDTH: f64 = 320.0;

/// Columns over time: the tallest is the chart's height; at most about
/// eight labels fit across a phone.
#[component]
pub fn ColumnChart(bars: Vec<Tally>, #[prop(into)] caption: String) -> impl IntoView {
    const HEIGHT: f64 = 150.0;
    const BOTTOM: f64 = 20.0;
    const TOP: f64 = 14.0;
    // Room at both ends for the first and last labels.
    const SIDE: f64 = 16.0;
    let plot = HEIGHT - BOTTOM - TOP;
    let most = bars.iter().map(|b| b.count).max().unwrap_or(0).max(1);
    let slot = (WIDTH - 2.0 * SIDE) / bars.len().max(1) as f64;
    // Room for about eight labels across a phone.
    let label_every = bars.len().div_ceil(8).max(1);
    let columns = bars
        .iter()
        .enumerate()
        .map(|(index, bar)| {
            let x = SIDE + slot * index as f64;
            let height = plot * f64::from(bar.count) / f64::from(most);
            let top = TOP + plot - height;
            let label = (index % label_every == 0).then(|| {
                view! {
                    <text class="chart__day" x=format!("{:.1}", x + slot / 2.0) y=format!("{:.1}", HEIGHT - 5.0)
                        text-anchor="middle">{bar.label.clone()}</text>
                }
            });
            let value = (bar.count > 0 && (bars.len() <= 16 || bar.count == most)).then(|| {
                view! {
                    <text class="chart__value" x=format!("{:.1}", x + slot / 2.0) y=format!("{:.1}", top - 3.0)
                        text-anchor="middle">{bar.count}</text>
                }
            });
            view! {
                <rect class="chart__bar" x=format!("{:.1}", x + slot * 0.15) y=format!("{top:.1}")
                    width=format!("{:.1}", slot * 0.7) height=format!("{height:.1}")>
                    <title>{format!("{} {}", bar.label, bar.count)}</title>
                </rect>
                {value}
                {label}
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=caption.clone()>
                <line class="chart__axis" x1="0" y1=HEIGHT - BOTTOM x2=WIDTH y2=HEIGHT - BOTTOM />
                {columns}
            </svg>
            <figcaption class="muted">{caption}</figcaption>
        </figure>
    }
}

/// Horizontal bars, longest first, at most `limit` of them.
#[component]
pub fn BarList(
    bars: Vec<Tally>,
    #[prop(into)] caption: String,
    #[prop(default = 10)] limit: usize,
) -> impl IntoView {
    const ROW: f64 = 26.0;
    const LABEL: f64 = 110.0;
    const VALUE: f64 = 52.0;
    let shown: Vec<Tally> = bars.into_iter().take(limit).collect();
    let height = ROW * shown.len().max(1) as f64;
    let most = shown.iter().map(|b| b.count).max().unwrap_or(0).max(1);
    let room = WIDTH - LABEL - VALUE;
    let rows = shown
        .iter()
        .enumerate()
        .map(|(index, bar)| {
            let y = ROW * index as f64;
            let width = room * f64::from(bar.count) / f64::from(most);
            let overdue_width = room * f64::from(bar.overdue) / f64::from(most);
            let value = if bar.overdue > 0 {
                text::chart_count_with_overdue(use_lang(), bar.count, bar.overdue)
            } else {
                bar.count.to_string()
            };
            view! {
                <text class="chart__label" x=LABEL - 6.0 y=format!("{:.1}", y + ROW * 0.65) text-anchor="end">
                    {truncate(&bar.label, 8)}
                </text>
                <rect class="chart__bar" x=LABEL y=format!("{:.1}", y + 4.0) width=format!("{width:.1}") height=ROW - 8.0>
                    <title>{format!("{} {}", bar.label, bar.count)}</title>
                </rect>
                <rect class="chart__bar chart__bar--below" x=LABEL y=format!("{:.1}", y + 4.0)
                    width=format!("{overdue_width:.1}") height=ROW - 8.0 />
                <text class="chart__value" x=format!("{:.1}", LABEL + width + 4.0) y=format!("{:.1}", y + ROW * 0.65)>
                    {value}
                </text>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {WIDTH} {height}") role="img" aria-label=caption.clone()>{rows}</svg>
            <figcaption class="muted">{caption}</figcaption>
        </figure>
    }
}

/// At most `chars` characters, with "…" when cut.
fn truncate(text: &str, chars: usize) -> String {
    if text.chars().count() <= chars {
        text.to_string()
    } else {
        let mut cut: String = text.chars().take(chars - 1).collect();
        cut.push('…');
        cut
    }
}
