//! Smart heating telemetry: a platform's batch of readings checked row by
//! row and kept (the good rows, once); the sensor registry and the curves
//! (`registry`), the periodic upkeep (`upkeep`), what people see
//! (`views`), what the data finds for the dispatcher (`findings`) and the
//! city's daily 室温达标率 (`compliance`), both from each home's hours
//! (`home_series`).

pub mod compliance;
pub mod findings;
pub mod home_series;
pub mod registry;
pub mod upkeep;
pub mod views;

use crate::db::Database;
use crate::error::BackendResult;
use crate::services::api_keys;
use crate::store::telemetry as store;
use domain::api_keys::KeyScope;
use domain::clock::UnixSeconds;
use domain::telemetry::{
    check_reading, months_of, Batch, IngestAnswer, KnownSensor, RawReading, RowProblem,
    RowRejection, SensorKind,
};
use std::collections::{HashMap, HashSet};

/// A platform holding a telemetry key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TelemetrySource {
    pub key_id: i64,
    pub label: String,
    /// A company's platform reports only that company's sensors.
    pub company: Option<i64>,
}

/// The platform holding `key`, when it is a telemetry key in force.
pub async fn source(
    db: &Database,
    key: &str,
    now: UnixSeconds,
) -> BackendResult<Option<TelemetrySource>> {
    Ok(api_keys::holder(db, KeyScope::Telemetry, key, now)
        .await?
        .map(|key| TelemetrySource {
            key_id: key.id,
            label: key.label,
            company: key.company_id,
        }))
}

/// Checks every row of a batch and keeps the good ones: rows already kept
/// (a resent batch) count as duplicates and change nothing.
pub async fn ingest(
    db: &Database,
    source: &TelemetrySource,
    batch: &Batch,
    now: UnixSeconds,
) -> BackendResult<IngestAnswer> {
    let codes: Vec<&str> = batch
        .rows
        .iter()
        .map(|(_, row)| row.sensor_id.trim())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let registry: HashMap<String, KnownSensor> = store::sensors_by_code(db.reader(), &codes)
        .await?
        .into_iter()
        .filter_map(|row| {
            let kind = SensorKind::parse(&row.kind)?;
            Some((
                row.code,
                KnownSensor {
                    id: row.id,
                    kind,
                    company: row.company_id,
                },
            ))
        })
        .collect();
    let mut answer = IngestAnswer {
        received: batch.len(),
        rejected: batch.unreadable.clone(),
        ..IngestAnswer::default()
    };
    let mut good = Vec::with_capacity(batch.rows.len());
    let mut seen = HashSet::with_capacity(batch.rows.len());
    for &(index, ref row) in &batch.rows {
        let sensor = registry.get(row.sensor_id.trim()).copied();
        match check_reading(row, sensor, source.company, now) {
            Ok(reading) => {
                if seen.insert((reading.sensor, reading.quantity, reading.measured_at)) {
                    good.push(reading);
                } else {
                    answer.duplicates += 1;
                }
            }
            Err(problem) => answer.rejected.push(rejection(index, row, problem)),
        }
    }
    answer.rejected.sort_by_key(|rejection| rejection.row);
    store::ensure_partitions(db, &months_of(&good)).await?;
    let kept = store::keep_readings(db.writer(), &good).await?;
    answer.accepted = kept.inserted;
    answer.duplicates += good.len() - kept.inserted;
    Ok(answer)
}

fn rejection(index: usize, row: &RawReading, problem: RowProblem) -> RowRejection {
    RowRejection {
        row: index,
        sensor_id: row.sensor_id.chars().take(64).collect(),
        code: problem.as_str(),
        message: problem.message(),
    }
}
