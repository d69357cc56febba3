//! How long a signed-in session lives: an idle limit (renewed by use) and an
//! absolute limit (never renewed). Staff sessions are shorter than residents'.

use crate::clock::UnixSeconds;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionPolicy {
    /// Seconds without a request after which the session ends.
    pub idle: i64,
    /// Seconds after sign-in after which the session ends regardless.
    pub absolute: i64,
}

impl SessionPolicy {
    /// Residents on their own phones: a week idle, thirty days at most.
    pub const RESIDENT: SessionPolicy = SessionPolicy {
        idle: 7 * 24 * 3600,
        absolute: 30 * 24 * 3600,
    };
    /// Staff on shared desks: two hours idle, one working shift at most.
    pub const STAFF: SessionPolicy = SessionPolicy {
        idle: 2 * 3600,
        absolute: 12 * 3600,
    };

    /// The moment a session started at `created_at` and last used at
    /// `last_seen_at` ends.
    pub fn ends_at(&self, created_at: UnixSeconds, last_seen_at: UnixSeconds) -> UnixSeconds {
        (last_seen_at + self.idle).min(created_at + self.absolute)
    }

    pub fn is_alive(
        &self,
        created_at: UnixSeconds,
        last_seen_at: UnixSeconds,
        now: UnixSeconds,
    ) -> bool {
        now >= created_at && now < self.ends_at(created_at, last_seen_at)
    }
}

/// Renewing the idle limit costs a write; once a minute is precise enough.
pub const TOUCH_EVERY: i64 = 60;

pub fn needs_touch(last_seen_at: UnixSeconds, now: UnixSeconds) -> bool {
    now - last_seen_at >= TOUCH_EVERY
}

/// How long a WeChat openid may wait for its phone verification (seconds).
pub const WECHAT_PENDING_LIFETIME: i64 = 15 * 60;

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_800_000_000;

    #[test]
    fn idle_sessions_end_after_the_idle_limit() {
        let policy = SessionPolicy::STAFF;
        assert!(policy.is_alive(T0, T0, T0 + policy.idle - 1));
        assert!(!policy.is_alive(T0, T0, T0 + policy.idle));
    }

    #[test]
    fn use_renews_the_idle_limit_but_not_the_absolute_one() {
        let policy = SessionPolicy::STAFF;
        let last_seen = T0 + policy.absolute - 60;
        assert!(policy.is_alive(T0, last_seen, T0 + policy.absolute - 1));
        assert!(!policy.is_alive(T0, last_seen, T0 + policy.absolute));
    }

    #[test]
    fn a_session_from_the_future_is_not_alive() {
        assert!(!SessionPolicy::RESIDENT.is_alive(T0, T0, T0 - 1));
    }

    #[test]
    fn touching_is_rate_limited() {
        assert!(!needs_touch(T0, T0 + 59));
        assert!(needs_touch(T0, T0 + 60));
    }
}
