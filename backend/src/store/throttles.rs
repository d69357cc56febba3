//! Counters behind every limit on attempts, and the locks that make a
//! "count, then act" limit one step. Each function is one statement, so a
//! burst of parallel requests never slips past a limit on either engine.

use crate::error::BackendResult;
use sqlx::{Any, AnyConnection, AnyPool, Transaction};

/// Counts one attempt in `bucket`'s window starting at `window_start`,
/// unless the window already holds `max`: true when the attempt was
/// counted (and so may go ahead). One statement: the insert, or the
/// increment guarded by the limit, on a row the engine locks while it
/// decides.
pub async fn take(
    connection: &mut AnyConnection,
    bucket: &str,
    window_start: i64,
    max: u32,
) -> BackendResult<bool> {
    let counted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO throttle_counts (bucket, window_start, hits) VALUES ($1, $2, 1) \
         ON CONFLICT (bucket, window_start) DO UPDATE SET hits = throttle_counts.hits + 1 \
         WHERE throttle_counts.hits < $3 RETURNING hits",
    )
    .bind(bucket)
    .bind(window_start)
    .bind(i64::from(max))
    .fetch_optional(connection)
    .await?;
    Ok(counted.is_some())
}

/// Counts `count` uses in `bucket`'s window starting at `window_start`,
/// if the window then holds at most `max`: true when they were counted (all
/// of them, or none). One guarded statement, like [`take`]; the caller
/// never asks for more than `max` at once.
pub async fn take_many(
    pool: &AnyPool,
    bucket: &str,
    window_start: i64,
    count: u32,
    max: u32,
) -> BackendResult<bool> {
    if count > max {
        return Ok(false);
    }
    let counted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO throttle_counts (bucket, window_start, hits) VALUES ($1, $2, $3) \
         ON CONFLICT (bucket, window_start) DO UPDATE \
         SET hits = throttle_counts.hits + EXCLUDED.hits \
         WHERE throttle_counts.hits + EXCLUDED.hits <= $4 RETURNING hits",
    )
    .bind(bucket)
    .bind(window_start)
    .bind(i64::from(count))
    .bind(i64::from(max))
    .fetch_optional(pool)
    .await?;
    Ok(counted.is_some())
}

/// Gives back an attempt [`take`] counted (it turned out not to count
/// against the limit, e.g. a binding that matched).
pub async fn give_back(pool: &AnyPool, bucket: &str, window_start: i64) -> BackendResult<()> {
    sqlx::query(
        "UPDATE throttle_counts SET hits = hits - 1 \
         WHERE bucket = $1 AND window_start = $2 AND hits > 0",
    )
    .bind(bucket)
    .bind(window_start)
    .execute(pool)
    .await?;
    Ok(())
}

/// Takes the lock called `name` for the rest of the transaction: a second
/// transaction taking it waits until the first commits. A limit that must
/// look at the events it counts (codes sent to a number in the last day)
/// takes its lock first, then counts, decides and writes the new event in
/// the same transaction. Always take several in one order (number before
/// client) so that two transactions never wait for each other.
pub async fn lock(tx: &mut Transaction<'_, Any>, name: &str, now: i64) -> BackendResult<()> {
    sqlx::query(
        "INSERT INTO limit_locks (name, taken_at) VALUES ($1, $2) \
         ON CONFLICT (name) DO UPDATE SET taken_at = EXCLUDED.taken_at",
    )
    .bind(name)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Removes counters whose window ended before `before`, and locks not
/// taken since then.
pub async fn purge(pool: &AnyPool, before: i64) -> BackendResult<u64> {
    let counts = sqlx::query("DELETE FROM throttle_counts WHERE window_start < $1")
        .bind(before)
        .execute(pool)
        .await?
        .rows_affected();
    let locks = sqlx::query("DELETE FROM limit_locks WHERE taken_at < $1")
        .bind(before)
        .execute(pool)
        .await?
        .rows_affected();
    Ok(counts + locks)
}
