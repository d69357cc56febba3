//! A simulated smart-heating platform for the demo city (and synthetic
//! cities at scale): it registers sensors the way a city's rollout would
//! (an indoor sensor in one flat of every few, the six quantities of each
//! heat-exchange station, one outdoor sensor) and feeds them readings with
//! the shapes a season has: a daily curve, a cold snap, one station whose
//! supply temperature sags, a few flats below 18 ℃, sensors that die and
//! sensors that stick. Values are a pure function of sensor and time, so a
//! back-fill and the live feed that follows it agree, and a rerun over the
//! same hours changes nothing.

use crate::db::Database;
use crate::error::BackendResult;
use crate::store::telemetry::{self as store, NewSensor};
use domain::clock::UnixSeconds;
use domain::telemetry::{months_of, tenths, Quantity, Reading, SensorKind, SupplyCurve};

const MINUTE: i64 = 60;
const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;
/// Readings written per transaction.
const READINGS_PER_BATCH: usize = 5_000;

/// How often each kind reports (Weifang: indoor every 20 minutes; stations
/// every 5).
fn interval(kind: SensorKind) -> i64 {
    match kind {
        SensorKind::Indoor => 20 * MINUTE,
        SensorKind::Station => 5 * MINUTE,
        SensorKind::Outdoor => 10 * MINUTE,
    }
}

/// One simulated sensor: its id in the registry and what shapes its data.
#[derive(Clone, Copy, Debug)]
struct Simulated {
    id: i64,
    kind: SensorKind,
    /// A number that picks the sensor's quirks (its household's or
    /// station's id).
    seed: i64,
    /// The station whose supply sags feeds it.
    on_sagging_station: bool,
}

/// A pseudo-random number in [0, 1) for (a, b): splitmix64, so the same
/// sensor and time always give the same value.
fn noise(a: i64, b: i64) -> f64 {
    let mut z = (a as u64)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(b as u64);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// The hour of the local (Shanghai) day, with its fraction.
fn local_hour(at: UnixSeconds) -> f64 {
    ((at + 8 * HOUR).rem_euclid(DAY)) as f64 / HOUR as f64
}

/// Outdoor air: −2 ℃ on average, 4 ℃ warmer at 14:00 than at 02:00, and a
/// cold snap 8 ℃ colder for the two days before the last.
fn outdoor(at: UnixSeconds, now: UnixSeconds) -> f64 {
    let daily = 4.0 * ((local_hour(at) - 8.0) / 24.0 * std::f64::consts::TAU).sin();
    let days_ago = (now - at) / DAY;
    let snap = if (1..=2).contains(&days_ago) {
        -8.0
    } else {
        0.0
    };
    -2.0 + daily + snap
}

/// The secondary supply temperature a well-run station keeps for an
/// outdoor temperature: the default weather-compensated curve.
fn supply_for(outdoor: f64) -> f64 {
    f64::from(SupplyCurve::default().target(tenths(outdoor))) / 10.0
}

/// Whether the sensor is dead (silent for the last five hours), stuck
/// (one value for the last eight), or in a flat below the standard.
fn is_dead(sensor: &Simulated) -> bool {
    sensor.seed % 29 == 7
}

fn is_stuck(sensor: &Simulated) -> bool {
    sensor.seed % 31 == 11
}

fn is_cold_flat(sensor: &Simulated) -> bool {
    sensor.seed % 13 == 5
}

/// What `sensor` reports for `quantity` at `at`, or nothing (a dead one).
fn value(sensor: &Simulated, quantity: Quantity, at: UnixSeconds, now: UnixSeconds) -> Option<f64> {
    if is_dead(sensor) && at > now - 5 * HOUR {
        return None;
    }
    let jitter = noise(sensor.id * 16 + i64::from(quantity.code()), at) - 0.5;
    let outside = outdoor(at, now);
    let sag = if sensor.on_sagging_station && at > now - DAY {
        8.0
    } else {
        0.0
    };
    let supply = supply_for(outside) - sag;
    let value = match quantity {
        Quantity::OutdoorTemp => outside + jitter * 0.4,
        Quantity::SecondarySupplyTemp => supply + jitter * 0.6,
        Quantity::SecondaryReturnTemp => supply - 10.0 + jitter * 0.6,
        Quantity::PrimarySupplyTemp => 95.0 - 0.8 * outside + jitter,
        Quantity::PrimaryReturnTemp => 50.0 + jitter,
        Quantity::SecondaryPressure => 0.45 + jitter * 0.02,
        Quantity::PrimaryFlow => 120.0 - 2.0 * outside + jitter * 4.0,
        Quantity::IndoorTemp => {
            if is_stuck(sensor) && at > now - 8 * HOUR {
                return Some(19.0);
            }
            // Rooms follow the supply (and the weather) a little.
            let base = if is_cold_flat(sensor) { 16.8 } else { 20.6 };
            let morning = 0.5 * ((local_hour(at) - 10.0) / 24.0 * std::f64::consts::TAU).sin();
            let from_supply = (supply - supply_for(-2.0)) * 0.25;
            let own = (noise(sensor.seed, 1) - 0.5) * 1.5;
            base + morning + from_supply + own + jitter * 0.3
        }
    };
    // Two decimals, as the devices send.
    Some((value * 100.0).round() / 100.0)
}

/// Registers the simulated sensors when none are registered: one indoor
/// sensor in every fourth heated household (every 31st in a city of more
/// than 10,000, Weifang's density), one sensor for each station, and one
/// outdoor sensor. The number registered (0 when some already were).
pub async fn register_sensors(db: &Database, now: UnixSeconds) -> BackendResult<usize> {
    let registered: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sensors")
        .fetch_one(db.reader())
        .await?;
    if registered > 0 {
        return Ok(0);
    }
    let households: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM households")
        .fetch_one(db.reader())
        .await?;
    let every = if households > 10_000 { 31 } else { 4 };
    let homes: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT h.id, u.building_id, h.company_id FROM households h \
         JOIN units u ON u.id = h.unit_id \
         WHERE h.service_state = 'heated' AND h.id % $1 = 0 ORDER BY h.id",
    )
    .bind(every)
    .fetch_all(db.reader())
    .await?;
    let stations: Vec<(i64, String, i64)> =
        sqlx::query_as("SELECT id, code, company_id FROM stations ORDER BY id")
            .fetch_all(db.reader())
            .await?;
    let mut sensors: Vec<NewSensor> = homes
        .into_iter()
        .map(|(household, building, company)| NewSensor {
            code: format!("SIM-IN-{household:07}"),
            kind: SensorKind::Indoor,
            household_id: Some(household),
            building_id: Some(building),
            station_id: None,
            company_id: Some(company),
        })
        .collect();
    sensors.extend(stations.into_iter().map(|(id, code, company)| NewSensor {
        code: format!("SIM-ST-{code}"),
        kind: SensorKind::Station,
        household_id: None,
        building_id: None,
        station_id: Some(id),
        company_id: Some(company),
    }));
    sensors.push(NewSensor {
        code: "SIM-OUT-CITY".to_string(),
        kind: SensorKind::Outdoor,
        household_id: None,
        building_id: None,
        station_id: None,
        company_id: None,
    });
    let mut tx = db.writer().begin().await?;
    for sensor in &sensors {
        store::upsert_sensor(&mut tx, sensor, now - 30 * DAY).await?;
    }
    tx.commit().await?;
    Ok(sensors.len())
}

