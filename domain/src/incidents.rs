//! 未诉先办: when several flats of one building, or of one heat-exchange
//! station, report cold within a short window, propose one incident for
//! them, so one crew fixes the cause instead of visiting flat by flat.

use crate::clock::UnixSeconds;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use translations::{text, StaticText};

/// An open report of cold (a temperature complaint, or a repair of a cold
/// radiator or no heat) not yet part of an outage or an incident.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColdReport {
    pub case_id: i64,
    pub household_id: i64,
    pub building_id: i64,
    pub station_id: i64,
    pub filed_at: UnixSeconds,
}

/// What a proposal covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum IncidentScope {
    Building(i64),
    Station(i64),
}

/// Reports older than this never join a proposal (seconds).
pub const REPORTS_LOOK_BACK: i64 = 24 * 3600;

/// How many reports, and over how long, make an incident worth proposing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentRule {
    /// Reports count only within this many seconds of each other.
    pub window: i64,
    /// Distinct households of one building.
    pub households_per_building: usize,
    /// Distinct households across at least two buildings of one station.
    pub households_per_station: usize,
}

impl Default for IncidentRule {
    fn default() -> Self {
        Self {
            window: 6 * 3600,
            households_per_building: 3,
            households_per_station: 5,
        }
    }
}

/// One proposed incident: its scope and the cases it would gather.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposedIncident {
    pub scope: IncidentScope,
    pub case_ids: Vec<i64>,
    pub households: usize,
    pub first_at: UnixSeconds,
    pub last_at: UnixSeconds,
}

impl IncidentScope {
    /// As a form carries it: "building:12", "station:3".
    pub fn encode(self) -> String {
        match self {
            Self::Building(id) => format!("building:{id}"),
            Self::Station(id) => format!("station:{id}"),
        }
    }

    pub fn decode(text: &str) -> Option<Self> {
        let (kind, id) = text.split_once(':')?;
        let id = id.parse().ok()?;
        match kind {
            "building" => Some(Self::Building(id)),
            "station" => Some(Self::Station(id)),
            _ => None,
        }
    }
}

/// A proposal as the dispatcher's queue shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentProposalView {
    pub proposal: ProposedIncident,
    /// "金宝花园 2号楼", "金宝花园换热站"
    pub label: String,
}

/// The largest group of reports that fall within `window` of each other
/// (a sliding window over the reports sorted by time).
fn densest_window(reports: &[&ColdReport], window: i64) -> Vec<ColdReport> {
    let mut sorted: Vec<&ColdReport> = reports.to_vec();
    sorted.sort_by_key(|r| (r.filed_at, r.case_id));
    let households = |slice: &[&ColdReport]| {
        slice
            .iter()
            .map(|r| r.household_id)
            .collect::<BTreeSet<_>>()
            .len()
    };
    let mut best: &[&ColdReport] = &[];
    let mut start = 0;
    for end in 0..sorted.len() {
        while sorted[end].filed_at - sorted[start].filed_at > window {
            start += 1;
        }
        let candidate = &sorted[start..=end];
        if households(candidate) > households(best) {
            best = candidate;
        }
    }
    best.iter().map(|r| (*r).clone()).collect()
}

fn proposal(scope: IncidentScope, group: &[ColdReport]) -> ProposedIncident {
    ProposedIncident {
        scope,
        case_ids: group.iter().map(|r| r.case_id).collect(),
        households: group
            .iter()
            .map(|r| r.household_id)
            .collect::<BTreeSet<_>>()
            .len(),
        first_at: group.iter().map(|r| r.filed_at).min().unwrap_or_default(),
        last_at: group.iter().map(|r| r.filed_at).max().unwrap_or_default(),
    }
}

/// Proposals, stations first (they explain their buildings' reports too),
/// then buildings not already covered; the most households first.
pub fn propose_incidents(reports: &[ColdReport], rule: &IncidentRule) -> Vec<ProposedIncident> {
    let mut by_station: BTreeMap<i64, Vec<&ColdReport>> = BTreeMap::new();
    let mut by_building: BTreeMap<i64, Vec<&ColdReport>> = BTreeMap::new();
    for report in reports {
        by_station
            .entry(report.station_id)
            .or_default()
            .push(report);
        by_building
            .entry(report.building_id)
            .or_default()
            .push(report);
    }
    let mut proposals = Vec::new();
    let mut covered: BTreeSet<i64> = BTreeSet::new();
    for (station, group) in by_station {
        let dense = densest_window(&group, rule.window);
        let buildings: BTreeSet<i64> = dense.iter().map(|r| r.building_id).collect();
        let found = proposal(IncidentScope::Station(station), &dense);
        if buildings.len() >= 2 && found.households >= rule.households_per_station {
            covered.extend(found.case_ids.iter().copied());
            proposals.push(found);
        }
    }
    for (building, group) in by_building {
        let open: Vec<&ColdReport> = group
            .into_iter()
            .filter(|r| !covered.contains(&r.case_id))
            .collect();
        let dense = densest_window(&open, rule.window);
        let found = proposal(IncidentScope::Building(building), &dense);
        if found.households >= rule.households_per_building {
            proposals.push(found);
        }
    }
    proposals.sort_by_key(|p| (std::cmp::Reverse(p.households), p.scope));
    proposals
}

