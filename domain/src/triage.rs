//! 室温投诉 triage: what a resident's reading means before a case is opened.
//!
//! The standard (GB/T 33833-2017 §5.1 and the Weifang and Shandong heating
//! regulations): bedrooms and living rooms at least 18 ℃ in the season.

use crate::clock::{format_month_day_time, format_month_day_time_en, UnixSeconds};
use crate::season::SeasonStatus;
use crate::typing::halfwidth;
use serde::{Deserialize, Serialize};

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
    pub fn parse(text: &str) -> Result<Self, &'static str> {
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
            return Err("请填写温度计的读数，例如 16.5");
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
            return Err("温度读数只能是数字，最多一位小数，例如 16.5");
        }
        let whole: i32 = digits.parse().map_err(|_| "温度读数看不懂，请重新填写")?;
        let fraction: i32 = fraction.parse().map_err(|_| "温度读数看不懂，请重新填写")?;
        let tenths = (whole * 10 + fraction) * if negative { -1 } else { 1 };
        if !READING_RANGE.contains(&tenths) {
            return Err("这个读数不像室内温度，请核对温度计（应在 -20 ℃ 到 45 ℃ 之间）");
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

    pub fn label(self) -> &'static str {
        match self {
            Self::MasterBedroom => "主卧",
            Self::Bedroom => "次卧",
            Self::LivingRoom => "客厅",
            Self::Study => "书房",
            Self::Other => "其他房间",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::MasterBedroom => "Main bedroom",
            Self::Bedroom => "Bedroom",
            Self::LivingRoom => "Living room",
            Self::Study => "Study",
            Self::Other => "Other room",
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
            Self::OutOfSeason { .. } => false,
            Self::MeetsStandard => file_anyway,
            Self::CoveredByOutage(_) | Self::BelowStandard => true,
        }
    }

    /// The explanation shown to the resident.
    pub fn explain(&self, reading: Reading) -> String {
        match self {
            Self::OutOfSeason { starts_at } => format!(
                "现在不在供暖期，室内偏冷不属于供热故障。本供暖期 {} 开始供热，届时室温仍不达标可再投诉。",
                format_month_day_time(*starts_at)
            ),
            Self::CoveredByOutage(outage) => format!(
                "您所在楼栋正在停热（{}），预计 {} 恢复供热。投诉已并入这次停热处理，恢复后室温仍低请再告诉我们。",
                outage.title,
                format_month_day_time(outage.expected_restore_at)
            ),
            Self::BelowStandard => format!(
                "读数 {} 低于 18 ℃ 的室温标准。我们将在 24 小时内上门测温，测温记录需您签字确认。",
                reading.display()
            ),
            Self::MeetsStandard => format!(
                "读数 {} 已达到卧室、客厅不低于 18 ℃ 的标准。如仍觉得冷（例如个别房间、时段），可以继续投诉，我们会上门查看。",
                reading.display()
            ),
        }
    }

    pub fn explain_en(&self, reading: Reading) -> String {
        match self {
            Self::OutOfSeason { starts_at } => format!(
                "The heating season has not started, so a cold flat is not a heating fault. Heat starts {}; if your rooms are still below standard then, please complain again.",
                format_month_day_time_en(*starts_at)
            ),
            Self::CoveredByOutage(outage) => format!(
                "Your building is in an outage ({}), expected back by {}. Your complaint joins that outage; if it is still cold afterwards, please tell us again.",
                outage.title,
                format_month_day_time_en(outage.expected_restore_at)
            ),
            Self::BelowStandard => format!(
                "{} is below the 18 °C standard. We will measure in your home within 24 hours; you sign the record.",
                reading.display()
            ),
            Self::MeetsStandard => format!(
                "{} meets the standard (bedrooms and living rooms at least 18 °C). If it still feels cold, you may file anyway and we will visit.",
                reading.display()
            ),
        }
    }
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
        assert!(triage.explain(Reading(120)).contains("11月14日 12:00"));
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
        assert!(warm.explain(Reading(185)).contains("18.5 ℃"));
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
