//! When the outbox tries a message again: texts and WeChat messages a few
//! times, twice as late each time; news for the 12345 platform for as long
//! as it takes, as the platform must hear every step.

use crate::clock::UnixSeconds;

/// Attempts before a text or WeChat message that keeps failing is given up.
pub const MAX_ATTEMPTS: i64 = 5;
/// The first retry waits this long (seconds); each further one twice as long.
pub const FIRST_RETRY_AFTER: i64 = 10;
/// The longest wait between two tries of a 12345 callback.
pub const HOTLINE_MAX_RETRY_AFTER: i64 = 30 * 60;
/// How long a worker holds a message it is sending: far beyond any
/// provider's timeout, so a message is never sent twice by two live
/// workers, and one whose worker died goes out again after this.
pub const CLAIM_LEASE: i64 = 120;

/// When to try a text or WeChat message again after its `attempts`-th
/// failure (counting that one), or None: given up.
pub fn retry_at(attempts: i64, now: UnixSeconds) -> Option<UnixSeconds> {
    (attempts < MAX_ATTEMPTS).then(|| now + FIRST_RETRY_AFTER * (1 << (attempts - 1).clamp(0, 10)))
}

/// When to try a 12345 callback again after `attempts_before` failed tries:
/// doubling, never more than [`HOTLINE_MAX_RETRY_AFTER`] apart.
pub fn hotline_retry_at(attempts_before: i64, now: UnixSeconds) -> UnixSeconds {
    now + (FIRST_RETRY_AFTER << attempts_before.clamp(0, 20)).min(HOTLINE_MAX_RETRY_AFTER)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_tried_five_times_twice_as_late_each_time() {
        assert_eq!(retry_at(1, 0), Some(10));
        assert_eq!(retry_at(2, 0), Some(20));
        assert_eq!(retry_at(4, 0), Some(80));
        assert_eq!(retry_at(MAX_ATTEMPTS, 0), None);
    }

    #[test]
    fn the_platform_is_tried_until_it_answers() {
        assert_eq!(hotline_retry_at(0, 100), 110);
        assert_eq!(hotline_retry_at(3, 100), 180);
        assert_eq!(hotline_retry_at(1_000, 100), 100 + HOTLINE_MAX_RETRY_AFTER);
    }
}
