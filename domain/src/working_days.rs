//! Working days: Monday to Friday, minus official holidays, plus the
//! make-up working days (调休上班) China's State Council announces each year.
//! Deadlines counted in working days (application review, 12345 replies)
//! use this calendar.

use crate::clock::{from_local, to_local, UnixSeconds};
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use translations::{text, Lang};

/// How a listed day breaks the ordinary week.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DayKind {
    /// 法定节假日: no work, even on a weekday.
    Holiday,
    /// 调休上班: work, even on a weekend.
    MakeUpWorkday,
}

impl DayKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Holiday => "holiday",
            Self::MakeUpWorkday => "workday",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Holiday, Self::MakeUpWorkday]
            .into_iter()
            .find(|k| k.as_str() == text)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Self::Holiday => text::day_kind_holiday(lang),
            Self::MakeUpWorkday => text::day_kind_make_up_workday(lang),
        }
    }
}

/// One listed day: "2026-10-01 法定节假日 国庆节".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarDay {
    pub day: NaiveDate,
    pub kind: DayKind,
    pub name: String,
}

impl CalendarDay {
    /// A day as stored ("2026-10-01", "holiday", "国庆节"); None when
    /// unreadable.
    pub fn from_stored(day: &str, kind: &str, name: String) -> Option<Self> {
        Some(Self {
            day: NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()?,
            kind: DayKind::parse(kind)?,
            name,
        })
    }
}

/// The days that break the Monday-to-Friday week.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkingCalendar {
    holidays: BTreeSet<NaiveDate>,
    make_up_workdays: BTreeSet<NaiveDate>,
}

/// No deadline is counted further than this many calendar days ahead
/// (a guard against a calendar that lists every day as a holiday).
const LONGEST_SEARCH_DAYS: u32 = 3 * 366;

impl WorkingCalendar {
    pub fn new(days: impl IntoIterator<Item = CalendarDay>) -> Self {
        let mut calendar = Self::default();
        for day in days {
            match day.kind {
                DayKind::Holiday => calendar.holidays.insert(day.day),
                DayKind::MakeUpWorkday => calendar.make_up_workdays.insert(day.day),
            };
        }
        calendar
    }

    /// Plain Monday-to-Friday weeks.
    pub fn empty() -> Self {
        Self::default()
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        if self.make_up_workdays.contains(&date) {
            return true;
        }
        if self.holidays.contains(&date) {
            return false;
        }
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// The end of the `days`-th working day after the (Shanghai) date of
    /// `from`, counting from the next day as the 12345 rules do; returned as
    /// the local midnight that starts the following day. `days == 0` is the
    /// end of `from`'s own day.
    pub fn add_working_days(&self, from: UnixSeconds, days: u32) -> UnixSeconds {
        let mut date = to_local(from).date_naive();
        let mut counted = 0;
        let mut searched = 0;
        while counted < days && searched < LONGEST_SEARCH_DAYS {
            date += Duration::days(1);
            searched += 1;
            if self.is_working_day(date) {
                counted += 1;
            }
        }
        start_of(date + Duration::days(1))
    }

    /// The local midnight that starts the latest working day beginning
    /// strictly before `due`: when "one working day before the deadline"
    /// begins.
    pub fn start_of_last_working_day_before(&self, due: UnixSeconds) -> UnixSeconds {
        let due_date = to_local(due).date_naive();
        let mut date = if start_of(due_date) < due {
            due_date
        } else {
            due_date - Duration::days(1)
        };
        for _ in 0..LONGEST_SEARCH_DAYS {
            if self.is_working_day(date) {
                return start_of(date);
            }
            date -= Duration::days(1);
        }
        start_of(date)
    }
}

/// Local (Shanghai) midnight at the start of `date`.
fn start_of(date: NaiveDate) -> UnixSeconds {
    from_local(date.and_hms_opt(0, 0, 0).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::local_instant;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn national_day_2026() -> WorkingCalendar {
        let holiday = |d| CalendarDay {
            day: date(2026, 10, d),
            kind: DayKind::Holiday,
            name: "国庆节".into(),
        };
        let mut days: Vec<CalendarDay> = (1..=7).map(holiday).collect();
        for (m, d) in [(9, 20), (10, 10)] {
            days.push(CalendarDay {
                day: date(2026, m, d),
                kind: DayKind::MakeUpWorkday,
                name: "国庆节调休上班".into(),
            });
        }
        WorkingCalendar::new(days)
    }

    #[test]
    fn weekends_holidays_and_make_up_days() {
        let calendar = national_day_2026();
        assert!(calendar.is_working_day(date(2026, 11, 27))); // Friday
        assert!(!calendar.is_working_day(date(2026, 11, 28))); // Saturday
        assert!(!calendar.is_working_day(date(2026, 10, 5))); // Monday, holiday
        assert!(calendar.is_working_day(date(2026, 10, 10))); // Saturday, make-up
        assert!(calendar.is_working_day(date(2026, 9, 20))); // Sunday, make-up
        assert!(WorkingCalendar::empty().is_working_day(date(2026, 10, 5)));
    }

    #[test]
    fn counting_starts_the_next_day_and_ends_at_midnight() {
        let calendar = national_day_2026();
        // Thursday 10:00 + 1 working day: the end of Friday.
        let thursday = local_instant(2026, 11, 26, 10).unwrap();
        assert_eq!(
            calendar.add_working_days(thursday, 1),
            local_instant(2026, 11, 28, 0).unwrap()
        );
        // Over the weekend: Friday + 3 → Mon, Tue, Wed → end of Wednesday.
        let friday = local_instant(2026, 11, 27, 16).unwrap();
        assert_eq!(
            calendar.add_working_days(friday, 3),
            local_instant(2026, 12, 3, 0).unwrap()
        );
        // Filed on a Saturday: Mon, Tue, Wed.
        let saturday = local_instant(2026, 11, 28, 9).unwrap();
        assert_eq!(
            calendar.add_working_days(saturday, 3),
            local_instant(2026, 12, 3, 0).unwrap()
        );
        // Zero days: the end of the same day.
        assert_eq!(
            calendar.add_working_days(thursday, 0),
            local_instant(2026, 11, 27, 0).unwrap()
        );
    }

    #[test]
    fn the_national_day_week_does_not_count() {
        let calendar = national_day_2026();
        // 30 Sep + 3: Oct 8 (Thu), 9 (Fri), 10 (make-up Sat) → end of Oct 10.
        let filed = local_instant(2026, 9, 30, 10).unwrap();
        assert_eq!(
            calendar.add_working_days(filed, 3),
            local_instant(2026, 10, 11, 0).unwrap()
        );
    }

    #[test]
    fn the_warning_starts_on_the_last_working_day() {
        let calendar = national_day_2026();
        // Due at the end of Thursday 26 Nov → yellow from Thursday 00:00.
        assert_eq!(
            calendar.start_of_last_working_day_before(local_instant(2026, 11, 27, 0).unwrap()),
            local_instant(2026, 11, 26, 0).unwrap()
        );
        // Due Monday 00:00 (the end of Sunday) → Friday 00:00.
        assert_eq!(
            calendar.start_of_last_working_day_before(local_instant(2026, 11, 30, 0).unwrap()),
            local_instant(2026, 11, 27, 0).unwrap()
        );
        // Due at the end of Thursday 8 Oct (after the holiday) → Oct 8 00:00.
        assert_eq!(
            calendar.start_of_last_working_day_before(local_instant(2026, 10, 9, 0).unwrap()),
            local_instant(2026, 10, 8, 0).unwrap()
        );
    }
}
