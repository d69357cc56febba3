//! Outages, the places they touch and their progress notes.

use crate::error::BackendResult;
use sqlx::{Any, AnyPool, Transaction};
use std::collections::HashMap;

/// An outage row with its company's name.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OutageRow {
    pub id: i64,
    pub company_name: String,
    pub kind: String,
    pub title: String,
    pub cause: String,
    pub starts_at: i64,
    pub expected_restore_at: i64,
    /// When it ended: heat back, or called off (see `status`).
    pub restored_at: Option<i64>,
    pub published_at: i64,
    pub status: String,
    pub short_notice_reason: String,
    pub contact: String,
}

const OUTAGE_COLUMNS: &str = "o.id, hc.short_name AS company_name, o.kind, o.title, o.cause, \
     o.starts_at, o.expected_restore_at, COALESCE(o.restored_at, o.cancelled_at) AS restored_at, \
     o.published_at, o.status, o.short_notice_reason, o.contact";

/// Outages residents may see: not drafts; ended ones while they ended at or
/// after the bound given.
const PUBLIC_OUTAGE: &str = "o.status <> 'draft' \
     AND o.published_at <= COALESCE(o.restored_at, o.cancelled_at, o.published_at) \
     AND (COALESCE(o.restored_at, o.cancelled_at) IS NULL OR COALESCE(o.restored_at, o.cancelled_at) >= $1)";

/// Outages published by `now` and not restored, or restored at or after
/// `restored_since`.
pub async fn current(
    pool: &AnyPool,
    now: i64,
    restored_since: i64,
) -> BackendResult<Vec<OutageRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {OUTAGE_COLUMNS} FROM outages o \
         JOIN heating_companies hc ON hc.id = o.company_id \
         WHERE {PUBLIC_OUTAGE} AND o.published_at <= $2 \
         ORDER BY o.starts_at DESC, o.id DESC"
    ))
    .bind(restored_since)
    .bind(now)
    .fetch_all(pool)
    .await?)
}

/// One outage residents may see at `now` (published by then, not a
/// draft), ended or not.
pub async fn one_public(
    pool: &AnyPool,
    outage_id: i64,
    now: i64,
) -> BackendResult<Option<OutageRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {OUTAGE_COLUMNS} FROM outages o \
         JOIN heating_companies hc ON hc.id = o.company_id \
         WHERE o.id = $1 AND o.status <> 'draft' AND o.published_at <= $2 \
           AND o.published_at <= COALESCE(o.restored_at, o.cancelled_at, o.published_at)"
    ))
    .bind(outage_id)
    .bind(now)
    .fetch_optional(pool)
    .await?)
}

/// Like [`current`], only the outages that touch one building, directly or
/// through its heat-exchange station.
pub async fn current_touching_building(
    pool: &AnyPool,
    building_id: i64,
    now: i64,
    restored_since: i64,
) -> BackendResult<Vec<OutageRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {OUTAGE_COLUMNS} FROM outages o \
         JOIN heating_companies hc ON hc.id = o.company_id \
         WHERE {PUBLIC_OUTAGE} AND o.published_at <= $3 \
           AND (o.id IN (SELECT outage_id FROM outage_buildings WHERE building_id = $2) \
                OR o.id IN (SELECT os.outage_id FROM outage_stations os \
                            JOIN buildings b ON b.station_id = os.station_id \
                            WHERE b.id = $2)) \
         ORDER BY o.starts_at DESC, o.id DESC"
    ))
    .bind(restored_since)
    .bind(building_id)
    .bind(now)
    .fetch_all(pool)
    .await?)
}

/// One affected building of an outage, with its community.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AffectedBuildingRow {
    pub outage_id: i64,
    pub community_id: i64,
    pub community_name: String,
    pub district: String,
    pub building_name: String,
}

/// The buildings each of `outage_ids` touches, directly or through a
/// station, ordered by district, community and building.
pub async fn affected_buildings(
    pool: &AnyPool,
    outage_ids: &[i64],
) -> BackendResult<Vec<AffectedBuildingRow>> {
    if outage_ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids = placeholders(1, outage_ids.len());
    let sql = format!(
        "SELECT x.outage_id, c.id AS community_id, c.name AS community_name, c.district, \
                b.name AS building_name \
         FROM (SELECT outage_id, building_id FROM outage_buildings WHERE outage_id IN ({ids}) \
               UNION \
               SELECT os.outage_id, sb.id AS building_id FROM outage_stations os \
               JOIN buildings sb ON sb.station_id = os.station_id \
               WHERE os.outage_id IN ({ids})) x \
         JOIN buildings b ON b.id = x.building_id \
         JOIN communities c ON c.id = b.community_id \
         ORDER BY x.outage_id, c.district, c.name, b.sort_key"
    );
    let mut query = sqlx::query_as(&sql);
    for id in outage_ids {
        query = query.bind(*id);
    }
    Ok(query.fetch_all(pool).await?)
}

