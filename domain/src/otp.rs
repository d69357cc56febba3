//! One-time sign-in codes: when one may be sent, and what a submitted code
//! means. Generating, hashing and storing codes is the backend's job.

use crate::clock::UnixSeconds;
use crate::limits::wait_text;
use crate::typing::halfwidth;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use translations::{text, Lang, Localize, Localized};

/// Limits on sign-in codes (all configurable; these are the defaults).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtpPolicy {
    /// How long a code is valid, in seconds.
    pub lifetime: i64,
    /// Wrong codes allowed before the code is void.
    pub max_wrong_tries: u32,
    /// Seconds between two codes to one number.
    pub min_interval_per_number: i64,
    /// Codes to one number within 24 hours.
    pub max_per_number_per_day: usize,
    /// Codes requested from one client address within an hour.
    pub max_per_client_per_hour: usize,
}

impl Default for OtpPolicy {
    fn default() -> Self {
        Self {
            lifetime: 5 * 60,
            max_wrong_tries: 5,
            min_interval_per_number: 60,
            max_per_number_per_day: 10,
            max_per_client_per_hour: 20,
        }
    }
}

const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;

/// Why a code may not be sent now, and when it may.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SendRefusal {
    TooSoon { retry_at: UnixSeconds },
    NumberDailyLimit { retry_at: UnixSeconds },
    ClientLimit { retry_at: UnixSeconds },
}

impl SendRefusal {
    pub fn retry_at(&self) -> UnixSeconds {
        match *self {
            Self::TooSoon { retry_at }
            | Self::NumberDailyLimit { retry_at }
            | Self::ClientLimit { retry_at } => retry_at,
        }
    }

    /// What the person reads: why, and when to try again.
    pub fn message(&self, now: UnixSeconds) -> Localized {
        let seconds = self.retry_at() - now;
        Localized::new(|lang| {
            let wait = wait_text(seconds, lang);
            match self {
                Self::TooSoon { .. } => text::code_sent_too_often(lang, wait),
                Self::NumberDailyLimit { .. } => text::code_number_daily_limit(lang, wait),
                Self::ClientLimit { .. } => text::code_client_limit(lang, wait),
            }
        })
    }
}

/// Whether a code may be sent at `now`, given the times codes were sent to
/// this number and requested from this client address (any order, any age).
pub fn check_send(
    policy: &OtpPolicy,
    number_sends: &[UnixSeconds],
    client_sends: &[UnixSeconds],
    now: UnixSeconds,
) -> Result<(), SendRefusal> {
    if let Some(last) = number_sends.iter().copied().filter(|t| *t <= now).max() {
        if now - last < policy.min_interval_per_number {
            return Err(SendRefusal::TooSoon {
                retry_at: last + policy.min_interval_per_number,
            });
        }
    }
    if let Some(retry_at) = window_full(number_sends, now, DAY, policy.max_per_number_per_day) {
        return Err(SendRefusal::NumberDailyLimit { retry_at });
    }
    if let Some(retry_at) = window_full(client_sends, now, HOUR, policy.max_per_client_per_hour) {
        return Err(SendRefusal::ClientLimit { retry_at });
    }
    Ok(())
}

/// When `limit` events already fall in the last `window` seconds, the time
/// at which the oldest of them leaves the window.
fn window_full(
    events: &[UnixSeconds],
    now: UnixSeconds,
    window: i64,
    limit: usize,
) -> Option<UnixSeconds> {
    let mut recent: Vec<UnixSeconds> = events
        .iter()
        .copied()
        .filter(|t| *t <= now && now - *t < window)
        .collect();
    if recent.len() < limit {
        return None;
    }
    recent.sort_unstable();
    // The window frees up once all but `limit - 1` of these have left it.
    Some(recent[recent.len() - limit] + window)
}

/// What a submitted code means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CodeVerdict {
    Accepted,
    Wrong {
        tries_left: u32,
    },
    Expired,
    /// Too many wrong codes: this code is void, a new one is needed.
    Exhausted,
}

impl CodeVerdict {
    pub fn message(&self) -> Localized {
        Localized::new(|lang| match self {
            Self::Accepted => text::code_accepted(lang).to_string(),
            Self::Wrong { tries_left } => text::code_wrong(lang, tries_left),
            Self::Expired => text::code_expired(lang).to_string(),
            Self::Exhausted => text::code_exhausted(lang).to_string(),
        })
    }
}

/// Before a code is compared: whether a code issued at `issued_at`, already
/// tried `tries` times, may take one more try at `now`. The store reserves
/// that try in the same atomic step (its condition is this one), so that
/// parallel guesses never get more tries than the policy allows.
pub fn may_try(
    policy: &OtpPolicy,
    issued_at: UnixSeconds,
    tries: u32,
    now: UnixSeconds,
) -> Result<(), CodeVerdict> {
    if now >= issued_at + policy.lifetime {
        Err(CodeVerdict::Expired)
    } else if tries >= policy.max_wrong_tries {
        Err(CodeVerdict::Exhausted)
    } else {
        Ok(())
    }
}

/// The earliest issue time a code may have to be tried at `now`.
pub fn issued_after(policy: &OtpPolicy, now: UnixSeconds) -> UnixSeconds {
    now - policy.lifetime
}

