//! 室温达标率 from indoor sensors: whether a home met the 18 ℃ standard on
//! a day (Shanghai clock), the share of each company's homes that did,
//! and which days the background job still has to (re)compute while late
//! data may change them.

use crate::clock::{from_local, UnixSeconds};
use crate::reports::Rate;
use crate::telemetry::{cold_spells, hour_of, is_excused, ColdRule, DAY, HOUR, LATE_WINDOW};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// A home's day counts only with at least this many hourly averages in
/// season and outside published outages: a sensor that reported half the
/// day says too little to call the day met.
pub const MIN_MEASURED_HOURS: usize = 12;

/// A day whose figures late data may still change is computed again at
/// most this often.
pub const REFRESH_EVERY: i64 = HOUR;

/// Days late data may still change a day's figures, as people are told.
pub const LATE_DAYS: i64 = LATE_WINDOW / DAY;

/// How many days back the job looks: the late window, and the day it
/// began in.
pub const REFRESH_DAYS: u64 = (LATE_WINDOW / DAY) as u64 + 1;

/// What a home's sensor says of one day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HomeDay {
    /// Out of season, or too few hours to judge.
    Unmeasured,
    Met,
    /// A cold spell (the cold rule's hours running below the standard)
    /// had at least one of its hours in the day.
    Below,
}

/// `[midnight, next midnight)` of a day on the Shanghai clock.
pub fn day_span(day: NaiveDate) -> (UnixSeconds, UnixSeconds) {
    let midnight = |d: NaiveDate| from_local(d.and_hms_opt(0, 0, 0).unwrap_or_default());
    (midnight(day), midnight(day + Days::new(1)))
}

/// The hours a day's verdict reads: the day, widened on each side by a
/// spell's length less an hour, so a spell that crosses midnight is seen
/// whole from both days.
pub fn hours_read(day: NaiveDate, rule: ColdRule) -> (UnixSeconds, UnixSeconds) {
    let (start, end) = day_span(day);
    let margin = i64::from(rule.hours.saturating_sub(1)) * HOUR;
    (start - margin, end + margin)
}

/// A home's day from its sensor's hourly averages `(hour, ℃)`: hours out
/// of season or inside an outage window `[from, to)` neither count nor
/// break a spell (as in the dispatcher's findings).
pub fn judge_home_day(
    hourly: &[(UnixSeconds, f64)],
    outages: &[(UnixSeconds, UnixSeconds)],
    in_season: impl Fn(UnixSeconds) -> bool,
    rule: ColdRule,
    day: NaiveDate,
) -> HomeDay {
    let (start, end) = day_span(day);
    let excused = |hour: UnixSeconds| is_excused(hour, outages, &in_season);
    let mut counted: Vec<UnixSeconds> = hourly
        .iter()
        .map(|&(hour, _)| hour_of(hour))
        .filter(|&hour| hour >= start && hour < end && !excused(hour))
        .collect();
    counted.sort_unstable();
    counted.dedup();
    if counted.len() < MIN_MEASURED_HOURS {
        return HomeDay::Unmeasured;
    }
    let below = cold_spells(hourly, outages, &in_season, rule)
        .iter()
        .any(|spell| spell.from < end && spell.to >= start);
    if below {
        HomeDay::Below
    } else {
        HomeDay::Met
    }
}

/// One company's homes on one day: how many were measured, how many of
/// those were below the standard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplianceDay {
    pub day: NaiveDate,
    pub company_id: i64,
    pub measured: u32,
    pub below: u32,
}

impl ComplianceDay {
    /// Counts the verdicts of a company's homes for a day.
    pub fn tally(
        day: NaiveDate,
        company_id: i64,
        verdicts: impl IntoIterator<Item = HomeDay>,
    ) -> Self {
        let mut tally = Self {
            day,
            company_id,
            measured: 0,
            below: 0,
        };
        for verdict in verdicts {
            match verdict {
                HomeDay::Unmeasured => {}
                HomeDay::Met => tally.measured += 1,
                HomeDay::Below => {
                    tally.measured += 1;
                    tally.below += 1;
                }
            }
        }
        tally
    }

