//! The demo city's notices: outages under way, coming and restored, and a
//! season announcement.

use crate::error::BackendResult;
use crate::store::outage_desk;
use crate::store::outages::{self, NewOutage};
use domain::clock::UnixSeconds;
use domain::outage::OutageKind;
use domain::season::{season_status, AnnouncementKind, SeasonCalendar, SeasonRule};
use sqlx::{Any, Transaction};

const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;

/// Rounds down to the hour, so seeded times read naturally ("09:00").
fn on_the_hour(t: UnixSeconds) -> UnixSeconds {
    t - t.rem_euclid(HOUR)
}

pub(super) async fn seed_outages(
    tx: &mut Transaction<'_, Any>,
    now: UnixSeconds,
    company_ids: &[i64],
    community_station: &[i64],
    community_buildings: &[Vec<i64>],
) -> BackendResult<usize> {
    let hour = on_the_hour(now);

    // A pipe burst this morning: the whole of 东方花园 (its station) is cold.
    let emergency = NewOutage {
        company_id: company_ids[0],
        kind: OutageKind::Emergency,
        title: "东风东街一次网管道爆管抢修".to_string(),
        cause: "东风东街与新华路路口 DN300 供水管道爆管，已关阀抢修。".to_string(),
        starts_at: hour - 3 * HOUR,
        expected_restore_at: hour + 5 * HOUR,
        restored_at: None,
        published_at: hour - 3 * HOUR + 600,
        station_ids: vec![community_station[1]],
        building_ids: vec![],
    };
    let emergency_id = outages::insert(tx, &emergency).await?;
    outage_desk::insert_update(
        tx,
        emergency_id,
        hour - 2 * HOUR,
        "抢修人员已到场，正在开挖作业面。",
        None,
        None,
    )
    .await?;
    outage_desk::insert_update(
        tx,
        emergency_id,
        hour - HOUR,
        "漏点已找到，正在更换管段，预计按时恢复供热。",
        None,
        None,
    )
    .await?;

    // Planned work three days out, on two buildings of 向阳小区, over 24 h:
    // announced more than two days ahead, as the rules ask.
    let planned_start = on_the_hour(now + 3 * DAY);
    let planned = NewOutage {
        company_id: company_ids[0],
        kind: OutageKind::Planned,
        title: "向阳小区二次网阀门更换".to_string(),
        cause: "更换 2 号楼、3 号楼入户总阀门及老化管段，施工期间暂停供热。".to_string(),
        starts_at: planned_start,
        expected_restore_at: planned_start + 30 * HOUR,
        restored_at: None,
        published_at: now - DAY,
        station_ids: vec![],
        building_ids: community_buildings[7][1..3].to_vec(),
    };
    outages::insert(tx, &planned).await?;

    // Yesterday's failure in 高新区, restored this morning.
    let restored = NewOutage {
        company_id: company_ids[2],
        kind: OutageKind::Emergency,
        title: "清池小区换热站循环泵故障".to_string(),
        cause: "换热站循环泵电机烧毁，已更换备用泵。".to_string(),
        starts_at: hour - 20 * HOUR,
        expected_restore_at: hour - 10 * HOUR,
        restored_at: Some(hour - 9 * HOUR),
        published_at: hour - 20 * HOUR + 900,
        station_ids: vec![community_station[16]],
        building_ids: vec![],
    };
    let restored_id = outages::insert(tx, &restored).await?;
    outage_desk::insert_update(
        tx,
        restored_id,
        hour - 9 * HOUR,
        "已恢复供热，室温将在 4—6 小时内逐步回升。",
        None,
        None,
    )
    .await?;
    Ok(3)
}

/// An early start for the season in force or next to come: four days before
/// the regulated start, announced a week before that.
pub(super) async fn seed_announcement(
    tx: &mut Transaction<'_, Any>,
    now: UnixSeconds,
) -> BackendResult<()> {
    let calendar = SeasonCalendar {
        rule: SeasonRule::default(),
        fixed: vec![],
    };
    let season = season_status(&calendar, &[], now).regulated;
    let early_start = season.start - 4 * DAY;
    sqlx::query(
        "INSERT INTO season_announcements (season_start_year, kind, effective_at, reason, published_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(i64::from(season.start_year))
    .bind(AnnouncementKind::EarlyStart.as_str())
    .bind(early_start)
    .bind("受强冷空气影响，气温持续走低，经市政府批准，全市按程序提前供热。")
    .bind(early_start - 7 * DAY)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
