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

/// The admin's stored rule that holds the notice hours (beside the case
/// deadlines), and the hours it may be set to.
pub const NOTICE_RULE_NAME: &str = "planned_outage_notice";
pub const NOTICE_HOURS_RANGE: std::ops::RangeInclusive<i64> = 1..=720;

impl NoticeRule {
    /// A rule of `hours`, when [`NOTICE_HOURS_RANGE`] allows it.
    pub fn from_hours(hours: i64) -> Option<Self> {
        NOTICE_HOURS_RANGE.contains(&hours).then_some(Self {
            planned_notice_hours: hours,
        })
    }

    /// The rule from the stored (rule, amount, unit) rows: the row named
    /// [`NOTICE_RULE_NAME`] in hours, else the default.
    pub fn from_stored<'a>(rows: impl IntoIterator<Item = (&'a str, i64, &'a str)>) -> Self {
        rows.into_iter()
            .find(|(rule, _, unit)| *rule == NOTICE_RULE_NAME && *unit == "hours")
            .and_then(|(_, hours, _)| Self::from_hours(hours))
            .unwrap_or_default()
    }
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
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

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Self::Draft => text::outage_status_draft(lang),
            Self::Published => text::outage_status_published(lang),
            Self::Restored => text::outage_status_restored(lang),
            Self::Cancelled => text::outage_status_cancelled(lang),
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

/// The longest title of an outage, and the longest "who to call".
pub const MAX_TITLE_CHARS: usize = 40;
pub const MAX_CONTACT_CHARS: usize = 60;
/// The longest progress note.
pub const MAX_NOTE_CHARS: usize = 200;
/// One outage covers at most this many stations, buildings and communities
/// together (a district's worth of stations).
pub const MAX_TARGETS: usize = 200;
/// An outage lasts at most this long (a whole season).
pub const MAX_OUTAGE_DAYS: i64 = 160;

/// What a dispatcher wrote in the new-outage form, before checking.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OutageForm {
    pub kind: Option<OutageKind>,
    pub title: String,
    pub cause: String,
    pub contact: String,
    pub starts_at: Option<UnixSeconds>,
    pub expected_restore_at: Option<UnixSeconds>,
    pub short_notice_reason: String,
    pub station_ids: Vec<i64>,
    pub building_ids: Vec<i64>,
    pub community_ids: Vec<i64>,
}

/// A form that passed: trimmed texts, de-duplicated places.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedOutage {
    pub kind: OutageKind,
    pub title: String,
    pub cause: String,
    pub contact: String,
    pub starts_at: UnixSeconds,
    pub expected_restore_at: UnixSeconds,
    pub notice: Notice,
    pub station_ids: Vec<i64>,
    pub building_ids: Vec<i64>,
    pub community_ids: Vec<i64>,
}

impl CheckedOutage {
    /// The reason shown for a short notice; empty when notice was in time.
    pub fn short_notice_reason(&self) -> &str {
        match &self.notice {
            Notice::InTime => "",
            Notice::Short { reason } => reason,
        }
    }
}

/// Why a new outage cannot be written down as it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutageFormRefusal {
    KindMissing,
    TitleMissing,
    TitleTooLong,
    CauseMissing,
    CauseTooLong,
    ContactTooLong,
    TimesMissing,
    StartsTooLongAgo,
    TooLong,
    NoPlace,
    TooManyPlaces,
    Notice(NoticeRefusal),
}

impl Localize for OutageFormRefusal {
    fn say(&self, lang: Lang) -> Cow<'static, str> {
        match self {
            Self::KindMissing => text::outage_form_kind_missing(lang).into(),
            Self::TitleMissing => text::outage_form_title_missing(lang).into(),
            Self::TitleTooLong => text::outage_form_title_too_long(lang, MAX_TITLE_CHARS).into(),
            Self::CauseMissing => text::outage_cause_missing(lang).into(),
            Self::CauseTooLong => text::outage_cause_too_long(lang).into(),
            Self::ContactTooLong => {
                text::outage_form_contact_too_long(lang, MAX_CONTACT_CHARS).into()
            }
            Self::TimesMissing => text::outage_form_times_missing(lang).into(),
            Self::StartsTooLongAgo => text::outage_form_starts_too_long_ago(lang).into(),
            Self::TooLong => text::outage_form_too_long(lang, MAX_OUTAGE_DAYS).into(),
            Self::NoPlace => text::outage_form_no_place(lang).into(),
            Self::TooManyPlaces => text::outage_form_too_many_places(lang, MAX_TARGETS).into(),
            Self::Notice(refusal) => refusal.say(lang),
        }
    }
}

