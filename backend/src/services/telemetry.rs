//! Smart heating telemetry: a platform's batch of readings checked row by
//! row and kept (the good rows, once), the sensor registry an admin
//! imports, and a sensor's recent hours.

use crate::db::Database;
use crate::error::{BackendError, BackendResult};
use crate::services::api_keys;
use crate::services::identity::{RequestOrigin, Viewer};
use crate::store::audit;
use crate::store::telemetry::{self as store, NewSensor};
use domain::api_keys::KeyScope;
use domain::clock::{to_local, UnixSeconds};
use domain::household::parse_account_no;
use domain::incidents::IncidentScope;
use domain::roles::Role;
use domain::telemetry::{
    check_reading, cold_spell, home_days, hour_of, judge_sensor, measured_days, months_of,
    parse_sensor_csv, station_alarm, still_cold, tenths, Batch, ColdRule, ColdSpell, CompanyCurve,
    DataFinding, FlatTemperature, HomeTemperature, IngestAnswer, KnownSensor, MeasuredBuilding,
    MonthSpan, Quantity, RawReading, RecentHours, RowProblem, RowRejection, SensorCount,
    SensorFlag, SensorKind, SensorLine, SensorRegistry, SensorSummary, StationAlarm, StationBoard,
    StationRow, SupplyCurve, REVIEW_WINDOW, SENSORS_LISTED,
};
use std::collections::{BTreeMap, HashMap, HashSet};
use translations::{text, Localized, StaticText};

/// A platform holding a telemetry key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TelemetrySource {
    pub key_id: i64,
    pub label: String,
    /// A company's platform reports only that company's sensors.
    pub company: Option<i64>,
}

/// The platform holding `key`, when it is a telemetry key in force.
pub async fn source(
    db: &Database,
    key: &str,
    now: UnixSeconds,
) -> BackendResult<Option<TelemetrySource>> {
    Ok(api_keys::holder(db, KeyScope::Telemetry, key, now)
        .await?
        .map(|key| TelemetrySource {
            key_id: key.id,
            label: key.label,
            company: key.company_id,
        }))
}

/// Checks every row of a batch and keeps the good ones: rows already kept
/// (a resent batch) count as duplicates and change nothing.
pub async fn ingest(
    db: &Database,
    source: &TelemetrySource,
    batch: &Batch,
    now: UnixSeconds,
) -> BackendResult<IngestAnswer> {
    let codes: Vec<&str> = batch
        .rows
        .iter()
        .map(|(_, row)| row.sensor_id.trim())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let registry: HashMap<String, KnownSensor> = store::sensors_by_code(db.reader(), &codes)
        .await?
        .into_iter()
        .filter_map(|row| {
            let kind = SensorKind::parse(&row.kind)?;
            Some((
                row.code,
                KnownSensor {
                    id: row.id,
                    kind,
                    company: row.company_id,
                },
            ))
        })
        .collect();
    let mut answer = IngestAnswer {
        received: batch.len(),
        rejected: batch.unreadable.clone(),
        ..IngestAnswer::default()
    };
    let mut good = Vec::with_capacity(batch.rows.len());
    let mut seen = HashSet::with_capacity(batch.rows.len());
    for &(index, ref row) in &batch.rows {
        let sensor = registry.get(row.sensor_id.trim()).copied();
        match check_reading(row, sensor, source.company, now) {
            Ok(reading) => {
                if seen.insert((reading.sensor, reading.quantity, reading.measured_at)) {
                    good.push(reading);
                } else {
                    answer.duplicates += 1;
                }
            }
            Err(problem) => answer.rejected.push(rejection(index, row, problem)),
        }
    }
    answer.rejected.sort_by_key(|rejection| rejection.row);
    store::ensure_partitions(db, &months_of(&good)).await?;
    let kept = store::keep_readings(db.writer(), &good).await?;
    answer.accepted = kept.inserted;
    answer.duplicates += good.len() - kept.inserted;
    Ok(answer)
}