/// The simulated sensors, with the first station's as the sagging one.
async fn simulated(db: &Database) -> BackendResult<Vec<Simulated>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        kind: String,
        household_id: Option<i64>,
        feeding_station: Option<i64>,
        own_station: Option<i64>,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT s.id, s.kind, s.household_id, COALESCE(s.station_id, b.station_id) AS feeding_station, \
                s.station_id AS own_station \
         FROM sensors s LEFT JOIN buildings b ON b.id = s.building_id \
         WHERE s.code LIKE 'SIM-%' ORDER BY s.id",
    )
    .fetch_all(db.reader())
    .await?;
    let sagging: Option<i64> = sqlx::query_scalar("SELECT MIN(id) FROM stations")
        .fetch_one(db.reader())
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            Some(Simulated {
                id: row.id,
                kind: SensorKind::parse(&row.kind)?,
                seed: row.household_id.or(row.own_station).unwrap_or(row.id),
                on_sagging_station: row.feeding_station.is_some() && row.feeding_station == sagging,
            })
        })
        .collect())
}

/// What a simulation wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Simulation {
    pub sensors: usize,
    /// Readings offered to the store.
    pub readings: usize,
    /// Of them, new (the rest were there from an earlier run).
    pub kept: usize,
}

/// Feeds every simulated sensor its readings for `[from, to)` as seen at
/// `now` (the day of the cold snap and the sag are counted back from it);
/// `progress(done, total)` hears of each batch written.
pub async fn simulate(
    db: &Database,
    from: UnixSeconds,
    to: UnixSeconds,
    now: UnixSeconds,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> BackendResult<Simulation> {
    let sensors = simulated(db).await?;
    let total: u64 = sensors
        .iter()
        .map(|s| {
            let quantities = quantities(s.kind).len() as i64;
            (((to - from).max(0) / interval(s.kind)) * quantities) as u64
        })
        .sum();
    let mut summary = Simulation {
        sensors: sensors.len(),
        ..Simulation::default()
    };
    let mut batch = Vec::with_capacity(READINGS_PER_BATCH);
    let mut offered: u64 = 0;
    for sensor in &sensors {
        let step = interval(sensor.kind);
        // The first reporting time at or after `from`.
        let mut at = from + (step - from.rem_euclid(step)) % step;
        while at < to {
            for &quantity in quantities(sensor.kind) {
                offered += 1;
                if let Some(value) = value(sensor, quantity, at, now) {
                    batch.push(Reading {
                        sensor: sensor.id,
                        quantity,
                        measured_at: at,
                        value,
                    });
                }
            }
            if batch.len() >= READINGS_PER_BATCH {
                summary.kept += write(db, &batch).await?;
                summary.readings += batch.len();
                batch.clear();
                progress(offered.min(total), total);
            }
            at += step;
        }
    }
    if !batch.is_empty() {
        summary.kept += write(db, &batch).await?;
        summary.readings += batch.len();
    }
    progress(total, total);
    Ok(summary)
}

fn quantities(kind: SensorKind) -> &'static [Quantity] {
    match kind {
        SensorKind::Indoor => &[Quantity::IndoorTemp],
        SensorKind::Outdoor => &[Quantity::OutdoorTemp],
        SensorKind::Station => &Quantity::STATION,
    }
}

