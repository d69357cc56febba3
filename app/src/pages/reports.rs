//! 报表: the daily dispatch list, weekly analysis and monthly bulletin of the
//! dispatcher's company, as a GET form (the address keeps the period), with
//! SVG charts and a CSV download; for the city's heating authority, every
//! company's figures for the period side by side.

use crate::api::reports::load_report;
use crate::components::case::StateBadge;
use crate::components::charts::{BarList, ColumnChart};
use crate::components::feedback::loaded;
use crate::components::outage::Moment;
use crate::prefs::use_lang;
use domain::city_report::{CityReport, CompanyFigures, DayCompliance, ReportView};
use domain::compliance::{LATE_DAYS, MIN_MEASURED_HOURS};
use domain::reports::{Period, PeriodKind, Rate, Report};
use domain::telemetry::ColdRule;
use domain::triage::STANDARD_MIN_TENTHS;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use translations::text;

#[component]
pub fn ReportsPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let report = Resource::new(
        move || {
            let q = query.read();
            (q.get("period"), q.get("date"))
        },
        |(period, date)| load_report(period, date),
    );
    view! {
        <Title text=text::layout_reports(lang) />
        <h1 class="page-title">{text::layout_reports(lang)}</h1>
        {loaded(report, move |report| match report {
            ReportView::Company(report) => view! { <CompanyReport report /> }.into_any(),
            ReportView::City(report) => view! { <CityFigures report /> }.into_any(),
        })}
    }
}

/// The period's form and the links to the periods around it (and the
/// period's cases as CSV, when `csv`).
#[component]
fn PeriodChooser(period: Period, csv: bool) -> impl IntoView {
    let lang = use_lang();
    let kinds = PeriodKind::ALL
        .into_iter()
        .map(|kind| {
            view! {
                <option value=kind.as_str() selected=kind == period.kind>{kind.label(lang)}</option>
            }
        })
        .collect_view();
    view! {
        <form method="get" action="/reports" class="card filters report-period">
            <label class="field">
                <span class="field__label">{text::reports_report(lang)}</span>
                <select class="field__input" name="period">{kinds}</select>
            </label>
            <label class="field">
                <span class="field__label">{text::case_rules_date(lang)}</span>
                <input class="field__input" type="date" name="date" value=period.first_day.format("%Y-%m-%d").to_string() />
            </label>
            <button class="button" type="submit">{text::reports_show(lang)}</button>
        </form>
        <nav class="pager" aria-label=text::reports_other_periods(lang)>
            <a href=format!("/reports?{}", period.previous().query())>{text::reports_previous(lang)}</a>
            <a href=format!("/reports?{}", period.next().query())>{text::reports_next(lang)}</a>
            {csv.then(|| view! {
                <a class="button button--secondary" href=format!("/reports/cases.csv?{}", period.query()) download>
                    {text::reports_download_csv(lang)}
                </a>
            })}
        </nav>
    }
}

/// Stars in tenths as "4.3", or "—" when nobody rated.
fn average_stars(tenths: Option<u32>) -> String {
    tenths.map_or("—".to_string(), |t| format!("{}.{}", t / 10, t % 10))
}

#[component]
fn CompanyReport(report: Report) -> impl IntoView {
    let lang = use_lang();
    let period = report.period;
    let title = period.title(lang);
    let over_time_caption = match period.kind {
        PeriodKind::Day => text::reports_cases_filed_per_hour(lang),
        _ => text::reports_cases_filed_per_day(lang),
    };
    let overdue_class = if report.overdue > 0 { "overdue" } else { "" };
    let average = average_stars(report.average_rating_tenths);
    let figures = view! {
        <section class="card">
            <dl class="figures">
                <div><dt>{text::reports_filed(lang)}</dt><dd>{report.filed}</dd></div>
                <div><dt>{text::reports_finished(lang)}</dt><dd>{report.finished}</dd></div>
                <div class=overdue_class><dt>{text::reports_overdue(lang)}</dt><dd>{report.overdue}</dd></div>
                <RateFigure label=text::reports_responded(lang) rate=report.response />
                <RateFigure label=text::reports_on_time(lang) rate=report.on_time />
                <RateFigure label=text::reports_closed(lang) rate=report.closure />
                <RateFigure label=text::reports_satisfied_4_5_stars(lang) rate=report.satisfaction />
                <div><dt>{text::reports_average_rating(lang)}</dt><dd>{average}</dd></div>
                <div><dt>{text::reports_measured_below(lang)}</dt><dd>{report.measured_below}</dd></div>
            </dl>
            <p class="muted">{text::reports_response_crew_on_site_or_review(lang)}</p>
        </section>
    }
    .into_any();
    let charts = view! {
        <section class="card">
            <ColumnChart bars=report.over_time.clone() caption=over_time_caption />
        </section>
        <section class="card">
            <h3 class="card__title">{text::reports_by_type(lang)}</h3>
            <BarList bars=report.by_kind.clone() caption=text::reports_cases_by_type_dark_overdue(lang) />
        </section>
        <section class="card">
            <h3 class="card__title">{text::reports_by_station(lang)}</h3>
            <BarList bars=report.by_station.clone() caption=text::reports_the_10_stations_with_most_cases(lang) />
        </section>
        <section class="card">
            <h3 class="card__title">{text::reports_by_community(lang)}</h3>
            <BarList bars=report.by_community.clone() caption=text::reports_the_10_communities_with_most_cases(lang) />
        </section>
    }
    .into_any();
    view! {
        <PeriodChooser period csv=true />
        <h2 class="report-title">{title}</h2>
        {figures}
        {charts}
        {(period.kind == PeriodKind::Day).then(|| view! { <DispatchList report=report.clone() /> })}
    }
    .into_any()
}

