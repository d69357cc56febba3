//! Telemetry: the sensor registry, raw readings (kept once per sensor,
//! quantity and time), their hourly rollups, and the monthly partitions of
//! the raw table on PostgreSQL.

use super::outages::placeholders;
use super::{ordered_placeholders, placeholder};
use crate::db::{Database, Engine};
use crate::error::BackendResult;
use domain::clock::{date_of_day_number, UnixSeconds, SHANGHAI_OFFSET_SECONDS};
use domain::telemetry::{
    hourly_rollups, MonthSpan, Quantity, Reading, SensorDay, SensorFlag, SensorKind, SupplyCurve,
};
use sqlx::{Any, AnyPool, FromRow, Transaction};

/// Rows per multi-row statement: 4 values a reading keeps well under
/// either engine's limit on bound values.
const ROWS_PER_STATEMENT: usize = 1_000;

/// A sensor as the ingest checks need it.
#[derive(Clone, Debug, FromRow)]
pub struct SensorRow {
    pub id: i64,
    pub code: String,
    pub kind: String,
    pub company_id: Option<i64>,
}

/// The registry's entries for these sensor codes (unknown codes are
/// simply absent).
pub async fn sensors_by_code(db: &Database, codes: &[&str]) -> BackendResult<Vec<SensorRow>> {
    let mut found = Vec::with_capacity(codes.len());
    for chunk in codes.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "SELECT id, code, kind, company_id FROM sensors WHERE code IN ({})",
            ordered_placeholders(db.engine(), 1, chunk.len())
        );
        let mut query = sqlx::query_as::<_, SensorRow>(&sql);
        for code in chunk {
            query = query.bind(*code);
        }
        found.extend(query.fetch_all(db.reader()).await?);
    }
    Ok(found)
}

/// A sensor to register, with its place already resolved.
#[derive(Clone, Debug)]
pub struct NewSensor {
    pub code: String,
    pub kind: SensorKind,
    pub household_id: Option<i64>,
    pub building_id: Option<i64>,
    pub station_id: Option<i64>,
    pub company_id: Option<i64>,
}

/// Registers a sensor, or moves a registered one to its new place (a
/// sensor moved to another flat keeps its readings, which are its own).
/// True when it is new.
pub async fn upsert_sensor(
    tx: &mut Transaction<'_, Any>,
    sensor: &NewSensor,
    now: UnixSeconds,
) -> BackendResult<bool> {
    if move_sensor(&mut **tx, sensor).await? {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO sensors (code, kind, household_id, building_id, station_id, company_id, \
                              registered_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&sensor.code)
    .bind(sensor.kind.as_str())
    .bind(sensor.household_id)
    .bind(sensor.building_id)
    .bind(sensor.station_id)
    .bind(sensor.company_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(true)
}

/// Gives a registered sensor its kind and place; false when no sensor has
/// that code.
pub async fn move_sensor<'e>(
    executor: impl sqlx::Executor<'e, Database = Any>,
    sensor: &NewSensor,
) -> BackendResult<bool> {
    let moved = sqlx::query(
        "UPDATE sensors SET kind = $1, household_id = $2, building_id = $3, station_id = $4, \
                company_id = $5 \
         WHERE code = $6",
    )
    .bind(sensor.kind.as_str())
    .bind(sensor.household_id)
    .bind(sensor.building_id)
    .bind(sensor.station_id)
    .bind(sensor.company_id)
    .bind(&sensor.code)
    .execute(executor)
    .await?;
    Ok(moved.rows_affected() > 0)
}

/// A household's place and company, by account number.
pub async fn household_place(
    pool: &AnyPool,
    account_no: &str,
) -> BackendResult<Option<(i64, i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT h.id, u.building_id, h.company_id FROM households h \
         JOIN units u ON u.id = h.unit_id WHERE h.account_no = $1",
    )
    .bind(account_no)
    .fetch_optional(pool)
    .await?)
}

/// A station's id and company, by its code.
pub async fn station_by_code(pool: &AnyPool, code: &str) -> BackendResult<Option<(i64, i64)>> {
    Ok(
        sqlx::query_as("SELECT id, company_id FROM stations WHERE code = $1")
            .bind(code)
            .fetch_optional(pool)
            .await?,
    )
}