fn rejection(index: usize, row: &RawReading, problem: RowProblem) -> RowRejection {
    RowRejection {
        row: index,
        sensor_id: row.sensor_id.chars().take(64).collect(),
        code: problem.as_str(),
        message: problem.message(),
    }
}

/// What an import did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub registered: usize,
    /// Sensors already registered, now at the place the file gives.
    pub moved: usize,
}

/// How many problem lines a refusal names (the count says the rest).
const PROBLEMS_NAMED: usize = 5;

/// Registers the sensors of a registry CSV (admin): new ones are added,
/// known ones moved to the place the file gives, in one transaction. A
/// file with any line that cannot be registered is refused whole, naming
/// the lines, so the admin fixes the file and imports it again.
pub async fn import_sensors(
    db: &Database,
    viewer: &Viewer,
    csv: &str,
    origin: &RequestOrigin,
) -> BackendResult<ImportReport> {
    viewer.require(Role::Admin)?;
    let (lines, problems) = parse_sensor_csv(csv).map_err(BackendError::refused)?;
    let mut problems: Vec<(usize, StaticText)> =
        problems.iter().map(|p| (p.line, p.problem)).collect();
    let mut sensors = Vec::with_capacity(lines.len());
    for line in &lines {
        match place(db, line).await? {
            Ok(sensor) => sensors.push(sensor),
            Err(problem) => problems.push((line.line, problem)),
        }
    }
    if !problems.is_empty() {
        problems.sort_by_key(|(line, _)| *line);
        return Err(BackendError::Invalid(Localized::new(|lang| {
            let named: Vec<String> = problems
                .iter()
                .take(PROBLEMS_NAMED)
                .map(|(line, problem)| text::telemetry_csv_line(lang, line, problem(lang)))
                .collect();
            text::telemetry_csv_refused(lang, problems.len(), named.join("; "))
        })));
    }
    if sensors.is_empty() {
        return Err(BackendError::refused(text::telemetry_csv_empty));
    }
    let mut report = ImportReport::default();
    let mut tx = db.writer().begin().await?;
    for sensor in &sensors {
        if store::upsert_sensor(&mut tx, sensor, origin.now).await? {
            report.registered += 1;
        } else {
            report.moved += 1;
        }
    }
    tx.commit().await?;
    audit::record(
        db.writer(),
        &origin.audit(
            Some(viewer.person_id),
            "sensors_imported",
            "sensor",
            0,
            format!("registered {}, moved {}", report.registered, report.moved),
        ),
    )
    .await?;
    Ok(report)
}

/// The registry entry a line asks for, or why it cannot be placed.
async fn place(db: &Database, line: &SensorLine) -> BackendResult<Result<NewSensor, StaticText>> {
    let mut sensor = NewSensor {
        code: line.code.clone(),
        kind: line.kind,
        household_id: None,
        building_id: None,
        station_id: None,
        company_id: None,
    };
    match line.kind {
        SensorKind::Indoor => {
            let Ok(account_no) = parse_account_no(&line.place) else {
                return Ok(Err(text::telemetry_unknown_household));
            };
            let Some((household, building, company)) =
                store::household_place(db.reader(), &account_no).await?
            else {
                return Ok(Err(text::telemetry_unknown_household));
            };
            sensor.household_id = Some(household);
            sensor.building_id = Some(building);
            sensor.company_id = Some(company);
        }
        SensorKind::Station | SensorKind::Outdoor => {
            if line.place.is_empty() {
                return Ok(Ok(sensor));
            }
            let Some((station, company)) = store::station_by_code(db.reader(), &line.place).await?
            else {
                return Ok(Err(text::telemetry_unknown_station));
            };
            sensor.station_id = Some(station);
            sensor.company_id = Some(company);
        }
    }
    Ok(Ok(sensor))
}

