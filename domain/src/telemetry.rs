//! Smart heating (智慧供热) telemetry: the quantities stations and indoor
//! sensors report, what a reading must be to be kept, the hour it rolls up
//! into, the batch limits of the telemetry API, when a sensor is not to be
//! trusted, and when a home stays below the 18 ℃ standard.
//!
//! Messages here are read by other systems' operators: English, then
//! Chinese, in one string (as the Open311 errors are).

use crate::clock::{local_instant, to_local, UnixSeconds};
use crate::triage::STANDARD_MIN_TENTHS;
use chrono::{DateTime, Datelike};
use serde::{Deserialize, Serialize};
use translations::{text, Lang, StaticText};

pub(crate) const HOUR: i64 = 3600;
pub(crate) const DAY: i64 = 24 * HOUR;

/// At most this many readings in one batch (a batch of 1,000 is usual).
pub const MAX_READINGS_PER_BATCH: usize = 5_000;
/// Readings measured longer ago than this are refused: late and
/// out-of-order data within it are taken (a platform that was down for a
/// few days uploads what it buffered).
pub const LATE_WINDOW: i64 = 7 * DAY;
/// How far ahead of the portal's clock a reading's time may be (sensor
/// clocks drift).
pub const FUTURE_TOLERANCE: i64 = 5 * 60;
/// How many days a building's measured temperatures cover.
pub const MEASURED_DAYS: u32 = 7;
/// How many hours back the station board looks for a station's latest
/// hour.
pub const BOARD_HOURS: i64 = 6;
/// How far back the dispatcher's findings look for a cold spell still
/// going on.
pub const FINDINGS_LOOK_BACK: i64 = DAY;

/// Where a sensor sits, which decides what it may report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SensorKind {
    /// In a flat (户内测温).
    Indoor,
    /// At a heat-exchange station (换热站).
    Station,
    /// Outdoors, for the weather-compensated curve.
    Outdoor,
}

impl SensorKind {
    pub const ALL: [SensorKind; 3] = [Self::Indoor, Self::Station, Self::Outdoor];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Indoor => "indoor",
            Self::Station => "station",
            Self::Outdoor => "outdoor",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Self::Indoor => text::telemetry_kind_indoor(lang),
            Self::Station => text::telemetry_kind_station(lang),
            Self::Outdoor => text::telemetry_kind_outdoor(lang),
        }
    }
}

/// What a reading measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Quantity {
    /// Indoor air temperature, ℃.
    IndoorTemp,
    /// Outdoor air temperature, ℃.
    OutdoorTemp,
    /// Primary (network) side supply temperature, ℃ (一次供水).
    PrimarySupplyTemp,
    /// Primary side return temperature, ℃ (一次回水).
    PrimaryReturnTemp,
    /// Secondary (building) side supply temperature, ℃ (二次供水).
    SecondarySupplyTemp,
    /// Secondary side return temperature, ℃ (二次回水).
    SecondaryReturnTemp,
    /// Secondary side supply pressure, MPa.
    SecondaryPressure,
    /// Primary side flow, m³/h.
    PrimaryFlow,
}

impl Quantity {
    pub const ALL: [Quantity; 8] = [
        Self::IndoorTemp,
        Self::OutdoorTemp,
        Self::PrimarySupplyTemp,
        Self::PrimaryReturnTemp,
        Self::SecondarySupplyTemp,
        Self::SecondaryReturnTemp,
        Self::SecondaryPressure,
        Self::PrimaryFlow,
    ];

    /// The six a heat-exchange station reports.
    pub const STATION: [Quantity; 6] = [
        Self::PrimarySupplyTemp,
        Self::PrimaryReturnTemp,
        Self::SecondarySupplyTemp,
        Self::SecondaryReturnTemp,
        Self::SecondaryPressure,
        Self::PrimaryFlow,
    ];

    /// Its name in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::IndoorTemp => "indoor_temp",
            Self::OutdoorTemp => "outdoor_temp",
            Self::PrimarySupplyTemp => "primary_supply_temp",
            Self::PrimaryReturnTemp => "primary_return_temp",
            Self::SecondarySupplyTemp => "secondary_supply_temp",
            Self::SecondaryReturnTemp => "secondary_return_temp",
            Self::SecondaryPressure => "secondary_pressure",
            Self::PrimaryFlow => "primary_flow",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        Self::ALL.into_iter().find(|q| q.as_str() == text)
    }

    /// Its number in the database (a small integer keeps a season's rows
    /// small).
    pub fn code(self) -> i16 {
        match self {
            Self::IndoorTemp => 1,
            Self::OutdoorTemp => 2,
            Self::PrimarySupplyTemp => 3,
            Self::PrimaryReturnTemp => 4,
            Self::SecondarySupplyTemp => 5,
            Self::SecondaryReturnTemp => 6,
            Self::SecondaryPressure => 7,
            Self::PrimaryFlow => 8,
        }
    }

    pub fn from_code(code: i64) -> Option<Self> {
        Self::ALL.into_iter().find(|q| i64::from(q.code()) == code)
    }

    pub fn unit(self) -> &'static str {
        match self {
            Self::SecondaryPressure => "MPa",
            Self::PrimaryFlow => "m³/h",
            _ => "℃",
        }
    }

    /// The values a working sensor can report; anything outside is a
    /// broken sensor or a wrong unit, not the weather.
    pub fn possible(self) -> (f64, f64) {
        match self {
            Self::IndoorTemp => (-20.0, 45.0),
            Self::OutdoorTemp => (-45.0, 45.0),
            Self::PrimarySupplyTemp | Self::PrimaryReturnTemp => (0.0, 150.0),
            Self::SecondarySupplyTemp | Self::SecondaryReturnTemp => (0.0, 100.0),
            Self::SecondaryPressure => (0.0, 2.5),
            Self::PrimaryFlow => (0.0, 5_000.0),
        }
    }

    /// Whether a sensor of `kind` reports this.
    pub fn is_reported_by(self, kind: SensorKind) -> bool {
        match kind {
            SensorKind::Indoor => self == Self::IndoorTemp,
            SensorKind::Outdoor => self == Self::OutdoorTemp,
            SensorKind::Station => Self::STATION.contains(&self),
        }
    }
}

/// A reading as another system sends it: the time as RFC 3339 text or
/// Unix seconds.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct RawReading {
    pub sensor_id: String,
    pub measured_at: RawTime,
    pub quantity: String,
    pub value: f64,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum RawTime {
    Unix(i64),
    Text(String),
}

impl RawTime {
    /// Unix seconds; text is RFC 3339 with its offset ("2026-12-06T08:20:00+08:00")
    /// or a plain number.
    pub fn unix(&self) -> Option<UnixSeconds> {
        match self {
            Self::Unix(seconds) => Some(*seconds),
            Self::Text(text) => {
                let text = text.trim();
                text.parse::<i64>().ok().or_else(|| {
                    DateTime::parse_from_rfc3339(text)
                        .ok()
                        .map(|t| t.timestamp())
                })
            }
        }
    }
}

/// A reading that may be kept, for a sensor the registry knows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Reading {
    pub sensor: i64,
    pub quantity: Quantity,
    pub measured_at: UnixSeconds,
    pub value: f64,
}

/// Why one row of a batch is not kept (the rest are).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowProblem {
    /// Not a reading at all (a missing field, a value that is not a number).
    Unreadable,
    UnknownSensor,
    /// The sensor is another company's, and the key is its company's.
    NotYourSensor,
    UnknownQuantity,
    QuantityNotOfSensor,
    ImpossibleValue,
    BadTime,
    InFuture,
    TooLate,
}