    /// 达标率: homes that met the standard of the homes measured.
    pub fn rate(&self) -> Rate {
        Rate {
            count: self.measured.saturating_sub(self.below),
            of: self.measured,
        }
    }

    /// The rate of several days (or companies) together: every home-day
    /// counts once.
    pub fn sum<'a>(days: impl IntoIterator<Item = &'a ComplianceDay>) -> Rate {
        let (measured, below) = days
            .into_iter()
            .fold((0u32, 0u32), |(m, b), d| (m + d.measured, b + d.below));
        Rate {
            count: measured.saturating_sub(below),
            of: measured,
        }
    }
}

/// The days before `today` the job computes now, oldest first: the last
/// `REFRESH_DAYS` days that were never computed, or were computed before
/// their late window closed and not within the last `REFRESH_EVERY`.
/// `computed` holds each day's earliest computation time.
pub fn days_to_refresh(
    today: NaiveDate,
    computed: &[(NaiveDate, UnixSeconds)],
    now: UnixSeconds,
) -> Vec<NaiveDate> {
    (1..=REFRESH_DAYS)
        .rev()
        .filter_map(|back| today.checked_sub_days(Days::new(back)))
        .filter(|day| {
            let Some(&(_, at)) = computed.iter().find(|(d, _)| d == day) else {
                return true;
            };
            let (_, end) = day_span(*day);
            let final_after = end + LATE_WINDOW;
            at < final_after && at <= now - REFRESH_EVERY
        })
        .collect()
}

