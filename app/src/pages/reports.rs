//! 报表: the daily dispatch list, weekly analysis and monthly bulletin of the
//! dispatcher's company, as a GET form (the address keeps the period), with
//! SVG charts and a CSV download.

use crate::api::reports::load_report;
use crate::components::case::StateBadge;
use crate::components::charts::{BarList, ColumnChart};
use crate::components::feedback::loaded;
use crate::components::outage::Moment;
use crate::prefs::{use_lang, Lang};
use domain::reports::{PeriodKind, Rate, Report};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

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
        <Title text=lang.t("报表", "Reports") />
        <h1 class="page-title">{lang.t("报表", "Reports")}</h1>
        {loaded(report, move |report| view! { <ReportView report /> })}
    }
}

#[component]
fn ReportView(report: Report) -> impl IntoView {
    let lang = use_lang();
    let period = report.period;
    let kinds = PeriodKind::ALL
        .into_iter()
        .map(|kind| {
            view! {
                <option value=kind.as_str() selected=kind == period.kind>{lang.t(kind.label(), kind.label_en())}</option>
            }
        })
        .collect_view();
    let title = match lang {
        Lang::Zh => period.title(),
        Lang::En => period.title_en(),
    };
    let over_time_caption = match period.kind {
        PeriodKind::Day => lang.t("各时段新增工单", "Cases filed per hour"),
        _ => lang.t("每日新增工单", "Cases filed per day"),
    };
    let overdue_class = if report.overdue > 0 { "overdue" } else { "" };
    let average = report
        .average_rating_tenths
        .map_or("—".to_string(), |t| format!("{}.{}", t / 10, t % 10));
    let choose = view! {
        <form method="get" action="/reports" class="card filters report-period">
            <label class="field">
                <span class="field__label">{lang.t("报表", "Report")}</span>
                <select class="field__input" name="period">{kinds}</select>
            </label>
            <label class="field">
                <span class="field__label">{lang.t("日期", "Date")}</span>
                <input class="field__input" type="date" name="date" value=period.first_day.format("%Y-%m-%d").to_string() />
            </label>
            <button class="button" type="submit">{lang.t("查看", "Show")}</button>
        </form>
        <nav class="pager" aria-label=lang.t("切换时段", "Other periods")>
            <a href=format!("/reports?{}", period.previous().query())>{lang.t("‹ 上一期", "‹ Previous")}</a>
            <a href=format!("/reports?{}", period.next().query())>{lang.t("下一期 ›", "Next ›")}</a>
            <a class="button button--secondary" href=format!("/reports/cases.csv?{}", period.query()) download>
                {lang.t("导出 CSV", "Download CSV")}
            </a>
        </nav>
    }
    .into_any();
    let figures = view! {
        <section class="card">
            <dl class="figures">
                <div><dt>{lang.t("新增工单", "Filed")}</dt><dd>{report.filed}</dd></div>
                <div><dt>{lang.t("已办结", "Finished")}</dt><dd>{report.finished}</dd></div>
                <div class=overdue_class><dt>{lang.t("超期未响应", "Overdue")}</dt><dd>{report.overdue}</dd></div>
                <RateFigure label=lang.t("响应率", "Responded") rate=report.response />
                <RateFigure label=lang.t("按时响应率", "On time") rate=report.on_time />
                <RateFigure label=lang.t("办结率", "Closed") rate=report.closure />
                <RateFigure label=lang.t("满意率（4–5 星）", "Satisfied (4–5 stars)") rate=report.satisfaction />
                <div><dt>{lang.t("平均评分", "Average rating")}</dt><dd>{average}</dd></div>
            </dl>
            <p class="muted">{lang.t(
                "响应：抢修到场或完成审核；按时响应率只计已响应或已过期限的工单；办结率按本期新增工单计算。",
                "Response: crew on site or review decided; on time counts cases responded or past their deadline; closure counts cases filed in the period.",
            )}</p>
        </section>
    }
    .into_any();
    let charts = view! {
        <section class="card">
            <ColumnChart bars=report.over_time.clone() caption=over_time_caption />
        </section>
        <section class="card">
            <h3 class="card__title">{lang.t("按类型", "By type")}</h3>
            <BarList bars=report.by_kind.clone() caption=lang.t("各类工单数量（深色为超期）", "Cases by type (dark: overdue)") />
        </section>
        <section class="card">
            <h3 class="card__title">{lang.t("按换热站", "By station")}</h3>
            <BarList bars=report.by_station.clone() caption=lang.t("工单最多的 10 个换热站", "The 10 stations with most cases") />
        </section>
        <section class="card">
            <h3 class="card__title">{lang.t("按小区", "By community")}</h3>
            <BarList bars=report.by_community.clone() caption=lang.t("工单最多的 10 个小区", "The 10 communities with most cases") />
        </section>
    }
    .into_any();
    view! {
        {choose}
        <h2 class="report-title">{title}</h2>
        {figures}
        {charts}
        {(period.kind == PeriodKind::Day).then(|| view! { <DispatchList report=report.clone() /> })}
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
                    <td>{lang.t(case.kind.label(), case.kind.label_en())}</td>
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
            <h3 class="card__title">{lang.t("当日工单", "The day's cases")}</h3>
            <div class="table-wrap" tabindex="0" role="region" aria-label=lang.t("当日工单", "The day's cases")>
                <table class="table">
                    <thead><tr>
                        <th scope="col">{lang.t("编号", "No.")}</th>
                        <th scope="col">{lang.t("类型", "Type")}</th>
                        <th scope="col">{lang.t("状态", "State")}</th>
                        <th scope="col">{lang.t("小区", "Community")}</th>
                        <th scope="col">{lang.t("提交", "Filed")}</th>
                        <th scope="col">{lang.t("抢修队", "Crew")}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
    .into_any()
}