/// The city's view: one row per company, and the city's total below.
#[component]
fn CityFigures(report: CityReport) -> impl IntoView {
    let lang = use_lang();
    let period = report.period;
    let row = move |figures: CompanyFigures, total: bool| {
        let name = if total {
            text::reports_city_total(lang).to_string()
        } else {
            figures.company
        };
        let overdue = |n: u32| if n > 0 { "overdue" } else { "" };
        view! {
            <tr>
                <th scope="row">{name}</th>
                <td>{figures.filed}</td>
                <td>{figures.finished}</td>
                <td class=overdue(figures.overdue)>{figures.overdue}</td>
                <td>{figures.hotline_orders}</td>
                <td class=overdue(figures.hotline_overdue)>{figures.hotline_overdue}</td>
                <td>{figures.on_time.display()}</td>
                <td>{figures.closure.display()}</td>
                <td>{figures.satisfaction.display()}</td>
                <td>{average_stars(figures.average_rating_tenths)}</td>
                <td>{figures.measured_below}</td>
                <td>{figures.compliance.display()}</td>
            </tr>
        }
    };
    let rows = report
        .companies
        .clone()
        .into_iter()
        .map(|figures| row(figures, false))
        .collect_view();
    let caption = text::reports_city_caption(lang);
    let companies: Vec<String> = report
        .companies
        .iter()
        .map(|figures| figures.company.clone())
        .collect();
    view! {
        <PeriodChooser period csv=false />
        <h2 class="report-title">{period.title(lang)}</h2>
        <section class="card">
            <div class="table-wrap" tabindex="0" role="region" aria-label=caption>
                <table class="table city-figures">
                    <caption>{caption}</caption>
                    <thead><tr>
                        <th scope="col">{text::reports_company(lang)}</th>
                        <th scope="col">{text::reports_filed(lang)}</th>
                        <th scope="col">{text::reports_finished(lang)}</th>
                        <th scope="col">{text::reports_overdue(lang)}</th>
                        <th scope="col">{text::reports_hotline_orders(lang)}</th>
                        <th scope="col">{text::reports_hotline_overdue(lang)}</th>
                        <th scope="col">{text::reports_on_time(lang)}</th>
                        <th scope="col">{text::reports_closed(lang)}</th>
                        <th scope="col">{text::reports_satisfied_4_5_stars(lang)}</th>
                        <th scope="col">{text::reports_average_rating(lang)}</th>
                        <th scope="col">{text::reports_measured_below(lang)}</th>
                        <th scope="col">{text::reports_compliance(lang)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                    <tfoot>{row(report.city, true)}</tfoot>
                </table>
            </div>
            <p class="muted">{text::reports_response_crew_on_site_or_review(lang)}</p>
        </section>
        <ComplianceDays companies=companies days=report.compliance_days />
    }
    .into_any()
}

/// 室温达标率 of each day of the period: a row per day, a column per
/// company and the city's.
#[component]
fn ComplianceDays(companies: Vec<String>, days: Vec<DayCompliance>) -> impl IntoView {
    let lang = use_lang();
    let heads = companies
        .into_iter()
        .map(|company| view! { <th scope="col">{company}</th> })
        .collect_view();
    let rows = days
        .into_iter()
        .map(|day| {
            let rates = day
                .companies
                .iter()
                .map(|rate| view! { <td>{rate.display()}</td> })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">{day.day.format("%m-%d").to_string()}</th>
                    {rates}
                    <td>{day.city.display()}</td>
                </tr>
            }
        })
        .collect_view();
    let caption = text::reports_compliance_per_day(lang);
    let note = text::reports_compliance_note(
        lang,
        STANDARD_MIN_TENTHS / 10,
        LATE_DAYS,
        MIN_MEASURED_HOURS,
        ColdRule::default().hours,
    );
    view! {
        <section class="card compliance-days">
            <h3 class="card__title">{caption}</h3>
            <div class="table-wrap" tabindex="0" role="region" aria-label=caption>
                <table class="table">
                    <thead><tr>
                        <th scope="col">{text::reports_day(lang)}</th>
                        {heads}
                        <th scope="col">{text::reports_city_total(lang)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <p class="muted">{note}</p>
        </section>
    }
    .into_any()
}

#[component]
fn RateFigure(label: &'static str, rate: Rate) -> impl IntoView {
    view! {
        <div>
            <dt>{label}</dt>
            <dd>{rate.display()}<span class="muted figures__of">{format!(" {}/{}", rate.count, rate.of)}</span></dd>
        </div>
    }
}

/// 日调度: every case of the day, with its state and crew.
#[component]
fn DispatchList(report: Report) -> impl IntoView {
    let lang = use_lang();
    let rows = report
        .cases
        .into_iter()
        .map(|case| {
            view! {
                <tr>
                    <th scope="row"><a href=format!("/cases/{}", case.case_id)>{case.case_no}</a></th>
                    <td>{case.kind.label(lang)}</td>
                    <td><StateBadge state=case.state /></td>
                    <td>{case.community}</td>
                    <td><Moment at=case.created_at /></td>
                    <td>{case.crew.unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card">
            <h3 class="card__title">{text::reports_the_day_s_cases(lang)}</h3>
            <div class="table-wrap" tabindex="0" role="region" aria-label=text::reports_the_day_s_cases(lang)>
                <table class="table">
                    <thead><tr>
                        <th scope="col">{text::reports_no(lang)}</th>
                        <th scope="col">{text::cases_type(lang)}</th>
                        <th scope="col">{text::cases_state(lang)}</th>
                        <th scope="col">{text::building_community(lang)}</th>
                        <th scope="col">{text::reports_filed_2(lang)}</th>
                        <th scope="col">{text::cases_crew(lang)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
    .into_any()
}
