//! 未诉先办 from data: buildings with homes in a cold spell and stations
//! below their curve, for the dispatcher's queue.

use super::home_series::company_home_series;
use super::views::station_board;
use crate::db::Database;
use crate::error::{BackendError, BackendResult};
use crate::reference::CompanyFindings;
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

/// How far apart two requests' clocks may be and share what the data
/// found (the cold rule counts whole hours).
const FINDINGS_CLOCK_TOLERANCE: UnixSeconds = 60;

/// 未诉先办 from data: the company's buildings with homes in a cold spell
/// (the cold rule over trusted sensors, in season, outage hours excused)
/// and its stations running below the curve; each with the open incident
/// already made of it. For the dispatcher's queue.
///
/// The findings are worked out at most once a second per company however
/// many dispatchers look (a season's readings make it the queue's dearest
/// read); the incidents made of them are read on every call, so one just
/// opened shows at once.
pub async fn data_findings(
    db: &Database,
    settings: &crate::config::PortalSettings,
    viewer: &Viewer,
    now: UnixSeconds,
) -> BackendResult<Vec<DataFinding>> {
    viewer.require(Role::Dispatcher)?;
    let company = viewer.company_id.ok_or(BackendError::Forbidden)?;
    let kept = db
        .company_findings(company)
        .get(
            |kept| (kept.now - now).abs() <= FINDINGS_CLOCK_TOLERANCE,
            || async move {
                Ok(CompanyFindings {
                    now,
                    findings: work_out_findings(db, settings, viewer, company, now).await?,
                })
            },
        )
        .await?;
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
    Ok(kept
        .findings
        .iter()
        .map(|finding| DataFinding {
            incident: incident_of(finding.scope),
            ..finding.clone()
        })
        .collect())
}

/// The findings of [`data_findings`], without their incidents.
async fn work_out_findings(
    db: &Database,
    settings: &crate::config::PortalSettings,
    viewer: &Viewer,
    company: i64,
    now: UnixSeconds,
) -> BackendResult<Vec<DataFinding>> {
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
    let buildings: Vec<i64> = cold.keys().copied().collect();
    let mut labels = crate::store::places::building_labels(db.reader(), &buildings).await?;
    let mut findings = Vec::new();
    for (building, spells) in cold {
        let scope = IncidentScope::Building(building);
        findings.push(DataFinding {
            scope,
            label: labels.remove(&building).unwrap_or_default(),
            cold_homes: spells.len() as u32,
            sensors: sensors.get(&building).copied().unwrap_or_default() as u32,
            lowest: spells
                .iter()
                .map(|s| tenths(s.lowest))
                .min()
                .unwrap_or_default(),
            since: spells.iter().map(|s| s.from).min().unwrap_or_default(),
            incident: None,
        });
    }
    if in_season(now) {
        for station in station_board(db, viewer, now).await?.stations {
            if station.alarm != Some(StationAlarm::BelowCurve) {
                continue;
            }
            findings.push(DataFinding {
                scope: IncidentScope::Station(station.station_id),
                label: station.name,
                cold_homes: 0,
                sensors: 0,
                lowest: station.supply.unwrap_or_default(),
                since: station.hour.unwrap_or(now),
                incident: None,
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
