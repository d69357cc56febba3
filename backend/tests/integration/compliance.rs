//! 室温达标率 on both engines: the job judges each trusted home sensor's
//! day from the hourly rollups — a spell below 18 ℃ counts against the
//! home, an outage's hours and a half-reporting or flagged sensor do not —
//! computes each day once until late data can no longer change it, and
//! the city's report (the heating authority's only) shows the tallies.

use backend::config::PortalSettings;
use backend::db::Database;
use backend::error::BackendError;
use backend::on_both_engines;
use backend::seed::demo;
use backend::services::identity::Viewer;
use backend::services::reports::city_report;
use backend::services::telemetry::compliance::{
    compute_days, refresh_after_fill, refresh_compliance,
};
use backend::store::telemetry::{keep_readings, upsert_sensor, NewSensor};
use chrono::NaiveDate;
use domain::clock::local_instant;
use domain::compliance::{day_span, REFRESH_DAYS};
use domain::outage::OutageKind;
use domain::outage_desk::{CheckedOutage, Notice};
use domain::reports::{Period, PeriodKind};
use domain::roles::Role;
use domain::telemetry::{Quantity, Reading, SensorKind};

const HOUR: i64 = 3600;

fn now() -> i64 {
    local_instant(2026, 12, 6, 10).unwrap()
}

fn yesterday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 5).unwrap()
}

fn viewer(roles: Vec<Role>, company_id: Option<i64>) -> Viewer {
    Viewer {
        person_id: 1,
        display_name: "测试".to_string(),
        phone: None,
        username: None,
        company_id,
        roles,
    }
}

/// The first `n` heated households of company 1: (household, building).
async fn households(db: &Database, n: i64) -> Vec<(i64, i64)> {
    sqlx::query_as(
        "SELECT h.id, b.id FROM households h JOIN units u ON u.id = h.unit_id \
         JOIN buildings b ON b.id = u.building_id JOIN stations s ON s.id = b.station_id \
         WHERE s.company_id = 1 AND h.service_state = 'heated' \
         ORDER BY b.id, h.id LIMIT $1",
    )
    .bind(n)
    .fetch_all(db.reader())
    .await
    .unwrap()
}

/// Registers an indoor sensor in a household of company 1.
async fn sensor(db: &Database, code: &str, household: i64, building: i64) -> i64 {
    let mut tx = db.writer().begin().await.unwrap();
    let new = NewSensor {
        code: code.to_string(),
        kind: SensorKind::Indoor,
        household_id: Some(household),
        building_id: Some(building),
        station_id: None,
        company_id: Some(1),
    };
    upsert_sensor(&mut tx, &new, now() - 30 * 86_400)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    sqlx::query_scalar("SELECT id FROM sensors WHERE code = $1")
        .bind(code)
        .fetch_one(db.reader())
        .await
        .unwrap()
}

/// Readings every 20 minutes of yesterday's hours `[from, to)`, at
/// `degrees(hour)`.
async fn report(db: &Database, sensor: i64, from: i64, to: i64, degrees: impl Fn(i64) -> f64) {
    let (midnight, _) = day_span(yesterday());
    let readings: Vec<Reading> = (from * 3..to * 3)
        .map(|third| Reading {
            sensor,
            quantity: Quantity::IndoorTemp,
            measured_at: midnight + third * 20 * 60,
            value: degrees(third / 3),
        })
        .collect();
    keep_readings(db, &readings).await.unwrap();
}