/// What one batch changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Kept {
    /// Readings new to the table (the rest were there already).
    pub inserted: usize,
}

/// Keeps the readings not already kept, adds exactly those to their hours'
/// rollups and notes when each sensor was last heard, in one transaction:
/// a batch sent twice, or twice at once, counts once.
pub async fn keep_readings(db: &Database, readings: &[Reading]) -> BackendResult<Kept> {
    let engine = db.engine();
    let mut sorted = readings.to_vec();
    // One order for every batch, so two batches meeting on the same rows
    // wait for each other instead of deadlocking.
    sorted.sort_by(|a, b| {
        (a.sensor, a.quantity, a.measured_at).cmp(&(b.sensor, b.quantity, b.measured_at))
    });
    sorted.dedup_by_key(|r| (r.sensor, r.quantity, r.measured_at));
    let mut tx = db.writer().begin().await?;
    let mut inserted = Vec::with_capacity(sorted.len());
    for chunk in sorted.chunks(ROWS_PER_STATEMENT) {
        let rows = (0..chunk.len())
            .map(|i| format!("({})", ordered_placeholders(engine, 4 * i + 1, 4)))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO telemetry_readings (sensor_id, quantity, measured_at, value) \
             VALUES {rows} ON CONFLICT DO NOTHING \
             RETURNING sensor_id, CAST(quantity AS BIGINT), measured_at, value"
        );
        let mut query = sqlx::query_as::<_, (i64, i64, i64, f64)>(&sql);
        for reading in chunk {
            query = query
                .bind(reading.sensor)
                .bind(reading.quantity.code())
                .bind(reading.measured_at)
                .bind(reading.value);
        }
        for (sensor, quantity, measured_at, value) in query.fetch_all(&mut *tx).await? {
            if let Some(quantity) = Quantity::from_code(quantity) {
                inserted.push(Reading {
                    sensor,
                    quantity,
                    measured_at,
                    value,
                });
            }
        }
    }
    add_to_hourly(&mut tx, engine, &inserted).await?;
    mark_heard(&mut tx, engine, &inserted).await?;
    tx.commit().await?;
    Ok(Kept {
        inserted: inserted.len(),
    })
}

