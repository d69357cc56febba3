//! The city heating authority's season decisions (看天供暖): an early start
//! or an extension, with its reason and new date, for every company or
//! named ones. Which decisions may be made: within a stated distance of the
//! regulated dates, never moving a season backwards, never in the past.

use crate::clock::{to_local, UnixSeconds};
use crate::season::{AnnouncementKind, NamedCompany, SeasonAnnouncement, SeasonCalendar};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use translations::{text, Lang, Localize};

/// How far a decision may move the regulated start or end, in days.
pub const MAX_SHIFT_DAYS: i64 = 45;
/// The longest reason.
pub const MAX_REASON_CHARS: usize = 200;
const DAY: i64 = 86_400;

/// What the authority wrote in the decision form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DecisionForm {
    pub kind: Option<AnnouncementKind>,
    pub effective_at: Option<UnixSeconds>,
    pub reason: String,
    /// The chosen companies (none: every company), as known to the city.
    pub companies: Vec<NamedCompany>,
}

/// Why a decision cannot be published as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecisionRefusal {
    KindMissing,
    DateMissing,
    ReasonMissing,
    ReasonTooLong,
    /// An early start must come before the regulated start, at most
    /// [`MAX_SHIFT_DAYS`] ahead of it.
    StartOutOfRange,
    /// An extension must come after the regulated end, at most
    /// [`MAX_SHIFT_DAYS`] beyond it.
    EndOutOfRange,
    /// The new date has passed.
    InThePast,
    /// A heat-source limit must begin within a season (its regulated
    /// dates, widened by [`MAX_SHIFT_DAYS`] on both sides).
    LimitOutOfSeason,
}

impl Localize for DecisionRefusal {
    fn say(&self, lang: Lang) -> Cow<'static, str> {
        match self {
            Self::KindMissing => text::decision_kind_missing(lang).into(),
            Self::DateMissing => text::decision_date_missing(lang).into(),
            Self::ReasonMissing => text::decision_reason_missing(lang).into(),
            Self::ReasonTooLong => text::decision_reason_too_long(lang, MAX_REASON_CHARS).into(),
            Self::StartOutOfRange => text::decision_start_out_of_range(lang, MAX_SHIFT_DAYS).into(),
            Self::EndOutOfRange => text::decision_end_out_of_range(lang, MAX_SHIFT_DAYS).into(),
            Self::InThePast => text::decision_in_the_past(lang).into(),
            Self::LimitOutOfSeason => {
                text::decision_limit_out_of_season(lang, MAX_SHIFT_DAYS).into()
            }
        }
    }
}

translations::localized_error!(DecisionRefusal);

/// Checks a decision made at `now` and turns it into the announcement to
/// publish: an early start belongs to the season whose regulated start it
/// precedes, an extension to the season whose regulated end it follows.
pub fn check_decision(
    calendar: &SeasonCalendar,
    form: DecisionForm,
    now: UnixSeconds,
) -> Result<SeasonAnnouncement, DecisionRefusal> {
    use DecisionRefusal as R;
    let kind = form.kind.ok_or(R::KindMissing)?;
    let effective_at = form.effective_at.ok_or(R::DateMissing)?;
    let reason = form.reason.trim().to_string();
    if reason.is_empty() {
        return Err(R::ReasonMissing);
    }
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(R::ReasonTooLong);
    }
    if effective_at < now {
        return Err(R::InThePast);
    }
    let year = chrono::Datelike::year(&to_local(effective_at));
    let season_start_year = match kind {
        AnnouncementKind::EarlyStart => [year, year - 1]
            .into_iter()
            .find(|y| {
                let start = calendar.regulated_window(*y).start;
                effective_at < start && start - effective_at <= MAX_SHIFT_DAYS * DAY
            })
            .ok_or(R::StartOutOfRange)?,
        AnnouncementKind::Extension => [year - 1, year]
            .into_iter()
            .find(|y| {
                let end = calendar.regulated_window(*y).end;
                effective_at > end && effective_at - end <= MAX_SHIFT_DAYS * DAY
            })
            .ok_or(R::EndOutOfRange)?,
        AnnouncementKind::HeatSourceLimit => [year - 1, year]
            .into_iter()
            .find(|y| {
                let window = calendar.regulated_window(*y);
                effective_at >= window.start - MAX_SHIFT_DAYS * DAY
                    && effective_at <= window.end + MAX_SHIFT_DAYS * DAY
            })
            .ok_or(R::LimitOutOfSeason)?,
    };
    let mut companies = form.companies;
    companies.sort_by_key(|c| c.id);
    companies.dedup_by_key(|c| c.id);
    Ok(SeasonAnnouncement {
        season_start_year,
        kind,
        effective_at,
        reason,
        published_at: now,
        companies,
    })
}