impl RowProblem {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unreadable => "unreadable",
            Self::UnknownSensor => "unknown_sensor",
            Self::NotYourSensor => "not_your_sensor",
            Self::UnknownQuantity => "unknown_quantity",
            Self::QuantityNotOfSensor => "quantity_not_of_sensor",
            Self::ImpossibleValue => "impossible_value",
            Self::BadTime => "bad_time",
            Self::InFuture => "in_future",
            Self::TooLate => "too_late",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            Self::Unreadable => {
                "needs sensor_id, measured_at, quantity and a numeric value 缺少字段或数值无效"
            }
            Self::UnknownSensor => "sensor not in the registry 传感器未登记",
            Self::NotYourSensor => "sensor of another company 非本单位传感器",
            Self::UnknownQuantity => "unknown quantity 未知测量项",
            Self::QuantityNotOfSensor => "this sensor does not measure that 该传感器不测此项",
            Self::ImpossibleValue => "value out of the possible range 数值超出可能范围",
            Self::BadTime => "measured_at: RFC 3339 or Unix seconds 时间格式错误",
            Self::InFuture => "measured_at is in the future 测量时间晚于当前时间",
            Self::TooLate => "measured_at is older than 7 days 测量时间早于7天，不再接收",
        }
    }
}

/// What the registry says of a sensor, as the checks need it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KnownSensor {
    pub id: i64,
    pub kind: SensorKind,
    pub company: Option<i64>,
}

/// At most this many sensors in one registry import.
pub const MAX_SENSORS_PER_IMPORT: usize = 20_000;

/// One line of a sensor registry CSV (`sensor_id,kind,place`): where the
/// sensor sits is a household's account number (indoor), a station's code
/// (station), or a station's code or nothing (outdoor).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SensorLine {
    /// Its line in the file, from 1 (the header).
    pub line: usize,
    pub code: String,
    pub kind: SensorKind,
    pub place: String,
}

/// A line of the file that cannot be registered.
#[derive(Clone, Copy, Debug)]
pub struct LineProblem {
    pub line: usize,
    pub problem: StaticText,
}

/// A sensor's id as the platforms send it: 1 to 64 letters, digits, `-`,
/// `_` or `.`.
pub fn check_sensor_code(code: &str) -> Option<String> {
    let code = code.trim();
    let fits = (1..=64).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    fits.then(|| code.to_string())
}

/// A sensor's code, kind and place as typed (a CSV line or the registry's
/// edit form), checked: the place may be empty only for an outdoor sensor.
pub fn check_sensor_fields(
    code: &str,
    kind: &str,
    place: &str,
) -> Result<(String, SensorKind, String), StaticText> {
    let code = check_sensor_code(code).ok_or(text::telemetry_csv_code as StaticText)?;
    let kind = SensorKind::parse(&kind.trim().to_ascii_lowercase())
        .ok_or(text::telemetry_csv_kind as StaticText)?;
    let place = place.trim().to_string();
    if place.is_empty() && kind != SensorKind::Outdoor {
        return Err(text::telemetry_csv_place_missing);
    }
    Ok((code, kind, place))
}

/// Reads a sensor registry CSV: the lines to register, and the problems of
/// the others (the whole file is refused when its header or size is
/// wrong).
pub fn parse_sensor_csv(text: &str) -> Result<(Vec<SensorLine>, Vec<LineProblem>), StaticText> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|_| text::telemetry_csv_header as StaticText)?
        .iter()
        .map(str::to_ascii_lowercase)
        .collect();
    if header.len() < 3 || header[..3] != ["sensor_id", "kind", "place"] {
        return Err(text::telemetry_csv_header);
    }
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let line = index + 2;
        if lines.len() + problems.len() >= MAX_SENSORS_PER_IMPORT {
            return Err(text::telemetry_csv_too_many);
        }
        let Ok(record) = record else {
            problems.push(LineProblem {
                line,
                problem: text::telemetry_csv_unreadable,
            });
            continue;
        };
        let field = |i: usize| record.get(i).unwrap_or_default();
        if record.iter().all(str::is_empty) {
            continue;
        }
        let (code, kind, place) = match check_sensor_fields(field(0), field(1), field(2)) {
            Ok(fields) => fields,
            Err(problem) => {
                problems.push(LineProblem { line, problem });
                continue;
            }
        };
        lines.push(SensorLine {
            line,
            code,
            kind,
            place,
        });
    }
    Ok((lines, problems))
}

/// A registered sensor as the admin's registry page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SensorSummary {
    pub code: String,
    pub kind: SensorKind,
    /// The flat ("金宝花园 2号楼 1单元 201") or station it sits at.
    pub place: Option<String>,
    /// Where the registry places it, as a CSV line would: the household's
    /// account number or the station's code (empty: the city's).
    pub place_code: String,
    pub company: Option<String>,
    pub last_heard_at: Option<UnixSeconds>,
    pub flag: Option<SensorFlag>,
}

/// How many sensors of a kind are registered, and how many are flagged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SensorCount {
    pub kind: SensorKind,
    pub registered: i64,
    pub flagged: i64,
}

/// The admin's registry page: counts, and the first sensors (flagged
/// first).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SensorRegistry {
    pub counts: Vec<SensorCount>,
    pub sensors: Vec<SensorSummary>,
    /// Every company's curve (the default where none was set).
    pub curves: Vec<CompanyCurve>,
}

/// A company's weather-compensated curve on the admin's page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyCurve {
    pub company_id: i64,
    pub company: String,
    pub curve: SupplyCurve,
    /// False: the default curve, never set for this company.
    pub set: bool,
}

/// At most this many sensors on the registry page.
pub const SENSORS_LISTED: i64 = 200;

/// A row of a batch not kept, as the API answers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RowRejection {
    /// Its index in the batch, from 0.
    pub row: usize,
    pub sensor_id: String,
    pub code: &'static str,
    pub message: &'static str,
}

/// The API's answer to a batch: every row is accounted for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct IngestAnswer {
    pub received: usize,
    /// Kept now.
    pub accepted: usize,
    /// Kept before (a resent batch), or twice in this one.
    pub duplicates: usize,
    pub rejected: Vec<RowRejection>,
}

/// A batch as read from a request body: its rows by index, and the rows
/// that could not be read at all.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Batch {
    pub rows: Vec<(usize, RawReading)>,
    pub unreadable: Vec<RowRejection>,
}

impl Batch {
    pub fn len(&self) -> usize {
        self.rows.len() + self.unreadable.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds the row numbered `index`: a reading, or an unreadable row.
    pub fn push(&mut self, index: usize, row: Option<RawReading>, sensor_id: &str) {
        match row {
            Some(row) => self.rows.push((index, row)),
            None => self.unreadable.push(RowRejection {
                row: index,
                sensor_id: sensor_id.chars().take(64).collect(),
                code: RowProblem::Unreadable.as_str(),
                message: RowProblem::Unreadable.message(),
            }),
        }
    }
}

/// Why a whole batch is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BatchError {
    /// Not a JSON array (or CSV with the header `sensor_id,measured_at,quantity,value`).
    Unreadable,
    TooMany,
}

impl BatchError {
    pub fn message(self) -> String {
        match self {
            Self::Unreadable => "send a JSON array of {sensor_id, measured_at, quantity, value}, or CSV with that header 请以 JSON 数组或带表头的 CSV 报送".to_string(),
            Self::TooMany => format!("at most {MAX_READINGS_PER_BATCH} readings in one batch 单批最多 {MAX_READINGS_PER_BATCH} 条"),
        }
    }
}

/// Reads a JSON array of readings; a row that is not a reading is answered
/// on its own, the rest are read.
pub fn read_json_batch(body: &[u8]) -> Result<Batch, BatchError> {
    let values: Vec<serde_json::Value> =
        serde_json::from_slice(body).map_err(|_| BatchError::Unreadable)?;
    if values.len() > MAX_READINGS_PER_BATCH {
        return Err(BatchError::TooMany);
    }
    let mut batch = Batch::default();
    for (index, value) in values.into_iter().enumerate() {
        let sensor_id = value
            .get("sensor_id")
            .and_then(|id| id.as_str())
            .unwrap_or_default()
            .to_string();
        batch.push(index, serde_json::from_value(value).ok(), &sensor_id);
    }
    Ok(batch)
}

/// Reads CSV (an export): the header `sensor_id,measured_at,quantity,value`,
/// then one reading a line.
pub fn read_csv_batch(body: &[u8]) -> Result<Batch, BatchError> {
    let mut batch = Batch::default();
    for (index, row) in csv_readings(body)?.enumerate() {
        if index >= MAX_READINGS_PER_BATCH {
            return Err(BatchError::TooMany);
        }
        batch.push(index, row.reading, &row.sensor_id);
    }
    Ok(batch)
}

