//! 室温投诉 triage: what a resident's reading means before a case is opened.
//!
//! The standard (GB/T 33833-2017 §5.1 and the Weifang and Shandong heating
//! regulations): bedrooms and living rooms at least 18 ℃ in the season.

use crate::clock::{format_month_day_time, UnixSeconds};
use crate::season::SeasonStatus;
use crate::service_change::ServiceState;
use crate::typing::halfwidth;
use serde::{Deserialize, Serialize};
use translations::{text, Lang, StaticText};

/// The lowest indoor temperature owed, in tenths of a degree.
pub const STANDARD_MIN_TENTHS: i32 = 180;
/// Readings outside this range (tenths of a degree) are typing mistakes.
const READING_RANGE: std::ops::RangeInclusive<i32> = -200..=450;

/// An indoor temperature reading, in tenths of a degree Celsius.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Reading(pub i32);

impl Reading {
    /// Reads what a resident typed: "16.5", "16,5", "１６．５", "16.5℃",
    /// "16.5 度". At most one decimal; between -20 and 45 ℃.
    pub fn parse(text: &str) -> Result<Self, StaticText> {
        let cleaned: String = text
            .chars()
            .map(halfwidth)
            .filter(|c| !c.is_whitespace())
            .map(|c| if c == ',' || c == '。' { '.' } else { c })
            .collect();
        let number = cleaned
            .trim_end_matches(['℃', '度', 'C', 'c'])
            .trim_end_matches('°');
        if number.is_empty() {
            return Err(text::reading_missing);
        }
        let (whole, fraction) = match number.split_once('.') {
            Some((whole, fraction)) => (whole, fraction),
            None => (number, "0"),
        };
        let negative = whole.starts_with('-');
        let digits = whole.trim_start_matches(['-', '+']);
        let fraction = if fraction.is_empty() { "0" } else { fraction };
        if digits.is_empty()
            || digits.len() > 3
            || fraction.len() > 1
            || !digits
                .chars()
                .chain(fraction.chars())
                .all(|c| c.is_ascii_digit())
        {
            return Err(text::reading_not_a_number);
        }
        let whole: i32 = digits
            .parse()
            .map_err(|_| text::reading_unreadable as StaticText)?;
        let fraction: i32 = fraction
            .parse()
            .map_err(|_| text::reading_unreadable as StaticText)?;
        let tenths = (whole * 10 + fraction) * if negative { -1 } else { 1 };
        if !READING_RANGE.contains(&tenths) {
            return Err(text::reading_implausible);
        }
        Ok(Self(tenths))
    }

    /// "16.5 ℃"
    pub fn display(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        format!("{sign}{}.{} ℃", self.0.abs() / 10, self.0.abs() % 10)
    }

    pub fn meets_standard(self) -> bool {
        self.0 >= STANDARD_MIN_TENTHS
    }
}

/// The room a reading was taken in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Room {
    MasterBedroom,
    Bedroom,
    LivingRoom,
    Study,
    Other,
}

impl Room {
    pub const ALL: [Self; 5] = [
        Self::MasterBedroom,
        Self::Bedroom,
        Self::LivingRoom,
        Self::Study,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::MasterBedroom => "master_bedroom",
            Self::Bedroom => "bedroom",
            Self::LivingRoom => "living_room",
            Self::Study => "study",
            Self::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Self::MasterBedroom => text::room_master_bedroom(lang),
            Self::Bedroom => text::room_bedroom(lang),
            Self::LivingRoom => text::room_living_room(lang),
            Self::Study => text::room_study(lang),
            Self::Other => text::room_other(lang),
        }
    }
}

/// An outage in force over the complaining household's building.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoveringOutage {
    pub outage_id: i64,
    pub title: String,
    pub expected_restore_at: UnixSeconds,
}

/// What a reading means, in the order the rules are asked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Triage {
    /// The household is suspended (报停) or not connected: no heat is owed
    /// to it. No case; it is told how to resume.
    NotHeated { service: ServiceState },
    /// The season has not started (or has ended): a cold flat is not a
    /// heating fault. No case.
    OutOfSeason { starts_at: UnixSeconds },
    /// The building is inside an outage: the case joins it.
    CoveredByOutage(CoveringOutage),
    /// Below 18 ℃ in the season: the company owes a measurement.
    BelowStandard,
    /// 18 ℃ or more: the standard is met; the resident may still file.
    MeetsStandard,
}

impl Triage {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::NotHeated { .. } => "not_heated",
            Self::OutOfSeason { .. } => "out_of_season",
            Self::CoveredByOutage(_) => "outage",
            Self::BelowStandard => "below_standard",
            Self::MeetsStandard => "meets_standard",
        }
    }

    /// Whether a case is opened; `file_anyway` is the resident's explicit
    /// wish to complain about a reading that meets the standard.
    pub fn opens_case(&self, file_anyway: bool) -> bool {
        match self {
            Self::NotHeated { .. } | Self::OutOfSeason { .. } => false,
            Self::MeetsStandard => file_anyway,
            Self::CoveredByOutage(_) | Self::BelowStandard => true,
        }
    }

    /// The explanation shown to the resident.
    pub fn explain(&self, reading: Reading, lang: Lang) -> String {
        match self {
            Self::NotHeated {
                service: ServiceState::Suspended,
            } => text::triage_suspended(lang).to_string(),
            Self::NotHeated { .. } => text::triage_not_connected(lang).to_string(),
            Self::OutOfSeason { starts_at } => {
                text::triage_out_of_season(lang, format_month_day_time(*starts_at, lang))
            }
            Self::CoveredByOutage(outage) => text::triage_covered_by_outage(
                lang,
                &outage.title,
                format_month_day_time(outage.expected_restore_at, lang),
            ),
            Self::BelowStandard => text::triage_below_standard(lang, reading.display()),
            Self::MeetsStandard => text::triage_meets_standard(lang, reading.display()),
        }
    }
}

