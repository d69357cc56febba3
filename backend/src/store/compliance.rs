//! 室温达标率: each company's homes measured and below the standard per
//! day, and what the daily computation reads to make them.

pub use super::telemetry::IndoorHour;
use crate::error::BackendResult;
use domain::clock::UnixSeconds;
use domain::telemetry::Quantity;
use sqlx::AnyPool;

/// The hourly indoor averages of a company's trusted sensors in
/// `[from, to)`, by sensor then hour.
pub async fn company_indoor_hours(
    pool: &AnyPool,
    company_id: i64,
    from: UnixSeconds,
    to: UnixSeconds,
) -> BackendResult<Vec<IndoorHour>> {
    Ok(sqlx::query_as(
        "SELECT r.sensor_id, s.building_id, r.hour, r.total / r.readings AS average \
         FROM telemetry_hourly r JOIN sensors s ON s.id = r.sensor_id \
         WHERE s.company_id = $1 AND s.kind = 'indoor' AND s.flag IS NULL \
           AND r.quantity = $2 AND r.hour >= $3 AND r.hour < $4 AND r.readings > 0 \
         ORDER BY r.sensor_id, r.hour",
    )
    .bind(company_id)
    .bind(Quantity::IndoorTemp.code())
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?)
}

/// When each day since `from` was first computed (the earliest of its
/// companies' rows): (day start, computed at).
pub async fn computed_since(pool: &AnyPool, from: UnixSeconds) -> BackendResult<Vec<(i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT day_start, MIN(computed_at) FROM compliance_days \
         WHERE day_start >= $1 GROUP BY day_start",
    )
    .bind(from)
    .fetch_all(pool)
    .await?)
}

/// A company's figures for a day, new or computed again.
pub async fn save_day(
    pool: &AnyPool,
    company_id: i64,
    day_start: UnixSeconds,
    measured: u32,
    below: u32,
    computed_at: UnixSeconds,
) -> BackendResult<()> {
    sqlx::query(
        "INSERT INTO compliance_days \
           (company_id, day_start, homes_measured, homes_below, computed_at) \
         VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (company_id, day_start) DO UPDATE SET \
           homes_measured = excluded.homes_measured, homes_below = excluded.homes_below, \
           computed_at = excluded.computed_at",
    )
    .bind(company_id)
    .bind(day_start)
    .bind(i64::from(measured))
    .bind(i64::from(below))
    .bind(computed_at)
    .execute(pool)
    .await?;
    Ok(())
}

/// Every company's computed days in `[from, to)`:
/// (company, day start, measured, below).
pub async fn days_between(
    pool: &AnyPool,
    from: UnixSeconds,
    to: UnixSeconds,
) -> BackendResult<Vec<(i64, i64, i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT company_id, day_start, homes_measured, homes_below FROM compliance_days \
         WHERE day_start >= $1 AND day_start < $2 ORDER BY day_start, company_id",
    )
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?)
}