/// The registry page (admin): counts by kind, and the first sensors,
/// flagged ones first.
pub async fn registry(db: &Database, viewer: &Viewer) -> BackendResult<SensorRegistry> {
    viewer.require(Role::Admin)?;
    let counts = store::counts(db.reader())
        .await?
        .into_iter()
        .filter_map(|(kind, registered, flagged)| {
            Some(SensorCount {
                kind: SensorKind::parse(&kind)?,
                registered,
                flagged,
            })
        })
        .collect();
    let sensors = store::listed(db.reader(), SENSORS_LISTED)
        .await?
        .into_iter()
        .filter_map(|row| {
            Some(SensorSummary {
                kind: SensorKind::parse(&row.kind)?,
                code: row.code,
                place: row.place,
                company: row.company,
                last_heard_at: row.last_heard_at,
                flag: row.flag.as_deref().and_then(SensorFlag::parse),
            })
        })
        .collect();
    let mut curves = Vec::new();
    for (company_id, company) in crate::store::people::company_choices(db.reader()).await? {
        let set = store::supply_curve(db.reader(), company_id).await?;
        curves.push(CompanyCurve {
            company_id,
            company,
            curve: set.unwrap_or_default(),
            set: set.is_some(),
        });
    }
    Ok(SensorRegistry {
        counts,
        sensors,
        curves,
    })
}

/// What a round of telemetry housekeeping did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Housekeeping {
    /// Sensors newly flagged (or flagged for another reason).
    pub flagged: usize,
    /// Sensors trusted again.
    pub cleared: usize,
    /// Raw months dropped (PostgreSQL) or raw rows deleted (SQLite).
    pub raw_dropped: u64,
}

/// Readies this month's and next month's partitions, drops raw readings
/// older than `raw_months` whole months (rollups stay), and reviews every
/// sensor's trust.
pub async fn housekeeping(
    db: &Database,
    now: UnixSeconds,
    raw_months: u32,
) -> BackendResult<Housekeeping> {
    let month = MonthSpan::containing(now);
    store::ensure_partitions(db, &[month, month.next()]).await?;
    let mut cutoff = month;
    for _ in 0..raw_months {
        cutoff = cutoff.previous();
    }
    let raw_dropped = store::drop_raw_before(db, cutoff.start).await?;
    let (flagged, cleared) = review_sensors(db, now).await?;
    Ok(Housekeeping {
        flagged,
        cleared,
        raw_dropped,
    })
}

/// Flags sensors that went silent, stuck or jumping, and trusts again the
/// ones that recovered: (flagged, cleared).
pub async fn review_sensors(db: &Database, now: UnixSeconds) -> BackendResult<(usize, usize)> {
    let since = hour_of(now - REVIEW_WINDOW);
    let mut changes: HashMap<Option<SensorFlag>, Vec<i64>> = HashMap::new();
    for sensor in store::sensor_states(db.reader(), since).await? {
        let recent = match (sensor.kind.as_str(), sensor.readings) {
            ("indoor", Some(readings)) => Some(RecentHours {
                readings,
                lowest: sensor.lowest.unwrap_or_default(),
                highest: sensor.highest.unwrap_or_default(),
                widest_hour: sensor.widest.unwrap_or_default(),
            }),
            _ => None,
        };
        let judged = judge_sensor(sensor.last_heard_at, sensor.registered_at, recent, now);
        let current = sensor.flag.as_deref().and_then(SensorFlag::parse);
        if judged != current {
            changes.entry(judged).or_default().push(sensor.id);
        }
    }
    let mut counts = (0, 0);
    for (flag, sensors) in changes {
        store::set_flag(db.writer(), &sensors, flag, now).await?;
        if flag.is_some() {
            counts.0 += sensors.len();
        } else {
            counts.1 += sensors.len();
        }
    }
    Ok(counts)
}

/// How many days a building's measured temperatures cover.
const MEASURED_DAYS: u32 = 7;

