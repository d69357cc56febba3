//! Reports (日调度、周分析、月通报): a period of the Shanghai calendar, the
//! cases filed in it, counted by kind, station and community, with the
//! response, on-time, closure and satisfaction rates; and the CSV a
//! dispatcher opens in a spreadsheet.

use crate::case_flow::{CaseKind, CaseState};
use crate::clock::{from_local, to_local, UnixSeconds};
use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use translations::{text, Lang};

/// Which report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PeriodKind {
    /// 日调度: one day.
    Day,
    /// 周分析: Monday to Sunday.
    Week,
    /// 月通报: a calendar month.
    Month,
}

impl PeriodKind {
    pub const ALL: [Self; 3] = [Self::Day, Self::Week, Self::Month];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Self::Day => text::period_kind_day(lang),
            Self::Week => text::period_kind_week(lang),
            Self::Month => text::period_kind_month(lang),
        }
    }
}

/// A report's period: its first day and its kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub kind: PeriodKind,
    /// The first day (a Monday for weeks, the 1st for months).
    pub first_day: NaiveDate,
}

impl Period {
    /// The period of `kind` that holds `day`.
    pub fn containing(kind: PeriodKind, day: NaiveDate) -> Self {
        let first_day = match kind {
            PeriodKind::Day => day,
            PeriodKind::Week => day - Days::new(u64::from(day.weekday().num_days_from_monday())),
            PeriodKind::Month => day.with_day(1).unwrap_or(day),
        };
        Self { kind, first_day }
    }

    /// Reads the report form's fields ("week", "2026-11-28"); a missing or
    /// unreadable kind is a day, a missing or unreadable date is `today`.
    pub fn from_form(kind: Option<&str>, date: Option<&str>, today: NaiveDate) -> Self {
        let kind = kind.and_then(PeriodKind::parse).unwrap_or(PeriodKind::Day);
        let day = date
            .and_then(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok())
            .unwrap_or(today);
        Self::containing(kind, day)
    }

    /// The day after the last one.
    pub fn end_day(&self) -> NaiveDate {
        match self.kind {
            PeriodKind::Day => self.first_day + Days::new(1),
            PeriodKind::Week => self.first_day + Days::new(7),
            PeriodKind::Month => self.first_day + Months::new(1),
        }
    }

    /// The period's instants, [start, end), Shanghai midnights.
    pub fn range(&self) -> (UnixSeconds, UnixSeconds) {
        (midnight(self.first_day), midnight(self.end_day()))
    }

    pub fn previous(&self) -> Self {
        Self::containing(self.kind, self.first_day - Days::new(1))
    }

    pub fn next(&self) -> Self {
        Self::containing(self.kind, self.end_day())
    }

    /// Its days, in order.
    pub fn days(&self) -> Vec<NaiveDate> {
        self.first_day
            .iter_days()
            .take_while(|d| *d < self.end_day())
            .collect()
    }

    /// "2026年11月28日 日调度", "2026年11月23日—11月29日 周分析",
    /// "2026年11月 月通报"
    pub fn title(&self, lang: Lang) -> String {
        let d = self.first_day;
        let last = self.end_day() - Days::new(1);
        let iso = |day: NaiveDate| day.format("%Y-%m-%d").to_string();
        match self.kind {
            // Parameters in alphabetical order: date, day, month, year.
            PeriodKind::Day => text::report_title_day(lang, iso(d), d.day(), d.month(), d.year()),
            // first, first-day, first-month, first-year, last, last-day, last-month.
            PeriodKind::Week => text::report_title_week(
                lang,
                iso(d),
                d.day(),
                d.month(),
                d.year(),
                iso(last),
                last.day(),
                last.month(),
            ),
            // month, month-number, year.
            PeriodKind::Month => {
                text::report_title_month(lang, d.format("%Y-%m").to_string(), d.month(), d.year())
            }
        }
    }

    /// As the address carries it: ("week", "2026-11-23").
    pub fn query(&self) -> String {
        format!(
            "period={}&date={}",
            self.kind.as_str(),
            self.first_day.format("%Y-%m-%d")
        )
    }
}

