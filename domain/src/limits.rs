//! Limits on how often a person, a phone number, a client address or an API
//! key may try something: their numbers, their windows and the words a
//! refused person reads. Counting is the store's job, in one atomic step
//! (see `docs/security.md`); these are the rules it counts against.

use crate::clock::UnixSeconds;
use translations::{text, Lang, Localized, StaticText};

const MINUTE: i64 = 60;
const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;

/// At most `max` attempts per fixed window of `window` seconds (windows
/// start at multiples of `window` since the Unix epoch).
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    /// The counter's name: one per limit, the key (number, address, id) follows it.
    pub name: &'static str,
    pub max: u32,
    pub window: i64,
    /// What the person reads, before "请 … 后再试".
    pub refusal: StaticText,
}

impl Limit {
    /// The start of the window `now` falls in.
    pub fn window_start(&self, now: UnixSeconds) -> UnixSeconds {
        now - now.rem_euclid(self.window)
    }

    /// When the window `now` falls in ends.
    pub fn retry_at(&self, now: UnixSeconds) -> UnixSeconds {
        self.window_start(now) + self.window
    }

    /// The counter this limit keeps for one key ("verify-number:13800000001").
    pub fn bucket(&self, key: &str) -> String {
        format!("{}:{key}", self.name)
    }

    /// "今天核对失败的次数过多，请 3 小时后再试"
    pub fn message(&self, now: UnixSeconds) -> Localized {
        let wait = self.retry_at(now) - now;
        Localized::new(|lang| {
            text::limit_try_later(lang, (self.refusal)(lang), wait_text(wait, lang))
        })
    }
}

/// "45 秒", "12 分钟", "3 小时" (rounded up).
pub fn wait_text(seconds: i64, lang: Lang) -> String {
    let seconds = seconds.max(1);
    if seconds < MINUTE {
        text::wait_seconds(lang, seconds)
    } else if seconds < HOUR {
        text::wait_minutes(lang, (seconds + MINUTE - 1) / MINUTE)
    } else {
        text::wait_hours(lang, (seconds + HOUR - 1) / HOUR)
    }
}

/// Sign-in codes checked for one phone number (every code sent to it).
/// Above the five tries one code allows, so that a person's own slips
/// never meet it, and low enough that no number is guessed at length.
pub const VERIFY_PER_NUMBER: Limit = Limit {
    name: "verify-number",
    max: 20,
    window: HOUR,
    refusal: text::limit_verify_number,
};

/// Sign-in codes checked from one client address. Mobile carriers put many
/// phones behind one address, hence more than for one number.
pub const VERIFY_PER_CLIENT: Limit = Limit {
    name: "verify-client",
    max: 60,
    window: HOUR,
    refusal: text::limit_verify_client,
};

/// Staff sign-in attempts from one client address, known user or not. A
/// hotline centre's seats sign in behind one address at a shift change;
/// each account has its own lockout besides.
pub const STAFF_SIGN_IN_PER_CLIENT: Limit = Limit {
    name: "staff-sign-in-client",
    max: 100,
    window: 15 * MINUTE,
    refusal: text::limit_staff_sign_in_client,
};

/// Failed household bindings (account number and holder's name that do
/// not match) per person and day: stops guessing names.
pub const BIND_FAILURES_PER_PERSON: Limit = Limit {
    name: "bind-failures",
    max: 10,
    window: DAY,
    refusal: text::limit_bind_failures,
};

/// Forms with files (filings, a crew's step with photos) one person may
/// send per hour: each may carry 30 MB.
pub const UPLOAD_FORMS_PER_PERSON: Limit = Limit {
    name: "upload-forms",
    max: 60,
    window: HOUR,
    refusal: text::limit_upload_forms,
};

/// Requests one Open311 key may post per minute.
pub const OPEN311_POSTS_PER_KEY: Limit = Limit {
    name: "open311-posts",
    max: 600,
    window: MINUTE,
    refusal: text::limit_open311_posts,
};

/// How long the audit log keeps failed sign-ins of nobody in particular
/// (unknown numbers and user names): long enough to look into an attack,
/// not a register of everyone who mistyped.
pub const ANONYMOUS_FAILURE_RETENTION: i64 = 30 * DAY;

/// Forms with files read and prepared at once in the whole process: six
/// photos of 5 MB each stay in memory until they are stored, so a burst
/// of filings waits its turn (its bytes unread) rather than all at once.
pub const UPLOAD_FORMS_AT_ONCE: usize = 3;
/// How long a form with files waits for its turn before the person is
/// asked to retry: well inside the request's own time limit (30 s by
/// default), so they read why rather than a timeout.
pub const UPLOAD_QUEUE_WAIT_SECONDS: u64 = 15;
/// What a person whose form waited too long reads.
pub const UPLOAD_QUEUE_FULL: StaticText = text::upload_queue_full;
/// Images decoded at once in the whole process: each may take up to 96 MB
/// decoded, so a burst of filings waits its turn instead of taking all
/// the memory. One: on the two cores the portal is sized for, decoding is
/// CPU-bound, so a second decoder bought little speed while taking the
/// other core from every page and another ~100 MB at the peak (a burst of
/// 24-megapixel photos reached 530–543 MiB with two under a loaded
/// machine, over the 512 MiB the fault test allows).
pub const DECODING_WORKERS: usize = 1;

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_123;

    #[test]
    fn windows_are_fixed_and_end_where_the_next_begins() {
        let start = VERIFY_PER_NUMBER.window_start(NOW);
        assert_eq!(start % HOUR, 0);
        assert!(start <= NOW && NOW < start + HOUR);
        assert_eq!(VERIFY_PER_NUMBER.retry_at(NOW), start + HOUR);
        assert_eq!(VERIFY_PER_NUMBER.window_start(start + HOUR), start + HOUR);
        assert_eq!(VERIFY_PER_NUMBER.window_start(start + HOUR - 1), start);
    }

    #[test]
    fn each_limit_has_its_own_counter() {
        let limits = [
            VERIFY_PER_NUMBER,
            VERIFY_PER_CLIENT,
            STAFF_SIGN_IN_PER_CLIENT,
            BIND_FAILURES_PER_PERSON,
            UPLOAD_FORMS_PER_PERSON,
            OPEN311_POSTS_PER_KEY,
        ];
        for (i, a) in limits.iter().enumerate() {
            assert!(a.max >= 1 && a.window > 0, "{}", a.name);
            for b in &limits[i + 1..] {
                assert_ne!(a.name, b.name);
            }
        }
        assert_eq!(
            VERIFY_PER_NUMBER.bucket("13800000001"),
            "verify-number:13800000001"
        );
        // A code allows five tries: the number's limit never cuts one short.
        assert!(VERIFY_PER_NUMBER.max > crate::otp::OtpPolicy::default().max_wrong_tries);
    }

    #[test]
    fn refusals_say_when_to_retry() {
        let start = STAFF_SIGN_IN_PER_CLIENT.window_start(NOW);
        assert_eq!(
            STAFF_SIGN_IN_PER_CLIENT
                .message(start + 14 * MINUTE + 30)
                .to_string(),
            "当前网络登录尝试次数过多，请 30 秒后再试"
        );
        assert!(BIND_FAILURES_PER_PERSON
            .message(NOW)
            .to_string()
            .ends_with("小时后再试"));
        assert_eq!(wait_text(0, Lang::Zh), "1 秒");
        assert_eq!(wait_text(61, Lang::Zh), "2 分钟");
        assert_eq!(wait_text(7_200, Lang::En), "2 h");
    }
}