/// What a building's indoor sensors measured over the last week, and each
/// flat's last 24 hours. The caller has checked that the viewer looks
/// after the building.
pub async fn measured_building(
    db: &Database,
    building_id: i64,
    now: UnixSeconds,
) -> BackendResult<MeasuredBuilding> {
    let flats: Vec<FlatTemperature> =
        store::building_flats(db.reader(), building_id, hour_of(now - 86_400))
            .await?
            .into_iter()
            .map(|row| FlatTemperature {
                flat: format!("{} {}", row.unit, row.room),
                average: match (row.total, row.readings) {
                    (Some(total), Some(readings)) if readings > 0 => {
                        Some(tenths(total / readings as f64))
                    }
                    _ => None,
                },
                lowest: row.lowest.map(tenths),
                last_heard_at: row.last_heard_at,
                flag: row.flag.as_deref().and_then(SensorFlag::parse),
            })
            .collect();
    if flats.is_empty() {
        return Ok(MeasuredBuilding::default());
    }
    let first_day =
        to_local(now).date_naive() - chrono::Duration::days(i64::from(MEASURED_DAYS) - 1);
    let since = domain::clock::from_local(first_day.and_hms_opt(0, 0, 0).unwrap_or_default());
    let hours = store::building_hours(db.reader(), building_id, since).await?;
    Ok(MeasuredBuilding {
        days: measured_days(&hours, MEASURED_DAYS, now),
        flats,
    })
}

/// A household's indoor sensor's hours over the last `window` seconds,
/// when it has a sensor. The caller has checked that the viewer may see
/// the household.
pub async fn home_temperature(
    db: &Database,
    household_id: i64,
    now: UnixSeconds,
    window: i64,
) -> BackendResult<Option<HomeTemperature>> {
    let rows = store::household_hours(db.reader(), household_id, hour_of(now - window)).await?;
    let Some((flag, last_heard_at, _, _)) = rows.first().cloned() else {
        return Ok(None);
    };
    let hours: Vec<(UnixSeconds, i32)> = rows
        .into_iter()
        .filter_map(|(_, _, hour, average)| Some((hour?, tenths(average?))))
        .collect();
    Ok(Some(HomeTemperature {
        days: home_days(&hours),
        hours,
        last_heard_at,
        flag: flag.as_deref().and_then(SensorFlag::parse),
    }))
}

/// The dispatcher's station board: each of the company's stations, its
/// latest complete hour against the company's curve, its last contact and
/// its alarm; alarms first.
pub async fn station_board(
    db: &Database,
    viewer: &Viewer,
    now: UnixSeconds,
) -> BackendResult<StationBoard> {
    viewer.require(Role::Dispatcher)?;
    let company = viewer.company_id.ok_or(BackendError::Forbidden)?;
    let curve = store::supply_curve(db.reader(), company)
        .await?
        .unwrap_or_default();
    let this_hour = hour_of(now);
    let since = this_hour - BOARD_HOURS * 3600;
    let quantities = [Quantity::SecondarySupplyTemp, Quantity::SecondaryReturnTemp];
    let mut hours: HashMap<(i64, Quantity), Vec<(UnixSeconds, f64)>> = HashMap::new();
    for (sensor, quantity, hour, value) in
        store::station_hours(db.reader(), company, &quantities, since).await?
    {
        if let Some(quantity) = Quantity::from_code(quantity) {
            if hour < this_hour {
                hours
                    .entry((sensor, quantity))
                    .or_default()
                    .push((hour, value));
            }
        }
    }
    let outdoor: HashMap<UnixSeconds, f64> = store::outdoor_hours(db.reader(), since)
        .await?
        .into_iter()
        .collect();
    let mut seen = HashSet::new();
    let mut stations = Vec::new();
    for (station_id, name, code, sensor, last_heard_at, flag) in
        store::company_stations(db.reader(), company).await?
    {
        // A station with two sensors is shown by its first.
        if !seen.insert(station_id) {
            continue;
        }
        let flag = flag.as_deref().and_then(SensorFlag::parse);
        let mut supply = sensor
            .and_then(|sensor| hours.remove(&(sensor, Quantity::SecondarySupplyTemp)))
            .unwrap_or_default();
        supply.sort_by_key(|(hour, _)| -hour);
        let returns: HashMap<UnixSeconds, f64> = sensor
            .and_then(|sensor| hours.remove(&(sensor, Quantity::SecondaryReturnTemp)))
            .unwrap_or_default()
            .into_iter()
            .collect();
        let against_curve: Vec<(i32, i32)> = supply
            .iter()
            .filter_map(|(hour, value)| {
                let outside = outdoor.get(hour)?;
                Some((tenths(*value), curve.target(tenths(*outside))))
            })
            .collect();
        let newest = supply.first().copied();
        stations.push(StationRow {
            station_id,
            name,
            code,
            last_heard_at,
            has_sensor: sensor.is_some(),
            hour: newest.map(|(hour, _)| hour),
            supply: newest.map(|(_, value)| tenths(value)),
            return_temp: newest.and_then(|(hour, _)| returns.get(&hour).map(|v| tenths(*v))),
            outdoor: newest.and_then(|(hour, _)| outdoor.get(&hour).map(|v| tenths(*v))),
            target: newest
                .and_then(|(hour, _)| outdoor.get(&hour).map(|v| curve.target(tenths(*v)))),
            alarm: sensor.and_then(|_| station_alarm(flag, &against_curve, &curve)),
        });
    }
    stations.sort_by_key(|row| (row.alarm.is_none(), row.code.clone()));
    let company_name = crate::store::seasons::companies(db.reader())
        .await?
        .into_iter()
        .find(|c| c.id == company)
        .map(|c| c.name)
        .unwrap_or_default();
    Ok(StationBoard {
        company_name,
        curve,
        stations,
    })
}