/// How long a dispatcher may say the heat will be off when publishing an
/// outage for an incident: the choices the form offers, in hours.
pub const OUTAGE_RESTORE_HOURS: [i64; 7] = [2, 4, 6, 8, 12, 24, 48];

/// The longest cause an outage notice carries.
pub const MAX_OUTAGE_CAUSE_CHARS: usize = 200;

/// An emergency outage notice for an incident, as the dispatcher filled it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncidentOutageNotice {
    /// "金宝花园 4号楼 抢修停热"
    pub title: String,
    pub cause: String,
    pub starts_at: UnixSeconds,
    pub expected_restore_at: UnixSeconds,
}

/// Checks what the dispatcher typed: a cause (trimmed, at most
/// [`MAX_OUTAGE_CAUSE_CHARS`]) and one of [`OUTAGE_RESTORE_HOURS`].
pub fn outage_notice(
    place: &str,
    cause: &str,
    restore_in_hours: i64,
    now: UnixSeconds,
) -> Result<IncidentOutageNotice, StaticText> {
    let cause = cause.trim();
    if cause.is_empty() {
        return Err(text::outage_cause_missing);
    }
    if cause.chars().count() > MAX_OUTAGE_CAUSE_CHARS {
        return Err(text::outage_cause_too_long);
    }
    if !OUTAGE_RESTORE_HOURS.contains(&restore_in_hours) {
        return Err(text::outage_restore_time_missing);
    }
    Ok(IncidentOutageNotice {
        title: format!("{place} 抢修停热"),
        cause: cause.to_string(),
        starts_at: now,
        expected_restore_at: now + restore_in_hours * 3600,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use translations::Lang;

    #[test]
    fn outage_notice_needs_a_cause_and_an_offered_restore_time() {
        let now = 1_000_000;
        let notice = outage_notice("金宝花园 4号楼", "  一次网阀门故障  ", 6, now).unwrap();
        assert_eq!(notice.title, "金宝花园 4号楼 抢修停热");
        assert_eq!(notice.cause, "一次网阀门故障");
        assert_eq!(notice.starts_at, now);
        assert_eq!(notice.expected_restore_at, now + 6 * 3600);
        assert!(outage_notice("x", "   ", 6, now).unwrap_err()(Lang::Zh).contains("原因"));
        assert!(outage_notice("x", "阀门", 5, now).unwrap_err()(Lang::Zh).contains("恢复"));
        assert!(outage_notice("x", "阀门", -2, now).is_err());
        let long = "漏".repeat(MAX_OUTAGE_CAUSE_CHARS + 1);
        assert!(outage_notice("x", &long, 6, now).unwrap_err()(Lang::Zh).contains("200"));
        let longest = "漏".repeat(MAX_OUTAGE_CAUSE_CHARS);
        assert!(outage_notice("x", &longest, 48, now).is_ok());
    }

    const HOUR: i64 = 3600;

    fn report(
        case_id: i64,
        household_id: i64,
        building_id: i64,
        station_id: i64,
        at: i64,
    ) -> ColdReport {
        ColdReport {
            case_id,
            household_id,
            building_id,
            station_id,
            filed_at: at,
        }
    }

    #[test]
    fn three_flats_of_a_building_within_the_window() {
        let reports = [
            report(1, 11, 100, 9, 0),
            report(2, 12, 100, 9, HOUR),
            report(3, 13, 100, 9, 2 * HOUR),
            report(4, 14, 200, 9, 0),
        ];
        let proposals = propose_incidents(&reports, &IncidentRule::default());
        assert_eq!(proposals.len(), 1);
        assert_eq!(proposals[0].scope, IncidentScope::Building(100));
        assert_eq!(proposals[0].case_ids, vec![1, 2, 3]);
        assert_eq!((proposals[0].first_at, proposals[0].last_at), (0, 2 * HOUR));
    }

    #[test]
    fn one_flat_complaining_twice_is_one_household() {
        let reports = [
            report(1, 11, 100, 9, 0),
            report(2, 11, 100, 9, HOUR),
            report(3, 12, 100, 9, 2 * HOUR),
        ];
        assert!(propose_incidents(&reports, &IncidentRule::default()).is_empty());
    }

    #[test]
    fn reports_too_far_apart_do_not_gather() {
        let reports = [
            report(1, 11, 100, 9, 0),
            report(2, 12, 100, 9, 7 * HOUR),
            report(3, 13, 100, 9, 14 * HOUR),
        ];
        assert!(propose_incidents(&reports, &IncidentRule::default()).is_empty());
    }

    #[test]
    fn a_station_gathers_its_buildings_first() {
        let mut reports: Vec<ColdReport> =
            (0..3).map(|i| report(i, 10 + i, 100, 9, i * 600)).collect();
        reports.extend((3..5).map(|i| report(i, 10 + i, 200, 9, i * 600)));
        reports.push(report(9, 99, 300, 8, 0));
        let proposals = propose_incidents(&reports, &IncidentRule::default());
        assert_eq!(proposals.len(), 1, "{proposals:?}");
        assert_eq!(proposals[0].scope, IncidentScope::Station(9));
        assert_eq!(proposals[0].households, 5);
        assert_eq!(proposals[0].case_ids, vec![0, 1, 2, 3, 4]);
    }
}
