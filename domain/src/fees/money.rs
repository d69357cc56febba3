//! Money in whole 分 (fen), never floating point: amounts as the portal
//! shows them ("1,234.56" is never parsed; "1234.56" is), and heated area
//! in hundredths of a square metre.

use serde::{Deserialize, Serialize};
use std::fmt;
use translations::{text, StaticText};

/// The largest amount anything in the portal handles: 一千万元. Far above
/// any household's season bill, far below where `i64` arithmetic on areas
/// and prices could overflow.
pub const MAX_FEN: i64 = 1_000_000_000;

/// The largest heated area of one household: 100,000 m².
pub const MAX_CENTI_M2: i64 = 10_000_000;

/// An amount of money in 分.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Fen(pub i64);

impl Fen {
    pub const ZERO: Fen = Fen(0);

    /// "1234.56": yuan with exactly two decimals, as providers and
    /// receipts write it (Alipay's `total_amount`, the payments CSV).
    pub fn yuan(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl fmt::Display for Fen {
    /// "¥1234.56"
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "¥{}", self.yuan())
    }
}

/// A heated area in hundredths of a square metre (89.52 m² is 8952).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct CentiM2(pub i64);

impl CentiM2 {
    /// "89.52"
    pub fn square_metres(self) -> String {
        format!("{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

/// Why a written amount or area was not read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecimalError {
    /// Empty, or not digits with at most one point.
    NotANumber,
    /// More than two decimals.
    TooPrecise,
    /// Negative, or above the largest the portal handles.
    OutOfRange,
}

impl DecimalError {
    /// What the person reads.
    pub fn text(self) -> StaticText {
        match self {
            Self::NotANumber => text::fees_not_a_number,
            Self::TooPrecise => text::fees_too_precise,
            Self::OutOfRange => text::fees_out_of_range,
        }
    }
}

/// Reads a non-negative decimal with at most two decimals as hundredths:
/// "1234.5" → 123450. Full-width digits and a leading ¥ or trailing 元
/// are accepted; anything else (signs, exponents, thousands separators)
/// is refused rather than guessed.
fn parse_hundredths(written: &str, max: i64) -> Result<i64, DecimalError> {
    let normalized: String = written
        .trim()
        .chars()
        .map(crate::typing::halfwidth)
        .collect();
    let trimmed = normalized
        .trim_start_matches('¥')
        .trim_end_matches('元')
        .trim();
    let (whole, fraction) = match trimmed.split_once('.') {
        Some((whole, fraction)) => (whole, fraction),
        None => (trimmed, ""),
    };
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) || (trimmed.ends_with('.')) {
        return Err(DecimalError::NotANumber);
    }
    if fraction.len() > 2 {
        return Err(DecimalError::TooPrecise);
    }
    if whole.len() > 12 {
        return Err(DecimalError::OutOfRange);
    }
    let whole: i64 = whole.parse().map_err(|_| DecimalError::OutOfRange)?;
    let fraction: i64 = format!("{fraction:0<2}")
        .parse()
        .map_err(|_| DecimalError::NotANumber)?;
    let value = whole
        .checked_mul(100)
        .and_then(|v| v.checked_add(fraction))
        .ok_or(DecimalError::OutOfRange)?;
    if value > max {
        return Err(DecimalError::OutOfRange);
    }
    Ok(value)
}

/// "1234.56" (yuan) → 123456 分.
pub fn parse_yuan(written: &str) -> Result<Fen, DecimalError> {
    parse_hundredths(written, MAX_FEN).map(Fen)
}

/// "89.52" (m²) → 8952.
pub fn parse_square_metres(written: &str) -> Result<CentiM2, DecimalError> {
    parse_hundredths(written, MAX_CENTI_M2).map(CentiM2)
}

/// `numerator / denominator` rounded half up, for non-negative numbers
/// (how a price times an area, or a share of an amount, becomes whole 分).
pub fn divide_rounding_half_up(numerator: i128, denominator: i128) -> i64 {
    debug_assert!(numerator >= 0 && denominator > 0);
    let rounded = (numerator * 2 + denominator) / (denominator * 2);
    i64::try_from(rounded).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn amounts_are_read_exactly() {
        assert_eq!(parse_yuan("1234.56"), Ok(Fen(123456)));
        assert_eq!(parse_yuan("1234.5"), Ok(Fen(123450)));
        assert_eq!(parse_yuan(" 12 "), Ok(Fen(1200)));
        assert_eq!(parse_yuan("¥0.01"), Ok(Fen(1)));
        assert_eq!(parse_yuan("２０元"), Ok(Fen(2000)));
        assert_eq!(parse_yuan("0.001"), Err(DecimalError::TooPrecise));
        for bad in ["", ".5", "5.", "-1", "1e3", "1,234.00", "1.2.3", "abc"] {
            assert_eq!(parse_yuan(bad), Err(DecimalError::NotANumber), "{bad:?}");
        }
        assert_eq!(parse_yuan("10000000.01"), Err(DecimalError::OutOfRange));
        assert_eq!(
            parse_yuan("99999999999999999999"),
            Err(DecimalError::OutOfRange)
        );
        assert_eq!(parse_square_metres("89.52"), Ok(CentiM2(8952)));
    }

    #[test]
    fn amounts_are_written_with_two_decimals() {
        assert_eq!(Fen(123456).yuan(), "1234.56");
        assert_eq!(Fen(5).yuan(), "0.05");
        assert_eq!(Fen(-5).yuan(), "-0.05");
        assert_eq!(Fen(100).to_string(), "¥1.00");
        assert_eq!(CentiM2(8952).square_metres(), "89.52");
    }

    #[test]
    fn halves_round_up() {
        assert_eq!(divide_rounding_half_up(5, 10), 1);
        assert_eq!(divide_rounding_half_up(4, 10), 0);
        assert_eq!(divide_rounding_half_up(15, 10), 2);
        assert_eq!(divide_rounding_half_up(0, 7), 0);
    }

    proptest! {
        #[test]
        fn writing_then_reading_an_amount_gives_it_back(fen in 0i64..=MAX_FEN) {
            prop_assert_eq!(parse_yuan(&Fen(fen).yuan()), Ok(Fen(fen)));
        }

        #[test]
        fn rounding_is_within_half_a_unit(n in 0i128..1_000_000_000_000, d in 1i128..1_000_000) {
            let q = i128::from(divide_rounding_half_up(n, d));
            prop_assert!((q * d - n).abs() * 2 <= d);
        }
    }
}
