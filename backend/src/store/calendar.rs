//! The working calendar and the deadline rules, as the admin keeps them.

use crate::error::BackendResult;
use sqlx::AnyPool;

/// Holidays and make-up workdays: (day "YYYY-MM-DD", kind, name), by day.
pub async fn calendar_days(pool: &AnyPool) -> BackendResult<Vec<(String, String, String)>> {
    Ok(
        sqlx::query_as("SELECT day, kind, name FROM calendar_days ORDER BY day")
            .fetch_all(pool)
            .await?,
    )
}

/// Deadline rules: (rule, amount, unit).
pub async fn deadline_rules(pool: &AnyPool) -> BackendResult<Vec<(String, i64, String)>> {
    Ok(
        sqlx::query_as("SELECT rule, amount, unit FROM deadline_rules ORDER BY rule")
            .fetch_all(pool)
            .await?,
    )
}
