//! What the public pages show: season overview, outage notices and a
//! building's status. Plain data, shared by the server and the browser.

use crate::clock::UnixSeconds;
use crate::outage::{HeatStatus, OutageKind, OutagePhase};
use crate::season::SeasonStatus;
use serde::{Deserialize, Serialize};

/// A telephone line residents can call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hotline {
    pub label: String,
    pub number: String,
}

/// The home page in one value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeOverview {
    pub now: UnixSeconds,
    pub season: SeasonStatus,
    pub outages_ongoing: u32,
    pub outages_upcoming: u32,
    pub hotlines: Vec<Hotline>,
}

/// One community touched by an outage, and which of its buildings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AffectedArea {
    pub community_id: i64,
    pub community_name: String,
    pub district: String,
    /// Every building of the community is affected.
    pub whole_community: bool,
    /// Names of the affected buildings, in their natural order.
    pub buildings: Vec<String>,
}

/// A progress note on an outage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutageUpdateNote {
    pub posted_at: UnixSeconds,
    pub message: String,
}

/// An outage as residents see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutageNotice {
    pub id: i64,
    pub kind: OutageKind,
    pub phase: OutagePhase,
    pub title: String,
    pub cause: String,
    pub company_name: String,
    pub starts_at: UnixSeconds,
    pub expected_restore_at: UnixSeconds,
    pub restored_at: Option<UnixSeconds>,
    pub published_at: UnixSeconds,
    pub areas: Vec<AffectedArea>,
    pub latest_update: Option<OutageUpdateNote>,
}

impl OutageNotice {
    pub fn touches_community(&self, community_id: i64) -> bool {
        self.areas.iter().any(|a| a.community_id == community_id)
    }

    pub fn touches_district(&self, district: &str) -> bool {
        self.areas.iter().any(|a| a.district == district)
    }
}

/// The outage board with the choices its filter offers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutageBoard {
    pub now: UnixSeconds,
    pub notices: Vec<OutageNotice>,
    pub districts: Vec<String>,
    pub communities: Vec<CommunityChoice>,
}

/// An entry of the community picker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommunityChoice {
    pub id: i64,
    pub name: String,
    pub district: String,
}

/// An entry of the building or unit picker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaceChoice {
    pub id: i64,
    pub name: String,
}

/// Everything the building lookup shows for one building.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildingReport {
    pub building_id: i64,
    pub building_name: String,
    pub community_name: String,
    pub district: String,
    pub unit_name: Option<String>,
    pub station_name: String,
    pub company_name: String,
    pub company_hotline: String,
    pub heat: HeatStatus,
    pub season: SeasonStatus,
    /// Every outage that touches the building and is still listed, newest first.
    pub outages: Vec<OutageNotice>,
}

/// The building lookup page: the pickers filled in so far and, once a
/// building is chosen, its report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildingLookup {
    pub communities: Vec<CommunityChoice>,
    pub community_id: Option<i64>,
    pub buildings: Vec<PlaceChoice>,
    pub building_id: Option<i64>,
    pub units: Vec<PlaceChoice>,
    pub unit_id: Option<i64>,
    pub report: Option<BuildingReport>,
}
