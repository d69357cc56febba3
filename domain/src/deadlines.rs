//! Deadlines: the published clocks (crew on site within 2 h, measured within
//! 24 h, reviewed within 3 working days, 12345 replies within 5) and where a
//! case stands against its clock: on time, due soon (yellow), overdue (red).

use crate::case_flow::CaseKind;
use crate::clock::UnixSeconds;
use crate::repair::RepairUrgency;
use crate::working_days::WorkingCalendar;
use serde::{Deserialize, Serialize};
use translations::{text, Lang};

/// How long a rule allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Clock {
    Hours(u32),
    WorkingDays(u32),
}

impl Clock {
    /// Reads a stored rule: 1–720 hours or 1–60 working days.
    pub fn parse(amount: i64, unit: &str) -> Option<Self> {
        let amount = u32::try_from(amount).ok()?;
        match unit {
            "hours" if (1..=720).contains(&amount) => Some(Self::Hours(amount)),
            "working_days" if (1..=60).contains(&amount) => Some(Self::WorkingDays(amount)),
            _ => None,
        }
    }

    pub fn amount(self) -> u32 {
        match self {
            Self::Hours(n) | Self::WorkingDays(n) => n,
        }
    }

    pub fn unit(self) -> &'static str {
        match self {
            Self::Hours(_) => "hours",
            Self::WorkingDays(_) => "working_days",
        }
    }

    /// "2 小时", "3 个工作日"
    pub fn describe(self, lang: Lang) -> String {
        match self {
            Self::Hours(1) => text::deadline_one_hour(lang).to_string(),
            Self::Hours(n) => text::deadline_hours(lang, n),
            Self::WorkingDays(1) => text::deadline_one_working_day(lang).to_string(),
            Self::WorkingDays(n) => text::deadline_working_days(lang, n),
        }
    }
}

/// The clocks the company publishes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DeadlineRule {
    RepairOnSite,
    EmergencyOnSite,
    TemperatureMeasured,
    ApplicationReview,
    HotlineSignFor,
    HotlineReply,
    HotlineReturn,
}

impl DeadlineRule {
    pub const ALL: [Self; 7] = [
        Self::RepairOnSite,
        Self::EmergencyOnSite,
        Self::TemperatureMeasured,
        Self::ApplicationReview,
        Self::HotlineSignFor,
        Self::HotlineReply,
        Self::HotlineReturn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::RepairOnSite => "repair_on_site",
            Self::EmergencyOnSite => "emergency_on_site",
            Self::TemperatureMeasured => "temperature_measured",
            Self::ApplicationReview => "application_review",
            Self::HotlineSignFor => "hotline_sign_for",
            Self::HotlineReply => "hotline_reply",
            Self::HotlineReturn => "hotline_return",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Self::RepairOnSite => text::deadline_rule_repair_on_site(lang),
            Self::EmergencyOnSite => text::deadline_rule_emergency_on_site(lang),
            Self::TemperatureMeasured => text::deadline_rule_temperature_measured(lang),
            Self::ApplicationReview => text::deadline_rule_application_review(lang),
            Self::HotlineSignFor => text::deadline_rule_hotline_sign_for(lang),
            Self::HotlineReply => text::deadline_rule_hotline_reply(lang),
            Self::HotlineReturn => text::deadline_rule_hotline_return(lang),
        }
    }
}

/// Every clock, configurable; the defaults are the published ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlinePolicy {
    pub repair_on_site: Clock,
    pub emergency_on_site: Clock,
    pub temperature_measured: Clock,
    pub application_review: Clock,
    pub hotline_sign_for: Clock,
    pub hotline_reply: Clock,
    pub hotline_return: Clock,
    /// For hour-scale clocks: yellow when this share (percent) of the time is left.
    pub warn_percent: u32,
}

impl Default for DeadlinePolicy {
    fn default() -> Self {
        Self {
            repair_on_site: Clock::Hours(2),
            emergency_on_site: Clock::Hours(2),
            temperature_measured: Clock::Hours(24),
            application_review: Clock::WorkingDays(3),
            hotline_sign_for: Clock::Hours(2),
            hotline_reply: Clock::WorkingDays(5),
            hotline_return: Clock::WorkingDays(2),
            warn_percent: 25,
        }
    }
}

impl DeadlinePolicy {
    pub fn clock(&self, rule: DeadlineRule) -> Clock {
        match rule {
            DeadlineRule::RepairOnSite => self.repair_on_site,
            DeadlineRule::EmergencyOnSite => self.emergency_on_site,
            DeadlineRule::TemperatureMeasured => self.temperature_measured,
            DeadlineRule::ApplicationReview => self.application_review,
            DeadlineRule::HotlineSignFor => self.hotline_sign_for,
            DeadlineRule::HotlineReply => self.hotline_reply,
            DeadlineRule::HotlineReturn => self.hotline_return,
        }
    }

