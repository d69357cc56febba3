//! 上门测温: what the crew records when it measures a home's temperature
//! for a complaint, as the regulations describe it (Weifang art. 36; GB/T
//! 33833-2017 §5.1): the stable reading in each room measured, the time,
//! the resident's confirmation on the spot, and the result: the 18 ℃
//! standard met, or not and on whose side the cause lies. A result below
//! the standard stays on the household's record for the season (a fee
//! reduction is computed from it) and counts in the reports.

use crate::household::normalize_holder_name;
use crate::triage::{Reading, Room};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use translations::{text, Lang, Localize};

/// The most rooms one measurement records.
pub const MAX_ROOMS: usize = 4;

/// Where the cause of a home below the standard lies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CauseSide {
    /// 供热管网 / 换热站: the company's.
    Network,
    /// 楼内管道: the building's (shared risers, balancing).
    Building,
    /// 户内: the household's own (closed valves, blocked radiators).
    Household,
}

impl CauseSide {
    pub const ALL: [Self; 3] = [Self::Network, Self::Building, Self::Household];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Network => "network",
            Self::Building => "building",
            Self::Household => "household",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|side| side.as_str() == text)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Self::Network => text::cause_side_network(lang),
            Self::Building => text::cause_side_building(lang),
            Self::Household => text::cause_side_household(lang),
        }
    }
}

/// One room's stable reading.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomReading {
    pub room: Room,
    pub reading: Reading,
}

/// A measurement as recorded, checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Measurement {
    pub readings: Vec<RoomReading>,
    /// Every room measured reached 18 ℃.
    pub meets_standard: bool,
    /// Where the cause lies, when the standard was not met.
    pub cause: Option<CauseSide>,
    /// The resident who confirmed the readings on the spot.
    pub confirmed_by: String,
}

impl Measurement {
    /// The lowest room reading.
    pub fn lowest(&self) -> Reading {
        self.readings
            .iter()
            .map(|r| r.reading)
            .min()
            .unwrap_or(Reading(crate::triage::STANDARD_MIN_TENTHS))
    }

    /// "客厅 16.5 ℃、主卧 17.0 ℃；未达标（供热管网）；居民 王秀英 现场确认"
    pub fn summary(&self, lang: Lang) -> String {
        let readings: Vec<String> = self
            .readings
            .iter()
            .map(|r| format!("{} {}", r.room.label(lang), r.reading.display()))
            .collect();
        let readings = readings.join(text::list_separator(lang));
        let result = match self.cause {
            None => text::measurement_meets(lang).to_string(),
            Some(side) => text::measurement_below(lang, side.label(lang)),
        };
        text::measurement_summary(lang, &self.confirmed_by, readings, result)
    }
}

/// Why a measurement cannot be recorded as sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MeasurementRefusal {
    NoReading,
    TooManyRooms,
    RoomTwice,
    UnknownRoom,
    BadReading,
    CauseMissing,
    NotConfirmed,
}

impl Localize for MeasurementRefusal {
    fn say(&self, lang: Lang) -> Cow<'static, str> {
        match self {
            Self::NoReading => text::measurement_no_reading(lang).into(),
            Self::TooManyRooms => text::measurement_too_many_rooms(lang).into(),
            Self::RoomTwice => text::measurement_room_twice(lang).into(),
            Self::UnknownRoom => text::filing_room_missing(lang).into(),
            Self::BadReading => text::measurement_bad_reading(lang).into(),
            Self::CauseMissing => text::measurement_cause_missing(lang).into(),
            Self::NotConfirmed => text::measurement_not_confirmed(lang).into(),
        }
    }
}

translations::localized_error!(MeasurementRefusal);

