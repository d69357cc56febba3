//! Telemetry upkeep, every ten minutes: partitions readied, old raw
//! months dropped, sensors' trust reviewed.

use crate::db::Database;
use crate::error::BackendResult;
use crate::store::telemetry as store;
use domain::clock::UnixSeconds;
use domain::telemetry::{hour_of, judge_sensor, MonthSpan, RecentHours, SensorFlag, REVIEW_WINDOW};
use std::collections::HashMap;

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
        store::set_flag(db, &sensors, flag, now).await?;
        if flag.is_some() {
            counts.0 += sensors.len();
        } else {
            counts.1 += sensors.len();
        }
    }
    Ok(counts)
}