fn midnight(day: NaiveDate) -> UnixSeconds {
    from_local(day.and_hms_opt(0, 0, 0).unwrap_or_default())
}

/// One case as a report counts it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportCase {
    pub case_id: i64,
    pub case_no: String,
    pub kind: CaseKind,
    pub state: CaseState,
    pub station: String,
    pub community: String,
    pub summary: String,
    pub created_at: UnixSeconds,
    /// The response clock's end, if the case had one.
    pub due_at: Option<UnixSeconds>,
    pub responded_at: Option<UnixSeconds>,
    pub response_on_time: Option<bool>,
    pub closed_at: Option<UnixSeconds>,
    pub rating: Option<u8>,
    pub crew: Option<String>,
    /// A crew's measurement on site found the home below 18 ℃.
    pub measured_below: bool,
}

/// A share: how many of how many.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rate {
    pub count: u32,
    pub of: u32,
}

impl Rate {
    /// Per mille, rounded; none of none is no rate at all.
    pub fn per_mille(&self) -> Option<u32> {
        (self.of > 0).then(|| (self.count * 1000 + self.of / 2) / self.of)
    }

    /// "87.5%", or "—" when there is nothing to count.
    pub fn display(&self) -> String {
        self.per_mille()
            .map_or("—".to_string(), |m| format!("{}.{}%", m / 10, m % 10))
    }
}

/// A label and its count, for a bar.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub label: String,
    pub count: u32,
    /// Of these, past their response deadline without a response.
    pub overdue: u32,
}

/// A whole report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub period: Period,
    pub filed: u32,
    /// Filed in the period and finished by the time of reading.
    pub finished: u32,
    /// Still open past their response deadline.
    pub overdue: u32,
    /// Responded (crew on site, review decided) of those with a clock.
    pub response: Rate,
    /// Responded in time, of those whose clock has run out or was answered.
    pub on_time: Rate,
    /// Finished, of those filed.
    pub closure: Rate,
    /// Rated 4 or 5 stars, of those rated.
    pub satisfaction: Rate,
    /// Average stars, in tenths (43 = 4.3), when anyone rated.
    pub average_rating_tenths: Option<u32>,
    /// Complaints whose measurement on site found the home below 18 ℃.
    pub measured_below: u32,
    pub by_kind: Vec<Tally>,
    pub by_station: Vec<Tally>,
    pub by_community: Vec<Tally>,
    /// Filed per hour (a day) or per day (a week or a month): "08时" / "11-28".
    pub over_time: Vec<Tally>,
    /// The cases themselves, oldest first (the daily list shows them).
    pub cases: Vec<ReportCase>,
}

impl ReportCase {
    /// Whether the case is past its response deadline at `now` without a response.
    pub fn is_overdue(&self, now: UnixSeconds) -> bool {
        self.responded_at.is_none()
            && !self.state.is_final()
            && self.due_at.is_some_and(|due| due < now)
    }
}

