//! What the sensors measured, as people see it: a building's week and
//! flats, a home's hours, the dispatcher's station board.

use crate::db::Database;
use crate::error::{BackendError, BackendResult};
use crate::services::identity::Viewer;
use crate::store::telemetry as store;
use domain::clock::UnixSeconds;
use domain::compliance::day_span;
use domain::roles::Role;
use domain::telemetry::{
    first_measured_day, home_days, hour_of, measured_days, station_alarm, tenths, FlatTemperature,
    HomeTemperature, MeasuredBuilding, Quantity, SensorFlag, StationBoard, StationRow, BOARD_HOURS,
    MEASURED_DAYS,
};
use std::collections::{HashMap, HashSet};

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
    let (since, _) = day_span(first_measured_day(MEASURED_DAYS, now));
    let sensor_days = store::building_sensor_days(db.reader(), building_id, since).await?;
    Ok(MeasuredBuilding {
        days: measured_days(&sensor_days, MEASURED_DAYS, now),
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
