//! Money back when the heat fell short: the fee reduction for a home the
//! crew measured below the standard.
//!
//! 潍坊市供热条例 (in force 2021-05-01) Art. 37 has the company fix the
//! heating and refund on a tiered scale by temperature band, the first
//! band 16–18 ℃; 山东省供热条例 Art. 21 has the company reduce the fee
//! where it is at fault, by a method the city sets. The percentages of
//! Weifang's scale were in no copy found, so the scale is a setting
//! (`HEATDESK_FEE_REDUCTION_SCALE`), see docs/heating-fees.md. Its default
//! is Linyi's published scale (16–18 ℃ 20 %, 14–16 ℃ 50 %, below 14 ℃
//! 100 %), for comparison only, until the company enters its own.
//!
//! The reduction is the season's amount ÷ the season's days × the band's
//! share × the days below the standard, from the day measured to the day
//! the case was resolved (both counted), never more than the amount.
//! Nothing is reduced where the cause was inside the home (户内).

use super::money::{divide_rounding_half_up, Fen};
use crate::clock::{local_day_number, UnixSeconds};
use crate::measurement::CauseSide;
use serde::{Deserialize, Serialize};
use translations::{text, Lang};

/// One band of the scale: a lowest room temperature in
/// `[from_tenths, below_tenths)` (tenths of ℃; no lower bound when
/// `from_tenths` is `None`) reduces the fee by `percent` for each day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReductionBand {
    pub from_tenths: Option<i32>,
    pub below_tenths: i32,
    pub percent: i64,
}

/// The tiered scale, coldest band last.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReductionScale {
    bands: Vec<ReductionBand>,
}

/// Why a scale written in a setting was not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScaleError(pub String);

impl std::fmt::Display for ScaleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Default for ReductionScale {
    /// Linyi's scale, for comparison (see the module's text).
    fn default() -> Self {
        Self::parse("16-18:20,14-16:50,-14:100").expect("the default scale reads")
    }
}

/// "16.5" → 165
fn read_tenths(text: &str) -> Option<i32> {
    let (whole, tenth) = match text.trim().split_once('.') {
        Some((whole, tenth)) if tenth.len() == 1 => (whole, tenth),
        Some(_) => return None,
        None => (text.trim(), "0"),
    };
    let whole: i32 = whole.parse().ok()?;
    let tenth: i32 = tenth.parse().ok()?;
    (0..=40).contains(&whole).then_some(whole * 10 + tenth)
}

impl ReductionScale {
    /// Reads "16-18:20,14-16:50,-14:100": bands of ℃ (a missing lower
    /// bound means "below"), each with its percent. Bands may not overlap,
    /// none may reach above 18 ℃, and percents lie in 0..=100.
    pub fn parse(text: &str) -> Result<Self, ScaleError> {
        let mut bands = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let bad = || ScaleError(format!("band {part:?}: write it as FROM-BELOW:PERCENT"));
            let (range, percent) = part.split_once(':').ok_or_else(bad)?;
            let (from, below) = range.split_once('-').ok_or_else(bad)?;
            let from = if from.trim().is_empty() {
                None
            } else {
                Some(read_tenths(from).ok_or_else(bad)?)
            };
            let below = read_tenths(below).ok_or_else(bad)?;
            let percent: i64 = percent.trim().parse().map_err(|_| bad())?;
            if !(0..=100).contains(&percent) {
                return Err(ScaleError(format!(
                    "band {part:?}: the percent is 0 to 100"
                )));
            }
            if below > 180 || from.is_some_and(|from| from >= below) {
                return Err(ScaleError(format!(
                    "band {part:?}: a band lies below 18 ℃ and ends above where it starts"
                )));
            }
            bands.push(ReductionBand {
                from_tenths: from,
                below_tenths: below,
                percent,
            });
        }
        if bands.is_empty() {
            return Err(ScaleError("the scale has no band".to_string()));
        }
        bands.sort_by_key(|band| std::cmp::Reverse(band.below_tenths));
        for pair in bands.windows(2) {
            if pair[0]
                .from_tenths
                .is_none_or(|from| from < pair[1].below_tenths)
            {
                return Err(ScaleError("bands overlap".to_string()));
            }
        }
        Ok(Self { bands })
    }

    pub fn bands(&self) -> &[ReductionBand] {
        &self.bands
    }

    /// The percent for a lowest room temperature, 0 when none applies.
    pub fn percent_for(&self, lowest_tenths: i32) -> i64 {
        self.bands
            .iter()
            .find(|band| {
                lowest_tenths < band.below_tenths
                    && band.from_tenths.is_none_or(|from| lowest_tenths >= from)
            })
            .map_or(0, |band| band.percent)
    }
}

/// A below-standard measurement, as the reduction reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shortfall {
    pub lowest_tenths: i32,
    pub cause: Option<CauseSide>,
    pub measured_at: UnixSeconds,
    /// When the case was resolved (the heat restored).
    pub resolved_at: UnixSeconds,
}

