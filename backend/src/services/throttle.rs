//! Applies a [`Limit`] from `domain::limits`: each attempt is counted in one
//! atomic statement before it is acted on, so parallel requests never get
//! past the limit together.

use crate::db::Database;
use crate::error::{BackendError, BackendResult};
use crate::store::throttles;
use domain::clock::UnixSeconds;
use domain::limits::Limit;

/// An attempt counted against a limit, to give back when it turned out
/// not to count (a binding that matched).
#[derive(Clone, Debug)]
pub struct Counted {
    bucket: String,
    window_start: UnixSeconds,
}

/// Counts one attempt of `key` against `limit`; refuses (with when to
/// retry) when the window is full.
pub async fn count(
    db: &Database,
    limit: &Limit,
    key: &str,
    now: UnixSeconds,
) -> BackendResult<Counted> {
    let counted = Counted {
        bucket: limit.bucket(key),
        window_start: limit.window_start(now),
    };
    // Limits are counted where many people try at once (a cold snap's
    // filings): the count shares its commit with the writes beside it.
    let mut turn = db.write_turn().await?;
    let taken = throttles::take(
        turn.connection(),
        &counted.bucket,
        counted.window_start,
        limit.max,
    )
    .await?;
    turn.durable().await?;
    if taken {
        Ok(counted)
    } else {
        tracing::info!(limit = limit.name, "attempt refused by its limit");
        Err(BackendError::Throttled(limit.message(now)))
    }
}

/// Gives back an attempt [`count`] counted.
pub async fn give_back(db: &Database, counted: &Counted) -> BackendResult<()> {
    throttles::give_back(db.writer(), &counted.bucket, counted.window_start).await
}
