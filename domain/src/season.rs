//! The heating-season calendar: the regulated window (14 Nov 12:00 to
//! 15 Mar 12:00 in Shanghai by default), the city's announcements that move
//! it (an early start, an extension), and where "now" stands in it.

use crate::clock::{local_instant, to_local, UnixSeconds};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use translations::{text, Lang, Localize, StaticText};

/// A wall-clock point of the year: month, day and hour in Shanghai.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthDayHour {
    pub month: u32,
    pub day: u32,
    pub hour: u32,
}

impl MonthDayHour {
    /// Parses "11-14 12:00" or "11-14T12:00" (minutes must be zero).
    pub fn parse(text: &str) -> Result<Self, SeasonRuleError> {
        let invalid = || SeasonRuleError::Unreadable(text.to_string());
        let (date, time) = text.trim().split_once([' ', 'T']).ok_or_else(invalid)?;
        let (month, day) = date.split_once('-').ok_or_else(invalid)?;
        let (hour, minute) = time.split_once(':').ok_or_else(invalid)?;
        let parsed = Self {
            month: month.parse().map_err(|_| invalid())?,
            day: day.parse().map_err(|_| invalid())?,
            hour: hour.parse().map_err(|_| invalid())?,
        };
        if minute != "00" || parsed.instant_in(2024).is_none() {
            return Err(invalid());
        }
        Ok(parsed)
    }

    /// This point in the given year, as an instant.
    pub fn instant_in(self, year: i32) -> Option<UnixSeconds> {
        local_instant(year, self.month, self.day, self.hour)
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum SeasonRuleError {
    Unreadable(String),
    Implausible,
}

impl Localize for SeasonRuleError {
    fn say(&self, lang: Lang) -> Cow<'static, str> {
        match self {
            Self::Unreadable(written) => text::season_rule_unreadable(lang, written).into(),
            Self::Implausible => text::season_rule_implausible(lang).into(),
        }
    }
}

translations::localized_error!(SeasonRuleError);

/// When the season starts and ends by regulation, every year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeasonRule {
    /// Start, in the autumn of the season's first year.
    pub start: MonthDayHour,
    /// End, in the spring of the following year.
    pub end: MonthDayHour,
}

impl Default for SeasonRule {
    /// Weifang and Shandong: 14 November 12:00 to 15 March 12:00.
    fn default() -> Self {
        Self {
            start: MonthDayHour {
                month: 11,
                day: 14,
                hour: 12,
            },
            end: MonthDayHour {
                month: 3,
                day: 15,
                hour: 12,
            },
        }
    }
}

impl SeasonRule {
    pub fn new(start: MonthDayHour, end: MonthDayHour) -> Result<Self, SeasonRuleError> {
        let autumn = (8..=12).contains(&start.month);
        let spring = (1..=5).contains(&end.month);
        if !autumn || !spring {
            return Err(SeasonRuleError::Implausible);
        }
        Ok(Self { start, end })
    }

    /// The regulated window of the season that starts in `start_year`.
    pub fn window(&self, start_year: i32) -> SeasonWindow {
        // Feb 29 in a non-leap year falls back to Feb 28.
        let end = self
            .end
            .instant_in(start_year + 1)
            .or_else(|| local_instant(start_year + 1, self.end.month, 28, self.end.hour))
            .unwrap_or_default();
        SeasonWindow {
            start_year,
            start: self.start.instant_in(start_year).unwrap_or_default(),
            end,
        }
    }
}

/// The regulated windows: the rule, except for years whose dates the city
/// fixed otherwise (kept as rows in the store).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeasonCalendar {
    pub rule: SeasonRule,
    pub fixed: Vec<SeasonWindow>,
}

impl SeasonCalendar {
    pub fn regulated_window(&self, start_year: i32) -> SeasonWindow {
        self.fixed
            .iter()
            .find(|w| w.start_year == start_year)
            .copied()
            .unwrap_or_else(|| self.rule.window(start_year))
    }
}

/// One season's heating period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeasonWindow {
    /// The year in which the season starts (the 2026–2027 season is 2026).
    pub start_year: i32,
    pub start: UnixSeconds,
    pub end: UnixSeconds,
}

impl SeasonWindow {
    /// "2026—2027 供暖季", "2026–2027 heating season".
    pub fn label(&self, lang: Lang) -> String {
        season_label(self.start_year, lang)
    }

    /// Whether heat is due at `instant`: from the start, before the end.
    pub fn contains(&self, instant: UnixSeconds) -> bool {
        (self.start..self.end).contains(&instant)
    }