/// Checks what the crew typed: (room, reading) rows (empty rows are
/// skipped), the cause side chosen, and the resident's confirmation (their
/// name, typed or signed on the crew's screen, and the tick).
pub fn check_measurement(
    rows: &[(String, String)],
    cause: &str,
    confirmed: bool,
    confirmed_by: &str,
) -> Result<Measurement, MeasurementRefusal> {
    let filled: Vec<&(String, String)> = rows
        .iter()
        .filter(|(_, reading)| !reading.trim().is_empty())
        .collect();
    if filled.len() > MAX_ROOMS {
        return Err(MeasurementRefusal::TooManyRooms);
    }
    let mut readings: Vec<RoomReading> = Vec::new();
    for (room, reading) in filled {
        let room = Room::parse(room.trim()).ok_or(MeasurementRefusal::UnknownRoom)?;
        let reading = Reading::parse(reading).map_err(|_| MeasurementRefusal::BadReading)?;
        if readings
            .iter()
            .any(|r| r.room == room && room != Room::Other)
        {
            return Err(MeasurementRefusal::RoomTwice);
        }
        readings.push(RoomReading { room, reading });
    }
    if readings.is_empty() {
        return Err(MeasurementRefusal::NoReading);
    }
    // The resident's name as binding reads a holder's.
    let confirmed_by = normalize_holder_name(confirmed_by)
        .ok()
        .filter(|_| confirmed)
        .ok_or(MeasurementRefusal::NotConfirmed)?;
    let meets_standard = readings.iter().all(|r| r.reading.meets_standard());
    let cause = if meets_standard {
        None
    } else {
        Some(CauseSide::parse(cause.trim()).ok_or(MeasurementRefusal::CauseMissing)?)
    };
    Ok(Measurement {
        readings,
        meets_standard,
        cause,
        confirmed_by,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rows(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(room, reading)| (room.to_string(), reading.to_string()))
            .collect()
    }

    #[test]
    fn a_cold_room_is_below_and_names_its_cause() {
        let rows = rows(&[
            ("living_room", "16.5"),
            ("master_bedroom", "18"),
            ("bedroom", ""),
        ]);
        assert_eq!(
            check_measurement(&rows, "", true, "王秀英"),
            Err(MeasurementRefusal::CauseMissing)
        );
        let measured = check_measurement(&rows, "network", true, " 王 秀英 ").unwrap();
        assert!(!measured.meets_standard);
        assert_eq!(measured.cause, Some(CauseSide::Network));
        assert_eq!(measured.lowest(), Reading(165));
        assert_eq!(measured.readings.len(), 2);
        assert_eq!(
            measured.summary(Lang::Zh),
            "客厅 16.5 ℃、主卧 18.0 ℃；未达标（供热管网）；居民 王秀英 现场确认"
        );
    }

    #[test]
    fn warm_rooms_meet_the_standard_whatever_cause_was_picked() {
        let measured =
            check_measurement(&rows(&[("living_room", "19.5")]), "household", true, "李娜")
                .unwrap();
        assert!(measured.meets_standard);
        assert_eq!(measured.cause, None);
        assert!(measured.summary(Lang::Zh).contains("达标"));
    }

    #[test]
    fn refusals_say_what_is_missing() {
        let one = rows(&[("living_room", "16")]);
        assert_eq!(
            check_measurement(&rows(&[("living_room", " ")]), "network", true, "李娜"),
            Err(MeasurementRefusal::NoReading)
        );
        assert_eq!(
            check_measurement(&one, "network", false, "李娜"),
            Err(MeasurementRefusal::NotConfirmed)
        );
        assert_eq!(
            check_measurement(&one, "network", true, " "),
            Err(MeasurementRefusal::NotConfirmed)
        );
        assert_eq!(
            check_measurement(&rows(&[("attic", "16")]), "network", true, "李娜"),
            Err(MeasurementRefusal::UnknownRoom)
        );
        assert_eq!(
            check_measurement(&rows(&[("living_room", "hot")]), "network", true, "李娜"),
            Err(MeasurementRefusal::BadReading)
        );
        assert_eq!(
            check_measurement(
                &rows(&[("living_room", "16"), ("living_room", "17")]),
                "network",
                true,
                "李娜"
            ),
            Err(MeasurementRefusal::RoomTwice)
        );
        assert!(MeasurementRefusal::CauseMissing
            .to_string()
            .contains("原因"));
    }

    proptest! {
        /// The result is "meets" exactly when every room reached 18.0 ℃,
        /// and a cause is kept exactly when it did not.
        #[test]
        fn the_result_follows_the_coldest_room(
            tenths in prop::collection::vec(100i32..300, 1..=MAX_ROOMS),
            side in prop::sample::select(CauseSide::ALL.to_vec()),
        ) {
            let rooms = [Room::LivingRoom, Room::MasterBedroom, Room::Bedroom, Room::Study];
            let rows: Vec<(String, String)> = tenths
                .iter()
                .zip(rooms)
                .map(|(t, room)| (room.as_str().to_string(), format!("{}.{}", t / 10, t % 10)))
                .collect();
            let measured = check_measurement(&rows, side.as_str(), true, "王秀英").unwrap();
            let all_warm = tenths.iter().all(|t| *t >= crate::triage::STANDARD_MIN_TENTHS);
            prop_assert_eq!(measured.meets_standard, all_warm);
            prop_assert_eq!(measured.cause.is_some(), !all_warm);
            prop_assert_eq!(measured.lowest().0, *tenths.iter().min().unwrap());
        }
    }
}
