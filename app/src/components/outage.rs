//! Outage cards and heat badges.

use domain::clock::{format_iso, format_month_day_time};
use domain::notices::{AffectedArea, OutageNotice};
use domain::outage::{HeatStatus, OutageKind, OutagePhase};
use leptos::prelude::*;

fn kind_badge_class(kind: OutageKind) -> &'static str {
    match kind {
        OutageKind::Emergency => "badge badge--danger",
        OutageKind::Planned => "badge badge--warning",
        OutageKind::Commissioning => "badge badge--info",
    }
}

fn phase_badge_class(phase: OutagePhase) -> &'static str {
    match phase {
        OutagePhase::Ongoing => "badge badge--off",
        OutagePhase::Upcoming => "badge badge--waiting",
        OutagePhase::Restored => "badge badge--on",
    }
}

/// A `<time>` element showing "11月28日 09:00".
#[component]
pub fn Moment(at: i64) -> impl IntoView {
    view! { <time datetime=format_iso(at)>{format_month_day_time(at)}</time> }
}

#[component]
pub fn OutageCard(notice: OutageNotice) -> impl IntoView {
    let restore_line = match notice.restored_at {
        Some(at) if notice.phase == OutagePhase::Restored => view! {
            <dt>"恢复时间"</dt>
            <dd><Moment at /></dd>
        }
        .into_any(),
        _ => view! {
            <dt>"预计恢复"</dt>
            <dd><Moment at=notice.expected_restore_at /></dd>
        }
        .into_any(),
    };
    let update = notice.latest_update.clone().map(|u| {
        view! {
            <div class="outage__update">
                <p class="outage__update-label">"最新进展 · " <Moment at=u.posted_at /></p>
                <p>{u.message}</p>
            </div>
        }
    });
    let areas = notice
        .areas
        .into_iter()
        .map(|area| view! { <AreaLine area /> })
        .collect_view();
    view! {
        <article
            class="card outage"
            class:outage--ongoing=notice.phase == OutagePhase::Ongoing
            data-outage-id=notice.id
            data-phase=notice.phase.as_str()
        >
            <div class="outage__badges">
                <span class=kind_badge_class(notice.kind)>{notice.kind.label()}</span>
                <span class=phase_badge_class(notice.phase)>{notice.phase.label()}</span>
            </div>
            <h3 class="outage__title">{notice.title}</h3>
            <p>{notice.cause}</p>
            <dl class="facts">
                <dt>"停热时间"</dt>
                <dd><Moment at=notice.starts_at /></dd>
                {restore_line}
                <dt>"供热单位"</dt>
                <dd>{notice.company_name}</dd>
            </dl>
            <div class="outage__areas">
                <p class="outage__areas-label">"影响范围"</p>
                <ul class="list">{areas}</ul>
            </div>
            {update}
        </article>
    }
}

#[component]
fn AreaLine(area: AffectedArea) -> impl IntoView {
    let buildings = if area.whole_community {
        "全部楼栋".to_string()
    } else {
        area.buildings.join("、")
    };
    view! {
        <li>
            <strong>{area.district} " · " {area.community_name}</strong>
            "：" {buildings}
        </li>
    }
}

/// A large badge that says whether a building has heat now.
#[component]
pub fn HeatBadge(status: HeatStatus) -> impl IntoView {
    let class = match status {
        HeatStatus::On => "heat heat--on",
        HeatStatus::OffByOutage => "heat heat--off",
        HeatStatus::OutOfSeason => "heat heat--idle",
    };
    view! {
        <p class=class data-heat=status.as_str()>
            <span class="heat__dot" aria-hidden="true"></span>
            {status.label()}
        </p>
    }
}
