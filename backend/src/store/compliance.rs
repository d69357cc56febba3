//! 室温达标率: each company's homes measured and below the standard per
//! day (the hours they are judged from are read in `telemetry`).

use crate::error::BackendResult;
use domain::clock::UnixSeconds;
use sqlx::AnyPool;

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
