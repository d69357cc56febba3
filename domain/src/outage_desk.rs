//! The rules of outages a dispatcher runs: how far ahead planned work must be
//! announced, which step an outage may take next, when residents see it, what
//! its expected restore time is after updates moved it, and when its news may
//! be sent (no routine news at night).

use crate::clock::{to_local, UnixSeconds};
use crate::outage::{OutageKind, OutagePhase};
use chrono::{Days, NaiveTime, TimeZone};
use std::borrow::Cow;
use translations::{text, Lang, Localize, StaticText};

const HOUR: i64 = 3600;

/// Planned work that stops heat for more than this many hours must be
/// announced ahead (`../shared/DOMAIN.md`: "more than 24 h").
pub const LONG_STOP_HOURS: i64 = 24;
/// How far ahead by default: "public notice at least 2 days ahead". An admin
/// may set another number ([`NoticeRule`]).
pub const DEFAULT_PLANNED_NOTICE_HOURS: i64 = 48;
/// The longest reason for a short notice (shown publicly), and the longest cause.
pub const MAX_REASON_CHARS: usize = 200;

/// How far ahead planned work must be announced, as the company set it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NoticeRule {
    pub planned_notice_hours: i64,
}

impl Default for NoticeRule {
    fn default() -> Self {
        Self {
            planned_notice_hours: DEFAULT_PLANNED_NOTICE_HOURS,
        }
    }
}

/// An announcement that meets the rule, or one that comes late with the
/// reason residents will read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    InTime,
    Short { reason: String },
}

/// Why an outage cannot be announced as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoticeRefusal {
    /// The expected restore is not after the start.
    RestoreNotAfterStart,
    /// Planned work announced later than the rule asks, without a reason.
    ShortNoticeNeedsReason { hours: i64 },
    /// The short-notice reason is longer than [`MAX_REASON_CHARS`].
    ReasonTooLong,
}

impl Localize for NoticeRefusal {
    fn say(&self, lang: Lang) -> Cow<'static, str> {
        match self {
            Self::RestoreNotAfterStart => text::outage_restore_not_after_start(lang).into(),
            Self::ShortNoticeNeedsReason { hours } => {
                text::outage_short_notice_needs_reason(lang, hours).into()
            }
            Self::ReasonTooLong => text::outage_reason_too_long(lang).into(),
        }
    }
}

translations::localized_error!(NoticeRefusal);

/// Whether an outage of `kind` from `starts_at` to `expected_restore_at`,
/// announced at `announced_at`, meets the notice rule. Planned work that
/// stops heat for more than [`LONG_STOP_HOURS`] must be announced
/// `planned_notice_hours` ahead, or carry a reason; emergencies and
/// heat-source limits are announced when they happen.
pub fn check_notice(
    rule: &NoticeRule,
    kind: OutageKind,
    announced_at: UnixSeconds,
    starts_at: UnixSeconds,
    expected_restore_at: UnixSeconds,
    short_notice_reason: &str,
) -> Result<Notice, NoticeRefusal> {
    if expected_restore_at <= starts_at {
        return Err(NoticeRefusal::RestoreNotAfterStart);
    }
    let reason = short_notice_reason.trim();
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(NoticeRefusal::ReasonTooLong);
    }
    let needs_notice = matches!(kind, OutageKind::Planned | OutageKind::Commissioning)
        && expected_restore_at - starts_at > LONG_STOP_HOURS * HOUR;
    if !needs_notice || starts_at - announced_at >= rule.planned_notice_hours * HOUR {
        return Ok(Notice::InTime);
    }
    if reason.is_empty() {
        return Err(NoticeRefusal::ShortNoticeNeedsReason {
            hours: rule.planned_notice_hours,
        });
    }
    Ok(Notice::Short {
        reason: reason.to_string(),
    })
}

/// Where an outage stands on the duty desk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OutageStatus {
    /// Written, seen by staff only.
    Draft,
    /// Public from its `published_at` (which may lie ahead).
    Published,
    /// Heat is back.
    Restored,
    /// Called off; the board says so.
    Cancelled,
}

impl OutageStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Published => "published",
            Self::Restored => "restored",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::Draft,
            Self::Published,
            Self::Restored,
            Self::Cancelled,
        ]
        .into_iter()
        .find(|status| status.as_str() == text)
    }
}