/// How many buildings each of `community_ids` has.
pub async fn building_counts(
    pool: &AnyPool,
    community_ids: &[i64],
) -> BackendResult<HashMap<i64, i64>> {
    if community_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "SELECT community_id, COUNT(*) FROM buildings WHERE community_id IN ({}) GROUP BY community_id",
        placeholders(1, community_ids.len())
    );
    let mut query = sqlx::query_as::<_, (i64, i64)>(&sql);
    for id in community_ids {
        query = query.bind(*id);
    }
    Ok(query.fetch_all(pool).await?.into_iter().collect())
}

/// The newest progress note of each outage that has one.
pub async fn latest_updates(
    pool: &AnyPool,
    outage_ids: &[i64],
) -> BackendResult<HashMap<i64, (i64, String)>> {
    if outage_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "SELECT outage_id, posted_at, message FROM outage_updates \
         WHERE outage_id IN ({}) ORDER BY outage_id, posted_at, id",
        placeholders(1, outage_ids.len())
    );
    let mut query = sqlx::query_as::<_, (i64, i64, String)>(&sql);
    for id in outage_ids {
        query = query.bind(*id);
    }
    // Ordered oldest first, so the last one inserted for an outage wins.
    Ok(query
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(|(outage_id, posted_at, message)| (outage_id, (posted_at, message)))
        .collect())
}

/// What an outage's notice shows beyond its row: the buildings it touches,
/// how many buildings their communities have, and its newest note.
#[derive(Clone, Debug, Default)]
pub struct OutageFacts {
    pub affected: Vec<AffectedBuildingRow>,
    pub building_counts: HashMap<i64, i64>,
    pub latest_updates: HashMap<i64, (i64, String)>,
}

impl OutageFacts {
    pub async fn read(pool: &AnyPool, outage_ids: &[i64]) -> BackendResult<Self> {
        let affected = affected_buildings(pool, outage_ids).await?;
        let mut community_ids: Vec<i64> = affected.iter().map(|a| a.community_id).collect();
        community_ids.sort_unstable();
        community_ids.dedup();
        Ok(Self {
            building_counts: building_counts(pool, &community_ids).await?,
            latest_updates: latest_updates(pool, outage_ids).await?,
            affected,
        })
    }
}

/// An outage written straight as published or restored, as the demo city
/// is seeded (staff write theirs at the desk: [`super::outage_desk`]).
#[derive(Clone, Debug)]
pub struct NewOutage {
    pub company_id: i64,
    pub kind: domain::outage::OutageKind,
    pub title: String,
    pub cause: String,
    pub starts_at: i64,
    pub expected_restore_at: i64,
    pub restored_at: Option<i64>,
    pub published_at: i64,
    pub station_ids: Vec<i64>,
    pub building_ids: Vec<i64>,
}

pub async fn insert(tx: &mut Transaction<'_, Any>, outage: &NewOutage) -> BackendResult<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO outages (company_id, kind, title, cause, starts_at, expected_restore_at, restored_at, published_at, status, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8) RETURNING id",
    )
    .bind(outage.company_id)
    .bind(outage.kind.as_str())
    .bind(&outage.title)
    .bind(&outage.cause)
    .bind(outage.starts_at)
    .bind(outage.expected_restore_at)
    .bind(outage.restored_at)
    .bind(outage.published_at)
    .bind(if outage.restored_at.is_some() {
        "restored"
    } else {
        "published"
    })
    .fetch_one(&mut **tx)
    .await?;
    let links = [
        (
            "INSERT INTO outage_stations (outage_id, station_id) VALUES ($1, $2)",
            &outage.station_ids,
        ),
        (
            "INSERT INTO outage_buildings (outage_id, building_id) VALUES ($1, $2)",
            &outage.building_ids,
        ),
    ];
    for (sql, targets) in links {
        for target in targets {
            sqlx::query(sql)
                .bind(id)
                .bind(*target)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(id)
}

/// "$start, $start+1, …" for `count` bound values.
pub(crate) fn placeholders(start: usize, count: usize) -> String {
    (start..start + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_are_numbered() {
        assert_eq!(super::placeholders(1, 3), "$1, $2, $3");
        assert_eq!(super::placeholders(4, 1), "$4");
    }
}