/// The ended days (before `today`) whose verdicts read any hour of
/// `[from, to)`, oldest first: the days to compute again once data for
/// those hours arrived at once, such as a back-fill or an import, whatever
/// `days_to_refresh` already did for them.
pub fn days_touched(
    from: UnixSeconds,
    to: UnixSeconds,
    today: NaiveDate,
    rule: ColdRule,
) -> Vec<NaiveDate> {
    if to <= from {
        return Vec::new();
    }
    let first = crate::clock::to_local(from).date_naive();
    let last = crate::clock::to_local(to - 1).date_naive();
    first
        .checked_sub_days(Days::new(1))
        .unwrap_or(first)
        .iter_days()
        .take_while(|day| *day <= last.succ_opt().unwrap_or(last) && *day < today)
        .filter(|day| {
            let (read_from, read_to) = hours_read(*day, rule);
            read_from < to && from < read_to
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    /// `count` hourly averages of `value` from `from`.
    fn hours(from: UnixSeconds, count: i64, value: f64) -> Vec<(UnixSeconds, f64)> {
        (0..count).map(|i| (from + i * HOUR, value)).collect()
    }

    const ALWAYS: fn(UnixSeconds) -> bool = |_| true;

    #[test]
    fn a_warm_day_is_met_and_a_cold_spell_makes_it_below() {
        let rule = ColdRule::default();
        let (start, _) = day_span(day(2));
        let mut warm = hours(start, 24, 20.5);
        assert_eq!(
            judge_home_day(&warm, &[], ALWAYS, rule, day(2)),
            HomeDay::Met
        );
        // Six hours at 16 ℃ from 02:00.
        for (i, hour) in warm.iter_mut().enumerate().skip(2).take(6) {
            *hour = (start + i as i64 * HOUR, 16.0);
        }
        assert_eq!(
            judge_home_day(&warm, &[], ALWAYS, rule, day(2)),
            HomeDay::Below
        );
        // Five cold hours are not a spell.
        warm[7].1 = 20.0;
        assert_eq!(
            judge_home_day(&warm, &[], ALWAYS, rule, day(2)),
            HomeDay::Met
        );
    }

    #[test]
    fn days_start_at_midnight_in_shanghai() {
        let rule = ColdRule::default();
        let (start, _) = day_span(day(2));
        // 2026-12-02 00:00 in Shanghai is 12-01 16:00 UTC.
        assert_eq!(start, 1_796_140_800);
        // Warm all of the 1st and the 2nd, cold 21:00-02:59 across midnight.
        let mut series = hours(start - DAY, 48, 21.0);
        for hour in series.iter_mut() {
            if hour.0 >= start - 3 * HOUR && hour.0 < start + 3 * HOUR {
                hour.1 = 15.0;
            }
        }
        for d in [day(1), day(2)] {
            let (from, to) = hours_read(d, rule);
            let read: Vec<_> = series
                .iter()
                .copied()
                .filter(|(h, _)| *h >= from && *h < to)
                .collect();
            assert_eq!(
                judge_home_day(&read, &[], ALWAYS, rule, d),
                HomeDay::Below,
                "{d}"
            );
        }
        // A spell that ended at 23:59 the day before is not the 3rd's.
        assert_eq!(
            judge_home_day(&series, &[], ALWAYS, rule, day(3)),
            HomeDay::Unmeasured
        );
    }

    #[test]
    fn outages_out_of_season_and_short_days_are_not_counted_against_a_home() {
        let rule = ColdRule::default();
        let (start, end) = day_span(day(2));
        let cold = hours(start, 24, 12.0);
        // A published outage over the whole day: nothing left to judge.
        assert_eq!(
            judge_home_day(&cold, &[(start, end)], ALWAYS, rule, day(2)),
            HomeDay::Unmeasured
        );
        // An outage covering the cold part of an otherwise warm day.
        let mut mixed = hours(start, 24, 20.0);
        for hour in mixed.iter_mut().take(8) {
            hour.1 = 12.0;
        }
        let outage = (start, start + 8 * HOUR);
        assert_eq!(
            judge_home_day(&mixed, &[outage], ALWAYS, rule, day(2)),
            HomeDay::Met
        );
        // Out of season.
        assert_eq!(
            judge_home_day(&cold, &[], |_| false, rule, day(2)),
            HomeDay::Unmeasured
        );
        // Eleven hours of data are too few; twelve are enough.
        let short = hours(start, 11, 12.0);
        assert_eq!(
            judge_home_day(&short, &[], ALWAYS, rule, day(2)),
            HomeDay::Unmeasured
        );
        let enough = hours(start, 12, 12.0);
        assert_eq!(
            judge_home_day(&enough, &[], ALWAYS, rule, day(2)),
            HomeDay::Below
        );
    }

    #[test]
    fn the_rate_counts_met_homes_of_measured_ones() {
        let tally = ComplianceDay::tally(
            day(2),
            7,
            [
                HomeDay::Met,
                HomeDay::Below,
                HomeDay::Unmeasured,
                HomeDay::Met,
            ],
        );
        assert_eq!((tally.measured, tally.below), (3, 1));
        assert_eq!(tally.rate().display(), "66.7%");
        let other = ComplianceDay::tally(day(3), 7, [HomeDay::Met]);
        assert_eq!(ComplianceDay::sum([&tally, &other]).display(), "75.0%");
        assert_eq!(ComplianceDay::tally(day(4), 7, []).rate().display(), "—");
    }

    #[test]
    fn days_are_computed_until_late_data_can_no_longer_change_them() {
        let today = day(10);
        let (midnight, _) = day_span(today);
        let now = midnight + 10 * HOUR;
        // Nothing computed: the last eight days, oldest first.
        let all = days_to_refresh(today, &[], now);
        assert_eq!(all.first(), Some(&day(2)));
        assert_eq!(all.last(), Some(&day(9)));
        assert_eq!(all.len(), REFRESH_DAYS as usize);
        // Computed ten minutes ago: not again yet.
        let recent: Vec<_> = all.iter().map(|d| (*d, now - 600)).collect();
        assert!(days_to_refresh(today, &recent, now).is_empty());
        // Computed two hours ago: again, except the 2nd, whose late window
        // closed at midnight, before that computation.
        let older: Vec<_> = all.iter().map(|d| (*d, now - 2 * HOUR)).collect();
        assert_eq!(days_to_refresh(today, &older, now), all[1..].to_vec());
        // Computed once before its window closed: once more.
        let (_, end_of_2nd) = day_span(day(2));
        let early_2nd = [(day(2), end_of_2nd + LATE_WINDOW - 1)];
        assert!(days_to_refresh(today, &early_2nd, now).contains(&day(2)));
    }

    #[test]
    fn a_back_fill_touches_the_ended_days_whose_verdicts_read_its_hours() {
        let rule = ColdRule::default();
        let today = day(10);
        let (midnight, _) = day_span(today);
        let now = midnight + 10 * HOUR;
        // From 10:00 on the 8th to now: the 8th and 9th, not today, which
        // has not ended.
        assert_eq!(
            days_touched(now - 2 * DAY, now, today, rule),
            vec![day(8), day(9)]
        );
        // From 02:00 on the 8th: also the 7th, whose verdict reads the
        // 8th's first hours (a spell across midnight).
        assert_eq!(
            days_touched(midnight - 2 * DAY + 2 * HOUR, now, today, rule),
            vec![day(7), day(8), day(9)]
        );
        // An hour at noon on the 5th touches only the 5th.
        let (fifth, _) = day_span(day(5));
        let noon = fifth + 12 * HOUR;
        assert_eq!(days_touched(noon, noon + HOUR, today, rule), vec![day(5)]);
        // The 5th's last hour also reaches the 6th's verdict.
        let last = fifth + 23 * HOUR;
        assert_eq!(
            days_touched(last, last + HOUR, today, rule),
            vec![day(5), day(6)]
        );
        // Today's first hours reach yesterday's verdict; later ones only
        // today's, which has not ended; an empty span touches nothing.
        assert_eq!(days_touched(midnight, now, today, rule), vec![day(9)]);
        assert!(days_touched(midnight + 6 * HOUR, now, today, rule).is_empty());
        assert!(days_touched(now, now, today, rule).is_empty());
    }

    proptest! {
        /// Warm homes always meet the standard; the order the hours come
        /// in never changes a verdict.
        #[test]
        fn verdicts_do_not_depend_on_order_and_warm_never_fails(
            values in proptest::collection::vec(10.0f64..26.0, 24..72),
            offset in 0i64..24,
        ) {
            let rule = ColdRule::default();
            let (start, _) = day_span(day(2));
            let series: Vec<(UnixSeconds, f64)> = values
                .iter()
                .enumerate()
                .map(|(i, v)| (start - offset * HOUR + i as i64 * HOUR, *v))
                .collect();
            let mut reversed = series.clone();
            reversed.reverse();
            prop_assert_eq!(
                judge_home_day(&series, &[], ALWAYS, rule, day(2)),
                judge_home_day(&reversed, &[], ALWAYS, rule, day(2))
            );
            let warm: Vec<_> = series.iter().map(|(h, v)| (*h, v.max(18.0))).collect();
            prop_assert_ne!(
                judge_home_day(&warm, &[], ALWAYS, rule, day(2)),
                HomeDay::Below
            );
        }

        /// A cold spell wholly inside a published outage never counts.
        #[test]
        fn an_outage_excuses_the_cold_it_covers(
            from in 0i64..18,
            length in 6i64..12,
        ) {
            let rule = ColdRule::default();
            let (start, _) = day_span(day(2));
            let series: Vec<_> = (0..24)
                .map(|i| {
                    let cold = i >= from && i < from + length;
                    (start + i * HOUR, if cold { 14.0 } else { 20.0 })
                })
                .collect();
            let outage = (start + from * HOUR, start + (from + length) * HOUR);
            prop_assert_eq!(
                judge_home_day(&series, &[], ALWAYS, rule, day(2)),
                HomeDay::Below
            );
            let judged = judge_home_day(&series, &[outage], ALWAYS, rule, day(2));
            let left = 24 - length as usize;
            let expected = if left >= MIN_MEASURED_HOURS { HomeDay::Met } else { HomeDay::Unmeasured };
            prop_assert_eq!(judged, expected);
        }
    }
}