/// One line of a readings CSV: the reading, when the line reads as one,
/// and the sensor id it names (for the answer about an unreadable line).
#[derive(Clone, Debug, PartialEq)]
pub struct CsvRow {
    pub reading: Option<RawReading>,
    pub sensor_id: String,
}

/// The lines of a readings CSV one by one, after its header was checked;
/// a file of any length is read without holding it whole.
pub struct CsvReadings<R: std::io::Read> {
    records: csv::StringRecordsIntoIter<R>,
}

/// Checks the header `sensor_id,measured_at,quantity,value` (a UTF-8 byte
/// order mark before it is allowed) and reads the lines after it.
pub fn csv_readings<R: std::io::Read>(source: R) -> Result<CsvReadings<R>, BatchError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(source);
    let header: Vec<String> = reader
        .headers()
        .map_err(|_| BatchError::Unreadable)?
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let name = if i == 0 {
                name.trim_start_matches('\u{feff}')
            } else {
                name
            };
            name.to_ascii_lowercase()
        })
        .collect();
    if header != ["sensor_id", "measured_at", "quantity", "value"] {
        return Err(BatchError::Unreadable);
    }
    Ok(CsvReadings {
        records: reader.into_records(),
    })
}

impl<R: std::io::Read> Iterator for CsvReadings<R> {
    type Item = CsvRow;

    fn next(&mut self) -> Option<CsvRow> {
        let record = self.records.next()?.ok();
        let field = |i: usize| record.as_ref().and_then(|r| r.get(i)).unwrap_or_default();
        let reading = record.as_ref().and_then(|_| {
            Some(RawReading {
                sensor_id: field(0).to_string(),
                measured_at: RawTime::Text(field(1).to_string()),
                quantity: field(2).to_string(),
                value: field(3).parse().ok()?,
            })
        });
        Some(CsvRow {
            sensor_id: field(0).to_string(),
            reading,
        })
    }
}

/// Checks one row against the registry (`sensor` is the registry's entry
/// for its sensor id, if any), the source's company (None: the city's
/// platform, which may report any sensor) and the clock.
pub fn check_reading(
    row: &RawReading,
    sensor: Option<KnownSensor>,
    source_company: Option<i64>,
    now: UnixSeconds,
) -> Result<Reading, RowProblem> {
    let sensor = sensor.ok_or(RowProblem::UnknownSensor)?;
    if source_company.is_some() && sensor.company != source_company {
        return Err(RowProblem::NotYourSensor);
    }
    let quantity = Quantity::parse(&row.quantity).ok_or(RowProblem::UnknownQuantity)?;
    if !quantity.is_reported_by(sensor.kind) {
        return Err(RowProblem::QuantityNotOfSensor);
    }
    let (low, high) = quantity.possible();
    if !row.value.is_finite() || row.value < low || row.value > high {
        return Err(RowProblem::ImpossibleValue);
    }
    let measured_at = row.measured_at.unix().ok_or(RowProblem::BadTime)?;
    if measured_at > now + FUTURE_TOLERANCE {
        return Err(RowProblem::InFuture);
    }
    if measured_at < now - LATE_WINDOW {
        return Err(RowProblem::TooLate);
    }
    Ok(Reading {
        sensor: sensor.id,
        quantity,
        measured_at,
        value: row.value,
    })
}

/// The hour a reading rolls up into: its start, in Unix seconds. Shanghai
/// is a whole number of hours from UTC, so this is also the local hour.
pub fn hour_of(at: UnixSeconds) -> UnixSeconds {
    at - at.rem_euclid(HOUR)
}

/// A month on the Shanghai calendar, as the raw readings are partitioned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct MonthSpan {
    pub year: i32,
    pub month: u32,
    /// Its first instant, Unix seconds.
    pub start: UnixSeconds,
    /// The next month's first instant.
    pub end: UnixSeconds,
}

impl MonthSpan {
    fn of(year: i32, month: u32) -> Option<Self> {
        let (next_year, next_month) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
        Some(Self {
            year,
            month,
            start: local_instant(year, month, 1, 0)?,
            end: local_instant(next_year, next_month, 1, 0)?,
        })
    }

    /// The month `at` falls in.
    pub fn containing(at: UnixSeconds) -> Self {
        let local = to_local(at);
        Self::of(local.year(), local.month()).expect("a month of a valid instant")
    }

    pub fn next(&self) -> Self {
        Self::containing(self.end)
    }

    pub fn previous(&self) -> Self {
        Self::containing(self.start - 1)
    }

    /// Its partition of the raw table: `telemetry_readings_y2026m12`.
    pub fn partition_name(&self) -> String {
        format!("telemetry_readings_y{:04}m{:02}", self.year, self.month)
    }

    /// The month a partition holds, from its name.
    pub fn of_partition_name(name: &str) -> Option<Self> {
        let rest = name.strip_prefix("telemetry_readings_y")?;
        let (year, month) = rest.split_once('m')?;
        if year.len() != 4 || month.len() != 2 {
            return None;
        }
        let month: u32 = month.parse().ok()?;
        if !(1..=12).contains(&month) {
            return None;
        }
        Self::of(year.parse().ok()?, month)
    }
}

/// The months some readings fall in, each once, in order.
pub fn months_of(readings: &[Reading]) -> Vec<MonthSpan> {
    let mut months: Vec<MonthSpan> = readings
        .iter()
        .map(|r| MonthSpan::containing(r.measured_at))
        .collect();
    months.sort();
    months.dedup();
    months
}

/// Min, sum and count of some readings: an hour's rollup, or its share of
/// one batch.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rollup {
    pub count: i64,
    pub sum: f64,
    pub min: f64,
    pub max: f64,
}

impl Rollup {
    pub fn of(value: f64) -> Self {
        Self {
            count: 1,
            sum: value,
            min: value,
            max: value,
        }
    }

    pub fn add(&mut self, value: f64) {
        self.count += 1;
        self.sum += value;
        self.min = self.min.min(value);
        self.max = self.max.max(value);
    }

    pub fn average(&self) -> f64 {
        self.sum / self.count.max(1) as f64
    }
}

/// The hourly rollups of some newly kept readings, by sensor, quantity and
/// hour, in that order.
pub fn hourly_rollups(readings: &[Reading]) -> Vec<((i64, Quantity, UnixSeconds), Rollup)> {
    let mut hours: std::collections::BTreeMap<(i64, Quantity, UnixSeconds), Rollup> =
        std::collections::BTreeMap::new();
    for reading in readings {
        hours
            .entry((
                reading.sensor,
                reading.quantity,
                hour_of(reading.measured_at),
            ))
            .and_modify(|rollup| rollup.add(reading.value))
            .or_insert_with(|| Rollup::of(reading.value));
    }
    hours.into_iter().collect()
}

/// Why a sensor's readings are not trusted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SensorFlag {
    /// Nothing heard for [`SILENT_AFTER`] (uploads are hourly).
    Silent,
    /// The same value, exactly, [`STUCK_READINGS`] times running.
    Stuck,
    /// Two readings within an hour further apart than a room can move.
    Jumping,
}

impl SensorFlag {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Silent => "silent",
            Self::Stuck => "stuck",
            Self::Jumping => "jumping",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Silent, Self::Stuck, Self::Jumping]
            .into_iter()
            .find(|flag| flag.as_str() == text)
    }

    /// Why it is not trusted, in a word or two.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Self::Silent => text::telemetry_flag_silent(lang),
            Self::Stuck => text::telemetry_flag_stuck(lang),
            Self::Jumping => text::telemetry_flag_jumping(lang),
        }
    }
}

/// A sensor that uploads hourly and has not been heard for this long has
/// missed two uploads.
pub const SILENT_AFTER: i64 = 3 * HOUR;
/// Six hours of readings every 20 minutes, all the same to the hundredth:
/// a real room's air is never that still.
pub const STUCK_READINGS: usize = 18;
/// Indoor air does not move this many degrees within an hour.
pub const JUMP_DEGREES: f64 = 6.0;

/// How far back the stuck and jumping checks look: six hours of readings.
pub const REVIEW_WINDOW: i64 = 6 * HOUR;

