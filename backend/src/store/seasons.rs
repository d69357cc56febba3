//! Fixed season windows and the city's season announcements.

use crate::error::BackendResult;
use domain::season::{AnnouncementKind, SeasonAnnouncement, SeasonWindow};
use sqlx::AnyPool;

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
/// that were published by `now` (a decision is not news before it is made).
pub async fn announcements(
    pool: &AnyPool,
    first_year: i32,
    last_year: i32,
    now: i64,
) -> BackendResult<Vec<SeasonAnnouncement>> {
    let rows: Vec<(i64, String, i64, String, i64)> = sqlx::query_as(
        "SELECT season_start_year, kind, effective_at, reason, published_at \
         FROM season_announcements \
         WHERE season_start_year BETWEEN $1 AND $2 AND published_at <= $3 \
         ORDER BY published_at",
    )
    .bind(i64::from(first_year))
    .bind(i64::from(last_year))
    .bind(now)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(year, kind, effective_at, reason, published_at)| {
            Some(SeasonAnnouncement {
                season_start_year: i32::try_from(year).ok()?,
                kind: AnnouncementKind::parse(&kind)?,
                effective_at,
                reason,
                published_at,
            })
        })
        .collect())
}

pub async fn insert_announcement(
    pool: &AnyPool,
    announcement: &SeasonAnnouncement,
) -> BackendResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO season_announcements (season_start_year, kind, effective_at, reason, published_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(i64::from(announcement.season_start_year))
    .bind(announcement.kind.as_str())
    .bind(announcement.effective_at)
    .bind(&announcement.reason)
    .bind(announcement.published_at)
    .fetch_one(pool)
    .await?)
}
