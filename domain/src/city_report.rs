//! The city's oversight view (市供热主管部门): every company's figures for
//! one period side by side — cases filed, finished and overdue, 12345
//! orders, responses in time, satisfaction and indoor compliance
//! (室温达标率) from sensors, per period and per day — and the city's
//! total, counted by the same rules as a company's own report.

use crate::clock::UnixSeconds;
use crate::compliance::ComplianceDay;
use crate::reports::{build_report, Period, Rate, Report, ReportCase};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A case as the city counts it: whose it is, and whether it came in as
/// a 12345 order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CityCase {
    pub company_id: i64,
    pub from_hotline: bool,
    pub case: ReportCase,
}

/// One company's (or the city's) figures for the period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyFigures {
    /// The company's short name; empty for the city's total.
    pub company: String,
    pub filed: u32,
    pub finished: u32,
    /// Still open past their response deadline.
    pub overdue: u32,
    /// Cases that came in as 12345 orders.
    pub hotline_orders: u32,
    /// Of those, still open past their response deadline.
    pub hotline_overdue: u32,
    pub on_time: Rate,
    pub closure: Rate,
    pub satisfaction: Rate,
    pub average_rating_tenths: Option<u32>,
    /// Complaints measured on site below 18 ℃.
    pub measured_below: u32,
    /// 室温达标率 over the period's days: home-days that met the standard
    /// of the home-days measured.
    pub compliance: Rate,
}

/// Which report a person reads at /reports: their company's, or, for the
/// city's heating authority, every company's side by side.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReportView {
    Company(Report),
    City(CityReport),
}

/// Every company's figures, in the order the companies were given, and
/// the city's total.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CityReport {
    pub period: Period,
    pub companies: Vec<CompanyFigures>,
    pub city: CompanyFigures,
    /// Each day of the period: every company's 达标率, then the city's.
    pub compliance_days: Vec<DayCompliance>,
}

/// One day's 室温达标率: each company's, in the order of the report's
/// companies, and the city's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCompliance {
    pub day: NaiveDate,
    pub companies: Vec<Rate>,
    pub city: Rate,
}

fn figures(
    company: String,
    report: &Report,
    hotline: &[&ReportCase],
    compliance: Rate,
    now: UnixSeconds,
) -> CompanyFigures {
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let (start, end) = report.period.range();
    let hotline: Vec<&&ReportCase> = hotline
        .iter()
        .filter(|c| c.created_at >= start && c.created_at < end)
        .collect();
    CompanyFigures {
        company,
        filed: report.filed,
        finished: report.finished,
        overdue: report.overdue,
        hotline_orders: count(hotline.len()),
        hotline_overdue: count(hotline.iter().filter(|c| c.is_overdue(now)).count()),
        on_time: report.on_time,
        closure: report.closure,
        satisfaction: report.satisfaction,
        average_rating_tenths: report.average_rating_tenths,
        measured_below: report.measured_below,
        compliance,
    }
}