/// Adds new readings to their hours' rollups.
async fn add_to_hourly(
    tx: &mut Transaction<'_, Any>,
    engine: Engine,
    inserted: &[Reading],
) -> BackendResult<()> {
    let rollups = hourly_rollups(inserted);
    for chunk in rollups.chunks(ROWS_PER_STATEMENT / 2) {
        let rows = (0..chunk.len())
            .map(|i| format!("({})", ordered_placeholders(engine, 7 * i + 1, 7)))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO telemetry_hourly (sensor_id, quantity, hour, readings, total, lowest, highest) \
             VALUES {rows} \
             ON CONFLICT (sensor_id, quantity, hour) DO UPDATE SET \
                readings = telemetry_hourly.readings + excluded.readings, \
                total = telemetry_hourly.total + excluded.total, \
                lowest = CASE WHEN excluded.lowest < telemetry_hourly.lowest \
                              THEN excluded.lowest ELSE telemetry_hourly.lowest END, \
                highest = CASE WHEN excluded.highest > telemetry_hourly.highest \
                               THEN excluded.highest ELSE telemetry_hourly.highest END"
        );
        let mut query = sqlx::query(&sql);
        for ((sensor, quantity, hour), rollup) in chunk {
            query = query
                .bind(*sensor)
                .bind(quantity.code())
                .bind(*hour)
                .bind(rollup.count)
                .bind(rollup.sum)
                .bind(rollup.min)
                .bind(rollup.max);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Notes each sensor's newest reading time (never moving it back).
async fn mark_heard(
    tx: &mut Transaction<'_, Any>,
    engine: Engine,
    inserted: &[Reading],
) -> BackendResult<()> {
    let mut newest: std::collections::BTreeMap<i64, UnixSeconds> = Default::default();
    for reading in inserted {
        let at = newest.entry(reading.sensor).or_insert(reading.measured_at);
        *at = (*at).max(reading.measured_at);
    }
    let newest: Vec<(i64, UnixSeconds)> = newest.into_iter().collect();
    for chunk in newest.chunks(ROWS_PER_STATEMENT / 2) {
        let rows = (0..chunk.len())
            .map(|i| {
                format!(
                    "(CAST({} AS BIGINT), CAST({} AS BIGINT))",
                    placeholder(engine, 2 * i + 1),
                    placeholder(engine, 2 * i + 2)
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "WITH heard (id, at) AS (VALUES {rows}) \
             UPDATE sensors SET last_heard_at = heard.at FROM heard \
             WHERE sensors.id = heard.id \
               AND (sensors.last_heard_at IS NULL OR sensors.last_heard_at < heard.at)"
        );
        let mut query = sqlx::query(&sql);
        for (sensor, at) in chunk {
            query = query.bind(*sensor).bind(*at);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// One hour of one sensor's quantity.
#[derive(Clone, Debug, FromRow, PartialEq)]
pub struct HourRow {
    pub hour: i64,
    pub readings: i64,
    pub total: f64,
    pub lowest: f64,
    pub highest: f64,
}

/// A sensor's hourly rollups of one quantity in `[from, to)`, oldest first.
pub async fn hours_of(
    pool: &AnyPool,
    sensor: i64,
    quantity: Quantity,
    from: UnixSeconds,
    to: UnixSeconds,
) -> BackendResult<Vec<HourRow>> {
    Ok(sqlx::query_as(
        "SELECT hour, readings, total, lowest, highest FROM telemetry_hourly \
         WHERE sensor_id = $1 AND quantity = $2 AND hour >= $3 AND hour < $4 ORDER BY hour",
    )
    .bind(sensor)
    .bind(quantity.code())
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?)
}

/// Makes sure the month partitions these spans need exist (PostgreSQL; a
/// no-op on SQLite, whose table is not partitioned). Two servers creating
/// the same month at once take turns on an advisory lock.
pub async fn ensure_partitions(db: &Database, months: &[MonthSpan]) -> BackendResult<()> {
    if db.engine() != Engine::Postgres {
        return Ok(());
    }
    for month in months {
        let name = month.partition_name();
        let exists: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM pg_class WHERE relname = $1 AND relnamespace = current_schema()::regnamespace",
        )
        .bind(&name)
        .fetch_one(db.writer())
        .await?;
        if exists > 0 {
            continue;
        }
        let mut tx = db.writer().begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock(18001)")
            .execute(&mut *tx)
            .await?;
        // The name and bounds are made by `MonthSpan` from numbers, never
        // from anything a request carried.
        sqlx::query(&format!(
            "CREATE TABLE IF NOT EXISTS {name} PARTITION OF telemetry_readings \
             FOR VALUES FROM ({}) TO ({})",
            month.start, month.end
        ))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
    }
    Ok(())
}

/// Drops raw readings measured before `cutoff` (a month's start): whole
/// partitions on PostgreSQL, a delete on SQLite. Rollups stay. The number
/// of months (PostgreSQL) or rows (SQLite) removed.
pub async fn drop_raw_before(db: &Database, cutoff: UnixSeconds) -> BackendResult<u64> {
    if db.engine() != Engine::Postgres {
        let done = sqlx::query("DELETE FROM telemetry_readings WHERE measured_at < $1")
            .bind(cutoff)
            .execute(db.writer())
            .await?;
        return Ok(done.rows_affected());
    }
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT CAST(relname AS TEXT) FROM pg_class \
         WHERE relname LIKE 'telemetry_readings_y%' AND relnamespace = current_schema()::regnamespace",
    )
    .fetch_all(db.writer())
    .await?;
    let mut dropped = 0;
    for name in names {
        let Some(month) = MonthSpan::of_partition_name(&name) else {
            continue;
        };
        if month.end <= cutoff {
            sqlx::query(&format!("DROP TABLE IF EXISTS {}", month.partition_name()))
                .execute(db.writer())
                .await?;
            dropped += 1;
        }
    }
    Ok(dropped)
}

/// A sensor as the registry page lists it.
#[derive(Clone, Debug, FromRow)]
pub struct ListedRow {
    pub code: String,
    pub kind: String,
    pub place: Option<String>,
    pub place_code: String,
    pub company: Option<String>,
    pub last_heard_at: Option<i64>,
    pub flag: Option<String>,
}

/// The registry's view of sensors: where each sits, by name and by the
/// code a CSV line places it with.
const LISTED_SELECT: &str = "SELECT s.code, s.kind, \
        CASE WHEN s.household_id IS NOT NULL \
             THEN cm.name || ' ' || b.name || ' ' || u.name || ' ' || h.room \
             ELSE st.name END AS place, \
        CASE WHEN s.household_id IS NOT NULL THEN h.account_no \
             ELSE COALESCE(st.code, '') END AS place_code, \
        co.short_name AS company, s.last_heard_at, s.flag \
     FROM sensors s \
     LEFT JOIN households h ON h.id = s.household_id \
     LEFT JOIN units u ON u.id = h.unit_id \
     LEFT JOIN buildings b ON b.id = s.building_id \
     LEFT JOIN communities cm ON cm.id = b.community_id \
     LEFT JOIN stations st ON st.id = s.station_id \
     LEFT JOIN heating_companies co ON co.id = s.company_id";

/// The first `limit` sensors, flagged first, then by code.
pub async fn listed(pool: &AnyPool, limit: i64) -> BackendResult<Vec<ListedRow>> {
    Ok(sqlx::query_as(&format!(
        "{LISTED_SELECT} \
         ORDER BY CASE WHEN s.flag IS NULL THEN 1 ELSE 0 END, s.code LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

/// One sensor by its code, as the registry lists it.
pub async fn listed_one(pool: &AnyPool, code: &str) -> BackendResult<Option<ListedRow>> {
    Ok(
        sqlx::query_as(&format!("{LISTED_SELECT} WHERE s.code = $1"))
            .bind(code)
            .fetch_optional(pool)
            .await?,
    )
}

/// (kind, registered, flagged) for each kind with sensors.
pub async fn counts(pool: &AnyPool) -> BackendResult<Vec<(String, i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT kind, COUNT(*), COALESCE(SUM(CASE WHEN flag IS NULL THEN 0 ELSE 1 END), 0) \
         FROM sensors GROUP BY kind ORDER BY kind",
    )
    .fetch_all(pool)
    .await?)
}

/// A sensor as the review needs it: its contact, flag and, for what it
/// reported since `since`, its indoor rollups summed.
#[derive(Clone, Debug, FromRow)]
pub struct SensorState {
    pub id: i64,
    pub kind: String,
    pub registered_at: i64,
    pub last_heard_at: Option<i64>,
    pub flag: Option<String>,
    pub readings: Option<i64>,
    pub lowest: Option<f64>,
    pub highest: Option<f64>,
    pub widest: Option<f64>,
}

/// Every sensor, with its indoor rollups since the hour `since`.
pub async fn sensor_states(pool: &AnyPool, since: UnixSeconds) -> BackendResult<Vec<SensorState>> {
    Ok(sqlx::query_as(
        "SELECT s.id, s.kind, s.registered_at, s.last_heard_at, s.flag, \
                r.readings, r.lowest, r.highest, r.widest \
         FROM sensors s LEFT JOIN ( \
             SELECT sensor_id, CAST(SUM(readings) AS BIGINT) AS readings, MIN(lowest) AS lowest, \
                    MAX(highest) AS highest, MAX(highest - lowest) AS widest \
             FROM telemetry_hourly WHERE quantity = $1 AND hour >= $2 GROUP BY sensor_id \
         ) r ON r.sensor_id = s.id",
    )
    .bind(Quantity::IndoorTemp.code())
    .bind(since)
    .fetch_all(pool)
    .await?)
}

/// Sets these sensors' flag (None: trusted again), noting since when.
pub async fn set_flag(
    db: &Database,
    sensors: &[i64],
    flag: Option<SensorFlag>,
    now: UnixSeconds,
) -> BackendResult<()> {
    for chunk in sensors.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "UPDATE sensors SET flag = {}, flagged_at = {} WHERE id IN ({})",
            placeholder(db.engine(), 1),
            placeholder(db.engine(), 2),
            ordered_placeholders(db.engine(), 3, chunk.len())
        );
        let mut query = sqlx::query(&sql)
            .bind(flag.map(SensorFlag::as_str))
            .bind(flag.map(|_| now));
        for id in chunk {
            query = query.bind(*id);
        }
        query.execute(db.writer()).await?;
    }
    Ok(())
}

/// Each trusted indoor sensor of a building, per Shanghai day since
/// `since`: the sum and count of its hourly averages and the lowest of
/// them, summed by the query (one row per sensor and day, not per hour).
pub async fn building_sensor_days(
    pool: &AnyPool,
    building_id: i64,
    since: UnixSeconds,
) -> BackendResult<Vec<SensorDay>> {
    // The Shanghai day as a day number, computed alike on both engines
    // (integer division of a positive BIGINT).
    let day = format!("(r.hour + {SHANGHAI_OFFSET_SECONDS}) / 86400");
    let sql = format!(
        // The sensors as a list, not a join: SQLite without statistics
        // (a connection opened before ANALYZE, or none ever run) would
        // otherwise start from the hour index and read every sensor's
        // week (seconds at Weifang's density instead of 2 ms).
        "SELECT r.sensor_id, {day}, SUM(r.total / r.readings), CAST(COUNT(*) AS BIGINT), \
                MIN(r.total / r.readings) \
         FROM telemetry_hourly r \
         WHERE r.sensor_id IN (SELECT id FROM sensors \
                               WHERE building_id = $1 AND kind = 'indoor' AND flag IS NULL) \
           AND r.quantity = $2 AND r.hour >= $3 \
         GROUP BY r.sensor_id, {day}"
    );
    let rows: Vec<(i64, i64, f64, i64, f64)> = sqlx::query_as(&sql)
        .bind(building_id)
        .bind(Quantity::IndoorTemp.code())
        .bind(since)
        .fetch_all(pool)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(sensor, day, sum, hours, lowest)| SensorDay {
            sensor,
            day: date_of_day_number(day),
            sum,
            hours,
            lowest,
        })
        .collect())
}

/// A flat's sensor with its rollups since `since` summed.
#[derive(Clone, Debug, FromRow)]
pub struct FlatRow {
    pub unit: String,
    pub room: String,
    pub last_heard_at: Option<i64>,
    pub flag: Option<String>,
    pub readings: Option<i64>,
    pub total: Option<f64>,
    pub lowest: Option<f64>,
}

/// Every indoor sensor of a building, by unit and room, with what it
/// reported since the hour `since`.
pub async fn building_flats(
    pool: &AnyPool,
    building_id: i64,
    since: UnixSeconds,
) -> BackendResult<Vec<FlatRow>> {
    Ok(sqlx::query_as(
        "SELECT u.name AS unit, h.room, s.last_heard_at, s.flag, \
                CAST(SUM(r.readings) AS BIGINT) AS readings, SUM(r.total) AS total, \
                MIN(r.lowest) AS lowest \
         FROM sensors s \
         JOIN households h ON h.id = s.household_id \
         JOIN units u ON u.id = h.unit_id \
         LEFT JOIN telemetry_hourly r ON r.sensor_id = s.id AND r.quantity = $2 AND r.hour >= $3 \
         WHERE s.building_id = $1 AND s.kind = 'indoor' \
         GROUP BY s.id, u.name, u.sort_key, h.room, s.last_heard_at, s.flag \
         ORDER BY u.sort_key, h.room",
    )
    .bind(building_id)
    .bind(Quantity::IndoorTemp.code())
    .bind(since)
    .fetch_all(pool)
    .await?)
}

/// A household's indoor sensor (flag, last contact) and its hourly averages
/// since the hour `since`, oldest first; no rows without a sensor.
pub async fn household_hours(
    pool: &AnyPool,
    household_id: i64,
    since: UnixSeconds,
) -> BackendResult<Vec<(Option<String>, Option<i64>, Option<i64>, Option<f64>)>> {
    Ok(sqlx::query_as(
        "SELECT s.flag, s.last_heard_at, r.hour, r.total / r.readings \
         FROM sensors s \
         LEFT JOIN telemetry_hourly r ON r.sensor_id = s.id AND r.quantity = $2 AND r.hour >= $3 \
         WHERE s.household_id = $1 AND s.kind = 'indoor' \
         ORDER BY s.id, r.hour",
    )
    .bind(household_id)
    .bind(Quantity::IndoorTemp.code())
    .bind(since)
    .fetch_all(pool)
    .await?)
}

/// A company's curve as set, if it was.
pub async fn supply_curve(pool: &AnyPool, company_id: i64) -> BackendResult<Option<SupplyCurve>> {
    let row: Option<(i64, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT cold_outdoor, cold_supply, mild_outdoor, mild_supply, tolerance \
         FROM supply_curves WHERE company_id = $1",
    )
    .bind(company_id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(
        |(cold_outdoor, cold_supply, mild_outdoor, mild_supply, tolerance)| {
            let tenths = |v: i64| i32::try_from(v).unwrap_or_default();
            SupplyCurve {
                cold_outdoor: tenths(cold_outdoor),
                cold_supply: tenths(cold_supply),
                mild_outdoor: tenths(mild_outdoor),
                mild_supply: tenths(mild_supply),
                tolerance: tenths(tolerance),
            }
        },
    ))
}

/// Sets a company's curve (one statement: two admins saving at once leave
/// one of their curves whole).
pub async fn set_supply_curve(
    pool: &AnyPool,
    company_id: i64,
    curve: &SupplyCurve,
    by: i64,
    now: UnixSeconds,
) -> BackendResult<()> {
    sqlx::query(
        "INSERT INTO supply_curves (company_id, cold_outdoor, cold_supply, mild_outdoor, \
                                    mild_supply, tolerance, set_by, set_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (company_id) DO UPDATE SET cold_outdoor = excluded.cold_outdoor, \
            cold_supply = excluded.cold_supply, mild_outdoor = excluded.mild_outdoor, \
            mild_supply = excluded.mild_supply, tolerance = excluded.tolerance, \
            set_by = excluded.set_by, set_at = excluded.set_at",
    )
    .bind(company_id)
    .bind(i64::from(curve.cold_outdoor))
    .bind(i64::from(curve.cold_supply))
    .bind(i64::from(curve.mild_outdoor))
    .bind(i64::from(curve.mild_supply))
    .bind(i64::from(curve.tolerance))
    .bind(by)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(())
}

/// A company's stations with their sensor (if any): (station id, name,
/// code, sensor id, last heard, flag), by code.
pub async fn company_stations(
    pool: &AnyPool,
    company_id: i64,
) -> BackendResult<
    Vec<(
        i64,
        String,
        String,
        Option<i64>,
        Option<i64>,
        Option<String>,
    )>,
> {
    Ok(sqlx::query_as(
        "SELECT st.id, st.name, st.code, s.id, s.last_heard_at, s.flag \
         FROM stations st LEFT JOIN sensors s ON s.station_id = st.id AND s.kind = 'station' \
         WHERE st.company_id = $1 ORDER BY st.code, s.id",
    )
    .bind(company_id)
    .fetch_all(pool)
    .await?)
}

/// Hourly averages (sensor, quantity code, hour, ℃) of a company's
/// station sensors for these quantities since the hour `since`.
pub async fn station_hours(
    pool: &AnyPool,
    company_id: i64,
    quantities: &[Quantity],
    since: UnixSeconds,
) -> BackendResult<Vec<(i64, i64, i64, f64)>> {
    let sql = format!(
        "SELECT r.sensor_id, CAST(r.quantity AS BIGINT), r.hour, r.total / r.readings \
         FROM telemetry_hourly r JOIN sensors s ON s.id = r.sensor_id \
         WHERE s.company_id = $1 AND s.kind = 'station' AND r.hour >= $2 \
           AND r.quantity IN ({})",
        placeholders(3, quantities.len())
    );
    let mut query = sqlx::query_as(&sql).bind(company_id).bind(since);
    for quantity in quantities {
        query = query.bind(quantity.code());
    }
    Ok(query.fetch_all(pool).await?)
}

/// The city's outdoor temperature per hour since `since`: the mean of the
/// trusted outdoor sensors' hourly averages.
pub async fn outdoor_hours(pool: &AnyPool, since: UnixSeconds) -> BackendResult<Vec<(i64, f64)>> {
    Ok(sqlx::query_as(
        "SELECT r.hour, AVG(r.total / r.readings) FROM telemetry_hourly r \
         JOIN sensors s ON s.id = r.sensor_id \
         WHERE s.kind = 'outdoor' AND s.flag IS NULL AND r.quantity = $1 AND r.hour >= $2 \
         GROUP BY r.hour",
    )
    .bind(Quantity::OutdoorTemp.code())
    .bind(since)
    .fetch_all(pool)
    .await?)
}

/// The hourly indoor averages in `[from, to)` of a company's trusted
/// sensors, by sensor then hour. With `only_cold` (below ℃, hours), only
/// the sensors with at least that many hourly averages below that there:
/// the homes worth running the cold rule on.
pub async fn company_indoor_hours(
    pool: &AnyPool,
    company_id: i64,
    from: UnixSeconds,
    to: UnixSeconds,
    only_cold: Option<(f64, i64)>,
) -> BackendResult<Vec<IndoorHour>> {
    let cold = if only_cold.is_some() {
        "AND r.sensor_id IN ( \
           SELECT c.sensor_id FROM telemetry_hourly c \
           WHERE c.quantity = $2 AND c.hour >= $3 AND c.hour < $4 \
             AND c.total / c.readings < $5 \
           GROUP BY c.sensor_id HAVING COUNT(*) >= $6)"
    } else {
        ""
    };
    let sql = format!(
        "SELECT r.sensor_id, s.building_id, r.hour, r.total / r.readings AS average \
         FROM telemetry_hourly r JOIN sensors s ON s.id = r.sensor_id \
         WHERE s.company_id = $1 AND s.kind = 'indoor' AND s.flag IS NULL \
           AND r.quantity = $2 AND r.hour >= $3 AND r.hour < $4 AND r.readings > 0 {cold} \
         ORDER BY r.sensor_id, r.hour"
    );
    let mut query = sqlx::query_as(&sql)
        .bind(company_id)
        .bind(Quantity::IndoorTemp.code())
        .bind(from)
        .bind(to);
    if let Some((below, hours)) = only_cold {
        query = query.bind(below).bind(hours);
    }
    Ok(query.fetch_all(pool).await?)
}

/// One trusted indoor sensor's hourly average.
#[derive(Clone, Debug, FromRow, PartialEq)]
pub struct IndoorHour {
    pub sensor_id: i64,
    pub building_id: i64,
    pub hour: i64,
    pub average: f64,
}

/// Trusted indoor sensors per building of a company: (building, count).
pub async fn trusted_indoor_per_building(
    pool: &AnyPool,
    company_id: i64,
) -> BackendResult<Vec<(i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT building_id, COUNT(*) FROM sensors \
         WHERE company_id = $1 AND kind = 'indoor' AND flag IS NULL GROUP BY building_id",
    )
    .bind(company_id)
    .fetch_all(pool)
    .await?)
}

/// Published (or ended) outages that touched `[from, to)` in the buildings
/// where a company has indoor sensors, directly or through their station:
/// (building, starts, ended or expected end).
pub async fn company_outage_windows(
    pool: &AnyPool,
    company_id: i64,
    from: UnixSeconds,
    to: UnixSeconds,
) -> BackendResult<Vec<(i64, i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT ob.building_id, o.starts_at, COALESCE(o.restored_at, o.expected_restore_at) \
         FROM outages o JOIN outage_buildings ob ON ob.outage_id = o.id \
         WHERE o.status <> 'draft' AND o.cancelled_at IS NULL \
           AND o.starts_at < $3 AND COALESCE(o.restored_at, o.expected_restore_at) >= $2 \
           AND ob.building_id IN \
             (SELECT building_id FROM sensors WHERE company_id = $1 AND kind = 'indoor') \
         UNION ALL \
         SELECT b.id, o.starts_at, COALESCE(o.restored_at, o.expected_restore_at) \
         FROM outages o JOIN outage_stations os ON os.outage_id = o.id \
           JOIN buildings b ON b.station_id = os.station_id \
         WHERE o.status <> 'draft' AND o.cancelled_at IS NULL \
           AND o.starts_at < $3 AND COALESCE(o.restored_at, o.expected_restore_at) >= $2 \
           AND b.id IN \
             (SELECT building_id FROM sensors WHERE company_id = $1 AND kind = 'indoor')",
    )
    .bind(company_id)
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?)
}

/// Open incidents opened from data (channel 'proactive', no gathered
/// reports): (building, station, case id, case no).
pub async fn open_data_incidents(
    pool: &AnyPool,
    company_id: i64,
) -> BackendResult<Vec<(Option<i64>, Option<i64>, i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT c.building_id, c.station_id, c.id, c.case_no FROM cases c \
         WHERE c.kind = 'incident' AND c.channel = 'telemetry' AND c.closed_at IS NULL \
           AND c.company_id = $1",
    )
    .bind(company_id)
    .fetch_all(pool)
    .await?)
}
