//! The sensor registry (admin): a CSV import, the registry page, and each
//! company's weather-compensated curve.

use crate::db::Database;
use crate::error::{BackendError, BackendResult};
use crate::services::identity::{RequestOrigin, Viewer};
use crate::store::audit;
use crate::store::telemetry::{self as store, NewSensor};
use domain::household::parse_account_no;
use domain::roles::Role;
use domain::telemetry::{
    check_sensor_fields, parse_sensor_csv, CompanyCurve, SensorCount, SensorFlag, SensorKind,
    SensorLine, SensorRegistry, SensorSummary, SupplyCurve, SENSORS_LISTED,
};
use translations::{text, Localized, StaticText};

/// What an import did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub registered: usize,
    /// Sensors already registered, now at the place the file gives.
    pub moved: usize,
}

/// How many problem lines a refusal names (the count says the rest).
const PROBLEMS_NAMED: usize = 5;

/// Registers the sensors of a registry CSV (admin): new ones are added,
/// known ones moved to the place the file gives, in one transaction. A
/// file with any line that cannot be registered is refused whole, naming
/// the lines, so the admin fixes the file and imports it again.
pub async fn import_sensors(
    db: &Database,
    viewer: &Viewer,
    csv: &str,
    origin: &RequestOrigin,
) -> BackendResult<ImportReport> {
    viewer.require(Role::Admin)?;
    register_sensors(db, Some(viewer.person_id), csv, origin, &mut |_, _| {}).await
}

