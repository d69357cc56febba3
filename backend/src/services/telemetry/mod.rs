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
    check_reading, months_of, Batch, CsvReadings, IngestAnswer, KnownSensor, RawReading,
    RowProblem, RowRejection, SensorKind,
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
/// (a resent batch) count as duplicates and change nothing. A company's
/// source (`source_company`) may report only that company's sensors.
pub async fn ingest(
    db: &Database,
    source_company: Option<i64>,
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
    let registry: HashMap<String, KnownSensor> = store::sensors_by_code(db, &codes)
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
        match check_reading(row, sensor, source_company, now) {
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
    let kept = store::keep_readings(db, &good).await?;
    answer.accepted = kept.inserted;
    answer.duplicates += good.len() - kept.inserted;
    Ok(answer)
}

/// The batch size of a file import (the API's recommended batch).
pub const IMPORT_BATCH: usize = 1_000;
/// How many refused lines an import names (the count says the rest).
pub const IMPORT_REFUSALS_NAMED: usize = 10;

/// What a file import did over all its batches.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReadingsImport {
    pub lines: usize,
    pub accepted: usize,
    pub duplicates: usize,
    pub refused: usize,
    /// The first refused lines, numbered as lines of the file (the header
    /// is line 1).
    pub first_refusals: Vec<RowRejection>,
}

/// Imports a readings export (an operator's command, with the city
/// platform's reach: any registered sensor) in batches checked and kept
/// exactly as the API's are, so a file imported twice changes nothing the
/// second time. `progress` hears the lines read so far.
pub async fn import_readings<R: std::io::Read>(
    db: &Database,
    rows: CsvReadings<R>,
    now: UnixSeconds,
    progress: &mut (dyn FnMut(u64) + Send),
) -> BackendResult<ReadingsImport> {
    let mut report = ReadingsImport::default();
    let mut batch = Batch::default();
    for (index, row) in rows.enumerate() {
        batch.push(index + 2, row.reading, &row.sensor_id);
        if batch.len() == IMPORT_BATCH {
            keep_imported(db, &std::mem::take(&mut batch), now, &mut report).await?;
            progress(report.lines as u64);
        }
    }
    if !batch.is_empty() {
        keep_imported(db, &batch, now, &mut report).await?;
    }
    progress(report.lines as u64);
    Ok(report)
}

async fn keep_imported(
    db: &Database,
    batch: &Batch,
    now: UnixSeconds,
    report: &mut ReadingsImport,
) -> BackendResult<()> {
    let answer = ingest(db, None, batch, now).await?;
    report.lines += answer.received;
    report.accepted += answer.accepted;
    report.duplicates += answer.duplicates;
    report.refused += answer.rejected.len();
    let room = IMPORT_REFUSALS_NAMED.saturating_sub(report.first_refusals.len());
    report
        .first_refusals
        .extend(answer.rejected.into_iter().take(room));
    Ok(())
}

fn rejection(index: usize, row: &RawReading, problem: RowProblem) -> RowRejection {
    RowRejection {
        row: index,
        sensor_id: row.sensor_id.chars().take(64).collect(),
        code: problem.as_str(),
        message: problem.message(),
    }
}