/// An indoor sensor's hourly rollups over [`REVIEW_WINDOW`], summed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RecentHours {
    pub readings: i64,
    pub lowest: f64,
    pub highest: f64,
    /// The widest spread (highest − lowest) within any one hour.
    pub widest_hour: f64,
}

/// Whether to flag a sensor, given when it was last heard (None: never
/// since it was registered at `registered_at`) and, for an indoor sensor,
/// its recent hours.
pub fn judge_sensor(
    last_heard: Option<UnixSeconds>,
    registered_at: UnixSeconds,
    recent: Option<RecentHours>,
    now: UnixSeconds,
) -> Option<SensorFlag> {
    if now - last_heard.unwrap_or(registered_at) > SILENT_AFTER {
        return Some(SensorFlag::Silent);
    }
    let recent = recent?;
    if recent.readings >= STUCK_READINGS as i64 && recent.highest - recent.lowest < 0.005 {
        return Some(SensorFlag::Stuck);
    }
    (recent.widest_hour > JUMP_DEGREES).then_some(SensorFlag::Jumping)
}

/// One day of a building's measured indoor temperatures (tenths of a
/// degree): the lowest hourly average of any of its trusted sensors, and
/// the median of their daily averages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeasuredDay {
    pub day: chrono::NaiveDate,
    pub lowest: Option<i32>,
    pub median: Option<i32>,
    /// Sensors that reported that day.
    pub sensors: u32,
}

/// One flat's sensor as its building's page shows it: the last 24 hours.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlatTemperature {
    /// "1单元 301".
    pub flat: String,
    pub average: Option<i32>,
    pub lowest: Option<i32>,
    pub last_heard_at: Option<UnixSeconds>,
    pub flag: Option<SensorFlag>,
}

/// A building's measured indoor temperatures; empty when it has no sensor.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeasuredBuilding {
    pub days: Vec<MeasuredDay>,
    pub flats: Vec<FlatTemperature>,
}

impl MeasuredBuilding {
    pub fn is_empty(&self) -> bool {
        self.flats.is_empty()
    }
}

/// Degrees to tenths, rounded.
pub fn tenths(degrees: f64) -> i32 {
    (degrees * 10.0).round() as i32
}

/// The first of the last `days` Shanghai days up to `now`'s.
pub fn first_measured_day(days: u32, now: UnixSeconds) -> chrono::NaiveDate {
    let today = to_local(now).date_naive();
    today
        .checked_sub_days(chrono::Days::new(u64::from(days.saturating_sub(1))))
        .unwrap_or(today)
}

/// One trusted sensor's day, summed from its hourly averages (by the
/// query, so a building's week reads one row per sensor and day).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SensorDay {
    pub sensor: i64,
    pub day: chrono::NaiveDate,
    /// The sum of the day's hourly averages, ℃.
    pub sum: f64,
    /// How many hourly averages the sum holds.
    pub hours: i64,
    /// The day's lowest hourly average, ℃.
    pub lowest: f64,
}

/// The last `days` Shanghai days up to `now`'s, oldest first, from trusted
/// sensors' days; days without data are kept (gaps show).
pub fn measured_days(sensor_days: &[SensorDay], days: u32, now: UnixSeconds) -> Vec<MeasuredDay> {
    first_measured_day(days, now)
        .iter_days()
        .take(days as usize)
        .map(|day| {
            let of_day = || {
                sensor_days
                    .iter()
                    .filter(move |d| d.day == day && d.hours > 0)
            };
            let lowest = of_day().map(|d| d.lowest).min_by(f64::total_cmp);
            let mut means: Vec<f64> = of_day().map(|d| d.sum / d.hours as f64).collect();
            means.sort_by(f64::total_cmp);
            let median = match means.len() {
                0 => None,
                n if n % 2 == 1 => Some(means[n / 2]),
                n => Some((means[n / 2 - 1] + means[n / 2]) / 2.0),
            };
            MeasuredDay {
                day,
                lowest: lowest.map(tenths),
                median: median.map(tenths),
                sensors: means.len() as u32,
            }
        })
        .collect()
}

/// One day of a home's sensor (tenths of a degree).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeDay {
    pub day: chrono::NaiveDate,
    pub lowest: i32,
    pub average: i32,
    pub highest: i32,
}

/// What a home's indoor sensor measured lately, for its residents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeTemperature {
    /// Hourly averages, oldest first: (hour, tenths).
    pub hours: Vec<(UnixSeconds, i32)>,
    pub days: Vec<HomeDay>,
    pub last_heard_at: Option<UnixSeconds>,
    pub flag: Option<SensorFlag>,
}

/// How many days of a home's hours its residents see.
pub const HOME_DAYS: i64 = 3;

/// A home's days from its hourly averages (hour, tenths): lowest, mean and
/// highest hour of each Shanghai day, oldest first.
pub fn home_days(hours: &[(UnixSeconds, i32)]) -> Vec<HomeDay> {
    let mut days: std::collections::BTreeMap<chrono::NaiveDate, Vec<i32>> = Default::default();
    for &(hour, value) in hours {
        days.entry(to_local(hour).date_naive())
            .or_default()
            .push(value);
    }
    days.into_iter()
        .map(|(day, values)| {
            let sum: i64 = values.iter().map(|v| i64::from(*v)).sum();
            HomeDay {
                day,
                lowest: values.iter().copied().min().unwrap_or_default(),
                average: (sum as f64 / values.len() as f64).round() as i32,
                highest: values.iter().copied().max().unwrap_or_default(),
            }
        })
        .collect()
}

/// A company's weather-compensated curve (气候补偿曲线): the secondary
/// supply temperature its stations should run at for an outdoor
/// temperature, a straight line between a cold and a mild point, flat
/// beyond them (tenths of a degree).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplyCurve {
    pub cold_outdoor: i32,
    pub cold_supply: i32,
    pub mild_outdoor: i32,
    pub mild_supply: i32,
    /// How far below the curve a station may run before it is an alarm.
    pub tolerance: i32,
}

impl Default for SupplyCurve {
    /// Weifang's design day (−7 ℃ outside, 55 ℃ supply) to a mild day
    /// (+5 ℃, 42 ℃), 3 ℃ of tolerance.
    fn default() -> Self {
        Self {
            cold_outdoor: -70,
            cold_supply: 550,
            mild_outdoor: 50,
            mild_supply: 420,
            tolerance: 30,
        }
    }
}

impl SupplyCurve {
    /// The supply temperature for an outdoor temperature.
    pub fn target(&self, outdoor: i32) -> i32 {
        let span = self.mild_outdoor - self.cold_outdoor;
        if span <= 0 || outdoor <= self.cold_outdoor {
            return self.cold_supply;
        }
        if outdoor >= self.mild_outdoor {
            return self.mild_supply;
        }
        let along = f64::from(outdoor - self.cold_outdoor) / f64::from(span);
        let value =
            f64::from(self.cold_supply) + along * f64::from(self.mild_supply - self.cold_supply);
        value.round() as i32
    }

    /// A curve an admin may set: the cold point colder than the mild one,
    /// supplies between 20 and 95 ℃ and falling as it gets milder, a
    /// tolerance of 0.5 to 10 ℃.
    pub fn check(self) -> Result<Self, StaticText> {
        let supplies = 200..=950;
        let fits = self.cold_outdoor < self.mild_outdoor
            && (-400..=200).contains(&self.cold_outdoor)
            && (-300..=250).contains(&self.mild_outdoor)
            && supplies.contains(&self.cold_supply)
            && supplies.contains(&self.mild_supply)
            && self.cold_supply >= self.mild_supply
            && (5..=100).contains(&self.tolerance);
        if fits {
            Ok(self)
        } else {
            Err(text::telemetry_curve_invalid)
        }
    }
}

/// Degrees as typed ("-7", "55.5", "４２") to tenths; None for anything else.
pub fn parse_degrees(text: &str) -> Option<i32> {
    let text: String = text
        .trim()
        .trim_end_matches('℃')
        .trim()
        .chars()
        .map(crate::typing::halfwidth)
        .collect();
    let value: f64 = text.parse().ok()?;
    (value.is_finite() && value.abs() < 1_000.0).then(|| tenths(value))
}