/// Counts `cases` per company of `companies` (id, short name) as they
/// stand at `now`, and sums the computed `compliance` days in the period;
/// a company without cases shows zeros, and a case (or day) of a company
/// not listed counts only in the city's total.
pub fn build_city_report(
    period: Period,
    companies: &[(i64, String)],
    cases: Vec<CityCase>,
    compliance: &[ComplianceDay],
    now: UnixSeconds,
) -> CityReport {
    let days = period.days();
    let compliance: Vec<&ComplianceDay> = compliance
        .iter()
        .filter(|c| days.contains(&c.day))
        .collect();
    let rate_of = |company: Option<i64>, day: Option<NaiveDate>| {
        ComplianceDay::sum(compliance.iter().copied().filter(|c| {
            company.is_none_or(|id| c.company_id == id) && day.is_none_or(|d| c.day == d)
        }))
    };
    let of_company = |id: Option<i64>| -> (Vec<ReportCase>, Vec<&ReportCase>) {
        let chosen: Vec<&CityCase> = cases
            .iter()
            .filter(|c| id.is_none_or(|id| c.company_id == id))
            .collect();
        (
            chosen.iter().map(|c| c.case.clone()).collect(),
            chosen
                .iter()
                .filter(|c| c.from_hotline)
                .map(|c| &c.case)
                .collect(),
        )
    };
    let figures_of_companies = companies
        .iter()
        .map(|(id, name)| {
            let (all, hotline) = of_company(Some(*id));
            let report = build_report(period, all, now);
            figures(
                name.clone(),
                &report,
                &hotline,
                rate_of(Some(*id), None),
                now,
            )
        })
        .collect();
    let (all, hotline) = of_company(None);
    let city = figures(
        String::new(),
        &build_report(period, all, now),
        &hotline,
        rate_of(None, None),
        now,
    );
    let compliance_days = days
        .into_iter()
        .map(|day| DayCompliance {
            day,
            companies: companies
                .iter()
                .map(|(id, _)| rate_of(Some(*id), Some(day)))
                .collect(),
            city: rate_of(None, Some(day)),
        })
        .collect();
    CityReport {
        period,
        companies: figures_of_companies,
        city,
        compliance_days,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case_flow::{CaseKind, CaseState};
    use crate::reports::PeriodKind;
    use chrono::NaiveDate;

    fn city_case(
        id: i64,
        company_id: i64,
        from_hotline: bool,
        state: CaseState,
        created_at: UnixSeconds,
    ) -> CityCase {
        CityCase {
            company_id,
            from_hotline,
            case: ReportCase {
                case_id: id,
                case_no: format!("R{id}"),
                kind: CaseKind::Temperature,
                state,
                station: "金宝站".to_string(),
                community: "金宝花园".to_string(),
                summary: "暖气不热".to_string(),
                created_at,
                due_at: Some(created_at + 3600),
                responded_at: None,
                response_on_time: None,
                closed_at: None,
                rating: None,
                crew: None,
                measured_below: false,
            },
        }
    }

    #[test]
    fn each_company_side_by_side_and_the_city_in_total() {
        let period = Period::containing(
            PeriodKind::Day,
            NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
        );
        let (start, end) = period.range();
        let now = start + 20 * 3600;
        let mut rated = city_case(1, 1, false, CaseState::Closed, start + 8 * 3600);
        rated.case.rating = Some(5);
        rated.case.responded_at = Some(start + 8 * 3600 + 600);
        rated.case.response_on_time = Some(true);
        let cases = vec![
            rated,
            // A 12345 order past its deadline.
            city_case(2, 1, true, CaseState::Acknowledged, start + 9 * 3600),
            city_case(3, 2, true, CaseState::Closed, start + 10 * 3600),
            // Filed the day before: not in this period.
            city_case(4, 2, true, CaseState::Acknowledged, start - 3600),
            // A company not listed: the city's total only.
            city_case(5, 9, false, CaseState::Acknowledged, end - 60),
        ];
        let companies = [
            (1, "热力一公司".to_string()),
            (2, "热电公司".to_string()),
            (3, "新城供热".to_string()),
        ];
        let report = build_city_report(period, &companies, cases, &[], now);
        let row = |f: &CompanyFigures| {
            (
                f.company.clone(),
                f.filed,
                f.finished,
                f.overdue,
                f.hotline_orders,
                f.hotline_overdue,
            )
        };
        assert_eq!(
            report.companies.iter().map(row).collect::<Vec<_>>(),
            vec![
                ("热力一公司".to_string(), 2, 1, 1, 1, 1),
                ("热电公司".to_string(), 1, 1, 0, 1, 0),
                ("新城供热".to_string(), 0, 0, 0, 0, 0),
            ]
        );
        assert_eq!(row(&report.city), (String::new(), 4, 2, 1, 2, 1));
        assert_eq!(report.companies[0].satisfaction.display(), "100.0%");
        assert_eq!(report.companies[0].average_rating_tenths, Some(50));
        assert_eq!(report.companies[2].satisfaction.per_mille(), None);
    }

    #[test]
    fn compliance_per_company_per_day_and_over_the_week() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        let period = Period::containing(PeriodKind::Week, day(25));
        let tally = |d, company, measured, below| ComplianceDay {
            day: day(d),
            company_id: company,
            measured,
            below,
        };
        let compliance = [
            tally(23, 1, 100, 5),
            tally(24, 1, 100, 15),
            tally(23, 2, 40, 0),
            // A company not listed: the city only.
            tally(23, 9, 10, 10),
            // Before the week: not counted.
            tally(22, 1, 100, 100),
        ];
        let companies = [(1, "热力一公司".to_string()), (2, "热电公司".to_string())];
        let (start, _) = period.range();
        let report = build_city_report(period, &companies, vec![], &compliance, start);
        assert_eq!(report.companies[0].compliance.display(), "90.0%");
        assert_eq!(report.companies[1].compliance.display(), "100.0%");
        // (95 + 85 + 40 + 0) / 250
        assert_eq!(report.city.compliance.display(), "88.0%");
        assert_eq!(report.compliance_days.len(), 7);
        let monday = &report.compliance_days[0];
        assert_eq!(monday.day, day(23));
        assert_eq!(
            monday
                .companies
                .iter()
                .map(Rate::display)
                .collect::<Vec<_>>(),
            vec!["95.0%", "100.0%"]
        );
        assert_eq!(monday.city.display(), "90.0%");
        // A day nothing was computed for shows no rate, not 0 %.
        assert_eq!(report.compliance_days[6].city.display(), "—");
    }
}
