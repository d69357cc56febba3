//! Communities, buildings and units: the places residents pick.

use crate::error::BackendResult;
use domain::notices::{CommunityChoice, PlaceChoice};
use sqlx::AnyPool;

pub async fn communities(pool: &AnyPool) -> BackendResult<Vec<CommunityChoice>> {
    let rows: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT id, name, district FROM communities ORDER BY district, name")
            .fetch_all(pool)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, district)| CommunityChoice { id, name, district })
        .collect())
}

pub async fn buildings_of_community(
    pool: &AnyPool,
    community_id: i64,
) -> BackendResult<Vec<PlaceChoice>> {
    children(
        pool,
        "SELECT id, name FROM buildings WHERE community_id = $1 ORDER BY sort_key, name",
        community_id,
    )
    .await
}

pub async fn units_of_building(
    pool: &AnyPool,
    building_id: i64,
) -> BackendResult<Vec<PlaceChoice>> {
    children(
        pool,
        "SELECT id, name FROM units WHERE building_id = $1 ORDER BY sort_key, name",
        building_id,
    )
    .await
}

/// The places under one parent, as picker choices.
async fn children(pool: &AnyPool, sql: &str, parent_id: i64) -> BackendResult<Vec<PlaceChoice>> {
    let rows: Vec<(i64, String)> = sqlx::query_as(sql).bind(parent_id).fetch_all(pool).await?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| PlaceChoice { id, name })
        .collect())
}

/// A building with the names around it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct BuildingPlace {
    pub building_id: i64,
    pub building_name: String,
    pub community_id: i64,
    pub community_name: String,
    pub district: String,
    pub station_id: i64,
    pub station_name: String,
    pub company_id: i64,
    pub company_name: String,
    pub company_hotline: String,
}

pub async fn building_place(
    pool: &AnyPool,
    building_id: i64,
) -> BackendResult<Option<BuildingPlace>> {
    Ok(sqlx::query_as(
        "SELECT b.id AS building_id, b.name AS building_name, \
                c.id AS community_id, c.name AS community_name, c.district, \
                s.id AS station_id, s.name AS station_name, \
                hc.id AS company_id, hc.name AS company_name, hc.hotline AS company_hotline \
         FROM buildings b \
         JOIN communities c ON c.id = b.community_id \
         JOIN stations s ON s.id = b.station_id \
         JOIN heating_companies hc ON hc.id = s.company_id \
         WHERE b.id = $1",
    )
    .bind(building_id)
    .fetch_optional(pool)
    .await?)
}

/// "community building" of each named building that exists, in one
/// statement.
pub async fn building_labels(
    pool: &AnyPool,
    building_ids: &[i64],
) -> BackendResult<std::collections::HashMap<i64, String>> {
    if building_ids.is_empty() {
        return Ok(Default::default());
    }
    let sql = format!(
        "SELECT b.id, c.name, b.name FROM buildings b \
         JOIN communities c ON c.id = b.community_id WHERE b.id IN ({})",
        super::outages::placeholders(1, building_ids.len())
    );
    let mut query = sqlx::query_as::<_, (i64, String, String)>(&sql);
    for id in building_ids {
        query = query.bind(*id);
    }
    Ok(query
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(|(id, community, building)| (id, format!("{community} {building}")))
        .collect())
}

/// A station's name.
pub async fn station_name(pool: &AnyPool, station_id: i64) -> BackendResult<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT name FROM stations WHERE id = $1")
            .bind(station_id)
            .fetch_optional(pool)
            .await?,
    )
}

/// The community of a building, or of nothing.
pub async fn community_of_building(pool: &AnyPool, building_id: i64) -> BackendResult<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT community_id FROM buildings WHERE id = $1")
            .bind(building_id)
            .fetch_optional(pool)
            .await?,
    )
}

/// The building of a unit, or of nothing.
pub async fn building_of_unit(pool: &AnyPool, unit_id: i64) -> BackendResult<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT building_id FROM units WHERE id = $1")
            .bind(unit_id)
            .fetch_optional(pool)
            .await?,
    )
}