async fn write(db: &Database, batch: &[Reading]) -> BackendResult<usize> {
    store::ensure_partitions(db, &months_of(batch)).await?;
    Ok(store::keep_readings(db, batch).await?.inserted)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_796_000_000;

    fn sensor(seed: i64, kind: SensorKind) -> Simulated {
        Simulated {
            id: seed,
            kind,
            seed,
            on_sagging_station: false,
        }
    }

    #[test]
    fn values_are_a_function_of_sensor_and_time() {
        let room = sensor(1, SensorKind::Indoor);
        assert_eq!(
            value(&room, Quantity::IndoorTemp, NOW - 600, NOW),
            value(&room, Quantity::IndoorTemp, NOW - 600, NOW)
        );
        for n in 0..1_000 {
            let noise = noise(n, n * 7);
            assert!((0.0..1.0).contains(&noise));
        }
    }

    #[test]
    fn the_city_has_warm_rooms_cold_flats_dead_and_stuck_sensors() {
        let warm = sensor(1, SensorKind::Indoor);
        let cold = sensor(5, SensorKind::Indoor);
        assert!(is_cold_flat(&cold) && !is_cold_flat(&warm));
        for hour in 0..24 {
            let at = NOW - 3 * DAY - hour * HOUR;
            let warm = value(&warm, Quantity::IndoorTemp, at, NOW).unwrap();
            let cold = value(&cold, Quantity::IndoorTemp, at, NOW).unwrap();
            assert!((18.0..24.0).contains(&warm), "{warm}");
            assert!(cold < 18.0, "{cold}");
        }
        let dead = sensor(7, SensorKind::Indoor);
        assert!(is_dead(&dead));
        assert_eq!(value(&dead, Quantity::IndoorTemp, NOW - HOUR, NOW), None);
        assert!(value(&dead, Quantity::IndoorTemp, NOW - 6 * HOUR, NOW).is_some());
        let stuck = sensor(11, SensorKind::Indoor);
        assert_eq!(
            value(&stuck, Quantity::IndoorTemp, NOW - HOUR, NOW),
            Some(19.0)
        );
    }

    #[test]
    fn the_cold_snap_and_the_sag_show() {
        let station = sensor(2, SensorKind::Station);
        let sagging = Simulated {
            on_sagging_station: true,
            ..station
        };
        let at = NOW - 2 * HOUR;
        let normal = value(&station, Quantity::SecondarySupplyTemp, at, NOW).unwrap();
        let sagged = value(&sagging, Quantity::SecondarySupplyTemp, at, NOW).unwrap();
        assert!(normal - sagged > 6.0, "{normal} {sagged}");
        let snap = outdoor(NOW - DAY - 6 * HOUR, NOW);
        let before = outdoor(NOW - 4 * DAY - 6 * HOUR, NOW);
        assert!(before - snap > 6.0, "{before} {snap}");
        for quantity in Quantity::STATION {
            let value = value(&station, quantity, at, NOW).unwrap();
            let (low, high) = quantity.possible();
            assert!((low..=high).contains(&value), "{quantity:?} {value}");
        }
    }
}
