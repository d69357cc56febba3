//! What a signed-in person reads and changes of their own: a resident's
//! households and cases, the buildings and cases staff look after. Every
//! read goes through the access sub-queries in `store::access`.

use crate::cases::brief;
use crate::config::PortalSettings;
use crate::db::Database;
use crate::error::{BackendError, BackendResult};
use crate::services::identity::{RequestOrigin, Viewer};
use crate::services::public::building_report;
use crate::store::access::{ASSIGNED_BUILDINGS, GRID_BUILDINGS, LOOKED_AFTER_BUILDINGS};
use crate::store::audit;
use crate::store::cases;
use crate::store::households::{self, HouseholdRow};
use crate::store::measurements;
use crate::store::places;
use domain::account::{BuildingDesk, HouseholdCard, StaffBuilding};

use domain::readings::{daily_readings, lowest_of, DailyReading};
use domain::roles::Role;
use translations::text;

async fn household_card(
    db: &Database,
    settings: &PortalSettings,
    row: HouseholdRow,
    now: i64,
) -> BackendResult<HouseholdCard> {
    let report = building_report(
        db,
        settings,
        now,
        row.building_id,
        Some(row.unit_name.clone()),
    )
    .await?
    .ok_or(BackendError::NotFound(text::building_not_found))?;
    let indoor = crate::services::telemetry::views::home_temperature(
        db,
        row.id,
        now,
        domain::telemetry::HOME_DAYS * 86_400,
    )
    .await?;
    Ok(HouseholdCard {
        household_id: row.id,
        indoor,
        open_cases: households::open_case_count(db.reader(), row.id).await?,
        account_no: row.account_no,
        holder_name: row.holder_name,
        street_address: row.street_address,
        unit_name: row.unit_name,
        room: row.room,
        service_state: row.service_state,
        service_since: row.service_since,
        measured_below_this_season: measurements::below_standard_in_season(
            db.reader(),
            row.id,
            // The season as the household's company runs it, as a
            // measurement's season is counted.
            crate::services::public::season_now(
                db,
                settings,
                now,
                places::company_of_building(db.reader(), row.building_id).await?,
            )
            .await?
            .effective
            .start_year,
        )
        .await?,
        report,
    })
}

/// The resident's own households, each with its building's heat status.
pub async fn my_households(
    db: &Database,
    settings: &PortalSettings,
    viewer: &Viewer,
    now: i64,
) -> BackendResult<Vec<HouseholdCard>> {
    viewer.require(Role::Resident)?;
    let rows = households::bound_to(db.reader(), viewer.person_id).await?;
    let mut cards = Vec::with_capacity(rows.len());
    for row in rows {
        cards.push(household_card(db, settings, row, now).await?);
    }
    Ok(cards)
}

/// One household, if the viewer may read its details. A staff member's read
/// of a resident's household is written to the audit log.
pub async fn household(
    db: &Database,
    settings: &PortalSettings,
    viewer: &Viewer,
    household_id: i64,
    origin: &RequestOrigin,
) -> BackendResult<HouseholdCard> {
    let row = households::visible_to(db.reader(), viewer.person_id, household_id)
        .await?
        .ok_or(BackendError::NotFound(text::household_not_found))?;
    let own = households::bound_to(db.reader(), viewer.person_id)
        .await?
        .iter()
        .any(|h| h.id == household_id);
    if !own {
        audit::record(
            db.writer(),
            &origin.audit(
                Some(viewer.person_id),
                "personal_data_view",
                "household",
                household_id,
                "户号、户主",
            ),
        )
        .await?;
    }
    household_card(db, settings, row, origin.now).await
}

/// Unbinds one of the resident's own households.
pub async fn unbind_household(
    db: &Database,
    viewer: &Viewer,
    household_id: i64,
    origin: &RequestOrigin,
) -> BackendResult<()> {
    viewer.require(Role::Resident)?;
    if !households::unbind(db.writer(), viewer.person_id, household_id).await? {
        return Err(BackendError::NotFound(text::household_not_bound));
    }
    record(
        db,
        viewer,
        "household_unbound",
        "household",
        &household_id.to_string(),
        origin,
    )
    .await
}

