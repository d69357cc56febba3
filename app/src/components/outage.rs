//! Outage cards and heat badges.

use crate::prefs::{use_lang, Lang};
use domain::clock::{format_full, format_iso, format_month_day_time};
use domain::notices::{AffectedArea, OutageNotice};
use domain::outage::{HeatStatus, OutageKind, OutagePhase};
use domain::outage_desk::TimelineEntry;
use leptos::prelude::*;
use translations::text;

/// "11月28日 09:00" or "28 Nov 09:00".
pub fn month_day_time(lang: Lang, at: i64) -> String {
    format_month_day_time(at, lang)
}

/// "2026年11月28日 09:00" or "28 Nov 2026 09:00".
pub fn full_date_time(lang: Lang, at: i64) -> String {
    format_full(at, lang)
}

fn kind_label(lang: Lang, kind: OutageKind) -> &'static str {
    kind.label(lang)
}

fn phase_label(lang: Lang, kind: OutageKind, phase: OutagePhase) -> &'static str {
    phase.label_for(kind, lang)
}

fn kind_badge_class(kind: OutageKind) -> &'static str {
    match kind {
        OutageKind::Emergency => "badge badge--danger",
        OutageKind::Planned => "badge badge--warning",
        OutageKind::Commissioning | OutageKind::HeatSource => "badge badge--info",
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
            <dt>{text::outage_restored_at(lang)}</dt>
            <dd><Moment at /></dd>
        }
        .into_any(),
        _ => view! {
            <dt>{text::outage_expected_back(lang)}</dt>
            <dd><Moment at=notice.expected_restore_at /></dd>
        }
        .into_any(),
    };
    let update = notice.latest_update.clone().map(|u| {
        view! {
            <div class="outage__update">
                <p class="outage__update-label">{text::outage_latest_update(lang)} <Moment at=u.posted_at /></p>
                <p>{u.message}</p>
            </div>
        }
    });
    let phase = if notice.cancelled {
        view! { <span class="badge">{text::outage_status_cancelled(lang)}</span> }.into_any()
    } else {
        view! { <span class=phase_badge_class(notice.phase)>{phase_label(lang, notice.kind, notice.phase)}</span> }
            .into_any()
    };
    let short_notice = (!notice.short_notice_reason.is_empty()).then(|| {
        view! {
            <p class="outage__short-notice">{text::outage_short_notice(lang)}{notice.short_notice_reason.clone()}</p>
        }
    });
    let contact = (!notice.contact.is_empty()).then(|| {
        view! {
            <dt>{text::outage_contact(lang)}</dt>
            <dd>{notice.contact.clone()}</dd>
        }
    });
    // A notice for the lobby while the outage is ahead or under way.
    let print = (notice.phase != OutagePhase::Restored).then(|| {
        view! {
            <p class="outage__print">
                <a href=format!("/outages/{}/notice", notice.id) rel="external nofollow">{text::print_notice_print(lang)}</a>
            </p>
        }
    });
    view! {
        <article
            class="card outage"
            class:outage--ongoing=notice.phase == OutagePhase::Ongoing
            data-outage-id=notice.id
            data-phase=notice.phase.as_str()
        >
            <div class="outage__badges">
                <span class=kind_badge_class(notice.kind)>{kind_label(lang, notice.kind)}</span>
                {phase}
            </div>
            <h3 class="outage__title"><a href=format!("/outages/{}", notice.id)>{notice.title}</a></h3>
            <p>{notice.cause}</p>
            {short_notice}
            <dl class="facts">
                <dt>{text::outage_heat_off_from(lang)}</dt>
                <dd><Moment at=notice.starts_at /></dd>
                {restore_line}
                <dt>{text::outage_heating_company(lang)}</dt>
                <dd>{notice.company_name}</dd>
                {contact}
            </dl>
            <AreaList areas=notice.areas />
            {update}
            {print}
        </article>
    }
}

/// The communities an outage touches and which of their buildings.
#[component]
pub fn AreaList(areas: Vec<AffectedArea>) -> impl IntoView {
    let lang = use_lang();
    let lines = areas
        .into_iter()
        .map(|area| view! { <AreaLine area /> })
        .collect_view();
    view! {
        <div class="outage__areas">
            <p class="outage__areas-label">{text::outage_affected(lang)}</p>
            <ul class="list">{lines}</ul>
        </div>
    }
}

/// An outage's progress notes, oldest first, with the restore times they set.
#[component]
pub fn Timeline(entries: Vec<TimelineEntry>) -> impl IntoView {
    let lang = use_lang();
    if entries.is_empty() {
        return ().into_any();
    }
    let items = entries
        .into_iter()
        .map(|entry| {
            let moved = entry.expected_restore_at.map(|at| {
                view! {
                    <p class="timeline__moved">{text::outage_restore_moved_to(lang)}" "<Moment at /></p>
                }
            });
            view! {
                <li class="timeline__entry">
                    <p class="timeline__when"><Moment at=entry.posted_at /></p>
                    <p>{entry.message}</p>
                    {moved}
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card" id="timeline">
            <h2 class="card__title">{text::outage_timeline(lang)}</h2>
            <ol class="timeline">{items}</ol>
        </section>
    }
    .into_any()
}

#[component]
fn AreaLine(area: AffectedArea) -> impl IntoView {
    let lang = use_lang();
    // Building names come from the database as they are; only the words
    // around them follow the language.
    let buildings = if area.whole_community {
        text::outage_all_buildings(lang).to_string()
    } else {
        area.buildings.join(text::list_separator(lang))
    };
    view! {
        <li>
            <strong>{area.district} " · " {area.community_name}</strong>
            {text::outage_colon(lang)} {buildings}
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
        HeatStatus::Reduced => "heat heat--reduced",
        HeatStatus::OutOfSeason => "heat heat--idle",
    };
    view! {
        <p class=class data-heat=status.as_str()>
            <span class="heat__dot" aria-hidden="true"></span>
            {status.label(lang)}
        </p>
    }
}
