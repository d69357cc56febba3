//! Staff usernames and passwords: what is acceptable, and the lockout that
//! slows down guessing.

use crate::clock::UnixSeconds;
use std::borrow::Cow;
use translations::{text, Lang, Localize, StaticText};

/// Failures allowed before the first lockout.
pub const FREE_FAILURES: i64 = 5;
/// The first lockout, doubled with each further failure.
pub const FIRST_LOCKOUT: i64 = 60;
/// The longest lockout.
pub const MAX_LOCKOUT: i64 = 3600;

/// After `failures` consecutive wrong passwords, until when the account is
/// locked (None: not locked).
pub fn locked_until(failures: i64, last_failure_at: UnixSeconds) -> Option<UnixSeconds> {
    if failures < FREE_FAILURES {
        return None;
    }
    let doublings = (failures - FREE_FAILURES).min(16) as u32;
    let seconds = FIRST_LOCKOUT
        .saturating_mul(1 << doublings)
        .min(MAX_LOCKOUT);
    Some(last_failure_at + seconds)
}

/// The one answer to a staff sign-in that did not work, whatever the
/// reason (unknown name, disabled or locked account, wrong password), so
/// that nobody learns from it which names exist.
pub const SIGN_IN_REFUSED: StaticText = text::staff_sign_in_refused;

/// Whether a staff account with `failures` consecutive failed sign-ins, the
/// last at `last_failure_at`, may try a password at `now`. The store asks
/// this on the locked row and counts the attempt as a failure before the
/// password is checked (a right one clears the count), so parallel guesses
/// never get more tries than the lockout allows.
pub fn may_attempt(
    failures: i64,
    last_failure_at: Option<UnixSeconds>,
    now: UnixSeconds,
) -> Result<(), UnixSeconds> {
    match last_failure_at.and_then(|last| locked_until(failures, last)) {
        Some(until) if until > now => Err(until),
        _ => Ok(()),
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CredentialError {
    Username,
    WeakPassword,
    LongPassword,
}

impl Localize for CredentialError {
    fn say(&self, lang: Lang) -> Cow<'static, str> {
        match self {
            Self::Username => text::credential_username(lang).into(),
            Self::WeakPassword => text::credential_weak_password(lang).into(),
            Self::LongPassword => text::credential_long_password(lang).into(),
        }
    }
}

translations::localized_error!(CredentialError);

/// A staff username: 3–32 of a–z, 0–9, `_`, `-`, starting with a letter.
/// Upper case is folded, surrounding spaces dropped.
pub fn parse_username(text: &str) -> Result<String, CredentialError> {
    let name = text.trim().to_ascii_lowercase();
    let ok = (3..=32).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if ok {
        Ok(name)
    } else {
        Err(CredentialError::Username)
    }
}

/// A new password: 10 to 128 characters with at least one letter and one digit.
pub fn check_new_password(password: &str) -> Result<(), CredentialError> {
    let length = password.chars().count();
    if length > 128 {
        return Err(CredentialError::LongPassword);
    }
    let has_letter = password.chars().any(char::is_alphabetic);
    let has_digit = password.chars().any(|c| c.is_ascii_digit());
    if length < 10 || !has_letter || !has_digit {
        return Err(CredentialError::WeakPassword);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_800_000_000;

    #[test]
    fn lockout_starts_after_the_free_failures_and_doubles() {
        assert_eq!(locked_until(FREE_FAILURES - 1, T0), None);
        assert_eq!(locked_until(FREE_FAILURES, T0), Some(T0 + 60));
        assert_eq!(locked_until(FREE_FAILURES + 1, T0), Some(T0 + 120));
        assert_eq!(locked_until(FREE_FAILURES + 2, T0), Some(T0 + 240));
        assert_eq!(locked_until(FREE_FAILURES + 50, T0), Some(T0 + MAX_LOCKOUT));
    }

    #[test]
    fn attempts_wait_out_the_lockout() {
        assert_eq!(may_attempt(0, None, T0), Ok(()));
        assert_eq!(may_attempt(FREE_FAILURES - 1, Some(T0), T0), Ok(()));
        assert_eq!(may_attempt(FREE_FAILURES, Some(T0), T0 + 59), Err(T0 + 60));
        assert_eq!(may_attempt(FREE_FAILURES, Some(T0), T0 + 60), Ok(()));
        assert_eq!(
            may_attempt(FREE_FAILURES + 1, Some(T0), T0 + 60),
            Err(T0 + 120)
        );
    }

    #[test]
    fn usernames() {
        assert_eq!(parse_username(" Dispatch_01 ").unwrap(), "dispatch_01");
        for bad in ["ab", "1abc", "zhang san", "张三", "", &"a".repeat(33)] {
            assert_eq!(parse_username(bad), Err(CredentialError::Username), "{bad}");
        }
    }

    #[test]
    fn passwords() {
        assert!(check_new_password("heating2026!").is_ok());
        assert!(check_new_password("供热服务热线电话12345").is_ok());
        assert_eq!(
            check_new_password("short1"),
            Err(CredentialError::WeakPassword)
        );
        assert_eq!(
            check_new_password("onlyletters"),
            Err(CredentialError::WeakPassword)
        );
        assert_eq!(
            check_new_password("1234567890"),
            Err(CredentialError::WeakPassword)
        );
        assert_eq!(
            check_new_password(&"a1".repeat(65)),
            Err(CredentialError::LongPassword)
        );
    }
}