    /// The policy as stored: rows of (rule, amount, unit) over the
    /// defaults; "warn_before" in percent sets the warning share, rows
    /// nobody can read are skipped.
    pub fn from_stored<'a>(rows: impl IntoIterator<Item = (&'a str, i64, &'a str)>) -> Self {
        let mut policy = Self::default();
        for (rule, amount, unit) in rows {
            if rule == "warn_before" && unit == "percent" {
                policy.warn_percent = u32::try_from(amount.clamp(1, 99)).unwrap_or(25);
            } else if let (Some(rule), Some(clock)) =
                (DeadlineRule::parse(rule), Clock::parse(amount, unit))
            {
                policy.set(rule, clock);
            }
        }
        policy
    }

    pub fn set(&mut self, rule: DeadlineRule, clock: Clock) {
        let slot = match rule {
            DeadlineRule::RepairOnSite => &mut self.repair_on_site,
            DeadlineRule::EmergencyOnSite => &mut self.emergency_on_site,
            DeadlineRule::TemperatureMeasured => &mut self.temperature_measured,
            DeadlineRule::ApplicationReview => &mut self.application_review,
            DeadlineRule::HotlineSignFor => &mut self.hotline_sign_for,
            DeadlineRule::HotlineReply => &mut self.hotline_reply,
            DeadlineRule::HotlineReturn => &mut self.hotline_return,
        };
        *slot = clock;
    }
}

/// The deadlines and the working calendar in force: what every case's
/// clock is counted by.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CasePolicy {
    pub deadlines: DeadlinePolicy,
    pub calendar: WorkingCalendar,
}

impl CasePolicy {
    /// The deadline of `rule` for something that started at `from`.
    pub fn deadline(&self, rule: DeadlineRule, from: UnixSeconds) -> Deadline {
        deadline_for(&self.deadlines, &self.calendar, rule, from)
    }
}

/// The deadlines and the working calendar as the admin page shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseRules {
    pub policy: DeadlinePolicy,
    /// How many hours ahead planned outages of over a day are announced.
    pub planned_notice_hours: i64,
    /// Listed days from the start of last year on, by day.
    pub days: Vec<crate::working_days::CalendarDay>,
}

/// When a response is due, and when the clock turns yellow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    pub due_at: UnixSeconds,
    pub warn_at: UnixSeconds,
}

/// The response a new (or reopened) case owes, by kind and urgency.
pub fn response_rule(kind: CaseKind, urgency: RepairUrgency) -> DeadlineRule {
    match (kind, urgency) {
        (CaseKind::Repair, RepairUrgency::Emergency) => DeadlineRule::EmergencyOnSite,
        (CaseKind::Repair, RepairUrgency::Normal) | (CaseKind::Incident, _) => {
            DeadlineRule::RepairOnSite
        }
        (CaseKind::Temperature, _) => DeadlineRule::TemperatureMeasured,
        (
            CaseKind::Connection | CaseKind::Suspend | CaseKind::Resume | CaseKind::HolderChange,
            _,
        ) => DeadlineRule::ApplicationReview,
    }
}

/// The deadline of `rule` for something that started at `from`.
pub fn deadline_for(
    policy: &DeadlinePolicy,
    calendar: &WorkingCalendar,
    rule: DeadlineRule,
    from: UnixSeconds,
) -> Deadline {
    match policy.clock(rule) {
        Clock::Hours(hours) => {
            let span = i64::from(hours) * 3600;
            let due_at = from + span;
            let left = span * i64::from(policy.warn_percent.min(100)) / 100;
            Deadline {
                due_at,
                warn_at: due_at - left,
            }
        }
        Clock::WorkingDays(days) => {
            let due_at = calendar.add_working_days(from, days);
            Deadline {
                due_at,
                warn_at: calendar.start_of_last_working_day_before(due_at).max(from),
            }
        }
    }
}

/// When a clock of `rule` that ends at `due_at` turns yellow: the warning
/// share before an hour-scale end, the start of the last working day
/// before a working-day end (for a deadline moved by an extension).
pub fn warn_at_for(
    policy: &DeadlinePolicy,
    calendar: &WorkingCalendar,
    rule: DeadlineRule,
    due_at: UnixSeconds,
) -> UnixSeconds {
    match policy.clock(rule) {
        Clock::Hours(hours) => {
            due_at - i64::from(hours) * 3600 * i64::from(policy.warn_percent.min(100)) / 100
        }
        Clock::WorkingDays(_) => calendar.start_of_last_working_day_before(due_at),
    }
}

