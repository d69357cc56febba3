//! A second factor for staff who can see or change a lot: a time-based
//! one-time code (TOTP, RFC 6238) from an authenticator app, or one of ten
//! one-time recovery codes. Who needs it, how codes are read, and how many
//! tries a sign-in gets; the HMAC itself is the backend's (a kept crate).

use crate::roles::Role;
use crate::typing::halfwidth;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use translations::{text, Lang, Localize, StaticText};

/// Digits of a code, seconds a code lasts, and the steps either side of
/// now that are accepted (RFC 6238's advice for clock drift and typing).
pub const TOTP_DIGITS: u8 = 6;
pub const TOTP_STEP_SECONDS: u64 = 30;
pub const TOTP_SKEW_STEPS: u16 = 1;

/// How long the step between password and second factor stays open, and
/// how many codes it takes.
pub const CHALLENGE_LIFETIME: i64 = 5 * 60;
pub const CHALLENGE_MAX_TRIES: u32 = 5;

/// Recovery codes issued with an enrolment; each works once.
pub const RECOVERY_CODES: usize = 10;
/// Letters of a recovery code: no 0/o, 1/l/i to mistake.
pub const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
/// Characters of a recovery code, shown as two groups of five.
pub const RECOVERY_LENGTH: usize = 10;

/// Whether a person with these roles must pass a second factor (when the
/// deployment requires it): those who see every case of a company or
/// change who may do what.
pub fn needs_second_factor(roles: &[Role]) -> bool {
    roles
        .iter()
        .any(|r| matches!(r, Role::Admin | Role::Dispatcher | Role::HeatingAuthority))
}

/// What a person typed in the second-factor field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecondFactorInput {
    /// Six digits from the authenticator app.
    Totp(String),
    /// A recovery code, normalised ("abcde-fghjk").
    Recovery(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecondFactorFormatError;

impl Localize for SecondFactorFormatError {
    fn say(&self, lang: Lang) -> Cow<'static, str> {
        text::second_factor_format(lang).into()
    }
}

translations::localized_error!(SecondFactorFormatError);

/// Reads the field: spaces and dashes ignored, full-width allowed, letters
/// in any case.
pub fn parse_second_factor(text: &str) -> Result<SecondFactorInput, SecondFactorFormatError> {
    let compact: String = text
        .chars()
        .map(halfwidth)
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if compact.len() == usize::from(TOTP_DIGITS) && compact.chars().all(|c| c.is_ascii_digit()) {
        return Ok(SecondFactorInput::Totp(compact));
    }
    let recovery =
        compact.len() == RECOVERY_LENGTH && compact.bytes().all(|b| RECOVERY_ALPHABET.contains(&b));
    if recovery {
        Ok(SecondFactorInput::Recovery(format_recovery_code(&compact)))
    } else {
        Err(SecondFactorFormatError)
    }
}

/// "abcdefghjk" → "abcde-fghjk", as codes are shown and stored.
pub fn format_recovery_code(compact: &str) -> String {
    let half = compact.len() / 2;
    format!("{}-{}", &compact[..half], &compact[half..])
}

/// What the second-factor step shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SecondFactorStep {
    /// A code from the app enrolled before.
    Verify,
    /// First time: scan this, keep these, then enter a code.
    Enrol(Enrolment),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrolment {
    /// The secret in base32, to type in when a camera is not at hand.
    pub secret: String,
    /// The `otpauth://` address as a QR code (SVG).
    pub qr_svg: String,
    /// Shown this once; only their hashes are kept.
    pub recovery_codes: Vec<String>,
}

/// The one answer to a second factor that did not work (wrong, reused,
/// out of tries or out of time): nothing to learn from which.
pub const SECOND_FACTOR_REFUSED: StaticText = text::second_factor_refused;

/// The step between a right password and the session ran out (or was
/// never begun in this browser).
pub const SIGN_IN_STEP_EXPIRED: StaticText = text::sign_in_step_expired;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admins_and_dispatchers_need_it() {
        assert!(needs_second_factor(&[Role::Dispatcher]));
        assert!(needs_second_factor(&[Role::HeatingAuthority]));
        assert!(needs_second_factor(&[Role::GridWorker, Role::Admin]));
        assert!(!needs_second_factor(&[
            Role::RepairCrew,
            Role::PropertyManager
        ]));
        assert!(!needs_second_factor(&[Role::Resident]));
    }

    #[test]
    fn codes_and_recovery_codes_are_read_as_typed() {
        assert_eq!(
            parse_second_factor(" 123 456 "),
            Ok(SecondFactorInput::Totp("123456".into()))
        );
        assert_eq!(
            parse_second_factor("１２３４５６"),
            Ok(SecondFactorInput::Totp("123456".into()))
        );
        assert_eq!(
            parse_second_factor("ABCDE-FGHJK"),
            Ok(SecondFactorInput::Recovery("abcde-fghjk".into()))
        );
        assert_eq!(
            parse_second_factor("abcdefghjk"),
            Ok(SecondFactorInput::Recovery("abcde-fghjk".into()))
        );
        for bad in ["12345", "1234567", "abcde-fghj1", "abcde-fghjo", ""] {
            assert_eq!(
                parse_second_factor(bad),
                Err(SecondFactorFormatError),
                "{bad}"
            );
        }
    }
}