/// Counts `cases` (those filed in `period`) as they stand at `now`.
pub fn build_report(period: Period, mut cases: Vec<ReportCase>, now: UnixSeconds) -> Report {
    let (start, end) = period.range();
    cases.retain(|c| c.created_at >= start && c.created_at < end);
    cases.sort_by_key(|c| (c.created_at, c.case_id));
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);

    let with_clock: Vec<&ReportCase> = cases.iter().filter(|c| c.due_at.is_some()).collect();
    let responded = with_clock
        .iter()
        .filter(|c| c.responded_at.is_some())
        .count();
    let settled: Vec<&&ReportCase> = with_clock
        .iter()
        .filter(|c| c.responded_at.is_some() || c.due_at.is_some_and(|d| d < now))
        .collect();
    let in_time = settled
        .iter()
        .filter(|c| c.response_on_time == Some(true))
        .count();
    let finished = cases.iter().filter(|c| c.state.is_final()).count();
    let ratings: Vec<u32> = cases
        .iter()
        .filter_map(|c| c.rating)
        .map(u32::from)
        .collect();
    let satisfied = ratings.iter().filter(|r| **r >= 4).count();
    let average_rating_tenths = (!ratings.is_empty()).then(|| {
        let sum: u32 = ratings.iter().sum();
        let n = count(ratings.len());
        (sum * 10 + n / 2) / n
    });

    let tally_by = |key: &dyn Fn(&ReportCase) -> String| -> Vec<Tally> {
        let mut map: BTreeMap<String, (u32, u32)> = BTreeMap::new();
        for case in &cases {
            let entry = map.entry(key(case)).or_default();
            entry.0 += 1;
            if case.is_overdue(now) {
                entry.1 += 1;
            }
        }
        let mut tallies: Vec<Tally> = map
            .into_iter()
            .map(|(label, (count, overdue))| Tally {
                label,
                count,
                overdue,
            })
            .collect();
        tallies.sort_by(|a, b| b.count.cmp(&a.count).then(a.label.cmp(&b.label)));
        tallies
    };
    let by_kind = CaseKind::ALL
        .into_iter()
        .map(|kind| {
            let of_kind = cases.iter().filter(|c| c.kind == kind);
            Tally {
                label: kind.label(Lang::Zh).to_string(),
                count: count(of_kind.clone().count()),
                overdue: count(of_kind.filter(|c| c.is_overdue(now)).count()),
            }
        })
        .filter(|t| t.count > 0)
        .collect();
    let by_station = tally_by(&|c| c.station.clone());
    let by_community = tally_by(&|c| c.community.clone());
    let over_time = match period.kind {
        PeriodKind::Day => (0..24)
            .map(|hour| Tally {
                label: format!("{hour:02}时"),
                count: count(
                    cases
                        .iter()
                        .filter(|c| {
                            to_local(c.created_at).format("%H").to_string() == format!("{hour:02}")
                        })
                        .count(),
                ),
                overdue: 0,
            })
            .collect(),
        PeriodKind::Week | PeriodKind::Month => period
            .days()
            .into_iter()
            .map(|day| Tally {
                label: day.format("%m-%d").to_string(),
                count: count(
                    cases
                        .iter()
                        .filter(|c| to_local(c.created_at).date_naive() == day)
                        .count(),
                ),
                overdue: 0,
            })
            .collect(),
    };
    Report {
        period,
        filed: count(cases.len()),
        finished: count(finished),
        overdue: count(cases.iter().filter(|c| c.is_overdue(now)).count()),
        response: Rate {
            count: count(responded),
            of: count(with_clock.len()),
        },
        on_time: Rate {
            count: count(in_time),
            of: count(settled.len()),
        },
        closure: Rate {
            count: count(finished),
            of: count(cases.len()),
        },
        satisfaction: Rate {
            count: count(satisfied),
            of: count(ratings.len()),
        },
        average_rating_tenths,
        measured_below: count(cases.iter().filter(|c| c.measured_below).count()),
        by_kind,
        by_station,
        by_community,
        over_time,
        cases,
    }
}

/// A cell as a spreadsheet must not run it: text starting like a formula
/// (`=`, `+`, `-`, `@`, tab, CR) gets a leading apostrophe.
fn defused(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// The CSV writer of every export: quoting and escaping are the `csv`
/// crate's (quotes only where needed), CRLF line ends.
fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Necessary)
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new())
}

/// Writes one record; writing to memory cannot fail.
fn write_record(writer: &mut csv::Writer<Vec<u8>>, cells: &[String]) {
    writer
        .write_record(cells.iter().map(|cell| defused(cell)))
        .ok();
}

/// One cell as it stands in a line of the export.
pub fn csv_cell(text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    let mut writer = csv_writer();
    write_record(&mut writer, &[text.to_string()]);
    let bytes = writer.into_inner().unwrap_or_default();
    let line = String::from_utf8(bytes).unwrap_or_default();
    line.strip_suffix("\r\n").unwrap_or(&line).to_string()
}