translations::localized_error!(OutageFormRefusal);

fn sorted_unique(mut ids: Vec<i64>) -> Vec<i64> {
    ids.retain(|id| *id > 0);
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Checks a new outage written at `now`: every field present and within its
/// length, at least one place, times that make sense (an emergency may have
/// started up to a day ago), and the notice rule.
pub fn check_outage_form(
    rule: &NoticeRule,
    form: OutageForm,
    now: UnixSeconds,
) -> Result<CheckedOutage, OutageFormRefusal> {
    use OutageFormRefusal as R;
    let kind = form.kind.ok_or(R::KindMissing)?;
    let title = form.title.trim().to_string();
    if title.is_empty() {
        return Err(R::TitleMissing);
    }
    if title.chars().count() > MAX_TITLE_CHARS {
        return Err(R::TitleTooLong);
    }
    let cause = form.cause.trim().to_string();
    if cause.is_empty() {
        return Err(R::CauseMissing);
    }
    if cause.chars().count() > MAX_REASON_CHARS {
        return Err(R::CauseTooLong);
    }
    let contact = form.contact.trim().to_string();
    if contact.chars().count() > MAX_CONTACT_CHARS {
        return Err(R::ContactTooLong);
    }
    let (Some(starts_at), Some(expected_restore_at)) = (form.starts_at, form.expected_restore_at)
    else {
        return Err(R::TimesMissing);
    };
    if starts_at < now - LONG_STOP_HOURS * HOUR {
        return Err(R::StartsTooLongAgo);
    }
    if expected_restore_at - starts_at > MAX_OUTAGE_DAYS * 24 * HOUR {
        return Err(R::TooLong);
    }
    let station_ids = sorted_unique(form.station_ids);
    let building_ids = sorted_unique(form.building_ids);
    let community_ids = sorted_unique(form.community_ids);
    let places = station_ids.len() + building_ids.len() + community_ids.len();
    if places == 0 {
        return Err(R::NoPlace);
    }
    if places > MAX_TARGETS {
        return Err(R::TooManyPlaces);
    }
    let notice = check_notice(
        rule,
        kind,
        now,
        starts_at,
        expected_restore_at,
        &form.short_notice_reason,
    )
    .map_err(R::Notice)?;
    Ok(CheckedOutage {
        kind,
        title,
        cause,
        contact,
        starts_at,
        expected_restore_at,
        notice,
        station_ids,
        building_ids,
        community_ids,
    })
}

/// A progress note as written: its text, and the new expected restore time
/// if it moves it.
pub fn check_update(
    note: &str,
    new_restore_at: Option<UnixSeconds>,
    starts_at: UnixSeconds,
) -> Result<(String, Option<UnixSeconds>), StaticText> {
    let note = note.trim();
    if note.is_empty() {
        return Err(text::outage_update_note_missing);
    }
    if note.chars().count() > MAX_NOTE_CHARS {
        return Err(text::outage_update_note_too_long);
    }
    if new_restore_at.is_some_and(|at| at <= starts_at) {
        return Err(text::outage_restore_not_after_start);
    }
    Ok((note.to_string(), new_restore_at))
}

/// When a scheduled publication may be set: not in the past (a little
/// slack for the form's clock), not after the outage has ended.
pub fn check_publish_at(
    publish_at: Option<UnixSeconds>,
    now: UnixSeconds,
    expected_restore_at: UnixSeconds,
) -> Result<UnixSeconds, StaticText> {
    let at = publish_at.unwrap_or(now).max(now);
    if at >= expected_restore_at {
        return Err(text::outage_publish_after_end);
    }
    Ok(at)
}

/// What the residents of an outage's area are told, and when.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutageNews {
    Published,
    RestoreMoved,
    Restored,
    Cancelled,
}

impl OutageNews {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Published => "published",
            Self::RestoreMoved => "moved",
            Self::Restored => "restored",
            Self::Cancelled => "cancelled",
        }
    }

    /// The note an outage's timeline keeps when it ends this way (kept in
    /// Chinese, as every note on the public timeline); None for news that
    /// does not end it.
    pub fn ending_note(self) -> Option<&'static str> {
        match self {
            Self::Restored => Some(text::outage_timeline_restored(Lang::Zh)),
            Self::Cancelled => Some(text::outage_timeline_cancelled(Lang::Zh)),
            Self::Published | Self::RestoreMoved => None,
        }
    }
}