impl Shortfall {
    /// Days below the standard, the day measured and the day resolved both
    /// counted, at least one.
    pub fn days(self) -> i64 {
        (local_day_number(self.resolved_at) - local_day_number(self.measured_at) + 1).max(1)
    }
}

/// The fee reduction for one shortfall on a season bill of `amount` over a
/// season of `season_days`.
pub fn reduction_for(
    shortfall: Shortfall,
    amount: Fen,
    season_days: i64,
    scale: &ReductionScale,
) -> Fen {
    if shortfall.cause == Some(CauseSide::Household) || season_days <= 0 || amount.0 <= 0 {
        return Fen::ZERO;
    }
    let percent = scale.percent_for(shortfall.lowest_tenths);
    let days = shortfall.days().min(season_days);
    let reduced = divide_rounding_half_up(
        i128::from(amount.0) * i128::from(percent) * i128::from(days),
        100 * i128::from(season_days),
    );
    Fen(reduced.min(amount.0))
}

/// The reason written on the bill: "2026-12-03 测得 16.5 ℃，未达标 5 天，减免 20%".
pub fn reduction_reason(shortfall: Shortfall, scale: &ReductionScale, lang: Lang) -> String {
    text::fees_reduction_reason(
        lang,
        crate::clock::format_date(shortfall.measured_at, lang),
        shortfall.days(),
        format!("{:.1}", f64::from(shortfall.lowest_tenths) / 10.0),
        scale.percent_for(shortfall.lowest_tenths),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const DAY: i64 = 86_400;
    // 2026-12-03 10:00 in Shanghai.
    const MEASURED: i64 = 1_796_263_200;

    fn shortfall(lowest: i32, days: i64) -> Shortfall {
        Shortfall {
            lowest_tenths: lowest,
            cause: Some(CauseSide::Network),
            measured_at: MEASURED,
            resolved_at: MEASURED + (days - 1) * DAY,
        }
    }

    #[test]
    fn the_default_scale_has_three_bands() {
        let scale = ReductionScale::default();
        assert_eq!(scale.percent_for(180), 0);
        assert_eq!(scale.percent_for(179), 20);
        assert_eq!(scale.percent_for(160), 20);
        assert_eq!(scale.percent_for(159), 50);
        assert_eq!(scale.percent_for(139), 100);
        assert_eq!(scale.percent_for(-50), 100);
    }

    #[test]
    fn scales_that_make_no_sense_are_refused() {
        for bad in [
            "",
            "16-18",
            "18-16:20",
            "16-19:20",
            "16-18:120",
            "15-18:20,14-16:50",
            "-18:5,-14:100",
            "a-b:1",
        ] {
            assert!(ReductionScale::parse(bad).is_err(), "{bad:?}");
        }
        assert!(ReductionScale::parse("16.5-18:10, 16-16.5:30, -16:100").is_ok());
    }

    #[test]
    fn a_week_at_sixteen_and_a_half_degrees() {
        // ¥2,000 over 151 days, 20 % for 7 days: 200000 × 0.2 × 7 / 151 = 1854.3 分.
        let scale = ReductionScale::default();
        assert_eq!(
            reduction_for(shortfall(165, 7), Fen(200_000), 151, &scale),
            Fen(1854)
        );
        assert_eq!(shortfall(165, 7).days(), 7);
        let inside = Shortfall {
            cause: Some(CauseSide::Household),
            ..shortfall(120, 30)
        };
        assert_eq!(reduction_for(inside, Fen(200_000), 151, &scale), Fen(0));
        assert_eq!(
            reduction_reason(shortfall(165, 7), &scale, Lang::Zh),
            "2026年12月3日测得 16.5 ℃，未达标 7 天，按 20% 减免"
        );
    }

    proptest! {
        #[test]
        fn a_reduction_never_exceeds_the_bill(
            lowest in -100i32..250, days in 1i64..400, amount in 0i64..10_000_000, season in 1i64..200,
        ) {
            let r = reduction_for(shortfall(lowest, days), Fen(amount), season, &ReductionScale::default());
            prop_assert!(r.0 >= 0 && r.0 <= amount);
        }

        #[test]
        fn colder_and_longer_never_reduce_less(
            lowest in 100i32..190, colder in 0i32..60, days in 1i64..100, more in 0i64..50,
            amount in 0i64..10_000_000,
        ) {
            let scale = ReductionScale::default();
            let base = reduction_for(shortfall(lowest, days), Fen(amount), 151, &scale);
            prop_assert!(base <= reduction_for(shortfall(lowest - colder, days), Fen(amount), 151, &scale));
            prop_assert!(base <= reduction_for(shortfall(lowest, days + more), Fen(amount), 151, &scale));
        }
    }
}