/// Why a station needs a dispatcher's eye.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StationAlarm {
    /// Its sensor is silent, stuck or jumping.
    NoData,
    /// Its supply ran below the curve, by more than the tolerance, for the
    /// last [`BELOW_CURVE_HOURS`] hours with data.
    BelowCurve,
}

impl StationAlarm {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Self::NoData => text::telemetry_alarm_no_data(lang),
            Self::BelowCurve => text::telemetry_alarm_below_curve(lang),
        }
    }
}

/// Hours running below the curve that make an alarm.
pub const BELOW_CURVE_HOURS: usize = 2;

/// A station's alarm from its sensor's flag and its last hours of
/// (supply, target), newest first.
pub fn station_alarm(
    flag: Option<SensorFlag>,
    newest_first: &[(i32, i32)],
    curve: &SupplyCurve,
) -> Option<StationAlarm> {
    if flag.is_some() {
        return Some(StationAlarm::NoData);
    }
    let below = newest_first.len() >= BELOW_CURVE_HOURS
        && newest_first
            .iter()
            .take(BELOW_CURVE_HOURS)
            .all(|(supply, target)| supply < &(target - curve.tolerance));
    below.then_some(StationAlarm::BelowCurve)
}

/// One station on the dispatcher's board.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StationRow {
    pub station_id: i64,
    pub name: String,
    pub code: String,
    /// None: the station has no sensor registered.
    pub last_heard_at: Option<UnixSeconds>,
    pub has_sensor: bool,
    /// The latest complete hour with data, and its averages (tenths).
    pub hour: Option<UnixSeconds>,
    pub supply: Option<i32>,
    pub return_temp: Option<i32>,
    pub outdoor: Option<i32>,
    pub target: Option<i32>,
    pub alarm: Option<StationAlarm>,
}

/// The dispatcher's station board.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StationBoard {
    pub company_name: String,
    pub curve: SupplyCurve,
    /// Alarms first.
    pub stations: Vec<StationRow>,
}

/// How long a home must stay below the standard to be a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ColdRule {
    /// Hourly averages below this many tenths of a degree are cold
    /// (the 18 ℃ standard unless a city sets another).
    pub below_tenths: i32,
    /// This many cold hours running (hours under a published outage are
    /// skipped, neither counting nor breaking the run; an hour with no
    /// data breaks it).
    pub hours: u32,
}

impl Default for ColdRule {
    fn default() -> Self {
        Self {
            below_tenths: STANDARD_MIN_TENTHS,
            hours: 6,
        }
    }
}

/// A run of cold hours long enough to act on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ColdSpell {
    /// The start of its first cold hour.
    pub from: UnixSeconds,
    /// The start of its last cold hour.
    pub to: UnixSeconds,
    pub cold_hours: u32,
    /// The lowest hourly average in it, ℃.
    pub lowest: f64,
}

/// The latest cold spell in a home's hourly averages `(hour, ℃)` (any
/// order), not counting hours out of season or inside an outage window
/// `[from, to)`; None when no run reaches `rule.hours`.
pub fn cold_spell(
    hourly: &[(UnixSeconds, f64)],
    outages: &[(UnixSeconds, UnixSeconds)],
    in_season: impl Fn(UnixSeconds) -> bool,
    rule: ColdRule,
) -> Option<ColdSpell> {
    cold_spells(hourly, outages, in_season, rule).pop()
}

/// Every cold spell in a home's hourly averages `(hour, ℃)` (any order),
/// oldest first: runs of at least `rule.hours` cold hours, hours out of
/// season or inside an outage window `[from, to)` skipped (they neither
/// count nor break a run), an hour without data breaking it.
pub fn cold_spells(
    hourly: &[(UnixSeconds, f64)],
    outages: &[(UnixSeconds, UnixSeconds)],
    in_season: impl Fn(UnixSeconds) -> bool,
    rule: ColdRule,
) -> Vec<ColdSpell> {
    let mut hours: Vec<(UnixSeconds, f64)> = hourly
        .iter()
        .map(|&(hour, value)| (hour_of(hour), value))
        .collect();
    hours.sort_by_key(|&(hour, _)| hour);
    hours.dedup_by_key(|&mut (hour, _)| hour);
    let threshold = f64::from(rule.below_tenths) / 10.0;
    let excused = |hour: UnixSeconds| is_excused(hour, outages, &in_season);
    let mut spells = Vec::new();
    let mut run: Option<ColdSpell> = None;
    let mut previous: Option<UnixSeconds> = None;
    for (hour, value) in hours {
        if excused(hour) {
            continue;
        }
        let gap = previous.is_some_and(|prev| {
            // Hours between the two that were excused do not break the run.
            (prev + HOUR..hour)
                .step_by(HOUR as usize)
                .any(|between| !excused(between))
        });
        previous = Some(hour);
        if gap || value >= threshold {
            end_run(&mut run, rule, &mut spells);
        }
        if value >= threshold {
            continue;
        }
        let spell = run.get_or_insert(ColdSpell {
            from: hour,
            to: hour,
            cold_hours: 0,
            lowest: value,
        });
        spell.to = hour;
        spell.cold_hours += 1;
        spell.lowest = spell.lowest.min(value);
    }
    end_run(&mut run, rule, &mut spells);
    spells
}

/// Whether an hour is left out of the cold rule: out of season, or
/// touched by an outage window `[from, to)`.
pub(crate) fn is_excused(
    hour: UnixSeconds,
    outages: &[(UnixSeconds, UnixSeconds)],
    in_season: impl Fn(UnixSeconds) -> bool,
) -> bool {
    !in_season(hour)
        || outages
            .iter()
            .any(|&(from, to)| hour + HOUR > from && hour < to)
}

/// Ends a run of cold hours, keeping it when it was long enough.
fn end_run(run: &mut Option<ColdSpell>, rule: ColdRule, spells: &mut Vec<ColdSpell>) {
    if let Some(spell) = run.take() {
        if spell.cold_hours >= rule.hours {
            spells.push(spell);
        }
    }
}

/// A cold spell still going on: its last cold hour is the latest whole
/// hour, or the one before (data arrives hourly).
pub fn still_cold(spell: &ColdSpell, now: UnixSeconds) -> bool {
    spell.to >= hour_of(now) - 2 * HOUR
}

/// A building counts as cold as a whole when at least this share of its
/// trusted indoor sensors is in a cold spell (percent).
pub const BUILDING_COLD_SHARE_PERCENT: u32 = 30;

/// What the data found, for the dispatcher's queue: a building with homes
/// in a cold spell, or a station running below its curve.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataFinding {
    pub scope: crate::incidents::IncidentScope,
    /// "金宝花园 2号楼", "金宝花园换热站".
    pub label: String,
    /// Homes in a cold spell (0 for a station finding).
    pub cold_homes: u32,
    /// Trusted indoor sensors of the building.
    pub sensors: u32,
    /// The lowest hourly average in the spells, or the station's supply
    /// (tenths).
    pub lowest: i32,
    /// When the earliest spell began, or the station's latest hour.
    pub since: UnixSeconds,
    /// The open incident already made of it, if any: (case id, case no).
    pub incident: Option<(i64, String)>,
}

impl DataFinding {
    /// The incident's summary when a dispatcher opens one for it.
    pub fn summary(&self) -> String {
        match self.scope {
            crate::incidents::IncidentScope::Building(_) => format!(
                "{} 数据发现 {} 户室温低于 18 ℃",
                self.label, self.cold_homes
            ),
            crate::incidents::IncidentScope::Station(_) => {
                format!("{} 二次供水温度低于气候补偿曲线", self.label)
            }
        }
    }

    /// The incident's details: what the data showed, since when.
    pub fn details(&self) -> String {
        let since = crate::clock::format_month_day_time(self.since, Lang::Zh);
        match self.scope {
            crate::incidents::IncidentScope::Building(_) => format!(
                "未诉先办（数据发现）：{} 个可信户内测温点中 {} 户自 {since} 起连续低于 18 ℃，最低 {:.1} ℃。",
                self.sensors,
                self.cold_homes,
                f64::from(self.lowest) / 10.0
            ),
            crate::incidents::IncidentScope::Station(_) => format!(
                "未诉先办（数据发现）：换热站二次供水 {:.1} ℃（{since}），连续低于本单位气候补偿曲线。",
                f64::from(self.lowest) / 10.0
            ),
        }
    }