on_both_engines!(
    compliance_counts_homes_per_company_and_day,
    |db: Database| async move {
        demo::seed_demo(&db, now()).await.unwrap();
        let settings = PortalSettings::default();
        let homes = households(&db, 5).await;
        let warm = sensor(&db, "T-WARM", homes[0].0, homes[0].1).await;
        let cold = sensor(&db, "T-COLD", homes[1].0, homes[1].1).await;
        let excused = sensor(&db, "T-OUTAGE", homes[2].0, homes[2].1).await;
        let short = sensor(&db, "T-SHORT", homes[3].0, homes[3].1).await;
        let flagged = sensor(&db, "T-FLAGGED", homes[4].0, homes[4].1).await;
        report(&db, warm, 0, 24, |_| 20.4).await;
        // Seven hours at 16 ℃ from 02:00: a cold spell.
        report(&db, cold, 0, 24, |h| {
            if (2..9).contains(&h) {
                16.0
            } else {
                19.5
            }
        })
        .await;
        // Cold only while a published outage covers its building.
        report(&db, excused, 0, 24, |h| {
            if (10..18).contains(&h) {
                12.0
            } else {
                20.0
            }
        })
        .await;
        // Ten hours of data: too few to judge.
        report(&db, short, 0, 10, |_| 15.0).await;
        // Cold all day, but flagged (stuck): not trusted.
        report(&db, flagged, 0, 24, |_| 15.0).await;
        sqlx::query("UPDATE sensors SET flag = 'stuck', flagged_at = $1 WHERE id = $2")
            .bind(now())
            .bind(flagged)
            .execute(db.writer())
            .await
            .unwrap();
        let (midnight, _) = day_span(yesterday());
        let outage_building = homes[2].1;
        let staff: i64 = sqlx::query_scalar("SELECT MIN(id) FROM people")
            .fetch_one(db.reader())
            .await
            .unwrap();
        let mut tx = db.writer().begin().await.unwrap();
        let outage = CheckedOutage {
            kind: OutageKind::Emergency,
            title: "抢修".to_string(),
            cause: "管道泄漏".to_string(),
            contact: "0536-1234567".to_string(),
            starts_at: midnight + 10 * HOUR,
            expected_restore_at: midnight + 18 * HOUR,
            notice: Notice::InTime,
            station_ids: vec![],
            building_ids: vec![outage_building],
            community_ids: vec![],
        };
        let id = backend::store::outage_desk::insert_draft(&mut tx, 1, &outage, staff, midnight)
            .await
            .unwrap();
        assert!(
            backend::store::outage_desk::publish(&mut tx, 1, id, midnight, staff)
                .await
                .unwrap()
        );
        tx.commit().await.unwrap();

        let authority = viewer(vec![Role::HeatingAuthority], None);
        let period = Period::containing(PeriodKind::Day, yesterday());
        compute_days(&db, &settings, &[yesterday()], now())
            .await
            .unwrap();
        let city = city_report(&db, &authority, period, now()).await.unwrap();
        let first = &city.companies[0];
        // warm, cold and excused measured; cold below.
        assert_eq!(
            (first.compliance.count, first.compliance.of),
            (2, 3),
            "{first:?}"
        );
        assert_eq!(city.compliance_days.len(), 1);
        assert_eq!(city.compliance_days[0].companies[0].display(), "66.7%");
        assert_eq!(city.city.compliance.display(), "66.7%");

        // Without the outage, the excused home's cold hours count against it.
        sqlx::query("UPDATE outages SET status = 'draft' WHERE id = $1")
            .bind(id)
            .execute(db.writer())
            .await
            .unwrap();
        compute_days(&db, &settings, &[yesterday()], now())
            .await
            .unwrap();
        let city = city_report(&db, &authority, period, now()).await.unwrap();
        assert_eq!(city.companies[0].compliance.display(), "33.3%");

        // The job: every day of the look-back once (yesterday just was), then
        // nothing until an hour has passed; then again all but the oldest,
        // which was already final (its late window closed at midnight) when
        // it was computed.
        assert_eq!(
            refresh_compliance(&db, &settings, now()).await.unwrap(),
            REFRESH_DAYS as usize - 1
        );
        assert_eq!(refresh_compliance(&db, &settings, now()).await.unwrap(), 0);
        assert_eq!(
            refresh_compliance(&db, &settings, now() + 2 * HOUR)
                .await
                .unwrap(),
            REFRESH_DAYS as usize - 1
        );

        // Only the city's heating authority reads every company's figures.
        let dispatcher = viewer(vec![Role::Dispatcher], Some(1));
        assert!(matches!(
            city_report(&db, &dispatcher, period, now()).await,
            Err(BackendError::Forbidden)
        ));
    }
);

on_both_engines!(
    a_back_fill_reaches_days_computed_before_it_arrived,
    |db: Database| async move {
        demo::seed_demo(&db, now()).await.unwrap();
        let settings = PortalSettings::default();
        let authority = viewer(vec![Role::HeatingAuthority], None);
        let period = Period::containing(PeriodKind::Day, yesterday());
        let homes = households(&db, 1).await;
        let warm = sensor(&db, "T-LATE", homes[0].0, homes[0].1).await;
        // The job ran before any reading: yesterday has nothing measured.
        refresh_compliance(&db, &settings, now()).await.unwrap();
        let city = city_report(&db, &authority, period, now()).await.unwrap();
        assert_eq!(city.city.compliance.display(), "—");

        // Yesterday's readings arrive at once. The job alone would not look
        // again within the hour (and never, on a clock that stands still).
        report(&db, warm, 0, 24, |_| 20.4).await;
        assert_eq!(refresh_compliance(&db, &settings, now()).await.unwrap(), 0);
        // The fill names its hours: the days that read them are computed.
        let (midnight, _) = day_span(yesterday());
        assert_eq!(
            refresh_after_fill(&db, &settings, midnight, now(), now())
                .await
                .unwrap(),
            2,
            "yesterday, and the day before, whose verdict reads yesterday's first hours"
        );
        let city = city_report(&db, &authority, period, now()).await.unwrap();
        assert_eq!(city.city.compliance.display(), "100.0%");
    }
);