/// Where a case stands against its deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Urgency {
    OnTime,
    /// Yellow: one working day (or the warning share) left.
    DueSoon,
    /// Red.
    Overdue,
}

impl Urgency {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OnTime => "on_time",
            Self::DueSoon => "due_soon",
            Self::Overdue => "overdue",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Self::OnTime => text::urgency_on_time(lang),
            Self::DueSoon => text::urgency_due_soon(lang),
            Self::Overdue => text::urgency_overdue(lang),
        }
    }
}

pub fn urgency(now: UnixSeconds, deadline: &Deadline) -> Urgency {
    if now >= deadline.due_at {
        Urgency::Overdue
    } else if now >= deadline.warn_at {
        Urgency::DueSoon
    } else {
        Urgency::OnTime
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_of_moved_deadlines_follow_their_clock() {
        let policy = DeadlinePolicy::default();
        let calendar = WorkingCalendar::empty();
        let from = crate::clock::local_instant(2026, 11, 23, 9).unwrap();
        for rule in [DeadlineRule::HotlineSignFor, DeadlineRule::HotlineReply] {
            let deadline = deadline_for(&policy, &calendar, rule, from);
            assert_eq!(
                warn_at_for(&policy, &calendar, rule, deadline.due_at),
                deadline.warn_at,
                "{rule:?}"
            );
        }
        // Two hours, 25 %: thirty minutes before.
        assert_eq!(
            warn_at_for(&policy, &calendar, DeadlineRule::HotlineSignFor, from),
            from - 1800
        );
    }
    use crate::clock::local_instant;

    #[test]
    fn hour_clocks_warn_with_a_quarter_left() {
        let policy = DeadlinePolicy::default();
        let calendar = WorkingCalendar::empty();
        let filed = local_instant(2026, 11, 28, 10).unwrap();
        let repair = deadline_for(&policy, &calendar, DeadlineRule::RepairOnSite, filed);
        assert_eq!(repair.due_at, local_instant(2026, 11, 28, 12).unwrap());
        assert_eq!(repair.warn_at, repair.due_at - 30 * 60);
        let measured = deadline_for(&policy, &calendar, DeadlineRule::TemperatureMeasured, filed);
        assert_eq!(measured.due_at, local_instant(2026, 11, 29, 10).unwrap());
        assert_eq!(measured.warn_at, measured.due_at - 6 * 3600);
    }

    #[test]
    fn working_day_clocks_skip_the_weekend_and_warn_a_day_ahead() {
        let policy = DeadlinePolicy::default();
        let calendar = WorkingCalendar::empty();
        // Friday 16:00 + 3 working days → the end of Wednesday.
        let filed = local_instant(2026, 11, 27, 16).unwrap();
        let review = deadline_for(&policy, &calendar, DeadlineRule::ApplicationReview, filed);
        assert_eq!(review.due_at, local_instant(2026, 12, 3, 0).unwrap());
        assert_eq!(review.warn_at, local_instant(2026, 12, 2, 0).unwrap());
        let reply = deadline_for(&policy, &calendar, DeadlineRule::HotlineReply, filed);
        assert_eq!(reply.due_at, local_instant(2026, 12, 5, 0).unwrap());
    }

    #[test]
    fn urgency_turns_yellow_then_red() {
        let deadline = Deadline {
            due_at: 1000,
            warn_at: 800,
        };
        assert_eq!(urgency(799, &deadline), Urgency::OnTime);
        assert_eq!(urgency(800, &deadline), Urgency::DueSoon);
        assert_eq!(urgency(999, &deadline), Urgency::DueSoon);
        assert_eq!(urgency(1000, &deadline), Urgency::Overdue);
    }

    #[test]
    fn rules_are_configurable_and_stored_as_text() {
        let mut policy = DeadlinePolicy::default();
        policy.set(DeadlineRule::EmergencyOnSite, Clock::Hours(1));
        assert_eq!(policy.clock(DeadlineRule::EmergencyOnSite), Clock::Hours(1));
        for rule in DeadlineRule::ALL {
            assert_eq!(DeadlineRule::parse(rule.as_str()), Some(rule));
        }
        assert_eq!(Clock::parse(3, "working_days"), Some(Clock::WorkingDays(3)));
        assert_eq!(Clock::parse(0, "hours"), None);
        assert_eq!(Clock::parse(2, "fortnights"), None);
        assert_eq!(Clock::WorkingDays(3).describe(Lang::Zh), "3 个工作日");
        assert_eq!(Clock::Hours(1).describe(Lang::En), "1 hour");
    }
}