    /// Whether enough of the building is cold to call the building cold.
    pub fn whole_building(&self) -> bool {
        self.sensors > 0 && self.cold_homes * 100 >= self.sensors * BUILDING_COLD_SHARE_PERCENT
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NOW: i64 = 1_796_000_000;

    fn station() -> Option<KnownSensor> {
        Some(KnownSensor {
            id: 7,
            kind: SensorKind::Station,
            company: Some(1),
        })
    }

    fn row(quantity: &str, value: f64, at: i64) -> RawReading {
        RawReading {
            sensor_id: "ST-001".into(),
            measured_at: RawTime::Unix(at),
            quantity: quantity.into(),
            value,
        }
    }

    #[test]
    fn quantities_round_trip_by_name_and_code() {
        for quantity in Quantity::ALL {
            assert_eq!(Quantity::parse(quantity.as_str()), Some(quantity));
            assert_eq!(Quantity::from_code(quantity.code().into()), Some(quantity));
        }
        assert_eq!(Quantity::parse("humidity"), None);
        for kind in SensorKind::ALL {
            assert_eq!(SensorKind::parse(kind.as_str()), Some(kind));
        }
    }

    #[test]
    fn each_kind_reports_its_own_quantities() {
        assert!(Quantity::IndoorTemp.is_reported_by(SensorKind::Indoor));
        assert!(!Quantity::IndoorTemp.is_reported_by(SensorKind::Station));
        assert!(Quantity::OutdoorTemp.is_reported_by(SensorKind::Outdoor));
        for quantity in Quantity::STATION {
            assert!(quantity.is_reported_by(SensorKind::Station));
            assert!(!quantity.is_reported_by(SensorKind::Indoor));
        }
    }

    #[test]
    fn a_good_row_is_kept_and_each_fault_is_named() {
        let good = check_reading(
            &row("secondary_supply_temp", 48.5, NOW - 60),
            station(),
            Some(1),
            NOW,
        );
        assert_eq!(
            good,
            Ok(Reading {
                sensor: 7,
                quantity: Quantity::SecondarySupplyTemp,
                measured_at: NOW - 60,
                value: 48.5
            })
        );
        let check = |row: RawReading, sensor, company| check_reading(&row, sensor, company, NOW);
        assert_eq!(
            check(row("secondary_supply_temp", 48.5, NOW), None, None),
            Err(RowProblem::UnknownSensor)
        );
        assert_eq!(
            check(row("secondary_supply_temp", 48.5, NOW), station(), Some(2)),
            Err(RowProblem::NotYourSensor)
        );
        assert!(
            check(row("secondary_supply_temp", 48.5, NOW), station(), None).is_ok(),
            "the city's platform reports any sensor"
        );
        assert_eq!(
            check(row("humidity", 48.5, NOW), station(), None),
            Err(RowProblem::UnknownQuantity)
        );
        assert_eq!(
            check(row("indoor_temp", 18.5, NOW), station(), None),
            Err(RowProblem::QuantityNotOfSensor)
        );
        assert_eq!(
            check(row("secondary_supply_temp", 480.0, NOW), station(), None),
            Err(RowProblem::ImpossibleValue)
        );
        assert_eq!(
            check(row("secondary_supply_temp", f64::NAN, NOW), station(), None),
            Err(RowProblem::ImpossibleValue)
        );
        assert_eq!(
            check(
                row("secondary_supply_temp", 48.5, NOW + FUTURE_TOLERANCE + 1),
                station(),
                None
            ),
            Err(RowProblem::InFuture)
        );
        assert!(check(
            row("secondary_supply_temp", 48.5, NOW + FUTURE_TOLERANCE),
            station(),
            None
        )
        .is_ok());
        assert_eq!(
            check(
                row("secondary_supply_temp", 48.5, NOW - LATE_WINDOW - 1),
                station(),
                None
            ),
            Err(RowProblem::TooLate)
        );
        assert!(
            check(
                row("secondary_supply_temp", 48.5, NOW - LATE_WINDOW),
                station(),
                None
            )
            .is_ok(),
            "late data within the window is taken"
        );
        let mut bad_time = row("secondary_supply_temp", 48.5, NOW);
        bad_time.measured_at = RawTime::Text("yesterday".into());
        assert_eq!(check(bad_time, station(), None), Err(RowProblem::BadTime));
        for problem in [
            RowProblem::UnknownSensor,
            RowProblem::TooLate,
            RowProblem::BadTime,
        ] {
            assert!(
                problem.message().chars().any(|c| c > '\u{2e80}'),
                "{problem:?} speaks Chinese too"
            );
        }
    }

    #[test]
    fn a_registry_file_names_each_bad_line() {
        let file = "\u{feff}sensor_id,kind,place\n\
            WF-IN-0001,indoor,HD00012345\n\
            WF-ST-0001,Station,ST001\n\
            WF-OUT-01,outdoor,\n\
            bad id!,indoor,HD1\n\
            WF-IN-0002,kitchen,HD1\n\
            WF-IN-0003,indoor,\n\
            \n";
        let (lines, problems) = parse_sensor_csv(file).unwrap();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[1].kind, SensorKind::Station);
        assert_eq!((lines[2].line, lines[2].place.as_str()), (4, ""));
        let lines_with_problems: Vec<usize> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines_with_problems, vec![5, 6, 7]);
        assert_eq!(
            (problems[1].problem)(translations::Lang::En),
            text::telemetry_csv_kind(translations::Lang::En)
        );
        assert!(parse_sensor_csv("id,kind\nX,indoor").is_err());
        let many = format!(
            "sensor_id,kind,place\n{}",
            "S1,outdoor,\n".repeat(MAX_SENSORS_PER_IMPORT + 1)
        );
        assert!(parse_sensor_csv(&many).is_err());
        assert_eq!(check_sensor_code(&"A".repeat(65)), None);
    }

    #[test]
    fn batches_read_as_json_or_csv_row_by_row() {
        let json = br#"[
            {"sensor_id":"IN-1","measured_at":1796000000,"quantity":"indoor_temp","value":19.5},
            {"sensor_id":"IN-2","measured_at":"2026-12-06T08:00:00+08:00","quantity":"indoor_temp","value":"warm"},
            {"measured_at":1796000000,"quantity":"indoor_temp","value":19.5},
            42
        ]"#;
        let batch = read_json_batch(json).unwrap();
        assert_eq!(batch.len(), 4);
        assert_eq!(batch.rows.len(), 1);
        let unreadable: Vec<(usize, &str)> = batch
            .unreadable
            .iter()
            .map(|r| (r.row, r.sensor_id.as_str()))
            .collect();
        assert_eq!(unreadable, vec![(1, "IN-2"), (2, ""), (3, "")]);
        assert_eq!(
            read_json_batch(b"{\"readings\": []}"),
            Err(BatchError::Unreadable)
        );
        assert!(read_json_batch(b"[]").unwrap().is_empty());
        let csv = b"sensor_id,measured_at,quantity,value\nST-1,2026-12-06T08:00:00+08:00,secondary_supply_temp,48.5\nST-1,1796000000,primary_flow,n/a\n";
        let batch = read_csv_batch(csv).unwrap();
        assert_eq!(batch.rows.len(), 1);
        assert_eq!(
            batch.rows[0].1.measured_at.unix(),
            local_instant(2026, 12, 6, 8)
        );
        assert_eq!(batch.unreadable[0].row, 1);
        assert_eq!(
            read_csv_batch(b"id,time,q,v\n"),
            Err(BatchError::Unreadable)
        );
        let too_many = format!("[{}]", vec!["1"; MAX_READINGS_PER_BATCH + 1].join(","));
        assert_eq!(
            read_json_batch(too_many.as_bytes()),
            Err(BatchError::TooMany)
        );
        let many_lines = format!(
            "sensor_id,measured_at,quantity,value\n{}",
            "S,1,indoor_temp,1\n".repeat(MAX_READINGS_PER_BATCH + 1)
        );
        assert_eq!(
            read_csv_batch(many_lines.as_bytes()),
            Err(BatchError::TooMany)
        );
        // A file (an import) is read line by line, beyond a batch's limit,
        // and a byte order mark before its header is allowed.
        let file = format!("\u{feff}{many_lines}S,1,indoor_temp,warm\n");
        let rows: Vec<CsvRow> = csv_readings(std::io::Cursor::new(file)).unwrap().collect();
        assert_eq!(rows.len(), MAX_READINGS_PER_BATCH + 2);
        assert!(rows[..MAX_READINGS_PER_BATCH + 1]
            .iter()
            .all(|row| row.reading.is_some()));
        let last = rows.last().unwrap();
        assert_eq!(
            (last.reading.as_ref(), last.sensor_id.as_str()),
            (None, "S")
        );
        assert!(BatchError::TooMany.message().contains("5000"));
    }

    #[test]
    fn a_building_day_is_its_lowest_hour_and_its_median_flat() {
        let now = local_instant(2026, 12, 6, 10).unwrap();
        let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        let sensor_day = |sensor, d, sum, hours, lowest| SensorDay {
            sensor,
            day: day(d),
            sum,
            hours,
            lowest,
        };
        let per_day = vec![
            sensor_day(1, 5, 42.0, 2, 20.0),
            sensor_day(2, 5, 17.0, 1, 17.0),
            sensor_day(3, 5, 19.0, 1, 19.0),
            sensor_day(3, 6, 19.5, 1, 19.5),
            // Outside the three days asked for.
            sensor_day(4, 3, 10.0, 1, 10.0),
        ];
        let days = measured_days(&per_day, 3, now);
        assert_eq!(days.len(), 3);
        assert_eq!(days[0].day, day(4));
        assert_eq!(days[0].sensors, 0, "a day without data is kept");
        assert_eq!((days[0].lowest, days[0].median), (None, None));
        assert_eq!(
            (days[1].lowest, days[1].median, days[1].sensors),
            (Some(170), Some(190), 3)
        );
        assert_eq!(
            (days[2].lowest, days[2].median, days[2].sensors),
            (Some(195), Some(195), 1)
        );
        let two = measured_days(
            &[
                sensor_day(1, 5, 18.0, 1, 18.0),
                sensor_day(2, 5, 42.0, 2, 21.0),
            ],
            2,
            now,
        );
        assert_eq!(two[0].median, Some(195), "the median of two is their mean");
        assert!(MeasuredBuilding::default().is_empty());
    }

    #[test]
    fn a_home_day_is_its_lowest_mean_and_highest_hour() {
        let midnight = local_instant(2026, 12, 5, 0).unwrap();
        let hours = vec![
            (midnight - HOUR, 170),
            (midnight, 180),
            (midnight + HOUR, 200),
            (midnight + 2 * HOUR, 190),
        ];
        let days = home_days(&hours);
        assert_eq!(days.len(), 2, "23:00 belongs to the day before");
        assert_eq!(
            (days[0].lowest, days[0].average, days[0].highest),
            (170, 170, 170)
        );
        assert_eq!(
            (days[1].lowest, days[1].average, days[1].highest),
            (180, 190, 200)
        );
        assert!(home_days(&[]).is_empty());
    }

    #[test]
    fn the_curve_is_a_line_flat_beyond_its_points() {
        let curve = SupplyCurve::default();
        assert_eq!(curve.target(-70), 550);
        assert_eq!(
            curve.target(-150),
            550,
            "colder than the design day: the design supply"
        );
        assert_eq!(curve.target(50), 420);
        assert_eq!(curve.target(120), 420);
        assert_eq!(curve.target(-10), 485, "half way");
        assert!(curve.check().is_ok());
        assert!(SupplyCurve {
            mild_outdoor: -80,
            ..curve
        }
        .check()
        .is_err());
        assert!(
            SupplyCurve {
                cold_supply: 400,
                ..curve
            }
            .check()
            .is_err(),
            "supply falls as it gets milder"
        );
        assert!(SupplyCurve {
            tolerance: 0,
            ..curve
        }
        .check()
        .is_err());
        assert!(SupplyCurve {
            cold_supply: 990,
            ..curve
        }
        .check()
        .is_err());
    }

    #[test]
    fn a_station_below_its_curve_for_two_hours_is_an_alarm() {
        let curve = SupplyCurve::default();
        assert_eq!(
            station_alarm(None, &[(469, 500), (465, 500), (500, 500)], &curve),
            Some(StationAlarm::BelowCurve)
        );
        assert_eq!(
            station_alarm(None, &[(469, 500), (490, 500)], &curve),
            None,
            "one hour is not yet"
        );
        assert_eq!(station_alarm(None, &[(469, 500)], &curve), None);
        assert_eq!(
            station_alarm(None, &[(471, 500), (471, 500)], &curve),
            None,
            "within the tolerance"
        );
        assert_eq!(
            station_alarm(Some(SensorFlag::Silent), &[], &curve),
            Some(StationAlarm::NoData)
        );
    }

    #[test]
    fn degrees_are_read_as_typed() {
        assert_eq!(parse_degrees("-7"), Some(-70));
        assert_eq!(parse_degrees(" 55.5 ℃"), Some(555));
        assert_eq!(parse_degrees("４２"), Some(420));
        assert_eq!(parse_degrees("－３．５"), Some(-35));
        assert_eq!(parse_degrees("warm"), None);
        assert_eq!(parse_degrees("NaN"), None);
        assert_eq!(parse_degrees("1e9"), None);
    }

    #[test]
    fn a_spell_is_current_while_the_latest_hours_are_cold() {
        let now = local_instant(2026, 12, 6, 10).unwrap() + 1200;
        let spell = |to| ColdSpell {
            from: to - 6 * HOUR,
            to,
            cold_hours: 6,
            lowest: 16.0,
        };
        assert!(still_cold(&spell(hour_of(now) - HOUR), now));
        assert!(still_cold(&spell(hour_of(now) - 2 * HOUR), now));
        assert!(
            !still_cold(&spell(hour_of(now) - 3 * HOUR), now),
            "it warmed up since"
        );
        let finding = |cold_homes, sensors| DataFinding {
            scope: crate::incidents::IncidentScope::Building(1),
            label: String::new(),
            cold_homes,
            sensors,
            lowest: 160,
            since: now,
            incident: None,
        };
        assert!(finding(3, 10).whole_building());
        assert!(!finding(2, 10).whole_building());
        assert!(!finding(0, 0).whole_building());
    }

    #[test]
    fn times_are_read_with_their_offset() {
        let local = local_instant(2026, 12, 6, 8).unwrap();
        assert_eq!(
            RawTime::Text("2026-12-06T08:00:00+08:00".into()).unix(),
            Some(local)
        );
        assert_eq!(
            RawTime::Text("2026-12-06T00:00:00Z".into()).unix(),
            Some(local)
        );
        assert_eq!(RawTime::Text(local.to_string()).unix(), Some(local));
        assert_eq!(RawTime::Text("2026-12-06 08:00".into()).unix(), None);
        let parsed: RawReading = serde_json::from_str(
            r#"{"sensor_id":"IN-1","measured_at":"2026-12-06T08:00:00+08:00","quantity":"indoor_temp","value":19.5}"#,
        )
        .unwrap();
        assert_eq!(parsed.measured_at.unix(), Some(local));
    }

    #[test]
    fn months_follow_the_shanghai_calendar() {
        let first = local_instant(2026, 12, 1, 0).unwrap();
        let december = MonthSpan::containing(first);
        assert_eq!(
            (december.year, december.month, december.start),
            (2026, 12, first)
        );
        assert_eq!(december.end, local_instant(2027, 1, 1, 0).unwrap());
        assert_eq!(
            MonthSpan::containing(first - 1).month,
            11,
            "30 November 23:59:59 in Shanghai"
        );
        assert_eq!(december.next().year, 2027);
        assert_eq!(december.previous().month, 11);
        assert_eq!(december.partition_name(), "telemetry_readings_y2026m12");
        assert_eq!(
            MonthSpan::of_partition_name("telemetry_readings_y2026m12"),
            Some(december)
        );
        assert_eq!(
            MonthSpan::of_partition_name("telemetry_readings_default"),
            None
        );
        assert_eq!(
            MonthSpan::of_partition_name("telemetry_readings_y2026m13"),
            None
        );
        let reading = |at| Reading {
            sensor: 1,
            quantity: Quantity::IndoorTemp,
            measured_at: at,
            value: 19.0,
        };
        assert_eq!(
            months_of(&[reading(first), reading(first - 1), reading(first + 5)]),
            vec![december.previous(), december]
        );
    }

    #[test]
    fn hours_start_on_the_shanghai_hour() {
        let eight = local_instant(2026, 12, 6, 8).unwrap();
        assert_eq!(hour_of(eight), eight);
        assert_eq!(hour_of(eight + 3599), eight);
        assert_eq!(hour_of(eight + 3600), eight + 3600);
        assert_eq!(hour_of(-1), -3600);
    }

    #[test]
    fn rollups_group_by_sensor_quantity_and_hour() {
        let eight = local_instant(2026, 12, 6, 8).unwrap();
        let reading = |sensor, at, value| Reading {
            sensor,
            quantity: Quantity::IndoorTemp,
            measured_at: at,
            value,
        };
        let rollups = hourly_rollups(&[
            reading(1, eight + 1200, 18.0),
            reading(1, eight, 17.0),
            reading(1, eight + 2400, 19.0),
            reading(1, eight + 3600, 20.0),
            reading(2, eight, 21.0),
        ]);
        assert_eq!(rollups.len(), 3);
        let ((sensor, _, hour), first) = rollups[0];
        assert_eq!((sensor, hour), (1, eight));
        assert_eq!((first.count, first.min, first.max), (3, 17.0, 19.0));
        assert!((first.average() - 18.0).abs() < 1e-9);
        assert_eq!(rollups[1].0 .2, eight + 3600);
        assert_eq!(rollups[2].0 .0, 2);
    }

    #[test]
    fn silent_stuck_and_jumping_sensors_are_flagged() {
        let hours = |readings, lowest, highest, widest_hour| {
            Some(RecentHours {
                readings,
                lowest,
                highest,
                widest_hour,
            })
        };
        let lively = hours(18, 18.6, 19.4, 0.4);
        assert_eq!(judge_sensor(Some(NOW - 600), NOW - DAY, lively, NOW), None);
        assert_eq!(
            judge_sensor(Some(NOW - SILENT_AFTER - 1), NOW - DAY, lively, NOW),
            Some(SensorFlag::Silent)
        );
        assert_eq!(
            judge_sensor(None, NOW - 600, None, NOW),
            None,
            "a new sensor has time to report"
        );
        assert_eq!(
            judge_sensor(None, NOW - SILENT_AFTER - 1, None, NOW),
            Some(SensorFlag::Silent)
        );
        let stuck = hours(STUCK_READINGS as i64, 19.3, 19.3, 0.0);
        assert_eq!(
            judge_sensor(Some(NOW), NOW - DAY, stuck, NOW),
            Some(SensorFlag::Stuck)
        );
        let few = hours(STUCK_READINGS as i64 - 1, 19.3, 19.3, 0.0);
        assert_eq!(
            judge_sensor(Some(NOW), NOW - DAY, few, NOW),
            None,
            "too few readings to call it stuck"
        );
        let jump = hours(18, 19.0, 27.0, 8.0);
        assert_eq!(
            judge_sensor(Some(NOW), NOW - DAY, jump, NOW),
            Some(SensorFlag::Jumping)
        );
        let slow = hours(18, 12.0, 19.0, 2.0);
        assert_eq!(
            judge_sensor(Some(NOW), NOW - DAY, slow, NOW),
            None,
            "hours apart is not a jump"
        );
        assert_eq!(
            judge_sensor(Some(NOW), NOW - DAY, None, NOW),
            None,
            "a station is judged by contact only"
        );
        for flag in [SensorFlag::Silent, SensorFlag::Stuck, SensorFlag::Jumping] {
            assert_eq!(SensorFlag::parse(flag.as_str()), Some(flag));
        }
    }

    fn hours_from(start: i64, values: &[f64]) -> Vec<(i64, f64)> {
        values
            .iter()
            .enumerate()
            .map(|(i, &v)| (start + HOUR * i as i64, v))
            .collect()
    }

    #[test]
    fn six_cold_hours_running_make_a_spell() {
        let start = local_instant(2026, 12, 6, 0).unwrap();
        let rule = ColdRule::default();
        let always = |_| true;
        let five = hours_from(start, &[20.0, 17.0, 16.5, 17.9, 17.0, 17.5, 19.0]);
        assert_eq!(cold_spell(&five, &[], always, rule), None);
        let six = hours_from(start, &[20.0, 17.0, 16.5, 17.9, 17.0, 17.5, 17.2, 19.0]);
        let spell = cold_spell(&six, &[], always, rule).unwrap();
        assert_eq!(
            (spell.from, spell.to, spell.cold_hours),
            (start + HOUR, start + 6 * HOUR, 6)
        );
        assert_eq!(spell.lowest, 16.5);
        assert_eq!(
            cold_spell(&six, &[], |_| false, rule),
            None,
            "out of season nothing counts"
        );
        let exactly_18 = hours_from(start, &[18.0; 8]);
        assert_eq!(
            cold_spell(&exactly_18, &[], always, rule),
            None,
            "18 ℃ meets the standard"
        );
    }

    #[test]
    fn outage_hours_are_skipped_and_missing_hours_break_the_run() {
        let start = local_instant(2026, 12, 6, 0).unwrap();
        let rule = ColdRule::default();
        // Three cold hours, two under a published outage, three cold: six.
        let values = hours_from(start, &[17.0, 17.0, 17.0, 10.0, 10.0, 17.0, 17.0, 17.0]);
        let outage = (start + 3 * HOUR, start + 5 * HOUR);
        let spell = cold_spell(&values, &[outage], |_| true, rule).unwrap();
        assert_eq!(spell.cold_hours, 6);
        assert_eq!(
            spell.lowest, 17.0,
            "the outage's hours are not the home's fault"
        );
        // An outage touching part of an hour excuses that hour.
        let part = (start + 3 * HOUR + 1800, start + 4 * HOUR + 1);
        assert_eq!(
            cold_spell(&values, &[part], |_| true, rule)
                .unwrap()
                .cold_hours,
            6
        );
        // The same hours with a gap in the data (no outage): no spell.
        let mut gappy = values.clone();
        gappy.retain(|&(hour, _)| hour < start + 3 * HOUR || hour >= start + 5 * HOUR);
        assert_eq!(cold_spell(&gappy, &[], |_| true, rule), None);
        assert_eq!(
            cold_spell(&gappy, &[outage], |_| true, rule)
                .unwrap()
                .cold_hours,
            6
        );
    }

    proptest! {
        #[test]
        fn a_spell_is_only_cold_hours_and_long_enough(
            values in proptest::collection::vec(10.0f64..25.0, 0..60),
            hours in 1u32..12,
            outage_start in 0i64..60,
            outage_len in 0i64..10,
        ) {
            let start = local_instant(2026, 12, 6, 0).unwrap();
            let rule = ColdRule { below_tenths: 180, hours };
            let series = hours_from(start, &values);
            let outage = (start + outage_start * HOUR, start + (outage_start + outage_len) * HOUR);
            if let Some(spell) = cold_spell(&series, &[outage], |_| true, rule) {
                prop_assert!(spell.cold_hours >= hours);
                prop_assert!(spell.lowest < 18.0);
                prop_assert!(spell.from <= spell.to);
                for &(hour, value) in &series {
                    let in_outage = hour + HOUR > outage.0 && hour < outage.1;
                    if hour >= spell.from && hour <= spell.to && !in_outage {
                        prop_assert!(value < 18.0, "a warm hour inside the spell");
                    }
                }
            } else {
                // No run of `hours` cold hours outside the outage.
                let mut run = 0;
                for &(hour, value) in &series {
                    if hour + HOUR > outage.0 && hour < outage.1 { continue; }
                    run = if value < 18.0 { run + 1 } else { 0 };
                    prop_assert!(run < hours);
                }
            }
            // Order does not matter.
            let mut reversed = series.clone();
            reversed.reverse();
            prop_assert_eq!(
                cold_spell(&series, &[outage], |_| true, rule),
                cold_spell(&reversed, &[outage], |_| true, rule)
            );
        }
    }
}