    /// Number of calendar days (Shanghai) the season touches.
    pub fn total_days(&self) -> u32 {
        calendar_day_number(self.start, self.end)
    }
}

/// What the city decided about one season.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AnnouncementKind {
    /// Heat starts before the regulated start (按程序提前供热).
    EarlyStart,
    /// Heat goes on after the regulated end (延长供热).
    Extension,
    /// From the given time, heat is reduced because a heat source is short
    /// (热源限供); the season's dates stay as they are.
    HeatSourceLimit,
}

impl AnnouncementKind {
    pub const ALL: [Self; 3] = [Self::EarlyStart, Self::Extension, Self::HeatSourceLimit];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::EarlyStart => "early_start",
            Self::Extension => "extension",
            Self::HeatSourceLimit => "heat_source_limit",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "early_start" => Some(Self::EarlyStart),
            "extension" => Some(Self::Extension),
            "heat_source_limit" => Some(Self::HeatSourceLimit),
            _ => None,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Self::EarlyStart => text::announcement_kind_early_start(lang),
            Self::Extension => text::announcement_kind_extension(lang),
            Self::HeatSourceLimit => text::announcement_kind_heat_source_limit(lang),
        }
    }

    /// Whether it moves the season's start or end.
    pub fn moves_the_season(self) -> bool {
        matches!(self, Self::EarlyStart | Self::Extension)
    }
}

/// A heating company a decision names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedCompany {
    pub id: i64,
    pub name: String,
}

/// A published decision that moves one season's start or end.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeasonAnnouncement {
    pub season_start_year: i32,
    pub kind: AnnouncementKind,
    /// The new start (early start) or new end (extension).
    pub effective_at: UnixSeconds,
    pub reason: String,
    pub published_at: UnixSeconds,
    /// The companies it applies to; none named: every company.
    #[serde(default)]
    pub companies: Vec<NamedCompany>,
}

impl SeasonAnnouncement {
    /// Whether it moves the season of buildings heated by `company` (of
    /// no company known: only decisions for every company do).
    pub fn applies_to(&self, company: Option<i64>) -> bool {
        self.companies.is_empty()
            || company.is_some_and(|id| self.companies.iter().any(|c| c.id == id))
    }

    /// "全市各供热单位" or "仅适用于：城东热电、高新供热".
    pub fn scope_label(&self, lang: Lang) -> String {
        if self.companies.is_empty() {
            return text::season_scope_city(lang).to_string();
        }
        let names: Vec<&str> = self.companies.iter().map(|c| c.name.as_str()).collect();
        text::season_scope_companies(lang, names.join(text::list_separator(lang)))
    }
}

/// The window after the announcements for its season: the earliest announced
/// start and the latest announced end win (a later decision can only move a
/// season further, never undo the regulated minimum).
pub fn effective_window(
    calendar: &SeasonCalendar,
    start_year: i32,
    announcements: &[SeasonAnnouncement],
) -> SeasonWindow {
    effective_window_for(calendar, start_year, announcements, None)
}

/// Like [`effective_window`], for the buildings of one company: decisions
/// for every company and those naming it count.
pub fn effective_window_for(
    calendar: &SeasonCalendar,
    start_year: i32,
    announcements: &[SeasonAnnouncement],
    company: Option<i64>,
) -> SeasonWindow {
    let mut window = calendar.regulated_window(start_year);
    for announcement in announcements
        .iter()
        .filter(|a| a.season_start_year == start_year && a.applies_to(company))
    {
        match announcement.kind {
            AnnouncementKind::EarlyStart => {
                window.start = window.start.min(announcement.effective_at);
            }
            AnnouncementKind::Extension => {
                window.end = window.end.max(announcement.effective_at);
            }
            AnnouncementKind::HeatSourceLimit => {}
        }
    }
    window
}

/// Where the season stands at one instant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SeasonPhase {
    /// Heat has not started yet; `until_start` counts down.
    Before { until_start: Countdown },
    /// Heat is on: today is calendar day `day` of `total_days`.
    During { day: u32, total_days: u32 },
}

/// The season in force or next to come, and where `now` stands in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeasonStatus {
    /// The regulated window.
    pub regulated: SeasonWindow,
    /// The window after announcements.
    pub effective: SeasonWindow,
    pub phase: SeasonPhase,
    /// The announcements that apply to this season, oldest first.
    pub announcements: Vec<SeasonAnnouncement>,
}

impl SeasonStatus {
    pub fn is_heating(&self) -> bool {
        matches!(self.phase, SeasonPhase::During { .. })
    }
}

