//! Outage cards and heat badges.

use crate::prefs::{use_lang, Lang};
use domain::clock::{
    format_full, format_full_en, format_iso, format_month_day_time, format_month_day_time_en,
};
use domain::notices::{AffectedArea, OutageNotice};
use domain::outage::{HeatStatus, OutageKind, OutagePhase};
use leptos::prelude::*;

/// "11月28日 09:00" or "28 Nov 09:00".
pub fn month_day_time(lang: Lang, at: i64) -> String {
    match lang {
        Lang::Zh => format_month_day_time(at),
        Lang::En => format_month_day_time_en(at),
    }
}

/// "2026年11月28日 09:00" or "28 Nov 2026 09:00".
pub fn full_date_time(lang: Lang, at: i64) -> String {
    match lang {
        Lang::Zh => format_full(at),
        Lang::En => format_full_en(at),
    }
}

fn kind_label(lang: Lang, kind: OutageKind) -> &'static str {
    lang.t(kind.label(), kind.label_en())
}

fn phase_label(lang: Lang, phase: OutagePhase) -> &'static str {
    lang.t(phase.label(), phase.label_en())
}

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

/// A `<time>` element showing "11月28日 09:00" (English: "28 Nov 09:00").
#[component]
pub fn Moment(at: i64) -> impl IntoView {
    let lang = use_lang();
    view! { <time datetime=format_iso(at)>{month_day_time(lang, at)}</time> }
}

#[component]
pub fn OutageCard(notice: OutageNotice) -> impl IntoView {
    let lang = use_lang();
    let restore_line = match notice.restored_at {
        Some(at) if notice.phase == OutagePhase::Restored => view! {
            <dt>{lang.t("恢复时间", "Restored at")}</dt>
            <dd><Moment at /></dd>
        }
        .into_any(),
        _ => view! {
            <dt>{lang.t("预计恢复", "Expected back")}</dt>
            <dd><Moment at=notice.expected_restore_at /></dd>
        }
        .into_any(),
    };
    let update = notice.latest_update.clone().map(|u| {
        view! {
            <div class="outage__update">
                <p class="outage__update-label">{lang.t("最新进展 · ", "Latest update · ")} <Moment at=u.posted_at /></p>
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
                <span class=kind_badge_class(notice.kind)>{kind_label(lang, notice.kind)}</span>
                <span class=phase_badge_class(notice.phase)>{phase_label(lang, notice.phase)}</span>
            </div>
            <h3 class="outage__title">{notice.title}</h3>
            <p>{notice.cause}</p>
            <dl class="facts">
                <dt>{lang.t("停热时间", "Heat off from")}</dt>
                <dd><Moment at=notice.starts_at /></dd>
                {restore_line}
                <dt>{lang.t("供热单位", "Heating company")}</dt>
                <dd>{notice.company_name}</dd>
            </dl>
            <div class="outage__areas">
                <p class="outage__areas-label">{lang.t("影响范围", "Affected")}</p>
                <ul class="list">{areas}</ul>
            </div>
            {update}
        </article>
    }
}

#[component]
fn AreaLine(area: AffectedArea) -> impl IntoView {
    let lang = use_lang();
    // Building names come from the database as they are; only the words
    // around them follow the language.
    let buildings = if area.whole_community {
        lang.t("全部楼栋", "all buildings").to_string()
    } else {
        area.buildings.join(lang.t("、", ", "))
    };
    view! {
        <li>
            <strong>{area.district} " · " {area.community_name}</strong>
            {lang.t("：", ": ")} {buildings}
        </li>
    }
}

/// A large badge that says whether a building has heat now.
#[component]
pub fn HeatBadge(status: HeatStatus) -> impl IntoView {
    let lang = use_lang();
    let class = match status {
        HeatStatus::On => "heat heat--on",
        HeatStatus::OffByOutage => "heat heat--off",
        HeatStatus::OutOfSeason => "heat heat--idle",
    };
    view! {
        <p class=class data-heat=status.as_str()>
            <span class="heat__dot" aria-hidden="true"></span>
            {lang.t(status.label(), status.label_en())}
        </p>
    }
}