async fn record(
    db: &Database,
    viewer: &Viewer,
    action: &str,
    subject_type: &str,
    subject_id: &str,
    origin: &RequestOrigin,
) -> BackendResult<()> {
    audit::record(
        db.writer(),
        &origin.audit(Some(viewer.person_id), action, subject_type, subject_id, ""),
    )
    .await
}

/// Which of the viewer's buildings a staff page lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BuildingList {
    /// A grid worker's grids.
    Grid,
    /// A property manager's assigned buildings.
    Property,
}

async fn staff_building(
    db: &Database,
    settings: &PortalSettings,
    building_id: i64,
    now: i64,
) -> BackendResult<StaffBuilding> {
    let report = building_report(db, settings, now, building_id, None)
        .await?
        .ok_or(BackendError::NotFound(text::building_not_found))?;
    let load = places::building_load(db.reader(), building_id, now).await?;
    let readings = week_of_readings(db, building_id, now).await?;
    Ok(StaffBuilding {
        report,
        households: load.households,
        suspended_households: load.suspended,
        open_cases: load.open_cases,
        overdue_cases: load.overdue_cases,
        lowest_recent_reading: lowest_of(&readings),
    })
}

/// How many days of readings a building's page charts.
const READING_DAYS: u32 = 7;

async fn week_of_readings(
    db: &Database,
    building_id: i64,
    now: i64,
) -> BackendResult<Vec<DailyReading>> {
    let since = now - i64::from(READING_DAYS) * 86_400;
    let readings: Vec<(i64, i32)> = places::building_readings(db.reader(), building_id, since)
        .await?
        .into_iter()
        .filter_map(|(at, tenths)| Some((at, i32::try_from(tenths).ok()?)))
        .collect();
    Ok(daily_readings(&readings, READING_DAYS, now))
}

/// The buildings a grid worker or property manager looks after, with their
/// heat status and case load; the most overdue first.
pub async fn looked_after_buildings(
    db: &Database,
    settings: &PortalSettings,
    viewer: &Viewer,
    list: BuildingList,
    now: i64,
) -> BackendResult<Vec<StaffBuilding>> {
    let scope = match list {
        BuildingList::Grid => {
            viewer.require(Role::GridWorker)?;
            GRID_BUILDINGS
        }
        BuildingList::Property => {
            viewer.require(Role::PropertyManager)?;
            ASSIGNED_BUILDINGS
        }
    };
    let ids = places::buildings_in_scope(db.reader(), viewer.person_id, scope).await?;
    let mut buildings = Vec::with_capacity(ids.len());
    for id in ids {
        buildings.push(staff_building(db, settings, id, now).await?);
    }
    buildings.sort_by_key(|b| (-b.overdue_cases, -b.open_cases));
    Ok(buildings)
}

/// One building the viewer looks after, with its cases and a week of
/// readings (no personal data).
pub async fn looked_after_building(
    db: &Database,
    settings: &PortalSettings,
    viewer: &Viewer,
    building_id: i64,
    now: i64,
) -> BackendResult<BuildingDesk> {
    let not_found = BackendError::NotFound(text::building_not_looked_after);
    if !places::building_in_scope(
        db.reader(),
        viewer.person_id,
        building_id,
        LOOKED_AFTER_BUILDINGS,
    )
    .await?
    {
        return Err(not_found);
    }
    let building = staff_building(db, settings, building_id, now).await?;
    let cases = cases::of_looked_after_building(db.reader(), viewer.person_id, building_id)
        .await?
        .into_iter()
        .map(|row| brief(row, now))
        .collect();
    Ok(BuildingDesk {
        building,
        cases,
        readings: week_of_readings(db, building_id, now).await?,
        measured: crate::services::telemetry::views::measured_building(db, building_id, now)
            .await?,
    })
}
