//! Indoor temperature readings of a building over the last days, as its
//! property manager sees them: per day, the lowest and the average.

use crate::clock::{to_local, UnixSeconds};
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

/// One day's readings of a building (tenths of a degree).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyReading {
    pub day: NaiveDate,
    /// None when nobody measured that day.
    pub lowest: Option<i32>,
    pub average: Option<i32>,
    pub count: u32,
}

/// The last `days` Shanghai days up to `now`'s, oldest first, each with the
/// readings taken on it; days without a reading are kept (gaps show).
pub fn daily_readings(
    readings: &[(UnixSeconds, i32)],
    days: u32,
    now: UnixSeconds,
) -> Vec<DailyReading> {
    let today = to_local(now).date_naive();
    (0..i64::from(days))
        .rev()
        .map(|back| {
            let day = today - Duration::days(back);
            let of_day: Vec<i32> = readings
                .iter()
                .filter(|(at, _)| to_local(*at).date_naive() == day)
                .map(|(_, tenths)| *tenths)
                .collect();
            let count = of_day.len() as u32;
            DailyReading {
                day,
                lowest: of_day.iter().min().copied(),
                average: (count > 0).then(|| {
                    let sum: i64 = of_day.iter().map(|t| i64::from(*t)).sum();
                    (sum as f64 / f64::from(count)).round() as i32
                }),
                count,
            }
        })
        .collect()
}

/// The lowest reading of the days given, if any.
pub fn lowest_of(days: &[DailyReading]) -> Option<i32> {
    days.iter().filter_map(|d| d.lowest).min()
}

/// The vertical scale of a chart of readings: from `floor` to `ceiling`
/// tenths, always showing the 18 ℃ standard with room around it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChartScale {
    pub floor: i32,
    pub ceiling: i32,
}

impl ChartScale {
    pub fn for_days(days: &[DailyReading]) -> Self {
        Self::for_values(days.iter().flat_map(|d| [d.lowest, d.average]).flatten())
    }

    /// A scale for these readings (tenths).
    pub fn for_values(values: impl Iterator<Item = i32>) -> Self {
        let (low, high) = values.fold((150, 220), |(lo, hi), v| (lo.min(v), hi.max(v)));
        // Whole degrees, one degree of air above and below.
        Self {
            floor: (low / 10 - 1) * 10,
            ceiling: (high / 10 + 2) * 10,
        }
    }

    /// Where `tenths` falls on a chart `height` high (0 at the top).
    pub fn y(&self, tenths: i32, height: f64) -> f64 {
        let span = f64::from((self.ceiling - self.floor).max(1));
        height * (1.0 - f64::from(tenths - self.floor) / span)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::local_instant;

    #[test]
    fn readings_fall_on_their_shanghai_day() {
        let now = local_instant(2026, 11, 28, 10).unwrap();
        let readings = [
            (local_instant(2026, 11, 28, 8).unwrap(), 165),
            (local_instant(2026, 11, 28, 9).unwrap(), 175),
            // 23:30 on the 26th in Shanghai is still the 26th.
            (local_instant(2026, 11, 26, 23).unwrap() + 1800, 150),
            (local_instant(2026, 11, 10, 9).unwrap(), 100),
        ];
        let days = daily_readings(&readings, 7, now);
        assert_eq!(days.len(), 7);
        assert_eq!(days[6].day, NaiveDate::from_ymd_opt(2026, 11, 28).unwrap());
        assert_eq!(
            (days[6].lowest, days[6].average, days[6].count),
            (Some(165), Some(170), 2)
        );
        assert_eq!(days[4].lowest, Some(150));
        assert_eq!(days[5].lowest, None);
        assert_eq!(
            lowest_of(&days),
            Some(150),
            "the reading of the 10th is older than 7 days"
        );
    }

    #[test]
    fn the_scale_always_shows_the_standard() {
        let empty = daily_readings(&[], 7, 0);
        let scale = ChartScale::for_days(&empty);
        assert!(scale.floor < 180 && scale.ceiling > 180);
        assert_eq!(scale.y(scale.ceiling, 100.0), 0.0);
        assert_eq!(scale.y(scale.floor, 100.0), 100.0);
        let cold = [DailyReading {
            day: NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
            lowest: Some(85),
            average: Some(120),
            count: 3,
        }];
        assert!(ChartScale::for_days(&cold).floor <= 80);
    }
}