/// Triage of one household's reading: a household that is not heated
/// (suspended, not connected) is owed no heat, whatever the reading; then
/// [`triage_complaint`].
pub fn triage_household_complaint(
    service: ServiceState,
    season: &SeasonStatus,
    covering_outages: &[CoveringOutage],
    reading: Reading,
) -> Triage {
    if service != ServiceState::Heated {
        return Triage::NotHeated { service };
    }
    triage_complaint(season, covering_outages, reading)
}

/// Triage of one reading: out of season first, then an outage over the
/// building, then the standard.
pub fn triage_complaint(
    season: &SeasonStatus,
    covering_outages: &[CoveringOutage],
    reading: Reading,
) -> Triage {
    if !season.is_heating() {
        return Triage::OutOfSeason {
            starts_at: season.effective.start,
        };
    }
    if let Some(outage) = covering_outages
        .iter()
        .max_by_key(|o| o.expected_restore_at)
    {
        return Triage::CoveredByOutage(outage.clone());
    }
    if reading.meets_standard() {
        Triage::MeetsStandard
    } else {
        Triage::BelowStandard
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::local_instant;
    use crate::season::{season_status, SeasonCalendar};

    fn season_at(now: UnixSeconds) -> SeasonStatus {
        season_status(&SeasonCalendar::default(), &[], now)
    }

    fn at(month: u32, day: u32, hour: u32) -> UnixSeconds {
        let year = if month >= 7 { 2026 } else { 2027 };
        local_instant(year, month, day, hour).unwrap()
    }

    fn outage(id: i64, restore: UnixSeconds) -> CoveringOutage {
        CoveringOutage {
            outage_id: id,
            title: "胜利街换热站抢修".into(),
            expected_restore_at: restore,
        }
    }

    #[test]
    fn readings_are_read_as_people_type_them() {
        assert_eq!(Reading::parse("16.5"), Ok(Reading(165)));
        assert_eq!(Reading::parse(" １６．５ ℃"), Ok(Reading(165)));
        assert_eq!(Reading::parse("16,5"), Ok(Reading(165)));
        assert_eq!(Reading::parse("17度"), Ok(Reading(170)));
        assert_eq!(Reading::parse("17."), Ok(Reading(170)));
        assert_eq!(Reading::parse("-2.5"), Ok(Reading(-25)));
        assert_eq!(Reading::parse("18°C"), Ok(Reading(180)));
        for bad in ["", "abc", "16.55", "1e2", "99", "-30", "16..5", "十六"] {
            assert!(Reading::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Reading(165).display(), "16.5 ℃");
        assert_eq!(Reading(-25).display(), "-2.5 ℃");
    }

    #[test]
    fn a_household_not_heated_is_owed_no_heat() {
        let now = at(12, 7, 9);
        let season = season_at(now);
        let suspended =
            triage_household_complaint(ServiceState::Suspended, &season, &[], Reading(120));
        assert_eq!(
            suspended,
            Triage::NotHeated {
                service: ServiceState::Suspended
            }
        );
        assert!(!suspended.opens_case(true));
        assert!(suspended.explain(Reading(120), Lang::Zh).contains("复供"));
        let heated = triage_household_complaint(ServiceState::Heated, &season, &[], Reading(120));
        assert_eq!(heated, Triage::BelowStandard);
    }

    #[test]
    fn eighteen_degrees_meets_the_standard() {
        assert!(Reading(180).meets_standard());
        assert!(!Reading(179).meets_standard());
    }

    #[test]
    fn out_of_season_comes_first_and_opens_no_case() {
        let now = at(10, 20, 9);
        let triage = triage_complaint(&season_at(now), &[outage(1, now + 3600)], Reading(120));
        assert_eq!(
            triage,
            Triage::OutOfSeason {
                starts_at: at(11, 14, 12)
            }
        );
        assert!(!triage.opens_case(true));
        assert!(triage
            .explain(Reading(120), Lang::Zh)
            .contains("11月14日 12:00"));
    }

    #[test]
    fn an_outage_over_the_building_takes_the_case() {
        let now = at(12, 1, 9);
        let triage = triage_complaint(
            &season_at(now),
            &[outage(1, now + 3600), outage(2, now + 7200)],
            Reading(200),
        );
        assert_eq!(triage, Triage::CoveredByOutage(outage(2, now + 7200)));
        assert!(triage.opens_case(false));
    }

    #[test]
    fn in_season_the_standard_decides() {
        let now = at(1, 10, 20);
        let season = season_at(now);
        let cold = triage_complaint(&season, &[], Reading(165));
        assert_eq!(cold, Triage::BelowStandard);
        assert!(cold.opens_case(false));
        let warm = triage_complaint(&season, &[], Reading(185));
        assert_eq!(warm, Triage::MeetsStandard);
        assert!(!warm.opens_case(false));
        assert!(warm.opens_case(true));
        assert!(warm.explain(Reading(185), Lang::Zh).contains("18.5 ℃"));
    }

    #[test]
    fn after_the_season_ends_the_next_start_is_shown() {
        let now = at(3, 20, 9);
        let triage = triage_complaint(&season_at(now), &[], Reading(150));
        assert_eq!(
            triage,
            Triage::OutOfSeason {
                starts_at: local_instant(2027, 11, 14, 12).unwrap()
            }
        );
    }

    #[test]
    fn rooms_round_trip() {
        for room in Room::ALL {
            assert_eq!(Room::parse(room.as_str()), Some(room));
        }
        assert_eq!(Room::parse("garage"), None);
    }
}
