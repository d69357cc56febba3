//! Outages (停热): what kind, where they stand at an instant, and whether a
//! building has heat.

use crate::clock::UnixSeconds;
use serde::{Deserialize, Serialize};
use translations::{text, Lang};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OutageKind {
    /// Planned works, announced ahead (计划停热).
    Planned,
    /// A burst pipe or failed equipment (抢修停热).
    Emergency,
    /// Filling and pressure-testing before the season (注水试压).
    Commissioning,
    /// Less heat than usual because a heat source is short of fuel or
    /// capacity (热源限供): heat is reduced rather than off.
    HeatSource,
}

impl OutageKind {
    pub const ALL: [Self; 4] = [
        Self::Planned,
        Self::Emergency,
        Self::Commissioning,
        Self::HeatSource,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Planned => "planned",
            Self::Emergency => "emergency",
            Self::Commissioning => "commissioning",
            Self::HeatSource => "heat_source",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Self::Planned => text::outage_kind_planned(lang),
            Self::Emergency => text::outage_kind_emergency(lang),
            Self::Commissioning => text::outage_kind_commissioning(lang),
            Self::HeatSource => text::outage_kind_heat_source(lang),
        }
    }

    /// Whether it stops the heat (every kind but a heat-source limit,
    /// which reduces it).
    pub fn stops_the_heat(self) -> bool {
        self != Self::HeatSource
    }
}

/// Where an outage stands at one instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OutagePhase {
    /// Announced, not started.
    Upcoming,
    /// Heat is off now.
    Ongoing,
    /// Heat is back.
    Restored,
}

impl OutagePhase {
    /// The phase as an outage of `kind` is in it: "停热中", or "限供中"
    /// while a heat-source limit is in force.
    pub fn label_for(self, kind: OutageKind, lang: Lang) -> &'static str {
        match self {
            Self::Ongoing if !kind.stops_the_heat() => text::outage_phase_limited(lang),
            _ => self.label(lang),
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Self::Upcoming => text::outage_phase_upcoming(lang),
            Self::Ongoing => text::outage_phase_ongoing(lang),
            Self::Restored => text::outage_phase_restored(lang),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Upcoming => "upcoming",
            Self::Ongoing => "ongoing",
            Self::Restored => "restored",
        }
    }
}

/// The phase of an outage that starts at `starts_at` and was restored at
/// `restored_at` (if it was). An expected restore time that has passed does
/// not end an outage: only a recorded restore does.
pub fn outage_phase(
    now: UnixSeconds,
    starts_at: UnixSeconds,
    restored_at: Option<UnixSeconds>,
) -> OutagePhase {
    match restored_at {
        Some(restored) if restored <= now => OutagePhase::Restored,
        _ if now < starts_at => OutagePhase::Upcoming,
        _ => OutagePhase::Ongoing,
    }
}

/// Whether an outage keeps the heat off at `now`: started and not yet
/// restored. Complaints filed then are triaged against it.
pub fn is_in_force(
    now: UnixSeconds,
    starts_at: UnixSeconds,
    restored_at: Option<UnixSeconds>,
) -> bool {
    outage_phase(now, starts_at, restored_at) == OutagePhase::Ongoing
}

/// Whether one building has heat now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum HeatStatus {
    /// The season is on and nothing stops the heat.
    On,
    /// The season is on but an outage stops the heat.
    OffByOutage,
    /// The season is on but a heat-source limit reduces the heat.
    Reduced,
    /// Outside the heating season.
    OutOfSeason,
}

impl HeatStatus {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Self::On => text::heat_status_on(lang),
            Self::OffByOutage => text::heat_status_off_by_outage(lang),
            Self::Reduced => text::heat_status_reduced(lang),
            Self::OutOfSeason => text::heat_status_out_of_season(lang),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::On => "on",
            Self::OffByOutage => "off",
            Self::Reduced => "reduced",
            Self::OutOfSeason => "out_of_season",
        }
    }
}