/// The text residents get (sent in Chinese: the carrier's registered
/// templates), e.g. "东城区 幸福里小区 计划停热：管网维修，12月3日 08:00 起停热，预计 12月4日 18:00 恢复。"
pub fn outage_news_text(
    news: OutageNews,
    kind: OutageKind,
    title: &str,
    starts_at: UnixSeconds,
    expected_restore_at: UnixSeconds,
    note: &str,
) -> String {
    let lang = Lang::Zh;
    let starts = crate::clock::format_month_day_time(starts_at, lang);
    let restore = crate::clock::format_month_day_time(expected_restore_at, lang);
    match news {
        OutageNews::Published if kind.stops_the_heat() => {
            text::outage_news_published(lang, kind.label(lang), note, &restore, &starts, title)
        }
        OutageNews::Published => {
            text::outage_news_limited(lang, kind.label(lang), note, &restore, &starts, title)
        }
        OutageNews::RestoreMoved => text::outage_news_moved(lang, note, &restore, title),
        OutageNews::Restored => text::outage_news_restored(lang, title),
        OutageNews::Cancelled => text::outage_news_cancelled(lang, title),
    }
}

/// WeChat's limit for a template message's short (`thing`) field.
pub const WECHAT_THING_MAX_CHARS: usize = 20;

/// The news of an outage as a WeChat template message's short field states
/// it, within [`WECHAT_THING_MAX_CHARS`] (the title has a field of its own,
/// and a tap opens the outage's page), e.g. "抢修停热至12月3日 18:00".
pub fn outage_wechat_news(
    news: OutageNews,
    kind: OutageKind,
    expected_restore_at: UnixSeconds,
) -> String {
    let lang = Lang::Zh;
    let restore = crate::clock::format_month_day_time(expected_restore_at, lang);
    match news {
        OutageNews::Published => text::outage_wechat_published(lang, kind.label(lang), &restore),
        OutageNews::RestoreMoved => text::outage_wechat_moved(lang, &restore),
        OutageNews::Restored => text::outage_wechat_restored(lang).to_string(),
        OutageNews::Cancelled => text::outage_wechat_cancelled(lang).to_string(),
    }
}

/// Characters in one text message, and in each part of a longer one (the
/// carriers' rule for texts with Chinese characters).
pub const TEXT_SINGLE_CHARS: usize = 70;
pub const TEXT_PART_CHARS: usize = 67;

/// How many billed texts a message of `chars` characters costs.
pub fn text_parts(chars: usize) -> u32 {
    if chars <= TEXT_SINGLE_CHARS {
        1
    } else {
        chars.div_ceil(TEXT_PART_CHARS) as u32
    }
}

/// Who an outage's news reaches, as the desk shows it before publishing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Audience {
    pub buildings: u32,
    pub households: u32,
    /// Residents bound to those households, grid workers and property
    /// managers of the buildings, each once.
    pub people: u32,
    /// Of them, who asked for no routine news (planned work only).
    pub opted_out: u32,
}

impl Audience {
    /// The people a text goes to for news of `kind`.
    pub fn told(&self, kind: OutageKind) -> u32 {
        if is_urgent(kind) {
            self.people
        } else {
            self.people.saturating_sub(self.opted_out)
        }
    }
}

/// An outage as its company's desk shows it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DeskOutage {
    pub id: i64,
    pub kind: OutageKind,
    pub status: OutageStatus,
    pub title: String,
    pub cause: String,
    pub contact: String,
    pub short_notice_reason: String,
    pub starts_at: UnixSeconds,
    pub expected_restore_at: UnixSeconds,
    /// Restored or cancelled at.
    pub ended_at: Option<UnixSeconds>,
    /// When it went (or goes) public; `i64::MAX` for a draft.
    pub published_at: UnixSeconds,
}

/// A station, community or building the new-outage form offers.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DeskPlace {
    pub id: i64,
    pub label: String,
}

/// The duty desk's front page: the company's outages and the form's choices.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OutageDeskView {
    pub now: UnixSeconds,
    pub company_name: String,
    pub outages: Vec<DeskOutage>,
    pub places: DeskPlaces,
    pub planned_notice_hours: i64,
}

/// The company's places an outage's form offers.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DeskPlaces {
    pub stations: Vec<DeskPlace>,
    /// Each stands for its buildings on the company's stations.
    pub communities: Vec<DeskPlace>,
    pub buildings: Vec<DeskPlace>,
}