/// The import itself, for an admin's page or the operator's command
/// (`actor` None: `heatdesk import sensors` on the server). `progress`
/// hears the steps done of all: each line placed, then each registered.
pub async fn register_sensors(
    db: &Database,
    actor: Option<i64>,
    csv: &str,
    origin: &RequestOrigin,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> BackendResult<ImportReport> {
    let (lines, problems) = parse_sensor_csv(csv).map_err(BackendError::refused)?;
    let mut problems: Vec<(usize, StaticText)> =
        problems.iter().map(|p| (p.line, p.problem)).collect();
    let steps = 2 * lines.len() as u64;
    let mut sensors = Vec::with_capacity(lines.len());
    for (done, line) in lines.iter().enumerate() {
        match place(db, line).await? {
            Ok(sensor) => sensors.push(sensor),
            Err(problem) => problems.push((line.line, problem)),
        }
        if done % 100 == 99 {
            progress(done as u64 + 1, steps);
        }
    }
    if !problems.is_empty() {
        problems.sort_by_key(|(line, _)| *line);
        return Err(BackendError::Invalid(Localized::new(|lang| {
            let named: Vec<String> = problems
                .iter()
                .take(PROBLEMS_NAMED)
                .map(|(line, problem)| text::telemetry_csv_line(lang, line, problem(lang)))
                .collect();
            text::telemetry_csv_refused(lang, problems.len(), named.join("; "))
        })));
    }
    if sensors.is_empty() {
        return Err(BackendError::refused(text::telemetry_csv_empty));
    }
    let mut report = ImportReport::default();
    let mut tx = db.writer().begin().await?;
    for (done, sensor) in sensors.iter().enumerate() {
        if store::upsert_sensor(&mut tx, sensor, origin.now).await? {
            report.registered += 1;
        } else {
            report.moved += 1;
        }
        if done % 100 == 99 {
            progress(sensors.len() as u64 + done as u64 + 1, steps);
        }
    }
    tx.commit().await?;
    progress(steps, steps);
    audit::record(
        db.writer(),
        &origin.audit(
            actor,
            "sensors_imported",
            "sensor",
            0,
            format!("registered {}, moved {}", report.registered, report.moved),
        ),
    )
    .await?;
    Ok(report)
}

/// The registry entry a line asks for, or why it cannot be placed.
async fn place(db: &Database, line: &SensorLine) -> BackendResult<Result<NewSensor, StaticText>> {
    let mut sensor = NewSensor {
        code: line.code.clone(),
        kind: line.kind,
        household_id: None,
        building_id: None,
        station_id: None,
        company_id: None,
    };
    match line.kind {
        SensorKind::Indoor => {
            let Ok(account_no) = parse_account_no(&line.place) else {
                return Ok(Err(text::telemetry_unknown_household));
            };
            let Some((household, building, company)) =
                store::household_place(db.reader(), &account_no).await?
            else {
                return Ok(Err(text::telemetry_unknown_household));
            };
            sensor.household_id = Some(household);
            sensor.building_id = Some(building);
            sensor.company_id = Some(company);
        }
        SensorKind::Station | SensorKind::Outdoor => {
            if line.place.is_empty() {
                return Ok(Ok(sensor));
            }
            let Some((station, company)) = store::station_by_code(db.reader(), &line.place).await?
            else {
                return Ok(Err(text::telemetry_unknown_station));
            };
            sensor.station_id = Some(station);
            sensor.company_id = Some(company);
        }
    }
    Ok(Ok(sensor))
}

/// The registry page (admin): counts by kind, and the first sensors,
/// flagged ones first.
pub async fn summary(db: &Database, viewer: &Viewer) -> BackendResult<SensorRegistry> {
    viewer.require(Role::Admin)?;
    let counts = store::counts(db.reader())
        .await?
        .into_iter()
        .filter_map(|(kind, registered, flagged)| {
            Some(SensorCount {
                kind: SensorKind::parse(&kind)?,
                registered,
                flagged,
            })
        })
        .collect();
    let sensors = store::listed(db.reader(), SENSORS_LISTED)
        .await?
        .into_iter()
        .filter_map(summary_of)
        .collect();
    let mut curves = Vec::new();
    for (company_id, company) in crate::store::people::company_choices(db.reader()).await? {
        let set = store::supply_curve(db.reader(), company_id).await?;
        curves.push(CompanyCurve {
            company_id,
            company,
            curve: set.unwrap_or_default(),
            set: set.is_some(),
        });
    }
    Ok(SensorRegistry {
        counts,
        sensors,
        curves,
    })
}

/// A listed row as the registry page shows it; None for a kind this
/// version does not know.
fn summary_of(row: store::ListedRow) -> Option<SensorSummary> {
    Some(SensorSummary {
        kind: SensorKind::parse(&row.kind)?,
        code: row.code,
        place: row.place,
        place_code: row.place_code,
        company: row.company,
        last_heard_at: row.last_heard_at,
        flag: row.flag.as_deref().and_then(SensorFlag::parse),
    })
}

/// One registered sensor by its code (admin), for its edit form; None
/// when no sensor has that code.
pub async fn sensor(
    db: &Database,
    viewer: &Viewer,
    code: &str,
) -> BackendResult<Option<SensorSummary>> {
    viewer.require(Role::Admin)?;
    Ok(store::listed_one(db.reader(), code.trim())
        .await?
        .and_then(summary_of))
}

/// Gives a registered sensor another kind or place (admin), filled in as
/// a CSV line would be; its readings stay its own. New sensors come by
/// import, so an unknown code is refused. Audited.
pub async fn edit_sensor(
    db: &Database,
    viewer: &Viewer,
    fields: (&str, &str, &str),
    origin: &RequestOrigin,
) -> BackendResult<()> {
    viewer.require(Role::Admin)?;
    let (code, kind, place) = fields;
    let (code, kind, place) =
        check_sensor_fields(code, kind, place).map_err(BackendError::refused)?;
    let line = SensorLine {
        line: 0,
        code,
        kind,
        place,
    };
    let sensor = self::place(db, &line)
        .await?
        .map_err(BackendError::refused)?;
    if !store::move_sensor(db.writer(), &sensor).await? {
        return Err(BackendError::refused(text::telemetry_sensor_unknown));
    }
    audit::record(
        db.writer(),
        &origin.audit(
            Some(viewer.person_id),
            "sensor_edited",
            "sensor",
            0,
            format!("{} {} {}", line.code, line.kind.as_str(), line.place),
        ),
    )
    .await
}

/// Sets a company's weather-compensated curve (admin); audited.
pub async fn set_supply_curve(
    db: &Database,
    viewer: &Viewer,
    company_id: i64,
    curve: SupplyCurve,
    origin: &RequestOrigin,
) -> BackendResult<()> {
    viewer.require(Role::Admin)?;
    let curve = curve.check().map_err(BackendError::refused)?;
    let known = crate::store::people::company_choices(db.reader())
        .await?
        .into_iter()
        .any(|(id, _)| id == company_id);
    if !known {
        return Err(BackendError::refused(text::api_key_company_unknown));
    }
    store::set_supply_curve(
        db.writer(),
        company_id,
        &curve,
        viewer.person_id,
        origin.now,
    )
    .await?;
    audit::record(
        db.writer(),
        &origin.audit(
            Some(viewer.person_id),
            "supply_curve_set",
            "company",
            company_id,
            format!(
                "{}→{} … {}→{} ±{}",
                curve.cold_outdoor,
                curve.cold_supply,
                curve.mild_outdoor,
                curve.mild_supply,
                curve.tolerance
            ),
        ),
    )
    .await
}