/// Where the heating season stands at `now`: the season whose effective end
/// is still ahead, either running or about to start.
pub fn season_status(
    calendar: &SeasonCalendar,
    announcements: &[SeasonAnnouncement],
    now: UnixSeconds,
) -> SeasonStatus {
    season_status_for(calendar, announcements, now, None)
}

/// Like [`season_status`], for the buildings of one company (`None`: the
/// city as a whole, whose window only decisions for every company move;
/// it still lists the decisions for some, with whom they apply to).
pub fn season_status_for(
    calendar: &SeasonCalendar,
    announcements: &[SeasonAnnouncement],
    now: UnixSeconds,
    company: Option<i64>,
) -> SeasonStatus {
    let year = chrono::Datelike::year(&to_local(now));
    let start_year = [year - 1, year]
        .into_iter()
        .find(|&y| now < effective_window_for(calendar, y, announcements, company).end)
        .unwrap_or(year + 1);
    let regulated = calendar.regulated_window(start_year);
    let effective = effective_window_for(calendar, start_year, announcements, company);
    let phase = if now < effective.start {
        SeasonPhase::Before {
            until_start: Countdown::between(now, effective.start),
        }
    } else {
        SeasonPhase::During {
            day: calendar_day_number(effective.start, now),
            total_days: effective.total_days(),
        }
    };
    let mut applying: Vec<SeasonAnnouncement> = announcements
        .iter()
        .filter(|a| {
            a.season_start_year == start_year && (company.is_none() || a.applies_to(company))
        })
        .cloned()
        .collect();
    applying.sort_by_key(|a| a.published_at);
    SeasonStatus {
        regulated,
        effective,
        phase,
        announcements: applying,
    }
}

/// The calendar day (1-based, Shanghai dates) on which `at` falls, counting
/// the day of `from` as day 1.
fn calendar_day_number(from: UnixSeconds, at: UnixSeconds) -> u32 {
    let days = (to_local(at).date_naive() - to_local(from).date_naive()).num_days();
    u32::try_from(days + 1).unwrap_or(0)
}

/// Time left until an instant, split for display.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Countdown {
    pub days: i64,
    pub hours: i64,
    pub minutes: i64,
}

impl Countdown {
    pub fn between(now: UnixSeconds, then: UnixSeconds) -> Self {
        let total_minutes = (then - now).max(0) / 60;
        Self {
            days: total_minutes / (24 * 60),
            hours: total_minutes / 60 % 24,
            minutes: total_minutes % 60,
        }
    }

    /// "12 天 3 小时", or "3 小时 20 分钟" on the last day.
    pub fn describe(&self, lang: Lang) -> String {
        let count = |n: i64, one: StaticText, many: fn(Lang, i64) -> String| {
            if n == 1 {
                one(lang).to_string()
            } else {
                many(lang, n)
            }
        };
        let days = count(self.days, text::countdown_one_day, |l, n| {
            text::countdown_days(l, n)
        });
        let hours = count(self.hours, text::countdown_one_hour, |l, n| {
            text::countdown_hours(l, n)
        });
        if self.days > 0 {
            format!("{days} {hours}")
        } else {
            let minutes = count(self.minutes, text::countdown_one_minute, |l, n| {
                text::countdown_minutes(l, n)
            });
            format!("{hours} {minutes}")
        }
    }
}