/// How many hours back the board looks for a station's latest hour.
const BOARD_HOURS: i64 = 6;

/// Sets a company's weather-compensated curve (admin); audited.
pub async fn set_supply_curve(
    db: &Database,
    viewer: &Viewer,
    company_id: i64,
    curve: SupplyCurve,
    origin: &RequestOrigin,
) -> BackendResult<()> {
    viewer.require(Role::Admin)?;
    let curve = curve.check().map_err(BackendError::refused)?;
    let known = crate::store::people::company_choices(db.reader())
        .await?
        .into_iter()
        .any(|(id, _)| id == company_id);
    if !known {
        return Err(BackendError::refused(text::api_key_company_unknown));
    }
    store::set_supply_curve(
        db.writer(),
        company_id,
        &curve,
        viewer.person_id,
        origin.now,
    )
    .await?;
    audit::record(
        db.writer(),
        &origin.audit(
            Some(viewer.person_id),
            "supply_curve_set",
            "company",
            company_id,
            format!(
                "{}→{} … {}→{} ±{}",
                curve.cold_outdoor,
                curve.cold_supply,
                curve.mild_outdoor,
                curve.mild_supply,
                curve.tolerance
            ),
        ),
    )
    .await
}

/// How far back the cold rule looks for a spell still going on.
const FINDINGS_LOOK_BACK: i64 = 24 * 3600;

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
    let in_season = |hour: UnixSeconds| hour >= window.start && hour < window.end;
    let below = f64::from(rule.below_tenths) / 10.0;
    let mut cold: BTreeMap<i64, Vec<ColdSpell>> = BTreeMap::new();
    let mut outages: HashMap<i64, Vec<(i64, i64)>> = HashMap::new();
    for (sensor, building, _station, _flat) in store::cold_candidates(
        db.reader(),
        company,
        since,
        this_hour,
        below,
        i64::from(rule.hours),
    )
    .await?
    {
        if let std::collections::hash_map::Entry::Vacant(entry) = outages.entry(building) {
            entry.insert(store::outage_windows(db.reader(), building, since).await?);
        }
        let hours: Vec<(UnixSeconds, f64)> =
            store::hours_of(db.reader(), sensor, Quantity::IndoorTemp, since, this_hour)
                .await?
                .into_iter()
                .map(|h| (h.hour, h.total / h.readings.max(1) as f64))
                .collect();
        let excused = outages
            .get(&building)
            .map(Vec::as_slice)
            .unwrap_or_default();
        if let Some(spell) = cold_spell(&hours, excused, in_season, rule) {
            if still_cold(&spell, now) {
                cold.entry(building).or_default().push(spell);
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