/// The report's cases as CSV (UTF-8 with a byte-order mark, CRLF lines, as
/// Excel on a Chinese Windows opens it), one row per case.
pub fn report_csv(report: &Report) -> String {
    let time = |t: Option<UnixSeconds>| {
        t.map(|t| to_local(t).format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default()
    };
    let header = [
        "工单编号",
        "类型",
        "状态",
        "换热站",
        "小区",
        "内容",
        "提交时间",
        "响应期限",
        "响应时间",
        "是否按时",
        "办结时间",
        "评分",
        "抢修队",
    ];
    let mut writer = csv_writer();
    write_record(&mut writer, &header.map(str::to_string));
    for case in &report.cases {
        let on_time = match case.response_on_time {
            Some(true) => "是",
            Some(false) => "否",
            None => "",
        };
        let row = [
            case.case_no.clone(),
            case.kind.label(Lang::Zh).to_string(),
            case.state.label(Lang::Zh).to_string(),
            case.station.clone(),
            case.community.clone(),
            case.summary.clone(),
            time(Some(case.created_at)),
            time(case.due_at),
            time(case.responded_at),
            on_time.to_string(),
            time(case.closed_at),
            case.rating.map(|r| r.to_string()).unwrap_or_default(),
            case.crew.clone().unwrap_or_default(),
        ];
        write_record(&mut writer, &row);
    }
    let body = String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default();
    format!("\u{feff}{body}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::local_instant;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn case(id: i64, kind: CaseKind, state: CaseState, created_at: UnixSeconds) -> ReportCase {
        ReportCase {
            case_id: id,
            case_no: format!("R{id}"),
            kind,
            state,
            station: "金宝站".to_string(),
            community: "金宝花园".to_string(),
            summary: "暖气不热".to_string(),
            created_at,
            due_at: Some(created_at + 7200),
            responded_at: None,
            response_on_time: None,
            closed_at: None,
            rating: None,
            crew: None,
            measured_below: false,
        }
    }

    #[test]
    fn complaints_measured_below_the_standard_are_counted() {
        let at = domain_instant();
        let mut below = case(1, CaseKind::Temperature, CaseState::OnSite, at);
        below.measured_below = true;
        let warm = case(2, CaseKind::Temperature, CaseState::OnSite, at);
        let period = Period::containing(PeriodKind::Day, day("2026-11-28"));
        let report = build_report(period, vec![below, warm], at + 60);
        assert_eq!((report.filed, report.measured_below), (2, 1));
    }

    fn domain_instant() -> UnixSeconds {
        crate::clock::local_instant(2026, 11, 28, 10).unwrap()
    }

    #[test]
    fn periods_follow_the_shanghai_calendar() {
        let saturday = day("2026-11-28");
        let week = Period::containing(PeriodKind::Week, saturday);
        assert_eq!(week.first_day, day("2026-11-23"));
        assert_eq!(week.end_day(), day("2026-11-30"));
        assert_eq!(week.days().len(), 7);
        assert_eq!(week.title(Lang::Zh), "2026年11月23日—11月29日 周分析");
        let month = Period::containing(PeriodKind::Month, saturday);
        assert_eq!(month.first_day, day("2026-11-01"));
        assert_eq!(month.days().len(), 30);
        assert_eq!(month.next().first_day, day("2026-12-01"));
        assert_eq!(month.previous().first_day, day("2026-10-01"));
        let feb = Period::containing(PeriodKind::Month, day("2028-02-10"));
        assert_eq!(feb.days().len(), 29);
        let one = Period::containing(PeriodKind::Day, saturday);
        let (start, end) = one.range();
        assert_eq!(start, local_instant(2026, 11, 28, 0).unwrap());
        assert_eq!(end - start, 24 * 3600);
        assert_eq!(one.title(Lang::Zh), "2026年11月28日 日调度");
        assert_eq!(one.query(), "period=day&date=2026-11-28");
        // Unreadable fields fall back to today's day.
        let fallback = Period::from_form(Some("year"), Some("28/11"), saturday);
        assert_eq!(fallback, one);
        assert_eq!(
            Period::from_form(Some("week"), Some("2026-11-25"), saturday),
            week
        );
    }

    #[test]
    fn rates_count_what_they_say() {
        let period = Period::containing(PeriodKind::Day, day("2026-11-28"));
        let (start, _) = period.range();
        let at = |h: i64| start + h * 3600;
        let now = at(20);
        let mut on_time = case(1, CaseKind::Repair, CaseState::Closed, at(8));
        on_time.responded_at = Some(at(9));
        on_time.response_on_time = Some(true);
        on_time.closed_at = Some(at(12));
        on_time.rating = Some(5);
        let mut late = case(2, CaseKind::Repair, CaseState::OnSite, at(9));
        late.responded_at = Some(at(12));
        late.response_on_time = Some(false);
        let overdue = case(3, CaseKind::Temperature, CaseState::Acknowledged, at(10));
        let waiting = case(4, CaseKind::Temperature, CaseState::Acknowledged, at(19));
        let mut rated_low = case(5, CaseKind::Repair, CaseState::Closed, at(7));
        rated_low.responded_at = Some(at(8));
        rated_low.response_on_time = Some(true);
        rated_low.rating = Some(2);
        let yesterday = case(6, CaseKind::Repair, CaseState::Acknowledged, start - 60);
        let report = build_report(
            period,
            vec![waiting, overdue, late, on_time, rated_low, yesterday],
            now,
        );
        assert_eq!(report.filed, 5, "yesterday's case is not in today's list");
        assert_eq!(report.cases.first().unwrap().case_id, 5, "oldest first");
        assert_eq!(report.finished, 2);
        assert_eq!(report.overdue, 1);
        assert_eq!(report.response, Rate { count: 3, of: 5 });
        // Settled: three responded, one overdue; the waiting one not yet.
        assert_eq!(report.on_time, Rate { count: 2, of: 4 });
        assert_eq!(report.on_time.display(), "50.0%");
        assert_eq!(report.closure, Rate { count: 2, of: 5 });
        assert_eq!(report.satisfaction, Rate { count: 1, of: 2 });
        assert_eq!(report.average_rating_tenths, Some(35));
        assert_eq!(report.by_kind[0].label, "室温投诉");
        assert_eq!(report.by_kind[0].count, 2);
        assert_eq!(report.by_kind[0].overdue, 1);
        assert_eq!(report.by_kind[1].count, 3);
        assert_eq!(
            report.by_station,
            vec![Tally {
                label: "金宝站".into(),
                count: 5,
                overdue: 1
            }]
        );
        assert_eq!(report.over_time.len(), 24);
        assert_eq!(report.over_time[8].label, "08时");
        assert_eq!(report.over_time[8].count, 1);
        assert_eq!(report.over_time.iter().map(|t| t.count).sum::<u32>(), 5);
    }

    #[test]
    fn an_empty_period_has_no_rates() {
        let period = Period::containing(PeriodKind::Month, day("2026-11-28"));
        let report = build_report(period, Vec::new(), 0);
        assert_eq!(report.filed, 0);
        assert_eq!(report.response.display(), "—");
        assert_eq!(report.average_rating_tenths, None);
        assert_eq!(report.over_time.len(), 30);
        assert!(report.by_kind.is_empty());
        assert_eq!(Rate { count: 2, of: 3 }.display(), "66.7%");
        assert_eq!(Rate { count: 3, of: 3 }.display(), "100.0%");
    }

    #[test]
    fn csv_cells_are_quoted_and_never_formulas() {
        assert_eq!(csv_cell("金宝花园"), "金宝花园");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("说\"冷\""), "\"说\"\"冷\"\"\"");
        assert_eq!(csv_cell("第一行\n第二行"), "\"第一行\n第二行\"");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("-1"), "'-1");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
    }

    #[test]
    fn csv_has_a_bom_a_header_and_a_row_per_case() {
        let period = Period::containing(PeriodKind::Day, day("2026-11-28"));
        let (start, _) = period.range();
        let mut one = case(1, CaseKind::Repair, CaseState::Closed, start + 8 * 3600);
        one.summary = "漏水, 紧急".to_string();
        one.rating = Some(4);
        one.response_on_time = Some(true);
        let report = build_report(period, vec![one], start + 20 * 3600);
        let csv = report_csv(&report);
        assert!(csv.starts_with('\u{feff}'));
        let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert_eq!(lines.len(), 3, "header, one row, the final line break");
        assert!(lines[0].starts_with("工单编号,类型,状态"));
        assert!(lines[1].starts_with("R1,故障报修,"));
        assert!(lines[1].contains("\"漏水, 紧急\""));
        assert!(lines[1].contains("2026-11-28 08:00"));
        assert!(lines[1].contains(",是,"));
        assert_eq!(lines[2], "");
    }
}