/// "2026—2027 供暖季": the season starting in `start_year`.
pub fn season_label(start_year: i32, lang: Lang) -> String {
    text::season_label(lang, start_year + 1, start_year)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(year: i32, month: u32, day: u32, hour: u32) -> UnixSeconds {
        local_instant(year, month, day, hour).unwrap()
    }

    #[test]
    fn default_rule_is_the_shandong_regulation() {
        let window = SeasonRule::default().window(2026);
        assert_eq!(window.start, at(2026, 11, 14, 12));
        assert_eq!(window.end, at(2027, 3, 15, 12));
        assert_eq!(window.label(Lang::Zh), "2026—2027 供暖季");
        assert_eq!(window.label(Lang::En), "2026\u{2013}2027 heating season");
        // 17 days of November, 31 + 31 + 28 + 15.
        assert_eq!(window.total_days(), 122);
    }

    #[test]
    fn in_summer_the_next_season_counts_down() {
        let status = season_status(&SeasonCalendar::default(), &[], at(2026, 7, 1, 0));
        assert_eq!(status.effective.start_year, 2026);
        let SeasonPhase::Before { until_start } = status.phase else {
            panic!("expected a countdown, got {:?}", status.phase);
        };
        // 1 July 00:00 to 14 November 12:00: 136 days and 12 hours.
        assert_eq!(
            until_start,
            Countdown {
                days: 136,
                hours: 12,
                minutes: 0
            }
        );
        assert!(!status.is_heating());
    }

    #[test]
    fn one_minute_before_start_is_still_before() {
        let status = season_status(&SeasonCalendar::default(), &[], at(2026, 11, 14, 12) - 60);
        assert_eq!(
            status.phase,
            SeasonPhase::Before {
                until_start: Countdown {
                    days: 0,
                    hours: 0,
                    minutes: 1
                }
            }
        );
    }

    #[test]
    fn the_start_instant_is_day_one() {
        let status = season_status(&SeasonCalendar::default(), &[], at(2026, 11, 14, 12));
        assert_eq!(
            status.phase,
            SeasonPhase::During {
                day: 1,
                total_days: 122
            }
        );
    }

    #[test]
    fn day_numbers_follow_shanghai_dates() {
        // 28 Nov 2026 00:30 Shanghai is still 27 Nov in UTC.
        let now = at(2026, 11, 28, 0) + 30 * 60;
        let status = season_status(&SeasonCalendar::default(), &[], now);
        assert_eq!(
            status.phase,
            SeasonPhase::During {
                day: 15,
                total_days: 122
            }
        );
    }

    #[test]
    fn january_belongs_to_the_season_that_started_the_year_before() {
        let status = season_status(&SeasonCalendar::default(), &[], at(2027, 1, 10, 9));
        assert_eq!(status.effective.start_year, 2026);
        assert!(status.is_heating());
    }

    #[test]
    fn the_end_instant_belongs_to_the_next_season() {
        let status = season_status(&SeasonCalendar::default(), &[], at(2027, 3, 15, 12));
        assert_eq!(status.effective.start_year, 2027);
        assert!(!status.is_heating());
    }

    #[test]
    fn an_early_start_moves_the_start_and_is_listed() {
        let early = SeasonAnnouncement {
            season_start_year: 2026,
            kind: AnnouncementKind::EarlyStart,
            effective_at: at(2026, 11, 8, 12),
            reason: "寒潮提前来袭".into(),
            published_at: at(2026, 11, 5, 10),
            companies: Vec::new(),
        };
        let status = season_status(
            &SeasonCalendar::default(),
            std::slice::from_ref(&early),
            at(2026, 11, 10, 8),
        );
        assert_eq!(
            status.phase,
            SeasonPhase::During {
                day: 3,
                total_days: 128
            }
        );
        assert_eq!(status.regulated.start, at(2026, 11, 14, 12));
        assert_eq!(status.announcements, vec![early]);
    }

    #[test]
    fn an_extension_keeps_heat_on_past_the_regulated_end() {
        let extension = SeasonAnnouncement {
            season_start_year: 2026,
            kind: AnnouncementKind::Extension,
            effective_at: at(2027, 3, 22, 12),
            reason: "倒春寒".into(),
            published_at: at(2027, 3, 10, 10),
            companies: Vec::new(),
        };
        let status = season_status(&SeasonCalendar::default(), &[extension], at(2027, 3, 18, 9));
        assert_eq!(status.effective.start_year, 2026);
        assert!(status.is_heating());
        assert_eq!(status.effective.end, at(2027, 3, 22, 12));
    }

    #[test]
    fn an_announcement_for_another_season_changes_nothing() {
        let other = SeasonAnnouncement {
            season_start_year: 2025,
            kind: AnnouncementKind::EarlyStart,
            effective_at: at(2025, 11, 1, 12),
            reason: "寒潮".into(),
            published_at: at(2025, 10, 30, 10),
            companies: Vec::new(),
        };
        let status = season_status(&SeasonCalendar::default(), &[other], at(2026, 11, 10, 8));
        assert!(!status.is_heating());
        assert!(status.announcements.is_empty());
    }

    #[test]
    fn a_late_announcement_never_shortens_the_season() {
        let later_start = SeasonAnnouncement {
            season_start_year: 2026,
            kind: AnnouncementKind::EarlyStart,
            effective_at: at(2026, 11, 20, 12),
            reason: "误报".into(),
            published_at: at(2026, 11, 1, 10),
            companies: Vec::new(),
        };
        let window = effective_window(&SeasonCalendar::default(), 2026, &[later_start]);
        assert_eq!(window.start, at(2026, 11, 14, 12));
    }

    #[test]
    fn a_fixed_window_replaces_the_rule_for_its_year() {
        let fixed = SeasonWindow {
            start_year: 2026,
            start: at(2026, 11, 10, 12),
            end: at(2027, 3, 20, 12),
        };
        let calendar = SeasonCalendar {
            rule: SeasonRule::default(),
            fixed: vec![fixed],
        };
        assert_eq!(calendar.regulated_window(2026), fixed);
        assert_eq!(calendar.regulated_window(2027).start, at(2027, 11, 14, 12));
        assert!(season_status(&calendar, &[], at(2026, 11, 11, 8)).is_heating());
    }

    #[test]
    fn announcement_kinds_have_english_labels() {
        assert_eq!(AnnouncementKind::EarlyStart.label(Lang::Zh), "提前供热");
        assert_eq!(AnnouncementKind::EarlyStart.label(Lang::En), "Early start");
        assert_eq!(AnnouncementKind::Extension.label(Lang::Zh), "延长供热");
        assert_eq!(
            AnnouncementKind::Extension.label(Lang::En),
            "Extended heating"
        );
    }

    #[test]
    fn rule_parsing_accepts_the_documented_form_only() {
        assert_eq!(
            MonthDayHour::parse("11-14 12:00"),
            Ok(MonthDayHour {
                month: 11,
                day: 14,
                hour: 12
            })
        );
        assert_eq!(
            MonthDayHour::parse("3-15T12:00"),
            Ok(MonthDayHour {
                month: 3,
                day: 15,
                hour: 12
            })
        );
        assert!(MonthDayHour::parse("11-31 12:00").is_err());
        assert!(MonthDayHour::parse("11-14 12:30").is_err());
        assert!(MonthDayHour::parse("tomorrow").is_err());
        let spring = MonthDayHour {
            month: 3,
            day: 15,
            hour: 12,
        };
        assert_eq!(
            SeasonRule::new(spring, spring),
            Err(SeasonRuleError::Implausible)
        );
    }

    #[test]
    fn countdown_describes_days_then_minutes() {
        assert_eq!(
            Countdown::between(0, 3 * 86_400 + 7_200 + 59).describe(Lang::Zh),
            "3 天 2 小时"
        );
        assert_eq!(
            Countdown::between(0, 7_200 + 600).describe(Lang::Zh),
            "2 小时 10 分钟"
        );
        assert_eq!(
            Countdown::between(0, 3 * 86_400 + 7_200 + 59).describe(Lang::En),
            "3 days 2 hours"
        );
        assert_eq!(
            Countdown::between(0, 7_200 + 600).describe(Lang::En),
            "2 hours 10 minutes"
        );
        assert_eq!(
            Countdown::between(0, 86_400 + 3_600).describe(Lang::En),
            "1 day 1 hour"
        );
        assert_eq!(
            Countdown::between(0, 60).describe(Lang::En),
            "0 hours 1 minute"
        );
        assert_eq!(
            Countdown::between(100, 0),
            Countdown {
                days: 0,
                hours: 0,
                minutes: 0
            }
        );
    }

    #[test]
    fn a_decision_for_named_companies_moves_only_their_season() {
        let extension = SeasonAnnouncement {
            season_start_year: 2026,
            kind: AnnouncementKind::Extension,
            effective_at: at(2027, 3, 25, 12),
            reason: "倒春寒".into(),
            published_at: at(2027, 3, 10, 10),
            companies: vec![NamedCompany {
                id: 2,
                name: "城东热电".into(),
            }],
        };
        let calendar = SeasonCalendar::default();
        let now = at(2027, 3, 20, 8);
        let anns = std::slice::from_ref(&extension);
        let theirs = season_status_for(&calendar, anns, now, Some(2));
        assert!(theirs.is_heating());
        assert_eq!(theirs.effective.end, at(2027, 3, 25, 12));
        let others = season_status_for(&calendar, anns, now, Some(1));
        assert!(!others.is_heating());
        assert!(others.announcements.is_empty());
        // The city as a whole keeps the regulated end but lists it, scoped.
        let city = season_status(&calendar, anns, at(2027, 3, 12, 8));
        assert_eq!(city.effective.end, calendar.regulated_window(2026).end);
        assert_eq!(city.announcements.len(), 1);
        assert_eq!(
            city.announcements[0].scope_label(Lang::Zh),
            "仅适用于：城东热电"
        );
        assert!(extension.applies_to(Some(2)) && !extension.applies_to(None));
    }
}