/// The authority's season desk: the season as the city sees it, the
/// decisions so far, and the companies a decision may name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeasonDeskView {
    pub now: UnixSeconds,
    pub season: crate::season::SeasonStatus,
    pub companies: Vec<NamedCompany>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::local_instant;

    fn at(year: i32, month: u32, day: u32, hour: u32) -> UnixSeconds {
        local_instant(year, month, day, hour).unwrap()
    }

    fn form(kind: AnnouncementKind, effective_at: UnixSeconds) -> DecisionForm {
        DecisionForm {
            kind: Some(kind),
            effective_at: Some(effective_at),
            reason: " 寒潮提前到来 ".into(),
            companies: vec![
                NamedCompany {
                    id: 3,
                    name: "高新供热".into(),
                },
                NamedCompany {
                    id: 3,
                    name: "高新供热".into(),
                },
            ],
        }
    }

    #[test]
    fn an_early_start_belongs_to_the_coming_season() {
        let calendar = SeasonCalendar::default();
        let now = at(2026, 10, 20, 9);
        let decided = check_decision(
            &calendar,
            form(AnnouncementKind::EarlyStart, at(2026, 11, 5, 12)),
            now,
        )
        .unwrap();
        assert_eq!(decided.season_start_year, 2026);
        assert_eq!(decided.reason, "寒潮提前到来");
        assert_eq!(decided.companies.len(), 1);
        assert_eq!(decided.published_at, now);
    }

    #[test]
    fn an_extension_belongs_to_the_season_ending() {
        let calendar = SeasonCalendar::default();
        let now = at(2027, 3, 1, 9);
        let decided = check_decision(
            &calendar,
            form(AnnouncementKind::Extension, at(2027, 3, 25, 12)),
            now,
        )
        .unwrap();
        assert_eq!(decided.season_start_year, 2026);
    }

    #[test]
    fn a_heat_source_limit_belongs_to_the_season_in_force_and_moves_nothing() {
        let calendar = SeasonCalendar::default();
        let now = at(2026, 12, 5, 9);
        let decided = check_decision(
            &calendar,
            form(AnnouncementKind::HeatSourceLimit, at(2026, 12, 6, 0)),
            now,
        )
        .unwrap();
        assert_eq!(decided.season_start_year, 2026);
        let window = crate::season::effective_window(&calendar, 2026, &[decided]);
        assert_eq!(window, calendar.regulated_window(2026));
        // In summer there is no season to limit.
        assert_eq!(
            check_decision(
                &calendar,
                form(AnnouncementKind::HeatSourceLimit, at(2027, 7, 1, 0)),
                now
            ),
            Err(DecisionRefusal::LimitOutOfSeason)
        );
    }

    #[test]
    fn decisions_stay_near_the_regulated_dates_and_ahead_of_now() {
        let calendar = SeasonCalendar::default();
        let now = at(2026, 10, 1, 9);
        let refused = |kind, when| check_decision(&calendar, form(kind, when), now).unwrap_err();
        use AnnouncementKind::{EarlyStart, Extension};
        // After the regulated start is no early start; 60 days before is too far.
        assert_eq!(
            refused(EarlyStart, at(2026, 11, 20, 12)),
            DecisionRefusal::StartOutOfRange
        );
        assert_eq!(
            refused(EarlyStart, at(2026, 9, 10, 12)),
            DecisionRefusal::InThePast
        );
        assert_eq!(
            refused(Extension, at(2027, 3, 10, 12)),
            DecisionRefusal::EndOutOfRange
        );
        assert_eq!(
            refused(Extension, at(2027, 5, 10, 12)),
            DecisionRefusal::EndOutOfRange
        );
        let mut no_reason = form(EarlyStart, at(2026, 11, 5, 12));
        no_reason.reason = "  ".into();
        assert_eq!(
            check_decision(&calendar, no_reason, now),
            Err(DecisionRefusal::ReasonMissing)
        );
        assert!(DecisionRefusal::StartOutOfRange
            .say(Lang::Zh)
            .contains("45"));
    }
}