/// What a dispatcher does to an outage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OutageStep {
    /// Change a draft's area, times or texts.
    EditDraft,
    /// Make it public, now or at a set time.
    Publish,
    /// A progress note, which may move the expected restore time.
    PostUpdate,
    /// Heat is back.
    Restore,
    /// Call it off.
    Cancel,
}

impl OutageStep {
    pub const ALL: [Self; 5] = [
        Self::EditDraft,
        Self::Publish,
        Self::PostUpdate,
        Self::Restore,
        Self::Cancel,
    ];
}

/// The status an outage in `status` reaches by `step`, or why it cannot.
/// A draft is edited, published or dropped (cancelled); a published outage
/// takes updates until it is restored or cancelled; those two are final.
pub fn next_status(status: OutageStatus, step: OutageStep) -> Result<OutageStatus, StaticText> {
    use OutageStatus as S;
    use OutageStep as A;
    match (status, step) {
        (S::Draft, A::EditDraft) => Ok(S::Draft),
        (S::Draft, A::Publish) => Ok(S::Published),
        (S::Draft | S::Published, A::Cancel) => Ok(S::Cancelled),
        (S::Published, A::PostUpdate) => Ok(S::Published),
        (S::Published, A::Restore) => Ok(S::Restored),
        (S::Draft, A::PostUpdate | A::Restore) => Err(text::outage_not_published_yet),
        (S::Published, A::EditDraft | A::Publish) => Err(text::outage_already_published),
        (S::Restored | S::Cancelled, _) => Err(text::outage_already_ended),
    }
}

/// What residents see of an outage at `now`: nothing while it is a draft
/// or before its publishing time; otherwise its phase. A restored or
/// cancelled outage ended at `ended_at`: from then on the heat is on.
pub fn public_phase(
    now: UnixSeconds,
    status: OutageStatus,
    published_at: Option<UnixSeconds>,
    starts_at: UnixSeconds,
    ended_at: Option<UnixSeconds>,
) -> Option<OutagePhase> {
    let published = published_at.is_some_and(|at| at <= now);
    match status {
        OutageStatus::Draft => None,
        _ if !published => None,
        OutageStatus::Published => Some(crate::outage::outage_phase(now, starts_at, None)),
        OutageStatus::Restored | OutageStatus::Cancelled => {
            Some(crate::outage::outage_phase(now, starts_at, ended_at))
        }
    }
}

/// One progress update as the board lists it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RestoreMove {
    pub posted_at: UnixSeconds,
    /// The expected restore time this update set, if it moved it.
    pub expected_restore_at: Option<UnixSeconds>,
}

/// The expected restore time after the updates: the one set by the latest
/// update that set one (by posting time, then by order given), else the
/// time first announced.
pub fn expected_restore(announced: UnixSeconds, updates: &[RestoreMove]) -> UnixSeconds {
    updates
        .iter()
        .enumerate()
        .filter_map(|(order, u)| u.expected_restore_at.map(|at| ((u.posted_at, order), at)))
        .max_by_key(|(key, _)| *key)
        .map_or(announced, |(_, at)| at)
}

/// How urgent an outage's news is: emergencies are sent at any hour,
/// everything else waits for the morning.
pub fn is_urgent(kind: OutageKind) -> bool {
    matches!(kind, OutageKind::Emergency)
}

/// Routine news waits from 21:00 to 08:00 (Shanghai).
pub const QUIET_FROM_HOUR: u32 = 21;
pub const QUIET_UNTIL_HOUR: u32 = 8;

