//! 未诉先办 from data: buildings with homes in a cold spell and stations
//! below their curve, for the dispatcher's queue.

use super::home_series::company_home_series;
use super::views::station_board;
use crate::db::Database;
use crate::error::{BackendError, BackendResult};
use crate::services::identity::Viewer;
use crate::store::telemetry as store;
use domain::clock::UnixSeconds;
use domain::incidents::IncidentScope;
use domain::roles::Role;
use domain::telemetry::{
    cold_spell, hour_of, still_cold, tenths, ColdRule, ColdSpell, DataFinding, StationAlarm,
    FINDINGS_LOOK_BACK,
};
use std::collections::{BTreeMap, HashMap};

/// 未诉先办 from data: the company's buildings with homes in a cold spell
/// (the cold rule over trusted sensors, in season, outage hours excused)
/// and its stations running below the curve; each with the open incident
/// already made of it. For the dispatcher's queue.
pub async fn data_findings(
    db: &Database,
    settings: &crate::config::PortalSettings,
    viewer: &Viewer,
    now: UnixSeconds,
) -> BackendResult<Vec<DataFinding>> {
    viewer.require(Role::Dispatcher)?;
    let company = viewer.company_id.ok_or(BackendError::Forbidden)?;
    let rule = ColdRule::default();
    let this_hour = hour_of(now);
    let since = this_hour - FINDINGS_LOOK_BACK;
    let season = crate::services::public::season_now(db, settings, now, Some(company)).await?;
    let window = season.effective;
    let in_season = |hour: UnixSeconds| window.contains(hour);
    let below = f64::from(rule.below_tenths) / 10.0;
    let only_cold = Some((below, i64::from(rule.hours)));
    let mut cold: BTreeMap<i64, Vec<ColdSpell>> = BTreeMap::new();
    for home in company_home_series(db, company, since, this_hour, only_cold).await? {
        if let Some(spell) = cold_spell(&home.hours, &home.excused, in_season, rule) {
            if still_cold(&spell, now) {
                cold.entry(home.building_id).or_default().push(spell);
            }
        }
    }
    let sensors: HashMap<i64, i64> = store::trusted_indoor_per_building(db.reader(), company)
        .await?
        .into_iter()
        .collect();
    let incidents = store::open_data_incidents(db.reader(), company).await?;
    let incident_of = |scope: IncidentScope| {
        incidents
            .iter()
            .find(|(building, station, _, _)| match scope {
                IncidentScope::Building(id) => *building == Some(id),
                IncidentScope::Station(id) => *station == Some(id) && building.is_none(),
            })
            .map(|(_, _, id, no)| (*id, no.clone()))
    };
    let mut findings = Vec::new();
    for (building, spells) in cold {
        let scope = IncidentScope::Building(building);
        let place = crate::store::places::building_place(db.reader(), building).await?;
        findings.push(DataFinding {
            scope,
            label: place
                .map(|p| format!("{} {}", p.community_name, p.building_name))
                .unwrap_or_default(),
            cold_homes: spells.len() as u32,
            sensors: sensors.get(&building).copied().unwrap_or_default() as u32,
            lowest: spells
                .iter()
                .map(|s| tenths(s.lowest))
                .min()
                .unwrap_or_default(),
            since: spells.iter().map(|s| s.from).min().unwrap_or_default(),
            incident: incident_of(scope),
        });
    }
    if in_season(now) {
        for station in station_board(db, viewer, now).await?.stations {
            if station.alarm != Some(StationAlarm::BelowCurve) {
                continue;
            }
            let scope = IncidentScope::Station(station.station_id);
            findings.push(DataFinding {
                scope,
                label: station.name,
                cold_homes: 0,
                sensors: 0,
                lowest: station.supply.unwrap_or_default(),
                since: station.hour.unwrap_or(now),
                incident: incident_of(scope),
            });
        }
    }
    // Whole buildings and stations first, then the most cold homes.
    findings.sort_by_key(|f| {
        (
            !(f.whole_building() || matches!(f.scope, IncidentScope::Station(_))),
            std::cmp::Reverse(f.cold_homes),
        )
    });
    Ok(findings)
}