/// After the comparison of the `try_number`-th try (counting from 1, the
/// try the store reserved for it): what it means.
pub fn judge_try(policy: &OtpPolicy, try_number: u32, matches: bool) -> CodeVerdict {
    if matches {
        return CodeVerdict::Accepted;
    }
    match policy.max_wrong_tries.saturating_sub(try_number) {
        0 => CodeVerdict::Exhausted,
        tries_left => CodeVerdict::Wrong { tries_left },
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeFormatError;

impl Localize for CodeFormatError {
    fn say(&self, lang: Lang) -> Cow<'static, str> {
        text::code_format(lang).into()
    }
}

translations::localized_error!(CodeFormatError);

/// Reads a typed code: six digits, spaces ignored, full-width digits allowed.
pub fn parse_code(text: &str) -> Result<String, CodeFormatError> {
    let code: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(halfwidth)
        .collect();
    if code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()) {
        Ok(code)
    } else {
        Err(CodeFormatError)
    }
}

/// Sign-in codes are kept two days (the daily send limit looks back one).
pub const KEEP_CODES_FOR: i64 = 2 * 24 * 3600;

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    fn policy() -> OtpPolicy {
        OtpPolicy::default()
    }

    #[test]
    fn a_first_code_may_always_be_sent() {
        assert_eq!(check_send(&policy(), &[], &[], NOW), Ok(()));
    }

    #[test]
    fn one_code_a_minute_per_number() {
        let refusal = check_send(&policy(), &[NOW - 15], &[], NOW).unwrap_err();
        assert_eq!(refusal, SendRefusal::TooSoon { retry_at: NOW + 45 });
        assert_eq!(
            refusal.message(NOW).to_string(),
            "验证码发送过于频繁，请 45 秒后再试"
        );
        assert_eq!(check_send(&policy(), &[NOW - 60], &[], NOW), Ok(()));
    }

    #[test]
    fn ten_codes_a_day_per_number() {
        let sends: Vec<i64> = (1..=10).map(|i| NOW - i * 1_000).collect();
        let refusal = check_send(&policy(), &sends, &[], NOW).unwrap_err();
        // The oldest of the ten leaves the 24-hour window first.
        assert_eq!(
            refusal,
            SendRefusal::NumberDailyLimit {
                retry_at: NOW - 10_000 + DAY
            }
        );
        assert!(refusal.message(NOW).to_string().contains("小时后再试"));
        assert_eq!(check_send(&policy(), &sends[..9], &[], NOW), Ok(()));
        let old: Vec<i64> = (1..=10).map(|i| NOW - DAY - i).collect();
        assert_eq!(check_send(&policy(), &old, &[], NOW), Ok(()));
    }

    #[test]
    fn twenty_requests_an_hour_per_client() {
        let requests: Vec<i64> = (0..20).map(|i| NOW - 3_000 + i * 100).collect();
        let refusal = check_send(&policy(), &[], &requests, NOW).unwrap_err();
        assert_eq!(
            refusal,
            SendRefusal::ClientLimit {
                retry_at: NOW - 3_000 + HOUR
            }
        );
        assert_eq!(
            refusal.message(NOW).to_string(),
            "当前网络请求验证码过多，请 10 分钟后再试"
        );
    }

    #[test]
    fn codes_live_five_minutes() {
        assert_eq!(may_try(&policy(), NOW, 0, NOW + 299), Ok(()));
        assert_eq!(
            may_try(&policy(), NOW, 0, NOW + 300),
            Err(CodeVerdict::Expired)
        );
        assert_eq!(issued_after(&policy(), NOW + 300), NOW);
    }

    #[test]
    fn five_tries_void_the_code() {
        let verdicts: Vec<CodeVerdict> = (1..=5).map(|n| judge_try(&policy(), n, false)).collect();
        assert_eq!(
            verdicts,
            [
                CodeVerdict::Wrong { tries_left: 4 },
                CodeVerdict::Wrong { tries_left: 3 },
                CodeVerdict::Wrong { tries_left: 2 },
                CodeVerdict::Wrong { tries_left: 1 },
                CodeVerdict::Exhausted,
            ]
        );
        // The right code on the last try still counts.
        assert_eq!(judge_try(&policy(), 5, true), CodeVerdict::Accepted);
        // After five tries no sixth is taken, even for the right code.
        assert_eq!(
            may_try(&policy(), NOW, 5, NOW + 10),
            Err(CodeVerdict::Exhausted)
        );
        assert_eq!(may_try(&policy(), NOW, 4, NOW + 10), Ok(()));
        assert_eq!(
            CodeVerdict::Wrong { tries_left: 2 }.message().to_string(),
            "验证码不正确，还可以再试 2 次"
        );
    }

    #[test]
    fn typed_codes() {
        assert_eq!(parse_code(" 123 456 "), Ok("123456".to_string()));
        assert_eq!(parse_code("１２３４５６"), Ok("123456".to_string()));
        for bad in ["12345", "1234567", "12a456", ""] {
            assert_eq!(parse_code(bad), Err(CodeFormatError), "{bad}");
        }
    }
}