/// When news about an outage of `kind` written at `now` may go out: at
/// once, or for routine news in the quiet hours, at 08:00 that morning.
pub fn news_send_at(kind: OutageKind, now: UnixSeconds) -> UnixSeconds {
    if is_urgent(kind) {
        return now;
    }
    let local = to_local(now);
    let hour = chrono::Timelike::hour(&local);
    let morning_of = if hour >= QUIET_FROM_HOUR {
        local.date_naive() + Days::new(1)
    } else if hour < QUIET_UNTIL_HOUR {
        local.date_naive()
    } else {
        return now;
    };
    let eight = NaiveTime::from_hms_opt(QUIET_UNTIL_HOUR, 0, 0).unwrap_or_default();
    local
        .timezone()
        .from_local_datetime(&morning_of.and_time(eight))
        .single()
        .map_or(now, |at| at.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::local_instant;
    use proptest::prelude::*;

    fn at(day: u32, hour: u32) -> UnixSeconds {
        local_instant(2026, 12, day, hour).unwrap()
    }

    #[test]
    fn long_planned_work_is_announced_two_days_ahead_or_says_why() {
        let rule = NoticeRule::default();
        let planned = OutageKind::Planned;
        // Three days of work, announced three days ahead: in time.
        assert_eq!(
            check_notice(&rule, planned, at(1, 8), at(4, 8), at(7, 8), ""),
            Ok(Notice::InTime)
        );
        // Announced one day ahead: a reason is needed, and then it is kept.
        assert_eq!(
            check_notice(&rule, planned, at(3, 8), at(4, 8), at(7, 8), " "),
            Err(NoticeRefusal::ShortNoticeNeedsReason { hours: 48 })
        );
        assert_eq!(
            check_notice(
                &rule,
                planned,
                at(3, 8),
                at(4, 8),
                at(7, 8),
                " 阀门漏水须提前更换 "
            ),
            Ok(Notice::Short {
                reason: "阀门漏水须提前更换".to_string()
            })
        );
        // Exactly two days ahead is in time.
        assert_eq!(
            check_notice(&rule, planned, at(2, 8), at(4, 8), at(7, 8), ""),
            Ok(Notice::InTime)
        );
        // Work of a day or less needs no notice; nor do emergencies.
        assert_eq!(
            check_notice(&rule, planned, at(4, 7), at(4, 8), at(5, 8), ""),
            Ok(Notice::InTime)
        );
        assert_eq!(
            check_notice(
                &rule,
                OutageKind::Emergency,
                at(4, 8),
                at(4, 8),
                at(9, 8),
                ""
            ),
            Ok(Notice::InTime)
        );
        // A company may ask for more notice.
        let strict = NoticeRule {
            planned_notice_hours: 72,
        };
        assert!(check_notice(&strict, planned, at(2, 8), at(4, 8), at(7, 8), "").is_err());
        assert_eq!(
            check_notice(&rule, planned, at(1, 8), at(4, 8), at(4, 8), ""),
            Err(NoticeRefusal::RestoreNotAfterStart)
        );
        let long = "因".repeat(MAX_REASON_CHARS + 1);
        assert_eq!(
            check_notice(&rule, planned, at(3, 8), at(4, 8), at(7, 8), &long),
            Err(NoticeRefusal::ReasonTooLong)
        );
    }

    #[test]
    fn refusals_say_the_rule_in_both_languages() {
        let refusal = NoticeRefusal::ShortNoticeNeedsReason { hours: 48 };
        assert!(refusal.to_string().contains("48"));
        assert!(refusal.say(Lang::En).contains("48 hours"));
    }

    #[test]
    fn an_outage_is_edited_published_updated_then_ended_once() {
        use OutageStatus as S;
        use OutageStep as A;
        assert_eq!(next_status(S::Draft, A::EditDraft), Ok(S::Draft));
        assert_eq!(next_status(S::Draft, A::Publish), Ok(S::Published));
        assert_eq!(next_status(S::Published, A::PostUpdate), Ok(S::Published));
        assert_eq!(next_status(S::Published, A::Restore), Ok(S::Restored));
        assert_eq!(next_status(S::Draft, A::Cancel), Ok(S::Cancelled));
        assert!(next_status(S::Draft, A::Restore).is_err());
        assert!(next_status(S::Published, A::Publish).is_err());
        for step in OutageStep::ALL {
            assert!(next_status(S::Restored, step).is_err(), "{step:?}");
            assert!(next_status(S::Cancelled, step).is_err(), "{step:?}");
        }
        for status in [S::Draft, S::Published, S::Restored, S::Cancelled] {
            assert_eq!(OutageStatus::parse(status.as_str()), Some(status));
        }
    }

    #[test]
    fn residents_see_an_outage_from_its_publishing_time() {
        let (publish, start, end) = (at(2, 8), at(4, 8), at(5, 8));
        let phase = |now, status, ended| public_phase(now, status, Some(publish), start, ended);
        assert_eq!(
            public_phase(at(3, 8), OutageStatus::Draft, None, start, None),
            None
        );
        assert_eq!(phase(at(1, 8), OutageStatus::Published, None), None);
        assert_eq!(
            phase(at(3, 8), OutageStatus::Published, None),
            Some(OutagePhase::Upcoming)
        );
        assert_eq!(
            phase(at(4, 9), OutageStatus::Published, None),
            Some(OutagePhase::Ongoing)
        );
        // Past its expected restore, still off until restored.
        assert_eq!(
            phase(at(6, 8), OutageStatus::Published, None),
            Some(OutagePhase::Ongoing)
        );
        assert_eq!(
            phase(at(5, 9), OutageStatus::Restored, Some(end)),
            Some(OutagePhase::Restored)
        );
        // Called off before it began: nothing stops the heat.
        assert_eq!(
            phase(at(3, 9), OutageStatus::Cancelled, Some(at(3, 9))),
            Some(OutagePhase::Restored)
        );
    }

    #[test]
    fn the_latest_update_sets_the_expected_restore() {
        let announced = at(5, 8);
        assert_eq!(expected_restore(announced, &[]), announced);
        let updates = [
            RestoreMove {
                posted_at: at(4, 10),
                expected_restore_at: Some(at(5, 20)),
            },
            RestoreMove {
                posted_at: at(4, 12),
                expected_restore_at: None,
            },
            RestoreMove {
                posted_at: at(4, 11),
                expected_restore_at: Some(at(5, 14)),
            },
        ];
        assert_eq!(expected_restore(announced, &updates), at(5, 14));
    }

    #[test]
    fn routine_news_waits_for_the_morning() {
        let planned = OutageKind::Planned;
        assert_eq!(news_send_at(planned, at(4, 12)), at(4, 12));
        assert_eq!(news_send_at(planned, at(4, 22)), at(5, 8));
        assert_eq!(news_send_at(planned, at(5, 3)), at(5, 8));
        assert_eq!(news_send_at(planned, at(5, 8)), at(5, 8));
        assert_eq!(news_send_at(planned, at(4, 20) + 3599), at(4, 20) + 3599);
        assert_eq!(news_send_at(OutageKind::Emergency, at(4, 23)), at(4, 23));
    }

    proptest! {
        #[test]
        fn news_never_goes_out_in_the_quiet_hours_nor_before_it_was_written(
            now in 1_700_000_000i64..1_900_000_000,
        ) {
            let sent = news_send_at(OutageKind::Planned, now);
            let hour = chrono::Timelike::hour(&to_local(sent));
            prop_assert!(sent >= now);
            prop_assert!((QUIET_UNTIL_HOUR..QUIET_FROM_HOUR).contains(&hour));
            prop_assert!(sent - now <= 11 * HOUR);
        }

        #[test]
        fn the_expected_restore_is_one_that_was_set(
            announced in 0i64..1_000_000,
            moves in proptest::collection::vec((0i64..1_000, proptest::option::of(0i64..1_000_000)), 0..8),
        ) {
            let updates: Vec<RestoreMove> = moves
                .iter()
                .map(|(posted_at, at)| RestoreMove { posted_at: *posted_at, expected_restore_at: *at })
                .collect();
            let expected = expected_restore(announced, &updates);
            let set: Vec<i64> = updates.iter().filter_map(|u| u.expected_restore_at).collect();
            if set.is_empty() {
                prop_assert_eq!(expected, announced);
            } else {
                prop_assert!(set.contains(&expected));
                let latest = updates.iter().filter(|u| u.expected_restore_at.is_some()).map(|u| u.posted_at).max();
                let by_latest = updates.iter().filter(|u| Some(u.posted_at) == latest).filter_map(|u| u.expected_restore_at);
                prop_assert!(by_latest.into_iter().any(|at| at == expected));
            }
        }

        #[test]
        fn a_published_outage_is_shown_once_its_time_comes(
            publish in 0i64..1_000, start in 0i64..2_000, now in 0i64..3_000,
        ) {
            let shown = public_phase(now, OutageStatus::Published, Some(publish), start, None);
            prop_assert_eq!(shown.is_some(), now >= publish);
            prop_assert_eq!(public_phase(now, OutageStatus::Draft, Some(publish), start, None), None);
        }
    }
}
