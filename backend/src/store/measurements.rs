//! 上门测温 records: what a crew measured for a temperature complaint, and
//! a household's measurements below the standard in a season.

use crate::error::{BackendError, BackendResult};
use domain::measurement::Measurement;
use sqlx::{Any, AnyPool, Transaction};

/// A measurement as the case's step records it.
pub struct NewMeasurement<'a> {
    pub case_id: i64,
    pub household_id: Option<i64>,
    pub season_start_year: i32,
    pub measured_at: i64,
    pub measurement: &'a Measurement,
    pub recorded_by: i64,
}

/// Keeps a measurement, in the step's transaction.
pub async fn record(tx: &mut Transaction<'_, Any>, new: &NewMeasurement<'_>) -> BackendResult<()> {
    let readings: Vec<serde_json::Value> = new
        .measurement
        .readings
        .iter()
        .map(|r| serde_json::json!({ "room": r.room.as_str(), "tenths": r.reading.0 }))
        .collect();
    let readings =
        serde_json::to_string(&readings).map_err(|e| BackendError::Internal(e.to_string()))?;
    sqlx::query(
        "INSERT INTO temperature_measurements (case_id, household_id, season_start_year, \
             measured_at, readings, lowest_tenths, meets_standard, cause, confirmed_by, \
             recorded_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(new.case_id)
    .bind(new.household_id)
    .bind(i64::from(new.season_start_year))
    .bind(new.measured_at)
    .bind(readings)
    .bind(i64::from(new.measurement.lowest().0))
    .bind(i64::from(new.measurement.meets_standard))
    .bind(new.measurement.cause.map(|side| side.as_str()))
    .bind(&new.measurement.confirmed_by)
    .bind(new.recorded_by)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// How many complaints of a household in a season were measured below the
/// standard (a complaint measured twice counts once, as in the reports).
pub async fn below_standard_in_season(
    pool: &AnyPool,
    household_id: i64,
    season_start_year: i32,
) -> BackendResult<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(DISTINCT case_id) FROM temperature_measurements \
         WHERE household_id = $1 AND season_start_year = $2 AND meets_standard = 0",
    )
    .bind(household_id)
    .bind(i64::from(season_start_year))
    .fetch_one(pool)
    .await?)
}

/// The first measurement of a complaint below the standard: (lowest room
/// in tenths of ℃, whose side, when, season), in the step's transaction.
pub async fn first_below_standard(
    tx: &mut Transaction<'_, Any>,
    case_id: i64,
) -> BackendResult<Option<(i64, Option<String>, i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT lowest_tenths, cause, measured_at, season_start_year FROM temperature_measurements \
         WHERE case_id = $1 AND meets_standard = 0 ORDER BY measured_at, id LIMIT 1",
    )
    .bind(case_id)
    .fetch_optional(&mut **tx)
    .await?)
}
