//! What the cold rule runs on, for the dispatcher's findings and for
//! 室温达标率 alike: each trusted home sensor's hourly averages over a span,
//! with the published outage windows its building had in that span.

use crate::db::Database;
use crate::error::BackendResult;
use crate::store::telemetry as store;
use domain::clock::UnixSeconds;
use std::collections::HashMap;

/// One trusted home sensor over a span.
#[derive(Clone, Debug, PartialEq)]
pub struct HomeSeries {
    pub sensor_id: i64,
    pub building_id: i64,
    /// Hourly averages `(hour, ℃)`, oldest first.
    pub hours: Vec<(UnixSeconds, f64)>,
    /// The building's published outage windows `[from, to)` in the span:
    /// their hours neither count nor break a spell.
    pub excused: Vec<(UnixSeconds, UnixSeconds)>,
}

/// A company's trusted home sensors over `[from, to)`, by sensor; with
/// `only_cold` (below ℃, hours), only those with at least that many hours
/// below it (see `store::telemetry::company_indoor_hours`). Two queries
/// whatever the number of homes.
pub async fn company_home_series(
    db: &Database,
    company_id: i64,
    from: UnixSeconds,
    to: UnixSeconds,
    only_cold: Option<(f64, i64)>,
) -> BackendResult<Vec<HomeSeries>> {
    let mut outages: HashMap<i64, Vec<(UnixSeconds, UnixSeconds)>> = HashMap::new();
    for (building, starts, ends) in
        store::company_outage_windows(db.reader(), company_id, from, to).await?
    {
        outages.entry(building).or_default().push((starts, ends));
    }
    let hours = store::company_indoor_hours(db.reader(), company_id, from, to, only_cold).await?;
    Ok(hours
        .chunk_by(|a, b| a.sensor_id == b.sensor_id)
        .map(|sensor| HomeSeries {
            sensor_id: sensor[0].sensor_id,
            building_id: sensor[0].building_id,
            hours: sensor.iter().map(|h| (h.hour, h.average)).collect(),
            excused: outages
                .get(&sensor[0].building_id)
                .cloned()
                .unwrap_or_default(),
        })
        .collect())
}
