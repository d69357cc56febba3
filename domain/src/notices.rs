//! What the public pages show: season overview, outage notices and a
//! building's status. Plain data, shared by the server and the browser.

use crate::clock::UnixSeconds;
use crate::outage::{HeatStatus, OutageKind, OutagePhase};
use crate::season::SeasonStatus;
use serde::{Deserialize, Serialize};
use translations::{text, Lang};

/// A telephone line residents can call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hotline {
    pub label: String,
    pub number: String,
}

impl Hotline {
    /// The city's hotline (12345).
    pub fn city(number: &str) -> Self {
        Self {
            label: text::hotline_city(Lang::Zh).to_string(),
            number: number.to_string(),
        }
    }

    /// A heating company's own line, labelled with its name.
    pub fn company(company: &str, number: &str) -> Self {
        Self {
            label: text::hotline_company(Lang::Zh, company),
            number: number.to_string(),
        }
    }

    /// The label in the reader's language. Labels come from the server in
    /// Chinese ([`Hotline::city`], [`Hotline::company`]); the company's name
    /// stays as it is, like every name from the database, and anything else
    /// unknown is shown unchanged.
    pub fn label_in(&self, lang: Lang) -> String {
        if lang == Lang::Zh {
            self.label.clone()
        } else if self.label == text::hotline_city(Lang::Zh) {
            text::hotline_city(lang).to_string()
        } else if let Some(company) = self
            .label
            .strip_suffix(&text::hotline_company(Lang::Zh, ""))
        {
            text::hotline_company(lang, company)
        } else {
            self.label.clone()
        }
    }
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
    /// Called off rather than restored (`restored_at` is then when).
    #[serde(default)]
    pub cancelled: bool,
    /// Why planned work was announced later than the rule asks.
    #[serde(default)]
    pub short_notice_reason: String,
    /// Who to call about it.
    #[serde(default)]
    pub contact: String,
}

impl OutageNotice {
    pub fn touches_community(&self, community_id: i64) -> bool {
        self.areas.iter().any(|a| a.community_id == community_id)
    }

    pub fn touches_district(&self, district: &str) -> bool {
        self.areas.iter().any(|a| a.district == district)
    }
}

/// One outage's public page: the notice and its whole timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutagePage {
    pub now: UnixSeconds,
    pub notice: OutageNotice,
    pub timeline: Vec<crate::outage_desk::TimelineEntry>,
    /// The portal's public address ("https://heat.example.cn"), for the
    /// page's share card.
    #[serde(default)]
    pub public_url: String,
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

/// Up to this many communities, the building lookup offers them all at once;
/// a larger city asks for the district first.
pub const WHOLE_CITY_PICKER_LIMIT: usize = 300;

/// The districts of `communities`, each once, in order.
pub fn districts_of(communities: &[CommunityChoice]) -> Vec<String> {
    let mut districts: Vec<String> = communities.iter().map(|c| c.district.clone()).collect();
    districts.sort();
    districts.dedup();
    districts
}

/// The communities the building lookup's picker offers: those of the chosen
/// district or, with none chosen, the whole city while it has at most
/// [`WHOLE_CITY_PICKER_LIMIT`] (a longer list is unusable on a phone and
/// makes the page heavy).
pub fn communities_to_offer(
    all: &[CommunityChoice],
    district: Option<&str>,
) -> Vec<CommunityChoice> {
    match district {
        Some(district) => all
            .iter()
            .filter(|c| c.district == district)
            .cloned()
            .collect(),
        None if all.len() <= WHOLE_CITY_PICKER_LIMIT => all.to_vec(),
        None => Vec::new(),
    }
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
    pub districts: Vec<String>,
    /// The chosen district, or the chosen community's.
    pub district: Option<String>,
    /// See [`communities_to_offer`].
    pub communities: Vec<CommunityChoice>,
    pub community_id: Option<i64>,
    pub buildings: Vec<PlaceChoice>,
    pub building_id: Option<i64>,
    pub units: Vec<PlaceChoice>,
    pub unit_id: Option<i64>,
    pub report: Option<BuildingReport>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(label: &str) -> Hotline {
        Hotline {
            label: label.to_string(),
            number: "0536-8231234".to_string(),
        }
    }

    fn community(id: i64, district: &str) -> CommunityChoice {
        CommunityChoice {
            id,
            name: format!("小区{id}"),
            district: district.to_string(),
        }
    }

    #[test]
    fn a_small_city_offers_every_community_a_large_one_asks_for_a_district() {
        let small = vec![community(1, "奎文区"), community(2, "潍城区")];
        assert_eq!(communities_to_offer(&small, None), small);
        assert_eq!(
            communities_to_offer(&small, Some("潍城区")),
            vec![community(2, "潍城区")]
        );

        let large: Vec<CommunityChoice> = (0..=WHOLE_CITY_PICKER_LIMIT as i64)
            .map(|id| {
                community(
                    id,
                    if id % 2 == 0 {
                        "奎文区"
                    } else {
                        "潍城区"
                    },
                )
            })
            .collect();
        assert!(communities_to_offer(&large, None).is_empty());
        let kuiwen = communities_to_offer(&large, Some("奎文区"));
        assert_eq!(kuiwen.len(), WHOLE_CITY_PICKER_LIMIT / 2 + 1);
        assert!(kuiwen.iter().all(|c| c.district == "奎文区"));
        assert!(communities_to_offer(&large, Some("寒亭区")).is_empty());
        assert_eq!(districts_of(&large), vec!["奎文区", "潍城区"]);
    }

    #[test]
    fn hotline_labels_in_english_keep_company_names() {
        assert_eq!(
            line("政务服务便民热线").label_in(Lang::En),
            "City service hotline"
        );
        assert_eq!(
            line("高新供热服务热线").label_in(Lang::En),
            "高新供热 service line"
        );
        assert_eq!(line("夜间抢修").label_in(Lang::En), "夜间抢修");
        // The Chinese label itself is untouched.
        assert_eq!(line("高新供热服务热线").label, "高新供热服务热线");
    }
}