/// What editing a draft starts from: the places on offer, those the draft
/// covers (a community chosen when it was written is its buildings now)
/// and the notice rule's hours for the form's hint.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DraftChoices {
    pub places: DeskPlaces,
    pub station_ids: Vec<i64>,
    pub building_ids: Vec<i64>,
    pub planned_notice_hours: i64,
}

/// One entry of an outage's timeline.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TimelineEntry {
    pub posted_at: UnixSeconds,
    pub message: String,
    /// The expected restore this entry set, if it moved it.
    pub expected_restore_at: Option<UnixSeconds>,
}

/// One outage on the desk: what it is, who hears of it and what that costs.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DeskOutageDetail {
    pub now: UnixSeconds,
    pub outage: DeskOutage,
    pub areas: Vec<crate::notices::AffectedArea>,
    pub audience: Audience,
    /// The text publishing would send, and its billed parts per person.
    pub publish_text: String,
    pub texts_per_person: u32,
    pub timeline: Vec<TimelineEntry>,
    /// For a draft: what its editing form starts from.
    pub draft: Option<DraftChoices>,
}

impl DeskOutageDetail {
    /// How many billed texts publishing costs.
    pub fn publish_cost(&self) -> u32 {
        self.audience
            .told(self.outage.kind)
            .saturating_mul(self.texts_per_person)
    }
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
    fn wechat_news_fits_the_short_field_for_every_kind_and_date() {
        let longest_date = crate::clock::local_instant(2026, 12, 31, 23).expect("a date");
        for kind in OutageKind::ALL {
            for news in [
                OutageNews::Published,
                OutageNews::RestoreMoved,
                OutageNews::Restored,
                OutageNews::Cancelled,
            ] {
                let said = outage_wechat_news(news, kind, longest_date);
                assert!(
                    said.chars().count() <= WECHAT_THING_MAX_CHARS,
                    "{said} is too long"
                );
            }
        }
        assert_eq!(
            outage_wechat_news(OutageNews::Published, OutageKind::Emergency, longest_date),
            format!("{}至12月31日 23:00", OutageKind::Emergency.label(Lang::Zh))
        );
    }

