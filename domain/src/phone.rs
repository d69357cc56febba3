//! Mainland China mobile numbers: reading what people type, and masking
//! them (138****5678) wherever the full number is not needed.

use crate::typing::halfwidth;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;
use translations::{text, Lang, Localize};

/// A valid mainland mobile number: 11 digits, starting 13–19.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MobileNumber(String);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PhoneError {
    Empty,
    Invalid,
}

impl Localize for PhoneError {
    fn say(&self, lang: Lang) -> Cow<'static, str> {
        match self {
            Self::Empty => text::phone_missing(lang).into(),
            Self::Invalid => text::phone_invalid(lang).into(),
        }
    }
}

translations::localized_error!(PhoneError);

impl MobileNumber {
    /// Reads a number as people type it: spaces, dashes and a +86 or 86
    /// prefix are allowed; full-width digits are read as digits.
    pub fn parse(text: &str) -> Result<Self, PhoneError> {
        let digits: String = text
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '\u{3000}' | '(' | ')'))
            .map(halfwidth)
            .collect();
        if digits.is_empty() {
            return Err(PhoneError::Empty);
        }
        let national = digits
            .strip_prefix("+86")
            .or_else(|| digits.strip_prefix("0086"))
            .or_else(|| {
                (digits.len() == 13)
                    .then(|| digits.strip_prefix("86"))
                    .flatten()
            })
            .unwrap_or(&digits);
        let valid = national.len() == 11
            && national.chars().all(|c| c.is_ascii_digit())
            && national.starts_with('1')
            && matches!(national.as_bytes()[1], b'3'..=b'9');
        if valid {
            Ok(Self(national.to_string()))
        } else {
            Err(PhoneError::Invalid)
        }
    }

    /// The 11 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// "138****5678".
    pub fn masked(&self) -> String {
        mask_phone(&self.0)
    }
}

impl fmt::Display for MobileNumber {
    /// Displays masked: a full number must be asked for with `as_str`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

/// Masks the middle four digits of an 11-digit number; anything else keeps
/// only its last four characters visible.
pub fn mask_phone(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    if chars.len() == 11 {
        format!(
            "{}****{}",
            chars[..3].iter().collect::<String>(),
            chars[7..].iter().collect::<String>()
        )
    } else {
        let visible = chars.len().saturating_sub(4);
        let tail: String = chars[visible..].iter().collect();
        format!("{}{tail}", "*".repeat(visible))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_people_type_them() {
        for typed in [
            "13812345678",
            "138 1234 5678",
            "138-1234-5678",
            "+86 138 1234 5678",
            "8613812345678",
            "００８６１３８１２３４５６７８",
        ] {
            assert_eq!(
                MobileNumber::parse(typed).unwrap().as_str(),
                "13812345678",
                "{typed}"
            );
        }
    }

    #[test]
    fn invalid_numbers_get_a_chinese_reason() {
        assert_eq!(MobileNumber::parse("  "), Err(PhoneError::Empty));
        for bad in [
            "1381234567",
            "138123456789",
            "12812345678",
            "23812345678",
            "1381234567x",
            "0536-8231234",
        ] {
            assert_eq!(MobileNumber::parse(bad), Err(PhoneError::Invalid), "{bad}");
        }
        assert!(PhoneError::Invalid.to_string().contains("11 位"));
    }

    #[test]
    fn masking_hides_the_middle_four_digits() {
        let number = MobileNumber::parse("13812345678").unwrap();
        assert_eq!(number.masked(), "138****5678");
        assert_eq!(number.to_string(), "138****5678");
        assert_eq!(mask_phone("12345"), "*2345");
        assert_eq!(mask_phone("12"), "12");
    }
}
