//! Fixed season windows and the city's season announcements.

use crate::error::BackendResult;
use domain::season::{AnnouncementKind, NamedCompany, SeasonAnnouncement, SeasonWindow};
use sqlx::{Any, AnyPool, Transaction};
use std::collections::HashMap;

pub async fn fixed_windows(pool: &AnyPool) -> BackendResult<Vec<SeasonWindow>> {
    let rows: Vec<(i64, i64, i64)> =
        sqlx::query_as("SELECT start_year, starts_at, ends_at FROM heating_seasons")
            .fetch_all(pool)
            .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(year, start, end)| {
            Some(SeasonWindow {
                start_year: i32::try_from(year).ok()?,
                start,
                end,
            })
        })
        .collect())
}

/// The announcements of the seasons starting in `first_year..=last_year`
/// that were published by `now` (a decision is not news before it is made),
/// each with the companies it names.
pub async fn announcements(
    pool: &AnyPool,
    first_year: i32,
    last_year: i32,
    now: i64,
) -> BackendResult<Vec<SeasonAnnouncement>> {
    let rows: Vec<(i64, i64, String, i64, String, i64)> = sqlx::query_as(
        "SELECT id, season_start_year, kind, effective_at, reason, published_at \
         FROM season_announcements \
         WHERE season_start_year BETWEEN $1 AND $2 AND published_at <= $3 \
         ORDER BY published_at, id",
    )
    .bind(i64::from(first_year))
    .bind(i64::from(last_year))
    .bind(now)
    .fetch_all(pool)
    .await?;
    let named: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT sac.announcement_id, hc.id, hc.short_name FROM season_announcement_companies sac \
         JOIN heating_companies hc ON hc.id = sac.company_id ORDER BY sac.announcement_id, hc.id",
    )
    .fetch_all(pool)
    .await?;
    let mut companies: HashMap<i64, Vec<NamedCompany>> = HashMap::new();
    for (announcement, id, name) in named {
        companies
            .entry(announcement)
            .or_default()
            .push(NamedCompany { id, name });
    }
    Ok(rows
        .into_iter()
        .filter_map(|(id, year, kind, effective_at, reason, published_at)| {
            Some(SeasonAnnouncement {
                season_start_year: i32::try_from(year).ok()?,
                kind: AnnouncementKind::parse(&kind)?,
                effective_at,
                reason,
                published_at,
                companies: companies.remove(&id).unwrap_or_default(),
            })
        })
        .collect())
}

/// Publishes a decision with the companies it names, in the caller's
/// transaction.
pub async fn insert_announcement_in(
    tx: &mut Transaction<'_, Any>,
    announcement: &SeasonAnnouncement,
    published_by: Option<i64>,
) -> BackendResult<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO season_announcements (season_start_year, kind, effective_at, reason, published_at, published_by) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(i64::from(announcement.season_start_year))
    .bind(announcement.kind.as_str())
    .bind(announcement.effective_at)
    .bind(&announcement.reason)
    .bind(announcement.published_at)
    .bind(published_by)
    .fetch_one(&mut **tx)
    .await?;
    for company in &announcement.companies {
        sqlx::query(
            "INSERT INTO season_announcement_companies (announcement_id, company_id) VALUES ($1, $2)",
        )
        .bind(id)
        .bind(company.id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(id)
}

/// Publishes a decision in a transaction of its own.
pub async fn insert_announcement(
    pool: &AnyPool,
    announcement: &SeasonAnnouncement,
) -> BackendResult<i64> {
    let mut tx = pool.begin().await?;
    let id = insert_announcement_in(&mut tx, announcement, None).await?;
    tx.commit().await?;
    Ok(id)
}

/// Every heating company, as a decision may name it.
pub async fn companies(pool: &AnyPool) -> BackendResult<Vec<NamedCompany>> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, short_name FROM heating_companies ORDER BY id")
            .fetch_all(pool)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| NamedCompany { id, name })
        .collect())
}