/// A heating company's short name and hotline number.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct CompanyHotline {
    pub short_name: String,
    pub hotline: String,
}

/// Heating-company hotlines, for the footer of every page.
pub async fn company_hotlines(pool: &AnyPool) -> BackendResult<Vec<CompanyHotline>> {
    Ok(
        sqlx::query_as("SELECT short_name, hotline FROM heating_companies ORDER BY id")
            .fetch_all(pool)
            .await?,
    )
}

/// The buildings of a scope (a sub-query of `access` taking the person as
/// `$1`), in address order.
pub async fn buildings_in_scope(
    pool: &AnyPool,
    person_id: i64,
    scope: &str,
) -> BackendResult<Vec<i64>> {
    Ok(sqlx::query_scalar(&format!(
        "SELECT b.id FROM buildings b JOIN communities c ON c.id = b.community_id \
         WHERE b.id IN ({scope}) ORDER BY c.district, c.name, b.sort_key, b.id"
    ))
    .bind(person_id)
    .fetch_all(pool)
    .await?)
}

/// Whether one building is in a scope.
pub async fn building_in_scope(
    pool: &AnyPool,
    person_id: i64,
    building_id: i64,
    scope: &str,
) -> BackendResult<bool> {
    let found: Option<i64> = sqlx::query_scalar(&format!(
        "SELECT id FROM buildings WHERE id = $2 AND id IN ({scope})"
    ))
    .bind(person_id)
    .bind(building_id)
    .fetch_optional(pool)
    .await?;
    Ok(found.is_some())
}

/// A building's households, how many of them are suspended (报停), and its
/// open and overdue open cases.
#[derive(Clone, Copy, Debug, sqlx::FromRow)]
pub struct BuildingLoad {
    pub households: i64,
    pub suspended: i64,
    pub open_cases: i64,
    pub overdue_cases: i64,
}

pub async fn building_load(
    pool: &AnyPool,
    building_id: i64,
    now: i64,
) -> BackendResult<BuildingLoad> {
    Ok(sqlx::query_as(
        "SELECT COUNT(*) AS households, \
                COALESCE(SUM(CASE WHEN h.service_state = 'suspended' THEN 1 ELSE 0 END), 0) \
                  AS suspended, \
                (SELECT COUNT(*) FROM cases WHERE building_id = $1 AND closed_at IS NULL) \
                  AS open_cases, \
                (SELECT COUNT(*) FROM cases WHERE building_id = $1 AND closed_at IS NULL \
                 AND due_at IS NOT NULL AND due_at <= $2) AS overdue_cases \
         FROM households h JOIN units u ON u.id = h.unit_id WHERE u.building_id = $1",
    )
    .bind(building_id)
    .bind(now)
    .fetch_one(pool)
    .await?)
}

/// Indoor readings taken in a building since `since`: (when, tenths), from
/// its residents' temperature complaints.
pub async fn building_readings(
    pool: &AnyPool,
    building_id: i64,
    since: i64,
) -> BackendResult<Vec<(i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT created_at, reading_tenths FROM cases \
         WHERE building_id = $1 AND kind = 'temperature' AND reading_tenths IS NOT NULL \
           AND created_at >= $2 ORDER BY created_at",
    )
    .bind(building_id)
    .bind(since)
    .fetch_all(pool)
    .await?)
}

/// The full name and hotline of the company that runs an outage.
pub async fn company_of_outage(
    pool: &AnyPool,
    outage_id: i64,
) -> BackendResult<Option<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT hc.name, hc.hotline FROM outages o \
         JOIN heating_companies hc ON hc.id = o.company_id WHERE o.id = $1",
    )
    .bind(outage_id)
    .fetch_optional(pool)
    .await?)
}

/// The company whose station heats a building.
pub async fn company_of_building(pool: &AnyPool, building_id: i64) -> BackendResult<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT s.company_id FROM buildings b JOIN stations s ON s.id = b.station_id WHERE b.id = $1",
    )
    .bind(building_id)
    .fetch_optional(pool)
    .await?)
}