    #[test]
    fn a_heat_source_limit_needs_no_notice_and_waits_for_the_morning() {
        let rule = NoticeRule::default();
        let limit = OutageKind::HeatSource;
        // Three days of reduced heat, from an hour after it is announced.
        assert_eq!(
            check_notice(&rule, limit, at(3, 8), at(3, 9), at(6, 9), ""),
            Ok(Notice::InTime)
        );
        assert!(!is_urgent(limit));
        assert_eq!(news_send_at(limit, at(3, 23)), at(4, 8));
        assert_eq!(OutageKind::parse("heat_source"), Some(limit));
        assert_eq!(limit.label(Lang::Zh), "热源限供");
        let news = outage_news_text(
            OutageNews::Published,
            limit,
            "城东片区",
            at(3, 9),
            at(6, 9),
            "气源紧张",
        );
        assert!(
            news.contains("起降温运行") && !news.contains("停热"),
            "{news}"
        );
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

#[cfg(test)]
mod form_tests {
    use super::*;
    use crate::clock::local_instant;

    fn at(day: u32, hour: u32) -> UnixSeconds {
        local_instant(2026, 12, day, hour).unwrap()
    }

    fn planned_form() -> OutageForm {
        OutageForm {
            kind: Some(OutageKind::Planned),
            title: "  幸福里小区停热 ".into(),
            cause: "二次网阀门更换".into(),
            contact: "0536-8888888".into(),
            starts_at: Some(at(5, 8)),
            expected_restore_at: Some(at(5, 18)),
            short_notice_reason: String::new(),
            station_ids: vec![3, 3, 1],
            building_ids: vec![],
            community_ids: vec![0, 7],
        }
    }

    #[test]
    fn a_good_form_is_trimmed_and_its_places_deduplicated() {
        let checked = check_outage_form(&NoticeRule::default(), planned_form(), at(1, 9)).unwrap();
        assert_eq!(checked.title, "幸福里小区停热");
        assert_eq!(checked.station_ids, vec![1, 3]);
        assert_eq!(checked.community_ids, vec![7]);
        assert_eq!(checked.notice, Notice::InTime);
    }

    #[test]
    fn each_missing_or_wrong_field_is_named() {
        let rule = NoticeRule::default();
        let now = at(1, 9);
        let refused = |change: fn(&mut OutageForm)| {
            let mut form = planned_form();
            change(&mut form);
            check_outage_form(&rule, form, now).unwrap_err()
        };
        use OutageFormRefusal as R;
        assert_eq!(refused(|f| f.kind = None), R::KindMissing);
        assert_eq!(refused(|f| f.title = " ".into()), R::TitleMissing);
        assert_eq!(refused(|f| f.title = "长".repeat(41)), R::TitleTooLong);
        assert_eq!(refused(|f| f.cause.clear()), R::CauseMissing);
        assert_eq!(refused(|f| f.contact = "1".repeat(61)), R::ContactTooLong);
        assert_eq!(refused(|f| f.starts_at = None), R::TimesMissing);
        assert_eq!(
            refused(|f| f.starts_at = Some(at(1, 9) - 25 * HOUR)),
            R::StartsTooLongAgo
        );
        assert_eq!(
            refused(|f| f.expected_restore_at = Some(at(5, 8) + 161 * 24 * HOUR)),
            R::TooLong
        );
        assert_eq!(
            refused(|f| {
                f.station_ids.clear();
                f.community_ids.clear();
            }),
            R::NoPlace
        );
        assert_eq!(
            refused(|f| f.building_ids = (1..=201).collect()),
            R::TooManyPlaces
        );
        assert_eq!(
            refused(|f| f.expected_restore_at = f.starts_at),
            R::Notice(NoticeRefusal::RestoreNotAfterStart)
        );
        // Two days of planned work starting tomorrow: short notice, no reason.
        assert_eq!(
            refused(|f| {
                f.starts_at = Some(at(2, 8));
                f.expected_restore_at = Some(at(4, 8));
            }),
            R::Notice(NoticeRefusal::ShortNoticeNeedsReason { hours: 48 })
        );
        assert!(R::TitleTooLong.say(Lang::Zh).contains("40"));
        assert!(R::NoPlace.say(Lang::En).contains("station"));
    }

    #[test]
    fn updates_need_a_note_and_a_restore_after_the_start() {
        assert_eq!(
            check_update(" 更换完成一半 ", Some(at(6, 8)), at(5, 8)),
            Ok(("更换完成一半".to_string(), Some(at(6, 8))))
        );
        assert!(check_update("", None, at(5, 8)).is_err());
        assert!(check_update("x", Some(at(5, 8)), at(5, 8)).is_err());
        assert!(check_update(&"字".repeat(201), None, at(5, 8)).is_err());
    }

    #[test]
    fn publishing_later_must_come_before_the_end() {
        assert_eq!(check_publish_at(None, at(1, 9), at(5, 8)), Ok(at(1, 9)));
        // A time already past means now.
        assert_eq!(
            check_publish_at(Some(at(1, 7)), at(1, 9), at(5, 8)),
            Ok(at(1, 9))
        );
        assert_eq!(
            check_publish_at(Some(at(3, 9)), at(1, 9), at(5, 8)),
            Ok(at(3, 9))
        );
        assert!(check_publish_at(Some(at(5, 8)), at(1, 9), at(5, 8)).is_err());
    }

    #[test]
    fn news_texts_name_the_outage_and_times() {
        let published = outage_news_text(
            OutageNews::Published,
            OutageKind::Planned,
            "幸福里小区停热",
            at(5, 8),
            at(5, 18),
            "阀门更换",
        );
        assert_eq!(
            published,
            "幸福里小区停热（计划停热）：阀门更换。12月5日 08:00 起停热，预计 12月5日 18:00 恢复。"
        );
        let moved = outage_news_text(
            OutageNews::RestoreMoved,
            OutageKind::Planned,
            "幸福里小区停热",
            at(5, 8),
            at(5, 22),
            "阀门到货晚",
        );
        assert!(moved.contains("12月5日 22:00"), "{moved}");
        assert!(
            outage_news_text(OutageNews::Restored, OutageKind::Emergency, "t", 0, 1, "")
                .contains("已恢复供热")
        );
        assert!(
            outage_news_text(OutageNews::Cancelled, OutageKind::Emergency, "t", 0, 1, "")
                .contains("取消")
        );
    }

    #[test]
    fn long_texts_cost_several_parts() {
        assert_eq!(text_parts(0), 1);
        assert_eq!(text_parts(70), 1);
        assert_eq!(text_parts(71), 2);
        assert_eq!(text_parts(134), 2);
        assert_eq!(text_parts(135), 3);
    }

    #[test]
    fn opted_out_people_are_told_of_emergencies_only() {
        let audience = Audience {
            buildings: 2,
            households: 10,
            people: 12,
            opted_out: 3,
        };
        assert_eq!(audience.told(OutageKind::Planned), 9);
        assert_eq!(audience.told(OutageKind::Emergency), 12);
    }
}