/// The heat status of a building, given whether the season is on and the
/// kinds and phases of the outages that touch it. A commissioning notice
/// before the season does not turn a building "off": heat was not yet on.
/// An outage that stops the heat outweighs a limit that reduces it.
pub fn building_heat_status(
    season_is_on: bool,
    outages: &[(OutageKind, OutagePhase)],
) -> HeatStatus {
    let ongoing = || {
        outages
            .iter()
            .filter(|(_, phase)| *phase == OutagePhase::Ongoing)
    };
    if !season_is_on {
        HeatStatus::OutOfSeason
    } else if ongoing().any(|(kind, _)| kind.stops_the_heat()) {
        HeatStatus::OffByOutage
    } else if ongoing().next().is_some() {
        HeatStatus::Reduced
    } else {
        HeatStatus::On
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_follow_start_and_recorded_restore() {
        assert_eq!(outage_phase(99, 100, None), OutagePhase::Upcoming);
        assert_eq!(outage_phase(100, 100, None), OutagePhase::Ongoing);
        assert_eq!(outage_phase(500, 100, Some(400)), OutagePhase::Restored);
        assert_eq!(outage_phase(300, 100, Some(400)), OutagePhase::Ongoing);
    }

    #[test]
    fn a_missed_expected_restore_keeps_the_outage_ongoing() {
        // Only the restore itself ends it; no field for "expected" here on purpose.
        assert_eq!(outage_phase(10_000, 100, None), OutagePhase::Ongoing);
    }

    #[test]
    fn heat_status_of_a_building() {
        use OutageKind::{Emergency, HeatSource, Planned};
        use OutagePhase::*;
        assert_eq!(
            building_heat_status(false, &[(Planned, Ongoing)]),
            HeatStatus::OutOfSeason
        );
        assert_eq!(building_heat_status(true, &[]), HeatStatus::On);
        assert_eq!(
            building_heat_status(true, &[(Planned, Upcoming), (Emergency, Restored)]),
            HeatStatus::On
        );
        assert_eq!(
            building_heat_status(true, &[(Planned, Restored), (Emergency, Ongoing)]),
            HeatStatus::OffByOutage
        );
        assert_eq!(
            building_heat_status(true, &[(HeatSource, Ongoing), (Planned, Upcoming)]),
            HeatStatus::Reduced
        );
        assert_eq!(
            building_heat_status(true, &[(HeatSource, Ongoing), (Emergency, Ongoing)]),
            HeatStatus::OffByOutage
        );
        assert_eq!(Ongoing.label_for(HeatSource, Lang::Zh), "限供中");
        assert_eq!(Ongoing.label_for(Planned, Lang::Zh), "停热中");
        assert_eq!(
            Upcoming.label_for(HeatSource, Lang::Zh),
            Upcoming.label(Lang::Zh)
        );
    }

    #[test]
    fn every_label_has_an_english_counterpart() {
        assert_eq!(OutageKind::Planned.label(Lang::Zh), "计划停热");
        assert_eq!(OutageKind::Planned.label(Lang::En), "Planned outage");
        assert_eq!(OutageKind::Emergency.label(Lang::En), "Emergency repair");
        assert_eq!(
            OutageKind::Commissioning.label(Lang::En),
            "Filling and pressure test"
        );
        assert_eq!(OutagePhase::Ongoing.label(Lang::Zh), "停热中");
        assert_eq!(OutagePhase::Upcoming.label(Lang::En), "Coming up");
        assert_eq!(OutagePhase::Ongoing.label(Lang::En), "Heat off now");
        assert_eq!(OutagePhase::Restored.label(Lang::En), "Restored");
        assert_eq!(HeatStatus::On.label(Lang::Zh), "正常供热");
        assert_eq!(HeatStatus::On.label(Lang::En), "Heat on");
        assert_eq!(HeatStatus::OffByOutage.label(Lang::En), "Heat off");
        assert_eq!(
            HeatStatus::OutOfSeason.label(Lang::En),
            "Outside the heating season"
        );
        for kind in OutageKind::ALL {
            assert!(kind.label(Lang::En).is_ascii() && !kind.label(Lang::En).is_empty());
        }
    }

    #[test]
    fn kinds_round_trip_through_their_stored_names() {
        for kind in OutageKind::ALL {
            assert_eq!(OutageKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(OutageKind::parse("unknown"), None);
    }
}
